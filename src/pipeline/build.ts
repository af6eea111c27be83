/**
 * The build: config -> source -> busybox -> rootfs -> sbom -> image -> build.json, for each
 * variant and platform (the BUILD list). Its result is plain data, written to <out>/build.json,
 * so later stages and other runners can start from it.
 */
import { cpus } from "node:os";
import { resolve } from "node:path";
import type { BuildResult } from "../results/build.js";
import { buildContext, need, type BuildRequest } from "../stages/build/context.js";
import { resolveImageEngine } from "../stages/build/image.js";
import { runStages } from "./runner.js";
import { BUILD } from "./stages.js";

export type { BuildResult } from "../results/build.js";

export async function runBuild(req: BuildRequest): Promise<BuildResult> {
  const ctx = buildContext({ ...req, outDir: resolve(req.outDir) }, cpus().length);
  await resolveImageEngine(ctx);
  await runStages(BUILD, ctx);
  return need(ctx.build, "the build result", "build");
}
