/**
 * publish and merge: image layouts -> a registry, in the order that never exposes a half-pushed
 * image (blobs, manifests by digest, the index, tags last). `publish --by-digest --platform P`
 * pushes one platform untagged and writes a digest file; `merge` turns the digest files of every
 * runner into the index and the tags, so per-platform jobs need no QEMU. `merge --defer-tags`
 * pushes the indexes only and records the tags they are to get; the release's tag stage
 * (tagPushed) moves them once everything that can fail before it has passed.
 */
import { mkdir } from "node:fs/promises";
import { isActionsOwn } from "../config/builtin.js";
import type { Config, Platform } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import { releaseTags, currentBranch, headSha, tagsAtHead } from "../lib/git.js";
import type { Logger } from "../lib/log.js";
import { digestOf } from "../oci/digest.js";
import { canonicalJsonBytes } from "../oci/json.js";
import { pushLayout, pushPlatform, type PushResult } from "../oci/push.js";
import { parseReference, imageAt } from "../oci/reference.js";
import { RegistryClient, type RegistryClientOptions, type RegistryStats } from "../oci/registry.js";
import { MEDIA_TYPES } from "../oci/types.js";
import { computeTags, plannedTags, tagOrder, type TagMove, type TagResult, type TagSource } from "./tags.js";
import { imageIndex } from "../build/image.js";
import type { BuildResult, LayoutBuild } from "../results/build.js";
import { readDigestFile, writeDigestFile, type DigestFile } from "../results/digests.js";
import { readGitHubEvent } from "../results/github-event.js";
import type { PublishedVariant, PublishResult } from "../results/published.js";
import { readSbom } from "../results/sbom.js";
import { attachReferrer } from "../oci/referrers.js";
import { sbomArtifact } from "../build/sbom.js";

export type { PublishResult } from "../results/published.js";

/**
 * Where tags come from: --version, else GitHub's event (tag push, branch push, pull request),
 * else the local git repository (a v* tag at HEAD, or the branch).
 */
