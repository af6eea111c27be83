import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseImageArg } from "../../src/bench/bench.js";
import { METRIC_V1, METRIC_V2, memoryCgroupPath, memoryReader, parseMemoryStat } from "../../src/bench/cgroup.js";
import { BENCH_COMMANDS, commandArgv, datasetText, DATASET } from "../../src/bench/commands.js";
import { formatExtra, gate } from "../../src/bench/gate.js";
import { busyboxGlibcImage, dockerArchive } from "../../src/bench/images.js";
import { bar, benchmarkEntries, renderReport, renderSummary } from "../../src/bench/report.js";
import { BOOT_METRICS, MEMORY_METRICS } from "../../src/bench/runner.js";
import { summarize } from "../../src/bench/stats.js";
import { evaluateTargets } from "../../src/bench/targets.js";
import type { BenchGroup, BenchResult, Measure, Subject } from "../../src/bench/types.js";
import { parseBenchOptions } from "../../src/cli/bench.js";
import { UsageError } from "../../src/lib/errors.js";
import { sha256 } from "../../src/lib/hash.js";
import { readTar } from "../../src/lib/tar.js";

describe("bench options", () => {
  test("defaults: 20 runs, every case, 10 %", () => {
    assert.deepEqual(parseBenchOptions({}), {
      runs: 20,
      cases: ["startup", "boot", "memory", "commands", "pull"],
      thresholdPct: 10,
      images: [],
      references: [],
    });
  });

  test("--only keeps the canonical order; --threshold takes a % sign; lists split on spaces", () => {
    const o = parseBenchOptions({ only: "pull, boot", threshold: "7.5%", reference: ["a:1 b:2", "c"], runs: "5" });
    assert.deepEqual(o.cases, ["boot", "pull"]);
    assert.equal(o.thresholdPct, 7.5);
    assert.deepEqual(o.references, ["a:1", "b:2", "c"]);
    assert.equal(o.runs, 5);
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ["--runs 0", { runs: "0" }, /--runs must be in 1\.\.1000, got 0/],
    ["--runs -1", { runs: "-1" }, /--runs must be a whole number/],
    ["--runs 2.5", { runs: "2.5" }, /--runs must be a whole number/],
    ["--runs 1001", { runs: "1001" }, /--runs must be in 1\.\.1000/],
    ["--threshold ten", { threshold: "ten" }, /--threshold must be a percentage/],
    ["--only nothing", { only: "," }, /--only/],
    ["--only an unknown case", { only: "boot,speed" }, /unknown case "speed"; cases: startup, boot, memory, commands, pull/],
  ];
  for (const [name, o, re] of bad) {
    test(`${name}: a UsageError (exit 2)`, () =>
      assert.throws(
        () => parseBenchOptions(o),
        (e: unknown) => e instanceof UsageError && re.test(e.message),
      ));
  }

  test("--image LABEL=REF names the image; a bare reference is its own label", () => {
    assert.deepEqual(parseImageArg("standard=kb:slow"), { label: "standard", ref: "kb:slow" });
    assert.deepEqual(parseImageArg("127.0.0.1:5000/k:v=1"), { label: "127.0.0.1:5000/k:v=1", ref: "127.0.0.1:5000/k:v=1" });
    assert.deepEqual(parseImageArg("kb:slow"), { label: "kb:slow", ref: "kb:slow" });
    assert.throws(() => parseImageArg("x="), /no image after "="/);
  });
});

describe("cgroup memory", () => {
  test("memory.stat parses into numbers", () => {
    const s = parseMemoryStat("cache 4096\nrss 8192\ntotal_cache 12288\nbogus x\n");
    assert.equal(s.get("total_cache"), 12288);
    assert.equal(s.get("rss"), 8192);
    assert.equal(s.has("bogus"), false);
  });

  test("the memory controller's path from /proc/PID/cgroup", () => {
    const v1 = "12:pids:/docker/abc\n4:memory:/docker/abc\n1:name=systemd:/docker/abc\n";
    assert.equal(memoryCgroupPath(v1, "v1"), "/docker/abc");
    assert.equal(memoryCgroupPath("5:cpu,memory:/x\n", "v1"), "/x");
    assert.equal(memoryCgroupPath("0::/system.slice/docker-abc.scope\n", "v2"), "/system.slice/docker-abc.scope");
    assert.equal(memoryCgroupPath("0::/x\n", "v1"), undefined);
  });

  let root: string;
  before(async () => (root = await mkdtemp(join(tmpdir(), "kimigayo-cgroup-"))));
  after(async () => rm(root, { recursive: true, force: true }));

  test("v1: usage_in_bytes minus total_cache, rss from total_rss", async () => {
    const dir = join(root, "v1", "memory", "docker", "c1");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "memory.usage_in_bytes"), "1000000\n");
    await writeFile(join(dir, "memory.stat"), "cache 10\ntotal_cache 200000\ntotal_rss 90000\n");
    const r = await memoryReader("c1", 999_999_999, join(root, "v1"));
    assert.equal(r.version, "v1");
    assert.equal(r.metric, METRIC_V1);
    assert.deepEqual(await r.read(), { used: 800000, rss: 90000 });
  });

  test("v2: memory.current minus file, rss from anon", async () => {
    const dir = join(root, "v2", "system.slice", "docker-c2.scope");
    await mkdir(dir, { recursive: true });
    await writeFile(join(root, "v2", "cgroup.controllers"), "memory pids\n");
    await writeFile(join(dir, "memory.current"), "500000\n");
    await writeFile(join(dir, "memory.stat"), "anon 70000\nfile 100000\n");
    const r = await memoryReader("c2", 999_999_999, join(root, "v2"));
    assert.equal(r.metric, METRIC_V2);
    assert.deepEqual(await r.read(), { used: 400000, rss: 70000 });
  });

  test("no cgroup: an error naming where it looked", async () => {
    await assert.rejects(memoryReader("nope", 999_999_999, join(root, "v1")), /no v1 memory cgroup found for container nope; looked in/);
  });
});

