/**
 * npm run bench:run [-- --runs N --variant V|all --out DIR --report FILE]: the runtime benchmark
 * of the standard image on this host's platform (plus any other variants asked for), with the
 * product's targets:
 *   boot to ready, in container (median, 0.001 ms resolution)  ≤ 5 ms
 *   boot, docker run to ready line ÷ the floor's docker run    ≤ 1.05  (median of pair ratios)
 *   startup ÷ floor                                            ≤ 1.02  (median of pair ratios)
 *   memory after ready (every run)                             ≤ 1 MiB, and no spike over 10 s
 *   docker stop (median)                                       < 1 s
 * It builds the images first when <out>/build.json lacks them (the cache makes that quick), writes
 * BENCHMARK_REPORT.md and <out>/bench/*, prints the figures beside the targets, and exits 1 when
 * one is missed. A benchmark, not a test: it needs dockerd, and the local registry for the pull case.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runBench, DEFAULT_RUNS } from "../src/bench/bench.js";
import { hostPlatform } from "../src/lib/platform.js";
import { writeBenchOutputs } from "../src/bench/outputs.js";
import { benchmarkEntries } from "../src/bench/report.js";
import { bindsTargets, evaluateTargets } from "../src/bench/targets.js";
import { CASES } from "../src/bench/types.js";
import { formatBench } from "../src/cli/bench.js";
import { loadConfig, selectVariants } from "../src/config/load.js";
import { DEFAULT_REGISTRY } from "../src/lib/docker.js";
import { streamLogger } from "../src/lib/log.js";
import { runBuild, type BuildResult } from "../src/pipeline/build.js";

const { values: a } = parseArgs({
  options: {
    runs: { type: "string" },
    variant: { type: "string" },
    out: { type: "string" },
    report: { type: "string" },
    config: { type: "string" },
  },
  strict: true,
});
const log = streamLogger(process.stderr);
const cfg = await loadConfig(resolve(a.config ?? "configs/kimigayo.yml"));
const platform = hostPlatform();
if (!platform || !cfg.platforms.includes(platform)) {
  process.stderr.write(`bench:run measures natively; this host (${process.arch}) is not one of ${cfg.platforms.join(", ")}\n`);
  process.exit(2);
}
const variants = selectVariants(cfg, a.variant ?? "standard").map((v) => v.name);
if (!variants.includes("standard")) variants.unshift("standard");
const out = resolve(a.out ?? "out");

let build: BuildResult | undefined = await readFile(join(out, "build.json"), "utf8")
  .then((t) => JSON.parse(t) as BuildResult)
  .catch(() => undefined);
const missing = variants.filter((v) => !build?.images.some((i) => i.variant === v && i.platform === platform));
if (!build || missing.length > 0) {
  log.info(`building ${variants.join(", ")} for ${platform} into ${out} first`);
  build = await runBuild({
    config: cfg,
    variants: cfg.variants.filter((v) => variants.includes(v.name)),
    platforms: [platform],
    outDir: out,
    log,
  });
}

const runs = a.runs === undefined ? DEFAULT_RUNS : Number(a.runs);
const result = await runBench({
  build: { result: build, variants, platforms: [platform] },
  references: [],
  runs,
  cases: [...CASES],
  workDir: join(out, "bench", "work"),
  registry: DEFAULT_REGISTRY,
  log,
});
const entries = benchmarkEntries(result);
const { files } = await writeBenchOutputs(result, entries, {
  out,
  report: resolve(a.report ?? "BENCHMARK_REPORT.md"),
});
process.stdout.write(`${formatBench(result)}\n\nwrote ${files.report}, ${files.benchmark}, ${files.summary}, ${files.result}\n`);

const missed = result.groups.filter(bindsTargets).flatMap((g) =>
  evaluateTargets(g)
    .filter((t) => t.ok !== true)
    .map((t) => `${g.label}: ${t.figure}: ${t.measured} (target ${t.target})`),
);
if (missed.length > 0) {
  process.stdout.write(`\ntargets missed or not measured:\n${missed.map((m) => `  ${m}`).join("\n")}\n`);
  process.exit(1);
}
process.stdout.write("\nall targets met\n");
