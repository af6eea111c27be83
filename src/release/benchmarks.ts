/**
 * The release's benchmarks and sizes against the previous GitHub Release's.
 *
 * Each platform job of the spread-out release benchmarks its own platform and uploads its
 * benchmark.json (github-action-benchmark's format, `kimigayo bench`); the release job publishes
 * each as the asset benchmark-<arch>.json, and the size report as size-report.json. The next
 * release reads those assets back from the previous release (readPreviousRelease) and the notes
 * show each figure's change with the noise floor beside it, and each image's size with its change.
 *
 * The figure compared is the one the regression gate judges: a time's best run (`min=` in extra,
 * which moves least under load, and what the A/A noise floor `noise=` is measured for), a ratio's
 * or a memory figure's median. A change within the limit — the larger of the two runs' noise
 * floors and the gate's threshold — is "within noise". Figures measured differently (natively
 * against under QEMU) are not compared.
 */
import { parseExtra, DEFAULT_THRESHOLD_PCT } from "../bench/gate.js";
import { mdTable, mdText, xychart } from "../lib/markdown.js";
import { formatBytes, formatDelta, formatPercent, formatValue, percentChange } from "../lib/format.js";
import { archOf, PLATFORMS, type Platform } from "../lib/platform.js";
import { parseBenchmarkEntries, type BenchmarkEntry } from "../results/benchmark.js";
import { savedSizeReportSchema, type SavedSizeReport } from "../results/size-report.js";
import { UsageError } from "../lib/errors.js";
import type { Octokit } from "../github/client.js";
import { isNotFound } from "../github/client.js";

/** The release asset that holds a platform's benchmark.json. */
export const benchAssetName = (platform: Platform) => `benchmark-${archOf(platform)}.json`;
export const BENCH_ASSET = /^benchmark-(amd64|arm64)\.json$/;
/** The release asset that holds the size report (`kimigayo size-check` / the release's size-report.json). */
export const SIZE_ASSET = "size-report.json";

/** One platform's benchmark.json, and how it was measured. */
export interface PlatformBench {
  platform: Platform;
  /** "native" or "emulated (QEMU)", as the entries record it. */
  execution: string;
  entries: BenchmarkEntry[];
}

/** A benchmark.json's platform and execution, from its entries' `extra` ("…; linux/arm64 native; …"). */
export function platformBench(entries: BenchmarkEntry[], where: string): PlatformBench {
  const seen = new Set<string>();
  for (const e of entries) {
    const m = /;\s*(linux\/[a-z0-9]+) (native|emulated \(QEMU\))(?:;|$)/.exec(e.extra ?? "");
    if (m) seen.add(`${m[1]} ${m[2]}`);
  }
  if (seen.size !== 1) {
    throw new UsageError(
      `${where}: expected the figures of one platform, measured one way ("linux/amd64 native" in each entry's extra), found ${seen.size === 0 ? "none" : [...seen].join(", ")}`,
    );
  }
  const [name, ...rest] = [...seen][0]!.split(" ");
  const platform = PLATFORMS.find((p) => p === name);
  if (!platform) throw new UsageError(`${where}: ${name} is not a platform kimigayo builds`);
  return { platform, execution: rest.join(" "), entries };
}

/** What the previous GitHub Release kept: its tag, its platforms' benchmarks and its size report, each when it has them. */
export interface PreviousRelease {
  tag: string;
  bench: PlatformBench[];
  size?: SavedSizeReport;
}

/** What the notes compare with: the previous release, or why there is none. */
export type Baseline = { release: PreviousRelease } | { none: string };

/**
 * The previous release's benchmark and size assets, read through the API (an asset's bytes come with
 * Accept: application/octet-stream). Undefined when `tag` has no published GitHub Release. An asset
 * that cannot be read as what it should be fails (UsageError naming the release and the asset).
 */
