/**
 * Real git repositories for tests, built in a temporary folder: commits with given authors, branches,
 * merges as GitHub makes them ("Merge pull request #N from …" with the PR title on the body's first
 * line, committed by the merger), squash commits and `git revert`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GitFixture {
  dir: string;
  git(...args: string[]): string;
  /** A commit touching a file of its own; returns its sha. */
  commit(message: string, author?: string): string;
  /** `git merge --no-ff branch` as GitHub's merge button writes it, by `merger`. */
  mergePr(branch: string, pr: number, title: string, merger?: string): string;
  /** `git revert --no-edit sha`, by `author`; returns the revert's sha. */
  revert(sha: string, author?: string): string;
  remove(): void;
}

export const MAINTAINER = "Mai Tainer <mai@example.com>";

function split(author: string): { name: string; email: string } {
  const m = /^(.*?)\s*<([^>]*)>$/.exec(author);
  return m ? { name: m[1]!, email: m[2]! } : { name: author, email: "nobody@example.com" };
}

export function gitFixture(prefix = "kimigayo-git-"): GitFixture {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_SYSTEM: "/dev/null" },
    }).trim();
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Mai Tainer");
  git("config", "user.email", "mai@example.com");
  git("config", "commit.gpgsign", "false");
  const as = (author: string, f: () => void) => {
    const { name, email } = split(author);
    const keep = [process.env.GIT_AUTHOR_NAME, process.env.GIT_AUTHOR_EMAIL];
    process.env.GIT_AUTHOR_NAME = name;
    process.env.GIT_AUTHOR_EMAIL = email;
    try {
      f();
    } finally {
      if (keep[0] === undefined) delete process.env.GIT_AUTHOR_NAME;
      else process.env.GIT_AUTHOR_NAME = keep[0];
      if (keep[1] === undefined) delete process.env.GIT_AUTHOR_EMAIL;
      else process.env.GIT_AUTHOR_EMAIL = keep[1];
    }
  };
  return {
    dir,
    git,
    commit(message, author = MAINTAINER) {
      writeFileSync(join(dir, `f${++n}`), String(n));
      git("add", `f${n}`);
      as(author, () => git("commit", "-q", "-m", message));
      return git("rev-parse", "HEAD");
    },
    mergePr(branch, pr, title, merger = MAINTAINER) {
      as(merger, () => git("merge", "-q", "--no-ff", branch, "-m", `Merge pull request #${pr} from someone/${branch}\n\n${title}`));
      return git("rev-parse", "HEAD");
    },
    revert(sha, author = MAINTAINER) {
      as(author, () => git("revert", "--no-edit", sha));
      return git("rev-parse", "HEAD");
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
