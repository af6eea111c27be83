/**
 * Strict byte-size and growth parsing for budgets (how a size is shown: src/lib/format.ts).
 * KB/MB/GB are decimal (1000), KiB/MiB/GiB are binary (1024).
 */

const UNITS: Readonly<Record<string, bigint>> = {
  B: 1n,
  kB: 1000n,
  KB: 1000n,
  MB: 1000n ** 2n,
  GB: 1000n ** 3n,
  KiB: 1024n,
  MiB: 1024n ** 2n,
  GiB: 1024n ** 3n,
};

const SIZE_UNITS: readonly string[] = Object.keys(UNITS);

const ALLOWED = `allowed units: ${SIZE_UNITS.join(", ")} (KB = 1000 B, KiB = 1024 B), or a bare integer number of bytes`;

/** Parse `250KB`, `1.5MiB`, `1234` or a number into a whole number of bytes. Throws Error on bad input. */
export function parseSize(text: string | number): number {
  if (typeof text === "number") {
    if (!Number.isFinite(text)) throw new Error(`invalid size ${text}: not a finite number; ${ALLOWED}`);
    if (text < 0) throw new Error(`invalid size ${text}: must not be negative`);
    if (!Number.isSafeInteger(text)) throw new Error(`invalid size ${text}: a bare number means bytes and must be a whole number`);
    return text;
  }
  const shown = JSON.stringify(text);
  if (text === "") throw new Error(`invalid size "": empty; ${ALLOWED}`);
  if (/^-/.test(text)) throw new Error(`invalid size ${shown}: must not be negative`);
  const m = /^([0-9]+)(?:\.([0-9]+))?([A-Za-z]*)$/.exec(text);
  if (!m) throw new Error(`invalid size ${shown}: expected a number followed by a unit, like 250KB; ${ALLOWED}`);
  const [, whole = "", fraction = "", unit = ""] = m;
  const mult = unit === "" ? 1n : UNITS[unit];
  if (mult === undefined) throw new Error(`invalid size ${shown}: unknown unit "${unit}"; ${ALLOWED}`);
  // Exact arithmetic: (whole.fraction) * mult must be an integer.
  const scale = 10n ** BigInt(fraction.length);
  const scaled = (BigInt(whole) * scale + BigInt(fraction || "0")) * mult;
  if (scaled % scale !== 0n) throw new Error(`invalid size ${shown}: is not a whole number of bytes`);
  const bytes = scaled / scale;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`invalid size ${shown}: too large`);
  return Number(bytes);
}

export type Growth = { bytes: number } | { percent: number };

/** Parse a growth allowance: a size (`20KB`) or a percentage (`5%`, `2.5%`). Throws Error on bad input. */
export function parseGrowth(text: string | number): Growth {
  if (typeof text === "string" && text.endsWith("%")) {
    const shown = JSON.stringify(text);
    if (/^-/.test(text)) throw new Error(`invalid growth ${shown}: must not be negative`);
    if (!/^[0-9]+(?:\.[0-9]+)?%$/.test(text)) {
      throw new Error(`invalid growth ${shown}: expected a percentage like 5% or 2.5%, or a size like 20KB`);
    }
    return { percent: Number(text.slice(0, -1)) };
  }
  try {
    return { bytes: parseSize(text) };
  } catch (err) {
    const reason = (err as Error).message.replace(/^invalid size /, "");
    throw new Error(`invalid growth ${reason}; or a percentage like 5%`);
  }
}

// How sizes are shown is src/lib/format.ts's (formatBytes): this file only parses them.
