/** The commands, in the order the usage lists them. */
import { benchCommand } from "./bench.js";
import { buildCommand } from "./build.js";
import { changelogCommand } from "./changelog.js";
import type { Command } from "./command.js";
import { doctorCommand } from "./doctor.js";
import { mergeCommand, publishCommand } from "./publish.js";
import { rebuildCommand } from "./rebuild.js";
import { releaseCommand } from "./release.js";
import { sizeCheckCommand } from "./size-check.js";
import { verifyCommand } from "./verify.js";

export const COMMANDS: Command[] = [
  doctorCommand,
  buildCommand,
  sizeCheckCommand,
  benchCommand,
  publishCommand,
  mergeCommand,
  releaseCommand,
  changelogCommand,
  verifyCommand,
  rebuildCommand,
];
