/** The size check's own cells (budgets, a Delta record), in src/lib/format.ts's one unit rule and sign style. */
import type { Budget } from "../config/schema.js";
import { formatBytes, formatDeltaBytes, formatPercent } from "../lib/format.js";
import type { Delta } from "./types.js";

export { formatBytes, formatDeltaBytes, formatPercent };

/** "+18 800 B (+7.5 %)", or "+18 800 B" when there is no percentage (no baseline size). */
export function formatDelta(d: Pick<Delta, "bytes" | "percent">): string {
  return d.percent === null || d.bytes === 0
    ? formatDeltaBytes(d.bytes)
    : `${formatDeltaBytes(d.bytes)} (${formatPercent(d.percent, true)})`;
}

export function formatGrowth(g: NonNullable<Budget["growth"]>): string {
  return "percent" in g ? formatPercent(g.percent) : formatBytes(g.bytes);
}

/** The budget in one cell: "≤ 250 000 B · gzip ≤ 130 000 B · growth ≤ 5.0 %", or "none". */
export function formatBudget(b: Budget): string {
  const parts: string[] = [];
  if (b.size !== undefined) parts.push(`≤\u00a0${formatBytes(b.size)}`);
  if (b.compressed !== undefined) parts.push(`gzip ≤\u00a0${formatBytes(b.compressed)}`);
  if (b.growth !== undefined) parts.push(`growth ≤\u00a0${formatGrowth(b.growth)}`);
  return parts.length > 0 ? parts.join(" · ") : "none";
}
