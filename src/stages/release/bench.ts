/**
 * bench: the release's benchmark: the default variant on this host's platform against the floor,
 * for startup, boot to ready and memory (the figures with targets); BENCHMARK_REPORT.md beside the notes.
 */
import { join } from "node:path";
import { runBench } from "../../bench/bench.js";
import { writeBenchOutputs } from "../../bench/outputs.js";
import { benchmarkEntries } from "../../bench/report.js";
import { evaluateTargets } from "../../bench/targets.js";
import type { Platform } from "../../config/schema.js";
import type { BenchRow } from "../../release/notes.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";
import { platformBench } from "../../release/benchmarks.js";

const DEFAULT_RELEASE_BENCH_RUNS = 5;

async function releaseBench(ctx: ReleaseContext, runs: number): Promise<BenchRow[]> {
  const platform: Platform = process.arch === "arm64" ? "linux/arm64" : "linux/amd64";
  const variant = ctx.config.variants.find((v) => v.default)!.name;
  const result = await runBench({
    build: { result: need(ctx.build, "the build", "bench"), variants: [variant], platforms: [platform] },
    references: [],
    runs,
    cases: ["startup", "boot", "memory"],
    workDir: join(ctx.outDir, "bench"),
    registry: "127.0.0.1:5000",
    log: ctx.log,
  });
  const entries = benchmarkEntries(result);
  await writeBenchOutputs(result, entries, { out: ctx.outDir, report: join(ctx.release.repoDir, "BENCHMARK_REPORT.md") });
  ctx.benchmarks = [platformBench(entries, "the release's benchmark")];
  return result.groups.flatMap((g) =>
    evaluateTargets(g).map((t) => ({
      name: `${g.image.label}: ${t.figure}`,
      value: t.measured,
      target: t.target,
      ...(t.ok !== undefined ? { ok: t.ok } : {}),
    })),
  );
}

export const bench: Stage<ReleaseContext> = {
  name: "bench",
  skip: (ctx) => (!ctx.release.bench && ctx.release.benchRuns === 0 ? "--bench-runs 0: no benchmark section in the notes" : false),
  async run(ctx) {
    const req = ctx.release;
    ctx.bench = req.bench
      ? await req.bench(need(ctx.build, "the build", "bench"), need(ctx.untagged, "the pushed images", "bench"))
      : await releaseBench(ctx, req.benchRuns ?? DEFAULT_RELEASE_BENCH_RUNS);
  },
};
