/**
 * OCI referrers (distribution-spec v1.1): artifacts whose manifest names another manifest as its
 * `subject` (an SBOM, a signed attestation). The one place that writes and reads them.
 *
 * - The registry's referrers API (GET /v2/<repo>/referrers/<digest>) is probed once per client and
 *   repository: 200 means the registry indexes referrers by subject itself, so pushing the
 *   artifact's manifest is all there is to do. 404 means no API: the spec's fallback applies.
 *   Any other answer (after the client's retries) is an error, never taken as "no API".
 * - Fallback: an image index of referrers under the tag sha256-<hex of the subject>, written
 *   read-modify-write. Only a 404 on the read means "no index yet"; any other failure stops that
 *   referrer with an error naming it, and the existing index is left untouched. After writing, the
 *   index is re-read (a few times, at short random intervals) and anything missing is merged in
 *   again, so that two writers adding referrers to one subject at the same moment keep each
 *   other's entries. Every entry either writer has seen is kept: nothing is ever removed.
 * - Referrers are never platforms of an image index: they live beside the image, never in it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { bufferBlob } from "./blob-source.js";
import { digestHex, digestOf, isDigest } from "./digest.js";
import { RegistryError } from "./errors.js";
import { canonicalJsonBytes } from "./json.js";
import { OCI } from "./schema.js";
import type { RegistryClient } from "./registry.js";
import { INDEX_MEDIA_TYPES, MEDIA_TYPES, type Descriptor, type ImageIndex } from "./types.js";
import { imageAt } from "./reference.js";

/** A referrer as a referrers list shows it: its manifest's descriptor with artifactType (and annotations). */
export type ReferrerDescriptor = Descriptor & { artifactType: string };

/** What to push for one referrer: its blobs (config and layers), then its manifest. */
export interface ReferrerArtifact {
  /** The manifest's canonical JSON bytes (an OCI image manifest with `subject`). */
  manifestBytes: Buffer;
  descriptor: ReferrerDescriptor;
  blobs: { descriptor: Descriptor; data: Buffer }[];
  /** The subject's digest (the manifest or index this artifact refers to). */
  subject: string;
}

/** The OCI empty config (`{}`), the config of every artifact manifest here. */
const EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
const EMPTY_JSON = Buffer.from("{}");
export const EMPTY_DESCRIPTOR: Descriptor = { mediaType: EMPTY_MEDIA_TYPE, digest: digestOf(EMPTY_JSON), size: EMPTY_JSON.length };

export interface ReferrerManifest {
  schemaVersion: 2;
  mediaType: typeof MEDIA_TYPES.ociManifest;
  artifactType: string;
  config: Descriptor;
  layers: Descriptor[];
  subject: Descriptor;
  annotations?: Record<string, string>;
}

/**
 * An artifact manifest referring to `subject`: the empty config and one layer holding `data`
 * (its descriptor made here from `layer`'s media type and annotations), with `annotations` on
 * the manifest and on its descriptor as a referrers list shows it.
 */
export function referrerArtifact(o: {
  artifactType: string;
  layer: { mediaType: string; annotations?: Record<string, string> };
  data: Buffer;
  annotations: Record<string, string>;
  subject: { mediaType: string; digest: string; size: number };
}): ReferrerArtifact & { manifest: ReferrerManifest } {
  const layer: Descriptor = { ...o.layer, digest: digestOf(o.data), size: o.data.length };
  const subject = { mediaType: o.subject.mediaType, digest: o.subject.digest, size: o.subject.size };
  const manifest: ReferrerManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: o.artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: [layer],
    subject,
    annotations: o.annotations,
  };
  const manifestBytes = canonicalJsonBytes(manifest);
  return {
    manifest,
    manifestBytes,
    descriptor: {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: digestOf(manifestBytes),
      size: manifestBytes.length,
      artifactType: o.artifactType,
      annotations: o.annotations,
    },
    blobs: [
      { descriptor: EMPTY_DESCRIPTOR, data: EMPTY_JSON },
      { descriptor: layer, data: o.data },
    ],
    subject: subject.digest,
  };
}

type ReferrersMode = "api" | "fallback";

export interface AttachOptions {
  /** Re-reads of the fallback index after writing it; default 3. */
  settleReads?: number;
  /** Upper bound of the random pause before each re-read, in ms; default 150. */
  settleMs?: number;
  /** Writes of the fallback index at most (the first and the merges after it); default 8. */
  maxWrites?: number;
}

export interface AttachResult {
  digest: string;
  subject: string;
  mode: ReferrersMode;
  /** Fallback only: how often the index was written (1 when nobody else wrote at the same time). */
  writes?: number;
  /** Fallback only: the entries the index lists afterwards. */
  entries?: number;
}

/** "sha256:<hex>" -> "sha256-<hex>": the fallback tag of the subject's referrers index (distribution spec, referrers tag schema). */
export function referrersTag(subjectDigest: string): string {
  return `sha256-${digestHex(subjectDigest)}`;
}

/** Every descriptor of `lists`, once each (the first occurrence wins), in first-seen order. */
function mergeReferrers(...lists: readonly Descriptor[][]): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const list of lists) for (const d of list) if (!seen.has(d.digest)) seen.set(d.digest, d);
  return [...seen.values()];
}

