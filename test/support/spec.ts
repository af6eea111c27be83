/**
 * Checks against the specifications themselves (test/fixtures/spec, vendored byte for byte):
 *
 * - the OCI image-spec v1.1.1 JSON schemas, chosen by a blob's media type (draft-04, through
 *   ajv-draft-04), and its annotation rules (annotations.md), with the pre-defined keys read from
 *   that file's own list, so a key the spec does not define under org.opencontainers.image fails;
 * - the SPDX 2.3 JSON schema (draft-07) and the prose rules of SPDX 2.3 that no schema can
 *   express, each beside the clause it comes from.
 *
 * Every check returns a list of violations (empty when the document conforms), so a test can
 * show them all and a planted fault can prove the check fails.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ValidateFunction } from "ajv";
import ajvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";

export const SPEC_DIR = join(import.meta.dirname, "../fixtures/spec");
const OCI_SCHEMAS = join(SPEC_DIR, "oci-image-spec/schema");

const json = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;

/** The image-spec's media types and the schema file for each (schema/schema.go's table, v1.1.1). */
export const OCI_SCHEMA_FOR: Record<string, string> = {
  "application/vnd.oci.descriptor.v1+json": "content-descriptor.json",
  "application/vnd.oci.layout.header.v1+json": "image-layout-schema.json",
  "application/vnd.oci.image.manifest.v1+json": "image-manifest-schema.json",
  "application/vnd.oci.image.index.v1+json": "image-index-schema.json",
  "application/vnd.oci.image.config.v1+json": "config-schema.json",
};
export const OCI_LAYOUT_HEADER = "application/vnd.oci.layout.header.v1+json";

/**
 * The URLs each schema file is known by, as schema/schema.go (v1.1.1, specURLs) lists them: the
 * schemas' relative $refs resolve against their ids to these.
 */
const OCI_SCHEMA_URLS: Record<string, string[]> = {
  "config-schema.json": ["https://opencontainers.org/schema/image/config"],
  "content-descriptor.json": [
    "https://opencontainers.org/schema/descriptor",
    "https://opencontainers.org/schema/image/content-descriptor.json",
  ],
  "defs-descriptor.json": [
    "https://opencontainers.org/schema/image/descriptor/mediaType",
    "https://opencontainers.org/schema/defs-descriptor.json",
    "https://opencontainers.org/schema/image/defs-descriptor.json",
  ],
  "defs.json": [
    "https://opencontainers.org/schema/defs.json",
    "https://opencontainers.org/schema/image/defs.json",
    "https://opencontainers.org/schema/image/descriptor/defs.json",
  ],
  "image-index-schema.json": ["https://opencontainers.org/schema/image/index"],
  "image-layout-schema.json": ["https://opencontainers.org/schema/image/layout"],
  "image-manifest-schema.json": ["https://opencontainers.org/schema/image/manifest"],
};

/** A schema without the ids of its subschemas (labels only, which would move the $ref base in draft-04). */
function withoutNestedIds(node: unknown, top = true): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutNestedIds(n, false));
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => top || k !== "id")
      .map(([k, v]) => [k, k === "enum" || k === "const" ? v : withoutNestedIds(v, false)]),
  );
}

let oci: Map<string, ValidateFunction> | undefined;

function ociValidators(): Map<string, ValidateFunction> {
  if (oci) return oci;
  // ajv-draft-04 is CommonJS: its class is the module and its default export at once.
  const ajv = new ajvDraft04.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  for (const [file, urls] of Object.entries(OCI_SCHEMA_URLS)) {
    const schema = withoutNestedIds(json(join(OCI_SCHEMAS, file))) as Record<string, unknown>;
    for (const url of urls) ajv.addSchema({ ...schema, id: url });
  }
  oci = new Map(Object.entries(OCI_SCHEMA_FOR).map(([mt, file]) => [mt, ajv.getSchema(OCI_SCHEMA_URLS[file]![0]!)!]));
  return oci;
}

