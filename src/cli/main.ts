import { resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { exitCodeOf, formatError, UsageError } from "../lib/errors.js";
import { streamLogger, type Logger } from "../lib/log.js";
import { benchCommand } from "./bench.js";
import { buildCommand } from "./build.js";
import { doctorCommand } from "./doctor.js";
import { mergeCommand, publishCommand } from "./publish.js";
import { releaseCommand } from "./release.js";
import { sizeCheckCommand } from "./size-check.js";

export interface CommandContext {
  argv: string[];
  log: Logger;
  /** Machine-readable output (stdout). */
  out: NodeJS.WritableStream;
  /** Loads --config (default configs/kimigayo.yml). */
  config(path: string | undefined): Promise<Config>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}

export const COMMANDS: Command[] = [
  doctorCommand,
  buildCommand,
  sizeCheckCommand,
  benchCommand,
  publishCommand,
  mergeCommand,
  releaseCommand,
];

export const DEFAULT_CONFIG = "configs/kimigayo.yml";

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: kimigayo <command> [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --config FILE (default configs/kimigayo.yml), --json and --verbose.",
    "Exit codes: 0 success, 1 a failed check or build, 2 bad input.",
  ].join("\n");
}

/** The CLI: human output on stderr, --json results on stdout. */
export async function main(
  argv: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
  logger?: Logger,
): Promise<number> {
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  const log = logger ?? streamLogger(io.stderr, { verbose });
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stderr.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  try {
    if (!cmd) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
    if (rest.includes("--help") || rest.includes("-h")) {
      io.stderr.write(`${cmd.usage}\n`);
      return 0;
    }
    return await cmd.run({ argv: rest, log, out: io.stdout, config: (p) => loadConfig(resolve(p ?? DEFAULT_CONFIG)) });
  } catch (err) {
    const where = err instanceof UsageError ? err.where : undefined;
    log.error(formatError(err), where?.file ? { file: where.file, ...(where.line ? { line: where.line } : {}) } : undefined);
    if (verbose && err instanceof Error && !(err instanceof UsageError)) log.debug(err.stack ?? "");
    return exitCodeOf(err);
  }
}
