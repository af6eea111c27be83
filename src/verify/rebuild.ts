/**
 * rebuild --verify: the "reproducible" claim, checked by anyone. The published image's provenance
 * (its SLSA statement, read from the attestation referrer) says which config, variant, platform,
 * version and SOURCE_DATE_EPOCH built it and the sha256 of every config file; the image's own
 * annotations give the revision and source. This rebuilds each platform from those inputs and
 * compares the manifest digests. On a mismatch it names the config files whose sha256 differs from
 * the recorded one and the files that differ between the two layers (path, size, sha256, mode,
 * mtime). The provenance's signature is not checked here: that is `kimigayo verify`.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { loadConfig } from "../config/load.js";
import type { Platform } from "../config/schema.js";
import { CheckFailure, UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { checkDocument, parseDocument } from "../lib/saved.js";
import { platformOf } from "../lib/platform.js";
import { readTar, type TarReadEntry } from "../lib/tar.js";
import { digestHex, digestOf } from "../oci/digest.js";
import { listReferrers } from "../oci/referrers.js";
import type { RegistryClient } from "../oci/registry.js";
import { OCI } from "../oci/schema.js";
import { ANNOTATIONS, INDEX_MEDIA_TYPES } from "../oci/types.js";
import { runBuild } from "../pipeline/build.js";
import { LAYER_COMPRESSOR_ID } from "../oci/gzip.js";
import { hostArchitecture } from "../lib/platform.js";
import { readLock } from "../toolchain/lock.js";
import { hostRouteWarning, toolchainRoute, type ToolchainRoute } from "../toolchain/route.js";
import { routeIdentity } from "../build/busybox.js";
import { BUNDLE_MEDIA_TYPE } from "../attest/referrer.js";
import {
  provenancePredicateSchema,
  SLSA_PROVENANCE_V1,
  statementSchema,
  type ProvenancePredicate,
  type Statement,
} from "../attest/statement.js";
import { imageAt } from "../oci/reference.js";

export interface FileFacts {
  size: number;
  sha256: string;
  mode: string;
  mtime: number;
  type: string;
}

interface FileDifference {
  path: string;
  published?: FileFacts;
  rebuilt?: FileFacts;
}

export interface PlatformRebuild {
  platform: string;
  published: string;
  rebuilt: string;
  match: boolean;
  /** Config files whose sha256 is not the one the provenance recorded. */
  inputs: { file: string; recorded: string; now: string }[];
  /** The toolchain the provenance recorded and the one this rebuild uses, and the fields that differ. */
  toolchain: { recorded: Record<string, string>; now: Record<string, string>; differs: string[]; summary: string };
  /** Each layer's compressed digest and diff_id (the uncompressed tar's digest), published and rebuilt. */
  layers: LayerComparison[];
  files: FileDifference[];
}

export interface LayerComparison {
  published: { digest: string; diffId: string };
  rebuilt: { digest: string; diffId: string };
  /** Set when only the compressed bytes differ: the same tar, compressed otherwise. */
  compressedOnly?: string;
}

/** The fields of the recorded toolchain (lock, compiler, binutils, musl, …) whose value this rebuild's differs from. */
export function toolchainDifferences(recorded: Record<string, string>, now: Record<string, string>): string[] {
  return Object.keys(now).filter((k) => recorded[k] !== undefined && recorded[k] !== now[k]);
}

/**
 * A toolchain record in a sentence: "the host toolchain gcc-13 13.2.0-23ubuntu4 / musl-dev 1.2.4-2
 * (binutils-x86-64-linux-gnu 2.42-4ubuntu2)", "lock sha256:0123456789ab… (gcc-12 12.2.0-14, …)".
 */
