/**
 * release: a tag becomes images and a GitHub Release, in the order that never leaves a
 * half-made release behind (the RELEASE list): checks (tag, version, token) -> build ->
 * size-check (a failure stops here) -> push by digest, untagged -> smoke -> bench -> attest ->
 * notes and assets -> tags (only now: a failure before leaves every tag where it was) ->
 * GitHub Release (create or update).
 * Bad input fails before any work and before any GitHub call. A re-run updates the same release.
 */
import { cpus } from "node:os";
import { resolve } from "node:path";
import type { PublishResult } from "../publish/publish.js";
import { buildContext, need } from "../stages/build/context.js";
import type { ReleaseContext, ReleaseRequest } from "../stages/release/context.js";
import type { SmokeResult } from "../build/smoke.js";
import { resolveImageEngine } from "../stages/build/image.js";
import { restoreFromPublished } from "../stages/release/from-published.js";
import { runStages } from "./runner.js";
import { RELEASE } from "./stages.js";

export type { ReleaseRequest } from "../stages/release/context.js";

export interface ReleaseResult {
  tag: string;
  version: string;
  prerelease: boolean;
  dryRun: boolean;
  previous?: string;
  notes: string;
  assets: string[];
  images: PublishResult;
  smoke: SmokeResult[];
  release?: { id: number; url: string; action: string };
}

function releaseContext(req: ReleaseRequest): ReleaseContext {
  const cfg = req.config;
  return {
    ...buildContext(
      {
        config: cfg,
        variants: cfg.variants,
        platforms: cfg.platforms,
        outDir: resolve(req.outDir),
        log: req.log,
        engine: req.engine ?? "oci",
        repoDir: req.repoDir,
        ...(req.env ? { env: req.env } : {}),
      },
      cpus().length,
    ),
    release: req,
    smoke: [],
    assets: [],
  };
}

/** The release's result, from a context the RELEASE stages have run on. */
function releaseResult(ctx: ReleaseContext): ReleaseResult {
  const tags = need(ctx.tags, "the tag plan", "release");
  const notes = need(ctx.notes, "the notes", "release");
  return {
    tag: ctx.release.tag,
    version: tags.version ?? ctx.config.version,
    prerelease: tags.prerelease,
    dryRun: ctx.release.dryRun,
    ...(notes.previous ? { previous: notes.previous } : {}),
    notes: notes.text,
    assets: ctx.assets,
    // Untagged only when the tag stage was skipped (a dry run from published images).
    images: ctx.published ?? need(ctx.untagged, "the pushed images", "release"),
    smoke: ctx.smoke,
    ...(ctx.githubRelease ? { release: ctx.githubRelease } : {}),
  };
}

/**
 * Runs the release. With req.fromPublished the stages the platform and merge jobs ran are
 * restored from their artifacts (stages/release/from-published.ts): nothing is built or pushed.
 */
export async function release(req: ReleaseRequest): Promise<ReleaseResult> {
  const ctx = releaseContext(req);
  const restored = req.fromPublished ? await restoreFromPublished(ctx, req.fromPublished) : undefined;
  // A release that builds resolves its engine before any work (a release from saved results has one).
  if (!restored) await resolveImageEngine(ctx);
  await runStages(RELEASE, ctx, restored ? { restored } : {});
  return releaseResult(ctx);
}