describe("the commands' data set", () => {
  test("is the same bytes everywhere (fixed size and content)", () => {
    const text = datasetText();
    assert.equal(text.split("\n").length - 1, DATASET.lines);
    assert.equal(sha256(text), sha256(datasetText()));
    assert.match(text.slice(0, 40), /^000000 [a-z]+ \d+ [a-z]+\n000001 /);
  });

  test("each command runs under sh with its output discarded", () => {
    assert.deepEqual(
      BENCH_COMMANDS.map((c) => c.name),
      ["sh", "ls", "grep", "find", "awk", "sort", "cat", "wc", "head"],
    );
    assert.deepEqual(commandArgv(BENCH_COMMANDS[6]!), ["sh", "-c", "cat /bench-data/text >/dev/null"]);
  });
});

describe("docker archive", () => {
  test("holds the layer, the config under its digest and a manifest with the tag", () => {
    const layer = Buffer.from("layer bytes");
    const config = Buffer.from('{"architecture":"amd64"}');
    const entries = readTar(dockerArchive(layer, config, "kimigayo-bench/floor:amd64-x"));
    const byPath = new Map(entries.map((e) => [e.path, e]));
    const manifest = byPath.get("manifest.json");
    assert.ok(manifest?.type === "file");
    assert.deepEqual(JSON.parse(Buffer.from(manifest.data).toString()), [
      { Config: `${sha256(config)}.json`, RepoTags: ["kimigayo-bench/floor:amd64-x"], Layers: ["layer.tar"] },
    ]);
    assert.ok(byPath.has(`${sha256(config)}.json`));
  });
});

// ---------------------------------------------------------------------------
// report, JSON and targets from a synthetic result
// ---------------------------------------------------------------------------

