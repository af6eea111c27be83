/**
 * End to end: the real CLI builds every variant for linux/amd64 and linux/arm64 with the real
 * cross toolchains, then the binaries are checked by their ELF headers, run under QEMU, and each
 * rootfs boots under Docker to the ready line.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { checkBinary, readElfFile } from "../../src/lib/elf.js";
import { sha256 } from "../../src/lib/hash.js";
import { readTar } from "../../src/lib/tar.js";
import type { BuildResult } from "../../src/pipeline/build.js";
import { buildAll, cli, docker, E2E_DIR, loadRootfs } from "./fixture.js";
import { bootToReady, READY_LINE } from "../../src/lib/docker.js";

const BUDGETS_AMD64: Record<string, number> = { minimal: 250_000, standard: 600_000, extended: 1_300_000 };

const APPLETS: Record<string, string[]> = {
  minimal: ["sh", "init", "ls", "cat", "cp", "mv", "rm", "mkdir", "ln", "chmod", "ps", "kill", "sleep", "uname", "mdev", "sysctl"],
  standard: [
    ...["ip", "ifconfig", "udhcpc", "ping", "wget", "nc", "syslogd", "klogd", "crond", "ps", "top", "tar", "gzip", "vi"],
    ...["awk", "sed", "grep", "find", "sort", "mount", "umount"],
  ],
  extended: ["ip", "wget", "httpd", "less", "xargs", "bzip2", "xz", "cpio", "unzip", "netstat", "traceroute", "nslookup", "diff", "patch"],
};

let result: BuildResult;

describe("kimigayo build: all variants, linux/amd64 and linux/arm64", () => {
  before(() => {
    result = buildAll();
  });

  it("builds six images", () => {
    const got = result.images.map((i) => `${i.variant} ${i.platform}`).sort();
    assert.deepEqual(got, [
      "extended linux/amd64",
      "extended linux/arm64",
      "minimal linux/amd64",
      "minimal linux/arm64",
      "standard linux/amd64",
      "standard linux/arm64",
    ]);
  });

  it("every BusyBox passes the ELF static check for its platform (read in TypeScript)", async () => {
    for (const i of result.images) {
      const elf = await readElfFile(i.busybox.binary);
      assert.deepEqual(checkBinary(elf, i.platform), [], `${i.variant} ${i.platform}`);
      assert.equal(elf.isStatic, true);
      assert.equal(elf.interpreter, undefined);
      assert.deepEqual(elf.needed, []);
      assert.equal(elf.stripped, true, `${i.variant} ${i.platform} is stripped`);
      assert.equal(elf.machineName, i.platform === "linux/amd64" ? "x86-64" : "AArch64");
      assert.equal(i.busybox.size, readFileSync(i.busybox.binary).length);
    }
  });

  it("uncompressed amd64 rootfs sizes are within the budgets", () => {
    for (const i of result.images.filter((x) => x.platform === "linux/amd64")) {
      const budget = BUDGETS_AMD64[i.variant]!;
      assert.ok(i.rootfs.size <= budget, `${i.variant}: ${i.rootfs.size} B > ${budget} B`);
      assert.equal(i.rootfs.size, readFileSync(i.rootfs.tar).length);
    }
  });

  it("variants get the applets they promise, and each variant is a superset of the one before", () => {
    const by = (v: string, p = "linux/amd64") => new Set(result.images.find((i) => i.variant === v && i.platform === p)!.busybox.applets);
    for (const [v, list] of Object.entries(APPLETS)) {
      const have = by(v);
      const missing = list.filter((a) => !have.has(a));
      assert.deepEqual(missing, [], `${v} lacks ${missing.join(", ")}`);
    }
    const minimal = by("minimal");
    const standard = by("standard");
    const extended = by("extended");
    assert.deepEqual(
      [...minimal].filter((a) => !standard.has(a)),
      [],
      "minimal ⊆ standard",
    );
    assert.deepEqual(
      [...standard].filter((a) => !extended.has(a)),
      [],
      "standard ⊆ extended",
    );
    assert.ok(minimal.size < standard.size && standard.size < extended.size);
    for (const v of ["minimal", "standard", "extended"]) assert.deepEqual(by(v, "linux/arm64"), by(v), `${v}: same applets on arm64`);
  });

  it("the rootfs holds busybox, applet links, /etc from configs and the mount points", () => {
    const std = result.images.find((i) => i.variant === "standard" && i.platform === "linux/amd64")!;
    const entries = readTar(readFileSync(std.rootfs.tar));
    const byPath = new Map(entries.map((e) => [e.path, e]));
    for (const d of ["dev", "proc", "sys", "run", "tmp", "var/log"]) assert.equal(byPath.get(d)?.type, "dir", d);
    assert.equal((byPath.get("tmp") as { mode: number }).mode, 0o1777);
    const ls = byPath.get("bin/ls");
    assert.equal(ls?.type, "hardlink");
    assert.equal((ls as { target: string }).target, "bin/busybox");
    const text = (p: string) => Buffer.from((byPath.get(p) as { data: Uint8Array }).data).toString();
    assert.match(text("etc/os-release"), /^VERSION_ID=2\.1\.0$/m);
    assert.match(text("etc/os-release"), /^VARIANT_ID=standard$/m);
    assert.match(text("etc/passwd"), /^root:x:0:0:/m);
    assert.match(text("etc/passwd"), /^nobody:x:65534:/m);
    assert.match(text("etc/rc.conf"), /^rc_parallel="YES"$/m);
    assert.match(text("etc/sysctl.d/99-kimigayo-performance.conf"), /^vm\.swappiness = 0$/m);
    assert.match(text("etc/kimigayo/services"), /^default syslog$/m);
    assert.match(text("etc/inittab"), /^::shutdown:/m);
    for (const e of entries) assert.equal(e.type === "file" ? e.size : 0, e.type === "file" ? e.data.length : 0);
    const files = std.rootfs.files.reduce((n, f) => n + f.tarBytes, 1024);
    assert.equal(files, std.rootfs.size, "the file list accounts for every byte of the tar");
  });

  it("a warm rebuild hits the cache and reproduces every tar byte for byte", () => {
    const out = join(E2E_DIR, "out-warm");
    const r = cli(["build", "--variant", "all", "--platform", "linux/amd64,linux/arm64", "--out", out, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const warm = JSON.parse(r.stdout) as BuildResult;
    for (const i of warm.images) {
      const cold = result.images.find((c) => c.variant === i.variant && c.platform === i.platform)!;
      assert.equal(i.busybox.cache, "hit");
      assert.equal(i.rootfs.sha256, cold.rootfs.sha256, `${i.variant} ${i.platform}`);
      assert.equal(sha256(readFileSync(i.rootfs.tar)), cold.rootfs.sha256);
    }
  });

  it("the arm64 BusyBox runs under QEMU binfmt and reports aarch64", () => {
    const arm = result.images.find((i) => i.variant === "minimal" && i.platform === "linux/arm64")!;
    const out = execFileSync(arm.busybox.binary, ["uname", "-m"], { encoding: "utf8" }).trim();
    assert.equal(out, "aarch64");
    assert.match(execFileSync(arm.busybox.binary, ["--help"], { encoding: "utf8" }), /BusyBox v1\.38\.0 \(2026-01-01 00:00:00 UTC\)/);
  });
});

describe("each rootfs boots under docker run to the ready line", () => {
  const names: string[] = [];
  before(() => {
    result = buildAll();
    const info = docker(["info"]);
    assert.equal(info.code, 0, `docker is not running: ${info.stderr}. Run \`kimigayo doctor --fix\`.`);
  });
  after(() => {
    for (const n of names) docker(["rm", "-f", n]);
  });

  for (const variant of ["minimal", "standard", "extended"]) {
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      it(`${variant} ${platform}${platform === "linux/arm64" ? " (QEMU)" : ""}`, async () => {
        const img = result.images.find((i) => i.variant === variant && i.platform === platform)!;
        const tag = `kimigayo-e2e:${variant}-${platform.split("/")[1]}`;
        loadRootfs(img.rootfs.tar, platform, tag);
        const name = `kimigayo-e2e-${variant}-${platform.split("/")[1]}-${process.pid}`;
        names.push(name);
        const boot = await bootToReady(tag, name, { platform });
        assert.match(boot.line, READY_LINE);
        assert.equal(boot.services, img.services.started.length, "services counted in the ready line");
        assert.equal(docker(["exec", name, "uname", "-m"]).stdout.trim(), platform === "linux/amd64" ? "x86_64" : "aarch64");
        const t0 = Date.now();
        const stop = docker(["stop", "-t", "10", name], 30_000);
        const stopMs = Date.now() - t0;
        assert.equal(stop.code, 0, stop.stderr);
        const state = docker(["inspect", "-f", "{{.State.ExitCode}} {{.State.OOMKilled}}", name]).stdout.trim();
        // docker stop escalates to SIGKILL (exit 137) only after its 10 s timeout.
        assert.notEqual(state.split(" ")[0], "137", `init did not exit on SIGTERM (stopped after ${stopMs} ms)`);
        assert.ok(stopMs < 9000, `docker stop took ${stopMs} ms`);
        const logs = docker(["logs", name]);
        assert.equal(
          (logs.stdout + logs.stderr).split("\n").filter((l) => l.startsWith("kimigayo: ready")).length,
          1,
          "exactly one ready line",
        );
      });
    }
  }
});
