/**
 * size-check without builds: budget evaluation, the per-file breakdown, the report (JSON shape,
 * annotations), the markdown, and reading baseline reports.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../../src/config/load.js";
import { budgetFor, type Budget, type Config, type Platform } from "../../src/config/schema.js";
import { UsageError } from "../../src/lib/errors.js";
import { writeTar } from "../../src/lib/tar.js";
import { gzipLayer } from "../../src/oci/gzip.js";
import { parseReference } from "../../src/oci/reference.js";
import type { BuildResult, ImageBuild } from "../../src/results/build.js";
import type { RootfsFileInfo } from "../../src/build/rootfs.js";
import { candidateRefs, describeCause, parseSizeReport, readHistory, reportBaseline, resolveBaseline } from "../../src/size/baseline.js";
import { budgetField, computeDelta, evaluateBudget } from "../../src/size/budget.js";
import { formatBudget, formatDelta, formatPercent } from "../../src/size/format.js";
import { historyChart, orderHistory, renderMarkdown, SIZE_CHECK_MARKER } from "../../src/size/markdown.js";
import { breakdown, measureBuild, TAR_END_ROW } from "../../src/size/measure.js";
import { annotationPath, makeReport, topFiles } from "../../src/size/report.js";
import type { Baseline, BaselineImage, ImageMeasure } from "../../src/size/types.js";
import type { Attribution } from "../../src/size/attribution.js";
import { formatSizeCheck } from "../../src/cli/size-check.js";

const CONFIGS = fileURLToPath(new URL("../../configs/", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "kimigayo-size-unit-"));
after(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------
// Fixtures: a config with every kind of budget, and synthetic rootfs file lists
// ---------------------------------------------------------------------------

const YAML = `version: 2.1.0
busybox:
  version: 1.38.0
  sha256: 34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2
  urls: [https://busybox.net/downloads/busybox-1.38.0.tar.bz2]
platforms: [linux/amd64, linux/arm64]
variants:
  minimal:
    busybox: ${CONFIGS}busybox/minimal.config
    services: ${CONFIGS}openrc/services-minimal.list
    budget:
      size: 250KB
      compressed: 130KB
      growth: 5%
      platforms:
        linux/arm64: { size: 275KB, growth: 10KB }
  standard:
    busybox: ${CONFIGS}busybox/standard.config
    services: ${CONFIGS}openrc/services-standard.list
    default: true
    budget: { size: 600KB }
  extended:
    busybox: ${CONFIGS}busybox/extended.config
    services: ${CONFIGS}openrc/services-extended.list
`;
const CONFIG_FILE = join(work, "configs", "kimigayo.yml");
const cfg: Config = parseConfig(YAML, CONFIG_FILE);
/** 1-based line of the first line of YAML that contains `s` (after line `from`). */
const lineOf = (s: string, from = 0) => YAML.split("\n").findIndex((l, i) => i >= from && l.includes(s)) + 1;

const padded = (n: number) => 512 + Math.ceil(n / 512) * 512;

/** A rootfs file list like the rootfs stage writes: dirs, busybox, applet hard links, a few files. */
function rootfs(busybox: number, applets: number, extra: [string, number][] = []): { files: RootfsFileInfo[]; size: number } {
  const files: RootfsFileInfo[] = [
    ...["bin", "etc", "sbin", "tmp"].map((path): RootfsFileInfo => ({ path, type: "dir", size: 0, tarBytes: 512 })),
    { path: "bin/busybox", type: "file", size: busybox, tarBytes: padded(busybox) },
    ...Array.from({ length: applets }, (_, i): RootfsFileInfo => ({ path: `bin/applet${i}`, type: "hardlink", size: 0, tarBytes: 512 })),
    { path: "etc/passwd", type: "file", size: 82, tarBytes: padded(82) },
    { path: "etc/mtab", type: "symlink", size: 0, tarBytes: 512 },
    ...extra.map(([path, n]): RootfsFileInfo => ({ path, type: "file", size: n, tarBytes: padded(n) })),
  ];
  return { files, size: files.reduce((n, f) => n + f.tarBytes, 1024) };
}

function measure(variant: string, platform: Platform, uncompressed: number, compressed: number, applets = 29): ImageMeasure {
  const fs = rootfs(uncompressed - 512 * 8 - 1024 - applets * 512, applets);
  // Make the breakdown sum to exactly `uncompressed` (busybox absorbs the rest).
  const rows = breakdown(fs.files, fs.size, "test");
  const diff = uncompressed - fs.size;
  const bb = rows.find((r) => r.name === "/bin/busybox")!;
  bb.bytes += diff;
  return { variant, platform, uncompressed, compressed, compressedFrom: "layer", applets, breakdown: rows };
}

const BUILD = { file: "/out/build.json", version: "2.1.0", busybox: "1.38.0", config: CONFIG_FILE };

// ---------------------------------------------------------------------------

