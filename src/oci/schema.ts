/**
 * The OCI documents we read, from a registry or an image layout, as zod schemas (image-spec v1.1,
 * distribution-spec v1.1): descriptor, image manifest, image index, image config, the referrers
 * response, the layout's oci-layout marker, a tag list and a token answer. Every document read is
 * parsed with one of these, never cast; a malformed one is an error naming where it came from (its
 * URL or file) and the field. The schemas check the fields we use and let the rest through (a
 * registry may add fields; Docker's manifest list and v2 manifest read as an index and a manifest).
 * The types of src/oci/types.ts are inferred from them.
 */
import { z } from "zod";
import { parseDocument, type JsonDocument } from "../lib/saved.js";

/** "algorithm:encoded" (image-spec descriptor.md). */
const digest = z.string().regex(/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, "expected a digest like sha256:<64 hex digits>");
const size = z.number().int().nonnegative();
const annotations = z.record(z.string(), z.string());
/** Docker writes null for an empty list or map in an image config. */
const strings = z.array(z.string()).nullish();

export const platformSchema = z.looseObject({
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
});

export const descriptorSchema = z.looseObject({
  mediaType: z.string(),
  /** "sha256:<64 hex>" */
  digest,
  size,
  platform: platformSchema.optional(),
  annotations: annotations.optional(),
  /** An artifact's type (a referrer's: an SBOM, a Sigstore bundle). */
  artifactType: z.string().optional(),
});

export const imageManifestSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string(),
  artifactType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  /** The manifest this one refers to (an attestation's or SBOM's image). */
  subject: descriptorSchema.optional(),
  annotations: annotations.optional(),
});

export const imageIndexSchema = z.looseObject({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: annotations.optional(),
});

export const imageConfigSchema = z.looseObject({
  created: z.string().optional(),
  architecture: z.string(),
  os: z.string(),
  variant: z.string().optional(),
  config: z
    .looseObject({
      Env: strings,
      Cmd: strings,
      Entrypoint: strings,
      Labels: annotations.nullish(),
      StopSignal: z.string().optional(),
      WorkingDir: z.string().optional(),
      User: z.string().optional(),
    })
    .optional(),
  rootfs: z.looseObject({ type: z.literal("layers"), diff_ids: z.array(digest) }),
  history: z
    .array(
      z.looseObject({
        created: z.string().optional(),
        created_by: z.string().optional(),
        comment: z.string().optional(),
        empty_layer: z.boolean().optional(),
      }),
    )
    .optional(),
});

/** GET /v2/<name>/referrers/<digest>: an image index of referrer descriptors (an empty one may leave `manifests` out). */
export const referrersSchema = imageIndexSchema.extend({ manifests: z.array(descriptorSchema).default([]) });

/** An image layout's oci-layout file. */
export const layoutMarkerSchema = z.looseObject({ imageLayoutVersion: z.string() });

/** GET /v2/<name>/tags/list (a repository with no tags may answer `"tags": null`). */
export const tagListSchema = z.looseObject({ tags: z.array(z.string()).nullish() });

/** A token server's answer (distribution token spec): `token`, or OAuth2's `access_token`. */
export const tokenAnswerSchema = z.looseObject({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
});

/** An OCI error body: {"errors": [{"code", "message"}, ...]}; entries are read field by field, each may be anything. */
export const errorBodySchema = z.looseObject({ errors: z.array(z.unknown()) });

export type Descriptor = z.infer<typeof descriptorSchema>;
export type ImageManifest = z.infer<typeof imageManifestSchema>;
export type ImageIndex = z.infer<typeof imageIndexSchema>;
export type ImageConfig = z.infer<typeof imageConfigSchema>;

/** A kind of OCI document: its schema and what it is called in a message. */
export interface OciDocument<S extends z.ZodType> {
  schema: S;
  what: string;
}

export const OCI = {
  manifest: { schema: imageManifestSchema, what: "an OCI image manifest" },
  index: { schema: imageIndexSchema, what: "an OCI image index" },
  config: { schema: imageConfigSchema, what: "an OCI image config" },
  referrers: { schema: referrersSchema, what: "a referrers response (an OCI image index)" },
  layoutMarker: { schema: layoutMarkerSchema, what: "an oci-layout file" },
  tagList: { schema: tagListSchema, what: "a tag list" },
  tokenAnswer: { schema: tokenAnswerSchema, what: "a token answer" },
} as const;

/** Parses an OCI document read from `where` (a URL or a file); a malformed one is an Error naming `where` and the field. */
export function parseOci<S extends z.ZodType>(bytes: Buffer | string, kind: OciDocument<S>, where: string): z.output<S> {
  const doc: JsonDocument = { where, what: kind.what };
  return parseDocument(bytes, kind.schema, doc);
}
