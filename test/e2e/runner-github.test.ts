/**
 * What GitHub gives a job, as the runner harness gives it (test/support/runner.ts): the runner's
 * variables on every step, the job's GITHUB_TOKEN holding its `permissions:` (issued by the API
 * stand-in, which answers what they do not allow with 403 as GitHub does), the OIDC variables only
 * with id-token: write, and a pull request checked out as actions/checkout does (its merge ref,
 * HEAD detached, no local branch). The steps are bash and curl as the runner user.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";
import { needs } from "../support/prerequisites.js";
import { cleanRunnerWork, ensureRunnerUser, runWorkflowJob, type JobResult } from "../support/runner.js";

const need = await needs("root");

const VARIABLES = [
  "ACTIONS_RUNTIME_TOKEN",
  "GITHUB_WORKFLOW_REF",
  "GITHUB_WORKFLOW_SHA",
  "GITHUB_RUN_ID",
  "GITHUB_RUN_ATTEMPT",
  "RUNNER_ARCH",
  "RUNNER_OS",
  "ImageOS",
  "GITHUB_ACTION",
  "ACTIONS_ID_TOKEN_REQUEST_URL",
];

const WORKFLOW = `name: harness
on: [push, pull_request]
permissions:
  contents: read
jobs:
  read:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0
        with:
          persist-credentials: false
      - id: look
        run: |
          for v in ${VARIABLES.join(" ")}; do echo "$v=\${!v-unset}" >> "$GITHUB_OUTPUT"; done
          echo "head=$(git symbolic-ref -q HEAD || echo detached)" >> "$GITHUB_OUTPUT"
          echo "branches=$(git for-each-ref --format='%(refname)' refs/heads/ | wc -l)" >> "$GITHUB_OUTPUT"
          echo "merge=$(git rev-parse -q --verify refs/remotes/pull/7/merge || echo none)" >> "$GITHUB_OUTPUT"
          echo "at=$(git rev-parse HEAD)" >> "$GITHUB_OUTPUT"
      - id: api
        env:
          TOKEN: \${{ secrets.GITHUB_TOKEN }}
        run: &api |
          call() { curl -s -o "$RUNNER_TEMP/body" -D "$RUNNER_TEMP/headers" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$@"; }
          echo "create=$(call -X POST -H 'content-type: application/json' -d '{"tag_name":"v1.0.0"}' "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/releases")" >> "$GITHUB_OUTPUT"
          echo "accepted=$(grep -i '^x-accepted-github-permissions:' "$RUNNER_TEMP/headers" | cut -d' ' -f2- | tr -d '\\r')" >> "$GITHUB_OUTPUT"
          echo "list=$(call "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/releases")" >> "$GITHUB_OUTPUT"
      - run: echo "name=$GITHUB_ACTION" >> "$GITHUB_OUTPUT"
      - run: echo "name=$GITHUB_ACTION" >> "$GITHUB_OUTPUT"
  write:
    runs-on: ubuntu-24.04
    permissions:
      contents: write
      id-token: write
    steps:
      - id: look
        run: for v in ${VARIABLES.join(" ")}; do echo "$v=\${!v-unset}" >> "$GITHUB_OUTPUT"; done
      - id: api
        env:
          TOKEN: \${{ secrets.GITHUB_TOKEN }}
        run: *api
`;

describe("the runner harness gives a job what GitHub gives it", { skip: need.skip }, () => {
  let dir = "";
  let standIn: GitHubStandIn;
  before(async () => {
    need.check();
    ensureRunnerUser();
    dir = mkdtempSync(join(tmpdir(), "kimigayo-runner-github-"));
    standIn = await startGitHubStandIn();
  });
  after(async () => {
    await standIn?.close();
    cleanRunnerWork();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("variables, a token holding the job's permissions (403 beyond them), OIDC only with id-token: write, a pull request's merge ref detached", async () => {
    const file = join(dir, "harness.yml");
    writeFileSync(file, WORKFLOW);
    const ctx = {
      artifacts: join(dir, "artifacts"),
      repository: "octo-org/harness",
      apiUrl: standIn.url,
      issueToken: (p: Parameters<GitHubStandIn["issueToken"]>[0]) => standIn.issueToken(p),
      serviceEnv: { ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:9/oidc", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-request-token" },
      runId: 4242,
    };
    const ok = (r: JobResult) => assert.equal(r.result, "success", r.log.slice(-3000));
    const out = (r: JobResult, id: string) => r.steps.find((s) => s.id === id)!.result!.outputs;

    const read = await runWorkflowJob(file, "read", { ...ctx, event: { pullRequest: 7 } });
    ok(read);
    const look = out(read, "look");
    assert.match(look.ACTIONS_RUNTIME_TOKEN!, /^[0-9a-f-]{36}$/);
    assert.equal(look.GITHUB_WORKFLOW_REF, "octo-org/harness/.github/workflows/harness.yml@refs/pull/7/merge");
    assert.equal(look.GITHUB_WORKFLOW_SHA, look.at);
    assert.equal(look.GITHUB_RUN_ID, "4242");
    assert.equal(look.GITHUB_RUN_ATTEMPT, "1");
    assert.equal(look.RUNNER_OS, "Linux");
    assert.equal(look.RUNNER_ARCH, process.arch === "arm64" ? "ARM64" : "X64");
    assert.equal(look.ImageOS, "ubuntu24");
    assert.equal(look.GITHUB_ACTION, "look", "a step's id");
    assert.equal(look.ACTIONS_ID_TOKEN_REQUEST_URL, "unset", "no OIDC without id-token: write");
    // actions/checkout on a pull request: the merge ref, HEAD detached, no local branch.
    assert.deepEqual([look.head, look.branches, look.merge], ["detached", "0", look.at]);
    // contents: read: the release is refused as GitHub refuses it, the list is not.
    assert.deepEqual(out(read, "api"), { create: "403", accepted: "contents=write", list: "200" });
    assert.deepEqual(
      read.steps.filter((s) => s.kind === "run" && s.id.startsWith("__step")).map((s) => s.result?.outputs.name),
      ["__run", "__run_2"],
      "GITHUB_ACTION of steps without an id",
    );

    const write = await runWorkflowJob(file, "write", { ...ctx, event: { branch: "main" } });
    ok(write);
    assert.equal(out(write, "look").ACTIONS_ID_TOKEN_REQUEST_URL, "http://127.0.0.1:9/oidc");
    assert.deepEqual(out(write, "api"), { create: "201", accepted: "", list: "200" });
    assert.equal(standIn.state.releases.length, 1, "the write job's release, only");
  });
});
