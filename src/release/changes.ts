/**
 * Changes since the previous release, from real git history.
 *
 * History is walked along the first parent. A commit there is one of:
 * - a squash-merged pull request or a direct commit: one change, its PR from the trailing "(#N)"s;
 * - a merge commit: the commits it brought in (its second parent's, not reachable from the first
 *   parent or the previous release) are read. When the PR title (the merge message's first body
 *   line) carries a conventional type, the PR is one change of that type; otherwise each of its
 *   commits is a change of its own type, linked to the PR. Breaking footers of every commit count.
 * A merge without a pull request ("Merge branch 'x'") lists its branch's commits, each linked to
 * itself; a branch commit that is a cherry-pick of one already on the line (the same patch, or named
 * by its "(cherry picked from commit …)" line) is left out, so the change appears once.
 * Commit messages are parsed by conventional-commits-parser: types are case-insensitive, a "!" or a
 * `BREAKING CHANGE:` / `BREAKING-CHANGE:` footer (text on the same or the next line) is breaking.
 * Every such footer counts, each with its own text only: up to a blank line or the next footer
 * (a squash's list of commits after it is not part of the note).
 * Reverts are paired: a revert of a change in the same range removes both; a revert of an older
 * change is listed as a revert. A revert of a revert (`Revert "Revert "…""`, git's `Reapply "…"`)
 * undoes what that revert did: the change comes back, under its own type. The release's own
 * commits ("chore(main): release 1.2.0", "chore(release): …") are left out.
 * A change is credited to its pull request's author: the author of the branch's first commit, or
 * of the squash commit (GitHub writes the PR author there), never the merger; `withPullAuthors`
 * replaces that with the PR's author on GitHub when a token is there.
 */
import { CommitParser } from "conventional-commits-parser";
import { UsageError } from "../lib/errors.js";
import { git, tagExists } from "../lib/git.js";
import { compareSemver, parseSemver } from "../lib/version.js";

export interface Author {
  name: string;
  email?: string;
  /** The GitHub login, when GitHub was asked. */
  login?: string;
  bot: boolean;
}

export interface Change {
  /** The commit on the first parent this change came from (a merge, a squash, a direct commit). */
  sha: string;
  /** Every commit it stands for (the merge and its branch's commits): what a revert may name. */
  shas: string[];
  /** Lower-cased conventional type, or "other". */
  type: string;
  scope?: string;
  subject: string;
  /** The header as written (PR suffix removed): what a `Revert "…"` names. */
  header: string;
  breaking: boolean;
  /** Texts of the BREAKING CHANGE footers (or the subject of a "!" header). */
  breakingNotes: string[];
  author: Author;
  pr?: number;
  /** Further "(#N)" numbers of a squash subject ("fix: x (#12) (#34)": pr 34, refs [12]). */
  refs?: number[];
  /** Set on a revert of a change outside the range: the header it reverts. */
  reverts?: string;
}

export interface ChangeSet {
  previous?: string;
  /** The revision the release stands for (the tag, or HEAD in a dry run). */
  rev: string;
  /** Newest first, as git log lists them. */
  changes: Change[];
  /** Authors of the changes whose first commit in the repository is in this range. */
  newContributors: Author[];
}

/** What a message says, before it becomes a change. */
interface Parsed {
  type?: string;
  scope?: string;
  subject: string;
  header: string;
  bang: boolean;
  notes: string[];
  prs: number[];
  revert?: Revert;
}

/** What a revert names: the commit, the header it reverts, and through how many reverts the original change is reached. */
interface Revert {
  sha?: string;
  header?: string;
  /** 1 for a revert, 2 for a revert of a revert (the change restored), … */
  depth: number;
  /** The header of the change at the bottom of the chain. */
  original: string;
}

const parser = new CommitParser({
  headerPattern: /^(\w+)(?:\(([^)]*)\))?!?: (.*)$/,
  breakingHeaderPattern: /^(\w+)(?:\(([^)]*)\))?!: (.*)$/,
});

