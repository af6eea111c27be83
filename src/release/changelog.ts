/**
 * CHANGELOG.md at the repository root, one section per stable release, newest first:
 *
 *   ## [2.1.0](https://github.com/OWNER/REPO/compare/v2.0.1...v2.1.0) (2026-11-30)
 *
 * followed by the release notes' changes (the same groups, folded rest and first-time
 * contributors as the GitHub Release, from git history alone, so any machine writes the same
 * text). Writing a release's section is idempotent: a section for that version is replaced in
 * place, so a re-run leaves the file as it was; a new one goes where its version sorts. Text
 * outside the sections (the header, hand-written notes under a section) is kept as written.
 * Pre-releases get no section: the stable release's section covers its release candidates.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { UsageError } from "../lib/errors.js";
import { git } from "../lib/git.js";
import { compareSemver, parseSemver } from "../lib/version.js";
import { collectChanges } from "./changes.js";
import { changesBody, compareUrl, type NoteType } from "./notes.js";

export const CHANGELOG_HEADER = [
  "# Changelog",
  "",
  "Every release of Kimigayo OS and its build action, newest first. Each section is written by",
  "`kimigayo changelog` when the release is made (the release workflow commits it); the GitHub",
  "Release of each tag carries the same changes with the image sizes, benchmark and digests.",
  "",
].join("\n");

/** "## [2.1.0](…) (date)" or "## 2.1.0 (date)": the version a section heading is for. */
const SECTION = /^## \[?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\]?/;

export interface ChangelogSection {
  version: string;
  text: string;
}

/** Puts `section` into `file`'s text: replaced when its version has a section, else inserted in version order. */
export function upsertSection(file: string, section: ChangelogSection): { text: string; changed: boolean } {
  const body = file.trim() === "" ? `${CHANGELOG_HEADER}\n` : file;
  const lines = body.replace(/\r\n/g, "\n").split("\n");
  const heads = lines.flatMap((l, i) => {
    const m = SECTION.exec(l);
    const v = m ? parseSemver(m[1]!) : undefined;
    return m && v ? [{ i, version: m[1]!, v }] : [];
  });
  const want = parseSemver(section.version);
  if (!want) throw new UsageError(`changelog: ${section.version} is not a version (X.Y.Z)`);
  const block = section.text.trimEnd().split("\n");
  const same = heads.findIndex((h) => compareSemver(h.v, want) === 0);
  let out: string[];
  if (same >= 0) {
    const end = heads[same + 1]?.i ?? lines.length;
    out = [...lines.slice(0, heads[same]!.i), ...block, "", ...lines.slice(end)];
  } else {
    const before = heads.find((h) => compareSemver(h.v, want) < 0);
    const at = before?.i ?? lines.length;
    const head = lines.slice(0, at);
    while (head.length > 0 && head.at(-1) === "") head.pop();
    out = [...head, "", ...block, "", ...lines.slice(at)];
  }
  const text = `${out.join("\n").trimEnd()}\n`;
  return { text, changed: text !== body };
}

async function tagDate(cwd: string, tag: string): Promise<string> {
  return (await git(cwd, ["for-each-ref", "--format=%(creatordate:short)", `refs/tags/${tag}`]).catch(() => "")).trim();
}

/** The section of one release tag, from git history. */
async function changelogSection(
  cwd: string,
  tag: string,
  opts: { repoUrl?: string; types?: readonly NoteType[] } = {},
): Promise<ChangelogSection> {
  const { previous, changes, newContributors } = await collectChanges(cwd, tag);
  const version = tag.replace(/^v/, "");
  const link = compareUrl({ ...(opts.repoUrl ? { repoUrl: opts.repoUrl } : {}), ...(previous ? { previous } : {}), tag });
  const date = await tagDate(cwd, tag);
  const heading = `## ${link ? `[${version}](${link})` : version}${date ? ` (${date})` : ""}`;
  const body = changesBody(
    {
      tag,
      ...(previous ? { previous } : {}),
      changes,
      newContributors,
      ...(opts.repoUrl ? { repoUrl: opts.repoUrl } : {}),
      ...(opts.types ? { types: opts.types } : {}),
    },
    "###",
    { compare: false },
  );
  return { version, text: [heading, "", ...body].join("\n").trimEnd() };
}

export interface ChangelogResult {
  file: string;
  /** The tags given a section (pre-releases are left out). */
  tags: string[];
  /** Why nothing was written, for a pre-release. */
  skipped?: string;
  changed: boolean;
}

/** Writes the sections of `tags` into `file` (created with a header when missing). */
export async function writeChangelog(opts: {
  cwd: string;
  file: string;
  tags: string[];
  repoUrl?: string;
  types?: readonly NoteType[];
}): Promise<ChangelogResult> {
  const stable = opts.tags.filter((t) => parseSemver(t.replace(/^v/, ""))?.prerelease.length === 0);
  if (stable.length === 0)
    return {
      file: opts.file,
      tags: [],
      changed: false,
      skipped: `${opts.tags.join(", ")}: a pre-release gets no section; the stable release's covers it`,
    };
  const before = await readFile(opts.file, "utf8").catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return "";
    throw err;
  });
  let text = before;
  for (const tag of stable) {
    const section = await changelogSection(opts.cwd, tag, {
      ...(opts.repoUrl ? { repoUrl: opts.repoUrl } : {}),
      ...(opts.types ? { types: opts.types } : {}),
    });
    text = upsertSection(text, section).text;
  }
  const changed = text !== before;
  if (changed) {
    await mkdir(dirname(opts.file), { recursive: true });
    await writeFile(opts.file, text);
  }
  return { file: opts.file, tags: stable, changed };
}
