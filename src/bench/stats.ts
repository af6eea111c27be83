/**
 * The statistics of a benchmark: summaries of a sample and ratios taken pair by pair.
 *
 * Runs are interleaved (A B A B ...), so run i of the image and run i of a reference saw the
 * same moment of the machine. The ratio image/reference is taken per pair, then summarised:
 * a load spike that slows both halves of a pair cancels out instead of moving one median.
 */

export interface Summary {
  n: number;
  median: number;
  /** 95th percentile, linear interpolation between closest ranks (numpy's default). */
  p95: number;
  min: number;
  max: number;
}

function finite(values: readonly number[], what: string): number[] {
  if (values.length === 0) throw new Error(`${what} of an empty sample`);
  const bad = values.find((v) => !Number.isFinite(v));
  if (bad !== undefined) throw new Error(`${what}: ${bad} is not a finite number`);
  return [...values].sort((a, b) => a - b);
}

/** The q-quantile (0..1) of a sorted sample, interpolating linearly between closest ranks. */
function quantileSorted(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function quantile(values: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile ${q} is outside 0..1`);
  return quantileSorted(finite(values, "quantile"), q);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = finite(values, "summary");
  return {
    n: sorted.length,
    median: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/**
 * a[i] / b[i] for each interleaved pair. Pairs where either side is missing (undefined, a failed
 * run) are skipped; a zero denominator is an error (a time of 0 ms means the clock is wrong).
 */
export function pairRatios(a: readonly (number | undefined)[], b: readonly (number | undefined)[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) continue;
    if (y === 0) throw new Error(`pair ${i + 1}: the reference measured 0, so the ratio is undefined`);
    out.push(x / y);
  }
  return out;
}

/** The summary of the pair-by-pair ratios; its median is "the ratio". Undefined when no pair is complete. */
export function ratioSummary(a: readonly (number | undefined)[], b: readonly (number | undefined)[]): Summary | undefined {
  const r = pairRatios(a, b);
  return r.length > 0 ? summarize(r) : undefined;
}

/**
 * The A/A noise floor of a statistic of N runs (the best run, min, by default; or the median), in
 * percent: runs `a` and `b` are the same image, interleaved. Under "no change" both are draws from
 * one distribution, so both samples are pooled and resampled (a seeded bootstrap, the same figure on
 * every call): the 95th percentile of |stat(A*) − stat(B*)| ÷ stat(pooled) is how far the statistic
 * of this many runs moves by noise alone. It is never less than the difference the two runs actually
 * showed. `resolution` bounds the denominator (a statistic below one tick is one tick).
 */
export function noiseFloorPct(
  a: readonly number[],
  b: readonly number[],
  resolution = 0,
  stat: "min" | "median" = "min",
  draws = 2000,
): number {
  if (a.length === 0 || b.length === 0) throw new Error("noise floor of an empty sample");
  const pool = finite([...a, ...b], "noise floor");
  const q = stat === "min" ? 0 : 0.5;
  const centre = Math.max(quantileSorted(pool, q), resolution);
  if (!(centre > 0)) return 0;
  let x = 0x9e3779b9; // xorshift32, fixed seed
  const pick = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return pool[x % pool.length]!;
  };
  const draw = (n: number) =>
    quantileSorted(
      Array.from({ length: n }, pick).sort((p, r) => p - r),
      q,
    );
  const diffs: number[] = [];
  for (let i = 0; i < draws; i++) diffs.push(Math.abs(draw(a.length) - draw(b.length)));
  const observed = Math.abs(quantile(a, q) - quantile(b, q));
  return (Math.max(quantile(diffs, 0.95), observed) / centre) * 100;
}
