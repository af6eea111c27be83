/**
 * image stage, engine "oci" (no daemon): layer tars -> an OCI image layout holding one image
 * index with one manifest per platform. Each image has a single gzip layer (its rootfs tar).
 *
 * The same tar bytes and SOURCE_DATE_EPOCH give the same index digest: gzip is deterministic
 * (src/oci/gzip.ts), JSON is canonical (src/oci/json.ts), and every time stamp is the epoch.
 *
 * The image config's Cmd is /bin/sh, for `docker run -it IMAGE`. To boot the OS (BusyBox init
 * reading /etc/inittab), run `docker run IMAGE /sbin/init`; StopSignal is SIGTERM, which init
 * handles by running the shutdown actions.
 */
import { readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { PLATFORMS, type Config, type Platform, type VariantConfig } from "../config/schema.js";
import { repositoryUrl } from "../lib/git.js";
import type { Logger } from "../lib/log.js";
import { ociPlatform } from "../lib/platform.js";
import { gzipLayer, LAYER_COMPRESSOR_ID } from "../oci/gzip.js";
import { canonicalJsonBytes } from "../oci/json.js";
import { initLayout, writeBlob, writeLayoutIndex } from "../oci/layout.js";
import {
  ANNOTATIONS,
  MEDIA_TYPES,
  type Annotations,
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from "../oci/types.js";

export const IMAGE_ENV = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"];
export const IMAGE_CMD = ["/bin/sh"];
export const IMAGE_STOP_SIGNAL = "SIGTERM";
/** BusyBox's licence, which the image's only binary carries. */
export const IMAGE_LICENSES = "GPL-2.0-only";

export interface ImageOptions {
  config: Config;
  variant: VariantConfig;
  /** One layer tar per platform (RootfsResult.tar). */
  rootfs: { platform: Platform; tar: string }[];
  outDir: string;
  sourceDateEpoch: number;
  /** The VCS revision the image was built from (a git commit). */
  revision?: string;
  /** Where the source lives: a repository's web address (repositoryUrl in src/lib/git.ts). */
  source?: string;
  log: Logger;
}

export interface ImageManifestResult {
  platform: Platform;
  digest: string;
  size: number;
  /** Digest of the image config blob. */
  config: string;
  layers: { digest: string; size: number; diffId: string }[];
  /** Sum of the layers' uncompressed (tar) sizes. */
  uncompressedSize: number;
}

export interface ImageResult {
  /** The OCI image layout directory. */
  layout: string;
  /** The name of the image in the layout (index.json ref.name): the version. */
  ref: string;
  index: { digest: string; size: number };
  manifests: ImageManifestResult[];
  /** What compressed the layers: src/oci/gzip.ts's pinned compressor, or "buildkit" (buildx engine). */
  compressor: string;
}

/** RFC 3339 in UTC, whole seconds: 1767225600 -> "2026-01-01T00:00:00Z". */
export function rfc3339(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * org.opencontainers.image.* annotations of the index and of each manifest, and the config's
 * Labels. No ref.name: the image-spec gives it meaning only on descriptors in a layout's
 * index.json (buildImage puts it there). The source is a repository's web address or nothing
 * (repositoryUrl): never a path, never a credential.
 */
export function imageAnnotations(opts: Pick<ImageOptions, "config" | "variant" | "sourceDateEpoch" | "revision" | "source">): Annotations {
  const a: Annotations = {
    [ANNOTATIONS.created]: rfc3339(opts.sourceDateEpoch),
    [ANNOTATIONS.version]: opts.config.version,
    [ANNOTATIONS.title]: `Kimigayo OS ${opts.variant.name}`,
    [ANNOTATIONS.licenses]: IMAGE_LICENSES,
  };
  if (opts.variant.description) a[ANNOTATIONS.description] = opts.variant.description;
  if (opts.revision) a[ANNOTATIONS.revision] = opts.revision;
  if (opts.source) {
    if (repositoryUrl(opts.source) !== opts.source)
      throw new Error(
        `image: source ${JSON.stringify(opts.source)} is not a repository's http(s) URL without userinfo (see repositoryUrl)`,
      );
    a[ANNOTATIONS.source] = opts.source;
  }
  return a;
}

function imageConfig(opts: ImageOptions, platform: Platform, diffIds: string[]): ImageConfig {
  const created = rfc3339(opts.sourceDateEpoch);
  return {
    ...ociPlatform(platform),
    created,
    config: { Env: IMAGE_ENV, Cmd: IMAGE_CMD, Labels: imageAnnotations(opts), StopSignal: IMAGE_STOP_SIGNAL },
    rootfs: { type: "layers", diff_ids: diffIds },
    history: [{ created, created_by: `kimigayo build (${opts.variant.name}, busybox ${opts.config.busybox.version})` }],
  };
}

function ordered(rootfs: ImageOptions["rootfs"]): ImageOptions["rootfs"] {
  const seen = new Set<Platform>();
  for (const r of rootfs) {
    if (!PLATFORMS.includes(r.platform)) throw new Error(`image: unsupported platform ${r.platform}`);
    if (seen.has(r.platform)) throw new Error(`image: two layer tars for ${r.platform}`);
    seen.add(r.platform);
  }
  if (rootfs.length === 0) throw new Error("image: no layer tars given");
  return [...rootfs].sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform));
}

async function writeImage(dir: string, opts: ImageOptions, platform: Platform, tarPath: string): Promise<ImageManifestResult> {
  const tar = await readFile(tarPath);
  const layer = gzipLayer(tar);
  await writeBlob(dir, layer.data);
  const config = await writeBlob(dir, canonicalJsonBytes(imageConfig(opts, platform, [layer.diffId])));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, ...config },
    layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, digest: layer.digest, size: layer.size }],
    annotations: imageAnnotations(opts),
  };
  const written = await writeBlob(dir, canonicalJsonBytes(manifest));
  opts.log.info(
    `image ${opts.variant.name} ${platform}: layer ${tar.length.toLocaleString("en-US")} B -> ${layer.size.toLocaleString("en-US")} B gzip, manifest ${written.digest}`,
  );
  return {
    platform,
    ...written,
    config: config.digest,
    layers: [{ digest: layer.digest, size: layer.size, diffId: layer.diffId }],
    uncompressedSize: tar.length,
  };
}