const errorsOf = (v: ValidateFunction, where: string): string[] =>
  (v.errors ?? []).map((e) => `${where}: ${e.instancePath || "/"} ${e.message ?? "is invalid"} (schema ${e.schemaPath})`);

/** Violations of the image-spec JSON schema for `mediaType`; undefined when the spec has no schema for it. */
export function ociSchemaViolations(mediaType: string, doc: unknown, where: string): string[] | undefined {
  const v = ociValidators().get(mediaType);
  if (!v) return undefined;
  return v(doc) ? [] : errorsOf(v, where);
}

// ---------------------------------------------------------------------------
// Annotations (image-spec annotations.md)
// ---------------------------------------------------------------------------

/** The pre-defined keys, read from annotations.md's own list ("- **org.opencontainers.image.x** ..."). */
export const PREDEFINED_KEYS: string[] = [
  ...readFileSync(join(SPEC_DIR, "oci-image-spec/annotations.md"), "utf8").matchAll(/^- \*\*(org\.opencontainers\.image\.[a-z.]+)\*\*/gm),
].map((m) => m[1]!);

// annotations.md, ref.name: ref ::= component ("/" component)*; component ::= alphanum (separator alphanum)*;
// alphanum ::= [A-Za-z0-9]+; separator ::= [-._:@+] | "--"
const REF_COMPONENT = "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*";
const REF_NAME = new RegExp(`^${REF_COMPONENT}(?:/${REF_COMPONENT})*$`);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
// An SPDX license expression (SPDX 2.3 Annex D): ids and LicenseRef-s joined by AND, OR, WITH, in parentheses.
const LICENSE_ID = "(?:LicenseRef-[A-Za-z0-9.-]+|[A-Za-z0-9][A-Za-z0-9.-]*\\+?)";

function isLicenseExpression(s: string): boolean {
  const tokens = s.match(/\(|\)|[^\s()]+/g) ?? [];
  let depth = 0;
  let wantOperand = true;
  for (const t of tokens) {
    if (t === "(") {
      if (!wantOperand) return false;
      depth++;
    } else if (t === ")") {
      if (wantOperand || --depth < 0) return false;
    } else if (t === "AND" || t === "OR" || t === "WITH") {
      if (wantOperand) return false;
      wantOperand = true;
    } else {
      if (!wantOperand || !new RegExp(`^${LICENSE_ID}$`).test(t)) return false;
      wantOperand = false;
    }
  }
  return tokens.length > 0 && depth === 0 && !wantOperand;
}

function isWebUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === "https:" || u.protocol === "http:") && u.hostname !== "";
  } catch {
    return false;
  }
}

export interface AnnotationPlace {
  /** "index.json descriptor": a descriptor in an image layout's index.json, where ref.name has meaning. */
  layoutIndexDescriptor?: boolean;
}

/** Violations of annotations.md's rules for one annotations map found at `where`. */
export function annotationViolations(annotations: unknown, where: string, place: AnnotationPlace = {}): string[] {
  if (annotations === undefined) return [];
  const p: string[] = [];
  if (typeof annotations !== "object" || annotations === null || Array.isArray(annotations))
    return [`${where}: annotations MUST be a key-value map`];
  for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
    const at = `${where}: annotation ${key}`;
    if (typeof value !== "string") p.push(`${at}: the value MUST be a string`);
    // "Keys SHOULD be named using a reverse domain notation - e.g. com.example.myKey."
    if (!/^[a-z0-9-]+(?:\.[A-Za-z0-9-]+)+\.[A-Za-z0-9._-]+$/.test(key)) p.push(`${at}: the key is not in reverse domain notation`);
    // "The prefix org.opencontainers is reserved for keys defined in OCI specifications" and
    // org.opencontainers.image "for use in the OCI Image Specification": only its own keys.
    if (key.startsWith("org.opencontainers.") && !PREDEFINED_KEYS.includes(key))
      p.push(`${at}: the org.opencontainers prefix is reserved, and the image-spec defines no such key`);
    if (typeof value !== "string") continue;
    switch (key) {
      case "org.opencontainers.image.created":
        if (!RFC3339.test(value) || Number.isNaN(Date.parse(value))) p.push(`${at}: ${JSON.stringify(value)} does not conform to RFC 3339`);
        break;
      case "org.opencontainers.image.url":
      case "org.opencontainers.image.documentation":
      case "org.opencontainers.image.source": {
        if (!isWebUrl(value)) p.push(`${at}: ${JSON.stringify(value)} is not a URL`);
        else {
          const u = new URL(value);
          if (u.username || u.password) p.push(`${at}: ${JSON.stringify(value)} carries userinfo (a credential)`);
        }
        break;
      }
      case "org.opencontainers.image.licenses":
        if (!isLicenseExpression(value)) p.push(`${at}: ${JSON.stringify(value)} is not an SPDX License Expression`);
        break;
      case "org.opencontainers.image.ref.name":
        if (!place.layoutIndexDescriptor)
          p.push(`${at}: ref.name SHOULD only be considered valid on descriptors in an image layout's index.json`);
        if (!REF_NAME.test(value)) p.push(`${at}: ${JSON.stringify(value)} does not match the ref grammar`);
        break;
      case "org.opencontainers.image.base.digest":
        if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(value)) p.push(`${at}: ${JSON.stringify(value)} is not a digest`);
        break;
    }
  }
  return p;
}

