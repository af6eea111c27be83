import { UsageError } from "../lib/errors.js";
import { release } from "../pipeline/release.js";
import { parseEngine } from "../stages/engine.js";
import { parseCommandArgs, str } from "./args.js";
import type { Command } from "./main.js";
import { formatPublish } from "./publish.js";

const USAGE = `usage: kimigayo release --tag vX.Y.Z [--dry-run] [--image REPO] [--out DIR] [--repo OWNER/NAME] [--engine E] [--baseline B] [--bench-runs N] [--json]

Runs the whole release for a git tag: build -> size-check (a failure stops the release) ->
push by digest -> smoke -> bench -> tags -> RELEASE_NOTES.md and assets -> GitHub Release.
A re-run updates the same release and replaces its assets.
  --tag       the release tag; it must exist in git and match version: in the config
  --dry-run   no GitHub call: write RELEASE_NOTES.md and push only to --image; --tag defaults to
              v<version> and may be a tag not made yet (HEAD is previewed as that tag)
  --image     repository (default: image: in the config, e.g. 127.0.0.1:5000/kimigayo)
  --repo      GitHub repository owner/name (default GITHUB_REPOSITORY); the token comes from GITHUB_TOKEN
  --baseline  size baseline for the notes' Δ column: a report file, an image, or last-release
  --bench-runs  runs per benchmark case (default 5; 0 skips the benchmark stage)`;

function benchRuns(s: string): number {
  if (!/^\d+$/.test(s)) throw new UsageError(`release: --bench-runs must be a whole number (0 skips the benchmark), got "${s}"`);
  return Number(s);
}

export const releaseCommand: Command = {
  name: "release",
  summary: "build, check, publish and create the GitHub Release for a tag (--dry-run: local only)",
  usage: USAGE,
  async run(ctx) {
    const o = parseCommandArgs(
      "release",
      ctx.argv,
      {
        tag: { type: "string" },
        "dry-run": { type: "boolean" },
        image: { type: "string" },
        out: { type: "string" },
        repo: { type: "string" },
        engine: { type: "string" },
        baseline: { type: "string" },
        "bench-runs": { type: "string" },
      },
      USAGE,
    );
    const cfg = await ctx.config(str(o.config));
    // A dry run previews the configured version's release when no tag is given.
    const tag = str(o.tag) ?? (o["dry-run"] ? `v${cfg.version}` : undefined);
    if (!tag) throw new UsageError(`release needs --tag vX.Y.Z\n\n${USAGE}`);
    const result = await release({
      config: cfg,
      tag,
      dryRun: o["dry-run"] === true,
      image: str(o.image) ?? cfg.image,
      outDir: str(o.out) ?? "out",
      repoDir: process.cwd(),
      log: ctx.log,
      ...(str(o.engine) ? { engine: parseEngine(str(o.engine)!) } : {}),
      ...(str(o.repo) ? { repository: str(o.repo)! } : {}),
      ...(str(o.baseline) ? { sizeBaseline: str(o.baseline)! } : {}),
      ...(str(o["bench-runs"]) !== undefined ? { benchRuns: benchRuns(str(o["bench-runs"])!) } : {}),
    });
    ctx.log.info(`\n${formatPublish(result.images)}`);
    ctx.log.info(
      result.release ? `release: ${result.release.url} (${result.release.action})` : "dry run: RELEASE_NOTES.md written, no GitHub Release",
    );
    if (o.json) ctx.out.write(`${JSON.stringify({ ...result, notes: undefined }, null, 2)}\n`);
    return 0;
  },
};
