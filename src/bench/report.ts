/**
 * What a benchmark result becomes: BENCHMARK_REPORT.md (tables with text bars), the JSON that
 * github-action-benchmark reads (customSmallerIsBetter), and a short markdown summary with a
 * mermaid chart for a job summary.
 */
import { mdCode, mdTable, mdText, xychart } from "../lib/markdown.js";
import { formatExtra, type GateResult } from "./gate.js";
import { BENCH_COMMANDS, DATA_MOUNT } from "./commands.js";
import { BOOT_METRICS, MEMORY_METRICS } from "./runner.js";
import { summarize, type Summary } from "./stats.js";
import { bindsTargets, evaluateTargets, kib } from "./targets.js";
import type { BenchGroup, BenchmarkEntry, BenchResult, CaseName, Measure, Ratio } from "./types.js";

// ---------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------

export function fmtMs(v: number): string {
  return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
}

export function fmtValue(v: number, unit: Measure["unit"]): string {
  return unit === "B" ? (v >= 10 * 1024 ? kib(v) : `${v.toLocaleString("en-US")} B`) : fmtMs(v);
}

export function fmtRatio(v: number): string {
  return `${v.toFixed(3)}×`;
}

const EIGHTHS = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

/** A text bar of `width` cells for value/max, in eighths of a cell. */
export function bar(value: number, max: number, width = 24): string {
  if (!(max > 0) || !(value > 0)) return "";
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return "█".repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

const measuresOf = (g: BenchGroup, kase: Measure["case"]) => g.measures.filter((m) => m.case === kase);
const find = (g: BenchGroup, subject: string, metric: string) => g.measures.find((m) => m.subject === subject && m.metric === metric);
const ratiosOf = (g: BenchGroup, metric: string) => g.ratios.filter((r) => r.subject === g.image.label && r.metric === metric);

export /** Median over the rounds of (command - sh) of the same round: the tool's own time, roughly. */
function netOf(cmd: Measure, sh: Measure): number | undefined {
  const d: number[] = [];
  for (let i = 0; i < Math.min(cmd.values.length, sh.values.length); i++) {
    const a = cmd.values[i];
    const b = sh.values[i];
    if (a !== null && a !== undefined && b !== null && b !== undefined) d.push(a - b);
  }
  return d.length > 0 ? summarize(d).median : undefined;
}

export function statCells(s: Summary, unit: Measure["unit"]): string[] {
  return [fmtValue(s.median, unit), fmtValue(s.p95, unit), fmtValue(s.min, unit), fmtValue(s.max, unit)];
}

export function ratioText(rs: Ratio[]): string {
  return rs.map((r) => `${fmtRatio(r.summary.median)} ${r.reference.split(" ")[0]}`).join(", ");
}

// ---------------------------------------------------------------------------
// BENCHMARK_REPORT.md
// ---------------------------------------------------------------------------

function startupSection(g: BenchGroup): string[] {
  const ms = measuresOf(g, "startup");
  if (ms.length === 0) return [];
  const max = Math.max(...ms.map((m) => m.summary.median));
  const rows = ms.map((m) => [
    m.subject,
    ...statCells(m.summary, m.unit),
    m.subject === g.image.label ? "" : fmtRatio(ratiosOf(g, "startup").find((r) => r.reference === m.subject)?.summary.median ?? NaN),
    bar(m.summary.median, max),
  ]);
  return [
    "### Startup: `docker run --rm --pull=never IMAGE true`",
    "",
    mdTable(["image", "median", "p95", "min", "max", "image ÷ this (pairs)", ""], rows, [1, 2, 3, 4, 5]),
    "",
  ];
}

function bootSection(g: BenchGroup): string[] {
  const me = g.image.label;
  const rows: string[][] = [];
  const all = [BOOT_METRICS.inContainer, BOOT_METRICS.wall, BOOT_METRICS.stop].map((m) => find(g, me, m)).filter((m): m is Measure => !!m);
  const floor = g.measures.find((m) => m.metric === BOOT_METRICS.floorPair);
  if (floor) all.push(floor);
  if (all.length === 0) return [];
  const max = Math.max(...all.filter((m) => m.metric !== BOOT_METRICS.inContainer).map((m) => m.summary.median));
  for (const m of all) {
    const label = m.metric === BOOT_METRICS.floorPair ? `${m.subject}: docker run --rm … /true (paired)` : m.metric;
    rows.push([
      label,
      ...statCells(m.summary, m.unit),
      bar(m.summary.median, m.metric === BOOT_METRICS.inContainer ? Math.max(max, m.summary.median) : max),
    ]);
  }
  const r = g.ratios.find((x) => x.metric === `${BOOT_METRICS.wall} ÷ floor startup`);
  return [
    "### Boot to ready and shutdown: `docker run IMAGE /sbin/init` to the ready line, then `docker stop`",
    "",
    mdTable(["figure", "median", "p95", "min", "max", ""], rows, [1, 2, 3, 4]),
    "",
    ...(r
      ? [
          `Boot (docker run to ready line) ÷ the floor's whole \`docker run --rm … /true\`, pair by pair: median ${fmtRatio(r.summary.median)}, p95 ${fmtRatio(r.summary.p95)}, range ${fmtRatio(r.summary.min)}–${fmtRatio(r.summary.max)}.`,
          "",
        ]
      : []),
  ];
}

function memorySection(g: BenchGroup): string[] {
  if (!g.memory || g.memory.runs.length === 0) return [];
  const m = g.memory;
  const max = Math.max(...m.runs.map((r) => r.peak));
  const rows = m.runs.map((r, i) => [
    String(i + 1),
    kib(r.afterReady),
    kib(r.peak),
    `${(r.peakAtMs / 1000).toFixed(1)} s`,
    kib(r.rss),
    r.kernel ? kib(r.kernel) : "",
    r.charged ? `${kib(r.charged.afterReady)} / ${kib(r.charged.peak)}` : "",
    String(r.samples),
    bar(r.peak, max),
  ]);
  const after = find(g, g.image.label, MEMORY_METRICS.afterReady);
  return [
    `### Memory: ${m.metric}`,
    "",
    `Sampled from the host's cgroup files at the ready line and then every ${m.intervalMs} ms for ${m.windowMs / 1000} s. ` +
      "*Usage counter* is the cgroup's usage counter minus the cache (at the ready line / its highest reading): it also holds the pages " +
      "the kernel charges ahead, up to 32 per CPU, so it reads higher than what is in use, by a different amount each time.",
    "",
    mdTable(
      [
        "run",
        "after ready",
        `peak (${m.windowMs / 1000} s)`,
        "peak at",
        "anon at ready",
        "kernel at ready",
        "usage counter",
        "samples",
        "",
      ],
      rows,
      [1, 2, 3, 4, 5, 6, 7],
    ),
    "",
    ...(after ? [`Median after ready: ${kib(after.summary.median)}.`, ""] : []),
  ];
}

function commandsSection(g: BenchGroup, r: BenchResult): string[] {
  const out: string[] = [];
  for (const how of ["docker exec", "docker run"] as const) {
    const ms = measuresOf(g, "commands").filter((m) => m.metric.endsWith(`(${how})`));
    if (ms.length === 0) continue;
    const subjects = [...new Set(ms.map((m) => m.subject))];
    const max = Math.max(...ms.map((m) => m.summary.median));
    const rows: string[][] = [];
    for (const c of BENCH_COMMANDS) {
      const metric = `${c.name} (${how})`;
      const cells = subjects.map((s) => find(g, s, metric));
      if (cells.every((x) => !x)) continue;
      const mine = find(g, g.image.label, metric);
      const net = subjects.map((s, i) => {
        const base = find(g, s, `sh (${how})`);
        const d = c.name !== "sh" && base && cells[i] ? netOf(cells[i]!, base) : undefined;
        return d === undefined ? "" : fmtMs(d);
      });
      rows.push([
        c.name,
        ...cells.map((x) => (x ? fmtMs(x.summary.median) : "n/a")),
        ...net,
        ratioText(ratiosOf(g, metric)) || "",
        mine ? bar(mine.summary.median, max) : "",
      ]);
    }
    const n = ms.find((m) => m.subject === g.image.label)?.summary.n ?? ms[0]!.summary.n;
    out.push(
      how === "docker exec"
        ? `### Commands, \`docker exec\` into one running container (median of ${n})`
        : `### Commands, one \`docker run --rm\` each (median of ${n}; for comparison with the product's table)`,
      "",
      mdTable(
        [
          "command",
          ...subjects.map((s) => `${s.split(" ")[0]} median`),
          ...subjects.map((s) => `${s.split(" ")[0]} net of sh`),
          "ratio (pairs)",
          "",
        ],
        rows,
        [...subjects, ...subjects].map((_, i) => i + 1),
      ),
      "",
    );
  }
  if (out.length > 0 && r.dataset) {
    out.push(
      `Each command runs as \`sh -c 'CMD >/dev/null'\` on a generated data set mounted read-only at ${DATA_MOUNT}: ` +
        `a text file of ${r.dataset.lines.toLocaleString("en-US")} lines (${r.dataset.textBytes.toLocaleString("en-US")} B) and ${r.dataset.files} small files. ` +
        "`sh` alone (`sh -c :`) is what docker exec or docker run costs before any tool runs; *net of sh* is the median, over the rounds, of the command's time minus the `sh` time of the same round " +
        "(a rough estimate of the tool itself: both carry the engine's jitter).",
      "",
    );
  }
  return out;
}

function pullSection(g: BenchGroup): string[] {
  const ms = measuresOf(g, "pull").filter((m) => m.metric === "pull");
  if (ms.length === 0) return [];
  const max = Math.max(...ms.map((m) => m.summary.median));
  const rows = ms.map((m) => {
    const size = find(g, m.subject, "pull size");
    return [
      m.subject,
      size ? `${size.summary.median.toLocaleString("en-US")} B` : "?",
      ...statCells(m.summary, "ms"),
      bar(m.summary.median, max),
    ];
  });
  return [
    "### Pull from the local registry",
    "",
    mdTable(["image", "bytes", "median", "p95", "min", "max", ""], rows, [1, 2, 3, 4, 5]),
    "",
    "A pull here is the registry transfer: manifest, config and layers fetched with the project's registry client, digests checked, layers decompressed. " +
      "`docker pull` also unpacks into the engine's layer store, and cannot be repeated cold on an engine that already holds the layers.",
    "",
  ];
}

function targetsSection(r: BenchResult): string[] {
  const out: string[] = [];
  for (const g of r.groups) {
    const rows = evaluateTargets(g).map((t) => [t.figure, t.measured, t.target, t.ok === undefined ? "n/a" : t.ok ? "✓" : "✗"]);
    out.push(
      `### ${mdText(g.label)} (${g.execution})${bindsTargets(g) ? "" : ": for information, the targets are for standard, natively"}`,
      "",
      mdTable(["figure", "measured", "target", ""], rows),
      "",
    );
  }
  return out;
}

export const READING_GUIDE = `*Startup* is the wall time of \`docker run --rm --pull=never IMAGE true\`. Nearly all of it is the container runtime
(namespaces, the overlay mount, the teardown), so it is compared with the *floor*, a scratch image holding one static binary
that exits at once, and with Debian's glibc-static BusyBox; each ratio is taken against the reference run next to it and the
median of those ratios is reported. Single pairs scatter by about ±15 % on a 2-core machine; the median of 20 moves by 2–3 %
between runs. *Boot to ready, in container* is what the rc prints: CLOCK_MONOTONIC in µs ($MONOTONIC_US) from the rc's first
line until every service is up (an image without it ticks by 10 ms, /proc/uptime); under load it scatters widely, so read its best
run as well as its median. *Boot to ready, docker run to ready
line* is what a user waits, from starting \`docker run\` to the ready line on its output; it is compared with the floor's whole
\`docker run --rm … /true\` (which also pays the teardown, hence a ratio below 1) and scatters by ±10 %. *Shutdown* is
\`docker stop\` right after the ready line: SIGTERM, the rc's stop, init's kill of what is left, until the engine has seen the
container exit; mostly the engine's own work, ±20 %. *Memory* is the container's cgroup charge without the page cache, page
by page (the metric is named in the table), most of it kernel memory (page tables, stacks, slab) rather than the processes' own
pages; it is flat within a run and differs by ±2 % between runs. The cgroup's usage counter reads up to 128 KiB per CPU more (pages
charged ahead), by a different amount each time, and is shown for comparison. *Commands* by \`docker exec\` are dominated by the exec itself (the
\`sh\` row); *net of sh* is the tool's own time, roughly. *Pull* is a few HTTP round trips to a local registry: tens of
milliseconds, ±40 %. Compare ratios rather than absolute times across machines; arm64 figures on an amd64 host include
QEMU and are labelled "emulated (QEMU)".`;

export function renderReport(r: BenchResult, gateResult?: GateResult): string {
  const lines: string[] = [
    "# Kimigayo benchmark report",
    "",
    `Measured by \`kimigayo bench\` on ${r.started.slice(0, 10)}: ${r.host.cpus} CPUs, Linux ${r.host.kernel}, Docker ${r.host.docker}, cgroup ${r.host.cgroup}; ` +
      `load average ${r.host.load.start.join(" ")} at the start, ${r.host.load.end.join(" ")} at the end. ` +
      `${r.runs} runs per figure after a warm-up, interleaved with the references (A B A B …); median, p95 (linear interpolation), min and max; ` +
      `ratios are taken pair by pair and summarised by their median. ${r.seconds.toFixed(0)} s in all.`,
    "",
    "## Targets",
    "",
    ...targetsSection(r),
  ];
  for (const g of r.groups) {
    lines.push(
      `## ${mdText(g.label)} (${g.execution})`,
      "",
      `Image ${mdCode(g.image.image)}; references: ${g.references.map((s) => `${mdText(s.label)} (${mdCode(s.image)})`).join(", ") || "none"}.`,
      "",
    );
    lines.push(...startupSection(g), ...bootSection(g), ...memorySection(g), ...commandsSection(g, r), ...pullSection(g));
    if (g.notes.length > 0) lines.push("Notes:", "", ...g.notes.map((n) => `- ${mdText(n)}`), "");
  }
  if (gateResult) lines.push(...renderGate(gateResult), "");
  lines.push("## How to read these figures", "", READING_GUIDE, "");
  return lines.join("\n");
}

export function renderGate(gr: GateResult): string[] {
  const rows = gr.rows
    .filter((x) => x.verdict !== "new")
    .map((x) => [
      x.name,
      x.baseline ? `${x.baseline.value.toPrecision(4)} (p95 ${x.baseline.p95.toPrecision(4)})` : "–",
      x.current ? x.current.value.toPrecision(4) : "–",
      x.changePct !== undefined ? `${x.changePct >= 0 ? "+" : ""}${x.changePct.toFixed(1)} %` : "",
      x.limitPct !== undefined ? `${Number(x.limitPct.toFixed(1))} %` : "",
      x.verdict,
    ]);
  const c = gr.confirmation;
  return [
    `## Regression gate (threshold ${gr.thresholdPct} %): ${gr.passed ? "passed" : `${gr.regressions.length} regression(s)`}`,
    "",
    "A figure trips the gate when its best run (the minimum of N) is worse than the baseline's best run by more than the limit: " +
      "the threshold or the figure's A/A noise floor (from `kimigayo bench --aa`), whichever is larger. Load only adds time to a run, " +
      "so it moves the median far more than the best run, while a slower image is slower in every run. " +
      "A figure that trips is measured again before the gate fails: it is a regression only when it trips twice. " +
      "*noise*: the median is worse by more than the threshold, the best run is not. " +
      "*load*: tripped, but by no more than the machine slowed since the baseline, by the floor run in the same rounds.",
    "",
    mdTable(["figure", "baseline median", "now", "change", "limit", "verdict"], rows, [1, 2, 3, 4]),
    ...(c
      ? [
          "",
          `Confirming run (${c.cases.join(", ")}) of ${c.tripped.length} figure(s) that tripped: ` +
            c.rows.map((x) => `${x.name} ${x.current ? x.current.value.toPrecision(4) : "–"} (${x.verdict})`).join("; ") +
            ".",
        ]
      : []),
  ];
}

// ---------------------------------------------------------------------------
// github-action-benchmark (customSmallerIsBetter)
// ---------------------------------------------------------------------------

/** The entry names of a result's figures (the images under test; references are context, not gated), with their case. */
function entrySources(r: BenchResult): { g: BenchGroup; name: string; kase?: CaseName; m?: Measure; x?: Ratio }[] {
  const out: { g: BenchGroup; name: string; kase?: CaseName; m?: Measure; x?: Ratio }[] = [];
  for (const g of r.groups) {
    for (const m of g.measures.filter((x) => x.subject === g.image.label))
      out.push({ g, name: `${g.label}: ${m.metric}`, kase: m.case, m });
    for (const x of g.ratios) {
      const name = `${g.label}: ${x.metric.endsWith("floor startup") ? x.metric : `${x.metric} ÷ ${x.reference.split(" ")[0]}`}`;
      out.push({ g, name, ...(x.case ? { kase: x.case } : {}), x });
    }
  }
  return out;
}

/** Which case measures each entry (the gate re-runs only the cases of the figures that tripped). */
export function entryCases(r: BenchResult): Map<string, CaseName> {
  return new Map(entrySources(r).flatMap((e) => (e.kase ? [[e.name, e.kase] as const] : [])));
}

/** Ratios are rounded to 4 decimals: their resolution. */
export const RATIO_RESOLUTION = 0.0001;

/**
 * A value for a ratio-based consumer (github-action-benchmark divides the new value by the old):
 * rounded to the resolution, and never below one tick. A median under one tick ("0 ms" from a
 * 10 ms clock) is reported as one tick, and `extra` says so.
 */
export function entryValue(median: number, resolution: number): { value: number; belowTick: boolean } {
  const decimals = Math.max(0, Math.min(6, Math.ceil(-Math.log10(resolution))));
  const rounded = Number(median.toFixed(decimals));
  return rounded < resolution ? { value: resolution, belowTick: true } : { value: rounded, belowTick: false };
}

/** The figures of the images under test, medians with their spread, resolution and A/A noise in `extra`. */
export function benchmarkEntries(r: BenchResult): BenchmarkEntry[] {
  return entrySources(r).map(({ g, name, m, x }) => {
    const ctx = `${g.platform} ${g.execution}`;
    if (m) {
      const resolution = m.resolution ?? (m.unit === "B" ? 1 : 0.001);
      const v = entryValue(m.summary.median, resolution);
      const tick = v.belowTick ? `; the median, ${m.summary.median} ${m.unit}, is below one tick: reported as one tick` : "";
      const machine = machineOf(g, m);
      return {
        name,
        unit: m.unit,
        value: v.value,
        range: `± ${fmtSpread(m.summary)}`,
        extra: formatExtra(
          m.summary,
          resolution,
          `${ctx}; median of ${m.summary.n} runs${tick}${machine ? `; machine: the best of ${machine.summary.n} ${machine.metric} runs of ${machine.subject}` : ""}`,
          m.noise,
          machine?.summary.min,
        ),
      };
    }
    const v = entryValue(x!.summary.median, RATIO_RESOLUTION);
    return {
      name,
      unit: "x",
      value: v.value,
      range: `± ${fmtSpread(x!.summary)}`,
      extra: formatExtra(x!.summary, RATIO_RESOLUTION, `${ctx}; median of ${x!.summary.n} pair ratios against ${x!.reference}`, x!.noise),
    };
  });
}

/**
 * The machine's pace for a time figure: the floor's run in the same case and rounds (a scratch image
 * whose one binary exits at once: an unchanged image, whatever the image under test does).
 */
function machineOf(g: BenchGroup, m: Measure): Measure | undefined {
  if (m.unit !== "ms") return undefined;
  const floor = g.references.find((r) => r.kind === "floor");
  return floor ? g.measures.find((x) => x.subject === floor.label && x.case === m.case && x.unit === "ms") : undefined;
}

function fmtSpread(s: Summary): string {
  return String(Number(((s.p95 - s.min) / 2).toPrecision(3)));
}

// ---------------------------------------------------------------------------
// Job summary
// ---------------------------------------------------------------------------

export function renderSummary(r: BenchResult, gateResult?: GateResult): string {
  const lines: string[] = ["## Kimigayo benchmark", ""];
  for (const g of r.groups) {
    const rows = evaluateTargets(g).map((t) => [t.figure, t.measured, t.target, t.ok === undefined ? "n/a" : t.ok ? "✓" : "✗"]);
    lines.push(`### ${mdText(g.label)} (${g.execution})`, "", mdTable(["figure", "measured", "target", ""], rows), "");
    const me = g.image.label;
    const items: [string, number][] = [];
    const add = (label: string, m: Measure | undefined) => {
      if (m) items.push([label, m.summary.median]);
    };
    add("startup", find(g, me, "startup"));
    add(
      "floor startup",
      g.measures.find((m) => m.metric === "startup" && m.subject.startsWith("floor")),
    );
    add("boot to ready (wall)", find(g, me, BOOT_METRICS.wall));
    add("docker stop", find(g, me, BOOT_METRICS.stop));
    add("pull", find(g, me, "pull"));
    if (items.length > 0) {
      lines.push(
        xychart({
          title: `${g.label}: median ms`,
          x: items.map(([l]) => l),
          y: { label: "ms" },
          bar: items.map(([, v]) => Number(v.toFixed(1))),
        }),
        "",
      );
    }
  }
  if (gateResult) lines.push(...renderGate(gateResult), "");
  return lines.join("\n");
}
