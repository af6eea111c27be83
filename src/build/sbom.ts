/**
 * One SPDX 2.3 SBOM per image (variant x platform), and the OCI artifact that carries it as a
 * referrer of the image manifest.
 *
 * The document says what is in the image: the image itself (kimigayo-<variant>), BusyBox (from
 * its pinned source tarball, statically linked), musl (linked into BusyBox) and every regular
 * file of the layer with its SHA1 and SHA256. Output is deterministic: no random UUID, no
 * wall-clock time. `created` comes from SOURCE_DATE_EPOCH, and the namespace ends with a hash
 * of the document's own content, so the same inputs give the same bytes (canonical JSON).
 *
 * The artifact is an OCI image manifest with artifactType application/spdx+json, the empty
 * config ({}), one layer holding the SPDX JSON, and `subject` = the image manifest. Registries
 * with the referrers API index it by subject; for those without it (distribution 2.8) the OCI
 * distribution spec's fallback is a tag named after the subject digest ("sha256-<hex>") pointing
 * to an image index of referrers: see referrersTag and referrersIndex.
 */
import { createHash } from "node:crypto";
import { readFile, realpath, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Platform } from "../config/schema.js";
import { sha256 } from "../lib/hash.js";
import { run, type RunOptions, type RunResult } from "../lib/exec.js";
import { archOf } from "../lib/platform.js";
import { TOOL_NAME, TOOL_VERSION } from "../lib/tool.js";
import { readTar } from "../lib/tar.js";
import { isDigest } from "../oci/digest.js";
import { canonicalJson, canonicalJsonBytes } from "../oci/json.js";
import { ANNOTATIONS, INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, type Descriptor } from "../oci/types.js";
import { IMAGE_LICENSES } from "./image.js";
import { referrerArtifact, type ReferrerManifest } from "../oci/referrers.js";
import { SPDX_VERSION, type SpdxDocument, type SpdxFile, type SpdxPackage, type SpdxRelationship } from "../results/spdx.js";

const SPDX_MEDIA_TYPE = "application/spdx+json";
/** SPDX 2.3 §6.8: a tool creator is "Tool: toolidentifier-version". */
const SPDX_CREATOR = `Tool: ${TOOL_NAME}-${TOOL_VERSION}`;
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const HEX = { SHA1: /^[0-9a-f]{40}$/, SHA256: /^[0-9a-f]{64}$/ } as const;

export interface SbomFile {
  /** Absolute path in the image: "/etc/rc.conf". */
  path: string;
  sha256: string;
  /** SPDX 2.3 requires SHA1 for every file (rootfsFiles computes both). */
  sha1: string;
}

export interface SpdxOptions {
  variant: string;
  platform: Platform;
  /** The image (Kimigayo) version. */
  version: string;
  busybox: {
    version: string;
    /** sha256 of the source tarball. */
    sha256: string;
    /** sha256 of the static binary, /bin/busybox. */
    binarySha256: string;
    applets: string[];
    /** Default: the upstream tarball, https://busybox.net/downloads/busybox-<version>.tar.bz2. */
    downloadLocation?: string;
  };
  /** "unknown" when muslVersion could not tell. */
  musl: { version: string };
  /** Regular files in the rootfs (rootfsFiles). */
  files: SbomFile[];
  /** RFC 3339 UTC, from SOURCE_DATE_EPOCH (rfc3339 in src/build/image.ts). */
  created: string;
  /** A base URI such as https://github.com/OWNER/kimigayo/spdx; the document's namespace is derived from it. */
  namespace: string;
}

const NOASSERTION = "NOASSERTION";
const UNKNOWN = "unknown";

