/** Number formats shared by the terminal table, the markdown and the messages. */
import type { Budget } from "../config/schema.js";
import { formatBytes, formatKB } from "../config/units.js";
import type { Delta } from "./types.js";

/** `5` -> "5%", `2.345` -> "2.3%", `0.04` -> "0.04%". */
export function formatPercent(p: number, signed = false): string {
  const abs = Math.abs(p);
  const digits = Number.isInteger(abs) ? 0 : abs < 0.1 ? 2 : 1;
  const text = `${abs.toFixed(digits)}%`;
  if (p < 0) return `-${text}`;
  return signed ? `+${text}` : text;
}

/** A byte change: "+18,800 B", "-512 B", "±0 B". */
export function formatDeltaBytes(n: number): string {
  if (n === 0) return "±0 B";
  return n > 0 ? `+${formatBytes(n)}` : formatBytes(n);
}

/** "+18,800 B (+7.5%)", or "+18,800 B" when there is no percentage. */
export function formatDelta(d: Pick<Delta, "bytes" | "percent">): string {
  return d.percent === null || d.bytes === 0
    ? formatDeltaBytes(d.bytes)
    : `${formatDeltaBytes(d.bytes)} (${formatPercent(d.percent, true)})`;
}

export function formatGrowth(g: NonNullable<Budget["growth"]>): string {
  return "percent" in g ? formatPercent(g.percent) : formatKB(g.bytes);
}

/** The budget in one cell: "≤ 250.0 KB · gzip ≤ 130.0 KB · growth ≤ 5%", or "none". */
export function formatBudget(b: Budget): string {
  const parts: string[] = [];
  if (b.size !== undefined) parts.push(`≤ ${formatKB(b.size)}`);
  if (b.compressed !== undefined) parts.push(`gzip ≤ ${formatKB(b.compressed)}`);
  if (b.growth !== undefined) parts.push(`growth ≤ ${formatGrowth(b.growth)}`);
  return parts.length > 0 ? parts.join(" · ") : "none";
}
