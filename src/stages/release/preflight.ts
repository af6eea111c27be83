/** preflight: checks that need no work (the tag's form, that it exists, the config version, the token), and the tags. */
import { githubToken } from "../../github/client.js";
import { UsageError } from "../../lib/errors.js";
import { releaseTags } from "../../lib/git.js";
import { planTags } from "../../publish/publish.js";
import { parseSemver } from "../../publish/tags.js";
import { collectChanges } from "../../release/changes.js";
import type { Stage } from "../stage.js";
import { checkPublishedTags } from "./from-published.js";
import type { ReleaseContext, ReleaseRequest } from "./context.js";

/** Checks that need no work; bad input fails here, before any work and before any GitHub call. */
async function checkRelease(req: ReleaseRequest): Promise<{ token: string; owner: string; repo: string } | undefined> {
  const v = parseSemver(req.tag.replace(/^v/, ""));
  if (!/^v/.test(req.tag) || !v)
    throw new UsageError(`--tag ${JSON.stringify(req.tag)} is not a release tag; expected vX.Y.Z or vX.Y.Z-pre (e.g. v2.1.0)`);
  planTags({ kind: "tag", ref: req.tag, existingTags: [] }, req.config);
  // collectChanges refuses a tag that is not in the repository (before anything is built);
  // a dry run previews an untagged HEAD instead.
  const { rev } = await collectChanges(req.repoDir, req.tag, { untaggedHead: req.dryRun });
  if (rev === "HEAD") req.log.warn(`tag ${req.tag} does not exist yet: the dry run previews HEAD as ${req.tag}`);
  if (req.dryRun) return undefined;
  const token = githubToken(req.githubToken, req.env ?? process.env);
  if (!token)
    throw new UsageError(
      "release needs a GitHub token to create the release: set GITHUB_TOKEN or the github-token input (or use --dry-run)",
    );
  const repository = req.repository ?? (req.env ?? process.env).GITHUB_REPOSITORY;
  const m = repository ? /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(repository) : null;
  if (!m)
    throw new UsageError(
      `release needs the GitHub repository as owner/name (--repo or GITHUB_REPOSITORY), got ${JSON.stringify(repository ?? "")}`,
    );
  return { token, owner: m[1]!, repo: m[2]! };
}

export const preflight: Stage<ReleaseContext> = {
  name: "preflight",
  async run(ctx) {
    const github = await checkRelease(ctx.release);
    if (github) ctx.github = github;
    ctx.tags = planTags({ kind: "tag", ref: ctx.release.tag, existingTags: await releaseTags(ctx.release.repoDir) }, ctx.config);
    // From the artifacts of a spread-out release: merge's tags must be this release's.
    if (ctx.release.fromPublished && ctx.untagged) {
      checkPublishedTags(ctx.untagged, ctx.tags, `published.json in ${ctx.release.fromPublished}`, (m) => ctx.log.warn(m));
    }
  },
};
