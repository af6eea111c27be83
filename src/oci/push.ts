/**
 * Pushes an OCI image layout to a repository in the order that never exposes a broken image:
 * blobs first, then each platform manifest by digest, then the index by digest, then the tags
 * (each a PUT of the same index bytes). A failure before the tags leaves no tag behind. A
 * release of several variants pushes each with no tags here and tags them all afterwards
 * (src/publish/publish.ts), so that no tag moves before every variant's content is in.
 */
import { UsageError } from "../lib/errors.js";
import { mapLimit } from "../lib/concurrency.js";
import type { Logger } from "../lib/log.js";
import { platformOf, type Platform } from "../lib/platform.js";
import { fileBlob } from "./blob-source.js";
import { blobPath, readBlob, readImage, type LayoutImage } from "./layout.js";
import { isTag, formatReference } from "./reference.js";
import { statsSince, type RegistryClient, type RegistryStats } from "./registry.js";
import type { Descriptor } from "./types.js";

export interface PushOptions {
  /** The image in the layout (its ref.name); default: the only one. */
  ref?: string;
  /** A repository on the same registry to mount blobs from instead of uploading them. */
  mountFrom?: string;
  /** Blob uploads in flight; default 3. */
  concurrency?: number;
}

export interface PushResult {
  repository: string;
  indexDigest: string;
  /** Platform manifest digests, in index order. */
  manifests: string[];
  tags: string[];
  /** The top-level manifest (the index) as pushed, to tag it later with the same bytes. */
  root: { mediaType: string; bytes: Buffer };
  /** What this push did (requests, retries, bytes), not the client's running totals. */
  stats: RegistryStats;
  seconds: number;
}

export async function pushLayout(
  layoutDir: string,
  repo: string,
  tags: readonly string[],
  client: RegistryClient,
  log: Logger,
  opts: PushOptions = {},
): Promise<PushResult> {
  const badTag = tags.find((t) => !isTag(t));
  if (badTag !== undefined)
    throw new UsageError(`${JSON.stringify(badTag)} is not a valid tag: up to 128 of [A-Za-z0-9_.-], not starting with . or -`);
  const t0 = Date.now();
  const before = { ...client.stats };
  // The step ends (✔) only when the push succeeded; a failure is reported by whoever catches it.
  const end = log.step(`push ${formatReference({ registry: client.registry, repository: repo })}`);
  const image = await readImage(layoutDir, opts.ref);
  // Reachable and authorised before any work; a Basic challenge is answered once here.
  await client.ping();
  await pushManifests(layoutDir, repo, image.manifests, client, log, opts);
  const rootBytes = await readBlob(layoutDir, image.root.digest);
  // A layout whose top-level image is a single manifest has just pushed it above.
  if (image.root.digest !== image.manifests[0]?.descriptor.digest) {
    await client.putManifest(repo, image.root.digest, rootBytes, image.root.mediaType);
  }
  for (const tag of tags) await client.putManifest(repo, tag, rootBytes, image.root.mediaType);

  const stats = statsSince(before, client.stats);
  log.info(
    `pushed ${formatReference({ registry: client.registry, repository: repo, digest: image.root.digest })}${tags.length ? ` as ${tags.join(", ")}` : ""}: ` +
      `${stats.blobsUploaded} blob(s) uploaded (${stats.blobBytesUploaded.toLocaleString("en-US")} B), ` +
      `${stats.blobsSkipped} already there, ${stats.blobsMounted} mounted`,
  );
  end();
  return {
    repository: repo,
    indexDigest: image.root.digest,
    manifests: image.manifests.map((m) => m.descriptor.digest),
    tags: [...tags],
    root: { mediaType: image.root.mediaType, bytes: rootBytes },
    stats,
    seconds: (Date.now() - t0) / 1000,
  };
}

/** Blobs first (skipped when present, mounted when possible), then each manifest by digest. */
async function pushManifests(
  layoutDir: string,
  repo: string,
  manifests: LayoutImage["manifests"],
  client: RegistryClient,
  log: Logger,
  opts: PushOptions,
): Promise<void> {
  const blobs = new Map<string, Descriptor>();
  for (const { manifest } of manifests) for (const d of [manifest.config, ...manifest.layers]) blobs.set(d.digest, d);
  let done = 0;
  await mapLimit([...blobs.values()], opts.concurrency ?? 3, async (d) => {
    const outcome = await client.pushBlob(repo, fileBlob(blobPath(layoutDir, d.digest), d.digest, d.size), {
      ...(opts.mountFrom !== undefined ? { mountFrom: opts.mountFrom } : {}),
    });
    log.debug(`blob ${d.digest} (${d.size} B): ${outcome}`);
    log.progress("blobs", ++done, blobs.size);
  });
  for (const { descriptor } of manifests) {
    await client.putManifest(repo, descriptor.digest, await readBlob(layoutDir, descriptor.digest), descriptor.mediaType);
  }
}

export interface PlatformPushResult {
  repository: string;
  platform: string;
  digest: string;
  size: number;
  mediaType: string;
  /** The manifest's annotations: `merge` gives the index the same ones. */
  annotations: Record<string, string>;
  stats: RegistryStats;
}

/**
 * Pushes one platform's manifest (and its blobs) by digest, with no index and no tag: the
 * per-runner half of a release spread over runners. `kimigayo merge` makes the index and tags.
 */
export async function pushPlatform(
  layoutDir: string,
  repo: string,
  platform: Platform,
  client: RegistryClient,
  log: Logger,
  opts: PushOptions = {},
): Promise<PlatformPushResult> {
  const before = { ...client.stats };
  const image = await readImage(layoutDir, opts.ref);
  const chosen = image.manifests.filter((m) => platformOf(m.descriptor.platform) === platform);
  const one = chosen[0];
  if (!one) {
    const have = image.manifests.map((m) => `${m.descriptor.platform?.os}/${m.descriptor.platform?.architecture}`).join(", ");
    throw new UsageError(`${layoutDir} has no ${platform} image; it has ${have || "none"}`);
  }
  await client.ping();
  await pushManifests(layoutDir, repo, [one], client, log, opts);
  log.info(
    `pushed ${formatReference({ registry: client.registry, repository: repo, digest: one.descriptor.digest })} (${platform}, by digest, untagged)`,
  );
  return {
    repository: repo,
    platform,
    digest: one.descriptor.digest,
    size: one.descriptor.size,
    mediaType: one.descriptor.mediaType,
    annotations: one.manifest.annotations ?? {},
    stats: statsSince(before, client.stats),
  };
}
