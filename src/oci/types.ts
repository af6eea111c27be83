/**
 * OCI image-spec types (v1.1) and the media types we write and read. We write OCI media types
 * only; Docker's manifest list and v2 manifest are accepted when reading from a registry.
 */

export const MEDIA_TYPES = {
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociConfig: "application/vnd.oci.image.config.v1+json",
  ociLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
} as const;

/** Media types of an index (a list of per-platform manifests). */
export const INDEX_MEDIA_TYPES: readonly string[] = [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerManifestList];
/** Media types of a single-platform image manifest. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [MEDIA_TYPES.ociManifest, MEDIA_TYPES.dockerManifest];

/** The Accept header for manifest requests: everything we can read. */
export const MANIFEST_ACCEPT = [...INDEX_MEDIA_TYPES, ...MANIFEST_MEDIA_TYPES].join(", ");

export const OCI_LAYOUT_VERSION = "1.0.0";

/** Pre-defined annotation keys (image-spec annotations.md). */
export const ANNOTATIONS = {
  created: "org.opencontainers.image.created",
  version: "org.opencontainers.image.version",
  revision: "org.opencontainers.image.revision",
  source: "org.opencontainers.image.source",
  title: "org.opencontainers.image.title",
  description: "org.opencontainers.image.description",
  licenses: "org.opencontainers.image.licenses",
  refName: "org.opencontainers.image.ref.name",
} as const;

export type Annotations = Record<string, string>;

/** The documents' types, inferred from the schemas every document read is parsed with. */
export type { Descriptor, ImageConfig, ImageIndex, ImageManifest } from "./schema.js";
