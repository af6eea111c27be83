/**
 * Changes since the previous release, from real git history, grouped by conventional-commit
 * type. History is read along the first parent, so a merged pull request appears once, as its
 * merge commit (title from the merge message), and a squash-merged one as its commit "(#N)".
 */
import { UsageError } from "../lib/errors.js";
import { run } from "../lib/exec.js";
import { compareSemver, parseSemver } from "../lib/version.js";

export interface Change {
  sha: string;
  type: string; // feat, fix, perf, …, or "other"
  scope?: string;
  breaking: boolean;
  subject: string;
  author: string;
  pr?: number;
}

export interface ChangeGroup {
  title: string;
  changes: Change[];
}

/** Section order: the types users care about first, then the rest, then anything unconventional. */
export const GROUPS: [type: string, title: string][] = [
  ["feat", "Features"],
  ["fix", "Bug fixes"],
  ["perf", "Performance"],
  ["refactor", "Refactoring"],
  ["docs", "Documentation"],
  ["build", "Build"],
  ["ci", "CI"],
  ["test", "Tests"],
  ["chore", "Chores"],
  ["revert", "Reverts"],
  ["style", "Style"],
  ["other", "Other changes"],
];

const CONVENTIONAL = /^(?<type>[a-z]+)(?:\((?<scope>[^)]+)\))?(?<bang>!)?: (?<subject>.+)$/;
const MERGE_PR = /^Merge pull request #(?<pr>\d+) from \S+/;
const SQUASH_PR = /\s\(#(?<pr>\d+)\)$/;

/** One commit's message -> a Change (type "other" when it is not a conventional commit). */
export function parseCommit(sha: string, author: string, message: string): Change {
  const lines = message.split("\n");
  let title = lines[0]!.trim();
  let pr: number | undefined;
  const merge = MERGE_PR.exec(title);
  if (merge) {
    pr = Number(merge.groups!.pr);
    // GitHub puts the pull request's title on the first non-empty body line.
    title =
      lines
        .slice(1)
        .find((l) => l.trim() !== "")
        ?.trim() ?? title;
  }
  const squash = SQUASH_PR.exec(title);
  if (squash) {
    pr ??= Number(squash.groups!.pr);
    title = title.slice(0, squash.index).trim();
  }
  const breakingFooter = /^BREAKING[ -]CHANGE: /m.test(message);
  const m = CONVENTIONAL.exec(title);
  const known = m && GROUPS.some(([t]) => t === m.groups!.type);
  const change: Change = {
    sha,
    type: known ? m.groups!.type! : "other",
    breaking: Boolean(m?.groups!.bang) || breakingFooter,
    subject: known ? m.groups!.subject! : title,
    author,
  };
  if (known && m.groups!.scope) change.scope = m.groups!.scope;
  if (pr !== undefined) change.pr = pr;
  return change;
}

export function groupChanges(changes: Change[]): ChangeGroup[] {
  return GROUPS.map(([type, title]) => ({ title, changes: changes.filter((c) => c.type === type) })).filter((g) => g.changes.length > 0);
}

async function git(cwd: string, args: string[]): Promise<string> {
  const r = await run("git", args, { cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * The release before `tag`: the highest version below it among the repository's v* tags that are
 * ancestors of it. A stable release skips pre-releases (its notes cover the whole rc cycle).
 */
export async function previousRelease(cwd: string, tag: string, rev = tag): Promise<string | undefined> {
  const current = parseSemver(tag.replace(/^v/, ""));
  if (!current) throw new UsageError(`${tag} is not a release tag; expected vX.Y.Z[-pre]`);
  const merged = (await git(cwd, ["tag", "--list", "v*", "--merged", rev])).split("\n").filter(Boolean);
  const older = merged
    .filter((t) => t !== tag)
    .map((t) => ({ t, v: parseSemver(t.replace(/^v/, "")) }))
    .filter((x): x is { t: string; v: NonNullable<typeof x.v> } => x.v !== undefined)
    .filter((x) => compareSemver(x.v, current) < 0 && (current.prerelease.length > 0 || x.v.prerelease.length === 0))
    .sort((a, b) => compareSemver(a.v, b.v));
  return older.at(-1)?.t;
}

/**
 * The changes of `tag` since the previous release (or since the first commit). With
 * `untaggedHead`, a tag that does not exist yet stands for HEAD (a dry run previews the release).
 */
export async function collectChanges(
  cwd: string,
  tag: string,
  opts: { previous?: string | null; untaggedHead?: boolean } = {},
): Promise<{ previous?: string; changes: Change[]; rev: string }> {
  const exists = await run("git", ["rev-parse", "-q", "--verify", `refs/tags/${tag}`], { cwd });
  let rev = tag;
  if (exists.code !== 0) {
    if (!opts.untaggedHead) {
      throw new UsageError(`tag ${tag} does not exist in ${cwd}: create and push it first (git tag ${tag} && git push origin ${tag})`);
    }
    rev = "HEAD";
  }
  const prev = opts.previous === null ? undefined : (opts.previous ?? (await previousRelease(cwd, tag, rev)));
  const range = prev ? `${prev}..${rev}` : rev;
  const SEP = "\x1e";
  const out = await git(cwd, ["log", "--first-parent", `--format=%H%x1f%an%x1f%B${SEP}`, range]);
  const changes = out
    .split(SEP)
    .map((r) => r.trim())
    .filter(Boolean)
    .map((record) => {
      const [sha, author, message] = record.split("\x1f") as [string, string, string];
      return parseCommit(sha, author, message ?? "");
    });
  return { ...(prev ? { previous: prev } : {}), changes, rev };
}
