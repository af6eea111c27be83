/**
 * The test-prerequisite mechanism itself (test/support/prerequisites.ts): a test file that needs
 * doctor's "skopeo" is run in a child `node --test` with a PATH on which skopeo cannot be found.
 * Under CI it must fail, naming the doctor id and the fix; run by hand it is skipped with the
 * same text; an allowed skip (buildx) stays a skip under CI.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { strict } from "../support/prerequisites.js";

const SUPPORT = pathToFileURL(join(import.meta.dirname, "../support/prerequisites.ts")).href;
const TSX = import.meta.resolve("tsx");

let work = "";
/** A PATH holding node alone: no skopeo, no docker (so no buildx). */
let bareBin = "";

before(() => {
  work = mkdtempSync(join(tmpdir(), "prereq-test-"));
  bareBin = join(work, "bin");
  mkdirSync(bareBin);
  symlinkSync(process.execPath, join(bareBin, "node"));
  writeFileSync(
    join(work, "needs-skopeo.test.mts"),
    `import { describe, it, beforeEach } from "node:test";
import { needs } from ${JSON.stringify(SUPPORT)};
const need = await needs("skopeo");
describe("a test that reads images with skopeo", { skip: need.skip }, () => {
  beforeEach(need.check);
  it("runs skopeo", () => {});
});
`,
  );
  writeFileSync(
    join(work, "needs-buildx.test.mts"),
    `import { it } from "node:test";
import { needs } from ${JSON.stringify(SUPPORT)};
const need = await needs("buildx");
it("builds with buildx", { skip: need.skip }, () => need.check());
`,
  );
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Runs one file under its own `node --test` (not as a child of this one) with the bare PATH and the given environment. */
function runFile(file: string, env: NodeJS.ProcessEnv): { code: number | null; out: string } {
  const { CI: _ci, KIMIGAYO_TEST_STRICT: _strict, NODE_TEST_CONTEXT: _child, ...base } = process.env;
  const r = spawnSync(process.execPath, ["--import", TSX, "--test", "--test-reporter=tap", join(work, file)], {
    cwd: work,
    env: { ...base, PATH: bareBin, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("test prerequisites", () => {
  it("under CI=true, a missing doctor prerequisite fails the test and names the doctor id and the fix", () => {
    const r = runFile("needs-skopeo.test.mts", { CI: "true" });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /# fail [1-9]/);
    assert.match(r.out, /doctor prerequisite "skopeo"/);
    assert.match(r.out, /kimigayo doctor --fix --only skopeo/);
    assert.doesNotMatch(r.out, /# SKIP/);
  });

  it("under scripts/test.sh (KIMIGAYO_TEST_STRICT=1) it fails the same way", () => {
    const r = runFile("needs-skopeo.test.mts", { KIMIGAYO_TEST_STRICT: "1" });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /kimigayo doctor --fix --only skopeo/);
  });

  it("run by hand (no CI), the same test is skipped, and the reason names the id and the fix", () => {
    const r = runFile("needs-skopeo.test.mts", {});
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /# SKIP doctor prerequisite "skopeo".*kimigayo doctor --fix --only skopeo/);
    assert.match(r.out, /# fail 0/);
  });

  it("buildx is a doctor prerequisite like any other: missing under CI, the test fails naming doctor --fix --only buildx", () => {
    const r = runFile("needs-buildx.test.mts", { CI: "true", KIMIGAYO_DOCKER: join(work, "no-docker-here") });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /doctor prerequisite "buildx"/);
    assert.match(r.out, /kimigayo doctor --fix --only buildx/);
    assert.doesNotMatch(r.out, /# SKIP/);
  });

  it("an unknown id is a programming error, not a skip", async () => {
    const { needs } = await import("../support/prerequisites.js");
    await assert.rejects(needs("no-such-thing"), /test prerequisite "no-such-thing" is unknown; known: .*buildx.*skopeo/);
  });

  it("strict mode follows CI and KIMIGAYO_TEST_STRICT", () => {
    assert.equal(strict({}), false);
    assert.equal(strict({ CI: "true" }), true);
    assert.equal(strict({ KIMIGAYO_TEST_STRICT: "1" }), true);
    assert.equal(strict({ KIMIGAYO_TEST_STRICT: "0" }), false);
  });
});
