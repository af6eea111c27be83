/** github-release: the GitHub Release for the tag, created or updated (a re-run never makes a second one). */
import { basename } from "node:path";
import { githubClient } from "../../github/client.js";
import { upsertRelease } from "../../github/releases.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";

const contentType = (path: string) =>
  path.endsWith(".json") ? "application/spdx+json" : path.endsWith(".tar") ? "application/x-tar" : "text/plain";

export const githubRelease: Stage<ReleaseContext> = {
  name: "github-release",
  skip: (ctx) => (ctx.release.dryRun ? `dry run: no GitHub Release; images are in ${ctx.release.image}` : false),
  async run(ctx) {
    const req = ctx.release;
    const gh = need(ctx.github, "the GitHub token and repository", "github-release");
    const tags = need(ctx.tags, "the tag plan", "github-release");
    const client = githubClient({ token: gh.token, log: ctx.log, ...(req.apiUrl ? { apiUrl: req.apiUrl } : {}) });
    const r = await upsertRelease({
      client,
      owner: gh.owner,
      repo: gh.repo,
      tag: req.tag,
      name: `Kimigayo OS ${tags.version ?? ctx.config.version}`,
      body: need(ctx.notes, "the notes", "github-release").text,
      prerelease: tags.prerelease,
      assets: ctx.assets.map((path) => ({ name: basename(path), path, contentType: contentType(path) })),
    });
    ctx.log.info(`GitHub Release ${r.action}: ${r.url}`);
    ctx.githubRelease = { id: r.id, url: r.url, action: r.action };
  },
};
