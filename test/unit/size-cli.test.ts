/**
 * `kimigayo size-check` through main(), on a synthetic build.json: exit codes, the --json
 * report, --report/--markdown files, a report baseline and the annotation lines on stderr.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "../../src/cli/commands.js";
import { cliInProcess } from "../support/cli.js";
import { sizeCheckCommand } from "../../src/cli/size-check.js";
import type { BuildResult, ImageBuild } from "../../src/results/build.js";
import type { RootfsFileInfo } from "../../src/build/rootfs.js";
import type { SizeReport } from "../../src/size/types.js";

const CONFIGS = fileURLToPath(new URL("../../configs/", import.meta.url));
let work: string;

const cli = cliInProcess;

/** A build.json with minimal amd64 (busybox `amd64` B) and arm64, with image layouts. */
function writeBuild(dir: string, amd64: number, arm64: number, applets = 29): string {
  const image = (platform: "linux/amd64" | "linux/arm64", busybox: number): ImageBuild => {
    const files: RootfsFileInfo[] = [
      { path: "bin", type: "dir", size: 0, tarBytes: 512 },
      { path: "bin/busybox", type: "file", size: busybox, tarBytes: 512 + Math.ceil(busybox / 512) * 512 },
      ...Array.from({ length: applets }, (_, i): RootfsFileInfo => ({ path: `bin/a${i}`, type: "hardlink", size: 0, tarBytes: 512 })),
    ];
    const size = files.reduce((n, f) => n + f.tarBytes, 1024);
    return {
      variant: "minimal",
      platform,
      busybox: {
        binary: "",
        size: busybox,
        sha256: "",
        applets: files.slice(2).map((f) => f.path),
        static: true,
        stripped: true,
        machine: "",
        cache: "hit",
      },
      rootfs: { tar: join(dir, "none.tar"), size, sha256: "", files },
      services: { started: [], unavailable: [], notes: [] },
      seconds: { busybox: 0, rootfs: 0 },
    };
  };
  const images = [image("linux/amd64", amd64), image("linux/arm64", arm64)];
  const build = {
    config: join(CONFIGS, "kimigayo.yml"),
    version: "2.1.0",
    sourceDateEpoch: 0,
    busybox: { version: "1.38.0", sha256: "", source: { cache: "hit", signature: "none" } },
    out: dir,
    images,
    layouts: [
      {
        variant: "minimal",
        engine: "oci",
        layout: "",
        ref: "2.1.0",
        index: { digest: "", size: 0 },
        manifests: images.map((i) => ({
          platform: i.platform,
          digest: "",
          size: 0,
          config: "",
          layers: [{ digest: "", size: Math.round(i.rootfs.size * 0.51), diffId: "" }],
          uncompressedSize: i.rootfs.size,
        })),
        seconds: 0,
      },
    ],
    seconds: { source: 0, total: 0 },
  } as unknown as BuildResult;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "build.json"), JSON.stringify(build));
  return dir;
}

/** A copy of configs/ whose minimal budget is `budget` (YAML text). */
function writeConfig(name: string, budget: string): string {
  const dir = join(work, name, "configs");
  cpSync(CONFIGS, dir, { recursive: true });
  const file = join(dir, "kimigayo.yml");
  const text = readFileSync(file, "utf8");
  // The minimal variant's budget line (the first budget in the file).
  const line = /^ {4}budget: \{ size: 250KB.*\}$/m;
  assert.match(text, line);
  writeFileSync(file, text.replace(line, `    ${budget}`));
  return file;
}

const lineOf = (file: string, s: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(s)) + 1;