describe("budget evaluation", () => {
  const where = (kind: string) => ({ field: `variants.minimal.budget.${kind}`, line: 7 });
  const base = (uncompressed: number | null, compressed: number | null): BaselineImage => ({
    variant: "minimal",
    platform: "linux/amd64",
    uncompressed,
    compressed,
    applets: null,
  });
  const cases: {
    name: string;
    budget: Budget;
    size: [number, number];
    baseline?: BaselineImage;
    want: [string, boolean | null, number | null][];
    message?: RegExp;
  }[] = [
    { name: "size within", budget: { size: 250_000 }, size: [239_616, 123_389], want: [["size", true, 239_616]] },
    { name: "size exactly at the limit passes", budget: { size: 250_000 }, size: [250_000, 1], want: [["size", true, 250_000]] },
    {
      name: "size over",
      budget: { size: 250_000 },
      size: [268_800, 137_182],
      want: [["size", false, 268_800]],
      message: /^size 268\u202f800\u00a0B is over the budget of 250\u202f000\u00a0B by 18\u202f800\u00a0B$/,
    },
    { name: "compressed within", budget: { compressed: 130_000 }, size: [239_616, 123_389], want: [["compressed", true, 123_389]] },
    {
      name: "compressed over",
      budget: { compressed: 130_000 },
      size: [268_800, 137_182],
      want: [["compressed", false, 137_182]],
      message: /compressed size 137\u202f182\u00a0B is over the budget of 130\u202f000\u00a0B by 7\u202f182\u00a0B/,
    },
    {
      name: "growth in bytes within",
      budget: { growth: { bytes: 10_000 } },
      size: [249_616, 1],
      baseline: base(239_616, 1),
      want: [["growth", true, 10_000]],
    },
    {
      name: "growth in bytes over",
      budget: { growth: { bytes: 10_000 } },
      size: [249_617, 1],
      baseline: base(239_616, 1),
      want: [["growth", false, 10_001]],
      message:
        /size grew by 10\u202f001\u00a0B \(4\.2\u00a0%\) against the baseline \(239\u202f616\u00a0B → 249\u202f617\u00a0B\), more than the growth budget of 10\u202f000\u00a0B/,
    },
    {
      name: "growth in percent: exactly 5% passes",
      budget: { growth: { percent: 5 } },
      size: [105_000, 1],
      baseline: base(100_000, 1),
      want: [["growth", true, 5]],
    },
    {
      name: "growth in percent: one byte more fails",
      budget: { growth: { percent: 5 } },
      size: [105_001, 1],
      baseline: base(100_000, 1),
      want: [["growth", false, 5.001]],
    },
    {
      name: "shrinking always passes",
      budget: { growth: { percent: 0 } },
      size: [90_000, 1],
      baseline: base(100_000, 1),
      want: [["growth", true, -10]],
      message: /shrank by 10\u202f000\u00a0B/,
    },
    {
      name: "an image baseline: growth on compressed bytes",
      budget: { growth: { percent: 5 } },
      size: [300_000, 110_000],
      baseline: base(null, 100_000),
      want: [["growth", false, 10]],
      message: /^compressed size grew by 10\u202f000\u00a0B \(10\.0\u00a0%\)/,
    },
    {
      name: "no baseline: growth not checked, with a note",
      budget: { size: 250_000, growth: { percent: 5 } },
      size: [239_616, 1],
      want: [
        ["size", true, 239_616],
        ["growth", null, null],
      ],
      message: /growth budget \(5\.0\u00a0%\) not checked: no baseline \(pass --baseline/,
    },
    { name: "no budget: no checks", budget: {}, size: [239_616, 1], want: [] },
    {
      name: "all three, in order",
      budget: { size: 200_000, compressed: 200_000, growth: { bytes: 0 } },
      size: [239_616, 123_389],
      baseline: base(239_616, 123_389),
      want: [
        ["size", false, 239_616],
        ["compressed", true, 123_389],
        ["growth", true, 0],
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const m = { uncompressed: c.size[0], compressed: c.size[1], applets: 29 };
      const checks = evaluateBudget({ budget: c.budget, measure: m, delta: computeDelta(m, c.baseline), where });
      assert.deepEqual(
        checks.map((k) => [k.budget, k.ok, k.actual === null ? null : Math.round(k.actual * 1000) / 1000]),
        c.want,
      );
      for (const k of checks) {
        assert.equal(k.field, `variants.minimal.budget.${k.budget}`);
        assert.equal(k.line, 7);
      }
      if (c.message)
        assert.ok(
          checks.some((k) => c.message!.test(k.message)),
          checks.map((k) => k.message).join("\n"),
        );
    });
  }

  test("a percent budget against a zero baseline: any growth fails", () => {
    const m = { uncompressed: 10, compressed: 1, applets: 1 };
    const [k] = evaluateBudget({ budget: { growth: { percent: 50 } }, measure: m, delta: computeDelta(m, base(0, 0)), where });
    assert.equal(k!.ok, false);
  });

  test("per-platform override: budgetFor merges it and budgetField names the field it came from", () => {
    const minimal = cfg.variants[0]!;
    assert.deepEqual(budgetFor(minimal, "linux/amd64"), { size: 250_000, compressed: 130_000, growth: { percent: 5 } });
    assert.deepEqual(budgetFor(minimal, "linux/arm64"), { size: 275_000, compressed: 130_000, growth: { bytes: 10_000 } });
    assert.equal(budgetField(minimal, "linux/amd64", "size"), "variants.minimal.budget.size");
    assert.equal(budgetField(minimal, "linux/arm64", "size"), "variants.minimal.budget.platforms.linux/arm64.size");
    assert.equal(budgetField(minimal, "linux/arm64", "compressed"), "variants.minimal.budget.compressed");
    assert.equal(budgetField(minimal, "linux/arm64", "growth"), "variants.minimal.budget.platforms.linux/arm64.growth");
  });

  test("computeDelta: report baselines compare uncompressed, image baselines compressed, none gives null", () => {
    const m = { uncompressed: 110, compressed: 60, applets: 31 };
    assert.deepEqual(computeDelta(m, { ...base(100, 50), applets: 29 }), {
      metric: "uncompressed",
      base: 100,
      bytes: 10,
      percent: 10,
      uncompressed: 10,
      compressed: 10,
      applets: 2,
    });
    assert.deepEqual(computeDelta(m, base(null, 50)), {
      metric: "compressed",
      base: 50,
      bytes: 10,
      percent: 20,
      uncompressed: null,
      compressed: 10,
      applets: null,
    });
    assert.equal(computeDelta(m, undefined), null);
    assert.equal(computeDelta(m, base(null, null)), null);
  });

  test("formats", () => {
    assert.equal(formatPercent(5), "5.0\u00a0%");
    assert.equal(formatPercent(2.345, true), "+2.3\u00a0%");
    assert.equal(formatPercent(-0.04), "−0.04\u00a0%");
    assert.equal(formatDelta({ bytes: 18_800, percent: 7.52 }), "+18\u202f800\u00a0B (+7.5\u00a0%)");
    assert.equal(formatDelta({ bytes: 0, percent: 0 }), "±0\u00a0B");
    assert.equal(formatDelta({ bytes: -512, percent: null }), "−512\u00a0B");
    assert.equal(
      formatBudget({ size: 250_000, compressed: 130_000, growth: { percent: 5 } }),
      "≤\u00a0250\u202f000\u00a0B · gzip ≤\u00a0130\u202f000\u00a0B · growth ≤\u00a05.0\u00a0%",
    );
    assert.equal(formatBudget({}), "none");
  });
});

describe("breakdown", () => {
  test("sums exactly to the uncompressed size, end marker included; links and directories are one row each", () => {
    const fs = rootfs(199_992, 29, [["sbin/kimigayo-rc", 5_300]]);
    const rows = breakdown(fs.files, fs.size, "minimal linux/amd64");
    assert.equal(
      rows.reduce((n, r) => n + r.bytes, 0),
      fs.size,
    );
    const by = new Map(rows.map((r) => [r.name, r]));
    assert.deepEqual(by.get("applet links (29)"), { name: "applet links (29)", kind: "applet-links", entries: 29, bytes: 29 * 512 });
    assert.deepEqual(by.get("directories (4)"), { name: "directories (4)", kind: "directories", entries: 4, bytes: 4 * 512 });
    assert.deepEqual(by.get(TAR_END_ROW), { name: TAR_END_ROW, kind: "tar-end", entries: 0, bytes: 1024 });
    assert.deepEqual(by.get("/etc/mtab"), { name: "/etc/mtab", kind: "symlink", entries: 1, bytes: 512 });
    assert.equal(rows[0]!.name, "/bin/busybox", "largest first");
    assert.equal(rows.length, 7);
    for (let i = 1; i < rows.length; i++) assert.ok(rows[i - 1]!.bytes >= rows[i]!.bytes);
  });

  test("a file list that does not add up is refused, naming the image and both numbers", () => {
    const fs = rootfs(1000, 2);
    assert.throws(
      () => breakdown(fs.files, fs.size + 512, "out/build.json: minimal linux/amd64"),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message.includes("minimal linux/amd64") &&
        e.message.includes(`accounts for ${fs.size.toLocaleString("en-US")} B`) &&
        e.message.includes(`has ${(fs.size + 512).toLocaleString("en-US")} B`),
    );
  });

  test("matches the real rootfs tar: the tar's length equals the breakdown sum", () => {
    const entries = [
      { type: "dir" as const, path: "bin", mode: 0o755 },
      { type: "file" as const, path: "bin/busybox", mode: 0o755, data: Buffer.alloc(3000, 1) },
      { type: "hardlink" as const, path: "bin/sh", target: "bin/busybox" },
    ];
    const tar = writeTar(entries, { mtime: 0 });
    const files: RootfsFileInfo[] = [
      { path: "bin", type: "dir", size: 0, tarBytes: 512 },
      { path: "bin/busybox", type: "file", size: 3000, tarBytes: padded(3000) },
      { path: "bin/sh", type: "hardlink", size: 0, tarBytes: 512 },
    ];
    assert.equal(
      breakdown(files, tar.length, "t").reduce((n, r) => n + r.bytes, 0),
      tar.length,
    );
  });

  test("topFiles: the 10 largest, with Δ against a baseline breakdown (groups matched by kind, new rows from 0)", () => {
    const rows = (fs: { files: RootfsFileInfo[]; size: number }) => breakdown(fs.files, fs.size, "t");
    const now = rows(rootfs(250_000, 40, [["usr/bin/new", 2_000]]));
    const before = rows(rootfs(200_000, 29));
    const top = topFiles(now, before);
    assert.equal(top.length, 7);
    const by = new Map(top.map((t) => [t.name, t]));
    assert.equal(by.get("/bin/busybox")!.delta, padded(250_000) - padded(200_000));
    assert.equal(by.get("applet links (40)")!.base, 29 * 512);
    assert.equal(by.get("applet links (40)")!.delta, 11 * 512);
    assert.deepEqual([by.get("/usr/bin/new")!.base, by.get("/usr/bin/new")!.delta], [0, padded(2_000)]);
    assert.equal(by.get(TAR_END_ROW)!.delta, 0);
    assert.ok(topFiles(now, undefined).every((t) => t.base === null && t.delta === null));
    assert.equal(topFiles([...now, ...now.map((r) => ({ ...r, name: `${r.name}2` }))], undefined).length, 10);
  });
});

describe("measureBuild", () => {
  const image = (variant: string, platform: Platform, busybox: number, tar = "/nonexistent.tar"): ImageBuild => {
    const fs = rootfs(busybox, 3);
    return {
      variant,
      platform,
      busybox: {
        binary: "",
        size: busybox,
        sha256: "",
        applets: ["sh", "ls", "cat"],
        static: true,
        stripped: true,
        machine: "",
        cache: "hit",
      },
      rootfs: { tar, size: fs.size, sha256: "", files: fs.files },
      services: { started: [], unavailable: [], notes: [] },
      seconds: { busybox: 0, rootfs: 0 },
    };
  };
  const build = (images: ImageBuild[], layouts?: BuildResult["layouts"]): BuildResult =>
    ({ config: CONFIG_FILE, version: "2.1.0", images, ...(layouts ? { layouts } : {}) }) as BuildResult;

  test("compressed bytes come from the layout's layers", async () => {
    const img = image("minimal", "linux/amd64", 10_000);
    const layouts = [
      {
        variant: "minimal",
        manifests: [{ platform: "linux/amd64", layers: [{ size: 4000 }, { size: 10 }], uncompressedSize: img.rootfs.size }],
      },
    ] as unknown as BuildResult["layouts"];
    const [m] = await measureBuild(build([img], layouts), "build.json");
    assert.deepEqual([m!.uncompressed, m!.compressed, m!.compressedFrom, m!.applets], [img.rootfs.size, 4010, "layer", 3]);
  });

  test("without an image layout, the tar is gzipped as the oci engine would", async () => {
    const tarPath = join(work, "fallback.tar");
    const tar = writeTar([{ type: "file", path: "bin/busybox", mode: 0o755, data: Buffer.alloc(4000, 7) }], { mtime: 0 });
    writeFileSync(tarPath, tar);
    const img = image("minimal", "linux/amd64", 4000, tarPath);
    img.rootfs = {
      ...img.rootfs,
      size: tar.length,
      files: [{ path: "bin/busybox", type: "file", size: 4000, tarBytes: tar.length - 1024 }],
    };
    const [m] = await measureBuild(build([img]), "build.json");
    assert.deepEqual([m!.compressed, m!.compressedFrom], [gzipLayer(tar).size, "gzip"]);
  });

  test("refuses an empty or malformed build.json", async () => {
    await assert.rejects(measureBuild(build([]), "b.json"), /b\.json lists no images/);
    const bad = image("minimal", "linux/amd64", 100);
    (bad as { platform: string }).platform = "linux/s390x";
    await assert.rejects(measureBuild(build([bad]), "b.json"), /images\[0\]\.platform: expected one of linux\/amd64, linux\/arm64/);
    await assert.rejects(measureBuild(build([image("minimal", "linux/amd64", 100)]), "b.json"), /no image layout and its rootfs tar/);
  });
});

describe("the report", () => {
  const measures = [
    measure("minimal", "linux/amd64", 239_616, 123_389),
    measure("minimal", "linux/arm64", 268_800, 137_182),
    measure("standard", "linux/amd64", 536_576, 289_122, 100),
    measure("extended", "linux/amd64", 1_088_512, 599_661, 274),
  ];
  const reportBase: Baseline = {
    kind: "report",
    source: "/reports/2.0.0.json",
    version: "2.0.0",
    images: [
      { ...measure("minimal", "linux/amd64", 200_000, 100_000, 20), reference: undefined } as unknown as BaselineImage,
      { variant: "minimal", platform: "linux/arm64", uncompressed: 268_800, compressed: 137_182, applets: 29 },
    ],
    notes: [],
  };
  const report = makeReport({ config: cfg, build: BUILD, measures, baseline: reportBase, cwd: work });

  test("JSON shape: schemaVersion 1, the build's facts, one entry per image with budget/baseline/delta/status/reasons/topFiles", () => {
    assert.deepEqual(Object.keys(report), [
      "schemaVersion",
      "kind",
      "version",
      "busybox",
      "config",
      "build",
      "baseline",
      "status",
      "images",
      "annotations",
      "notes",
    ]);
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.kind, "kimigayo-size-report");
    assert.deepEqual(report.baseline, {
      kind: "report",
      source: "/reports/2.0.0.json",
      version: "2.0.0",
      metric: "uncompressed",
      notes: [],
    });
    for (const i of report.images) {
      assert.deepEqual(Object.keys(i), [
        "variant",
        "platform",
        "uncompressed",
        "compressed",
        "compressedFrom",
        "applets",
        "zstd",
        "pull",
        "attribution",
        "attributionDelta",
        "budget",
        "baseline",
        "delta",
        "checks",
        "status",
        "reasons",
        "notes",
        "topFiles",
        "breakdown",
      ]);
      assert.equal(
        i.breakdown.reduce((n, r) => n + r.bytes, 0),
        i.uncompressed,
      );
    }
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report, "plain JSON data");
  });

  test("statuses, reasons and notes per image", () => {
    const [minAmd, minArm, std, ext] = report.images;
    // 239,616 vs the 200,000 baseline: +19.8%, over growth 5%; size and compressed within.
    assert.equal(minAmd!.status, "fail");
    assert.deepEqual(
      minAmd!.checks.map((c) => [c.budget, c.ok]),
      [
        ["size", true],
        ["compressed", true],
        ["growth", false],
      ],
    );
    assert.deepEqual(minAmd!.reasons, [
      "size grew by 39\u202f616\u00a0B (19.8\u00a0%) against the baseline (200\u202f000\u00a0B → 239\u202f616\u00a0B), more than the growth budget of 5.0\u00a0%",
    ]);
    assert.equal(minAmd!.delta!.bytes, 39_616);
    assert.equal(minAmd!.delta!.applets, 9);
    assert.ok(minAmd!.topFiles.some((f) => f.name === "/bin/busybox" && f.delta! > 0));
    // arm64: the override allows 275KB; compressed 137,182 is over 130KB.
    assert.equal(minArm!.status, "fail");
    assert.deepEqual(minArm!.reasons, [
      "compressed size 137\u202f182\u00a0B is over the budget of 130\u202f000\u00a0B by 7\u202f182\u00a0B",
    ]);
    assert.equal(minArm!.budget.size, 275_000);
    assert.equal(minArm!.delta!.bytes, 0);
    assert.ok(
      minArm!.topFiles.every((f) => f.delta === null),
      "a baseline image without breakdown gives no per-file Δ",
    );
    // standard: within; no growth budget; the baseline has no standard image.
    assert.equal(std!.status, "pass");
    assert.equal(std!.baseline, null);
    // extended: no budget at all.
    assert.equal(ext!.status, "pass");
    assert.deepEqual(ext!.notes, ["no budget configured (variants.extended.budget)"]);
    assert.equal(report.status, "fail");
  });

  test("one annotation per failed budget, at the budget field's line in the config", () => {
    assert.deepEqual(
      report.annotations.map((a) => [a.file, a.line, a.field, a.variant, a.platform]),
      [
        ["configs/kimigayo.yml", lineOf("growth: 5%"), "variants.minimal.budget.growth", "minimal", "linux/amd64"],
        ["configs/kimigayo.yml", lineOf("compressed: 130KB"), "variants.minimal.budget.compressed", "minimal", "linux/arm64"],
      ],
    );
    assert.equal(
      report.annotations[1]!.message,
      "minimal linux/arm64: compressed size 137\u202f182\u00a0B is over the budget of 130\u202f000\u00a0B by 7\u202f182\u00a0B (variants.minimal.budget.compressed)",
    );
    assert.equal(report.annotations[1]!.level, "error");
    assert.equal(report.annotations[1]!.column, 19);
  });

  test("an override's failure points at the override's line", () => {
    const r = makeReport({ config: cfg, build: BUILD, measures: [measure("minimal", "linux/arm64", 280_000, 100_000)], cwd: work });
    assert.deepEqual(
      r.annotations.map((a) => [a.field, a.line]),
      [["variants.minimal.budget.platforms.linux/arm64.size", lineOf("linux/arm64: { size: 275KB")]],
    );
    assert.equal(r.images[0]!.checks.find((c) => c.budget === "growth")!.ok, null, "no baseline: growth not checked");
    assert.match(r.images[0]!.notes[0]!, /growth budget \(10\u202f000\u00a0B\) not checked: no baseline/);
  });

  test("a baseline that lacks an image says so in the note", () => {
    const r = makeReport({
      config: cfg,
      build: BUILD,
      measures: [measure("minimal", "linux/amd64", 200_000, 100_000)],
      baseline: { ...reportBase, images: [] },
    });
    assert.match(r.images[0]!.notes[0]!, /not checked: the baseline \(\/reports\/2\.0\.0\.json\) has no minimal linux\/amd64 image/);
  });

  test("a built variant the config does not have is a usage error naming both configs", () => {
    assert.throws(
      () => makeReport({ config: cfg, build: { ...BUILD, config: "/other.yml" }, measures: [measure("tiny", "linux/amd64", 1000, 10)] }),
      (e: unknown) => e instanceof UsageError && /variant "tiny" is not in .*kimigayo\.yml.*the build used \/other\.yml/.test(e.message),
    );
  });

  test("annotation paths are relative to the working directory when inside it", () => {
    assert.equal(annotationPath("/repo/configs/kimigayo.yml", "/repo"), "configs/kimigayo.yml");
    assert.equal(annotationPath("/elsewhere/kimigayo.yml", "/repo"), "/elsewhere/kimigayo.yml");
  });

  test("a report reads back as a baseline: same sizes, per-file breakdown kept", () => {
    const parsed = parseSizeReport(JSON.stringify(report), "report");
    assert.equal(parsed.version, "2.1.0");
    assert.deepEqual(
      parsed.images.map((i) => [i.variant, i.platform, i.uncompressed, i.compressed, i.applets]),
      measures.map((m) => [m.variant, m.platform, m.uncompressed, m.compressed, m.applets]),
    );
    const again = makeReport({
      config: cfg,
      build: BUILD,
      measures,
      baseline: { kind: "report", source: "r", images: parsed.images, notes: [] },
    });
    for (const i of again.images) {
      assert.equal(i.delta!.bytes, 0);
      assert.ok(i.topFiles.every((f) => f.delta === 0));
    }
  });
});