export function describeToolchain(t: Record<string, string>): string {
  const parts = [t.compiler, t.binutils, t.musl].filter(Boolean);
  if (t.route === "host")
    return `the host toolchain ${[t.compiler, t.musl].filter(Boolean).join(" / ")}${t.binutils ? ` (${t.binutils})` : ""}`;
  if (t.lock) return `lock ${t.lock.slice(0, 19)}… (${parts.join(", ")})`;
  return parts.length > 0 ? parts.join(", ") : "a toolchain the provenance does not record";
}

/** This host's route for the rebuild (once), with the host route's warning. */
function chooseRebuildRoute(req: RebuildRequest): ToolchainRoute {
  const lock = readLock();
  const route = toolchainRoute(lock, hostArchitecture(), req.env);
  if (route.kind === "host") req.log.warn(hostRouteWarning(route, lock, hostArchitecture()));
  return route;
}

/** Pairs the layers by position; names the compressor when a layer's diff_id matches but its digest does not. */
export function compareLayers(
  published: { digest: string; diffId: string }[],
  rebuilt: { digest: string; diffId: string }[],
  compressor: string,
): LayerComparison[] {
  const out: LayerComparison[] = [];
  for (let i = 0; i < Math.max(published.length, rebuilt.length); i++) {
    const a = published[i] ?? { digest: "(none)", diffId: "(none)" };
    const b = rebuilt[i] ?? { digest: "(none)", diffId: "(none)" };
    const compressedOnly =
      a.diffId === b.diffId && a.digest !== b.digest
        ? `the same tar (diff_id ${a.diffId}) compressed to other bytes: this rebuild compresses with ${compressor}`
        : undefined;
    out.push({ published: a, rebuilt: b, ...(compressedOnly ? { compressedOnly } : {}) });
  }
  return out;
}

export interface RebuildResult {
  image: string;
  platforms: PlatformRebuild[];
  passed: boolean;
}

/** The part of a Sigstore bundle a rebuild reads: the DSSE envelope's payload (base64). */
const bundlePayloadSchema = z.looseObject({ dsseEnvelope: z.looseObject({ payload: z.string().optional() }).optional() });

/** The provenance statement attached to `digest` (unverified: see `kimigayo verify`). */
async function provenanceOf(client: RegistryClient, repo: string, digest: string): Promise<Statement<ProvenancePredicate>> {
  for (const r of await listReferrers(client, repo, digest)) {
    if (r.artifactType !== BUNDLE_MEDIA_TYPE) continue;
    if (r.annotations?.["dev.sigstore.bundle.predicateType"] && r.annotations["dev.sigstore.bundle.predicateType"] !== SLSA_PROVENANCE_V1)
      continue;
    const m = (await client.getManifestAs(repo, r.digest, OCI.manifest)).doc;
    const layer = m.layers[0];
    if (!layer) continue;
    const bundle = await client.getBlobAs(repo, layer.digest, { schema: bundlePayloadSchema, what: "a Sigstore bundle" });
    const payload = bundle.dsseEnvelope?.payload;
    if (!payload) continue;
    const where = `the DSSE payload of ${client.blobUrl(repo, layer.digest)}`;
    const s = parseDocument(Buffer.from(payload, "base64"), statementSchema, { where, what: "an in-toto statement" });
    if (s.predicateType !== SLSA_PROVENANCE_V1 || !s.subject.some((x) => x.digest.sha256 === digestHex(digest))) continue;
    const predicate = checkDocument(s.predicate, provenancePredicateSchema, {
      where: `the provenance in ${where}`,
      what: "a Kimigayo SLSA provenance",
    });
    return { ...s, predicate };
  }
  throw new CheckFailure(
    `${imageAt(repo, digest)} has no provenance attestation to rebuild from (attach one with the release's attest stage)`,
  );
}

const octal = (tar: Uint8Array, at: number, width: number): number =>
  parseInt(
    Buffer.from(tar.subarray(at, at + width))
      .toString("latin1")
      .replace(/[\0 ]+$/, "")
      .trim() || "0",
    8,
  );

