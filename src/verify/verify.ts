/**
 * verify: an image in a registry checked end to end, as a consumer would.
 *
 *   1. The reference resolves to an index (or one manifest); the index lists image manifests
 *      only (a referrer or an unknown/unknown platform in it is a failure).
 *   2. Every manifest and blob (configs and layers) is fetched and re-hashed against its digest.
 *   3. Each platform manifest has an SPDX SBOM referrer whose file list (path and sha256) equals
 *      the files of the image's layers.
 *   4. Each platform manifest and the index have a signed provenance attestation (a referrer
 *      holding a Sigstore bundle) that verifies against the trust root, was signed by the
 *      expected identity, and whose statement names that very digest as its subject.
 *
 * Every failure is one line naming the subject and what is wrong; the result passes when there
 * are none.
 */
import { gunzipSync } from "node:zlib";
import type { TrustMaterial } from "@sigstore/verify";
import { SLSA_PROVENANCE_V1, SPDX_PREDICATE, type Statement } from "../attest/statement.js";
import { BUNDLE_MEDIA_TYPE } from "../attest/referrer.js";
import { readTar } from "../lib/tar.js";
import { digestHex, digestOf } from "../oci/digest.js";
import { listReferrers } from "../oci/referrers.js";
import type { RegistryClient } from "../oci/registry.js";
import { OCI } from "../oci/schema.js";
import { INDEX_MEDIA_TYPES, type ImageManifest } from "../oci/types.js";
import type { SpdxDocument } from "../results/spdx.js";
import { parseSbom } from "../results/sbom.js";
import { checkBundle, type IdentityPolicy, type SignerIdentity } from "./signature.js";
import { formatReference, imageAt } from "../oci/reference.js";

const SPDX_ARTIFACT_TYPE = "application/spdx+json";

export interface VerifyRequest {
  client: RegistryClient;
  repository: string;
  /** A tag or a digest. */
  ref: string;
  trust: TrustMaterial;
  identity: IdentityPolicy;
}

interface SubjectReport {
  /** "index", or the platform ("linux/amd64"). */
  target: string;
  digest: string;
  blobs: number;
  sbom?: { referrer: string; files: number };
  attestations: { referrer: string; predicateType: string; signer?: SignerIdentity }[];
}

export interface VerifyResult {
  reference: string;
  digest: string;
  subjects: SubjectReport[];
  failures: string[];
  passed: boolean;
}

const platformOf = (d: { platform?: { os: string; architecture: string; variant?: string } }) =>
  d.platform ? `${d.platform.os}/${d.platform.architecture}${d.platform.variant ? `/${d.platform.variant}` : ""}` : "unknown/unknown";

/** The regular files of gzip-compressed layers: path -> sha256 (later layers win). */
function layerFiles(layers: Buffer[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const gz of layers) {
    for (const e of readTar(gunzipSync(gz))) {
      if (e.type === "file") files.set(`/${e.path}`, digestHex(digestOf(e.data)));
    }
  }
  return files;
}

function sbomFiles(doc: SpdxDocument): Map<string, string> {
  const files = new Map<string, string>();
  for (const f of doc.files ?? []) {
    const sha = f.checksums?.find((c) => c.algorithm === "SHA256")?.checksumValue ?? "";
    files.set(`/${(f.fileName ?? "").replace(/^\.?\/+/, "")}`, sha);
  }
  return files;
}

/** Differences between the SBOM's file list and the layer's, at most `limit` named. */
export function fileListDifferences(sbom: Map<string, string>, layer: Map<string, string>, limit = 10): string[] {
  const out: string[] = [];
  for (const [p, sha] of layer) {
    if (!sbom.has(p)) out.push(`${p} is in the layer but not in the SBOM`);
    else if (sbom.get(p) !== sha) out.push(`${p}: the SBOM says sha256 ${sbom.get(p)}, the layer has ${sha}`);
  }
  for (const p of sbom.keys()) if (!layer.has(p)) out.push(`${p} is in the SBOM but not in the layer`);
  return out.length > limit ? [...out.slice(0, limit), `and ${out.length - limit} more`] : out;
}

