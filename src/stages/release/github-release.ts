/**
 * github-release: the GitHub Release for the tag, immutable-release-safe (src/github/releases.ts):
 * a draft, every asset, each sha256 checked as GitHub reports it against SHA256SUMS, then published
 * once. A re-run on a published release changes nothing: it verifies, and fails (exit 1) naming
 * each difference; a re-run on a draft completes it.
 */
import { basename } from "node:path";
import { githubClient } from "../../github/client.js";
import { publishRelease } from "../../github/releases.js";
import { CheckFailure } from "../../lib/errors.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";
import { BENCH_ASSET, SIZE_ASSET } from "../../release/benchmarks.js";

/** The assets that hold measurements (benchmark-<arch>.json, size-report.json), not the release's contents. */
const REPORT_ASSET = new RegExp(`^(${BENCH_ASSET.source.slice(1, -1)}|${SIZE_ASSET.replace(".", "\\.")})$`);

const contentType = (path: string) =>
  path.endsWith(".spdx.json")
    ? "application/spdx+json"
    : path.endsWith(".json")
      ? "application/json"
      : path.endsWith(".tar")
        ? "application/x-tar"
        : "text/plain";

export const githubRelease: Stage<ReleaseContext> = {
  name: "github-release",
  skip: (ctx) => (ctx.release.dryRun ? `dry run: no GitHub Release; images are in ${ctx.release.image}` : false),
  async run(ctx) {
    const req = ctx.release;
    const gh = need(ctx.github, "the GitHub token and repository", "github-release");
    const tags = need(ctx.tags, "the tag plan", "github-release");
    const client = githubClient({ token: gh.token, log: ctx.log, ...(req.apiUrl ? { apiUrl: req.apiUrl } : {}) });
    const r = await publishRelease({
      client,
      owner: gh.owner,
      repo: gh.repo,
      tag: req.tag,
      name: `Kimigayo OS ${tags.version ?? ctx.config.version}`,
      body: need(ctx.notes, "the notes", "github-release").text,
      prerelease: tags.prerelease,
      assets: ctx.assets.map((path) => ({ name: basename(path), path, contentType: contentType(path) })),
      unlisted: ctx.assets.map((path) => basename(path)).filter((name) => REPORT_ASSET.test(name)),
      ...(req.onReleaseStep ? { onStep: req.onReleaseStep } : {}),
    });
    ctx.githubRelease = { id: r.id, url: r.url, action: r.action };
    // A re-run measures again: the benchmark and size-report assets of a published release are
    // its first run's figures, and they stand (the images, tars and SBOMs must be the same bytes).
    const remeasured = r.differences.filter((d) => REPORT_ASSET.test(d.split(":")[0]!));
    if (remeasured.length > 0)
      ctx.log.warn(
        `GitHub Release ${req.tag} keeps the figures it was published with; this run measured again:\n  ${remeasured.join("\n  ")}`,
      );
    const differences = r.differences.filter((d) => !remeasured.includes(d));
    if (differences.length > 0) {
      throw new CheckFailure(
        `GitHub Release ${req.tag} is already published and differs from this run's assets; nothing was changed (a published release is never replaced):\n  ${differences.join("\n  ")}`,
        differences,
      );
    }
    ctx.log.info(
      r.action === "verified"
        ? `GitHub Release ${req.tag} was already published with these assets, sha256 verified: nothing changed (${r.url})`
        : `GitHub Release ${r.action === "created" ? "published" : "completed and published"}: ${r.url} (${r.uploaded.length} asset(s) uploaded)`,
    );
  },
};
