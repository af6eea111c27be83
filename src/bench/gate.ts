/**
 * The regression gate: a new run's figures against an earlier run's (the --baseline FILE, in
 * github-action-benchmark's customSmallerIsBetter format, as `kimigayo bench` writes it).
 *
 * A figure regresses when BOTH hold:
 *   worse        its median is past the baseline median by more than the threshold, and
 *   unexplained  it is also past the baseline's p95 by more than the threshold,
 * each with the clock's resolution as slack (the in-container boot time ticks by 10 ms, so
 * 0 -> 10 ms is one tick, not a regression). A figure that is worse but inside the baseline's
 * own spread is reported as noise; it does not fail the gate.
 */
import { readFile } from "node:fs/promises";
import { UsageError } from "../lib/errors.js";
import type { Summary } from "./stats.js";
import { parseBenchmarkEntries, type BenchmarkEntry } from "../results/benchmark.js";

export { parseBenchmarkEntries };

export const DEFAULT_THRESHOLD_PCT = 10;

export type Verdict = "regression" | "noise" | "ok" | "improved" | "new" | "missing";

export interface GateRow {
  name: string;
  unit: string;
  verdict: Verdict;
  baseline?: { value: number; p95: number; resolution: number };
  current?: { value: number; p95: number; resolution: number };
  /** current / baseline - 1, as a percentage. */
  changePct?: number;
}

export interface GateResult {
  thresholdPct: number;
  rows: GateRow[];
  regressions: GateRow[];
  passed: boolean;
}

/** The spread a run recorded with each figure, kept in `extra` ("n=20 p95=14.2 min=11 max=15 res=10; ..."). */
export function formatExtra(s: Summary, resolution: number | undefined, context: string): string {
  const num = (v: number) => String(Number(v.toPrecision(6)));
  return `n=${s.n} p95=${num(s.p95)} min=${num(s.min)} max=${num(s.max)}${resolution ? ` res=${num(resolution)}` : ""}; ${context}`;
}

export function parseExtra(extra: string | undefined): { p95?: number; resolution?: number } {
  const field = (k: string) => {
    const m = new RegExp(`(?:^|\\s)${k}=(-?[0-9.]+(?:e[-+]?\\d+)?)`).exec(extra ?? "");
    return m ? Number(m[1]) : undefined;
  };
  const p95 = field("p95");
  const resolution = field("res");
  return { ...(p95 !== undefined ? { p95 } : {}), ...(resolution !== undefined ? { resolution } : {}) };
}

function figure(e: BenchmarkEntry): { value: number; p95: number; resolution: number } {
  const x = parseExtra(e.extra);
  return { value: e.value, p95: Math.max(x.p95 ?? e.value, e.value), resolution: x.resolution ?? 0 };
}

/** The decision for one figure; exported for the decision-table tests. */
export function decide(
  base: { value: number; p95: number; resolution: number },
  cur: { value: number },
  thresholdPct: number,
): Exclude<Verdict, "new" | "missing"> {
  const t = thresholdPct / 100;
  const slack = base.resolution;
  const worse = cur.value > base.value * (1 + t) + slack;
  const unexplained = cur.value > base.p95 * (1 + t) + slack;
  if (worse && unexplained) return "regression";
  if (worse) return "noise";
  if (cur.value < base.value * (1 - t) - slack) return "improved";
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
    });
  }
  for (const b of base.values()) rows.push({ name: b.name, unit: b.unit, verdict: "missing", baseline: figure(b) });
  const regressions = rows.filter((r) => r.verdict === "regression");
  return { thresholdPct, rows, regressions, passed: regressions.length === 0 };
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