/** The ustar header's mtime and mode of the entry at `offset` (past a PAX header, if it has one). */
function headerFacts(tar: Uint8Array, offset: number): { mtime: number; mode: number } {
  let at = offset;
  if (tar[at + 156] === 0x78 /* x: PAX */) at += 512 + Math.ceil(octal(tar, at + 124, 12) / 512) * 512;
  return { mtime: octal(tar, at + 136, 12), mode: octal(tar, at + 100, 8) };
}

function facts(tar: Uint8Array, e: TarReadEntry): FileFacts {
  const h = headerFacts(tar, e.headerOffset);
  return {
    size: e.size,
    sha256: e.type === "file" ? digestHex(digestOf(e.data)) : "",
    mode: `0${h.mode.toString(8)}`,
    mtime: h.mtime,
    type: e.type === "symlink" || e.type === "hardlink" ? `${e.type} to ${e.target}` : e.type,
  };
}

/** Entries that differ between two layer tars, by path, in path order. */
function layerDifferences(published: Uint8Array, rebuilt: Uint8Array): FileDifference[] {
  const a = new Map(readTar(published).map((e) => [e.path, facts(published, e)]));
  const b = new Map(readTar(rebuilt).map((e) => [e.path, facts(rebuilt, e)]));
  const out: FileDifference[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(path);
    const y = b.get(path);
    if (x && y && JSON.stringify(x) === JSON.stringify(y)) continue;
    out.push({ path: `/${path}`, ...(x ? { published: x } : {}), ...(y ? { rebuilt: y } : {}) });
  }
  return out;
}

async function inputDifferences(p: ProvenancePredicate, repoDir: string): Promise<PlatformRebuild["inputs"]> {
  const out: PlatformRebuild["inputs"] = [];
  for (const d of p.buildDefinition.resolvedDependencies) {
    if (!d.uri?.startsWith("file:")) continue;
    const file = d.uri.slice("file:".length);
    const data = await readFile(resolve(repoDir, file)).catch(() => undefined);
    const now = data ? digestHex(digestOf(data)) : "(missing)";
    if (now !== d.digest.sha256) out.push({ file, recorded: d.digest.sha256 ?? "", now });
  }
  return out;
}

/** The environment that gives the rebuilt image the published one's revision and source annotations. */
function annotationEnv(annotations: Record<string, string> | undefined, env: NodeJS.ProcessEnv, epoch: number): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = { ...env, SOURCE_DATE_EPOCH: String(epoch) };
  for (const k of ["GITHUB_SHA", "GITHUB_SERVER_URL", "GITHUB_REPOSITORY"]) delete clean[k];
  const revision = annotations?.[ANNOTATIONS.revision];
  if (revision) clean.GITHUB_SHA = revision;
  const source = annotations?.[ANNOTATIONS.source] ? /^(https?:\/\/[^/]+)\/([^/]+\/[^/]+)$/.exec(annotations[ANNOTATIONS.source]!) : null;
  if (source) {
    clean.GITHUB_SERVER_URL = source[1]!;
    clean.GITHUB_REPOSITORY = source[2]!;
  }
  return clean;
}

export interface RebuildRequest {
  client: RegistryClient;
  repository: string;
  image: string;
  ref: string;
  /** Only this platform (default: every platform of the index). */
  platform?: string;
  repoDir: string;
  workDir: string;
  log: Logger;
  env: NodeJS.ProcessEnv;
}

