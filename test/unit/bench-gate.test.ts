import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { decide, formatExtra, gate, parseBenchmarkEntries, parseExtra, readBaseline } from "../../src/bench/gate.js";
import { summarize } from "../../src/bench/stats.js";
import type { BenchmarkEntry } from "../../src/bench/types.js";
import { UsageError } from "../../src/lib/errors.js";

describe("gate decision table (threshold 10 %)", () => {
  // baseline median, baseline p95, resolution, current median -> verdict
  const rows: [string, number, number, number, number, ReturnType<typeof decide>][] = [
    ["unchanged", 100, 110, 0, 100, "ok"],
    ["slightly worse, under the threshold", 100, 110, 0, 109, "ok"],
    ["worse than the threshold but inside the baseline's spread", 100, 130, 0, 120, "noise"],
    ["worse than the threshold and than p95 + threshold", 100, 110, 0, 122, "regression"],
    ["exactly at median + threshold is not worse", 100, 100, 0, 110, "ok"],
    ["just past both", 100, 100, 0, 110.01, "regression"],
    ["a tight baseline: p95 = median", 10, 10, 0, 30, "regression"],
    ["the boot time's one tick (0 -> 10 ms at 10 ms resolution)", 0, 0, 10, 10, "ok"],
    ["two ticks past a 10 ms median (10 -> 30, p95 10)", 10, 10, 10, 30, "regression"],
    ["a 0.3 s sleep in a service (10 -> 310 ms)", 10, 20, 10, 310, "regression"],
    ["better by more than the threshold", 100, 110, 0, 80, "improved"],
    ["ratios: 1.00 -> 1.04 with p95 1.03", 1.0, 1.03, 0, 1.04, "ok"],
    ["ratios: 1.00 -> 1.20 with p95 1.03", 1.0, 1.03, 0, 1.2, "regression"],
  ];
  for (const [name, bm, bp, res, cur, want] of rows) {
    test(name, () => assert.equal(decide({ value: bm, p95: bp, resolution: res }, { value: cur }, 10), want));
  }

  test("the threshold is a parameter", () => {
    assert.equal(decide({ value: 100, p95: 100, resolution: 0 }, { value: 120 }, 25), "ok");
    assert.equal(decide({ value: 100, p95: 100, resolution: 0 }, { value: 120 }, 10), "regression");
    assert.equal(decide({ value: 100, p95: 100, resolution: 0 }, { value: 100.5 }, 0), "regression");
  });
});

const entry = (name: string, value: number, values: number[], res?: number, unit = "ms"): BenchmarkEntry => ({
  name,
  unit,
  value,
  extra: formatExtra(summarize(values), res, "linux/amd64 native"),
});

describe("gate over entries", () => {
  test("passes when nothing regresses; lists new and missing figures without failing", () => {
    const base = [entry("a", 100, [95, 100, 105]), entry("gone", 5, [5])];
    const cur = [entry("a", 104, [100, 104, 110]), entry("new", 7, [7])];
    const g = gate(cur, base, 10);
    assert.equal(g.passed, true);
    assert.deepEqual(
      g.rows.map((r) => [r.name, r.verdict]),
      [
        ["a", "ok"],
        ["new", "new"],
        ["gone", "missing"],
      ],
    );
  });

  test("fails on one regression and names it, with the change", () => {
    const base = [entry("boot", 10, [10, 10, 10, 10, 10], 10), entry("startup", 400, [380, 400, 420])];
    const cur = [entry("boot", 310, [310, 310, 320, 310, 310], 10), entry("startup", 405, [390, 405, 430])];
    const g = gate(cur, base);
    assert.equal(g.passed, false);
    assert.deepEqual(
      g.regressions.map((r) => r.name),
      ["boot"],
    );
    assert.equal(g.regressions[0]!.changePct, 3000);
  });

  test("a figure whose unit changed is not compared", () => {
    const g = gate([entry("m", 900, [900], undefined, "B")], [entry("m", 1, [1], undefined, "KiB")]);
    assert.equal(g.rows[0]!.verdict, "new");
    assert.equal(g.passed, true);
  });

  test("without a p95 in extra, the baseline value is its own p95", () => {
    const g = gate([{ name: "x", unit: "ms", value: 111 }], [{ name: "x", unit: "ms", value: 100 }], 10);
    assert.equal(g.rows[0]!.verdict, "regression");
  });
});

describe("extra: the spread travels with each figure", () => {
  test("formatExtra and parseExtra round-trip p95 and resolution", () => {
    const extra = formatExtra({ n: 20, median: 12, p95: 14.25, min: 10, max: 30 }, 10, "linux/amd64 native");
    assert.equal(extra, "n=20 p95=14.25 min=10 max=30 res=10; linux/amd64 native");
    assert.deepEqual(parseExtra(extra), { p95: 14.25, resolution: 10 });
    assert.deepEqual(parseExtra(undefined), {});
    assert.deepEqual(parseExtra("free text"), {});
  });
});

describe("baseline files", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), "kimigayo-gate-"))));
  after(async () => rm(dir, { recursive: true, force: true }));

  test("reads what `kimigayo bench` writes", async () => {
    const file = join(dir, "ok.json");
    await writeFile(file, JSON.stringify([{ name: "a", unit: "ms", value: 1, range: "± 0.1", extra: "n=1 p95=1 min=1 max=1; x" }]));
    assert.deepEqual(await readBaseline(file), [{ name: "a", unit: "ms", value: 1, range: "± 0.1", extra: "n=1 p95=1 min=1 max=1; x" }]);
  });

  const bad: [string, string, RegExp][] = [
    ["not JSON", "{", /not JSON/],
    ["not an array", '{"name":"a"}', /expected a JSON array/],
    ["an entry without a name", '[{"unit":"ms","value":1}]', /entry 0: "name"/],
    ["a value that is not a number", '[{"name":"a","unit":"ms","value":"1"}]', /entry 0 \(a\): "value" must be a finite number/],
    ["extra that is not a string", '[{"name":"a","unit":"ms","value":1,"extra":3}]', /"extra" must be a string/],
  ];
  for (const [name, text, re] of bad) {
    test(`${name}: a UsageError naming the file`, () => {
      assert.throws(
        () => parseBenchmarkEntries(text, "/x/base.json"),
        (e: unknown) => e instanceof UsageError && re.test(e.message) && e.message.startsWith("/x/base.json"),
      );
    });
  }

  test("a missing file: a UsageError", async () => {
    await assert.rejects(
      readBaseline(join(dir, "nope.json")),
      (e: unknown) => e instanceof UsageError && /cannot read it \(ENOENT\)/.test(e.message),
    );
  });
});
