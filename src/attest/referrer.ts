/**
 * A signed attestation (a Sigstore bundle) as an OCI referrer of the manifest or index it is
 * about, in the form GitHub's and cosign's tooling read: an image manifest with artifactType and
 * one layer of the bundle's media type, the empty config, and the predicate type as an annotation.
 */
import type { SerializedBundle } from "@sigstore/bundle";
import { digestOf } from "../oci/digest.js";
import { canonicalJsonBytes } from "../oci/json.js";
import type { ReferrerArtifact } from "../oci/referrers.js";
import { ANNOTATIONS, MEDIA_TYPES, type Descriptor } from "../oci/types.js";

export const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
export const PREDICATE_TYPE_ANNOTATION = "dev.sigstore.bundle.predicateType";
export const BUNDLE_CONTENT_ANNOTATION = "dev.sigstore.bundle.content";
const EMPTY_JSON = Buffer.from("{}");
const EMPTY: Descriptor = { mediaType: "application/vnd.oci.empty.v1+json", digest: digestOf(EMPTY_JSON), size: EMPTY_JSON.length };

export function attestationArtifact(
  bundle: SerializedBundle,
  predicateType: string,
  subject: { mediaType: string; digest: string; size: number },
  created?: string,
): ReferrerArtifact {
  const data = Buffer.from(JSON.stringify(bundle), "utf8");
  const layer: Descriptor = { mediaType: BUNDLE_MEDIA_TYPE, digest: digestOf(data), size: data.length };
  const annotations: Record<string, string> = {
    [PREDICATE_TYPE_ANNOTATION]: predicateType,
    [BUNDLE_CONTENT_ANNOTATION]: "dsse-envelope",
    ...(created ? { [ANNOTATIONS.created]: created } : {}),
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType: BUNDLE_MEDIA_TYPE,
    config: EMPTY,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations,
  };
  const manifestBytes = canonicalJsonBytes(manifest);
  return {
    manifestBytes,
    descriptor: {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: digestOf(manifestBytes),
      size: manifestBytes.length,
      artifactType: BUNDLE_MEDIA_TYPE,
      annotations,
    },
    blobs: [
      { descriptor: EMPTY, data: EMPTY_JSON },
      { descriptor: layer, data },
    ],
    subject: subject.digest,
  };
}
