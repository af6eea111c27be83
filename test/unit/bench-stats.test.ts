import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pairRatios, quantile, ratioSummary, summarize } from "../../src/bench/stats.js";

// The median and p95 as summarize computes them: quantiles 0.5 and 0.95.
const median = (v: readonly number[]) => quantile(v, 0.5);
const p95 = (v: readonly number[]) => quantile(v, 0.95);

describe("median (quantile 0.5)", () => {
  const cases: [string, number[], number][] = [
    ["one value", [7], 7],
    ["odd count, unsorted", [5, 1, 3], 3],
    ["even count: mean of the middle two", [4, 1, 3, 2], 2.5],
    ["duplicates", [2, 2, 2, 9], 2],
    ["negative and positive", [-3, 10, 0], 0],
  ];
  for (const [name, values, want] of cases) test(name, () => assert.equal(median(values), want));

  test("does not reorder its input", () => {
    const v = [3, 1, 2];
    median(v);
    assert.deepEqual(v, [3, 1, 2]);
  });

  test("an empty sample is an error", () => assert.throws(() => median([]), /empty sample/));
  test("NaN is an error, not a silent sort artefact", () => assert.throws(() => median([1, NaN, 2]), /not a finite number/));
});

describe("p95 (quantile 0.95: linear interpolation between closest ranks)", () => {
  const cases: [string, number[], number][] = [
    ["one value", [42], 42],
    ["two values: 95 % of the way", [0, 100], 95],
    ["1..20: rank 18.05 -> 19.05", Array.from({ length: 20 }, (_, i) => i + 1), 19.05],
    ["1..100", Array.from({ length: 100 }, (_, i) => i + 1), 95.05],
    ["five runs, one outlier: close to the outlier", [10, 11, 12, 13, 100], 82.6],
  ];
  for (const [name, values, want] of cases) test(name, () => assert.ok(Math.abs(p95(values) - want) < 1e-9, `${p95(values)} != ${want}`));

  test("quantile bounds", () => {
    assert.equal(quantile([3, 1, 2], 0), 1);
    assert.equal(quantile([3, 1, 2], 1), 3);
    assert.throws(() => quantile([1], 1.5), /outside 0..1/);
  });
});

describe("summarize", () => {
  test("n, median, p95, min, max", () => {
    assert.deepEqual(summarize([30, 10, 20, 40, 50]), { n: 5, median: 30, p95: 48, min: 10, max: 50 });
  });
});

describe("pair ratios", () => {
  test("taken pair by pair, not as a ratio of medians", () => {
    // A load spike in round 2 slows both images; per pair it cancels.
    const image = [101, 202, 103];
    const floor = [100, 200, 100];
    assert.deepEqual(pairRatios(image, floor), [1.01, 1.01, 1.03]);
    assert.equal(ratioSummary(image, floor)!.median, 1.01);
    assert.notEqual(median(image) / median(floor), 1.01); // 103 / 100
  });

  test("a failed run on either side drops that pair only", () => {
    assert.deepEqual(pairRatios([10, undefined, 30, 40], [5, 5, undefined, 20]), [2, 2]);
  });

  test("unequal lengths use the common prefix", () => {
    assert.deepEqual(pairRatios([2, 4, 6], [1, 2]), [2, 2]);
  });

  test("no complete pair: no ratio", () => {
    assert.equal(ratioSummary([undefined], [1]), undefined);
    assert.equal(ratioSummary([], []), undefined);
  });

  test("a zero denominator is an error", () => assert.throws(() => pairRatios([1], [0]), /measured 0/));
});