export async function readPreviousRelease(
  octokit: Octokit,
  owner: string,
  repo: string,
  tag: string,
): Promise<PreviousRelease | undefined> {
  let release;
  try {
    release = (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const download = async (id: number): Promise<string> => {
    const r = await octokit.rest.repos.getReleaseAsset({ owner, repo, asset_id: id, headers: { accept: "application/octet-stream" } });
    const data = r.data as unknown;
    if (typeof data === "string") return data;
    if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
    if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8");
    throw new Error(`release ${tag}'s asset ${id}: the download is neither text nor bytes`);
  };
  const out: PreviousRelease = { tag, bench: [] };
  for (const a of [...release.assets].sort((x, y) => x.name.localeCompare(y.name))) {
    const where = `release ${tag}'s asset ${a.name}`;
    if (BENCH_ASSET.test(a.name)) out.bench.push(platformBench(parseBenchmarkEntries(await download(a.id), where), where));
    else if (a.name === SIZE_ASSET) {
      let json: unknown;
      try {
        json = JSON.parse(await download(a.id));
      } catch (e) {
        throw new UsageError(`${where}: not JSON (${(e as Error).message})`);
      }
      const r = savedSizeReportSchema.safeParse(json);
      if (!r.success)
        throw new UsageError(`${where}: not a size report: ${r.error.issues[0]!.message} at ${r.error.issues[0]!.path.join(".")}`);
      out.size = r.data;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------

export type BenchVerdict = "slower" | "faster" | "within noise" | "new" | "not comparable";

export interface BenchComparison {
  platform: Platform;
  execution: string;
  /** The figure's name without its image label ("startup", "shutdown (docker stop)"). */
  figure: string;
  unit: string;
  now: number;
  before?: number;
  changePct?: number;
  /** The limit the change is judged against: max(threshold, both runs' A/A noise floors), in percent. */
  limitPct: number;
  verdict: BenchVerdict;
}

/** The figure the gate judges: a time's best run, else the median. */
export function judgedValue(e: BenchmarkEntry): number {
  const min = parseExtra(e.extra).min;
  return e.unit === "ms" && min !== undefined ? min : e.value;
}

const figureName = (name: string) => name.replace(/^[^:]*: /, "");

export function compareBench(
  now: PlatformBench,
  before: PlatformBench | undefined,
  thresholdPct = DEFAULT_THRESHOLD_PCT,
): BenchComparison[] {
  const comparable = before !== undefined && before.execution === now.execution;
  const prev = new Map((comparable ? before.entries : []).map((e) => [figureName(e.name), e]));
  return now.entries.map((e) => {
    const figure = figureName(e.name);
    const b = prev.get(figure);
    const noise = Math.max(parseExtra(e.extra).noise ?? 0, b ? (parseExtra(b.extra).noise ?? 0) : 0);
    const limitPct = Math.max(thresholdPct, noise);
    const base = { platform: now.platform, execution: now.execution, figure, unit: e.unit, now: judgedValue(e), limitPct };
    if (before !== undefined && !comparable) return { ...base, verdict: "not comparable" as const };
    if (!b || b.unit !== e.unit) return { ...base, verdict: "new" as const };
    const bv = judgedValue(b);
    const changePct = percentChange(base.now, bv);
    const verdict: BenchVerdict =
      changePct === undefined || Math.abs(changePct) <= limitPct ? "within noise" : changePct > 0 ? "slower" : "faster";
    return { ...base, before: bv, ...(changePct !== undefined ? { changePct } : {}), verdict };
  });
}

// ---------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------

/** The verdict before the change it is about (a fifth column would not fit a phone). */
const VERDICT_MARK: Record<BenchVerdict, string> = {
  slower: "🔴 ",
  faster: "🟢 ",
  "within noise": "",
  new: "new",
  "not comparable": "not compared",
};

/** A short label of how a platform was measured: "arm64, native", "arm64, QEMU". */
export const measuredAs = (b: Pick<PlatformBench, "platform" | "execution">) =>
  `${archOf(b.platform)}, ${b.execution === "native" ? "native" : "QEMU"}`;

function benchRows(rows: BenchComparison[]): string[][] {
  return rows.map((r) => [
    r.figure,
    formatValue(r.now, r.unit),
    // The change in percent, as the limit beside it (the values: Now, and the highlights).
    r.changePct !== undefined ? `${VERDICT_MARK[r.verdict]}${formatPercent(r.changePct, true)}` : VERDICT_MARK[r.verdict] || "—",
    `${formatPercent(r.limitPct)}`,
  ]);
}

/** The ms figures that can be drawn together (one unit, a previous value measured the same way), at most `max`. */
function chartOf(title: string, rows: BenchComparison[], max = 6): string[] {
  const points = rows.filter((r) => r.unit === "ms" && r.before !== undefined).slice(0, max);
  if (points.length === 0) return [];
  const top = Math.max(...points.flatMap((p) => [p.now, p.before!]));
  // An explicit range from 0: mermaid would start the axis at the smallest value and draw it at zero height.
  const step = 10 ** Math.floor(Math.log10(top * 1.2));
  const yMax = Math.ceil((top * 1.2) / step) * step;
  return [
    xychart({
      title,
      x: points.map((p) => p.figure.replace(/ \(.*\)$/, "")),
      y: { label: "ms (best run)", max: yMax },
      bar: points.map((p) => Number(p.now.toFixed(1))),
      line: points.map((p) => Number(p.before!.toFixed(1))),
    }),
    "",
    "Bars: this release; line: the previous one. Only figures in ms measured the same way in both.",
    "",
  ];
}

/**
 * The benchmark section of the notes: per platform, a verdict line first, the figures that moved
 * past their noise floor, the rest folded; a chart of the comparable times.
 */
export function renderBenchSection(now: PlatformBench[], baseline: Baseline, h = "##"): string[] {
  if (now.length === 0) return [];
  const against = "release" in baseline ? baseline.release.tag : undefined;
  const lines: string[] = [`${h} Benchmarks${against ? ` against ${mdText(against)}` : ""}`, ""];
  if ("none" in baseline) lines.push(`${mdText(baseline.none)}`, "");
  else if (baseline.release.bench.length === 0)
    lines.push(`${mdText(baseline.release.tag)} published no benchmark: nothing to compare.`, "");
  lines.push(
    "Times are each figure's best run (what the regression gate judges), ratios and memory their median. " +
      `*Limit*: the larger of the two runs' A/A noise floors and ${DEFAULT_THRESHOLD_PCT} %; a change within it is noise. 🔴 slower, 🟢 faster, past the limit.`,
    "",
  );
  for (const p of now) {
    const before = "release" in baseline ? baseline.release.bench.find((b) => b.platform === p.platform) : undefined;
    const rows = compareBench(p, before);
    const moved = rows.filter((r) => r.verdict === "slower" || r.verdict === "faster");
    const slower = moved.filter((r) => r.verdict === "slower").length;
    const verdict =
      before === undefined
        ? "nothing to compare"
        : before.execution !== p.execution
          ? `not comparable: ${mdText(against!)} was measured ${before.execution === "native" ? "natively" : "under QEMU"}`
          : moved.length === 0
            ? `no change past the noise floor (${rows.length} figures)`
            : `${slower > 0 ? `**${slower} slower**` : "none slower"}, ${moved.length - slower} faster, ${rows.length - moved.length} within noise`;
    lines.push(`${h}# ${p.platform} (${p.execution}): ${verdict}`, "");
    const head = ["Figure", "Now", "Change", "Limit"];
    if (moved.length > 0) lines.push(mdTable(head, benchRows(moved), [1, 2, 3]), "");
    const rest = rows.filter((r) => !moved.includes(r));
    if (rest.length > 0) {
      const table = mdTable(head, benchRows(rest), [1, 2, 3]);
      if (moved.length > 0 || rest.length > 8)
        lines.push(
          "<details>",
          `<summary>${moved.length > 0 ? "The other figures" : "Every figure"} (${rest.length})</summary>`,
          "",
          table,
          "",
          "</details>",
          "",
        );
      else lines.push(table, "");
    }
    lines.push(...chartOf(`${archOf(p.platform)}: now and ${against ?? "before"}`, rows));
  }
  return lines;
}

export interface SizeNow {
  variant: string;
  platform: string;
  size: number;
  compressed?: number | null;
}

/** Each image's size with its change against the previous release's size report. */
export function renderSizeSection(now: SizeNow[], baseline: Baseline, h = "##"): string[] {
  if (now.length === 0) return [];
  const against = "release" in baseline ? baseline.release.tag : undefined;
  const prev = "release" in baseline ? baseline.release.size : undefined;
  const before = (s: SizeNow) => prev?.images.find((i) => i.variant === s.variant && i.platform === s.platform)?.uncompressed;
  const lines = [`${h} Image sizes${against ? ` against ${mdText(against)}` : ""}`, ""];
  if ("none" in baseline) lines.push(mdText(baseline.none), "");
  else if (!prev) lines.push(`${mdText(baseline.release.tag)} published no size report: nothing to compare.`, "");
  // Uncompressed, as the size report compares them (gzip sizes are in the size report asset); the
  // images whose size did not change folded, as the PR comment does.
  const row = (s: SizeNow) => [
    `${s.variant} ${s.platform.replace(/^linux\//, "")}`,
    formatBytes(s.size),
    prev ? formatDelta(s.size, before(s)) : "—",
  ];
  const same = (s: SizeNow) => prev !== undefined && before(s) === s.size;
  const moved = now.filter((s) => !same(s));
  const unchanged = now.filter(same);
  if (moved.length > 0) lines.push(mdTable(["Image", "Size", "Change"], moved.map(row), [1, 2]), "");
  if (unchanged.length > 0)
    lines.push(
      "<details>",
      `<summary>${unchanged.length} image${unchanged.length === 1 ? "" : "s"} of the same size</summary>`,
      "",
      mdTable(["Image", "Size", "Change"], unchanged.map(row), [1, 2]),
      "",
      "</details>",
      "",
    );
  return lines;
}