/** Every annotations map in an index, manifest or descriptor (its own, and its descriptors'), checked. */
export function allAnnotationViolations(doc: unknown, where: string, place: { layoutIndexJson?: boolean } = {}): string[] {
  const d = doc as {
    annotations?: unknown;
    manifests?: { annotations?: unknown; digest?: string }[];
    config?: { annotations?: unknown };
    layers?: { annotations?: unknown; digest?: string }[];
    subject?: { annotations?: unknown };
  };
  const p = annotationViolations(d.annotations, where);
  for (const m of d.manifests ?? [])
    p.push(
      ...annotationViolations(m.annotations, `${where} manifests[${m.digest}]`, { layoutIndexDescriptor: place.layoutIndexJson === true }),
    );
  p.push(...annotationViolations(d.config?.annotations, `${where} config`));
  for (const l of d.layers ?? []) p.push(...annotationViolations(l.annotations, `${where} layers[${l.digest}]`));
  p.push(...annotationViolations(d.subject?.annotations, `${where} subject`));
  return p;
}

// ---------------------------------------------------------------------------
// SPDX 2.3
// ---------------------------------------------------------------------------

let spdx: ValidateFunction | undefined;

/** Violations of the SPDX 2.3 JSON schema. */
export function spdxSchemaViolations(doc: unknown, where: string): string[] {
  if (!spdx) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    spdx = ajv.compile(json(join(SPEC_DIR, "spdx-spec/schemas/spdx-schema.json")));
  }
  const validate = spdx;
  return validate(doc) ? [] : errorsOf(validate, where);
}

interface SpdxLike {
  SPDXID?: string;
  documentNamespace?: string;
  dataLicense?: string;
  creationInfo?: { created?: string; creators?: string[] };
  documentDescribes?: string[];
  packages?: {
    SPDXID: string;
    name?: string;
    filesAnalyzed?: boolean;
    hasFiles?: string[];
    licenseInfoFromFiles?: string[];
    packageVerificationCode?: { packageVerificationCodeValue?: string; packageVerificationCodeExcludedFiles?: string[] };
  }[];
  files?: { SPDXID: string; fileName?: string; checksums?: { algorithm: string; checksumValue: string }[] }[];
  relationships?: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
}

const sha = (alg: string, data: Uint8Array) => createHash(alg).update(data).digest("hex");

/**
 * SPDX 2.3's prose rules for the document as written. `fileBytes`, when given, maps each file's
 * fileName ("./bin/busybox") to its content, and every checksum is recomputed from it.
 */
