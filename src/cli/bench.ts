import { join, resolve } from "node:path";
import { selectPlatforms, selectVariants } from "../config/load.js";
import { DEFAULT_RUNS, MAX_RUNS, parseImageArg, runBench, type BenchRequest } from "../bench/bench.js";
import { confirmGate, DEFAULT_THRESHOLD_PCT, gate, readBaseline, type GateResult } from "../bench/gate.js";
import { hostPlatform, type Platform } from "../lib/platform.js";
import { writeBenchOutputs, type BenchFiles } from "../bench/outputs.js";
import { benchmarkEntries, entryCases, ratioText, renderGate, statCells } from "../bench/report.js";
import { bindsTargets, evaluateTargets } from "../bench/targets.js";
import { AA_CASES, CASES, type BenchmarkEntry, type BenchResult, type CaseName } from "../bench/types.js";
import { DEFAULT_REGISTRY } from "../lib/docker.js";
import { UsageError } from "../lib/errors.js";
import { readBuildResult } from "../results/build.js";
import { commonOptions, outputFile, outputFolder, parseCommandArgs, str } from "./args.js";
import type { Command, CommandContext, CommandOptions } from "./command.js";
import { table } from "./table.js";

const USAGE = `usage: kimigayo bench [--variant V|all] [--platform P,...] [--runs N] [--reference IMAGE...]
                      [--baseline FILE] [--threshold PCT] [--aa] [--only CASES] [--json]
       kimigayo bench --image [LABEL=]IMAGE... [same options]

Benchmarks the images of the last \`kimigayo build\` (<out>/build.json) in the local Docker engine,
against reference images built from local files: the floor (a scratch image holding one static
binary that exits at once) and Debian's glibc-static BusyBox.
  startup   docker run --rm --pull=never IMAGE true
  boot      docker run IMAGE /sbin/init to the ready line (the rc's in-container ms, and the wall
            time from docker run), then docker stop (shutdown)
  memory    cgroup memory without page cache at the ready line, and the peak over 10 s
  commands  ls, grep, find, awk, sort, cat, wc, head on a fixed data set: docker exec into one
            running container, and one docker run each
  pull      time and bytes to pull each image from the local registry (pushed there first)
Each figure: a warm-up, then N runs interleaved with the references; median, p95, min, max, and
the ratio to each reference pair by pair. arm64 on an amd64 host runs under QEMU (labelled).
  --variant    minimal, standard, extended, a comma list, or all (default: the config's default)
  --platform   linux/amd64, linux/arm64 (default: this host's)
  --image      benchmark local images instead of the build's (LABEL names them in the results)
  --runs       runs per figure, 1..${MAX_RUNS} (default ${DEFAULT_RUNS}; memory takes min(N, 3), commands by docker run min(N, 5))
  --reference  another local image to compare with (repeatable); floor and busybox-glibc are always included
  --only       cases to run, comma-separated (default: ${CASES.join(",")})
  --baseline   an earlier benchmark.json: a figure trips when its best run (min of N) is worse than the
               baseline's by more than the limit: --threshold (default ${DEFAULT_THRESHOLD_PCT} %) or the figure's A/A
               noise floor, whichever is larger; the cases of the figures that trip are run again, and
               the exit code is 1 only when a figure trips twice
  --aa         A/A: also run each image against itself, interleaved, in every case, and record in
               benchmark.json how far each figure's best run (a ratio's median) moves with no change
               (noise=…% in extra); make baselines with it
  --out        the build output folder (default: out); results go to <out>/bench/
  --report     the markdown report (default: BENCHMARK_REPORT.md)
  --registry   the local registry for the pull case (default: ${DEFAULT_REGISTRY})
Writes <report>, <out>/bench/benchmark.json (github-action-benchmark customSmallerIsBetter),
<out>/bench-summary.md (job summary with a mermaid chart) and <out>/bench/result.json.`;

export interface BenchOptions {
  runs: number;
  cases: CaseName[];
  thresholdPct: number;
  images: string[];
  references: string[];
}