const subject = (label: string, kind: Subject["kind"], role: Subject["role"]): Subject => ({
  label,
  image: `img/${kind}`,
  platform: "linux/amd64",
  role,
  kind,
  trueCommand: ["true"],
  boots: kind === "kimigayo",
  shell: kind !== "floor",
});

const m = (
  s: string,
  kase: Measure["case"],
  metric: string,
  values: number[],
  unit: Measure["unit"] = "ms",
  resolution?: number,
): Measure => ({
  subject: s,
  case: kase,
  metric,
  unit,
  values,
  summary: summarize(values),
  ...(resolution ? { resolution } : {}),
});

function syntheticResult(): BenchResult {
  const img = subject("standard linux/amd64", "kimigayo", "image");
  const floor = subject("floor linux/amd64", "floor", "reference");
  const g: BenchGroup = {
    label: img.label,
    variant: "standard",
    platform: "linux/amd64",
    execution: "native",
    image: img,
    references: [floor],
    measures: [
      m(img.label, "startup", "startup", [300, 310, 305]),
      m(floor.label, "startup", "startup", [298, 306, 301]),
      m(img.label, "boot", BOOT_METRICS.inContainer, [10, 10, 0], "ms", 10),
      m(img.label, "boot", BOOT_METRICS.wall, [280, 290, 285]),
      m(img.label, "boot", BOOT_METRICS.stop, [180, 190, 200]),
      m(floor.label, "boot", BOOT_METRICS.floorPair, [300, 300, 300]),
      m(img.label, "memory", MEMORY_METRICS.afterReady, [839_680, 839_680], "B"),
      m(img.label, "memory", MEMORY_METRICS.peak, [839_680, 843_776], "B"),
    ],
    ratios: [
      {
        subject: img.label,
        metric: "startup",
        reference: floor.label,
        referenceMetric: "startup",
        summary: summarize([1.007, 1.013, 1.013]),
      },
      {
        subject: img.label,
        metric: `${BOOT_METRICS.wall} ÷ floor startup`,
        reference: floor.label,
        referenceMetric: BOOT_METRICS.floorPair,
        summary: summarize([0.93, 0.97, 0.95]),
      },
    ],
    memory: {
      metric: METRIC_V1,
      windowMs: 10_000,
      intervalMs: 100,
      runs: [
        { afterReady: 839_680, peak: 839_680, peakAtMs: 0, samples: 100, rss: 90_000 },
        { afterReady: 839_680, peak: 843_776, peakAtMs: 8000, samples: 100, rss: 90_000 },
      ],
    },
    notes: ["a note"],
  };
  return {
    schema: "kimigayo-bench/1",
    started: "2026-11-26T07:00:00.000Z",
    seconds: 100,
    host: {
      cpus: 2,
      kernel: "6.18",
      arch: "x64",
      docker: "20.10.24",
      cgroup: "v1",
      load: { start: [0.5, 0.4, 0.3], end: [0.6, 0.4, 0.3] },
    },
    runs: 3,
    cases: ["startup", "boot", "memory"],
    groups: [g],
  };
}

describe("targets", () => {
  test("all six met by the synthetic standard run", () => {
    const rows = evaluateTargets(syntheticResult().groups[0]!);
    assert.equal(rows.length, 6);
    assert.deepEqual(
      rows.map((r) => r.ok),
      [true, true, true, true, true, true],
    );
  });

  test("a spike in the window fails the memory target; emulated runs are n/a", () => {
    const r = syntheticResult();
    const g = r.groups[0]!;
    g.memory!.runs[1]!.peak = 839_680 + 200 * 1024;
    assert.equal(evaluateTargets(g)[4]!.ok, false);
    g.execution = "emulated (QEMU)";
    assert.deepEqual(
      evaluateTargets(g).map((x) => x.ok),
      [undefined, undefined, undefined, undefined, undefined, undefined],
    );
  });

  test("missing figures are 'not measured', not failures", () => {
    const r = syntheticResult();
    r.groups[0]!.measures = [];
    r.groups[0]!.ratios = [];
    delete r.groups[0]!.memory;
    assert.ok(evaluateTargets(r.groups[0]!).every((x) => x.ok === undefined && x.measured === "not measured"));
  });
});