function sha1Hex(data: Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

/** SHA1 and SHA256 of a file's content. */
function fileChecksums(data: Uint8Array): { sha1: string; sha256: string } {
  return { sha1: sha1Hex(data), sha256: sha256(data) };
}

/** Every regular file in a layer tar, with both checksums, sorted by path. Links and directories are left out. */
export function rootfsFiles(tar: Uint8Array): SbomFile[] {
  return readTar(tar)
    .flatMap((e) => (e.type === "file" ? [{ path: `/${e.path}`, ...fileChecksums(e.data) }] : []))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * SPDX 2.3 §7.9's package verification code: the SHA1 of the files' SHA1s (lowercase hex),
 * sorted in ASCII order and concatenated without separators. The SPDX document itself is
 * excluded when it is one of the package's files; an image never holds its own SBOM (the SBOM is
 * a referrer beside the image), so spdxFor excludes nothing.
 */
export function packageVerificationCode(fileSha1s: string[]): string {
  for (const h of fileSha1s) check(HEX.SHA1.test(h), `file sha1 ${JSON.stringify(h)} is not 40 lowercase hex characters`);
  return sha1Hex(Buffer.from([...fileSha1s].sort().join(""), "ascii"));
}

/** "/etc/sysctl.d/99-x.conf" -> "SPDXRef-File-etc-sysctl.d-99-x.conf"; characters SPDX ids do not allow become "-". */
export function fileSpdxId(path: string): string {
  const tail = path.replace(/^\/+/, "").replace(/[^A-Za-z0-9.]+/g, "-");
  return `SPDXRef-File-${tail || "root"}`;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`SPDX: ${message}`);
}

function checkOptions(o: SpdxOptions): void {
  check(RFC3339_UTC.test(o.created), `created ${JSON.stringify(o.created)} is not an RFC 3339 UTC time like 2026-01-01T00:00:00Z`);
  check(/^[a-z][a-z0-9-]*$/.test(o.variant), `variant ${JSON.stringify(o.variant)} is not a variant name`);
  check(HEX.SHA256.test(o.busybox.sha256), `busybox.sha256 ${JSON.stringify(o.busybox.sha256)} is not 64 lowercase hex characters`);
  check(
    HEX.SHA256.test(o.busybox.binarySha256),
    `busybox.binarySha256 ${JSON.stringify(o.busybox.binarySha256)} is not 64 lowercase hex characters`,
  );
  let url: URL | undefined;
  try {
    url = new URL(o.namespace);
  } catch {
    url = undefined;
  }
  check(url !== undefined && !o.namespace.includes("#"), `namespace ${JSON.stringify(o.namespace)} is not an absolute URI without "#"`);
  const seen = new Set<string>();
  for (const f of o.files) {
    check(f.path.startsWith("/") && !f.path.endsWith("/"), `file path ${JSON.stringify(f.path)} is not an absolute file path`);
    check(!seen.has(f.path), `file ${f.path} is listed twice`);
    seen.add(f.path);
    check(HEX.SHA256.test(f.sha256), `file ${f.path}: sha256 ${JSON.stringify(f.sha256)} is not 64 lowercase hex characters`);
    check(HEX.SHA1.test(f.sha1), `file ${f.path}: sha1 ${JSON.stringify(f.sha1)} is not 40 lowercase hex characters`);
  }
}

/** A purl version or name segment (purl-spec: percent-encode what is not unreserved). */
function purlPart(s: string): string {
  return encodeURIComponent(s);
}