/** Validates the numeric and list options (before anything runs). */
export function parseBenchOptions(o: Record<string, string | boolean | string[] | undefined>): BenchOptions {
  const runsArg = str(o.runs);
  if (runsArg !== undefined && !/^\d+$/.test(runsArg))
    throw new UsageError(`bench: --runs must be a whole number in 1..${MAX_RUNS}, got "${runsArg}"`);
  const runs = runsArg === undefined ? DEFAULT_RUNS : Number(runsArg);
  if (runs < 1 || runs > MAX_RUNS) throw new UsageError(`bench: --runs must be in 1..${MAX_RUNS}, got ${runsArg}`);
  const t = str(o.threshold);
  if (t !== undefined && !/^\d+(\.\d+)?%?$/.test(t))
    throw new UsageError(`bench: --threshold must be a percentage like 10 or 7.5, got "${t}"`);
  const thresholdPct = t === undefined ? DEFAULT_THRESHOLD_PCT : Number(t.replace(/%$/, ""));
  if (thresholdPct > 1000) throw new UsageError(`bench: --threshold ${t} % is not a useful gate (0..1000)`);
  const only = str(o.only);
  let cases: CaseName[] = [...CASES];
  if (only !== undefined) {
    const wanted = only
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const unknown = wanted.filter((c) => !(CASES as readonly string[]).includes(c));
    if (wanted.length === 0 || unknown.length > 0) {
      throw new UsageError(
        `bench: --only ${JSON.stringify(only)}: unknown case ${unknown.map((u) => JSON.stringify(u)).join(", ") || "(none given)"}; cases: ${CASES.join(", ")}`,
      );
    }
    cases = CASES.filter((c) => wanted.includes(c));
  }
  const list = (v: unknown) =>
    (Array.isArray(v) ? (v as string[]) : typeof v === "string" ? [v] : []).flatMap((x) => x.split(/\s+/)).filter((x) => x !== "");
  return { runs, cases, thresholdPct, images: list(o.image), references: list(o.reference) };
}

export function formatBench(r: BenchResult): string {
  const rows: string[][] = [];
  for (const g of r.groups) {
    for (const m of g.measures.filter((x) => x.subject === g.image.label)) {
      const rs = g.ratios.filter((x) => x.subject === m.subject && (x.metric === m.metric || x.metric.startsWith(`${m.metric} ÷`)));
      rows.push([g.label, m.metric, ...statCells(m.summary, m.unit), ratioText(rs)]);
    }
  }
  const targets = r.groups.flatMap((g) =>
    evaluateTargets(g).map((t) => [
      bindsTargets(g) ? g.label : `(${g.label})`,
      t.figure,
      t.measured,
      t.target,
      t.ok === undefined ? "n/a" : t.ok ? "✓" : "✗",
    ]),
  );
  return [
    table(["image", "figure", "median", "p95", "min", "max", "ratio (pairs)"], rows, [2, 3, 4, 5]),
    "",
    table(["image", "target", "measured", "wanted", ""], targets),
  ].join("\n");
}

export interface BenchCommandOptions extends CommandOptions, BenchOptions {
  variant?: string;
  platform?: string;
  baseline?: string;
  aa: boolean;
  out: string;
  report: string;
  registry: string;
}

export function parseBenchCommandOptions(argv: string[]): BenchCommandOptions {
  const o = parseCommandArgs(
    "bench",
    argv,
    {
      variant: { type: "string" },
      platform: { type: "string" },
      runs: { type: "string" },
      reference: { type: "string", multiple: true },
      image: { type: "string", multiple: true },
      baseline: { type: "string" },
      threshold: { type: "string" },
      aa: { type: "boolean" },
      only: { type: "string" },
      out: { type: "string" },
      report: { type: "string" },
      registry: { type: "string" },
    },
    USAGE,
  );
  const options = parseBenchOptions(o);
  // The A/A twin runs beside the image in these cases only: a case set without them has no noise floor to record.
  if (o.aa === true && !options.cases.some((c) => (AA_CASES as readonly string[]).includes(c))) {
    throw new UsageError(
      `bench: --aa with --only ${JSON.stringify(str(o.only))}: the A/A twin runs only in ${AA_CASES.join(" and ")}; add one of them to --only, or drop --aa`,
    );
  }
  return {
    ...commonOptions(o),
    ...options,
    ...(str(o.variant) !== undefined ? { variant: str(o.variant)! } : {}),
    ...(str(o.platform) !== undefined ? { platform: str(o.platform)! } : {}),
    ...(str(o.baseline) ? { baseline: str(o.baseline)! } : {}),
    aa: o.aa === true,
    out: outputFolder("--out", str(o.out) ?? "out"),
    report: outputFile("--report", str(o.report) ?? "BENCHMARK_REPORT.md"),
    registry: str(o.registry) ?? DEFAULT_REGISTRY,
  };
}

