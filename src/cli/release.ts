import { MAX_RUNS } from "../bench/bench.js";
import { UsageError } from "../lib/errors.js";
import { release, type ReleaseResult } from "../pipeline/release.js";
import { parseEngine, type EngineRequest } from "../build/engine.js";
import {
  commonOptions,
  DEBIAN_MIRROR_OPTION,
  DEBIAN_MIRROR_USAGE,
  debianMirrorFlag,
  imageFlag,
  inputFolder,
  outputFolder,
  parseCommandArgs,
  str,
  wholeNumber,
  withDebianMirror,
} from "./args.js";
import type { Command, CommandContext, CommandOptions } from "./command.js";
import { formatPublish, publishedOutputs } from "./publish.js";

const USAGE = `usage: kimigayo release --tag vX.Y.Z [--dry-run] [--image REPO] [--out DIR] [--repo OWNER/NAME] [--engine E] [--baseline B]
                        [--bench-runs N] [--from-published DIR] [--debian-mirror URL] [--json]

Runs the whole release for a git tag: build -> size-check (a failure stops the release) ->
push by digest -> smoke -> bench -> attest -> RELEASE_NOTES.md and assets -> tags -> GitHub
Release. No tag moves before everything ahead of it has passed.
The GitHub Release is made as a draft, every asset uploaded and its sha256 (as GitHub reports it)
checked against SHA256SUMS, then published once (safe with GitHub's immutable releases). A re-run
on a draft completes it; on a published release it replaces nothing: it verifies the assets and
exits 1 naming each difference.
  --tag       the release tag; it must exist in git and match version: in the config
  --dry-run   no GitHub call: write RELEASE_NOTES.md and push only to --image; --tag defaults to
              v<version> and may be a tag not made yet (HEAD is previewed as that tag)
  --image     repository (default: image: in the config, e.g. 127.0.0.1:5000/kimigayo)
  --repo      GitHub repository owner/name (default GITHUB_REPOSITORY); the token comes from GITHUB_TOKEN
  --baseline  size baseline for the notes' Δ column: a report file, an image, or last-release
  --bench-runs  runs per benchmark case (default 5; 0 skips the benchmark stage)
  --from-published  the release job of a spread-out workflow: DIR holds the platform jobs' build.json,
              rootfs tars and SBOMs and the merge job's published.json (\`merge --out --defer-tags\`);
              nothing is built or pushed: size-check, attest, notes, assets, the tags merge
              deferred, and the GitHub Release
${DEBIAN_MIRROR_USAGE}`;

function benchRuns(s: string): number {
  return wholeNumber("release: --bench-runs", s, 0, MAX_RUNS, " (0 skips the benchmark)");
}

export interface ReleaseOptions extends CommandOptions {
  tag?: string;
  dryRun: boolean;
  image?: string;
  out: string;
  repo?: string;
  engine?: EngineRequest;
  baseline?: string;
  benchRuns?: number;
  fromPublished?: string;
  debianMirror?: string;
}

export function parseReleaseOptions(argv: string[]): ReleaseOptions {
  const o = parseCommandArgs(
    "release",
    argv,
    {
      tag: { type: "string" },
      "dry-run": { type: "boolean" },
      image: { type: "string" },
      out: { type: "string" },
      repo: { type: "string" },
      engine: { type: "string" },
      baseline: { type: "string" },
      "bench-runs": { type: "string" },
      "from-published": { type: "string" },
      ...DEBIAN_MIRROR_OPTION,
    },
    USAGE,
  );
  return {
    ...commonOptions(o),
    ...(str(o.tag) ? { tag: str(o.tag)! } : {}),
    dryRun: o["dry-run"] === true,
    ...(o.image !== undefined ? { image: imageFlag(o.image)! } : {}),
    out: outputFolder("--out", str(o.out) ?? "out"),
    ...(str(o.repo) ? { repo: str(o.repo)! } : {}),
    ...(str(o.engine) ? { engine: parseEngine(str(o.engine)!) } : {}),
    ...(str(o.baseline) ? { baseline: str(o.baseline)! } : {}),
    ...(str(o["bench-runs"]) !== undefined ? { benchRuns: benchRuns(str(o["bench-runs"])!) } : {}),
    ...(str(o["from-published"]) !== undefined ? { fromPublished: inputFolder("--from-published", str(o["from-published"])!) } : {}),
    ...debianMirrorFlag(o["debian-mirror"]),
  };
}

/** `kimigayo release`: the RELEASE stages for a tag. */
async function releaseTag(ctx: CommandContext, o: ReleaseOptions): Promise<ReleaseResult> {
  const cfg = await ctx.config(o.config);
  // A dry run previews the configured version's release when no tag is given.
  const tag = o.tag ?? (o.dryRun ? `v${cfg.version}` : undefined);
  if (!tag) throw new UsageError(`release needs --tag vX.Y.Z\n\n${USAGE}`);
  const result = await release({
    config: cfg,
    tag,
    dryRun: o.dryRun,
    image: o.image ?? cfg.image,
    outDir: o.out,
    repoDir: ctx.cwd,
    log: ctx.log,
    env: withDebianMirror(ctx.env, o),
    ...(ctx.credentials.githubToken ? { githubToken: ctx.credentials.githubToken } : {}),
    ...(ctx.credentials.registry ? { registry: { explicit: ctx.credentials.registry } } : {}),
    ...(o.engine ? { engine: o.engine } : {}),
    ...(o.repo ? { repository: o.repo } : {}),
    ...(o.baseline ? { sizeBaseline: o.baseline } : {}),
    ...(o.benchRuns !== undefined ? { benchRuns: o.benchRuns } : {}),
    ...(o.fromPublished ? { fromPublished: o.fromPublished } : {}),
  });
  ctx.log.info(`\n${formatPublish(result.images)}`);
  ctx.log.info(
    result.release ? `release: ${result.release.url} (${result.release.action})` : "dry run: RELEASE_NOTES.md written, no GitHub Release",
  );
  return result;
}

export const releaseCommand: Command<ReleaseOptions, ReleaseResult> = {
  name: "release",
  summary: "build, check, publish and create the GitHub Release for a tag (--dry-run: local only)",
  usage: USAGE,
  parse: parseReleaseOptions,
  run: releaseTag,
  json: (r) => ({ ...r, notes: undefined }),
  action: (r, o) => ({
    outputs: {
      ...publishedOutputs(r.images),
      ...(r.release?.url ? { "release-url": r.release.url } : {}),
      notes: `${o.out}/RELEASE_NOTES.md`,
    },
    summary: [r.notes],
  }),
};
