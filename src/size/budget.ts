/**
 * Budget evaluation, pure: an image's sizes, its budget (budgetFor: the variant's budget with the
 * per-platform override applied) and the change against a baseline -> one check per budget.
 *
 * - size: uncompressed bytes (the rootfs layer tar) at most `size`;
 * - compressed: the registry layer bytes (gzip) at most `compressed`;
 * - growth: the change against the baseline at most `growth` (bytes, or percent of the baseline).
 *   It is measured on uncompressed bytes when the baseline has them (a size report), else on
 *   compressed bytes (an image in a registry, which does not record the uncompressed size).
 *   Without a baseline the growth budget is not checked, and a note says so.
 */
import type { Budget, Platform, VariantConfig } from "../config/schema.js";
import { formatBytes, formatPercent } from "./format.js";
import type { BaselineImage, BudgetCheck, BudgetKind, Delta, ImageMeasure } from "./types.js";

/** The config field an effective budget value came from: the platform override when it sets it, else the variant's. */
export function budgetField(v: VariantConfig, p: Platform, kind: BudgetKind): string {
  return v.budget.platforms[p]?.[kind] !== undefined
    ? `variants.${v.name}.budget.platforms.${p}.${kind}`
    : `variants.${v.name}.budget.${kind}`;
}

/** The change against a baseline image, or null without one (or when it has neither size). */
export function computeDelta(m: Pick<ImageMeasure, "uncompressed" | "compressed" | "applets">, b: BaselineImage | undefined): Delta | null {
  if (!b) return null;
  const metric = b.uncompressed !== null ? "uncompressed" : b.compressed !== null ? "compressed" : undefined;
  if (metric === undefined) return null;
  const base = metric === "uncompressed" ? b.uncompressed! : b.compressed!;
  const bytes = m[metric] - base;
  return {
    metric,
    base,
    bytes,
    percent: base === 0 ? null : (bytes / base) * 100,
    uncompressed: b.uncompressed !== null ? m.uncompressed - b.uncompressed : null,
    compressed: b.compressed !== null ? m.compressed - b.compressed : null,
    applets: b.applets !== null ? m.applets - b.applets : null,
  };
}

export interface EvaluateInput {
  budget: Budget;
  measure: Pick<ImageMeasure, "uncompressed" | "compressed">;
  delta: Delta | null;
  /** Field path and line of each budget (budgetField + config.locations). */
  where: (kind: BudgetKind) => { field: string; line?: number };
  /** Why there is no delta, for the note of an unchecked growth budget. */
  noBaseline?: string;
}

const spare = (limit: number, actual: number) => `${formatBytes(limit - actual)} to spare`;
const exact = (g: NonNullable<Budget["growth"]>) => ("percent" in g ? formatPercent(g.percent) : formatBytes(g.bytes));

/** One check per budget the image has, in the order size, compressed, growth. */
export function evaluateBudget(input: EvaluateInput): BudgetCheck[] {
  const { budget, measure, delta } = input;
  const checks: BudgetCheck[] = [];
  const at = (kind: BudgetKind) => {
    const w = input.where(kind);
    return { budget: kind, field: w.field, ...(w.line !== undefined ? { line: w.line } : {}) };
  };
  const max = (kind: "size" | "compressed", limit: number, actual: number, what: string) => {
    const ok = actual <= limit;
    const message = ok
      ? `${what} ${formatBytes(actual)} is within the budget of ${formatBytes(limit)} (${spare(limit, actual)})`
      : `${what} ${formatBytes(actual)} is over the budget of ${formatBytes(limit)} by ${formatBytes(actual - limit)}`;
    checks.push({ ...at(kind), limit, unit: "B", actual, ok, message });
  };
  if (budget.size !== undefined) max("size", budget.size, measure.uncompressed, "size");
  if (budget.compressed !== undefined) max("compressed", budget.compressed, measure.compressed, "compressed size");
  const g = budget.growth;
  if (g !== undefined) {
    const unit = "percent" in g ? "%" : "B";
    const limit = "percent" in g ? g.percent : g.bytes;
    if (!delta) {
      const why = input.noBaseline ?? "no baseline (pass --baseline FILE|IMAGE|last-release)";
      checks.push({ ...at("growth"), limit, unit, actual: null, ok: null, message: `growth budget (${exact(g)}) not checked: ${why}` });
    } else {
      const what = delta.metric === "uncompressed" ? "size" : "compressed size";
      const change =
        `${what} ${delta.bytes >= 0 ? "grew" : "shrank"} by ${formatBytes(Math.abs(delta.bytes))}` +
        (delta.percent !== null ? ` (${formatPercent(Math.abs(delta.percent))})` : "") +
        ` against the baseline (${formatBytes(delta.base)} → ${formatBytes(delta.base + delta.bytes)})`;
      // Exact comparisons: a percentage is checked as bytes * 100 <= percent * base.
      const ok =
        "percent" in g ? (delta.base === 0 ? delta.bytes <= 0 : delta.bytes * 100 <= g.percent * delta.base) : delta.bytes <= g.bytes;
      const actual = "percent" in g ? (delta.percent ?? (delta.bytes > 0 ? Infinity : 0)) : delta.bytes;
      const message = ok ? `${change}, within the growth budget of ${exact(g)}` : `${change}, more than the growth budget of ${exact(g)}`;
      checks.push({ ...at("growth"), limit, unit, actual: Number.isFinite(actual) ? actual : null, ok, message });
    }
  }
  return checks;
}
