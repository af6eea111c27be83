/** notes: RELEASE_NOTES.md from the git history, the sizes, the benchmark and the pushed images with the tags they get. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { githubClient } from "../../github/client.js";
import { readPullRequest } from "../../github/pulls.js";
import { collectChanges, withPullAuthors } from "../../release/changes.js";
import { plannedTags } from "../../publish/tags.js";
import { renderNotes, type ImageRow, type SizeRow } from "../../release/notes.js";
import { readPreviousRelease, type Baseline } from "../../release/benchmarks.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";

export const notes: Stage<ReleaseContext> = {
  name: "notes",
  async run(ctx) {
    const req = ctx.release;
    const size = need(ctx.size, "the size report", "notes");
    const pushed = need(ctx.untagged, "the pushed images", "notes");
    const tags = need(ctx.tags, "the tag plan", "notes");
    let set = await collectChanges(req.repoDir, req.tag, { untaggedHead: req.dryRun });
    // The previous release's benchmark and size assets: what this release's figures are compared with.
    let baseline: Baseline = {
      none: set.previous
        ? `No GitHub token: not compared with ${set.previous}.`
        : "The first release: there is nothing to compare against.",
    };
    // With a token, each change is credited to its pull request's author as GitHub knows them.
    if (ctx.github) {
      const gh = ctx.github;
      const client = githubClient({ token: gh.token, log: ctx.log, ...(req.apiUrl ? { apiUrl: req.apiUrl } : {}) });
      set = await withPullAuthors(
        set,
        async (pullNumber) => (await readPullRequest({ client, owner: gh.owner, repo: gh.repo, pullNumber })).author,
      );
      if (set.previous) {
        const release = await readPreviousRelease(client.octokit, gh.owner, gh.repo, set.previous);
        baseline = release ? { release } : { none: `${set.previous} has no GitHub Release: there is nothing to compare against.` };
        ctx.log.info(
          release
            ? `compared with the GitHub Release ${set.previous}: ${release.bench.map((b) => `${b.platform} (${b.execution})`).join(", ") || "no benchmark"}; ${release.size ? "its size report" : "no size report"}`
            : `${set.previous} has no GitHub Release: nothing to compare with`,
        );
      }
    }
    const { previous, changes, newContributors } = set;
    const prevSize = "release" in baseline ? baseline.release.size : undefined;
    const sizes: SizeRow[] = size.report.images.map((i) => {
      const before = prevSize
        ? prevSize.images.find((p) => p.variant === i.variant && p.platform === i.platform)?.uncompressed
        : i.baseline?.uncompressed;
      return {
        variant: i.variant,
        platform: i.platform,
        size: i.uncompressed,
        compressed: i.compressed,
        ...(before != null ? { previous: before } : {}),
      };
    });
    // Written before the tag stage: each image with the tags the tag stage gives it.
    const images: ImageRow[] = pushed.variants.map((v) => ({
      variant: v.variant,
      image: req.image,
      index: v.index,
      tags: plannedTags(tags, v.variant),
    }));
    const env = req.env ?? process.env;
    const server = env.GITHUB_SERVER_URL ?? (ctx.github ? "https://github.com" : undefined);
    const repository = ctx.github ? `${ctx.github.owner}/${ctx.github.repo}` : env.GITHUB_REPOSITORY;
    const repoUrl = server && repository ? `${server}/${repository}` : undefined;
    const text = renderNotes({
      version: tags.version ?? ctx.config.version,
      tag: req.tag,
      ...(previous ? { previous } : {}),
      changes,
      newContributors,
      ...(repoUrl ? { repoUrl } : {}),
      sizes,
      ...(ctx.bench ? { bench: ctx.bench } : {}),
      ...(ctx.benchmarks ? { benchmarks: ctx.benchmarks } : {}),
      baseline,
      images,
      ...(ctx.config.noteTypes ? { types: ctx.config.noteTypes } : {}),
    });
    ctx.notes = { text, ...(previous ? { previous } : {}) };
  },
};

/** Where the notes go: the output folder and the repository (for the workflow's next steps). */
export async function writeNotes(ctx: ReleaseContext): Promise<void> {
  const text = need(ctx.notes, "the notes", "assets").text;
  await writeFile(join(ctx.outDir, "RELEASE_NOTES.md"), text);
  await writeFile(join(ctx.release.repoDir, "RELEASE_NOTES.md"), text);
}