const MERGE_PR = /^Merge pull request #(\d+) from \S+/;
const MERGE_ANY = /^Merge (?:branch|remote-tracking branch|tag|commit) /;
const SQUASH_PRS = /(?:\s\(#\d+\))+$/;
/** git's revert subject; git ≥ 2.43 writes a revert of a revert as Reapply "…". */
const REVERT_HEADER = /^(Revert|Reapply) "(.+)"$/;
const CHERRY_PICKED = /\(cherry picked from commit ([0-9a-f]{7,40})\)/g;
const REVERTS_SHA = /This reverts commit ([0-9a-f]{7,40})/;
/** The release's own bookkeeping: release-please's "chore(main): release 1.2.0", "chore(release): …", "Release v1.2.0". */
const RELEASE_COMMIT =
  /^(?:chore(?:\([^)]*\))?!?:\s*release\s+(?:\S+\s+)?(?:v?\d+\.\d+\.\d+|main|master)\b|chore\(release\)|release:?\s+v?\d+\.\d+\.\d+)/i;

export function isReleaseCommit(header: string): boolean {
  return RELEASE_COMMIT.test(header.trim());
}

function isBot(name: string, email = "", type?: string): boolean {
  return type === "Bot" || /\[bot\]$/i.test(name) || /\[bot\]@users\.noreply\.github\.com$/i.test(email);
}

/**
 * A footer's own text: from its first line to a blank line or the next footer line ("Token: …",
 * "Token #…", as git trailers and conventional commits write them).
 */
function footerText(note: string): string {
  const out: string[] = [];
  for (const line of note.replace(/\r\n/g, "\n").split("\n")) {
    if (line.trim() === "") {
      if (out.length > 0) break;
      continue;
    }
    if (out.length > 0 && /^(?:BREAKING[ -]CHANGE|[A-Za-z][\w-]*)(?:: | #)/.test(line)) break;
    out.push(line.trim());
  }
  return out.join("\n");
}

/** Unwraps `Revert "…"` / `Reapply "…"` (and a conventional "revert: …") down to the original header. */
function revertChain(header: string, conventionalRevert?: string): { depth: number; original: string } | undefined {
  let depth = 0;
  let h = header;
  for (let m = REVERT_HEADER.exec(h); m; m = REVERT_HEADER.exec(h)) {
    depth += m[1] === "Reapply" ? 2 : 1;
    h = m[2]!.replace(SQUASH_PRS, "").trim();
  }
  if (depth === 0 && conventionalRevert !== undefined) return { depth: 1, original: conventionalRevert.replace(SQUASH_PRS, "").trim() };
  return depth > 0 ? { depth, original: h } : undefined;
}

/** Parses one commit message (or a PR title and body). */
export function parseMessage(message: string): Parsed {
  const text = message.replace(/\r\n/g, "\n").trim();
  let header = (text.split("\n")[0] ?? "").trim();
  const prs: number[] = [];
  const squash = SQUASH_PRS.exec(header);
  if (squash) {
    for (const m of squash[0].matchAll(/#(\d+)/g)) prs.push(Number(m[1]));
    header = header.slice(0, squash.index).trim();
  }
  const body = text.split("\n").slice(1).join("\n");
  const c = parser.parse(`${header}\n${body}`);
  const notes = c.notes
    .filter((n) => /^BREAKING[ -]CHANGE$/i.test(n.title))
    .map((n) => footerText(n.text))
    .filter((t) => t !== "");
  const type = typeof c.type === "string" && c.type ? c.type.toLowerCase() : undefined;
  const bang = type !== undefined && /^\w+(?:\([^)]*\))?!:/.test(header);
  const parsed: Parsed = {
    ...(type ? { type } : {}),
    subject: type && typeof c.subject === "string" ? c.subject : header,
    header,
    bang,
    // A "!" header without a footer says what breaks in its subject.
    notes: notes.length === 0 && bang ? [String(c.subject ?? header)] : notes,
    prs,
  };
  if (type && typeof c.scope === "string" && c.scope) parsed.scope = c.scope;
  const revertHeader = REVERT_HEADER.exec(header)?.[2] ?? (type === "revert" ? parsed.subject : undefined);
  const revertSha = REVERTS_SHA.exec(body)?.[1];
  const chain = revertChain(header, type === "revert" ? parsed.subject : undefined);
  if (revertHeader !== undefined || revertSha !== undefined) {
    const target = revertHeader?.replace(SQUASH_PRS, "").trim();
    parsed.revert = {
      ...(revertSha ? { sha: revertSha } : {}),
      ...(target !== undefined ? { header: target } : {}),
      depth: chain?.depth ?? 1,
      original: chain?.original ?? target ?? header,
    };
  }
  return parsed;
}

function toChange(parsed: Parsed, sha: string, shas: string[], author: Author, known: ReadonlySet<string>, pr?: number): Change {
  // A revert of a revert (an even chain) reads as the change it brings back, under that change's type.
  const restores = parsed.revert !== undefined && parsed.revert.depth % 2 === 0;
  const p = restores ? { ...parseMessage(parsed.revert!.original), prs: parsed.prs } : parsed;
  const revert = restores ? undefined : parsed.revert;
  const typed = p.type !== undefined && known.has(p.type);
  const prs = pr !== undefined ? [pr] : p.prs;
  const change: Change = {
    sha,
    shas,
    type: revert ? "revert" : typed ? p.type! : "other",
    subject: revert ? revert.original : typed ? p.subject : p.header,
    header: parsed.header,
    breaking: !revert && (p.bang || p.notes.length > 0),
    breakingNotes: revert ? [] : p.notes,
    author,
  };
  if (typed && p.scope && !revert) change.scope = p.scope;
  if (prs.length > 0) change.pr = prs.at(-1)!;
  if (prs.length > 1) change.refs = prs.slice(0, -1);
  return change;
}

interface Commit {
  sha: string;
  parents: string[];
  author: Author;
  message: string;
}

const FORMAT = "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%B%x1e";

async function commits(cwd: string, args: string[]): Promise<Commit[]> {
  return (await git(cwd, ["log", FORMAT, ...args]))
    .split("\x1e")
    .map((r) => r.replace(/^\n/, ""))
    .filter((r) => r.trim() !== "")
    .map((r) => {
      const [sha, parents, name, email, message] = r.split("\x1f") as [string, string, string, string, string];
      return {
        sha,
        parents: parents.split(" ").filter(Boolean),
        author: { name, email, bot: isBot(name, email) },
        message: message ?? "",
      };
    });
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

/** The types a change can have besides "other" (the rest land there). */
const CONVENTIONAL_TYPES = ["feat", "fix", "perf", "revert", "refactor", "docs", "build", "ci", "test", "chore", "style"];

/**
 * Pairs the reverts in `changes` (oldest first) with what they revert: the change of the commit a
 * revert names (every change of a merge it names), else the latest change with the header it
 * names. A revert of a change removes both; a revert of a revert undoes what that revert did (the
 * change it removed comes back; one it brought back goes again) and goes itself. A revert whose
 * target is not there stays: as a revert, or, for a revert of a revert, as the change it restores.
 */
function pairReverts(
  changes: Change[],
  revertsOf: Map<Change, { sha?: string; header?: string; depth?: number; original?: string }>,
): Change[] {
  const gone = new Set<Change>();
  /** What each paired revert did: the changes it removed, or brought back. */
  const did = new Map<Change, { removed: Change[] } | { restored: Change[] }>();
  for (const [i, c] of changes.entries()) {
    const r = revertsOf.get(c);
    if (!r) continue;
    const earlier = changes.slice(0, i);
    const live = (t: Change) => !gone.has(t) || did.has(t);
    const targets =
      r.sha !== undefined
        ? earlier.filter((t) => live(t) && t.shas.some((s) => s.startsWith(r.sha!)))
        : earlier.filter((t) => live(t) && r.header !== undefined && t.header === r.header).slice(-1);
    if (targets.length === 0) {
      if ((r.depth ?? 1) % 2 === 1 && (r.original ?? r.header) !== undefined) c.reverts = r.original ?? r.header!;
      continue;
    }
    gone.add(c);
    const removed: Change[] = [];
    const restored: Change[] = [];
    for (const t of targets) {
      const undone = did.get(t);
      if (!undone) {
        gone.add(t);
        removed.push(t);
      } else if ("removed" in undone) {
        for (const x of undone.removed) gone.delete(x);
        restored.push(...undone.removed);
      } else {
        for (const x of undone.restored) gone.add(x);
        removed.push(...undone.restored);
      }
    }
    did.set(c, restored.length > 0 ? { restored } : { removed });
  }
  return changes.filter((x) => !gone.has(x));
}

/**
 * The changes of `tag` since the previous release (or since the first commit). With
 * `untaggedHead`, a tag that does not exist yet stands for HEAD (a dry run previews the release).
 */
export async function collectChanges(
  cwd: string,
  tag: string,
  opts: { previous?: string | null; untaggedHead?: boolean; types?: readonly string[] } = {},
): Promise<ChangeSet> {
  let rev = tag;
  if (!(await tagExists(cwd, tag))) {
    if (!opts.untaggedHead) {
      throw new UsageError(`tag ${tag} does not exist in ${cwd}: create and push it first (git tag ${tag} && git push origin ${tag})`);
    }
    rev = "HEAD";
  }
  const prev = opts.previous === null ? undefined : (opts.previous ?? (await previousRelease(cwd, tag, rev)));
  const known = new Set(opts.types ?? CONVENTIONAL_TYPES);
  known.add("revert");
  const line = await commits(cwd, ["--first-parent", prev ? `${prev}..${rev}` : rev]);
  // Commits the line names as cherry-picked ("git cherry-pick -x"): a branch that brings them again does not list them twice.
  const picked = new Set<string>();
  for (const c of line) for (const m of c.message.matchAll(CHERRY_PICKED)) picked.add(m[1]!);
  const pickedFull = await Promise.all([...picked].map((x) => git(cwd, ["rev-parse", "-q", "--verify", `${x}^{commit}`]).catch(() => "")));
  for (const full of pickedFull) if (full.trim()) picked.add(full.trim());

  const out: Change[] = []; // oldest first while reverts are paired
  const revertsOf = new Map<Change, Revert>();
  const add = (p: Parsed, sha: string, shas: string[], author: Author, pr?: number) => {
    if (isReleaseCommit(p.header)) return;
    const c = toChange(p, sha, shas, author, known, pr);
    if (p.revert) revertsOf.set(c, p.revert);
    out.push(c);
  };
  for (const c of line.reverse()) {
    if (c.parents.length < 2) {
      add(parseMessage(c.message), c.sha, [c.sha], c.author);
      continue;
    }
    const header = c.message.split("\n")[0]!.trim();
    const prMatch = MERGE_PR.exec(header);
    if (!prMatch && !MERGE_ANY.test(header)) {
      // A merge with a message of its own ("feat: x" written by hand): one change.
      add(parseMessage(c.message), c.sha, [c.sha], c.author);
      continue;
    }
    const pr = prMatch ? Number(prMatch[1]) : undefined;
    // The branch's own commits, less those whose patch the line already has (cherry-picked either way).
    const own = new Set(
      (await git(cwd, ["log", "--format=%H", "--no-merges", "--right-only", "--cherry-pick", `${c.parents[0]!}...${c.parents[1]!}`]))
        .split("\n")
        .filter(Boolean),
    );
    const branch = (
      await commits(cwd, [
        "--no-merges",
        "--reverse",
        c.parents[1]!,
        ...c.parents.slice(0, 1).map((p) => `^${p}`),
        ...(prev ? [`^${prev}`] : []),
      ])
    ).filter((b) => !isReleaseCommit(b.message.split("\n")[0] ?? "") && own.has(b.sha) && !picked.has(b.sha));
    const author = branch[0]?.author ?? c.author;
    // GitHub puts the PR's title on the merge message's first non-empty body line.
    const title = prMatch ? c.message.split("\n").slice(1).join("\n").trim() : "";
    const titled = title ? parseMessage(title) : undefined;
    const parsedBranch = branch.map((b) => ({ b, p: parseMessage(b.message) }));
    if (titled?.type && known.has(titled.type)) {
      const notes = [...titled.notes, ...parsedBranch.flatMap(({ p }) => (p.revert ? [] : p.notes))];
      add({ ...titled, notes: [...new Set(notes)] }, c.sha, [c.sha, ...branch.map((b) => b.sha)], author, pr);
    } else if (branch.length === 0) {
      if (titled) add(titled, c.sha, [c.sha], author, pr);
    } else {
      // Each links to its own commit and carries the merge's sha too: a revert of the merge (git revert -m 1) takes them all.
      for (const { b, p } of parsedBranch) add(p, b.sha, [b.sha, c.sha], pr !== undefined ? author : b.author, pr);
    }
  }
  const changes = pairReverts(out, revertsOf).reverse();

  // First-time contributors: no commit of theirs is reachable from the previous release.
  const newContributors: Author[] = [];
  if (prev) {
    const before = new Set((await git(cwd, ["log", "--format=%ae", prev])).split("\n").map((e) => e.trim().toLowerCase()));
    const seen = new Set<string>();
    for (const ch of [...changes].reverse()) {
      const key = (ch.author.email ?? ch.author.name).toLowerCase();
      if (seen.has(key) || ch.author.bot || before.has(key)) continue;
      seen.add(key);
      newContributors.push(ch.author);
    }
  }
  return { ...(prev ? { previous: prev } : {}), rev, changes, newContributors };
}

/** What GitHub says about a pull request's author. */
export interface PullAuthor {
  login: string;
  type?: string;
}

/**
 * Credits each change with a PR to the PR's author on GitHub (`lookup` answers undefined when it
 * cannot tell; the git author stays then). Each PR is asked once.
 */
export async function withPullAuthors(set: ChangeSet, lookup: (pr: number) => Promise<PullAuthor | undefined>): Promise<ChangeSet> {
  const cache = new Map<number, Promise<PullAuthor | undefined>>();
  const ask = (pr: number) => {
    if (!cache.has(pr))
      cache.set(
        pr,
        lookup(pr).catch(() => undefined),
      );
    return cache.get(pr)!;
  };
  const credit = async (c: Change): Promise<Change> => {
    const who = c.pr !== undefined ? await ask(c.pr) : undefined;
    if (!who) return c;
    return { ...c, author: { ...c.author, login: who.login, bot: isBot(who.login, "", who.type) } };
  };
  const changes = await Promise.all(set.changes.map(credit));
  const byKey = new Map(set.changes.map((c, i) => [(c.author.email ?? c.author.name).toLowerCase(), changes[i]!.author]));
  // A bot GitHub names by its type alone (no "[bot]" in its name) is no new contributor either.
  const newContributors = set.newContributors.map((a) => byKey.get((a.email ?? a.name).toLowerCase()) ?? a).filter((a) => !a.bot);
  return { ...set, changes, newContributors };
}
