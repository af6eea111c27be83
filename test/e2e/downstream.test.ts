/**
 * A downstream repository's config: nothing copied from configs/, only `base: builtin` and what
 * differs (the standard variant plus httpd, its own budget and one file of its own). Built through
 * the CLI from source in a workspace holding only that config and the file it copies, for
 * linux/amd64 and linux/arm64; each image boots to the ready line and serves a page with its
 * httpd; size-check passes against the config's own budget and fails when the budget is made
 * smaller than the image. Bad input (a missing base, an unknown base variant, an applet BusyBox
 * does not have) exits 2 naming the user's file and line before any work.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BuildResult } from "../../src/pipeline/build.js";
import type { SizeReport } from "../../src/size/types.js";
import { bootToReady, READY_LINE } from "../../src/lib/docker.js";
import { needs } from "../support/prerequisites.js";
import { cliAsync, docker, E2E_DIR, loadRootfs, ROOT } from "./fixture.js";

/** The README's downstream example, verbatim (checked below). */
const CONFIG = `# kimigayo.yml: the action's standard variant plus httpd
base: builtin                      # the action's own configs/kimigayo.yml
image: ghcr.io/acme/kimigayo-web
variants:
  web:
    from: standard                 # fragment, services, description and budget of standard
    applets: { add: [httpd] }      # checked against BusyBox 1.38.0's applets
    budget: { size: 700KB }
    files: [{ path: /etc/httpd.conf, src: httpd.conf }]   # from this repository
`;
const HTTPD_CONF = "# served by the e2e test\n.html:text/html\n";
const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;

const need = await needs("dockerd", "binfmt", "musl-amd64", "cross-arm64");

