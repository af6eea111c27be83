/**
 * attest: for each published variant, a signed SLSA provenance statement about every platform
 * manifest and about the index, and a signed SBOM statement (the SPDX document) about every
 * platform manifest; each attached to its subject as an OCI referrer (src/oci/referrers.ts). A
 * referrer that cannot be attached is named and the others still go on; the result lists both.
 */
import { readFile } from "node:fs/promises";
import type { Config } from "../config/schema.js";
import { sha256 } from "../lib/hash.js";
import type { Logger } from "../lib/log.js";
import { type ReferrerArtifact, attachReferrer, ReferrerError, type AttachOptions } from "../oci/referrers.js";
import type { RegistryClient } from "../oci/registry.js";
import { MEDIA_TYPES } from "../oci/types.js";
import type { BuildResult } from "../results/build.js";
import type { PublishedVariant } from "../results/published.js";
import { readSbom } from "../results/sbom.js";
import { attestationArtifact } from "./referrer.js";
import { AttestationsUnavailable, type StatementSigner } from "./sign.js";
import {
  builderId,
  configInputs,
  githubParameters,
  provenancePredicate,
  repoPath,
  SLSA_PROVENANCE_V1,
  SPDX_PREDICATE,
  statement,
  subjectOf,
  type KimigayoParameters,
  type Statement,
} from "./statement.js";
import { TOOL_VERSION } from "../lib/tool.js";
import { imageAt } from "../oci/reference.js";

export interface AttestRequest {
  client: RegistryClient;
  repository: string;
  /** The image name as subjects name it ("ghcr.io/owner/kimigayo"). */
  image: string;
  variants: PublishedVariant[];
  build: BuildResult;
  config: Config;
  signer: StatementSigner;
  log: Logger;
  repoDir: string;
  env?: NodeJS.ProcessEnv;
  /** Toolchain identity per platform (compiler and musl version), when known. */
  toolchain?: Record<string, string>;
  referrers?: AttachOptions;
}

interface AttestationRecord {
  variant: string;
  /** The subject: a platform ("linux/amd64") or "index". */
  target: string;
  subject: string;
  predicateType: string;
  referrer?: string;
  /** Why it was not attached. */
  error?: string;
}

export interface AttestResult {
  attestations: AttestationRecord[];
  failed: AttestationRecord[];
  /** Why no further statement was signed: GitHub stores none for this repository (AttestationsUnavailable). */
  stopped?: string;
}

/** The provenance statement of one subject (a platform manifest, or the index with every platform). */
export async function provenanceStatement(
  req: Pick<AttestRequest, "build" | "config" | "repoDir" | "env" | "toolchain" | "image">,
  variant: string,
  subject: { digest: string; platform?: string },
): Promise<Statement> {
  const env = req.env ?? process.env;
  const b = req.build;
  const platforms = b.images.filter((i) => i.variant === variant).map((i) => i.platform);
  const parameters: KimigayoParameters = {
    config: repoPath(req.config.file, req.repoDir),
    variant,
    ...(subject.platform ? { platform: subject.platform } : {}),
    platforms: [...new Set(platforms)].sort(),
    version: b.version,
    sourceDateEpoch: b.sourceDateEpoch,
    engine: b.engine?.engine ?? b.layouts?.find((l) => l.variant === variant)?.engine ?? "oci",
    ...githubParameters(env),
  };
  const patches = await Promise.all(
    req.config.busybox.patches.map(async (p) => ({
      uri: `file:${repoPath(p, req.repoDir)}`,
      digest: { sha256: sha256(await readFile(p)) },
    })),
  );
  const patchUris = new Set(patches.map((p) => p.uri));
  const configFiles = (await configInputs(req.config, req.repoDir)).filter((d) => !patchUris.has(d.uri ?? ""));
  const predicate = provenancePredicate({
    parameters,
    busybox: {
      version: b.busybox.version,
      sha256: b.busybox.sha256,
      ...(b.busybox.source.url ? { url: b.busybox.source.url } : {}),
      patches,
    },
    configFiles,
    toolchain: {
      ...(subject.platform
        ? (b.images.find((i) => i.variant === variant && i.platform === subject.platform)?.busybox.toolchain ?? {})
        : {}),
      ...req.toolchain,
    },
    cacheKey: inputsKey([b.busybox.sha256, ...patches.map((p) => p.digest.sha256 ?? ""), ...configFiles.map((f) => f.digest.sha256 ?? "")]),
    builder: { id: builderId(env), version: TOOL_VERSION },
    ...(env.GITHUB_RUN_ID
      ? { invocationId: `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` }
      : {}),
  });
  return statement([subjectOf(req.image, subject.digest)], SLSA_PROVENANCE_V1, predicate);
}

