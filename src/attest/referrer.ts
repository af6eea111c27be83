/**
 * A signed attestation (a Sigstore bundle) as an OCI referrer of the manifest or index it is
 * about, in the form GitHub's and cosign's tooling read: an image manifest with artifactType and
 * one layer of the bundle's media type, the empty config, and the predicate type as an annotation.
 */
import type { SerializedBundle } from "@sigstore/bundle";
import { referrerArtifact, type ReferrerArtifact } from "../oci/referrers.js";
import { ANNOTATIONS } from "../oci/types.js";

export const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
const PREDICATE_TYPE_ANNOTATION = "dev.sigstore.bundle.predicateType";
const BUNDLE_CONTENT_ANNOTATION = "dev.sigstore.bundle.content";

export function attestationArtifact(
  bundle: SerializedBundle,
  predicateType: string,
  subject: { mediaType: string; digest: string; size: number },
  created?: string,
): ReferrerArtifact {
  return referrerArtifact({
    artifactType: BUNDLE_MEDIA_TYPE,
    layer: { mediaType: BUNDLE_MEDIA_TYPE },
    data: Buffer.from(JSON.stringify(bundle), "utf8"),
    annotations: {
      [PREDICATE_TYPE_ANNOTATION]: predicateType,
      [BUNDLE_CONTENT_ANNOTATION]: "dsse-envelope",
      ...(created ? { [ANNOTATIONS.created]: created } : {}),
    },
    subject,
  });
}