/** The SPDX 2.3 document for one image. */
export function spdxFor(o: SpdxOptions): SpdxDocument {
  checkOptions(o);
  const arch = archOf(o.platform);
  const imageName = `kimigayo-${o.variant}`;
  const imageId = `SPDXRef-Package-${imageName}`;
  const busyboxId = "SPDXRef-Package-busybox";
  const muslId = "SPDXRef-Package-musl";
  const bb = o.busybox;
  const muslKnown = o.musl.version !== "" && o.musl.version !== UNKNOWN;

  const image: SpdxPackage = {
    SPDXID: imageId,
    name: imageName,
    versionInfo: o.version,
    downloadLocation: NOASSERTION,
    // It CONTAINS every file of the layer, so its files were analysed (§7.8.1: a package with
    // filesAnalyzed false "shall not contain any files"), and §7.9's code covers them.
    filesAnalyzed: true,
    packageVerificationCode: { packageVerificationCodeValue: packageVerificationCode(o.files.map((f) => f.sha1)) },
    licenseConcluded: NOASSERTION,
    licenseDeclared: IMAGE_LICENSES,
    copyrightText: NOASSERTION,
    primaryPackagePurpose: "CONTAINER",
    summary: `Kimigayo OS ${o.variant} container image for ${o.platform}`,
  };
  const busybox: SpdxPackage = {
    SPDXID: busyboxId,
    name: "busybox",
    versionInfo: bb.version,
    packageFileName: `busybox-${bb.version}.tar.bz2`,
    downloadLocation: bb.downloadLocation ?? `https://busybox.net/downloads/busybox-${bb.version}.tar.bz2`,
    filesAnalyzed: false,
    checksums: [{ algorithm: "SHA256", checksumValue: bb.sha256 }],
    licenseConcluded: "GPL-2.0-only",
    licenseDeclared: "GPL-2.0-only",
    copyrightText: NOASSERTION,
    primaryPackagePurpose: "APPLICATION",
    summary: `BusyBox ${bb.version}, built from the source tarball above and statically linked against musl`,
    comment: `/bin/busybox sha256 ${bb.binarySha256}; ${bb.applets.length} applets: ${[...bb.applets].sort().join(" ")}`,
    externalRefs: [
      { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: `pkg:generic/busybox@${purlPart(bb.version)}` },
    ],
  };
  const musl: SpdxPackage = {
    SPDXID: muslId,
    name: "musl",
    ...(muslKnown ? { versionInfo: o.musl.version } : {}),
    downloadLocation: muslKnown ? `https://musl.libc.org/releases/musl-${o.musl.version}.tar.gz` : NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: "MIT",
    licenseDeclared: "MIT",
    copyrightText: NOASSERTION,
    primaryPackagePurpose: "LIBRARY",
    summary: `musl libc for ${arch}, statically linked into BusyBox`,
    externalRefs: [
      {
        referenceCategory: "PACKAGE-MANAGER",
        referenceType: "purl",
        referenceLocator: muslKnown ? `pkg:generic/musl@${purlPart(o.musl.version)}` : "pkg:generic/musl",
      },
    ],
  };

  const files: SpdxFile[] = [];
  const ids = new Set<string>([imageId, busyboxId, muslId, "SPDXRef-DOCUMENT"]);
  const relationships: SpdxRelationship[] = [
    { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: imageId },
    { spdxElementId: imageId, relationshipType: "CONTAINS", relatedSpdxElement: busyboxId },
    { spdxElementId: imageId, relationshipType: "CONTAINS", relatedSpdxElement: muslId },
    { spdxElementId: busyboxId, relationshipType: "STATIC_LINK", relatedSpdxElement: muslId },
  ];
  for (const f of [...o.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const base = fileSpdxId(f.path);
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}-${n}`;
    ids.add(id);
    files.push({
      SPDXID: id,
      fileName: `.${f.path}`,
      checksums: [
        { algorithm: "SHA1", checksumValue: f.sha1 },
        { algorithm: "SHA256", checksumValue: f.sha256 },
      ],
      licenseConcluded: NOASSERTION,
      copyrightText: NOASSERTION,
    });
    relationships.push({ spdxElementId: imageId, relationshipType: "CONTAINS", relatedSpdxElement: id });
    if (f.path === "/bin/busybox") {
      check(f.sha256 === bb.binarySha256, `/bin/busybox has sha256 ${f.sha256}, but busybox.binarySha256 is ${bb.binarySha256}`);
      relationships.push({ spdxElementId: id, relationshipType: "GENERATED_FROM", relatedSpdxElement: busyboxId });
    }
  }

  const doc: Omit<SpdxDocument, "documentNamespace"> = {
    spdxVersion: SPDX_VERSION,
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: `${imageName}-${o.version}-linux-${arch}`,
    creationInfo: { created: o.created, creators: [SPDX_CREATOR] },
    packages: [image, busybox, musl],
    files,
    relationships,
  };
  const contentHash = sha256(canonicalJson(doc));
  const documentNamespace = `${o.namespace.replace(/\/+$/, "")}/${imageName}-${purlPart(o.version)}-linux-${arch}-${contentHash}`;
  return { ...doc, documentNamespace };
}

// ---------------------------------------------------------------------------
// musl version
// ---------------------------------------------------------------------------

export interface MuslVersion {
  /** Upstream version ("1.2.3"), or "unknown". */
  version: string;
  /** How it was found, e.g. "dpkg: musl-dev:arm64 1.2.3-1". */
  source?: string;
  /** Why it is unknown. */
  reason?: string;
}

type Runner = (cmd: string, args: readonly string[], opts?: RunOptions) => Promise<RunResult>;

/** "1:1.2.3-1+b1" -> "1.2.3" (Debian epoch and revision dropped). */
export function upstreamVersion(debian: string): string {
  return debian.replace(/^\d+:/, "").replace(/-[^-]*$/, "");
}

/**
 * The musl version behind a compiler wrapper (musl-gcc, aarch64-linux-musl-gcc). First dpkg:
 * the package owning the wrapper (musl-dev:<arch> on Debian) and its version. Then musl's own
 * loader: the wrapper's specs file sits beside libc.so, which prints "Version X" when run
 * (natively, or through binfmt/QEMU for another architecture). Otherwise "unknown", with why.
 */
export async function muslVersion(cc: string, runner: Runner = run): Promise<MuslVersion> {
  const tried: string[] = [];
  const where = await runner("sh", ["-c", 'command -v -- "$1"', "sh", cc]).catch(() => undefined);
  const found = where?.code === 0 ? where.stdout.trim() : "";
  if (!found) return { version: UNKNOWN, reason: `${cc} is not on PATH` };
  const path = await realpath(found).catch(() => found);

  const owner = await runner("dpkg-query", ["-S", path]).catch(() => undefined);
  const pkg = owner?.code === 0 ? /^([a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?):/.exec(owner.stdout.trim())?.[1] : undefined;
  if (pkg?.startsWith("musl")) {
    const v = await runner("dpkg-query", ["-W", "-f", "${Version}", pkg]).catch(() => undefined);
    const debian = v?.code === 0 ? v.stdout.trim() : "";
    if (debian) return { version: upstreamVersion(debian), source: `dpkg: ${pkg} ${debian}` };
    tried.push(`dpkg-query -W ${pkg} gave no version`);
  } else {
    tried.push(owner?.code === 0 ? `${path} belongs to ${pkg ?? "an unknown package"}, not musl` : `dpkg does not know ${path}`);
  }

  // The wrapper is a two-line shell script: exec "${REALGCC:-…}" "$@" -specs "/usr/lib/<triple>/musl-gcc.specs".
  const size = await stat(path)
    .then((st) => st.size)
    .catch(() => Infinity);
  const script = size < 64 * 1024 ? await readFile(path, "utf8").catch(() => "") : "";
  const specs = /-specs\s+"?([^"\s]+)"?/.exec(script)?.[1];
  if (specs) {
    const loader = join(dirname(specs), "libc.so");
    const r = await runner(loader, [], { timeoutMs: 30_000 }).catch((err: Error) => ({ code: -1, stdout: "", stderr: err.message }));
    const version = /^Version (\S+)$/m.exec(`${r.stdout}\n${r.stderr}`)?.[1];
    if (version) return { version, source: `${loader}` };
    tried.push(`${loader} printed no version`);
  } else {
    tried.push(`${path} names no musl specs file`);
  }
  return { version: UNKNOWN, reason: tried.join("; ") };
}

// ---------------------------------------------------------------------------
// The OCI artifact (a referrer of the image manifest)
// ---------------------------------------------------------------------------

interface Blob {
  descriptor: Descriptor;
  data: Buffer;
}

export interface SbomArtifact {
  manifest: ReferrerManifest;
  /** The manifest's canonical JSON bytes, as pushed. */
  manifestBytes: Buffer;
  /** The manifest's descriptor as a referrers list shows it (with artifactType and annotations). */
  descriptor: Descriptor & { artifactType: string };
  /** Pushed before the manifest: the empty config and the SPDX document. */
  blobs: Blob[];
}

/** The SPDX document wrapped as an OCI artifact whose subject is the image manifest. */
export function sbomArtifact(spdx: SpdxDocument, subject: { mediaType: string; digest: string; size: number }): SbomArtifact {
  if (!isDigest(subject.digest)) throw new Error(`SBOM subject: ${JSON.stringify(subject.digest)} is not a sha256 digest`);
  if (!Number.isSafeInteger(subject.size) || subject.size <= 0)
    throw new Error(`SBOM subject: size ${subject.size} is not a positive integer`);
  if (!MANIFEST_MEDIA_TYPES.includes(subject.mediaType) && !INDEX_MEDIA_TYPES.includes(subject.mediaType))
    throw new Error(`SBOM subject: ${subject.mediaType} is not a manifest or index media type`);
  const { manifest, manifestBytes, descriptor, blobs } = referrerArtifact({
    artifactType: SPDX_MEDIA_TYPE,
    layer: { mediaType: SPDX_MEDIA_TYPE, annotations: { [ANNOTATIONS.title]: `${spdx.name}.spdx.json` } },
    data: canonicalJsonBytes(spdx),
    annotations: { [ANNOTATIONS.created]: spdx.creationInfo.created },
    subject,
  });
  return { manifest, manifestBytes, descriptor, blobs };
}
