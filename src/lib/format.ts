/**
 * The one home of how a figure reads, in every report (the PR comment, the size tables, the bench
 * summary and report, the release notes, the terminal):
 *   - sizes in bytes, exact, the thousands grouped by a narrow no-break space: "544 812 B"
 *     (no KB or KiB: "KB" meant 1000 here and 1024 in size-limit, and a rounded unit hides a
 *     change of a few bytes);
 *   - a change with its sign: "+" for more, "−" (U+2212 MINUS SIGN) for less, "±0" for none;
 *   - a percentage with one decimal (two below 0.1) and a no-break space before "%": "+7.7 %";
 *   - a no-break space between a number and its unit, so a table cell never wraps inside a figure.
 * Parsing budgets (250KB, 1.5MiB) stays in src/config/units.ts: this is only how figures are shown.
 */

/** U+00A0 NO-BREAK SPACE: between a number and its unit. */
export const NBSP = "\u00a0";
/** U+202F NARROW NO-BREAK SPACE: between groups of thousands. */
export const GROUP = "\u202f";
/** U+2212 MINUS SIGN. */
export const MINUS = "\u2212";

/** `1234567.891` with 2 digits -> "1 234 567.89" (groups by U+202F); the sign is the caller's. */
export function formatNumber(n: number, digits = 0): string {
  const [whole = "0", frac] = Math.abs(n).toFixed(digits).split(".");
  const grouped = whole.length > 3 ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP) : whole;
  const text = frac !== undefined ? `${grouped}.${frac}` : grouped;
  return n < 0 && Number(text.replace(/\D/g, "")) !== 0 ? `${MINUS}${text}` : text;
}

/** `544812` -> "544 812 B"; a negative count with "−". */
export function formatBytes(n: number): string {
  return `${formatNumber(Math.round(n))}${NBSP}B`;
}

/** The sign of a change before its magnitude: "+5", "−5", "±0". */
export function signed(d: number, magnitude: string): string {
  return `${d > 0 ? "+" : d < 0 ? MINUS : "±"}${magnitude}`;
}

/** `7.69` -> "7.7 %", `0.04` -> "0.04 %", `5` -> "5.0 %"; with `sign`, "+7.7 %" / "−7.7 %" / "±0.0 %". */
export function formatPercent(p: number, sign = false): string {
  const abs = Math.abs(p);
  const text = `${abs.toFixed(abs !== 0 && abs < 0.1 ? 2 : 1)}${NBSP}%`;
  if (!sign) return p < 0 ? `${MINUS}${text}` : text;
  return Number(abs.toFixed(2)) === 0 ? `±${text}` : signed(p, text);
}

/** A byte change: "+18 800 B", "−512 B", "±0 B". */
export function formatDeltaBytes(d: number): string {
  return signed(d, formatBytes(Math.abs(d)));
}

/** The change between two values as a percentage of `before` (undefined when before is 0). */
export function percentChange(now: number, before: number): number | undefined {
  return before !== 0 ? ((now - before) / Math.abs(before)) * 100 : undefined;
}

/** A measured value in its unit: bytes as formatBytes, "12.3 ms" (whole ms from 100 up), "0.751×". */
export function formatValue(v: number, unit: string): string {
  if (unit === "B") return formatBytes(v);
  if (unit === "ms") return `${formatNumber(v, Math.abs(v) >= 100 ? 0 : 1)}${NBSP}ms`;
  if (unit === "x") return `${Math.abs(v).toFixed(3)}×`;
  return `${formatNumber(v, Number.isInteger(v) ? 0 : 2)}${unit ? `${NBSP}${unit}` : ""}`;
}

/**
 * A change from `before` to `now`: "+5 632 B (+1.0 %)", "−2.0 ms (−16.7 %)", "±0 B"; "new" without
 * a `before`. `unit` as in formatValue.
 */
export function formatDelta(now: number, before: number | undefined, unit = "B"): string {
  if (before === undefined) return "new";
  const d = now - before;
  const magnitude = unit === "B" ? formatBytes(Math.abs(d)) : formatValue(Math.abs(d), unit);
  if (d === 0 || magnitude === formatValue(0, unit)) return `±${formatValue(0, unit)}`;
  const p = percentChange(now, before);
  return `${signed(d, magnitude)}${p !== undefined ? ` (${formatPercent(p, true)})` : ""}`;
}