export async function rebuildAndCompare(req: RebuildRequest): Promise<RebuildResult> {
  const top = await req.client.getManifest(req.repository, req.ref);
  let targets: { platform?: string; digest: string }[];
  if (INDEX_MEDIA_TYPES.includes(top.mediaType)) {
    const index = req.client.parseManifest(req.repository, req.ref, top, OCI.index);
    targets = index.manifests
      .filter((d) => d.platform && d.platform.os !== "unknown")
      .map((d) => ({ platform: platformOf(d.platform) ?? `${d.platform!.os}/${d.platform!.architecture}`, digest: d.digest }));
  } else targets = [{ digest: top.digest }];
  if (req.platform) {
    targets = targets.filter((t) => t.platform === req.platform);
    if (targets.length === 0) throw new UsageError(`rebuild: ${req.image} has no ${req.platform} image`);
  }
  const platforms: PlatformRebuild[] = [];
  let route: ToolchainRoute | undefined;
  for (const [n, t] of targets.entries()) {
    const s = await provenanceOf(req.client, req.repository, t.digest);
    const params = s.predicate.buildDefinition.externalParameters;
    const platform = (params.platform ?? t.platform) as Platform | undefined;
    if (!platform) throw new CheckFailure(`the provenance of ${t.digest} names no platform`);
    req.log.info(`rebuilding ${params.variant} ${platform} from ${params.config} at SOURCE_DATE_EPOCH=${params.sourceDateEpoch}`);
    // The toolchain first: a rebuild with another compiler or musl is not expected to match.
    const recordedToolchain = s.predicate.buildDefinition.internalParameters.toolchain ?? {};
    route ??= chooseRebuildRoute(req);
    const nowToolchain = (await routeIdentity(platform, route)).record;
    const differs = toolchainDifferences(recordedToolchain, nowToolchain);
    const summary = `built with ${describeToolchain(recordedToolchain)}, rebuilding with ${describeToolchain(nowToolchain)}`;
    if (differs.length > 0 || !recordedToolchain.lock || nowToolchain.route === "host")
      req.log.warn(`${platform}: ${summary}${differs.length > 0 ? ` (differs: ${differs.join(", ")})` : ""}`);
    else req.log.info(`${platform}: the same toolchain as the provenance records (${describeToolchain(nowToolchain)})`);
    const inputs = await inputDifferences(s.predicate, req.repoDir);
    for (const i of inputs) req.log.warn(`${i.file}: sha256 ${i.now}, the provenance recorded ${i.recorded}`);
    const published = (await req.client.getManifestAs(req.repository, t.digest, OCI.manifest)).doc;
    const cfg = await loadConfig(resolve(req.repoDir, params.config));
    const variant = cfg.variants.find((v) => v.name === params.variant);
    if (!variant) throw new CheckFailure(`${params.config} has no variant ${params.variant} (the provenance's)`);
    const out = join(req.workDir, `rebuild-${n}`);
    const built = await runBuild({
      config: cfg,
      variants: [variant],
      platforms: [platform],
      outDir: out,
      log: req.log,
      engine: params.engine === "buildx" ? "buildx" : "oci",
      repoDir: req.repoDir,
      env: annotationEnv(published.annotations, req.env, params.sourceDateEpoch),
      toolchainRoute: route,
    });
    const rebuilt = built.layouts?.[0]?.manifests.find((m) => m.platform === platform);
    if (!rebuilt) throw new CheckFailure(`the rebuild made no ${platform} image`);
    const match = rebuilt.digest === t.digest;
    const publishedConfig = await req.client.getBlobAs(req.repository, published.config.digest, OCI.config);
    const layers = compareLayers(
      published.layers.map((l, i) => ({ digest: l.digest, diffId: publishedConfig.rootfs?.diff_ids?.[i] ?? "(none)" })),
      rebuilt.layers.map((l) => ({ digest: l.digest, diffId: l.diffId })),
      LAYER_COMPRESSOR_ID,
    );
    let files: FileDifference[] = [];
    if (!match) {
      const layer = gunzipSync(await req.client.getBlob(req.repository, published.layers[0]!.digest));
      const tar = await readFile(built.images.find((i) => i.platform === platform)!.rootfs.tar);
      files = layerDifferences(layer, tar);
    }
    platforms.push({
      platform,
      published: t.digest,
      rebuilt: rebuilt.digest,
      match,
      inputs,
      toolchain: { recorded: recordedToolchain, now: nowToolchain, differs, summary },
      layers,
      files,
    });
  }
  return { image: `${req.image}`, platforms, passed: platforms.every((p) => p.match) };
}
