/**
 * scripts/worktree.sh, which scripts/test.sh uses to prove that a test run changed nothing in the
 * working tree: each kind of change is named, and only what a test run may touch is left out.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";

const SCRIPT = join(import.meta.dirname, "../../scripts/worktree.sh");
const work = mkdtempSync(join(tmpdir(), "worktree-test-"));
after(() => rmSync(work, { recursive: true, force: true }));

function sh(args: string[]): string {
  const r = spawnSync("bash", [SCRIPT, ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe("scripts/worktree.sh", () => {
  it("names every changed, added, removed or re-moded path, and nothing else", () => {
    const tree = join(work, "repo");
    const file = (p: string, text: string) => {
      mkdirSync(join(tree, p, ".."), { recursive: true });
      writeFileSync(join(tree, p), text);
    };
    file("README.md", "hello\n");
    file("src/a.ts", "export const a = 1;\n");
    file("src/b.ts", "export const b = 2;\n");
    file("RELEASE_NOTES.md", "ignored by git, still watched\n");
    file("node_modules/pkg/index.js", "module.exports = 1;\n");
    file("node_modules/@vercel/ncc/dist/ncc/cli.js.cache", "v8 cache 1");
    file(".git/index", "git's own");
    file(".kimigayo/unit.tap", "TAP version 13\n");
    file("old name.txt", "with a space\n");
    symlinkSync("src/a.ts", join(tree, "link"));
    const before = join(work, "before");
    writeFileSync(before, sh(["snapshot", tree]));

    file("src/a.ts", "export const a = 9;\n"); // same size, other content
    chmodSync(join(tree, "src/b.ts"), 0o755);
    file("RELEASE_NOTES.md", "overwritten by a test\n");
    file("node_modules/pkg/index.js", "module.exports = 2;\n");
    file("out/build.json", "{}\n");
    unlinkSync(join(tree, "old name.txt"));
    unlinkSync(join(tree, "link"));
    symlinkSync("src/b.ts", join(tree, "link"));
    // What a run may change: git's own files, the TAP output, ncc's code cache.
    file(".git/index", "git changed it");
    file(".kimigayo/unit.tap", "TAP version 13\nok 1\n");
    file("node_modules/@vercel/ncc/dist/ncc/cli.js.cache", "v8 cache 2");
    const afterSnap = join(work, "after");
    writeFileSync(afterSnap, sh(["snapshot", tree]));

    assert.deepEqual(sh(["changed", before, afterSnap]).trim().split("\n"), [
      "./RELEASE_NOTES.md",
      "./link",
      "./node_modules/pkg/index.js",
      "./old name.txt",
      "./out",
      "./out/build.json",
      "./src/a.ts",
      "./src/b.ts",
    ]);
    assert.equal(sh(["changed", before, before]), "", "no change, no line");
  });

  it("refuses a call it does not know, with its usage and exit 2", () => {
    const r = spawnSync("bash", [SCRIPT, "compare"], { encoding: "utf8" });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /usage: worktree\.sh snapshot \[DIR\] \| changed BEFORE AFTER/);
  });
});
