/**
 * The regression gate: a new run's figures against an earlier run's (the --baseline FILE, in
 * github-action-benchmark's customSmallerIsBetter format, as `kimigayo bench` writes it).
 *
 * A figure trips the gate when its best run (the minimum of N, kept in `extra` as min=) is past
 * the baseline's best run by more than the limit, plus the clock's resolution (one tick is not a
 * regression). Load on a shared machine only ever adds time to a run, so it moves the median and
 * the tail a lot and the best run little, while a slower image is slower in every run, the best
 * one included. The limit is the threshold or the figure's A/A noise floor, whichever is larger:
 * a `kimigayo bench --aa` run (the image against itself, interleaved) records in each entry how far
 * the best of N runs moves with no change at all ("noise=4.2%" in `extra`). A figure whose median
 * is worse by more than the threshold while its best run is not is reported as noise.
 * Ratios (unit "x", already taken pair by pair against a reference run beside them) and entries
 * without min= (older files) are judged by the median: past the baseline median and past the
 * baseline's p95, each by more than the limit.
 *
 * A figure that trips is measured again (its case only) before the gate fails: it is a regression
 * only when the confirming run trips too (confirmGate). A load spike on a shared machine passes;
 * a real slowdown is there both times.
 *
 * Sustained load is another matter: when the machine is busier than at the baseline for the whole
 * run, every time taken through Docker is slower, the best run included (the daemon is shared).
 * So each time figure carries the best run of the floor (the scratch image that exits at once, run
 * in the same rounds) as "machine=" in `extra`: how fast this machine ran an unchanged image at
 * that moment. A figure that trips by no more than the machine slowed (its best run divided by
 * machine now ÷ machine then is within the limit) is *load*, not a regression. A machine that got
 * faster changes nothing (that would only make the gate stricter).
 */
import { readFile } from "node:fs/promises";
import { UsageError } from "../lib/errors.js";
import type { Summary } from "./stats.js";
import type { CaseName } from "./types.js";
import { parseBenchmarkEntries, type BenchmarkEntry } from "../results/benchmark.js";

export { parseBenchmarkEntries };

export const DEFAULT_THRESHOLD_PCT = 10;

/** "unconfirmed": tripped, but the confirming run did not (a passing load spike). */
/** "load": tripped, but by no more than the machine slowed, by the floor run in the same rounds. */
export type Verdict = "regression" | "unconfirmed" | "noise" | "load" | "ok" | "improved" | "new" | "missing";

/** A figure as the gate reads it from an entry: median, p95, the clock's resolution and the A/A noise floor (%). */
interface GateFigure {
  value: number;
  p95: number;
  /** The best run (extra's min=), when the entry has it. */
  min?: number;
  resolution: number;
  noise?: number;
  /** The floor's best run in the same rounds (extra's machine=), in the figure's unit. */
  machine?: number;
}

interface GateRow {
  name: string;
  unit: string;
  verdict: Verdict;
  baseline?: GateFigure;
  current?: GateFigure;
  /** current / baseline - 1, as a percentage. */
  changePct?: number;
  /** The limit applied: max(threshold, the A/A noise floors of both runs), in percent. */
  limitPct?: number;
}

export interface GateResult {
  thresholdPct: number;
  rows: GateRow[];
  /** The figures that tripped and, once confirmed, the ones that tripped again: those fail the gate. */
  regressions: GateRow[];
  passed: boolean;
  /** The confirming run of the figures that tripped: their cases, run again, and the gate's rows for them. */
  confirmation?: { cases: CaseName[]; tripped: string[]; rows: GateRow[] };
}

/**
 * The spread a run recorded with each figure, kept in `extra`: "n=20 p95=14.2 min=11 max=15 res=0.001
 * noise=4.2% machine=180.5; ..." (res: the clock's resolution in the entry's unit; noise: the A/A
 * noise floor; machine: the floor's best run in the same rounds).
 */
export function formatExtra(s: Summary, resolution: number | undefined, context: string, noise?: number, machine?: number): string {
  const num = (v: number) => String(Number(v.toPrecision(6)));
  return (
    `n=${s.n} p95=${num(s.p95)} min=${num(s.min)} max=${num(s.max)}${resolution ? ` res=${num(resolution)}` : ""}` +
    `${noise !== undefined ? ` noise=${num(noise)}%` : ""}${machine !== undefined ? ` machine=${num(machine)}` : ""}; ${context}`
  );
}

