/**
 * This repository's release.yml `major` job, as the runner runs it (test/support/runner.ts), against
 * an origin as strict as GitHub's git server (test/support/github-git.ts): GitHub refuses a
 * GITHUB_TOKEN push whose ref creates or updates a workflow file, tags included. Two stable releases
 * of one major: the first creates v2, the second's commit changed .github/workflows/ci.yml and must
 * still move v2. Pointing v2 at the release commit itself (the route before) is refused at the
 * second release; v2 points at the release's tree without .github/workflows instead.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { githubOrigin, WORKFLOWS_REFUSAL } from "../support/github-git.js";
import { needs } from "../support/prerequisites.js";
import { ROOT, checkoutRepository, cleanRunnerWork, ensureRunnerUser, runWorkflowJob, type JobResult } from "../support/runner.js";

const need = await needs("root");
const RELEASE_YML = join(ROOT, ".github/workflows/release.yml");
const TOKEN = "ghs_major_tag";

describe("release.yml's major job moves vX after a release that changed a workflow", { skip: need.skip }, () => {
  let dir = "";
  before(() => {
    need.check();
    ensureRunnerUser();
    dir = mkdtempSync(join(tmpdir(), "kimigayo-major-tag-"));
    chmodSync(dir, 0o755); // the runner clones and pushes the origin in it
  });
  after(() => {
    cleanRunnerWork();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("v2.0.0 creates v2, v2.1.0 (ci.yml changed) moves it; the release commit itself is refused as GitHub refuses it", async () => {
    // The maintainer's side: this repository at HEAD (A), then a commit changing a workflow (B).
    const work = join(dir, "work");
    const git = (...a: string[]) => execFileSync("git", ["-C", work, ...a], { encoding: "utf8" }).trim();
    execFileSync("git", ["clone", "-q", "--no-local", ROOT, work]);
    git("config", "user.name", "Mai Tainer");
    git("config", "user.email", "mai@example.com");
    const A = git("rev-parse", "HEAD");
    appendFileSync(join(work, ".github/workflows/ci.yml"), "# a change to a workflow\n");
    git("commit", "-q", "-am", "ci: a change to a workflow");
    const B = git("rev-parse", "HEAD");
    const origin = join(dir, "origin.git");
    execFileSync("git", ["init", "-q", "--bare", "-b", "main", origin]);
    githubOrigin(origin);
    const at = (ref: string) =>
      execFileSync("git", ["-c", "safe.directory=*", "-C", origin, "rev-parse", "-q", "--verify", ref], { encoding: "utf8" }).trim();
    /** The maintainer pushes the default branch and a release tag (written directly: no GITHUB_TOKEN rules). */
    const release = (sha: string, tag: string) => {
      execFileSync("git", ["-c", "safe.directory=*", "-C", origin, "fetch", "-q", work, `+${sha}:refs/heads/main`]);
      execFileSync("git", ["-c", "safe.directory=*", "-C", origin, "update-ref", `refs/tags/${tag}`, sha]);
      execFileSync("chown", ["-R", "runner:runner", origin]);
    };
    const major = (sha: string, tag: string): Promise<JobResult> =>
      runWorkflowJob(RELEASE_YML, "major", {
        artifacts: join(dir, "artifacts"),
        repository: "kimigayo/build-action",
        event: { tag },
        sha,
        secrets: { GITHUB_TOKEN: TOKEN },
        needs: { release: { result: "success", outputs: {} } },
        checkout: (ws, withs) => checkoutRepository(ws, { source: origin, fetchDepth: Number(withs["fetch-depth"] ?? "1"), tag }),
      });
    const o = (...a: string[]) => execFileSync("git", ["-c", "safe.directory=*", "-C", origin, ...a], { encoding: "utf8" }).trim();
    /** v2 is the release's tree less .github/workflows, on top of the release commit. */
    const assertMajorAt = (sha: string) => {
      const v2 = at("refs/tags/v2^{commit}");
      assert.equal(o("rev-parse", `${v2}^@`), sha, "v2's one parent is the release commit");
      const diff = o("diff", "--name-status", "--no-renames", sha, v2).split("\n");
      assert.ok(diff.length > 0 && diff.includes("D\t.github/workflows/ci.yml"), diff.join("\n"));
      assert.deepEqual(
        diff.filter((l) => !/^D\t\.github\/workflows\//.test(l)),
        [],
        "only the workflow files are left out",
      );
      assert.equal(o("ls-tree", "-r", "--name-only", v2, "--", ".github/workflows"), "");
      for (const f of ["action.yml", "dist/index.js", "configs/kimigayo.yml"]) assert.notEqual(o("ls-tree", v2, "--", f), "", `${f} in v2`);
      return v2;
    };
    const ok = (r: JobResult) => assert.equal(r.result, "success", r.log.slice(-3000));

    release(A, "v2.0.0");
    const first = await major(A, "v2.0.0");
    ok(first);
    const v2first = at("refs/tags/v2^{commit}");

    // The second release changed a workflow: its move must be accepted all the same.
    release(B, "v2.1.0");
    const second = await major(B, "v2.1.0");
    ok(second);
    const v2 = assertMajorAt(B);
    assert.equal(o("rev-parse", `${v2first}^@`), A, "v2 was first the tree of v2.0.0, on top of it");

    // A re-run makes the same commit: v2 does not move.
    ok(await major(B, "v2.1.0"));
    assert.equal(at("refs/tags/v2^{commit}"), v2, "a re-run leaves v2 where it was");

    // The route before, v2 at the release commit itself, from the job's own checkout as the runner: refused.
    const push = spawnSync(
      "sudo",
      ["-u", "runner", "-H", "git", "-C", second.job!.workspace, "push", "--force", "origin", `${B}:refs/tags/v2`],
      { encoding: "utf8" },
    );
    assert.notEqual(push.status, 0, "GitHub refuses this push");
    assert.match(push.stderr, new RegExp(WORKFLOWS_REFUSAL(".github/workflows/ci.yml").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    assert.equal(at("refs/tags/v2^{commit}"), v2);
  });
});
