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
import type { BenchmarkEntry } from "./types.js";

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

/** Checks the shape of a customSmallerIsBetter file; every problem names the file, the entry and the field. */
export function parseBenchmarkEntries(text: string, file: string): BenchmarkEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message}); expected the benchmark.json an earlier \`kimigayo bench\` wrote`, {
      file,
    });
  }
  if (!Array.isArray(data)) {
    throw new UsageError(
      `${file}: expected a JSON array of {name, unit, value, range?, extra?} (github-action-benchmark customSmallerIsBetter)`,
      {
        file,
      },
    );
  }
  return data.map((raw: unknown, i): BenchmarkEntry => {
    const at = `${file}: entry ${i}`;
    if (typeof raw !== "object" || raw === null) throw new UsageError(`${at}: expected an object, got ${JSON.stringify(raw)}`, { file });
    const o = raw as Record<string, unknown>;
    if (typeof o.name !== "string" || o.name === "")
      throw new UsageError(`${at}: "name" must be a non-empty string`, { file, field: `[${i}].name` });
    if (typeof o.unit !== "string") throw new UsageError(`${at} (${o.name}): "unit" must be a string`, { file, field: `[${i}].unit` });
    if (typeof o.value !== "number" || !Number.isFinite(o.value)) {
      throw new UsageError(`${at} (${o.name}): "value" must be a finite number, got ${JSON.stringify(o.value)}`, {
        file,
        field: `[${i}].value`,
      });
    }
    for (const k of ["range", "extra"] as const) {
      if (o[k] !== undefined && typeof o[k] !== "string")
        throw new UsageError(`${at} (${o.name}): "${k}" must be a string`, { file, field: `[${i}].${k}` });
    }
    return {
      name: o.name,
      unit: o.unit,
      value: o.value,
      ...(typeof o.range === "string" ? { range: o.range } : {}),
      ...(typeof o.extra === "string" ? { extra: o.extra } : {}),
    };
  });
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