export function parseExtra(extra: string | undefined): {
  p95?: number;
  min?: number;
  resolution?: number;
  noise?: number;
  machine?: number;
} {
  const field = (k: string) => {
    const m = new RegExp(`(?:^|\\s)${k}=(-?[0-9.]+(?:e[-+]?\\d+)?)`).exec(extra ?? "");
    return m ? Number(m[1]) : undefined;
  };
  const p95 = field("p95");
  const resolution = field("res");
  const noise = field("noise");
  const min = field("min");
  const machine = field("machine");
  return {
    ...(p95 !== undefined ? { p95 } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(resolution !== undefined ? { resolution } : {}),
    ...(noise !== undefined ? { noise } : {}),
    ...(machine !== undefined && machine > 0 ? { machine } : {}),
  };
}

function figure(e: BenchmarkEntry): GateFigure {
  const x = parseExtra(e.extra);
  return {
    value: e.value,
    p95: Math.max(x.p95 ?? e.value, e.value),
    // A ratio is already taken pair by pair against a reference run beside it: its best pair is an
    // outlier (a slow reference run), not a best case, so ratios are judged by their median.
    ...(x.min !== undefined && e.unit !== "x" ? { min: x.min } : {}),
    resolution: x.resolution ?? 0,
    ...(x.noise !== undefined ? { noise: x.noise } : {}),
    ...(x.machine !== undefined && e.unit !== "x" ? { machine: x.machine } : {}),
  };
}

/** The limit for one figure, in percent: the threshold, or the larger A/A noise floor of either run. */
export function limitPct(thresholdPct: number, base: { noise?: number }, cur: { noise?: number } = {}): number {
  return Math.max(thresholdPct, base.noise ?? 0, cur.noise ?? 0);
}

/** The decision for one figure; exported for the decision-table tests. */
export function decide(
  base: { value: number; p95: number; resolution: number; noise?: number; min?: number; machine?: number },
  cur: { value: number; noise?: number; min?: number; machine?: number },
  thresholdPct: number,
): Exclude<Verdict, "new" | "missing" | "unconfirmed"> {
  const l = limitPct(thresholdPct, base, cur) / 100;
  const t = thresholdPct / 100;
  const slack = base.resolution;
  const medianWorse = cur.value > base.value * (1 + t) + slack;
  // How much slower the machine ran the floor now than at the baseline (1 when it did not, or is not known).
  const slower = base.machine !== undefined && cur.machine !== undefined ? Math.max(1, cur.machine / base.machine) : 1;
  if (base.min !== undefined && cur.min !== undefined) {
    if (cur.min > base.min * (1 + l) + slack) return cur.min / slower > base.min * (1 + l) + slack ? "regression" : "load";
    if (medianWorse) return "noise";
    if (cur.min < base.min * (1 - l) - slack && cur.value < base.value * (1 - t) - slack) return "improved";
    return "ok";
  }
  const worse = cur.value > base.value * (1 + l) + slack;
  const unexplained = cur.value > base.p95 * (1 + l) + slack;
  if (worse && unexplained) return cur.value / slower > base.value * (1 + l) + slack ? "regression" : "load";
  if (medianWorse) return "noise";
  if (cur.value < base.value * (1 - l) - slack) return "improved";
  return "ok";
}

export function gate(
  current: readonly BenchmarkEntry[],
  baseline: readonly BenchmarkEntry[],
  thresholdPct = DEFAULT_THRESHOLD_PCT,
): GateResult {
  const base = new Map(baseline.map((e) => [e.name, e]));
  const rows: GateRow[] = [];
  for (const e of current) {
    const b = base.get(e.name);
    const cur = figure(e);
    if (!b) {
      rows.push({ name: e.name, unit: e.unit, verdict: "new", current: cur });
      continue;
    }
    base.delete(e.name);
    const bf = figure(b);
    rows.push({
      name: e.name,
      unit: e.unit,
      verdict: b.unit === e.unit ? decide(bf, cur, thresholdPct) : "new",
      baseline: bf,
      current: cur,
      ...(bf.value !== 0 ? { changePct: (cur.value / bf.value - 1) * 100 } : {}),
      limitPct: limitPct(thresholdPct, bf, cur),
    });
  }
  for (const b of base.values()) rows.push({ name: b.name, unit: b.unit, verdict: "missing", baseline: figure(b) });
  const regressions = rows.filter((r) => r.verdict === "regression");
  return { thresholdPct, rows, regressions, passed: regressions.length === 0 };
}

/**
 * The confirming re-run: when figures trip, `rerun` measures their cases again and the gate fails
 * only on the figures that trip in both runs. `caseOf` maps an entry's name to its case.
 */
export async function confirmGate(
  first: GateResult,
  baseline: readonly BenchmarkEntry[],
  caseOf: (name: string) => CaseName | undefined,
  rerun: (cases: CaseName[]) => Promise<BenchmarkEntry[]>,
): Promise<GateResult> {
  if (first.passed) return first;
  const tripped = first.regressions.map((r) => r.name);
  const cases = [...new Set(tripped.map(caseOf).filter((c): c is CaseName => c !== undefined))];
  if (cases.length === 0) return first;
  const again = await rerun(cases);
  const second = gate(
    again.filter((e) => tripped.includes(e.name)),
    baseline.filter((e) => tripped.includes(e.name)),
    first.thresholdPct,
  );
  const confirmed = new Set(second.regressions.map((r) => r.name));
  const regressions = first.regressions.filter((r) => confirmed.has(r.name));
  const rows = first.rows.map((r) =>
    r.verdict === "regression" && !confirmed.has(r.name) ? { ...r, verdict: "unconfirmed" as const } : r,
  );
  return {
    ...first,
    rows,
    regressions,
    passed: regressions.length === 0,
    confirmation: { cases, tripped, rows: second.rows },
  };
}

export async function readBaseline(file: string): Promise<BenchmarkEntry[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new UsageError(`--baseline ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { file });
  }
  return parseBenchmarkEntries(text, file);
}