/** A fresh workspace holding only the given files. */
function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(E2E_DIR, "downstream-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("a downstream config of at most 15 lines: standard plus httpd", { skip: need.skip }, () => {
  let ws = "";
  let build: BuildResult;
  const containers: string[] = [];

  before(async () => {
    need.check();
    ws = workspace({ "kimigayo.yml": CONFIG, "httpd.conf": HTTPD_CONF });
    const r = await cliAsync(["build", "--config", "kimigayo.yml", "--platform", PLATFORMS.join(","), "--out", "out", "--json"], {}, ws);
    assert.equal(r.code, 0, `kimigayo build failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
    build = JSON.parse(r.stdout) as BuildResult;
  });
  after(() => {
    for (const n of containers) docker(["rm", "-f", n]);
  });

  it("the config is at most 15 lines and the README shows it verbatim", () => {
    assert.ok(CONFIG.trimEnd().split("\n").length <= 15, `${CONFIG.split("\n").length} lines`);
    assert.ok(
      readFileSync(join(ROOT, "README.md"), "utf8").includes(CONFIG),
      "the README's downstream example differs from the tested config",
    );
  });

  it("builds exactly the variant the config declares, for both platforms, with httpd and the config's file", () => {
    assert.deepEqual(build.images.map((i) => `${i.variant} ${i.platform}`).sort(), ["web linux/amd64", "web linux/arm64"]);
    for (const img of build.images) {
      assert.ok(img.busybox.applets.includes("httpd"), `${img.platform}: httpd in ${img.busybox.applets.join(" ")}`);
      assert.ok(img.busybox.applets.includes("vi"), "standard's applets are kept");
      assert.ok(img.services.started.includes("syslog"), "standard's services list is used");
      assert.ok(img.rootfs.files.some((f) => f.path === "etc/httpd.conf"));
      assert.ok(
        img.rootfs.files.some((f) => f.path === "etc/inittab"),
        "the base's files come along",
      );
    }
  });

  for (const platform of PLATFORMS) {
    it(`boots to the ready line and serves a page with httpd: ${platform}${platform === "linux/arm64" ? " (QEMU)" : ""}`, async () => {
      const img = build.images.find((i) => i.platform === platform)!;
      const arch = platform.split("/")[1]!;
      const tag = `kimigayo-downstream:web-${arch}`;
      loadRootfs(img.rootfs.tar, platform, tag);
      const name = `kimigayo-downstream-${arch}-${process.pid}`;
      containers.push(name);
      const boot = await bootToReady(tag, name, { platform, timeoutMs: 120_000 });
      assert.match(boot.line, READY_LINE);
      assert.equal(boot.services, img.services.started.length);
      console.log(`# ${platform}: ${boot.line} (wall ${Math.round(boot.wallMs)} ms)`);
      const conf = docker(["exec", name, "cat", "/etc/httpd.conf"]);
      assert.equal(conf.stdout, HTTPD_CONF);
      const served = docker(
        [
          "exec",
          name,
          "sh",
          "-c",
          "mkdir -p /www && echo kimigayo-web > /www/index.html && httpd -p 127.0.0.1:8080 -h /www && wget -qO- http://127.0.0.1:8080/index.html",
        ],
        60_000,
      );
      assert.equal(served.code, 0, served.stderr);
      assert.equal(served.stdout.trim(), "kimigayo-web");
      assert.equal(docker(["stop", "-t", "10", name], 30_000).code, 0);
    });
  }

  it("size-check passes against the config's own budget (700KB)", async () => {
    const r = await cliAsync(["size-check", "--config", "kimigayo.yml", "--out", "out", "--json"], {}, ws);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const report = JSON.parse(r.stdout) as SizeReport;
    assert.equal(report.images.length, 2);
    for (const img of report.images) {
      const size = img.checks.find((c) => c.budget === "size")!;
      assert.equal(size.limit, 700_000);
      assert.equal(size.ok, true);
      console.log(`# ${img.platform}: ${size.actual} B of ${size.limit} B`);
    }
  });

  it("size-check fails (exit 1) when the budget is smaller than the image", async () => {
    const small = CONFIG.replace("budget: { size: 700KB }", "budget: { size: 100KB }");
    assert.notEqual(small, CONFIG);
    writeFileSync(join(ws, "small.yml"), small);
    const r = await cliAsync(["size-check", "--config", "small.yml", "--out", "out", "--json"], {}, ws);
    assert.equal(r.code, 1, r.stderr.slice(-3000));
    const report = JSON.parse(r.stdout) as SizeReport;
    for (const img of report.images) assert.equal(img.checks.find((c) => c.budget === "size")?.ok, false);
  });
});

describe("downstream bad input: exit 2 naming the user's file and line, before any work", () => {
  const cases = [
    {
      name: "a base that does not exist",
      edit: ["base: builtin  ", "base: ../shared/kimigayo.yml"],
      line: 2,
      message: /base config "\.\.\/shared\/kimigayo\.yml" does not exist/,
    },
    {
      name: "a variant derived from an unknown base variant",
      edit: ["from: standard  ", "from: standart  "],
      line: 6,
      message: /"standart" is not a variant of the base config .*allowed: minimal, standard, extended/,
    },
    {
      name: "an applet BusyBox does not have",
      edit: ["add: [httpd]", "add: [htttpd]"],
      line: 7,
      message: /"htttpd" is not an applet of BusyBox 1\.38\.0; did you mean httpd/,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const [from, to] = c.edit as [string, string];
      assert.ok(CONFIG.includes(from));
      const ws = workspace({ "kimigayo.yml": CONFIG.replace(from, to), "httpd.conf": HTTPD_CONF });
      const r = await cliAsync(["build", "--config", "kimigayo.yml", "--platform", "linux/amd64", "--out", "out"], {}, ws);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(`${join(ws, "kimigayo.yml")}:${c.line}:`), r.stderr);
      assert.match(r.stderr, c.message);
      assert.doesNotMatch(r.stderr, /compiling/i, "no stage ran");
      assert.equal(existsSync(join(ws, "out", "build.json")), false);
    });
  }
});