/**
 * The multi-platform index over platform manifests, platforms in a fixed order. `kimigayo merge`
 * builds its index with this too, so an index merged from per-runner pushes is byte for byte the
 * one a single-runner build makes.
 */
export function imageIndex(manifests: { platform: Platform; digest: string; size: number }[], annotations: Annotations): ImageIndex {
  return {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociIndex,
    manifests: [...manifests]
      .sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform))
      .map((m): Descriptor => ({ mediaType: MEDIA_TYPES.ociManifest, digest: m.digest, size: m.size, platform: ociPlatform(m.platform) })),
    annotations,
  };
}

export async function buildImage(opts: ImageOptions): Promise<ImageResult> {
  const end = opts.log.step(`image: ${opts.variant.name} (oci)`);
  const layout = join(opts.outDir, "oci", opts.variant.name);
  // Built beside the final directory and renamed over it, so no blob of an older build lingers.
  const tmp = `${layout}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  let failure: unknown = "unfinished";
  try {
    await initLayout(tmp);
    const manifests: ImageManifestResult[] = [];
    for (const r of ordered(opts.rootfs)) manifests.push(await writeImage(tmp, opts, r.platform, r.tar));
    const index = imageIndex(manifests, imageAnnotations(opts));
    const written = await writeBlob(tmp, canonicalJsonBytes(index));
    const ref = opts.config.version;
    await writeLayoutIndex(tmp, [{ mediaType: MEDIA_TYPES.ociIndex, ...written, annotations: { [ANNOTATIONS.refName]: ref } }]);
    await rm(layout, { recursive: true, force: true });
    await rename(tmp, layout);
    opts.log.info(`image ${opts.variant.name}: index ${written.digest} (${manifests.length} platform(s)) in ${layout}`);
    failure = undefined;
    return { layout, ref, index: written, manifests, compressor: LAYER_COMPRESSOR_ID };
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    end(failure);
  }
}
