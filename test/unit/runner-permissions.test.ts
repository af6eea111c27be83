/**
 * A job's GITHUB_TOKEN permissions as the runner harness computes them from `permissions:`
 * (test/support/runner.ts jobPermissions), the rules GitHub documents in "Controlling permissions for
 * GITHUB_TOKEN": the job's block, else the workflow's, else the repository default; unspecified
 * scopes none; read-all/write-all; a fork's pull request read at most. Then this repository's own
 * workflows: each job holds what its header comment says, and nothing else.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { tokenPermissions, type TokenPermissions } from "../support/github-api.js";
import { jobPermissions, readWorkflow } from "../support/runner.js";

const ROOT = resolve(import.meta.dirname, "../..");
const held = (p: TokenPermissions) =>
  Object.entries(p)
    .filter(([, a]) => a !== "none")
    .map(([s, a]) => `${s}:${a}`)
    .sort()
    .join(" ");

describe("jobPermissions: GitHub's rules", () => {
  const cases: [string, Parameters<typeof jobPermissions>[0], { fork?: boolean; default?: "restricted" | "permissive" }, string][] = [
    ["no block anywhere: the restricted default", { jobs: { j: {} } }, {}, "contents:read packages:read"],
    ["no block anywhere, a permissive repository: every scope write but id-token", { jobs: { j: {} } }, { default: "permissive" }, ""],
    ["the workflow's block, unspecified scopes none", { permissions: { contents: "read" }, jobs: { j: {} } }, {}, "contents:read"],
    [
      "the job's block replaces the workflow's (not merged)",
      { permissions: { contents: "read", issues: "write" }, jobs: { j: { permissions: { packages: "write" } } } },
      {},
      "packages:write",
    ],
    ["{}: every scope none", { jobs: { j: { permissions: {} } } }, {}, ""],
    ["read-all: every scope read, id-token none", { permissions: "read-all", jobs: { j: {} } }, {}, ""],
    [
      "a fork's pull request: write becomes read, id-token none",
      { jobs: { j: { permissions: { contents: "write", "pull-requests": "write", "id-token": "write", checks: "read" } } } },
      { fork: true },
      "checks:read contents:read pull-requests:read",
    ],
  ];
  for (const [what, wf, o, want] of cases) {
    it(what, () => {
      const p = jobPermissions(wf, "j", o);
      if (what.startsWith("no block anywhere, a permissive"))
        assert.deepEqual(p, { ...tokenPermissions(Object.fromEntries(Object.keys(p).map((s) => [s, "write"]))), "id-token": "none" });
      else if (what.startsWith("read-all")) assert.ok(Object.entries(p).every(([s, a]) => a === (s === "id-token" ? "none" : "read")));
      else assert.equal(held(p), want);
    });
  }

  const refused: [string, unknown, RegExp][] = [
    ["an unknown scope", { workflows: "write" }, /jobs\.j\.permissions\.workflows: not a permission GitHub knows/],
    ["an unknown access", { contents: "admin" }, /jobs\.j\.permissions\.contents: "admin" is not one of read, write, none/],
    ["id-token: read", { "id-token": "read" }, /jobs\.j\.permissions\.id-token: "read" is not one of write, none/],
    ["a string other than read-all/write-all", "write", /jobs\.j\.permissions: "write" is not read-all, write-all or a map/],
  ];
  for (const [what, block, message] of refused) {
    it(`refuses ${what}, as GitHub refuses the workflow`, () => {
      assert.throws(() => jobPermissions({ jobs: { j: { permissions: block } } }, "j"), message);
    });
  }
});

describe("this repository's workflows: each job's token", () => {
  const table: [string, string, string][] = [
    ["release.yml", "build", "contents:read packages:write"],
    ["release.yml", "merge", "contents:read packages:write"],
    ["release.yml", "release", "attestations:write contents:write id-token:write packages:write pull-requests:read"],
    ["release.yml", "major", "contents:write"],
    ["release.yml", "changelog", "contents:write"],
    ["pr-size-comment.yml", "comment", "actions:read pull-requests:write"],
  ];
  for (const [file, job, want] of table) {
    it(`${file} ${job}: ${want}`, () => {
      const wf = readWorkflow(join(ROOT, ".github/workflows", file));
      assert.ok(wf.jobs?.[job], `${file} has a job ${job}`);
      assert.equal(held(jobPermissions(wf, job)), want);
    });
  }
});
