/**
 * size-check on real builds: the six images of buildAll(), one extra build of minimal with more
 * applets (a fresh cache, so it really compiles), report and image baselines against the real
 * registry on 127.0.0.1:5000, and the bad inputs that exit 2.
 */
import assert from "node:assert/strict";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { COMMANDS } from "../../src/cli/commands.js";
import { main } from "../../src/cli/main.js";
import { sizeCheckCommand } from "../../src/cli/size-check.js";
import type { BuildResult } from "../../src/pipeline/build.js";
import type { SizeReport } from "../../src/size/types.js";
import { sourceCachePath } from "../../src/build/source.js";
import { buildAll, cli, E2E_DIR, ROOT } from "./fixture.js";

const SHA = "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2";
const REGISTRY = "127.0.0.1:5000";
const BUDGET = "budget: { size: 250KB, platforms: { linux/arm64: { size: 275KB } } }";
const run = `size-${process.pid}-${Date.now().toString(36)}`;

let work: string;
let tarball: string;
let build: BuildResult;
let grown: BuildResult;
const OUT = join(E2E_DIR, "out");
let grownOut: string;
let reportA: string;

function memory(): { stream: Writable; text: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}

/** size-check in this process (the command is registered here; main.ts registers it for the real CLI). */
async function sizeCheck(args: string[]): Promise<{ code: number; stdout: string; stderr: string; report?: SizeReport }> {
  const out = memory();
  const err = memory();
  const code = await main(["size-check", ...args], { stdout: out.stream, stderr: err.stream });
  const stdout = out.text();
  return {
    code,
    stdout,
    stderr: err.text(),
    ...(args.includes("--json") && stdout.trim() ? { report: JSON.parse(stdout) as SizeReport } : {}),
  };
}

/** A copy of configs/ (source from the local tarball) whose kimigayo.yml is edited by `edit`. */
function project(name: string, edit: (yml: string) => string = (y) => y): string {
  const dir = join(work, name);
  cpSync(join(ROOT, "configs"), dir, { recursive: true });
  const yml = readFileSync(join(dir, "kimigayo.yml"), "utf8").replace(/urls:\n(\s+- .*\n)+/, `urls:\n    - ${tarball}\n`);
  assert.ok(yml.includes(BUDGET), "configs/kimigayo.yml has the minimal budget this test edits");
  writeFileSync(join(dir, "kimigayo.yml"), edit(yml));
  return join(dir, "kimigayo.yml");
}

const lineOf = (file: string, s: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(s)) + 1;

/**
 * configs/kimigayo.yml gives minimal 250KB; minimal linux/arm64 measures 268,800 B, so the
 * product config fails as it stands. The "all within budget" runs give arm64 its own budget.
 */
const ARM64_OVERRIDE = "budget: { size: 250KB, platforms: { linux/arm64: { size: 275KB } } }";