describe("kimigayo size-check (CLI)", () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "kimigayo-size-cli-"));
    if (!COMMANDS.includes(sizeCheckCommand)) COMMANDS.push(sizeCheckCommand);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test("--help prints the usage", async () => {
    const r = await cli(["size-check", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, /usage: kimigayo size-check \[--baseline FILE\|IMAGE\|last-release\|last-release-report\]/);
  });

  test("an unknown flag and a missing build.json exit 2", async () => {
    const a = await cli(["size-check", "--bogus"]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /size-check: Unknown option '--bogus'/);
    const b = await cli(["size-check", "--out", join(work, "empty")]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /no build result at .*empty\/build\.json: run `kimigayo build` first/);
  });

  test("within budget: exit 0, --json report on stdout, --report and --markdown files", async () => {
    const out = writeBuild(join(work, "ok"), 200_000, 220_000);
    const cfg = writeConfig("ok", "budget: { size: 250KB }");
    const reportFile = join(work, "ok", "report.json");
    const md = join(work, "ok", "size.md");
    const r = await cli(["size-check", "--config", cfg, "--out", out, "--json", "--report", reportFile, "--markdown", md]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as SizeReport;
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.status, "pass");
    assert.deepEqual(
      report.images.map((i) => [i.platform, i.status]),
      [
        ["linux/amd64", "pass"],
        ["linux/arm64", "pass"],
      ],
    );
    assert.deepEqual(JSON.parse(readFileSync(reportFile, "utf8")), report);
    assert.ok(readFileSync(md, "utf8").startsWith("<!-- kimigayo-size-check -->\n"));
    assert.match(r.stderr, /variant +platform +size +gzip +zstd +pull +applets +base +Δ +budget +status/);
    assert.match(r.stderr, /✅ all 2 image\(s\) within budget/);
  });

  test("over budget: exit 1 with ❌, the reason, and the budget line of the config", async () => {
    const out = writeBuild(join(work, "over"), 200_000, 260_000);
    const cfg = writeConfig("over", "budget: { size: 250KB }");
    const r = await cli(["size-check", "--config", cfg, "--out", out, "--json"]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as SizeReport;
    assert.deepEqual(
      report.images.map((i) => i.status),
      ["pass", "fail"],
    );
    const line = lineOf(cfg, "budget: { size: 250KB }");
    assert.deepEqual(
      report.annotations.map((a) => [a.line, a.field]),
      [[line, "variants.minimal.budget.size"]],
    );
    assert.match(
      r.stderr,
      new RegExp(
        `error: .*kimigayo\\.yml:${line}: minimal linux/arm64: size [\\d\u202f]+\u00a0B is over the budget of 250\u202f000\u00a0B`,
      ),
    );
    assert.match(r.stderr, /error: size-check: 1 of 2 image\(s\) over budget: minimal linux\/arm64/);
  });

  test("a per-platform override: the annotation points at the override", async () => {
    const out = writeBuild(join(work, "override"), 200_000, 260_000);
    const cfg = writeConfig("override", "budget:\n      size: 250KB\n      platforms:\n        linux/arm64: { size: 255KB }");
    const r = await cli(["size-check", "--config", cfg, "--out", out, "--json"]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as SizeReport;
    assert.equal(report.images[1]!.budget.size, 255_000);
    assert.deepEqual(
      report.annotations.map((a) => [a.line, a.field]),
      [[lineOf(cfg, "linux/arm64: { size: 255KB }"), "variants.minimal.budget.platforms.linux/arm64.size"]],
    );
  });

  test("a report baseline: Δ per image and per file, and a growth budget that trips", async () => {
    const before = writeBuild(join(work, "before"), 200_000, 220_000);
    const cfg = writeConfig("growth", "budget: { size: 400KB, growth: 5% }");
    const base = join(work, "before", "report.json");
    assert.equal((await cli(["size-check", "--config", cfg, "--out", before, "--report", base])).code, 0);
    const grown = writeBuild(join(work, "grown"), 230_000, 221_000, 35);
    const r = await cli([
      "size-check",
      "--config",
      cfg,
      "--out",
      grown,
      "--baseline",
      base,
      "--json",
      "--markdown",
      join(work, "grown.md"),
    ]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as SizeReport;
    assert.equal(report.baseline?.kind, "report");
    const [amd, arm] = report.images;
    assert.ok(amd!.delta!.bytes > 0);
    assert.equal(amd!.delta!.applets, 6);
    assert.equal(amd!.status, "fail");
    assert.match(
      amd!.reasons[0]!,
      /^size grew by [\d\u202f]+\u00a0B \(1\d\.\d\u00a0%\) against the baseline .* more than the growth budget of 5\.0\u00a0%$/,
    );
    assert.equal(arm!.status, "pass", "+1\u202f024\u00a0B is within 5%");
    assert.equal(amd!.topFiles.find((f) => f.name === "/bin/busybox")!.delta, 30_208);
    assert.equal(amd!.topFiles.find((f) => f.kind === "applet-links")!.delta, 6 * 512);
    const md = readFileSync(join(work, "grown.md"), "utf8");
    assert.ok(md.includes("| /bin/busybox | 230\u202f912\u00a0B | +30\u202f208\u00a0B |"));
  });

  test("bad baselines exit 2 with the cause", async () => {
    const out = writeBuild(join(work, "bad"), 200_000, 220_000);
    const cfg = writeConfig("bad", "budget: { size: 250KB }");
    const notJson = join(work, "bad", "x.json");
    writeFileSync(notJson, "{");
    const cases: [string, RegExp][] = [
      [join(work, "bad", "missing.json"), /baseline file .*missing\.json does not exist/],
      [notJson, /baseline report .*x\.json is not valid JSON/],
      ["127.0.0.1:9/x:1", /baseline image 127\.0\.0\.1:9\/x:1: cannot read it from 127\.0\.0\.1:9 \(tried 127\.0\.0\.1:9\/x:1-minimal\)/],
    ];
    for (const [baseline, error] of cases) {
      const r = await cli(["size-check", "--config", cfg, "--out", out, "--baseline", baseline]);
      assert.equal(r.code, 2, `${baseline}: ${r.stderr}`);
      assert.match(r.stderr, error);
    }
  });
});