export function spdxRuleViolations(raw: unknown, where: string, fileBytes?: Map<string, Uint8Array>): string[] {
  const doc = raw as SpdxLike;
  const p: string[] = [];
  // §6.2: dataLicense "CC0-1.0".
  if (doc.dataLicense !== "CC0-1.0") p.push(`${where}: §6.2 dataLicense is ${JSON.stringify(doc.dataLicense)}, not CC0-1.0`);
  // §6.3: the document's SPDXID is SPDXRef-DOCUMENT.
  if (doc.SPDXID !== "SPDXRef-DOCUMENT") p.push(`${where}: §6.3 SPDXID is ${JSON.stringify(doc.SPDXID)}`);
  // §6.5: a unique absolute URI with a scheme and no "#".
  const ns = doc.documentNamespace ?? "";
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(ns) || ns.includes("#")) p.push(`${where}: §6.5 documentNamespace ${JSON.stringify(ns)}`);
  // §6.8: "Tool: toolidentifier-version"; Person:/Organization: with an optional (email).
  const creators = doc.creationInfo?.creators ?? [];
  if (creators.length === 0) p.push(`${where}: §6.8 no creator`);
  for (const c of creators) {
    if (c.startsWith("Tool: ")) {
      if (!/^Tool: \S+-\d[0-9A-Za-z.+-]*$/.test(c))
        p.push(`${where}: §6.8 creator ${JSON.stringify(c)} is not "Tool: toolidentifier-version"`);
    } else if (!/^(Person|Organization): [^\n]+$/.test(c)) p.push(`${where}: §6.8 creator ${JSON.stringify(c)}`);
  }
  // §6.9: YYYY-MM-DDThh:mm:ssZ.
  const created = doc.creationInfo?.created ?? "";
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(created) || Number.isNaN(Date.parse(created)))
    p.push(`${where}: §6.9 created ${JSON.stringify(created)} is not YYYY-MM-DDThh:mm:ssZ`);

  // §7.2, §8.2: SPDXRef-[idstring], unique in the document.
  const ids = new Set<string>(["SPDXRef-DOCUMENT"]);
  const elements = [...(doc.packages ?? []), ...(doc.files ?? [])];
  for (const e of elements) {
    if (!/^SPDXRef-[A-Za-z0-9.-]+$/.test(e.SPDXID)) p.push(`${where}: §7.2/§8.2 SPDXID ${JSON.stringify(e.SPDXID)}`);
    if (ids.has(e.SPDXID)) p.push(`${where}: SPDXID ${e.SPDXID} is not unique`);
    ids.add(e.SPDXID);
  }
  const files = new Map((doc.files ?? []).map((f) => [f.SPDXID, f]));
  // §11: relationships between elements of this document (or an external DocumentRef-, NONE, NOASSERTION).
  for (const r of doc.relationships ?? []) {
    for (const id of [r.spdxElementId, r.relatedSpdxElement])
      if (!ids.has(id) && !/^DocumentRef-[A-Za-z0-9.+-]+:SPDXRef-/.test(id) && id !== "NONE" && id !== "NOASSERTION")
        p.push(`${where}: §11 relationship ${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}: ${id} is no element`);
  }
  // The document describes at least one element (documentDescribes or DESCRIBES, §6 and §11).
  const describes =
    (doc.documentDescribes ?? []).length +
    (doc.relationships ?? []).filter((r) => r.spdxElementId === "SPDXRef-DOCUMENT" && r.relationshipType === "DESCRIBES").length;
  if (describes === 0) p.push(`${where}: the document DESCRIBES no element`);

  for (const pkg of doc.packages ?? []) {
    const at = `${where}: package ${pkg.name ?? pkg.SPDXID}`;
    const contained = [
      ...(pkg.hasFiles ?? []),
      ...(doc.relationships ?? [])
        .filter((r) => r.spdxElementId === pkg.SPDXID && r.relationshipType === "CONTAINS")
        .map((r) => r.relatedSpdxElement),
      ...(doc.relationships ?? [])
        .filter((r) => r.relatedSpdxElement === pkg.SPDXID && r.relationshipType === "CONTAINED_BY")
        .map((r) => r.spdxElementId),
    ].filter((id) => files.has(id));
    const analysed = pkg.filesAnalyzed !== false; // §7.8: "If omitted, the default value of true is assumed."
    if (!analysed) {
      // §7.8.1: "If false, the package shall not contain any files."
      if (contained.length > 0) p.push(`${at}: §7.8.1 filesAnalyzed is false, yet it contains ${contained.length} file(s)`);
      // §7.9 and §7.14: 0..0 (must be omitted) if FilesAnalyzed is false.
      if (pkg.packageVerificationCode) p.push(`${at}: §7.9 packageVerificationCode must be omitted when filesAnalyzed is false`);
      if (pkg.licenseInfoFromFiles) p.push(`${at}: §7.14 licenseInfoFromFiles must be omitted when filesAnalyzed is false`);
      continue;
    }
    // §7.9: "Required: Yes"; the SHA1 of the sorted, concatenated SHA1s of the package's files,
    // except the excluded (SPDX) files.
    const code = pkg.packageVerificationCode;
    if (!code?.packageVerificationCodeValue) {
      p.push(`${at}: §7.9 filesAnalyzed is true but there is no packageVerificationCode`);
      continue;
    }
    const excluded = new Set(code.packageVerificationCodeExcludedFiles ?? []);
    const sha1s: string[] = [];
    for (const id of new Set(contained)) {
      const f = files.get(id)!;
      if (excluded.has(f.fileName ?? "")) continue;
      const bytes = fileBytes?.get(f.fileName ?? "");
      const sha1 = bytes ? sha("sha1", bytes) : f.checksums?.find((c) => c.algorithm === "SHA1")?.checksumValue;
      if (sha1) sha1s.push(sha1);
    }
    const want = sha("sha1", Buffer.from(sha1s.sort().join(""), "ascii"));
    if (code.packageVerificationCodeValue !== want)
      p.push(
        `${at}: §7.9 packageVerificationCode ${code.packageVerificationCodeValue} is not ${want}, computed from its ${sha1s.length} file(s)`,
      );
  }

  for (const f of doc.files ?? []) {
    const at = `${where}: file ${f.fileName}`;
    // §8.1: "In general, every filename is preceded with a ./"
    if (!f.fileName?.startsWith("./")) p.push(`${at}: §8.1 fileName is not relative to the package root (./)`);
    // §8.4: "Checksum: SHA1 shall be included"; lowercase hex of the algorithm's length.
    if (!f.checksums?.some((c) => c.algorithm === "SHA1")) p.push(`${at}: §8.4 no SHA1 checksum`);
    const bytes = fileBytes?.get(f.fileName ?? "");
    if (fileBytes && !bytes) p.push(`${at}: no such file in the package`);
    for (const c of f.checksums ?? []) {
      const alg = { SHA1: "sha1", SHA256: "sha256", SHA512: "sha512", MD5: "md5" }[c.algorithm];
      const hexLength = { SHA1: 40, SHA224: 56, SHA256: 64, SHA384: 96, SHA512: 128, MD5: 32 }[c.algorithm];
      if (!/^[0-9a-f]+$/.test(c.checksumValue) || (hexLength !== undefined && c.checksumValue.length !== hexLength))
        p.push(`${at}: §8.4 ${c.algorithm} ${c.checksumValue} is not ${hexLength ?? "the algorithm's"} lowercase hex digits`);
      if (alg && bytes && sha(alg, bytes) !== c.checksumValue)
        p.push(`${at}: ${c.algorithm} ${c.checksumValue} is not the file's (${sha(alg, bytes)})`);
    }
  }
  if (fileBytes) {
    const listed = new Set((doc.files ?? []).map((f) => f.fileName));
    for (const name of fileBytes.keys()) if (!listed.has(name)) p.push(`${where}: the package's file ${name} is not listed`);
  }
  return p;
}

/** Schema and prose rules together. */
export function spdxViolations(doc: unknown, where: string, fileBytes?: Map<string, Uint8Array>): string[] {
  return [...spdxSchemaViolations(doc, where), ...spdxRuleViolations(doc, where, fileBytes)];
}
