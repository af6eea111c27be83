/**
 * The harness's git origin (test/support/github-git.ts) refuses what GitHub refuses a push made with
 * GITHUB_TOKEN: creating or updating a workflow file (branches and tags alike, the old value or, for
 * a new ref, the default branch compared), and pushes to a protected default branch. Real git.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { githubOrigin, WORKFLOWS_REFUSAL } from "../support/github-git.js";

const scratch = mkdtempSync(join(tmpdir(), "kimigayo-github-git-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const env = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_SYSTEM: "/dev/null" };
let n = 0;

/**
 * An origin whose main is commit A (.github/workflows/ci.yml "v1", README), tagged v1.0.0, v1 at A;
 * and a clone with: B (ci.yml changed), C (README changed only), D (B's tree without .github/workflows,
 * B as parent), E (a new workflow file), all unpushed.
 */
function setup(opts: Parameters<typeof githubOrigin>[1] = {}) {
  const dir = join(scratch, String(++n));
  const work = join(dir, "work");
  const git = (...a: string[]) => execFileSync("git", ["-C", work, ...a], { encoding: "utf8", env }).trim();
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(work, path)), { recursive: true });
    writeFileSync(join(work, path), text);
  };
  execFileSync("git", ["init", "-q", "-b", "main", work], { env });
  git("config", "user.name", "Mai Tainer");
  git("config", "user.email", "mai@example.com");
  const commit = (files: Record<string, string>, message: string, from: string) => {
    git("checkout", "-q", "--detach", from);
    for (const [p, t] of Object.entries(files)) write(p, t);
    git("add", "-A");
    git("commit", "-q", "-m", message);
    return git("rev-parse", "HEAD");
  };
  write(".github/workflows/ci.yml", "name: ci # v1\n");
  write("README.md", "one\n");
  git("add", "-A");
  git("commit", "-q", "-m", "A");
  const A = git("rev-parse", "HEAD");
  const B = commit({ ".github/workflows/ci.yml": "name: ci # v2\n" }, "B", A);
  const C = commit({ "README.md": "two\n" }, "C", A);
  git("checkout", "-q", "--detach", B);
  git("rm", "-r", "-q", "--cached", ".github/workflows");
  const D = git("commit-tree", git("write-tree"), "-p", B, "-m", "D");
  git("checkout", "-q", "-f", "--detach", A);
  const E = commit({ ".github/workflows/new.yml": "name: new\n" }, "E", A);
  const bare = join(dir, "origin.git");
  execFileSync("git", ["init", "-q", "--bare", "-b", "main", bare], { env });
  execFileSync("git", ["-C", bare, "fetch", "-q", work, `${A}:refs/heads/main`], { env });
  execFileSync("git", ["-C", bare, "update-ref", "refs/tags/v1.0.0", A], { env });
  execFileSync("git", ["-C", bare, "update-ref", "refs/tags/v1", A], { env });
  githubOrigin(bare, opts);
  git("remote", "add", "origin", bare);
  const push = (...refspecs: string[]) =>
    spawnSync("git", ["-C", work, "push", "--force", "origin", ...refspecs], { encoding: "utf8", env });
  const at = (ref: string) => execFileSync("git", ["-C", bare, "rev-parse", "-q", "--verify", ref], { encoding: "utf8", env }).trim();
  return { A, B, C, D, E, push, at };
}

type Sha = "A" | "B" | "C" | "D" | "E";
const cases: { what: string; ref: string; to: Sha | "delete"; refused?: RegExp; opts?: Parameters<typeof githubOrigin>[1] }[] = [
  {
    what: "a tag moved to a commit whose workflow differs (the old major route)",
    ref: "refs/tags/v1",
    to: "B",
    refused: /workflow `\.github\/workflows\/ci\.yml`/,
  },
  { what: "a tag moved to a commit with the same workflows", ref: "refs/tags/v1", to: "C" },
  { what: "a tag moved to the release's tree without .github/workflows (the new major route)", ref: "refs/tags/v1", to: "D" },
  {
    what: "a new tag at a commit that adds a workflow to the default branch's",
    ref: "refs/tags/v9",
    to: "E",
    refused: /workflow `\.github\/workflows\/new\.yml`/,
  },
  {
    what: "a new tag at a commit whose workflow differs from the default branch's",
    ref: "refs/tags/v2.0.0",
    to: "B",
    refused: /create or update workflow/,
  },
  { what: "a new tag without .github/workflows", ref: "refs/tags/v2", to: "D" },
  { what: "a new tag at the default branch's commit", ref: "refs/tags/v1.1.0", to: "A" },
  { what: "the default branch, a commit changing a workflow", ref: "refs/heads/main", to: "B", refused: /create or update workflow/ },
  { what: "the default branch, a commit changing README only", ref: "refs/heads/main", to: "C" },
  { what: "a tag deleted", ref: "refs/tags/v1", to: "delete" },
  {
    what: "the protected default branch, a commit changing README only",
    ref: "refs/heads/main",
    to: "C",
    opts: { protectDefaultBranch: true },
    refused:
      /GH006: Protected branch update failed for refs\/heads\/main\.\s*\nremote: error: Changes must be made through a pull request\./,
  },
  { what: "another branch beside a protected default branch", ref: "refs/heads/feature", to: "C", opts: { protectDefaultBranch: true } },
];

describe("the harness's git origin judges a push as GitHub judges a GITHUB_TOKEN push", () => {
  for (const c of cases) {
    it(`${c.what}: ${c.refused ? "refused" : "accepted"}`, () => {
      const o = setup(c.opts);
      const before = o.at(c.ref === "refs/heads/feature" ? "refs/heads/main" : c.ref.startsWith("refs/heads/") ? c.ref : "refs/heads/main");
      const r = o.push(c.to === "delete" ? `:${c.ref}` : `${o[c.to]}:${c.ref}`);
      if (c.refused) {
        assert.notEqual(r.status, 0, "the push was accepted");
        assert.match(r.stderr, c.refused);
        assert.match(
          r.stdout + r.stderr,
          new RegExp(`\\[remote rejected\\] .* -> ${c.ref.replace(/^refs\/(heads|tags)\//, "")} \\(hook declined\\)`),
        );
        if (c.ref.startsWith("refs/heads/")) assert.equal(o.at(c.ref), before, "the branch did not move");
      } else {
        assert.equal(r.status, 0, r.stderr);
        if (c.to === "delete") assert.throws(() => o.at(c.ref));
        else assert.equal(o.at(c.ref), o[c.to]);
      }
    });
  }

  it("names the file in GitHub's words", () => {
    assert.equal(
      WORKFLOWS_REFUSAL(".github/workflows/ci.yml"),
      "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission",
    );
  });
});