describe("outputs", () => {
  test("customSmallerIsBetter entries: the image's medians and ratios, spread in extra; no reference figures", () => {
    const entries = benchmarkEntries(syntheticResult());
    assert.deepEqual(
      entries.map((e) => [e.name, e.unit, e.value]),
      [
        ["standard linux/amd64: startup", "ms", 305],
        ["standard linux/amd64: boot to ready, in container", "ms", 10],
        ["standard linux/amd64: boot to ready, docker run to ready line", "ms", 285],
        ["standard linux/amd64: shutdown (docker stop)", "ms", 190],
        ["standard linux/amd64: memory after ready", "B", 839680],
        ["standard linux/amd64: memory peak", "B", 841728],
        ["standard linux/amd64: startup ÷ floor", "x", 1.013],
        ["standard linux/amd64: boot to ready, docker run to ready line ÷ floor startup", "x", 0.95],
      ],
    );
    assert.match(entries[1]!.extra!, /^n=3 p95=10 min=0 max=10 res=10; linux\/amd64 native/);
    for (const e of entries) assert.match(e.range!, /^± [0-9.]+$/);
  });

  test("an unchanged run passes its own gate", () => {
    const e = benchmarkEntries(syntheticResult());
    assert.equal(gate(e, e).passed, true);
  });

  test("the report has the targets, each section, the notes and the reading guide", () => {
    const md = renderReport(syntheticResult());
    for (const s of [
      "# Kimigayo benchmark report",
      "## Targets",
      "| boot to ready, in container (median) | 10 ms (p95 10 ms, max 10 ms) | ≤ 20 ms | ✓ |",
      "### Startup: `docker run --rm --pull=never IMAGE true`",
      "### Boot to ready and shutdown",
      "### Memory: cgroup v1 memory.usage_in_bytes − memory.stat total_cache",
      "- a note",
      "## How to read these figures",
    ]) {
      assert.ok(md.includes(s), s);
    }
  });

  test("the summary carries a mermaid chart", () => {
    const md = renderSummary(syntheticResult());
    assert.match(
      md,
      /```mermaid\nxychart-beta\n {4}title "standard linux\/amd64: median ms"\n {4}x-axis \["startup", "floor startup", "boot to ready \(wall\)", "docker stop"\]/,
    );
  });

  test("text bars scale to the largest value, in eighths", () => {
    assert.equal(bar(10, 10, 4), "████");
    assert.equal(bar(5, 10, 4), "██");
    assert.equal(bar(1, 10, 4), "▍");
    assert.equal(bar(0, 10, 4), "");
    assert.equal(bar(20, 10, 4), "████");
  });

  test("formatExtra keeps six significant digits", () => {
    assert.equal(formatExtra(summarize([1 / 3]), undefined, "x"), "n=1 p95=0.333333 min=0.333333 max=0.333333; x");
  });
});

describe("the busybox-glibc reference", () => {
  test("is never dropped silently: a missing or dynamic host BusyBox is a reason naming the doctor fix", async () => {
    const work = await mkdtemp(join(tmpdir(), "bench-ref-"));
    try {
      const missing = await busyboxGlibcImage(work, "linux/amd64", join(work, "no-busybox"));
      assert.ok("skipped" in missing);
      assert.match(missing.skipped, /no-busybox is missing \(Debian: busybox-static; kimigayo doctor --fix --only busybox-static\)/);
      // /bin/ls is a dynamic x86-64 binary: what the dynamic `busybox` package would leave at /bin/busybox.
      const dynamic = await busyboxGlibcImage(work, "linux/amd64", "/bin/ls");
      assert.ok("skipped" in dynamic);
      assert.match(
        dynamic.skipped,
        /\/bin\/ls is not a static linux\/amd64 binary \(dynamically linked: .*kimigayo doctor --fix --only busybox-static\)/,
      );
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