describe("markdown", () => {
  const measures = [measure("minimal", "linux/amd64", 239_616, 123_389), measure("minimal", "linux/arm64", 290_000, 125_000)];
  const base: Baseline = {
    kind: "report",
    source: "/r/2.0.0.json",
    version: "2.0.0",
    images: [
      {
        variant: "minimal",
        platform: "linux/amd64",
        uncompressed: 230_000,
        compressed: 120_000,
        applets: 29,
        breakdown: measures[0]!.breakdown,
      },
    ],
    notes: [],
  };
  const report = makeReport({ config: cfg, build: BUILD, measures, baseline: base, cwd: work });
  const md = renderMarkdown(report);
  const lines = md.split("\n");

  test("starts with the hidden marker, then a headline with the verdict and the largest change", () => {
    assert.equal(lines[0], SIZE_CHECK_MARKER);
    assert.equal(SIZE_CHECK_MARKER, "<!-- kimigayo-size-check -->");
    assert.match(lines[1]!, /^### Kimigayo size check: ❌ 1 of 2 images over budget; minimal amd64 \+9\u202f616\u00a0B \(\+4\.2\u00a0%\)$/);
  });

  test("verdict first: the reasons, then one narrow table (image, size, change, ✅/❌), before any details", () => {
    const reason = lines.indexOf(
      "- ❌ **minimal linux/arm64**: size 290\u202f000\u00a0B is over the budget of 275\u202f000\u00a0B by 15\u202f000\u00a0B",
    );
    const head = lines.indexOf("| Image | Size | Change | |");
    assert.ok(reason > 1 && head > reason, md);
    assert.match(lines[head + 1]!, /^\|(:?-+:?\|){4}$/);
    assert.equal(lines[head + 2], "| minimal amd64 | 239\u202f616\u00a0B | +9\u202f616\u00a0B (+4.2\u00a0%) | ✅ |");
    assert.equal(lines[head + 3], "| minimal arm64 | 290\u202f000\u00a0B | — | ❌ |");
    assert.ok(head < md.indexOf("<details>"));
    assert.ok(
      md.includes(
        "- budget: ≤\u00a0250\u202f000\u00a0B · gzip ≤\u00a0130\u202f000\u00a0B · growth ≤\u00a05.0\u00a0%; base 230\u202f000\u00a0B",
      ),
    );
  });

  test("unchanged images are folded under the table", () => {
    const same = { ...base, images: base.images.map((i) => ({ ...i, uncompressed: 239_616 })) };
    const m = renderMarkdown(makeReport({ config: cfg, build: BUILD, measures: [measures[0]!], baseline: same, cwd: work }));
    assert.match(m.split("\n")[1]!, /✅ all 1 image within budget; no size change$/);
    assert.match(
      m,
      /<details>\n<summary>1 unchanged image<\/summary>\n\n\| Image \| Size \| Change \| \|\n[^\n]*\n\| minimal amd64 \| 239\u202f616\u00a0B \| ±0\u00a0B \| ✅ \|\n\n<\/details>/,
    );
  });

  test("a folded <details> per image with its checks and top files; Δ per file with a report baseline", () => {
    assert.equal((md.match(/<details>/g) ?? []).length, 2);
    assert.equal((md.match(/<\/details>/g) ?? []).length, 2);
    assert.ok(md.includes("<summary>✅ <b>minimal linux/amd64</b>: 239\u202f616\u00a0B, gzip 123\u202f389\u00a0B, 29 applets</summary>"));
    assert.ok(md.includes("<summary>❌ <b>minimal linux/arm64</b>"));
    assert.ok(md.includes("| File | Bytes | Δ |"), "Δ column for the image with a report baseline");
    assert.ok(md.includes("| File | Bytes |\n"), "no Δ column without one");
    assert.ok(md.includes("| /bin/busybox |"));
    assert.ok(md.includes("| applet links (29) | 14\u202f848\u00a0B |"));
    assert.match(
      md,
      /- ❌ size 290\u202f000\u00a0B is over the budget of 275\u202f000\u00a0B by 15\u202f000\u00a0B \(`variants\.minimal\.budget\.platforms\.linux\/arm64\.size`, line \d+\)/,
    );
    assert.match(md, /- ➖ growth budget \(10\u202f000\u00a0B\) not checked/);
  });

  test("without a history the chart is skipped with a note; with one, a mermaid xychart per image", () => {
    assert.ok(md.includes("_No size history given (`--history FILE...`)"));
    assert.ok(!md.includes("xychart-beta"));
    const history = [
      {
        source: "b",
        version: "2.0.0",
        images: [{ variant: "minimal", platform: "linux/amd64" as const, uncompressed: 230_000, compressed: 1 }],
      },
      {
        source: "a",
        version: "1.9.0",
        images: [{ variant: "minimal", platform: "linux/amd64" as const, uncompressed: 220_000, compressed: 1 }],
      },
    ];
    const withChart = renderMarkdown(report, history);
    assert.ok(!withChart.includes("_No size history given"));
    assert.equal((withChart.match(/```mermaid\nxychart-beta/g) ?? []).length, 1, "only minimal amd64 has history");
    assert.ok(withChart.includes('  x-axis ["1.9.0", "2.0.0", "this build"]'));
    assert.ok(withChart.includes("  bar [220, 230, 239.6]"));
    assert.ok(withChart.includes("  line [250, 250, 250]"));
    assert.ok(withChart.includes("_No earlier release in the history has minimal linux/arm64._"));
  });

  test("history order: SemVer precedence, one point per version", () => {
    const h = (version: string, source = version) => ({ source, version, images: [] });
    assert.deepEqual(
      orderHistory([h("2.1.0"), h("2.0.0-rc.1"), h("10.0.0"), h("2.0.0"), h("2.1.0", "again")]).map((x) => `${x.version}:${x.source}`),
      ["2.0.0-rc.1:2.0.0-rc.1", "2.0.0:2.0.0", "2.1.0:again", "10.0.0:10.0.0"],
    );
    assert.equal(historyChart(report.images[0]!, []), undefined);
  });

  test("an image baseline says Δ is compressed only", () => {
    const img: Baseline = {
      kind: "image",
      source: "127.0.0.1:5000/kimigayo:2.0.0",
      images: [
        { variant: "minimal", platform: "linux/amd64", uncompressed: null, compressed: 120_000, applets: null, reference: "x@sha256:1" },
      ],
      notes: [],
    };
    const m = renderMarkdown(makeReport({ config: cfg, build: BUILD, measures, baseline: img }));
    assert.match(m, /Baseline: image `127\.0\.0\.1:5000\/kimigayo:2\.0\.0`; the change is in the compressed \(gzip layer\) size only/);
    assert.ok(m.includes("| minimal amd64 | 239\u202f616\u00a0B | gzip +3\u202f389\u00a0B (+2.8\u00a0%) | ✅ |"));
  });

  test("an all-green report", () => {
    const ok = renderMarkdown(makeReport({ config: cfg, build: BUILD, measures: [measures[0]!] }));
    assert.match(ok.split("\n")[1]!, /✅ all 1 image within budget/);
    assert.ok(ok.includes("Baseline: none, so growth budgets and the change per option are not checked"));
    assert.doesNotMatch(ok, /pass `--baseline/, "nothing a contributor cannot do");
  });
});

describe("baseline reports", () => {
  const valid = {
    schemaVersion: 1,
    version: "2.0.0",
    images: [{ variant: "minimal", platform: "linux/amd64", uncompressed: 1, compressed: 1 }],
  };
  const cases: { name: string; text: string; error: RegExp }[] = [
    {
      name: "not JSON",
      text: "{nope",
      error: /^R is not valid JSON \(.*\); expected a report written by `kimigayo size-check --report FILE`$/,
    },
    { name: "a list", text: "[]", error: /expected a size report .*got a list/ },
    { name: "no schemaVersion", text: JSON.stringify({ images: [] }), error: /schemaVersion is missing; expected a report/ },
    {
      name: "a build.json",
      text: JSON.stringify({ images: [{ variant: "minimal", rootfs: {} }] }),
      error: /schemaVersion is missing; this is a build\.json; expected a report/,
    },
    {
      name: "a newer schema",
      text: JSON.stringify({ ...valid, schemaVersion: 2 }),
      error: /schemaVersion 2 is not supported; this kimigayo reads schemaVersion 1/,
    },
    {
      name: "a wrong field type, by path",
      text: JSON.stringify({ ...valid, images: [{ ...valid.images[0], uncompressed: "big" }] }),
      error: /not a valid size report:\n {2}images\[0\]\.uncompressed: .*number/,
    },
    {
      name: "an unknown platform",
      text: JSON.stringify({ ...valid, images: [{ ...valid.images[0], platform: "linux/s390x" }] }),
      error: /images\[0\]\.platform/,
    },
    { name: "no images", text: JSON.stringify({ ...valid, images: [] }), error: /R: lists no images/ },
    {
      name: "an image twice",
      text: JSON.stringify({ ...valid, images: [valid.images[0], valid.images[0]] }),
      error: /images\[1\]: minimal linux\/amd64 is listed twice/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => parseSizeReport(c.text, "R"),
        (e: unknown) => e instanceof UsageError && c.error.test(e.message),
      );
    });
  }

  test("a report for a variant the config does not have: exit 2 with the field path and the known variants", async () => {
    const f = join(work, "tiny.json");
    writeFileSync(f, JSON.stringify({ ...valid, images: [...valid.images, { ...valid.images[0], variant: "tiny" }] }));
    await assert.rejects(
      reportBaseline(f, ["minimal", "standard"]),
      (e: unknown) =>
        e instanceof UsageError &&
        /images\[1\]\.variant "tiny" is not a variant of the config \(variants: minimal, standard\)/.test(e.message),
    );
  });

  test("a missing file, a missing history version", async () => {
    await assert.rejects(reportBaseline(join(work, "nope.json"), ["minimal"]), /baseline report .*nope\.json does not exist/);
    const f = join(work, "noversion.json");
    writeFileSync(f, JSON.stringify({ schemaVersion: 1, images: valid.images }));
    await assert.rejects(readHistory([f]), /history report .*noversion\.json: version is missing/);
  });

  test("--baseline resolution: an existing file is a report, anything else must be an image reference with a tag or digest", async () => {
    const f = join(work, "ok.json");
    writeFileSync(f, JSON.stringify(valid));
    const opts = {
      image: "127.0.0.1:5000/kimigayo",
      variants: [{ name: "minimal", default: true }],
      wanted: [{ variant: "minimal", platform: "linux/amd64" as const }],
    };
    const r = await resolveBaseline(f, opts);
    assert.equal(r.baseline?.kind, "report");
    assert.equal(r.baseline?.images[0]?.uncompressed, 1);
    for (const spec of [join(work, "missing.json"), "missing.json", "127.0.0.1:5000/kimigayo", "Not A Ref"]) {
      await assert.rejects(
        resolveBaseline(spec, opts),
        (e: unknown) => e instanceof UsageError && /does not exist, and .* is not an image reference with a tag or digest/.test(e.message),
        spec,
      );
    }
  });

  test("candidate tags follow the publish tag rules", () => {
    const variants = [
      { name: "minimal", default: false },
      { name: "standard", default: true },
    ];
    const c = (ref: string, v: string) => candidateRefs(parseReference(ref), v, variants);
    assert.deepEqual(c("r.io/k:2.1.0", "minimal"), ["2.1.0-minimal"]);
    assert.deepEqual(c("r.io/k:2.1.0", "standard"), ["2.1.0-standard", "2.1.0"]);
    assert.deepEqual(c("r.io/k:latest", "minimal"), ["minimal"]);
    assert.deepEqual(c("r.io/k:latest", "standard"), ["standard", "latest"]);
    assert.deepEqual(c("r.io/k:2.1.0-minimal", "minimal"), ["2.1.0-minimal"]);
    assert.deepEqual(c("r.io/k:2.1.0-minimal", "standard"), []);
    const digest = `sha256:${"a".repeat(64)}`;
    assert.deepEqual(c(`r.io/k@${digest}`, "minimal"), [digest]);
  });

  test("describeCause lists the causes under a message", () => {
    const err = new Error("get manifest failed", {
      cause: new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }),
    });
    assert.equal(describeCause(err), "get manifest failed (fetch failed: ECONNREFUSED)");
  });
});

