/** The GHCR stand-in's reading of a job's `packages:` permission and what each permission allows. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { packagesPermission } from "../support/ghcr-registry.js";
import { allowedActions } from "../support/ghcr-token-service.js";

describe("GHCR stand-in: a job token's packages permission", () => {
  const cases: {
    name: string;
    wf: { permissions?: unknown; jobs: Record<string, { permissions?: unknown }> };
    fork?: boolean;
    want: string;
  }[] = [
    {
      name: "the job's own map",
      wf: { permissions: { contents: "read" }, jobs: { j: { permissions: { packages: "write" } } } },
      want: "write",
    },
    { name: "the workflow's map", wf: { permissions: { contents: "read", packages: "read" }, jobs: { j: {} } }, want: "read" },
    { name: "a map without packages", wf: { permissions: { contents: "read" }, jobs: { j: {} } }, want: "none" },
    {
      name: "the job's map replaces the workflow's",
      wf: { permissions: { packages: "write" }, jobs: { j: { permissions: { contents: "write" } } } },
      want: "none",
    },
    { name: "no permissions at all: the restricted default", wf: { jobs: { j: {} } }, want: "read" },
    { name: "read-all", wf: { permissions: "read-all", jobs: { j: {} } }, want: "read" },
    { name: "write-all", wf: { permissions: "write-all", jobs: { j: {} } }, want: "write" },
    { name: "a fork's pull request: read at most", wf: { jobs: { j: { permissions: { packages: "write" } } } }, fork: true, want: "read" },
  ];
  for (const c of cases) it(c.name, () => assert.equal(packagesPermission(c.wf, "j", { fork: c.fork ?? false }), c.want));

  it("read pulls, write pulls and pushes, none nothing", () => {
    assert.deepEqual(allowedActions(["pull", "push"], "read"), ["pull"]);
    assert.deepEqual(allowedActions(["pull", "push"], "write"), ["pull", "push"]);
    assert.deepEqual(allowedActions(["pull"], "none"), []);
    assert.deepEqual(allowedActions(["delete", "*"], "write"), []);
  });
});