describe("size-check on real builds", () => {
  before(() => {
    if (!COMMANDS.includes(sizeCheckCommand)) COMMANDS.push(sizeCheckCommand);
    work = mkdtempSync(join(tmpdir(), "kimigayo-size-"));
    tarball = sourceCachePath(SHA);
    assert.ok(existsSync(tarball), `the BusyBox source is not cached at ${tarball}: run \`kimigayo doctor --fix\` first`);
    build = buildAll();
    reportA = join(work, "report-a.json");

    // One extra build: minimal with vi, awk, sed, grep and find, amd64 only, in a fresh cache.
    const cfg = project("grown");
    const fragment = join(work, "grown", "busybox", "minimal.config");
    writeFileSync(
      fragment,
      `${readFileSync(fragment, "utf8")}${readFileSync(join(ROOT, "test/fixtures/size/minimal-grown.config"), "utf8")}`,
    );
    const cache = join(work, "cache");
    const src = sourceCachePath(SHA, cache);
    mkdirSync(dirname(src), { recursive: true });
    copyFileSync(tarball, src);
    grownOut = join(work, "out-grown");
    const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64", "--out", grownOut, "--json"], {
      KIMIGAYO_CACHE: cache,
    });
    assert.equal(r.code, 0, r.stderr.slice(-4000));
    grown = JSON.parse(r.stdout) as BuildResult;
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("(a) the six images of the real build: exit 0, all ✅, sizes from build.json, breakdowns sum exactly", async (t) => {
    const cfg = project("a", (y) => y.replace(BUDGET, ARM64_OVERRIDE));
    const md = join(work, "a.md");
    const r = await sizeCheck(["--config", cfg, "--out", OUT, "--json", "--report", reportA, "--markdown", md]);
    assert.equal(r.code, 0, r.stderr);
    const report = r.report!;
    assert.equal(report.status, "pass");
    assert.equal(report.images.length, 6);
    for (const i of report.images) {
      const b = build.images.find((x) => x.variant === i.variant && x.platform === i.platform)!;
      const m = build.layouts!.find((l) => l.variant === i.variant)!.manifests.find((x) => x.platform === i.platform)!;
      assert.equal(i.status, "pass", `${i.variant} ${i.platform}: ${i.reasons.join("; ")}`);
      assert.equal(i.uncompressed, b.rootfs.size);
      assert.equal(
        i.compressed,
        m.layers.reduce((n, l) => n + l.size, 0),
      );
      assert.equal(i.compressedFrom, "layer");
      assert.equal(i.applets, b.busybox.applets.length);
      assert.equal(
        i.breakdown.reduce((n, x) => n + x.bytes, 0),
        b.rootfs.size,
        "the breakdown sums exactly to the layer tar",
      );
      assert.equal(i.topFiles[0]!.name, "/bin/busybox");
      const links = b.rootfs.files.filter((f) => f.type === "hardlink").length;
      assert.ok(i.breakdown.some((x) => x.kind === "applet-links" && x.entries === links && x.name === `applet links (${links})`));
      assert.ok(i.breakdown.some((x) => x.name === "tar end marker" && x.bytes === 1024));
      // zstd of the same tar, and what a pull of this platform downloads.
      assert.ok(i.zstd !== null && i.zstd > 0 && i.zstd < i.uncompressed, `zstd ${i.zstd}`);
      const layout = build.layouts!.find((l) => l.variant === i.variant)!;
      const configBlob = statSync(join(layout.layout, "blobs", ...m.config.split(":"))).size;
      assert.deepEqual(i.pull, {
        index: layout.index.size,
        manifest: m.size,
        config: configBlob,
        layers: i.compressed,
        gzip: layout.index.size + m.size + configBlob + i.compressed,
        zstd: layout.index.size + m.size + configBlob + i.zstd,
      });
      // Attribution: the rows sum to /bin/busybox, the shell is an option of its own, and the
      // bytes no object file owns are a small part.
      const a = i.attribution!;
      assert.ok(a, `${i.variant} ${i.platform}: ${i.notes.join("; ")}`);
      assert.equal(a.binary, b.busybox.size);
      assert.equal(
        a.rows.reduce((n, r) => n + r.bytes, 0),
        b.busybox.size,
      );
      assert.ok(a.rows.some((r) => r.name === "CONFIG_SHELL_ASH" && r.kind === "option" && r.bytes > 10_000));
      assert.ok(a.unattributed < b.busybox.size * 0.05, `${a.unattributed} B unattributed`);
      assert.equal(i.attributionDelta, null, "no baseline, no contributors");
    }
    for (const i of report.images)
      t.diagnostic(`${i.variant} ${i.platform}: ${i.uncompressed} B, gzip ${i.compressed} B, ${i.applets} applets`);
    const arm = report.images.find((i) => i.variant === "minimal" && i.platform === "linux/arm64")!;
    assert.equal(arm.budget.size, 275_000, "the per-platform override");
    const text = readFileSync(md, "utf8");
    assert.ok(text.startsWith("<!-- kimigayo-size-check -->\n### Kimigayo size check: ✅ all 6 images within budget"));
    assert.equal((text.match(/<details>/g) ?? []).length, 6);
    assert.match(r.stderr, /✅ all 6 image\(s\) within budget/);
  });

  it("(b) minimal with more applets is over its 250KB budget: exit 1, ❌, the annotation at the budget's line", async (t) => {
    const image = grown.images[0]!;
    t.diagnostic(
      `grown minimal linux/amd64: ${image.rootfs.size} B, busybox ${image.busybox.size} B, ${image.busybox.applets.length} applets`,
    );
    assert.ok(image.rootfs.size > 250_000, `grown minimal is ${image.rootfs.size} B`);
    const cfg = project("b");
    const r = await sizeCheck(["--config", cfg, "--out", grownOut, "--json", "--markdown", join(work, "b.md")]);
    assert.equal(r.code, 1, r.stderr);
    const [i] = r.report!.images;
    assert.equal(i!.status, "fail");
    assert.equal(i!.uncompressed, image.rootfs.size);
    assert.match(i!.reasons[0]!, /^size [\d\u202f]+\u00a0B is over the budget of 250\u202f000\u00a0B by [\d\u202f]+\u00a0B$/);
    const line = lineOf(cfg, BUDGET);
    assert.deepEqual(
      r.report!.annotations.map((a) => [a.file, a.line, a.field]),
      [[cfg, line, "variants.minimal.budget.size"]],
    );
    assert.match(r.stderr, new RegExp(`error: ${cfg.replace(/[.]/g, "\\.")}:${line}: minimal linux/amd64: size`));
    assert.match(r.stderr, /error: size-check: 1 of 1 image\(s\) over budget: minimal linux\/amd64/);
    const md = readFileSync(join(work, "b.md"), "utf8");
    assert.match(md, /\| minimal amd64 \| .* \| ❌ \|/);
  });

  it("(c) the same build with a generous budget: exit 0", async () => {
    const cfg = project("c", (y) => y.replace(BUDGET, "budget: { size: 400KB, compressed: 250KB }"));
    const r = await sizeCheck(["--config", cfg, "--out", grownOut, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.report!.images[0]!.status, "pass");
  });

  it("report baseline: the grown minimal against report A: Δ > 0 per image, per file and per option, and the growth budget trips", async (t) => {
    assert.ok(existsSync(reportA), "(a) wrote report A");
    const cfg = project("growth", (y) => y.replace(BUDGET, "budget: { size: 400KB, growth: 5% }"));
    const r = await sizeCheck(["--config", cfg, "--out", grownOut, "--baseline", reportA, "--json", "--markdown", join(work, "growth.md")]);
    assert.equal(r.code, 1, r.stderr);
    const [i] = r.report!.images;
    const before = build.images.find((x) => x.variant === "minimal" && x.platform === "linux/amd64")!;
    assert.equal(r.report!.baseline!.kind, "report");
    assert.equal(i!.delta!.metric, "uncompressed");
    assert.equal(i!.delta!.base, before.rootfs.size);
    assert.equal(i!.delta!.bytes, grown.images[0]!.rootfs.size - before.rootfs.size);
    assert.ok(i!.delta!.bytes > 0);
    assert.ok(i!.delta!.applets! > 0, "more applets");
    assert.deepEqual(
      i!.checks.map((c) => [c.budget, c.ok]),
      [
        ["size", true],
        ["growth", false],
      ],
    );
    assert.match(
      i!.reasons[0]!,
      /^size grew by [\d\u202f]+\u00a0B \([\d.]+\u00a0%\) against the baseline .* more than the growth budget of 5.0\u00a0%$/,
    );
    assert.deepEqual(
      r.report!.annotations.map((a) => [a.line, a.field]),
      [[lineOf(cfg, "growth: 5%"), "variants.minimal.budget.growth"]],
    );
    const bb = i!.topFiles.find((f) => f.name === "/bin/busybox")!;
    assert.ok(bb.delta! > 0);
    assert.ok(i!.topFiles.find((f) => f.kind === "applet-links")!.delta! > 0);
    assert.ok(readFileSync(join(work, "growth.md"), "utf8").includes("| File | Bytes | Δ |"));
    // The change by option: each added applet's option is new and grows; code they share with
    // each other or with the rest (musl's regex for sed, grep and awk) is a shared row.
    const added = ["CONFIG_VI", "CONFIG_AWK", "CONFIG_SED", "CONFIG_GREP", "CONFIG_FIND"];
    const d = i!.attributionDelta!;
    assert.ok(d, i!.notes.join("; "));
    t.diagnostic(`busybox ${d.delta} B: ${d.contributors.map((c) => `${c.name} ${c.delta}`).join(", ")}`);
    assert.equal(d.delta, grown.images[0]!.busybox.size - before.busybox.size);
    const top = d.contributors[0]!;
    assert.ok(added.includes(top.name) || top.kind === "shared", `top contributor ${top.name}`);
    for (const name of added) {
      const c = d.contributors.find((x) => x.name === name);
      assert.ok(c && c.base === 0 && c.delta > 0, `${name}: ${JSON.stringify(c)}`);
    }
    assert.match(
      r.stderr,
      /top contributors to \/bin\/busybox \+[\d\u202f]+\u00a0B \(minimal linux\/amd64\): .*CONFIG_AWK \+[\d\u202f]+\u00a0B/,
    );
    assert.match(
      readFileSync(join(work, "growth.md"), "utf8"),
      /- \*\*minimal linux\/amd64\*\*: \/bin\/busybox \+[\d\u202f]+\u00a0B: .*`CONFIG_AWK` \+[\d\u202f]+\u00a0B \(new\)/,
    );
  });

  describe("image baselines from the real registry", () => {
    const repo = `${run}/kimigayo`;
    const image = `${REGISTRY}/${repo}`;
    before(() => {
      const r = cli(["publish", "--out", OUT, "--image", image, "--version", "2.1.0", "--json"]);
      assert.equal(r.code, 0, r.stderr);
    });

    it("the published 2.1.0: every image found by its tag, compressed Δ 0, uncompressed not compared", async () => {
      const cfg = project("img", (y) => y.replace(BUDGET, ARM64_OVERRIDE));
      const r = await sizeCheck([
        "--config",
        cfg,
        "--out",
        OUT,
        "--baseline",
        `${image}:2.1.0`,
        "--json",
        "--markdown",
        join(work, "img.md"),
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.report!.baseline!.kind, "image");
      assert.equal(r.report!.baseline!.metric, "compressed");
      assert.equal(r.report!.baseline!.version, "2.1.0");
      for (const i of r.report!.images) {
        assert.equal(i.baseline!.uncompressed, null);
        assert.equal(i.baseline!.compressed, i.compressed);
        assert.match(i.baseline!.reference!, new RegExp(`^${image.replace(/[.]/g, "\\.")}@sha256:[0-9a-f]{64}$`));
        assert.deepEqual([i.delta!.metric, i.delta!.bytes], ["compressed", 0]);
      }
      assert.match(readFileSync(join(work, "img.md"), "utf8"), /the change is in the compressed \(gzip layer\) size only/);
    });

    it("last-release finds 2.1.0 (the highest X.Y.Z tag) of the config's image; the grown build's gzip Δ is > 0", async () => {
      const cfg = project("last", (y) =>
        y.replace(/^image: .*$/m, `image: ${image}`).replace(BUDGET, "budget: { size: 400KB, growth: 10KB }"),
      );
      const r = await sizeCheck(["--config", cfg, "--out", grownOut, "--baseline", "last-release", "--json"]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.report!.baseline!.source, `${image}:2.1.0 (last-release)`);
      const [i] = r.report!.images;
      assert.equal(i!.delta!.metric, "compressed");
      assert.ok(i!.delta!.bytes > 10_000, `gzip Δ ${i!.delta!.bytes}`);
      assert.match(i!.reasons[0]!, /^compressed size grew by/);
    });

    it("last-release of an image with no release yet: a note, growth not checked, exit 0", async () => {
      const cfg = project("norelease", (y) =>
        y.replace(/^image: .*$/m, `image: ${REGISTRY}/${run}/never-published`).replace(BUDGET, ARM64_OVERRIDE),
      );
      const r = await sizeCheck(["--config", cfg, "--out", OUT, "--baseline", "last-release", "--json"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.report!.baseline, null);
      assert.match(r.report!.notes[0]!, /no release yet: .*never-published does not exist in the registry \(404 NAME_UNKNOWN\)/);
    });
  });

  describe("(d) bad input: exit 2 with the field path or the cause", () => {
    it("a bad budget in the config: the field path and line", async () => {
      const cfg = project("badbudget", (y) => y.replace(BUDGET, "budget: { size: 250KB, growth: lots }"));
      const r = await sizeCheck(["--config", cfg, "--out", OUT]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`kimigayo\\.yml:${lineOf(cfg, "growth: lots")}:\\d+: variants\\.minimal\\.budget\\.growth`));
      assert.match(r.stderr, /"lots"/);
    });

    it("a missing baseline file", async () => {
      const r = await sizeCheck(["--config", project("nofile"), "--out", OUT, "--baseline", join(work, "missing.json")]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /baseline file .*missing\.json does not exist/);
    });

    it("an unreachable baseline image", async () => {
      const r = await sizeCheck(["--config", project("unreachable"), "--out", OUT, "--baseline", "127.0.0.1:9/x:1"]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(
        r.stderr,
        /baseline image 127\.0\.0\.1:9\/x:1: cannot read it from 127\.0\.0\.1:9 \(tried 127\.0\.0\.1:9\/x:1-minimal\)/,
      );
    });

    it("a baseline image that does not exist: each tag tried", async () => {
      const r = await sizeCheck(["--config", project("unknown"), "--out", OUT, "--baseline", `${REGISTRY}/${run}/nothing:9.9.9`]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /not found for any measured image: no baseline image for minimal \(tried .*nothing:9\.9\.9-minimal\)/);
      assert.match(r.stderr, /nothing:9\.9\.9-standard, .*nothing:9\.9\.9\)/);
    });

    it("a report for a variant that does not exist", async () => {
      assert.ok(existsSync(reportA));
      const report = JSON.parse(readFileSync(reportA, "utf8")) as SizeReport;
      report.images[2]!.variant = "tiny";
      const f = join(work, "tiny.json");
      writeFileSync(f, JSON.stringify(report));
      const r = await sizeCheck(["--config", project("tiny"), "--out", OUT, "--baseline", f]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /images\[2\]\.variant "tiny" is not a variant of the config \(variants: minimal, standard, extended\)/);
    });
  });
});
