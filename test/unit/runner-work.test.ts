/**
 * The runner harness's work folder (test/support/runner.ts RUNNER_WORK) is its own: on a hosted
 * runner, the runner's real work folder holds this repository's checkout (GITHUB_WORKSPACE) and
 * RUNNER_TEMP, which the harness would empty and remove. Each case imports the harness in a child
 * process with the environment a hosted runner gives it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { after, describe, it } from "node:test";
import * as harness from "../support/runner.js";

const ROOT = resolve(import.meta.dirname, "../..");
const RUNNER_TS = join(ROOT, "test/support/runner.ts");
const scratch = mkdtempSync(join(tmpdir(), "kimigayo-harness-folder-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Imports the harness with `env` (over a minimal one) and reports the folder it chose. */
function importHarness(env: Record<string, string>) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", `const m = await import(${JSON.stringify(RUNNER_TS)}); console.log(m.RUNNER_WORK);`],
    { cwd: ROOT, encoding: "utf8", env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } },
  );
  return { code: r.status, work: r.stdout.trim(), stderr: r.stderr };
}

const inside = (a: string, b: string) => a === b || a.startsWith(b + sep) || b.startsWith(a + sep);

describe("the runner harness works in a folder of its own", () => {
  it("on a hosted runner's variables: a new folder apart from GITHUB_WORKSPACE and RUNNER_TEMP, removed at exit", () => {
    const env = { GITHUB_WORKSPACE: "/home/runner/work/build-action/build-action", RUNNER_TEMP: "/home/runner/work/_temp" };
    const r = importHarness(env);
    assert.equal(r.code, 0, r.stderr);
    for (const v of Object.values(env)) assert.ok(!inside(r.work, v), `${r.work} is apart from ${v}`);
    assert.ok(r.work.startsWith(tmpdir() + sep), `${r.work} is under ${tmpdir()}`);
    assert.equal(existsSync(r.work), false, "removed when the process ends");
  });

  const ws = join(scratch, "ws");
  const temp = join(scratch, "temp");
  mkdirSync(join(ws, "sub"), { recursive: true });
  mkdirSync(temp, { recursive: true });
  const refused: [string, Record<string, string>, RegExp][] = [
    ["TMPDIR is RUNNER_TEMP", { RUNNER_TEMP: temp, TMPDIR: temp }, /is RUNNER_TEMP/],
    ["TMPDIR inside GITHUB_WORKSPACE", { GITHUB_WORKSPACE: ws, TMPDIR: join(ws, "sub") }, /is inside GITHUB_WORKSPACE/],
  ];
  for (const [what, env, message] of refused) {
    it(`refuses to start when ${what}, before making anything there`, () => {
      const r = importHarness(env);
      assert.notEqual(r.code, 0, `the harness started in ${r.work}`);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /Point TMPDIR elsewhere/);
      assert.deepEqual(
        spawnSync("find", [scratch, "-mindepth", "1", "-name", "kimigayo-runner-work-*"], { encoding: "utf8" }).stdout,
        "",
        "nothing made in their folders",
      );
    });
  }

  const table: [string, string, Record<string, string>, string | undefined][] = [
    ["the workspace itself", "/w/repo/repo", { GITHUB_WORKSPACE: "/w/repo/repo" }, "is GITHUB_WORKSPACE"],
    ["inside the workspace", "/w/repo/repo/x", { GITHUB_WORKSPACE: "/w/repo/repo" }, "is inside GITHUB_WORKSPACE"],
    ["containing the workspace", "/w", { GITHUB_WORKSPACE: "/w/repo/repo" }, "contains GITHUB_WORKSPACE"],
    ["containing RUNNER_TEMP", "/w", { RUNNER_TEMP: "/w/_temp" }, "contains RUNNER_TEMP"],
    ["inside RUNNER_TEMP", "/w/_temp/a", { RUNNER_TEMP: "/w/_temp/" }, "is inside RUNNER_TEMP"],
    ["a sibling with a common prefix", "/w/repo/repo2", { GITHUB_WORKSPACE: "/w/repo/repo" }, undefined],
    ["apart from both", "/tmp/kimigayo-runner-work-x", { GITHUB_WORKSPACE: "/w/r/r", RUNNER_TEMP: "/w/_temp" }, undefined],
    ["no runner variables", "/w", {}, undefined],
  ];
  for (const [what, dir, env, refusal] of table) {
    it(`assertApartFromHostRunner: ${what} ${refusal ? "is refused" : "is accepted"}`, () => {
      if (refusal) assert.throws(() => harness.assertApartFromHostRunner(dir, env), new RegExp(`${dir} ${refusal}`));
      else assert.doesNotThrow(() => harness.assertApartFromHostRunner(dir, env));
    });
  }
});