export async function tagSourceFrom(opts: { version?: string; env: NodeJS.ProcessEnv; cwd: string }): Promise<TagSource> {
  const existingTags = await releaseTags(opts.cwd);
  if (opts.version) return { kind: "version", version: opts.version, existingTags };
  const { GITHUB_REF: ref, GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH: eventPath, GITHUB_SHA: sha } = opts.env;
  if (ref) {
    const payload = await readGitHubEvent(eventPath);
    if (ref.startsWith("refs/tags/")) return { kind: "tag", ref, existingTags };
    if ((event === "pull_request" || event === "pull_request_target") && payload.pull_request?.head?.sha) {
      const number = payload.pull_request.number ?? Number(/^refs\/pull\/(\d+)\//.exec(ref)?.[1]);
      return { kind: "pr", number, headSha: payload.pull_request.head.sha };
    }
    if (ref.startsWith("refs/heads/") && sha) {
      return { kind: "branch", branch: ref, sha, defaultBranch: payload.repository?.default_branch ?? "main" };
    }
  }
  const atHead = await tagsAtHead(opts.cwd);
  if (atHead.length > 0) return { kind: "tag", ref: atHead.sort().at(-1)!, existingTags };
  const [branch, head] = [await currentBranch(opts.cwd), await headSha(opts.cwd)];
  if (!branch || !head) throw new UsageError("no version to tag: pass --version X.Y.Z, or run inside a git repository");
  return { kind: "branch", branch, sha: head, defaultBranch: "main" };
}

/** Tags per variant; a release version must be the one configs/kimigayo.yml builds. */
export function planTags(source: TagSource, cfg: Config): TagResult {
  const tags = computeTags(source, cfg.variants);
  const plain = tags.version?.replace(/\+.*$/, "");
  // A pre-release of the configured version (v2.1.0-rc.1 for 2.1.0) is that version's candidate.
  // A version the user did not write (the action's built-in configuration, used from another
  // repository) is Kimigayo's own: the user's release tag names their release, not it.
  const inherited = isActionsOwn(cfg.locations.version?.file ?? cfg.file);
  if (plain !== undefined && !inherited && plain !== cfg.version && plain.replace(/-.*$/, "") !== cfg.version) {
    throw new UsageError(
      `release version ${plain} does not match version ${cfg.version} in ${cfg.file}: the images would carry ${cfg.version} in /etc/os-release and their annotations. Bump version: there, or tag v${cfg.version}.`,
      { file: cfg.file, field: "version", ...(cfg.locations.version ? { line: cfg.locations.version.line } : {}) },
    );
  }
  return tags;
}

function layoutsOf(build: BuildResult) {
  if (!build.layouts || build.layouts.length === 0) {
    throw new UsageError(`${build.out}/build.json has no image layouts: run \`kimigayo build\` (it writes out/oci/<variant>) first`);
  }
  return build.layouts;
}

const pickStats = (s: RegistryStats): PublishedVariant["stats"] => ({
  blobsUploaded: s.blobsUploaded,
  blobBytesUploaded: s.blobBytesUploaded,
  blobsSkipped: s.blobsSkipped,
  blobsMounted: s.blobsMounted,
  manifestsPut: s.manifestsPut,
});

export interface PublishRequest {
  build: BuildResult;
  config: Config;
  image: string;
  tags: TagResult;
  log: Logger;
  registry?: RegistryClientOptions;
}

/**
 * Attaches each image's SPDX document as an OCI referrer (a manifest whose subject is the
 * platform manifest). Registries without the referrers API (distribution 2.8) get the spec's
 * fallback: an index of referrers under the tag sha256-<hex of the subject>.
 */
export async function pushSboms(
  client: RegistryClient,
  repository: string,
  build: BuildResult,
  layout: Pick<LayoutBuild, "variant"> & { manifests: { platform: string; digest: string; size: number }[] },
): Promise<string[]> {
  const pushed: string[] = [];
  const failed: string[] = [];
  for (const m of layout.manifests) {
    const sbom = build.images.find((i) => i.variant === layout.variant && i.platform === m.platform)?.sbom;
    if (!sbom) continue;
    const spdx = await readSbom(sbom);
    const art = sbomArtifact(spdx, { mediaType: MEDIA_TYPES.ociManifest, digest: m.digest, size: m.size });
    // src/oci/referrers.ts: the referrers API where the registry has it, else the fallback index (never overwritten on a failed read).
    try {
      await attachReferrer(client, repository, { ...art, subject: m.digest });
      pushed.push(art.descriptor.digest);
    } catch (err) {
      failed.push(err instanceof Error ? err.message : String(err));
    }
  }
  if (failed.length > 0) throw new Error(`${failed.length} SBOM referrer(s) not attached:\n  ${failed.join("\n  ")}`);
  return pushed;
}

/**
 * Pushes every variant, then tags them: all blobs, manifests, indexes and referrers of every
 * variant go in by digest before any tag moves, and exact tags (2.1.0, 2.1.0-minimal) move before
 * moving ones (2.1, 2, latest, the variant aliases); see moveTags.
 */
export async function publish(req: PublishRequest): Promise<PublishResult> {
  const { client, repository } = RegistryClient.forReference(req.image, { ...req.registry, log: req.log });
  const pushed: { layout: LayoutBuild; result: PushResult }[] = [];
  for (const layout of layoutsOf(req.build)) {
    const result = await pushLayout(layout.layout, repository, [], client, req.log, { ref: layout.ref });
    const sboms = await pushSboms(client, repository, req.build, layout);
    if (sboms.length > 0) req.log.info(`attached ${sboms.length} SBOM(s) to ${layout.variant} as referrers`);
    pushed.push({ layout, result });
  }
  const indexes = new Map(pushed.map((p) => [p.layout.variant, p.result.root]));
  const moves = tagOrder(req.tags).filter((m) => indexes.has(m.variant));
  await moveTags(client, repository, req.image, moves, indexes, req.log);
  const variants: PublishedVariant[] = pushed.map(({ layout, result: r }) => {
    const tags = plannedTags(req.tags, layout.variant);
    return {
      variant: layout.variant,
      index: r.indexDigest,
      manifests: layout.manifests.map((m) => ({ platform: m.platform, digest: m.digest })),
      tags,
      references: [imageAt(req.image, r.indexDigest), ...tags.map((t) => imageAt(req.image, t))],
      stats: pickStats(r.stats),
    };
  });
  return { image: req.image, ...(req.tags.version ? { version: req.tags.version } : {}), prerelease: req.tags.prerelease, variants };
}

/** How to finish a tag phase that stopped part-way: the same command again. */
const RERUN_PUBLISH = "run the same publish again (same version) to move the rest";

/** A tag phase that stopped part-way: which tags moved and which did not (exit 1; a re-run completes it). */
export class TagPhaseError extends Error {
  override readonly name = "TagPhaseError";
  constructor(
    message: string,
    readonly moved: TagMove[],
    readonly notMoved: TagMove[],
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The tag phase: each tag is a PUT of its variant's index bytes, in `moves` order (tagOrder: exact
 * tags first). When one fails, the error lists the tags that moved and the ones that did not; the
 * images are all in the registry by then, so running the same command again (`rerun`) moves the rest.
 */
async function moveTags(
  client: RegistryClient,
  repository: string,
  image: string,
  moves: TagMove[],
  indexes: Map<string, { mediaType: string; bytes: Buffer }>,
  log: Logger,
  rerun: string = RERUN_PUBLISH,
): Promise<void> {
  if (moves.length === 0) return;
  const end = log.step(`tag ${image}: ${moves.length} tag(s), exact ones first`);
  const moved: TagMove[] = [];
  for (const [i, m] of moves.entries()) {
    const index = indexes.get(m.variant)!;
    try {
      await client.putManifest(repository, m.tag, index.bytes, index.mediaType);
    } catch (err) {
      const notMoved = moves.slice(i);
      const list = (ms: TagMove[]) => (ms.length > 0 ? ms.map((x) => x.tag).join(", ") : "none");
      throw new TagPhaseError(
        `tagging ${image} stopped at ${m.tag} (${m.variant}): ${(err as Error).message}
` +
          `  moved (${moved.length}): ${list(moved)}
` +
          `  not moved (${notMoved.length}): ${list(notMoved)}
` +
          `every variant's images are in the registry; ${rerun}`,
        moved,
        notMoved,
        { cause: err },
      );
    }
    moved.push(m);
  }
  log.info(`tagged ${image}: ${moves.map((m) => m.tag).join(", ")}`);
  end();
}

export type { DigestFile };

/**
 * Pushes one platform of every variant by digest with its SBOM referrer, and writes
 * `<dir>/<variant>-<arch>.json` for `merge`.
 */
export async function publishByDigest(
  req: Omit<PublishRequest, "tags"> & { platform: Platform; digestsDir: string },
): Promise<DigestFile[]> {
  const { client, repository } = RegistryClient.forReference(req.image, { ...req.registry, log: req.log });
  await mkdir(req.digestsDir, { recursive: true });
  const out: DigestFile[] = [];
  for (const layout of layoutsOf(req.build)) {
    const r = await pushPlatform(layout.layout, repository, req.platform, client, req.log, { ref: layout.ref });
    // The platform's SBOM referrer goes in with it, before `merge` moves any tag (as publish does).
    const sboms = await pushSboms(client, repository, req.build, {
      variant: layout.variant,
      manifests: [{ platform: req.platform, digest: r.digest, size: r.size }],
    });
    if (sboms.length > 0) req.log.info(`attached the ${layout.variant} ${req.platform} SBOM as a referrer`);
    const file: DigestFile = {
      image: req.image,
      variant: layout.variant,
      platform: req.platform,
      digest: r.digest,
      size: r.size,
      mediaType: r.mediaType,
      annotations: r.annotations,
    };
    await writeDigestFile(req.digestsDir, file);
    out.push(file);
  }
  return out;
}

/**
 * Reads digest files, checks them against the registry, then pushes each variant's index and its
 * tags. With `deferTags` no tag moves: each variant records its planned tags as `deferredTags`
 * (published.json), for the release job to move after attesting (tagPushed, the tag stage).
 */
export async function merge(req: {
  image: string;
  files: string[];
  tags: TagResult;
  log: Logger;
  registry?: RegistryClientOptions;
  deferTags?: boolean;
}): Promise<PublishResult> {
  const entries: DigestFile[] = [];
  for (const f of req.files) {
    const d = await readDigestFile(f);
    if (parseReference(d.image).repository !== parseReference(req.image).repository) {
      throw new UsageError(`${f} was pushed to ${d.image}, not ${req.image}`, { file: f });
    }
    entries.push(d);
  }
  const { client, repository } = RegistryClient.forReference(req.image, { ...req.registry, log: req.log });
  await client.ping();
  const byVariant = new Map<string, DigestFile[]>();
  for (const e of entries) byVariant.set(e.variant, [...(byVariant.get(e.variant) ?? []), e]);
  const variants: PublishedVariant[] = [];
  const indexes = new Map<string, { mediaType: string; bytes: Buffer }>();
  for (const [variant, list] of byVariant) {
    const dup = list.find((e, i) => list.findIndex((o) => o.platform === e.platform) !== i);
    if (dup) throw new UsageError(`two digest files for ${variant} ${dup.platform}`);
    for (const e of list) {
      const have = await client.headManifest(repository, e.digest);
      if (!have)
        throw new UsageError(
          `${imageAt(req.image, e.digest)} (${variant} ${e.platform}) is not in the registry: push it with \`kimigayo publish --by-digest\` first`,
        );
    }
    const annotations = list[0]!.annotations;
    if (list.some((e) => JSON.stringify(e.annotations) !== JSON.stringify(annotations))) {
      throw new UsageError(`the ${variant} digest files disagree on their annotations (built from different sources or epochs)`);
    }
    const bytes = canonicalJsonBytes(imageIndex(list, annotations));
    const index = await client.putManifest(repository, digestOf(bytes), bytes, MEDIA_TYPES.ociIndex);
    indexes.set(variant, { mediaType: MEDIA_TYPES.ociIndex, bytes });
    req.log.info(`merged ${req.image}@${index} (${list.map((e) => e.platform).join(", ")})`);
    variants.push({
      variant,
      index,
      manifests: list.map((e) => ({ platform: e.platform, digest: e.digest })),
      tags: [],
      references: [`${req.image}@${index}`],
      stats: { blobsUploaded: 0, blobBytesUploaded: 0, blobsSkipped: 0, blobsMounted: 0, manifestsPut: 1 },
    });
  }
  const result: PublishResult = {
    image: req.image,
    ...(req.tags.version ? { version: req.tags.version } : {}),
    prerelease: req.tags.prerelease,
    variants,
  };
  if (req.deferTags) {
    for (const v of variants) v.deferredTags = plannedTags(req.tags, v.variant);
    const n = variants.reduce((sum, v) => sum + v.deferredTags!.length, 0);
    req.log.info(`tags deferred: no tag moved; ${n} tag(s) recorded for the release job (release --from-published) to move`);
    return result;
  }
  // Every variant's index is in before any tag moves; exact tags first.
  const moves = tagOrder(req.tags).filter((m) => indexes.has(m.variant));
  await moveTags(client, repository, req.image, moves, indexes, req.log);
  return withTags(result, req.tags);
}

/** The result once `tags` moved on `image`: each variant's tags, their references and their PUTs; nothing deferred. */
function withTags(result: PublishResult, tags: TagResult, image = result.image): PublishResult {
  return {
    ...result,
    image,
    variants: result.variants.map(({ deferredTags: _, ...v }) => {
      const moved = plannedTags(tags, v.variant);
      return {
        ...v,
        tags: moved,
        references: [imageAt(image, v.index), ...moved.map((t) => imageAt(image, t))],
        stats: { ...v.stats, manifestsPut: v.stats.manifestsPut + moved.length },
      };
    }),
  };
}

/**
 * The release's tag phase on images already in the registry by digest (pushed by the release
 * itself, or by the platform jobs and `merge --defer-tags`): each variant's index is read back
 * by its digest (checked), then every tag moves in tagOrder, release-wide: exact tags first. A
 * re-run PUTs the same bytes again, so tags already moved stay where they are.
 */
export async function tagPushed(req: {
  image: string;
  images: PublishResult;
  tags: TagResult;
  log: Logger;
  registry?: RegistryClientOptions;
}): Promise<PublishResult> {
  const { client, repository } = RegistryClient.forReference(req.image, { ...req.registry, log: req.log });
  const indexes = new Map<string, { mediaType: string; bytes: Buffer }>();
  for (const v of req.images.variants) {
    const m = await client.getManifest(repository, v.index);
    indexes.set(v.variant, { mediaType: m.mediaType, bytes: m.bytes });
  }
  const moves = tagOrder(req.tags).filter((m) => indexes.has(m.variant));
  await moveTags(client, repository, req.image, moves, indexes, req.log, "re-run the release (the same tag) to move the rest");
  return withTags(req.images, req.tags, req.image);
}