/** The key of everything that decides a build's bytes (source, patches, config files): equal keys, equal inputs. */
function inputsKey(digests: string[]): string {
  return `kimigayo-inputs-${sha256(digests.join("\n")).slice(0, 32)}`;
}

/** The toolchain as the image's SBOM records it (musl's version). */
function toolchainOf(doc: { packages?: { name?: string; versionInfo?: string }[] }): Record<string, string> {
  const musl = doc.packages?.find((p) => p.name === "musl")?.versionInfo;
  return musl ? { musl } : {};
}

export async function attestImages(req: AttestRequest): Promise<AttestResult> {
  const records: AttestationRecord[] = [];
  let stopped: string | undefined;
  const attach = async (variant: string, target: string, subject: { digest: string; mediaType: string }, s: Statement) => {
    if (stopped !== undefined) return;
    const rec: AttestationRecord = { variant, target, subject: subject.digest, predicateType: s.predicateType };
    try {
      const bundle = await req.signer.sign(s);
      const size = (await req.client.headManifest(req.repository, subject.digest))?.size;
      if (size === undefined) throw new Error(`${imageAt(req.image, subject.digest)} is not in the registry`);
      const art: ReferrerArtifact = attestationArtifact(bundle, s.predicateType, { ...subject, size });
      const r = await attachReferrer(req.client, req.repository, art, req.referrers);
      rec.referrer = r.digest;
      req.log.info(`attested ${variant} ${target} (${s.predicateType}) as referrer ${r.digest} (${r.mode})`);
    } catch (err) {
      rec.error = err instanceof ReferrerError || err instanceof Error ? err.message : String(err);
      req.log.error(`${variant} ${target}: ${s.predicateType} attestation not attached: ${rec.error}`);
      if (err instanceof AttestationsUnavailable) stopped = rec.error;
    }
    records.push(rec);
  };
  for (const v of req.variants) {
    for (const m of v.manifests) {
      const subject = { digest: m.digest, mediaType: MEDIA_TYPES.ociManifest };
      const image = req.build.images.find((i) => i.variant === v.variant && i.platform === m.platform);
      const sbom = image?.sbom;
      const doc = sbom ? await readSbom(sbom) : undefined;
      // The SBOM's musl only for an older build.json without the locked toolchain's record (which names musl-dev's version).
      const fromSbom = doc && !image?.busybox.toolchain ? toolchainOf(doc) : {};
      const withToolchain = { ...req, toolchain: { ...fromSbom, ...req.toolchain } };
      await attach(
        v.variant,
        m.platform,
        subject,
        await provenanceStatement(withToolchain, v.variant, { digest: m.digest, platform: m.platform }),
      );
      if (doc) await attach(v.variant, m.platform, subject, statement([subjectOf(req.image, m.digest)], SPDX_PREDICATE, doc));
    }
    await attach(
      v.variant,
      "index",
      { digest: v.index, mediaType: MEDIA_TYPES.ociIndex },
      await provenanceStatement(req, v.variant, { digest: v.index }),
    );
  }
  return { attestations: records, failed: records.filter((r) => r.error !== undefined), ...(stopped !== undefined ? { stopped } : {}) };
}