/** The referrers index listing `manifests`. */
export function referrersIndexOf(manifests: Descriptor[]): ImageIndex {
  return { schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests };
}

const modes = new WeakMap<RegistryClient, Map<string, Promise<ReferrersMode>>>();

/**
 * Whether the registry serves the referrers API for `repository` (probed with the subject at
 * hand, once per client and repository). 404 (or 405 or 501, see getReferrers) means no; any other failure throws.
 */
function referrersMode(client: RegistryClient, repository: string, subject: string): Promise<ReferrersMode> {
  let perRepo = modes.get(client);
  if (!perRepo) modes.set(client, (perRepo = new Map()));
  let mode = perRepo.get(repository);
  if (!mode) {
    mode = client.getReferrers(repository, subject).then((r) => (r === undefined ? "fallback" : "api"));
    mode.catch(() => perRepo.delete(repository));
    perRepo.set(repository, mode);
  }
  return mode;
}

/** The fallback index's entries, [] when the tag does not exist (404 only); any other failure throws. */
export async function readFallbackIndex(client: RegistryClient, repository: string, subject: string): Promise<Descriptor[]> {
  const tag = referrersTag(subject);
  try {
    const m = await client.getManifest(repository, tag);
    if (!INDEX_MEDIA_TYPES.includes(m.mediaType))
      throw new RegistryError(`${imageAt(repository, tag)} is a ${m.mediaType}, not a referrers index: refusing to overwrite it`);
    return client.parseManifest(repository, tag, m, OCI.index).manifests;
  } catch (err) {
    if (err instanceof RegistryError && err.status === 404) return [];
    throw err;
  }
}

/** The subject's referrers, through the API where the registry has it, else the fallback index. */
export async function listReferrers(client: RegistryClient, repository: string, subject: string): Promise<ReferrerDescriptor[]> {
  const viaApi = await client.getReferrers(repository, subject);
  const list = viaApi ? viaApi.manifests : await readFallbackIndex(client, repository, subject);
  return list.filter((d): d is ReferrerDescriptor => typeof (d as ReferrerDescriptor).artifactType === "string");
}

/** A referrer that could not be attached, and why (the message names it and its subject). */
export class ReferrerError extends Error {
  override readonly name = "ReferrerError";
  constructor(
    message: string,
    readonly referrer: string,
    readonly subject: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Pushes the artifact (blobs, then its manifest by digest) and lists it as a referrer of its
 * subject: nothing more where the registry has the referrers API, else the fallback index
 * (read-modify-write, re-read and merged; see the file comment).
 */
export async function attachReferrer(
  client: RegistryClient,
  repository: string,
  art: ReferrerArtifact,
  opts: AttachOptions = {},
): Promise<AttachResult> {
  if (!isDigest(art.subject)) throw new Error(`referrer subject ${JSON.stringify(art.subject)} is not a sha256 digest`);
  const what = `${art.descriptor.artifactType} referrer ${art.descriptor.digest} of ${repository}@${art.subject}`;
  try {
    for (const b of art.blobs) await client.pushBlob(repository, bufferBlob(b.data));
    await client.putManifest(repository, art.descriptor.digest, art.manifestBytes, MEDIA_TYPES.ociManifest);
    if ((await referrersMode(client, repository, art.subject)) === "api") {
      return { digest: art.descriptor.digest, subject: art.subject, mode: "api" };
    }
    return await addToFallbackIndex(client, repository, art.subject, art.descriptor, opts);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ReferrerError(`${what} was not attached: ${reason}`, art.descriptor.digest, art.subject, { cause: err });
  }
}

async function addToFallbackIndex(
  client: RegistryClient,
  repository: string,
  subject: string,
  referrer: ReferrerDescriptor,
  opts: AttachOptions,
): Promise<AttachResult> {
  const tag = referrersTag(subject);
  const settleReads = opts.settleReads ?? 3;
  const settleMs = opts.settleMs ?? 150;
  const maxWrites = opts.maxWrites ?? 8;
  // Every entry seen in any read, plus ours: a write never drops what another writer had listed.
  let known = mergeReferrers(await readFallbackIndex(client, repository, subject), [referrer]);
  let writes = 0;
  const write = async () => {
    writes++;
    await client.putManifest(repository, tag, canonicalJsonBytes(referrersIndexOf(known)), MEDIA_TYPES.ociIndex);
  };
  await write();
  for (let calm = 0; calm < settleReads;) {
    await sleep(Math.floor(Math.random() * settleMs) + 10);
    const current = await readFallbackIndex(client, repository, subject);
    const merged = mergeReferrers(current, known);
    const have = new Set(current.map((d) => d.digest));
    if (merged.every((d) => have.has(d.digest))) {
      known = merged;
      calm++;
      continue;
    }
    if (writes >= maxWrites) {
      const missing = merged.filter((d) => !have.has(d.digest)).map((d) => d.digest);
      throw new RegistryError(
        `the referrers index ${imageAt(repository, tag)} kept changing under concurrent writers; after ${writes} writes it still lacks ${missing.join(", ")}`,
      );
    }
    known = merged;
    calm = 0;
    await write();
  }
  return { digest: referrer.digest, subject, mode: "fallback", writes, entries: known.length };
}
