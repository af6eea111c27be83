/**
 * An image's SPDX 2.3 document, out/sbom/kimigayo-<variant>-<arch>.spdx.json: what the build's
 * sbom stage writes (canonical JSON, so the same build gives the same bytes) and what publish
 * (the SBOM referrer), attest (the toolchain) and verify (an SBOM read from a registry) read back.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { parseDocument, readSaved } from "../lib/saved.js";
import { canonicalJsonBytes } from "../oci/json.js";
import { SPDX_VERSION, type SpdxDocument } from "./spdx.js";

const checksum = z.looseObject({ algorithm: z.enum(["SHA1", "SHA256"]), checksumValue: z.string() });

export const spdxDocumentSchema = z.looseObject({
  spdxVersion: z.literal(SPDX_VERSION),
  dataLicense: z.literal("CC0-1.0"),
  SPDXID: z.literal("SPDXRef-DOCUMENT"),
  name: z.string(),
  documentNamespace: z.string(),
  creationInfo: z.looseObject({ created: z.string(), creators: z.array(z.string()) }),
  packages: z.array(
    z.looseObject({
      SPDXID: z.string(),
      name: z.string(),
      versionInfo: z.string().optional(),
      packageFileName: z.string().optional(),
      downloadLocation: z.string(),
      filesAnalyzed: z.boolean(),
      packageVerificationCode: z
        .looseObject({ packageVerificationCodeValue: z.string(), packageVerificationCodeExcludedFiles: z.array(z.string()).optional() })
        .optional(),
      checksums: z.array(checksum).optional(),
      licenseConcluded: z.string(),
      licenseDeclared: z.string(),
      copyrightText: z.string(),
      primaryPackagePurpose: z.enum(["CONTAINER", "APPLICATION", "LIBRARY"]).optional(),
      summary: z.string().optional(),
      comment: z.string().optional(),
      externalRefs: z
        .array(
          z.looseObject({
            referenceCategory: z.literal("PACKAGE-MANAGER"),
            referenceType: z.literal("purl"),
            referenceLocator: z.string(),
          }),
        )
        .optional(),
    }),
  ),
  files: z.array(
    z.looseObject({
      SPDXID: z.string(),
      fileName: z.string(),
      checksums: z.array(checksum),
      licenseConcluded: z.string(),
      copyrightText: z.string(),
    }),
  ),
  relationships: z.array(
    z.looseObject({
      spdxElementId: z.string(),
      relationshipType: z.enum(["DESCRIBES", "CONTAINS", "STATIC_LINK", "GENERATED_FROM"]),
      relatedSpdxElement: z.string(),
    }),
  ),
}) satisfies z.ZodType<SpdxDocument>;

const KIND = {
  what: "an SPDX 2.3 document written by `kimigayo build`",
  remedy: "run `kimigayo build` again (its sbom stage writes out/sbom/)",
};

/** Reads an image's SBOM file back; a bad one is a UsageError naming the file and the field. */
export function readSbom(file: string): Promise<SpdxDocument> {
  return readSaved(file, spdxDocumentSchema, KIND);
}

/** An SBOM read from elsewhere (a registry blob at `where`); a bad one is an Error naming `where` and the field. */
export function parseSbom(bytes: Buffer | string, where: string): SpdxDocument {
  return parseDocument(bytes, spdxDocumentSchema, { where, what: "an SPDX 2.3 document" });
}

/** Writes an image's SBOM as canonical JSON (sorted keys, no spaces): the same document gives the same bytes. */
export async function writeSbom(file: string, doc: SpdxDocument): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, canonicalJsonBytes(doc));
  return file;
}
