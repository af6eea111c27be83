import { resolve } from "node:path";
import { UsageError } from "../lib/errors.js";
import { isGitRepository, releaseTags, sourceUrl, tagExists } from "../lib/git.js";
import { parseSemver } from "../lib/version.js";
import { writeChangelog, type ChangelogResult } from "../release/changelog.js";
import { commonOptions, outputFile, parseCommandArgs, str } from "./args.js";
import type { Command, CommandContext, CommandOptions } from "./command.js";

const USAGE = `usage: kimigayo changelog (--tag vX.Y.Z | --all) [--file CHANGELOG.md] [--repo OWNER/NAME] [--json]

Writes the release's section of CHANGELOG.md (the release notes' changes, from git history) into
the repository's CHANGELOG.md: a section already there for that version is replaced in place, so a
re-run changes nothing; a new one goes where its version sorts. Pre-releases get no section.
  --tag    the release tag (it must exist in git)
  --all    a section for every stable vX.Y.Z tag (a CHANGELOG.md for the history so far)
  --file   the changelog (default CHANGELOG.md in the current folder)
  --repo   GitHub repository owner/name for the links (default GITHUB_REPOSITORY, else the
           origin remote's web address)`;

export interface ChangelogOptions extends CommandOptions {
  tag?: string;
  all: boolean;
  file: string;
  repo?: string;
}

export function parseChangelogOptions(argv: string[]): ChangelogOptions {
  const o = parseCommandArgs(
    "changelog",
    argv,
    { tag: { type: "string" }, all: { type: "boolean" }, file: { type: "string" }, repo: { type: "string" } },
    USAGE,
  );
  const tag = str(o.tag);
  const all = o.all === true;
  if (tag && all) throw new UsageError(`changelog: --tag and --all exclude each other\n\n${USAGE}`);
  if (!tag && !all) throw new UsageError(`changelog needs --tag vX.Y.Z or --all\n\n${USAGE}`);
  if (tag && (!tag.startsWith("v") || !parseSemver(tag.slice(1))))
    throw new UsageError(`changelog: --tag ${JSON.stringify(tag)} is not a release tag; expected vX.Y.Z or vX.Y.Z-pre`);
  const repo = str(o.repo);
  if (repo !== undefined && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repo))
    throw new UsageError(`changelog: --repo ${JSON.stringify(repo)} is not OWNER/NAME`);
  return {
    ...commonOptions(o),
    ...(tag ? { tag } : {}),
    all,
    file: outputFile("--file", str(o.file) ?? "CHANGELOG.md"),
    ...(repo ? { repo } : {}),
  };
}

/** The repository's web address for the links: --repo, else GITHUB_REPOSITORY, else the origin remote. */
async function repoUrl(ctx: CommandContext, repo: string | undefined): Promise<string | undefined> {
  if (repo) return `${(ctx.env.GITHUB_SERVER_URL ?? "https://github.com").replace(/\/+$/, "")}/${repo}`;
  return sourceUrl(ctx.cwd, ctx.env);
}

export async function changelog(ctx: CommandContext, o: ChangelogOptions): Promise<ChangelogResult> {
  if (!(await isGitRepository(ctx.cwd)))
    throw new UsageError(
      `changelog: ${ctx.cwd} is not a git repository (or git is missing): the changelog is written from its tags and history`,
    );
  // The config (release_notes.types) is read before any work, so a bad one is named first.
  const types = (await ctx.config(o.config)).noteTypes;
  let tags: string[];
  if (o.tag) {
    if (!(await tagExists(ctx.cwd, o.tag)))
      throw new UsageError(`changelog: tag ${o.tag} does not exist in ${ctx.cwd} (fetch the tags: git fetch --tags)`);
    tags = [o.tag];
  } else {
    tags = (await releaseTags(ctx.cwd)).filter((t) => parseSemver(t.slice(1)) !== undefined && /^v\d/.test(t));
  }
  const url = await repoUrl(ctx, o.repo);
  const r = await writeChangelog({
    cwd: ctx.cwd,
    file: resolve(ctx.cwd, o.file),
    tags,
    ...(url ? { repoUrl: url } : {}),
    ...(types ? { types } : {}),
  });
  ctx.log.info(
    r.skipped ??
      (r.tags.length === 0
        ? `no release tags: ${r.file} left as it was`
        : r.changed
          ? `${r.file}: wrote ${r.tags.join(", ")}`
          : `${r.file} already has ${r.tags.join(", ")} as written: nothing changed`),
  );
  return r;
}

export const changelogCommand: Command<ChangelogOptions, ChangelogResult> = {
  name: "changelog",
  summary: "write a release's section of CHANGELOG.md from git history (idempotent)",
  usage: USAGE,
  parse: parseChangelogOptions,
  run: changelog,
  json: (r) => r,
};