describe("attribution in the report", () => {
  const rows = (httpd: number, libbb: number, elf: number): Attribution["rows"] => [
    { name: "shared: libbb", kind: "shared", bytes: libbb, objects: 3 },
    ...(httpd > 0 ? [{ name: "CONFIG_HTTPD", kind: "option" as const, bytes: httpd, objects: 1, applet: "httpd" }] : []),
    { name: "ELF headers, section table and file padding", kind: "elf", bytes: elf, objects: 0 },
  ];
  const attribution = (httpd: number, libbb: number, elf: number): Attribution => {
    const r = rows(httpd, libbb, elf);
    return { binary: r.reduce((n, x) => n + x.bytes, 0), rows: r, unattributed: elf };
  };
  const now = {
    ...measure("standard", "linux/amd64", 536_576, 289_122, 100),
    zstd: 300_000,
    pull: { index: 500, manifest: 400, config: 600, layers: 289_122, gzip: 290_622, zstd: 301_500 },
    attribution: attribution(4_747, 30_224, 2_000),
    notes: ["a measuring note"],
  };
  const before = { ...measure("standard", "linux/amd64", 531_000, 286_000, 99), attribution: attribution(0, 30_000, 2_015) };

  test("against a saved report: contributors largest first, the report's JSON reads back as a baseline", () => {
    const base = makeReport({ config: cfg, build: BUILD, measures: [before], cwd: work });
    const parsed = parseSizeReport(JSON.stringify(base), "baseline report b.json");
    assert.deepEqual(parsed.images[0]!.attribution, { binary: before.attribution.binary, rows: before.attribution.rows });
    const baseline: Baseline = { kind: "report", source: "b.json", images: parsed.images, notes: [] };
    const report = makeReport({ config: cfg, build: BUILD, measures: [now], baseline, cwd: work });
    const [i] = report.images;
    assert.deepEqual(i!.attributionDelta, {
      base: before.attribution.binary,
      delta: now.attribution.binary - before.attribution.binary,
      contributors: [
        { name: "CONFIG_HTTPD", kind: "option", base: 0, bytes: 4_747, delta: 4_747, applet: "httpd" },
        { name: "shared: libbb", kind: "shared", base: 30_000, bytes: 30_224, delta: 224 },
        { name: "ELF headers, section table and file padding", kind: "elf", base: 2_015, bytes: 2_000, delta: -15 },
      ],
      changed: 3,
    });
    assert.equal(i!.zstd, 300_000);
    assert.equal(i!.pull!.gzip, 290_622);
    assert.ok(i!.notes.includes("a measuring note"));

    const md = renderMarkdown(report);
    assert.ok(
      md.includes(
        "- **standard linux/amd64**: /bin/busybox +4\u202f956\u00a0B: `CONFIG_HTTPD` +4\u202f747\u00a0B (new), `shared: libbb` +224\u00a0B, `ELF headers, section table and file padding` −15\u00a0B",
      ),
      md,
    );
    assert.match(md, /<summary>✅ <b>standard linux\/amd64<\/b>: [\d\u202f]+\u00a0B, gzip [\d\u202f]+\u00a0B, zstd 300\u202f000\u00a0B,/);
    assert.ok(
      md.indexOf("Top contributors to the change") < md.indexOf("| Image | Size | Change | |"),
      "the options behind the change come first",
    );
    assert.ok(
      md.includes(
        "- pull linux/amd64: 290\u202f622\u00a0B (index 500\u00a0B + manifest 400\u00a0B + config 600\u00a0B + gzip layer 289\u202f122\u00a0B); with a zstd layer 301\u202f500\u00a0B",
      ),
    );
    assert.ok(md.includes("| `CONFIG_HTTPD` (httpd) | 4\u202f747\u00a0B | +4\u202f747\u00a0B |"), md);
    const text = formatSizeCheck(report);
    assert.match(
      text,
      /top contributors to \/bin\/busybox \+4\u202f956\u00a0B \(standard linux\/amd64\): CONFIG_HTTPD \+4\u202f747\u00a0B, shared: libbb \+224\u00a0B/,
    );
    assert.match(text, /standard +linux\/amd64 .* 300\u202f000\u00a0B +290\u202f622\u00a0B /);
  });

  test("no contributors without an attribution on either side, with a note when the baseline lacks it", () => {
    const old = { ...before, attribution: null };
    const baseline: Baseline = {
      kind: "report",
      source: "old.json",
      images: [{ variant: "standard", platform: "linux/amd64", uncompressed: old.uncompressed, compressed: old.compressed, applets: 99 }],
      notes: [],
    };
    const [i] = makeReport({ config: cfg, build: BUILD, measures: [now], baseline, cwd: work }).images;
    assert.equal(i!.attributionDelta, null);
    assert.ok(i!.notes.some((n) => /baseline report has no attribution/.test(n)));
    const [j] = makeReport({ config: cfg, build: BUILD, measures: [{ ...now, attribution: null }], cwd: work }).images;
    assert.deepEqual([j!.attribution, j!.attributionDelta], [null, null]);
    assert.ok(!renderMarkdown(makeReport({ config: cfg, build: BUILD, measures: [old], cwd: work })).includes("Top contributors"));
  });
});
