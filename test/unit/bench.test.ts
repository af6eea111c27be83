import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseImageArg } from "../../src/bench/bench.js";
import {
  METRIC_V1,
  METRIC_V1_NOKMEM,
  METRIC_V2,
  memoryCgroupPath,
  memoryReader,
  memorySample,
  parseMemoryStat,
} from "../../src/bench/cgroup.js";
import { BENCH_COMMANDS, commandArgv, datasetText, DATASET } from "../../src/bench/commands.js";
import { formatExtra, gate } from "../../src/bench/gate.js";
import { busyboxGlibcImage, dockerArchive } from "../../src/bench/images.js";
import { bar, benchmarkEntries, entryCases, entryValue, renderReport, renderSummary } from "../../src/bench/report.js";
import { BOOT_METRICS, MEMORY_METRICS, readyClock } from "../../src/bench/runner.js";
import { summarize } from "../../src/bench/stats.js";
import { evaluateTargets } from "../../src/bench/targets.js";
import type { BenchGroup, BenchResult, Measure, Subject } from "../../src/bench/types.js";
import { parseBenchCommandOptions, parseBenchOptions } from "../../src/cli/bench.js";
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

describe("bench --aa", () => {
  test("off by default; --aa turns the A/A run on; a value for it is refused", () => {
    assert.equal(parseBenchCommandOptions([]).aa, false);
    assert.equal(parseBenchCommandOptions(["--aa", "--only", "boot"]).aa, true);
    assert.throws(
      () => parseBenchCommandOptions(["--aa=yes"]),
      (e: unknown) => e instanceof UsageError && /aa/.test(e.message),
    );
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

  test("v1: total_rss + total_shmem + kmem, page by page; the usage counter minus the cache kept as `charged`", async () => {
    const dir = join(root, "v1", "memory", "docker", "c1");
    await mkdir(dir, { recursive: true });
    // usage_in_bytes 1,000,000 holds 200,000 of cache and 160,000 charged ahead per CPU (the fuzz)
    await writeFile(join(dir, "memory.usage_in_bytes"), "1000000\n");
    await writeFile(join(dir, "memory.kmem.usage_in_bytes"), "540000\n");
    await writeFile(join(dir, "memory.stat"), "cache 10\ntotal_cache 200000\ntotal_rss 90000\ntotal_shmem 10000\n");
    const r = await memoryReader("c1", 999_999_999, join(root, "v1"));
    assert.equal(r.version, "v1");
    assert.equal(r.metric, METRIC_V1);
    assert.deepEqual(await r.read(), { used: 640000, rss: 90000, kernel: 540000, charged: 800000 });
  });

  test("v1 without kernel memory accounting (kmem reads 0): the usage counter minus the cache, named as such", async () => {
    const dir = join(root, "v1n", "memory", "docker", "c3");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "memory.usage_in_bytes"), "1000000\n");
    await writeFile(join(dir, "memory.kmem.usage_in_bytes"), "0\n");
    await writeFile(join(dir, "memory.stat"), "total_cache 200000\ntotal_rss 90000\n");
    const r = await memoryReader("c3", 999_999_999, join(root, "v1n"));
    assert.equal(r.metric, METRIC_V1_NOKMEM);
    assert.deepEqual(await r.read(), { used: 800000, rss: 90000, kernel: 0, charged: 800000 });
  });

  test("v2: anon + shmem + kernel; kernel from its parts on kernels without the kernel line", async () => {
    const dir = join(root, "v2", "system.slice", "docker-c2.scope");
    await mkdir(dir, { recursive: true });
    await writeFile(join(root, "v2", "cgroup.controllers"), "memory pids\n");
    await writeFile(join(dir, "memory.current"), "500000\n");
    await writeFile(join(dir, "memory.stat"), "anon 70000\nfile 100000\nshmem 4096\nkernel 300000\nkernel_stack 1\n");
    const r = await memoryReader("c2", 999_999_999, join(root, "v2"));
    assert.equal(r.metric, METRIC_V2);
    assert.deepEqual(await r.read(), { used: 374096, rss: 70000, kernel: 300000, charged: 400000 });
    const parts = parseMemoryStat("anon 10\nkernel_stack 16384\npagetables 8192\npercpu 100\nsock 0\nslab 50000\nvmalloc 4096\n");
    assert.deepEqual(memorySample("v2", 100_000, parts), { used: 78782, rss: 10, kernel: 78772, charged: 100_000 });
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
      m(img.label, "boot", BOOT_METRICS.inContainer, [3.412, 4.105, 2.98], "ms", 0.001),
      m(img.label, "boot", BOOT_METRICS.wall, [280, 290, 285]),
      m(img.label, "boot", BOOT_METRICS.stop, [180, 190, 200]),
      m(floor.label, "boot", BOOT_METRICS.floorPair, [300, 300, 300]),
      m(img.label, "memory", MEMORY_METRICS.afterReady, [839_680, 839_680], "B", 4096),
      m(img.label, "memory", MEMORY_METRICS.peak, [839_680, 843_776], "B", 4096),
    ],
    ratios: [
      {
        case: "startup",
        subject: img.label,
        metric: "startup",
        reference: floor.label,
        referenceMetric: "startup",
        summary: summarize([1.007, 1.013, 1.013]),
      },
      {
        case: "boot",
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
        { afterReady: 839_680, peak: 839_680, peakAtMs: 0, samples: 100, rss: 90_000, kernel: 540_000 },
        { afterReady: 839_680, peak: 843_776, peakAtMs: 8000, samples: 100, rss: 90_000, kernel: 540_000 },
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
        ["standard linux/amd64: boot to ready, in container", "ms", 3.412],
        ["standard linux/amd64: boot to ready, docker run to ready line", "ms", 285],
        ["standard linux/amd64: shutdown (docker stop)", "ms", 190],
        ["standard linux/amd64: memory after ready", "B", 839680],
        ["standard linux/amd64: memory peak", "B", 841728],
        ["standard linux/amd64: startup ÷ floor", "x", 1.013],
        ["standard linux/amd64: boot to ready, docker run to ready line ÷ floor startup", "x", 0.95],
      ],
    );
    // A time figure carries the machine's pace: the best run of the floor in the same case and rounds.
    assert.match(
      entries[1]!.extra!,
      /^n=3 p95=4.0357 min=2.98 max=4.105 res=0.001 machine=300; linux\/amd64 native; .*machine: the best of 3 startup \(paired with boot\) runs of floor linux\/amd64/,
    );
    assert.doesNotMatch(entries[4]!.extra!, /machine=/, "memory is no time");
    for (const e of entries) assert.match(e.range!, /^± [0-9.]+$/);
    // Every entry carries its resolution; memory is charged by the 4 KiB page, ratios are to 4 decimals.
    for (const e of entries) assert.match(e.extra!, / res=[0-9.e-]+[ ;]/, e.name);
    assert.match(entries[4]!.extra!, / res=4096;/);
    assert.match(entries[6]!.extra!, / res=0.0001;/);
  });

  test("no smaller-is-better value of 0: a median under one tick is reported as one tick, and says so", () => {
    const r = syntheticResult();
    const g = r.groups[0]!;
    const boot = g.measures.find((x) => x.metric === BOOT_METRICS.inContainer)!;
    Object.assign(boot, { values: [0, 0, 10], summary: summarize([0, 0, 10]), resolution: 10 });
    const e = benchmarkEntries(r).find((x) => x.name.endsWith(BOOT_METRICS.inContainer))!;
    assert.equal(e.value, 10);
    assert.match(e.extra!, /res=10 machine=300; .*the median, 0 ms, is below one tick: reported as one tick/);
    // A ratio-based consumer (new ÷ old) stays finite between any two such files.
    const before = benchmarkEntries(syntheticResult());
    for (const x of benchmarkEntries(r)) {
      const old = before.find((b) => b.name === x.name)!;
      assert.ok(x.value > 0 && Number.isFinite(x.value / old.value) && Number.isFinite(old.value / x.value), x.name);
    }
  });

  test("entryValue rounds to the resolution and never goes below one tick", () => {
    assert.deepEqual(entryValue(0, 10), { value: 10, belowTick: true });
    assert.deepEqual(entryValue(5, 10), { value: 10, belowTick: true });
    assert.deepEqual(entryValue(20, 10), { value: 20, belowTick: false });
    assert.deepEqual(entryValue(3.41249, 0.001), { value: 3.412, belowTick: false });
    assert.deepEqual(entryValue(0.0002, 0.001), { value: 0.001, belowTick: true });
    assert.deepEqual(entryValue(839_680, 4096), { value: 839_680, belowTick: false });
    assert.deepEqual(entryValue(0.00004, 0.0001), { value: 0.0001, belowTick: true });
  });

  test("each entry's case, for the gate's confirming re-run", () => {
    const c = entryCases(syntheticResult());
    assert.equal(c.get("standard linux/amd64: boot to ready, in container"), "boot");
    assert.equal(c.get("standard linux/amd64: startup ÷ floor"), "startup");
    assert.equal(c.get("standard linux/amd64: boot to ready, docker run to ready line ÷ floor startup"), "boot");
    assert.equal(c.get("standard linux/amd64: memory peak"), "memory");
  });

  test("the ready line's clock: µs ($MONOTONIC_US) or 10 ms ticks (/proc/uptime)", () => {
    assert.equal(readyClock(["kimigayo: ready in 3.412 ms (12 services)", "kimigayo: ready in 10.000 ms (12 services)"]).resolution, 0.001);
    assert.equal(readyClock(["kimigayo: ready in 3.412 ms (12 services)", "kimigayo: ready in 10 ms (12 services)"]).resolution, 10);
    assert.equal(readyClock(["kimigayo: ready in 0 ms (3 services)"]).resolution, 10);
    assert.equal(readyClock([]).resolution, 10);
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
      "| boot to ready, in container (median) | 3.412 ms (p95 4.036 ms, max 4.105 ms; resolution 0.001 ms) | ≤ 5 ms | ✓ |",
      "| memory after ready (highest of 2 runs) | 820 KiB (median 820 KiB) | ≤ 1 MiB | ✓ |",
      "### Startup: `docker run --rm --pull=never IMAGE true`",
      "### Boot to ready and shutdown",
      "### Memory: cgroup v1 memory.stat total_rss + total_shmem + memory.kmem.usage_in_bytes",
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
