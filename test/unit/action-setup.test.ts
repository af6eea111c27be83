import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getInputs } from "../../src/action/inputs.js";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ensureBuildxBuilder,
  ensurePrerequisites,
  installCliLauncher,
  needsQemu,
  neededPrerequisites,
  routeOnRunner,
  type SetupDeps,
} from "../../src/action/setup.js";
import type { RunResult } from "../../src/lib/exec.js";
import { silentLogger } from "../../src/lib/log.js";
import { UsageError } from "../../src/lib/errors.js";
import { hostArchitecture } from "../../src/lib/platform.js";
import { toolchainSpec } from "../../src/build/busybox.js";

const inputs = (i: Record<string, string>) => getInputs((n) => i[n] ?? "");

/** A runner that answers from a table and records every call. */
function fakeRunner(answers: Record<string, Partial<RunResult>>) {
  const calls: string[] = [];
  const runner = async (cmd: string, args: readonly string[]): Promise<RunResult> => {
    const line = [cmd.replace(/^.*\//, ""), ...args].join(" ");
    calls.push(line);
    const key = Object.keys(answers).find((k) => line.startsWith(k));
    return { code: 0, stdout: "", stderr: "", ...(key ? answers[key] : { code: 127, stderr: `not expected: ${line}` }) };
  };
  return { runner, calls };
}

const deps = (over: Partial<SetupDeps>): SetupDeps => ({
  runner: fakeRunner({}).runner,
  missing: async (ids) => [...ids],
  root: () => true,
  hostArch: "x64",
  cli: ["/usr/bin/node", "/action/dist/cli/index.js"],
  route: () => "lock",
  ...over,
});

describe("action setup: QEMU binfmt", () => {
  it("is needed only by commands that run arm64 containers on an amd64 host", () => {
    const table: [Record<string, string>, string, boolean][] = [
      [{ command: "build" }, "x64", false],
      [{ command: "size-check" }, "x64", false],
      [{ command: "release", "dry-run": "true" }, "x64", true],
      [{ command: "release", tag: "v2.1.0", "from-published": "artifacts" }, "x64", false],
      [{ command: "bench" }, "x64", true],
      [{ command: "bench", platforms: "linux/amd64" }, "x64", false],
      [{ command: "bench", platforms: "linux/amd64" }, "arm64", true],
      [{ command: "bench", platforms: "arm64" }, "x64", true],
      [{ command: "bench", platforms: "arm64" }, "arm64", false],
    ];
    for (const [i, host, want] of table) assert.equal(needsQemu(inputs(i), host), want, `${JSON.stringify(i)} on ${host}`);
  });
});

describe("action setup: the prerequisites each command installs", () => {
  it("a table of command, platforms and host to doctor's ids", () => {
    const table: [Record<string, string>, string, string[]][] = [
      // No compiler: the build fetches the locked toolchain itself, as the runner user.
      [{ command: "build" }, "x64", ["build-tools"]],
      [{ command: "build", platforms: "linux/amd64" }, "x64", ["build-tools"]],
      [{ command: "build", platforms: "linux/arm64" }, "arm64", ["build-tools"]],
      [{ command: "size-check" }, "x64", []],
      [{ command: "publish" }, "x64", []],
      [{ command: "merge" }, "x64", []],
      [{ command: "doctor" }, "x64", []],
      [{ command: "release", "dry-run": "true" }, "x64", ["build-tools", "binfmt", "docker-client", "dockerd"]],
      [{ command: "release", tag: "v2.1.0", "from-published": "artifacts" }, "x64", []],
      [{ command: "bench", platforms: "linux/amd64" }, "x64", ["build-tools", "docker-client", "dockerd", "busybox-static"]],
      [{ command: "bench", platforms: "linux/arm64" }, "x64", ["build-tools", "binfmt", "docker-client", "dockerd", "busybox-static"]],
    ];
    for (const [i, host, want] of table) assert.deepEqual(neededPrerequisites(inputs(i), host), want, `${JSON.stringify(i)} on ${host}`);
  });

  it("on the host route (no Debian archive known, as on GitHub's Ubuntu runners) a build installs the host's compilers of its platforms", () => {
    const table: [Record<string, string>, string, string[]][] = [
      [{ command: "build" }, "x64", ["build-tools", "musl-amd64", "cross-arm64"]],
      [{ command: "build", platforms: "linux/amd64" }, "x64", ["build-tools", "musl-amd64"]],
      [{ command: "build", platforms: "linux/arm64" }, "x64", ["build-tools", "musl-amd64", "cross-arm64"]],
      [{ command: "build", platforms: "linux/arm64" }, "arm64", ["build-tools", "musl-amd64", "cross-arm64"]],
      [
        { command: "release", "dry-run": "true" },
        "x64",
        ["build-tools", "musl-amd64", "cross-arm64", "binfmt", "docker-client", "dockerd"],
      ],
      // Nothing compiles: the route does not matter.
      [{ command: "release", tag: "v2.1.0", "from-published": "artifacts" }, "x64", []],
      [{ command: "size-check" }, "x64", []],
    ];
    for (const [i, host, want] of table)
      assert.deepEqual(neededPrerequisites(inputs(i), host, "host"), want, `${JSON.stringify(i)} on ${host}`);
  });

  it("asks the route only of commands that compile, and installs by it", async () => {
    const asked: string[] = [];
    const route = (i: { command: string }) => (asked.push(i.command), "host" as const);
    const f = fakeRunner({ node: { code: 0 } });
    const r = await ensurePrerequisites(
      inputs({ command: "build", platforms: "linux/amd64" }),
      silentLogger,
      deps({ runner: f.runner, route, missing: async (ids) => ids.filter((id) => id === "musl-amd64") }),
    );
    assert.match(r, /^installed musl-amd64/);
    assert.match(f.calls[0]!, /doctor --fix --only musl-amd64$/);
    await ensurePrerequisites(inputs({ command: "size-check" }), silentLogger, deps({ route }));
    assert.deepEqual(asked, ["build"]);
  });

  it("the runner's route: host without a Debian archive, the lock with the debian-mirror input", async () => {
    const apt = await mkdtemp(join(tmpdir(), "kimigayo-apt-"));
    const cache = await mkdtemp(join(tmpdir(), "kimigayo-route-cache-"));
    const saved = process.env.KIMIGAYO_CACHE;
    process.env.KIMIGAYO_CACHE = cache;
    try {
      const env = { KIMIGAYO_APT_DIR: apt };
      assert.equal(routeOnRunner(inputs({ command: "build" }), env), "host");
      assert.equal(routeOnRunner(inputs({ command: "build", "debian-mirror": "http://127.0.0.1:9/mirror" }), env), "lock");
    } finally {
      if (saved === undefined) delete process.env.KIMIGAYO_CACHE;
      else process.env.KIMIGAYO_CACHE = saved;
      await rm(apt, { recursive: true, force: true });
      await rm(cache, { recursive: true, force: true });
    }
  });

  it("on an arm64 host, a build or bench of linux/amd64 is bad input before anything is installed; other commands are not", () => {
    const cases: Record<string, string>[] = [
      { command: "build" },
      { command: "build", platforms: "linux/amd64" },
      { command: "bench", platforms: "amd64" },
    ];
    for (const i of cases) {
      assert.throws(
        () => neededPrerequisites(inputs(i), "arm64"),
        (e: Error) =>
          e instanceof UsageError && /linux\/amd64 cannot be built on an arm64 host/.test(e.message) && /ubuntu-24\.04/.test(e.message),
        JSON.stringify(i),
      );
    }
    assert.deepEqual(neededPrerequisites(inputs({ command: "size-check" }), "arm64"), []);
    assert.deepEqual(neededPrerequisites(inputs({ command: "release", tag: "v2.1.0", "from-published": "a" }), "arm64"), []);
  });

  it("does nothing when everything is present", async () => {
    const f = fakeRunner({});
    assert.equal(
      await ensurePrerequisites(
        inputs({ command: "bench", platforms: "linux/amd64" }),
        silentLogger,
        deps({ runner: f.runner, missing: async () => [] }),
      ),
      "present: build-tools, docker-client, dockerd, busybox-static",
    );
    assert.deepEqual(f.calls, []);
  });

  it("commands that need nothing check nothing", async () => {
    let asked = false;
    const r = await ensurePrerequisites(
      inputs({ command: "size-check" }),
      silentLogger,
      deps({ missing: async () => ((asked = true), []) }),
    );
    assert.equal(r, "none needed");
    assert.equal(asked, false);
  });

  it("as root: runs the bundled CLI's doctor --fix --only for what is missing", async () => {
    const f = fakeRunner({ node: { code: 0 } });
    const r = await ensurePrerequisites(
      inputs({ command: "bench", platforms: "arm64" }),
      silentLogger,
      deps({ runner: f.runner, missing: async () => ["binfmt"] }),
    );
    assert.match(r, /^installed binfmt/);
    assert.equal(f.calls.length, 1);
    assert.match(f.calls[0]!, /^node \/action\/dist\/cli\/index\.js doctor --fix --only binfmt$/);
  });

  it("not root, with passwordless sudo: the same through sudo -n -E", async () => {
    const f = fakeRunner({ "sudo -n true": { code: 0 }, "sudo -n -E": { code: 0 } });
    const r = await ensurePrerequisites(
      inputs({ command: "build", platforms: "linux/arm64" }),
      silentLogger,
      deps({ runner: f.runner, root: () => false, missing: async () => ["cross-arm64"] }),
    );
    assert.match(r, /^installed cross-arm64 \(sudo -n -E /);
    assert.deepEqual(f.calls, ["sudo -n true", "sudo -n -E /usr/bin/node /action/dist/cli/index.js doctor --fix --only cross-arm64"]);
  });

  it("not root and no sudo: a warning with the fix, and nothing run", async () => {
    const f = fakeRunner({ "sudo -n true": { code: 1 } });
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
    const r = await ensurePrerequisites(
      inputs({ command: "bench" }),
      log,
      deps({ runner: f.runner, root: () => false, missing: async () => ["binfmt"] }),
    );
    assert.equal(r, "missing (not root): binfmt");
    assert.match(warnings[0]!, /sudo kimigayo doctor --fix --only binfmt/);
    assert.doesNotMatch(warnings[0]!, /npx/);
    assert.deepEqual(f.calls, ["sudo -n true"]);
  });

  it("a failed install is a warning naming the command and its output, not a crash", async () => {
    const f = fakeRunner({ node: { code: 1, stderr: "E: Unable to locate package musl-dev:arm64" } });
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
    const r = await ensurePrerequisites(
      inputs({ command: "build" }),
      log,
      deps({ runner: f.runner, missing: async () => ["cross-arm64"] }),
    );
    assert.equal(r, "failed: cross-arm64");
    assert.match(warnings[0]!, /doctor --fix --only cross-arm64 failed \(exit 1\): E: Unable to locate package musl-dev:arm64/);
  });
});

describe("action setup: kimigayo on PATH", () => {
  it("writes a launcher that runs the bundled CLI with its arguments", async () => {
    const tmp = await mkdtemp(join(tmpdir(), "launcher-"));
    try {
      const dir = await installCliLauncher(tmp, [process.execPath, "-e", "console.log(JSON.stringify(process.argv.slice(1)))", "--"]);
      assert.equal(dir, join(tmp, "kimigayo-bin"));
      const r = spawnSync(join(dir, "kimigayo"), ["size-check", "it's", "a b"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), ["size-check", "it's", "a b"]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

describe("action setup: buildx builder", () => {
  it("the oci engine needs none", async () => {
    const f = fakeRunner({});
    assert.equal(await ensureBuildxBuilder(inputs({ command: "build", engine: "oci" }), silentLogger, { runner: f.runner }), "not needed");
    assert.deepEqual(f.calls, []);
  });

  it("a builder on the docker driver is replaced by a docker-container one", async () => {
    const f = fakeRunner({
      "docker buildx version": { stdout: "github.com/docker/buildx v0.17.1 abc\n" },
      "docker buildx inspect": { stdout: "Name:   default\nDriver: docker\n" },
      "docker info": { stdout: "[]" },
      "docker buildx create": { code: 0 },
    });
    assert.equal(
      await ensureBuildxBuilder(inputs({ command: "build", engine: "buildx" }), silentLogger, { runner: f.runner }),
      "created kimigayo",
    );
    assert.ok(f.calls.includes("docker buildx create --use --name kimigayo --driver docker-container"));
  });

  it("a usable builder is kept", async () => {
    const f = fakeRunner({
      "docker buildx version": { stdout: "github.com/docker/buildx v0.17.1 abc\n" },
      "docker buildx inspect": { stdout: "Name:   builder-1\nDriver: docker-container\n" },
    });
    assert.match(
      await ensureBuildxBuilder(inputs({ command: "release", tag: "v2.1.0", engine: "buildx" }), silentLogger, { runner: f.runner }),
      /builder builder-1/,
    );
    assert.ok(!f.calls.some((c) => c.includes("create")));
  });

  it("engine: buildx without the plugin is bad input (exit 2) naming doctor --fix --only buildx; auto falls back", async () => {
    const f = fakeRunner({ "docker buildx version": { code: 1, stderr: "docker: 'buildx' is not a docker command.\n" } });
    await assert.rejects(
      ensureBuildxBuilder(inputs({ command: "build", engine: "buildx" }), silentLogger, { runner: f.runner }),
      (e: unknown) =>
        e instanceof UsageError &&
        e.exitCode === 2 &&
        /^engine: buildx: buildx is not available here \(.*not a docker command/.test(e.message) &&
        e.message.includes("kimigayo doctor --fix --only buildx"),
    );
    assert.match(await ensureBuildxBuilder(inputs({ command: "build", engine: "auto" }), silentLogger, { runner: f.runner }), /oci engine/);
  });
});

describe("toolchains by host", () => {
  it("hostArchitecture reads Node's and the kernel's names", () => {
    assert.deepEqual(
      ["x64", "arm64", "aarch64", "x86_64"].map((a) => hostArchitecture(a)),
      ["amd64", "arm64", "arm64", "amd64"],
    );
  });

  it("amd64 host: the locked native gcc-12 for amd64, GNU's aarch64 cross gcc and binutils for arm64", () => {
    assert.deepEqual(toolchainSpec("linux/amd64", "amd64"), {
      compiler: "gcc-12",
      binutils: "binutils-x86-64-linux-gnu",
      musl: "musl-dev:amd64",
      headers: "linux-libc-dev:amd64",
    });
    assert.deepEqual(toolchainSpec("linux/arm64", "amd64"), {
      compiler: "gcc-12-aarch64-linux-gnu",
      binutils: "binutils-aarch64-linux-gnu",
      musl: "musl-dev:arm64",
      headers: "linux-libc-dev:arm64",
    });
  });

  it("arm64 host: arm64 is native (the locked gcc-12 of arm64); amd64 is refused as bad input", () => {
    assert.equal(toolchainSpec("linux/arm64", "arm64").compiler, "gcc-12");
    assert.throws(() => toolchainSpec("linux/amd64", "arm64"), UsageError);
  });
});