/**
 * The platforms benchmarked: --platform, else this host's when the build has it, else the build's
 * first (a platform job that built only linux/arm64 benchmarks that, natively on an arm64 runner,
 * under QEMU elsewhere, labelled so), else the config's first.
 */
export function defaultBenchPlatforms(
  cfg: Parameters<typeof selectPlatforms>[0],
  build: { images: { platform: string }[] },
  given: string | undefined,
  host = hostPlatform(),
): Platform[] {
  if (given !== undefined) return selectPlatforms(cfg, given);
  const built = cfg.platforms.filter((p) => build.images.some((i) => i.platform === p));
  if (host && built.includes(host)) return [host];
  return built.length > 0 ? built.slice(0, 1) : host && cfg.platforms.includes(host) ? [host] : cfg.platforms.slice(0, 1);
}

export type BenchCommandResult = BenchResult & {
  entries: BenchmarkEntry[];
  gate?: GateResult;
  files: BenchFiles;
  /** The job summary's markdown (written to files.summary); not part of the --json document. */
  summaryMarkdown: string;
};

/** `kimigayo bench`: the build's images (or --image) against the references; the gate against --baseline. */
async function bench(ctx: CommandContext, o: BenchCommandOptions): Promise<BenchCommandResult> {
  const out = resolve(o.out);
  // Read the baseline first: a bad file should fail in a second, not after the benchmark.
  const baseline = o.baseline ? await readBaseline(resolve(o.baseline)) : undefined;
  const req: BenchRequest = {
    references: o.references,
    runs: o.runs,
    cases: o.cases,
    workDir: join(out, "bench", "work"),
    registry: o.registry,
    log: ctx.log,
    ...(o.aa ? { aa: true } : {}),
  };
  if (o.images.length > 0) {
    if (o.variant !== undefined || o.platform !== undefined)
      throw new UsageError("bench: --image takes the platform from the image; drop --variant and --platform");
    req.images = o.images.map(parseImageArg);
  } else {
    const cfg = await ctx.config(o.config);
    const variants = o.variant === undefined ? [cfg.variants.find((v) => v.default) ?? cfg.variants[0]!] : selectVariants(cfg, o.variant);
    const build = (await readBuildResult(out)).build;
    req.build = { result: build, variants: variants.map((v) => v.name), platforms: defaultBenchPlatforms(cfg, build, o.platform) };
  }
  const result = await runBench(req);
  const entries = benchmarkEntries(result);
  let gateResult: GateResult | undefined = baseline ? gate(entries, baseline, o.thresholdPct) : undefined;
  if (baseline && gateResult && !gateResult.passed) {
    const cases = entryCases(result);
    gateResult = await confirmGate(
      gateResult,
      baseline,
      (name) => cases.get(name),
      async (again) => {
        ctx.log.info(
          `\ngate: ${gateResult!.regressions.map((x) => x.name).join("; ")} tripped; measuring ${again.join(", ")} again to confirm`,
        );
        const { aa: _aa, ...plain } = req;
        return benchmarkEntries(await runBench({ ...plain, cases: again }));
      },
    );
  }

  const { files, summary } = await writeBenchOutputs(result, entries, { out, report: resolve(o.report) }, gateResult);
  ctx.log.info(`\n${formatBench(result)}`);
  if (gateResult) ctx.log.info(`\n${renderGate(gateResult).join("\n")}`);
  ctx.log.info(`\nwrote ${files.report}, ${files.benchmark}, ${files.summary} and ${files.result}`);
  return { ...result, entries, ...(gateResult ? { gate: gateResult } : {}), files, summaryMarkdown: summary };
}

export const benchCommand: Command<BenchCommandOptions, BenchCommandResult> = {
  name: "bench",
  summary: "benchmark startup, boot, shutdown, memory, commands and pull against reference images",
  usage: USAGE,
  parse: parseBenchCommandOptions,
  run: bench,
  json: ({ summaryMarkdown: _summary, ...r }) => r,
  action: (r) => ({ outputs: { bench: JSON.stringify(benchCommand.json(r)) }, summary: [r.summaryMarkdown] }),
  failure: (r) =>
    r.gate && !r.gate.passed
      ? `benchmark regression: ${r.gate.regressions.map((x) => `${x.name} ${x.baseline?.value} -> ${x.current?.value} ${x.unit}`).join("; ")}`
      : undefined,
};
