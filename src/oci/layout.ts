/**
 * OCI image layout directories (image-spec image-layout.md):
 *   DIR/oci-layout           {"imageLayoutVersion":"1.0.0"}
 *   DIR/index.json           an image index naming the top-level images (ref.name annotations)
 *   DIR/blobs/sha256/<hex>   content-addressed blobs
 * Writing is idempotent: a blob already present with the right content is left alone, every
 * file is written through a temporary name and renamed into place, and JSON is canonical.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { digestHex, digestOf, verifyDigest } from "./digest.js";
import type { z } from "zod";
import { canonicalJsonBytes } from "./json.js";
import { OCI, parseOci, type OciDocument } from "./schema.js";
import {
  ANNOTATIONS,
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  MEDIA_TYPES,
  OCI_LAYOUT_VERSION,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from "./types.js";

export function blobPath(dir: string, digest: string): string {
  return join(dir, "blobs", "sha256", digestHex(digest));
}

async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Creates DIR/oci-layout and DIR/blobs/sha256 (no-op when they exist). */
export async function initLayout(dir: string): Promise<void> {
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  const marker = canonicalJsonBytes({ imageLayoutVersion: OCI_LAYOUT_VERSION });
  const existing = await readIfExists(join(dir, "oci-layout"));
  if (!existing?.equals(marker)) await writeAtomic(join(dir, "oci-layout"), marker);
}

/** Stores a blob under its digest; returns its digest and size. Skips the write when the same content is there. */
export async function writeBlob(dir: string, data: Uint8Array): Promise<{ digest: string; size: number }> {
  const digest = digestOf(data);
  const path = blobPath(dir, digest);
  const existing = await readIfExists(path);
  if (!existing || existing.length !== data.length || digestOf(existing) !== digest) await writeAtomic(path, data);
  return { digest, size: data.length };
}

/** Writes DIR/index.json listing `manifests` (top-level images, usually image indexes with a ref.name). */
export async function writeLayoutIndex(dir: string, manifests: Descriptor[]): Promise<void> {
  const index: ImageIndex = { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests };
  const bytes = canonicalJsonBytes(index);
  const existing = await readIfExists(join(dir, "index.json"));
  if (!existing?.equals(bytes)) await writeAtomic(join(dir, "index.json"), bytes);
}

/** Reads a blob and checks it against its digest. */
export async function readBlob(dir: string, digest: string): Promise<Buffer> {
  const path = blobPath(dir, digest);
  const data = await readIfExists(path);
  if (!data) throw new Error(`OCI layout ${dir}: blob ${digest} is missing (${path})`);
  verifyDigest(data, digest, `OCI layout ${dir}: blob ${path}`);
  return data;
}

/** A JSON blob of the layout, its digest checked, parsed as `kind` (OCI.manifest, OCI.index, OCI.config). */
export async function readJsonBlob<S extends z.ZodType>(dir: string, digest: string, kind: OciDocument<S>): Promise<z.output<S>> {
  return parseOci(await readBlob(dir, digest), kind, blobPath(dir, digest));
}

/** Reads DIR/oci-layout and DIR/index.json. */
export async function readLayout(dir: string): Promise<ImageIndex> {
  const marker = await readIfExists(join(dir, "oci-layout"));
  if (!marker) throw new Error(`${dir} is not an OCI image layout: it has no oci-layout file`);
  const version = parseOci(marker, OCI.layoutMarker, join(dir, "oci-layout")).imageLayoutVersion;
  if (version !== OCI_LAYOUT_VERSION) throw new Error(`OCI layout ${dir}: unsupported imageLayoutVersion ${JSON.stringify(version)}`);
  const raw = await readIfExists(join(dir, "index.json"));
  if (!raw) throw new Error(`OCI layout ${dir}: index.json is missing`);
  return parseOci(raw, OCI.index, join(dir, "index.json"));
}

/** The top-level descriptor named `ref` (its ref.name annotation), or the only one when `ref` is not given. */
function resolveRef(dir: string, index: ImageIndex, ref?: string): Descriptor {
  const names = index.manifests.map((d) => d.annotations?.[ANNOTATIONS.refName]).filter((n) => n !== undefined);
  if (ref !== undefined) {
    const found = index.manifests.find((d) => d.annotations?.[ANNOTATIONS.refName] === ref);
    if (!found) throw new Error(`OCI layout ${dir} has no image named ${JSON.stringify(ref)}; it has: ${names.join(", ") || "none"}`);
    return found;
  }
  const [only, ...more] = index.manifests;
  if (!only || more.length > 0) {
    throw new Error(`OCI layout ${dir} holds ${index.manifests.length} images; name one (${names.join(", ") || "none named"})`);
  }
  return only;
}

export interface LayoutImage {
  /** The top-level descriptor: an image index, or a single manifest. */
  root: Descriptor;
  /** Each platform manifest with its descriptor (from the index, with its platform). */
  manifests: { descriptor: Descriptor; manifest: ImageManifest }[];
}

/** Follows a top-level descriptor to its manifests, checking every JSON blob's digest on the way. */
export async function readImage(dir: string, ref?: string): Promise<LayoutImage> {
  const root = resolveRef(dir, await readLayout(dir), ref);
  const manifestOf = async (d: Descriptor) => ({ descriptor: d, manifest: await readJsonBlob(dir, d.digest, OCI.manifest) });
  if (MANIFEST_MEDIA_TYPES.includes(root.mediaType)) return { root, manifests: [await manifestOf(root)] };
  if (!INDEX_MEDIA_TYPES.includes(root.mediaType)) throw new Error(`OCI layout ${dir}: unsupported media type ${root.mediaType}`);
  const index = await readJsonBlob(dir, root.digest, OCI.index);
  const unsupported = index.manifests.find((d) => !MANIFEST_MEDIA_TYPES.includes(d.mediaType));
  if (unsupported) throw new Error(`OCI layout ${dir}: nested ${unsupported.mediaType} ${unsupported.digest} is not supported`);
  return { root, manifests: await Promise.all(index.manifests.map(manifestOf)) };
}
