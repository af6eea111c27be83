/**
 * Release notes from a real git repository: tags, conventional commits, a merged pull request
 * (merge commit), a squash-merged one, a breaking change and an unconventional commit.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { UsageError } from "../../src/lib/errors.js";
import { collectChanges, parseCommit, previousRelease } from "../../src/release/changes.js";
import { formatDelta, renderNotes } from "../../src/release/notes.js";

let repo: string;
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
let n = 0;
function commit(message: string, author = "Aiko Sato <aiko@example.com>") {
  writeFileSync(join(repo, `f${++n}`), String(n));
  git("add", ".");
  git("commit", "-q", "--author", author, "-m", message);
}

describe("release notes from git history", () => {
  before(() => {
    repo = mkdtempSync(join(tmpdir(), "kimigayo-notes-"));
    git("init", "-q", "-b", "main");
    git("config", "user.email", "ci@example.com");
    git("config", "user.name", "CI");
    commit("feat: first release");
    git("tag", "v1.0.0");
    commit("fix(rc): ready line counts services");
    git("tag", "v1.0.1");
    commit("feat(busybox): add awk to standard (#7)", "Ken Ito <ken@example.com>");
    git("checkout", "-q", "-b", "topic");
    commit("wip one");
    commit("wip two");
    git("checkout", "-q", "main");
    git("merge", "-q", "--no-ff", "topic", "-m", "Merge pull request #9 from ken/topic\n\nperf: parallel service start");
    commit("docs: explain budgets");
    commit("feat!: drop the legacy inittab\n\nBREAKING CHANGE: inittab runlevel fields are gone");
    commit("Update README");
    git("tag", "v1.1.0-rc.1");
    commit("fix: a late fix");
    git("tag", "v1.1.0");
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it("the previous release of a stable tag skips pre-releases; of an rc it is the last tag", async () => {
    assert.equal(await previousRelease(repo, "v1.1.0"), "v1.0.1");
    assert.equal(await previousRelease(repo, "v1.1.0-rc.1"), "v1.0.1");
    assert.equal(await previousRelease(repo, "v1.0.1"), "v1.0.0");
    assert.equal(await previousRelease(repo, "v1.0.0"), undefined);
  });

  it("collects first-parent changes: the merged PR once, by its title; the branch's WIP commits not at all", async () => {
    const { previous, changes } = await collectChanges(repo, "v1.1.0");
    assert.equal(previous, "v1.0.1");
    const subjects = changes.map((c) => `${c.type}:${c.subject}`);
    assert.deepEqual(subjects.sort(), [
      "docs:explain budgets",
      "feat:add awk to standard",
      "feat:drop the legacy inittab",
      "fix:a late fix",
      "other:Update README",
      "perf:parallel service start",
    ]);
    const merged = changes.find((c) => c.type === "perf")!;
    assert.equal(merged.pr, 9);
    const squashed = changes.find((c) => c.subject === "add awk to standard")!;
    assert.equal(squashed.pr, 7);
    assert.equal(squashed.scope, "busybox");
    assert.equal(squashed.author, "Ken Ito");
    assert.equal(changes.find((c) => c.subject === "drop the legacy inittab")!.breaking, true);
  });

  it("renders grouped notes with PR links, authors, sizes with Δ, benchmarks and pull lines", async () => {
    const { previous, changes } = await collectChanges(repo, "v1.1.0");
    const md = renderNotes({
      version: "1.1.0",
      tag: "v1.1.0",
      ...(previous ? { previous } : {}),
      changes,
      repoUrl: "https://github.com/kimigayo/kimigayo",
      sizes: [{ variant: "standard", platform: "linux/amd64", size: 536_576, compressed: 250_000, previous: 540_672 }],
      bench: [{ name: "boot to ready (standard)", value: "10 ms", target: "≤ 20 ms", ok: true }],
      images: [{ variant: "standard", image: "ghcr.io/kimigayo/kimigayo", index: `sha256:${"a".repeat(64)}`, tags: ["1.1.0", "latest"] }],
    });
    const order = ["### Features", "### Bug fixes", "### Performance", "### Documentation", "### Other changes"].map((h) => md.indexOf(h));
    assert.ok(order.every((i) => i > 0));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      "sections in type order",
    );
    assert.match(md, /- \*\*busybox:\*\* add awk to standard \(\[#7\]\(https:\/\/github\.com\/kimigayo\/kimigayo\/pull\/7\)\) — Ken Ito/);
    assert.match(md, /- parallel service start \(\[#9\]/);
    assert.match(md, /⚠️ Breaking: drop the legacy inittab/);
    assert.match(md, /2 features, 1 fix, 1 performance improvement since v1\.0\.1/);
    assert.match(md, /\| standard \| linux\/amd64 \| 536,576 B \| 250,000 B \| −4,096 B \(-0\.8%\) \|/);
    assert.match(md, /docker pull ghcr\.io\/kimigayo\/kimigayo@sha256:a{64} {3}# standard/);
    assert.doesNotMatch(md, /wip/);
  });

  it("a tag that does not exist is bad input", async () => {
    await assert.rejects(collectChanges(repo, "v9.9.9"), (e: unknown) => e instanceof UsageError && /does not exist/.test(e.message));
  });

  it("parses conventional commits and leaves the rest as other", () => {
    const table: [string, Partial<ReturnType<typeof parseCommit>>][] = [
      ["feat(x): y", { type: "feat", scope: "x", subject: "y", breaking: false }],
      ["fix!: z", { type: "fix", breaking: true }],
      ["refactor: r (#12)", { type: "refactor", subject: "r", pr: 12 }],
      ["wibble: not a type", { type: "other", subject: "wibble: not a type" }],
      ["Merge pull request #3 from a/b\n\nfix: from the merge body", { type: "fix", subject: "from the merge body", pr: 3 }],
      ["chore: c\n\nBREAKING-CHANGE: yes", { type: "chore", breaking: true }],
    ];
    for (const [msg, want] of table) {
      const got = parseCommit("0".repeat(40), "A", msg);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(got[k as keyof typeof got], v, `${msg}: ${k}`);
    }
    assert.equal(formatDelta(100, undefined), "new");
    assert.equal(formatDelta(100, 100), "±0");
    assert.equal(formatDelta(110, 100), "+10 B (+10.0%)");
  });
});
