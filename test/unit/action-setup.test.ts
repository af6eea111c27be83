import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getInputs } from "../../src/action/inputs.js";
import { ensureBuildxBuilder, ensureQemu, needsQemu, type SetupDeps } from "../../src/action/setup.js";
import type { RunResult } from "../../src/lib/exec.js";
import { silentLogger } from "../../src/lib/log.js";

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
  binfmtOk: async () => false,
  root: () => true,
  hostArch: "x64",
  cli: "/action/dist/cli/index.js",
  ...over,
});

describe("action setup: QEMU binfmt", () => {
  it("is needed only by commands that run arm64 containers on an amd64 host", () => {
    const table: [Record<string, string>, string, boolean][] = [
      [{ command: "build" }, "x64", false],
      [{ command: "size-check" }, "x64", false],
      [{ command: "release", "dry-run": "true" }, "x64", true],
      [{ command: "bench" }, "x64", true],
      [{ command: "bench", platforms: "linux/amd64" }, "x64", false],
      [{ command: "bench", platforms: "linux/amd64" }, "arm64", true],
      [{ command: "bench", platforms: "arm64" }, "x64", true],
    ];
    for (const [i, host, want] of table) assert.equal(needsQemu(inputs(i), host), want, `${JSON.stringify(i)} on ${host}`);
  });

  it("does nothing when it is already registered", async () => {
    const f = fakeRunner({});
    assert.equal(
      await ensureQemu(inputs({ command: "bench" }), silentLogger, deps({ runner: f.runner, binfmtOk: async () => true })),
      "already registered",
    );
    assert.deepEqual(f.calls, []);
  });

  it("as root: runs doctor --fix --only binfmt", async () => {
    const f = fakeRunner({ node: { code: 0 } });
    const r = await ensureQemu(inputs({ command: "bench" }), silentLogger, deps({ runner: f.runner }));
    assert.match(r, /^registered/);
    assert.equal(f.calls.length, 1);
    assert.match(f.calls[0]!, /\/action\/dist\/cli\/index\.js doctor --fix --only binfmt$/);
  });

  it("not root, with passwordless sudo: the same through sudo -n", async () => {
    const f = fakeRunner({ "sudo -n true": { code: 0 }, "sudo -n -E": { code: 0 } });
    const r = await ensureQemu(
      inputs({ command: "release", "dry-run": "true" }),
      silentLogger,
      deps({ runner: f.runner, root: () => false }),
    );
    assert.match(r, /^registered \(sudo -n -E /);
    assert.deepEqual(
      f.calls.map((c) => c.split(" ").slice(0, 3).join(" ")),
      ["sudo -n true", "sudo -n -E"],
    );
  });

  it("not root and no sudo: a warning with the fix, and nothing run", async () => {
    const f = fakeRunner({ "sudo -n true": { code: 1 } });
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (m: string) => void warnings.push(m) };
    assert.equal(await ensureQemu(inputs({ command: "bench" }), log, deps({ runner: f.runner, root: () => false })), "missing (not root)");
    assert.match(warnings[0]!, /sudo npx kimigayo doctor --fix --only binfmt/);
    assert.deepEqual(f.calls, ["sudo -n true"]);
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
});
