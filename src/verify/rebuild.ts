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
import { loadConfig } from "../config/load.js";
import type { Platform } from "../config/schema.js";
import { CheckFailure, UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { platformOf } from "../lib/platform.js";
import { readTar, type TarReadEntry } from "../lib/tar.js";
import { digestHex, digestOf } from "../oci/digest.js";
import { listReferrers } from "../oci/referrers.js";
import type { RegistryClient } from "../oci/registry.js";
import { ANNOTATIONS, INDEX_MEDIA_TYPES, type ImageIndex, type ImageManifest } from "../oci/types.js";
import { runBuild } from "../pipeline/build.js";
import { BUNDLE_MEDIA_TYPE } from "../attest/referrer.js";
import { SLSA_PROVENANCE_V1, type ProvenancePredicate, type Statement } from "../attest/statement.js";
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

interface PlatformRebuild {
  platform: string;
  published: string;
  rebuilt: string;
  match: boolean;
  /** Config files whose sha256 is not the one the provenance recorded. */
  inputs: { file: string; recorded: string; now: string }[];
  files: FileDifference[];
}

export interface RebuildResult {
  image: string;
  platforms: PlatformRebuild[];
  passed: boolean;
}

/** The provenance statement attached to `digest` (unverified: see `kimigayo verify`). */
async function provenanceOf(client: RegistryClient, repo: string, digest: string): Promise<Statement<ProvenancePredicate>> {
  for (const r of await listReferrers(client, repo, digest)) {
    if (r.artifactType !== BUNDLE_MEDIA_TYPE) continue;
    if (r.annotations?.["dev.sigstore.bundle.predicateType"] && r.annotations["dev.sigstore.bundle.predicateType"] !== SLSA_PROVENANCE_V1)
      continue;
    const m = JSON.parse((await client.getManifest(repo, r.digest)).bytes.toString("utf8")) as ImageManifest;
    const bundle = JSON.parse((await client.getBlob(repo, m.layers[0]!.digest)).toString("utf8")) as {
      dsseEnvelope?: { payload?: string };
    };
    const payload = bundle.dsseEnvelope?.payload;
    if (!payload) continue;
    const s = JSON.parse(Buffer.from(payload, "base64").toString("utf8")) as Statement<ProvenancePredicate>;
    if (s.predicateType === SLSA_PROVENANCE_V1 && s.subject.some((x) => x.digest.sha256 === digestHex(digest))) return s;
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
    const index = JSON.parse(top.bytes.toString("utf8")) as ImageIndex;
    targets = index.manifests
      .filter((d) => d.platform && d.platform.os !== "unknown")
      .map((d) => ({ platform: platformOf(d.platform) ?? `${d.platform!.os}/${d.platform!.architecture}`, digest: d.digest }));
  } else targets = [{ digest: top.digest }];
  if (req.platform) {
    targets = targets.filter((t) => t.platform === req.platform);
    if (targets.length === 0) throw new UsageError(`rebuild: ${req.image} has no ${req.platform} image`);
  }
  const platforms: PlatformRebuild[] = [];
  for (const [n, t] of targets.entries()) {
    const s = await provenanceOf(req.client, req.repository, t.digest);
    const params = s.predicate.buildDefinition.externalParameters;
    const platform = (params.platform ?? t.platform) as Platform | undefined;
    if (!platform) throw new CheckFailure(`the provenance of ${t.digest} names no platform`);
    req.log.info(`rebuilding ${params.variant} ${platform} from ${params.config} at SOURCE_DATE_EPOCH=${params.sourceDateEpoch}`);
    const inputs = await inputDifferences(s.predicate, req.repoDir);
    for (const i of inputs) req.log.warn(`${i.file}: sha256 ${i.now}, the provenance recorded ${i.recorded}`);
    const published = JSON.parse((await req.client.getManifest(req.repository, t.digest)).bytes.toString("utf8")) as ImageManifest;
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
    });
    const rebuilt = built.layouts?.[0]?.manifests.find((m) => m.platform === platform);
    if (!rebuilt) throw new CheckFailure(`the rebuild made no ${platform} image`);
    const match = rebuilt.digest === t.digest;
    let files: FileDifference[] = [];
    if (!match) {
      const layer = gunzipSync(await req.client.getBlob(req.repository, published.layers[0]!.digest));
      const tar = await readFile(built.images.find((i) => i.platform === platform)!.rootfs.tar);
      files = layerDifferences(layer, tar);
    }
    platforms.push({ platform, published: t.digest, rebuilt: rebuilt.digest, match, inputs, files });
  }
  return { image: `${req.image}`, platforms, passed: platforms.every((p) => p.match) };
}