async function attestationsOf(
  req: VerifyRequest,
  target: string,
  digest: string,
  failures: string[],
): Promise<{ report: SubjectReport["attestations"]; sbomReferrers: string[] }> {
  const report: SubjectReport["attestations"] = [];
  let referrers;
  try {
    referrers = await listReferrers(req.client, req.repository, digest);
  } catch (err) {
    failures.push(`${target} ${digest}: cannot read its referrers: ${(err as Error).message}`);
    return { report, sbomReferrers: [] };
  }
  const sbomReferrers = referrers.filter((r) => r.artifactType === SPDX_ARTIFACT_TYPE).map((r) => r.digest);
  const problems: string[] = [];
  for (const r of referrers.filter((x) => x.artifactType === BUNDLE_MEDIA_TYPE)) {
    try {
      const m = (await req.client.getManifestAs(req.repository, r.digest, OCI.manifest)).doc;
      if (m.subject?.digest !== digest) {
        problems.push(`attestation ${r.digest} is listed for ${digest} but its manifest's subject is ${m.subject?.digest ?? "missing"}`);
        continue;
      }
      const layer = m.layers[0];
      if (!layer) {
        problems.push(`attestation ${r.digest} has no bundle layer`);
        continue;
      }
      const bundle: unknown = JSON.parse((await req.client.getBlob(req.repository, layer.digest)).toString("utf8"));
      const c = checkBundle(bundle, req.trust, req.identity);
      if (!c.ok) {
        problems.push(`attestation ${r.digest}: ${c.problem}`);
        continue;
      }
      const s: Statement = c.statement;
      if (!s.subject.some((x) => x.digest.sha256 === digestHex(digest))) {
        const names = s.subject.map((x) => `sha256:${x.digest.sha256}`).join(", ");
        problems.push(`attestation ${r.digest} (${s.predicateType}): its statement's subject is ${names}, not ${digest}`);
        continue;
      }
      report.push({ referrer: r.digest, predicateType: s.predicateType, signer: c.identity });
    } catch (err) {
      problems.push(`attestation ${r.digest}: ${(err as Error).message}`);
    }
  }
  if (!report.some((a) => a.predicateType === SLSA_PROVENANCE_V1)) {
    failures.push(
      `${target} ${digest}: no valid signed provenance attestation${problems.length ? `: ${problems.join("; ")}` : " (no attestation referrer)"}`,
    );
  } else {
    for (const p of problems) failures.push(`${target} ${digest}: ${p}`);
  }
  return { report, sbomReferrers };
}

export async function verifyImage(req: VerifyRequest): Promise<VerifyResult> {
  const failures: string[] = [];
  const subjects: SubjectReport[] = [];
  const reference = imageAt(formatReference({ registry: req.client.registry, repository: req.repository }), req.ref);
  const top = await req.client.getManifest(req.repository, req.ref);
  const platforms: { target: string; digest: string }[] = [];
  if (INDEX_MEDIA_TYPES.includes(top.mediaType)) {
    const index = req.client.parseManifest(req.repository, req.ref, top, OCI.index);
    for (const d of index.manifests) {
      const p = platformOf(d);
      if (d.artifactType || p.startsWith("unknown/")) {
        failures.push(
          `index ${top.digest}: entry ${d.digest} is not an image (${p}, artifactType ${d.artifactType ?? "none"}): attestations must not be platforms`,
        );
        continue;
      }
      platforms.push({ target: p, digest: d.digest });
    }
  } else {
    platforms.push({ target: "image", digest: top.digest });
  }

  for (const p of platforms) {
    const report: SubjectReport = { target: p.target, digest: p.digest, blobs: 0, attestations: [] };
    subjects.push(report);
    let manifest: ImageManifest;
    try {
      manifest = (await req.client.getManifestAs(req.repository, p.digest, OCI.manifest)).doc;
    } catch (err) {
      failures.push(`${p.target} manifest ${p.digest}: ${(err as Error).message}`);
      continue;
    }
    const layers: Buffer[] = [];
    let intact = true;
    for (const [i, d] of [manifest.config, ...manifest.layers].entries()) {
      const what = i === 0 ? "config" : `layer ${i}`;
      try {
        const data = await req.client.getBlob(req.repository, d.digest);
        if (data.length !== d.size) throw new Error(`${data.length} bytes, the manifest says ${d.size}`);
        if (i > 0) layers.push(data);
        report.blobs++;
      } catch (err) {
        intact = false;
        failures.push(`${p.target} ${what} ${d.digest}: ${(err as Error).message}`);
      }
    }
    const { report: atts, sbomReferrers } = await attestationsOf(req, p.target, p.digest, failures);
    report.attestations = atts;
    if (sbomReferrers.length === 0) {
      failures.push(`${p.target} ${p.digest}: no SBOM referrer (${SPDX_ARTIFACT_TYPE})`);
      continue;
    }
    try {
      const m = (await req.client.getManifestAs(req.repository, sbomReferrers[0]!, OCI.manifest)).doc;
      const layer = m.layers[0];
      if (!layer) throw new Error(`SBOM manifest ${req.client.manifestUrl(req.repository, sbomReferrers[0]!)} has no layer`);
      const doc = parseSbom(await req.client.getBlob(req.repository, layer.digest), req.client.blobUrl(req.repository, layer.digest));
      const listed = sbomFiles(doc);
      report.sbom = { referrer: sbomReferrers[0]!, files: listed.size };
      if (intact) {
        const diff = fileListDifferences(listed, layerFiles(layers));
        if (diff.length > 0) failures.push(`${p.target} ${p.digest}: the SBOM's file list differs from the layer: ${diff.join("; ")}`);
      }
      const attested = atts.some((a) => a.predicateType === SPDX_PREDICATE);
      if (!attested) failures.push(`${p.target} ${p.digest}: the SBOM is not attested (no signed ${SPDX_PREDICATE} statement)`);
    } catch (err) {
      failures.push(`${p.target} SBOM referrer ${sbomReferrers[0]}: ${(err as Error).message}`);
    }
  }

  if (INDEX_MEDIA_TYPES.includes(top.mediaType)) {
    const { report } = await attestationsOf(req, "index", top.digest, failures);
    subjects.unshift({ target: "index", digest: top.digest, blobs: 0, attestations: report });
  }
  return { reference, digest: top.digest, subjects, failures, passed: failures.length === 0 };
}
