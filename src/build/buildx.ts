/**
 * image stage, engine "buildx": the same image as the oci engine (src/build/image.ts), built by
 * `docker buildx build` from a generated Dockerfile. Each variant's Dockerfile starts FROM
 * scratch and ADDs the platform's rootfs tar (ADD extracts a local tar), so nothing runs inside
 * the image and no QEMU is needed for either platform.
 *
 * Like docker/build-push-action, the options become a typed object and then argv (buildxArgs),
 * which the unit tests check row by row without running anything. buildWithBuildx prepares the
 * context, runs the argv and reads the image back from the OCI layout buildx wrote, into the
 * oci engine's result shape, so later stages do not care which engine built the image.
 *
 * Needs buildx 0.12 or later (the --annotation flag) and a builder that can export OCI layouts
 * (the docker-container driver, or the docker driver with the containerd image store).
 */
import { copyFile, link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { PLATFORMS, type Platform } from "../config/schema.js";
import { dockerBin } from "../lib/docker.js";
import { UsageError } from "../lib/errors.js";
import { run, runChecked, type RunOptions, type RunResult } from "../lib/exec.js";
import { checkDocument } from "../lib/saved.js";
import { archOf, platformOf } from "../lib/platform.js";
import { versionAtLeast } from "../lib/version.js";
import { isDigest } from "../oci/digest.js";
import { canonicalJsonBytes } from "../oci/json.js";
import { blobPath, initLayout, readBlob, readImage, readJsonBlob, readLayout, writeBlob, writeLayoutIndex } from "../oci/layout.js";
import { imageAt, isTag, parseReference } from "../oci/reference.js";
import { descriptorSchema, OCI } from "../oci/schema.js";
import { ANNOTATIONS, MEDIA_TYPES, type Annotations, type Descriptor } from "../oci/types.js";
import {
  IMAGE_CMD,
  IMAGE_ENV,
  IMAGE_STOP_SIGNAL,
  imageAnnotations,
  imageIndex,
  type ImageManifestResult,
  type ImageOptions,
  type ImageResult,
} from "./image.js";

/** The first buildx with `--annotation` (0.12.0). */
const MIN_BUILDX_VERSION = "0.12.0";

type Provenance = boolean | "min" | "max";

type BuildxOutput =
  /** An OCI image layout directory (type=oci,tar=false). */
  | { type: "oci"; dest: string }
  /** Pushed to a registry: as tags of `image`, or by digest only (for a later merge into one index). */
  | { type: "registry"; image: string; tags: string[]; byDigest?: boolean }
  /** Loaded into the Docker engine under `tag` (one platform only). */
  | { type: "docker"; tag: string };

type BuildxProgress = "auto" | "plain" | "tty" | "quiet" | "rawjson";

export interface BuildxArgs {
  variant: string;
  platforms: Platform[];
  contextDir: string;
  dockerfile: string;
  output: BuildxOutput;
  /** org.opencontainers.image.* (imageAnnotations): on every manifest, and on the index of a multi-platform build. */
  annotations: Annotations;
  sourceDateEpoch: number;
  /** Left out: buildx's default (which differs between drivers). */
  provenance?: Provenance;
  sbom?: boolean;
  builder?: string;
  metadataFile?: string;
  progress?: BuildxProgress;
  /** Each a buildx cache spec, e.g. "type=gha,scope=minimal". */
  cacheFrom?: string[];
  cacheTo?: string[];
  /** Clamp file times in the layers to SOURCE_DATE_EPOCH too (BuildKit 0.13+). */
  rewriteTimestamp?: boolean;
}

/** One field of a buildx CSV option, quoted the way Go's encoding/csv reads it back. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function fail(variant: string, message: string): never {
  throw new UsageError(`buildx ${variant}: ${message}`);
}

function checkedPlatforms(o: BuildxArgs): Platform[] {
  if (o.platforms.length === 0) fail(o.variant, "no platform given");
  for (const p of o.platforms)
    if (!PLATFORMS.includes(p)) fail(o.variant, `unsupported platform ${JSON.stringify(p)}; allowed: ${PLATFORMS.join(", ")}`);
  if (new Set(o.platforms).size !== o.platforms.length) fail(o.variant, `a platform is listed twice: ${o.platforms.join(",")}`);
  if (o.output.type === "docker" && o.platforms.length > 1)
    fail(o.variant, `the docker output (load into the engine) takes one platform, got ${o.platforms.join(",")}`);
  return [...o.platforms].sort((a, b) => PLATFORMS.indexOf(a) - PLATFORMS.indexOf(b));
}

function outputArgs(o: BuildxArgs): { output: string; tags: string[] } {
  const out = o.output;
  const fields: string[] = [];
  let tags: string[] = [];
  switch (out.type) {
    case "oci":
      if (!out.dest) fail(o.variant, "the oci output needs a destination directory");
      fields.push("type=oci", `dest=${out.dest}`, "tar=false");
      break;
    case "registry": {
      const ref = (() => {
        try {
          return parseReference(out.image);
        } catch (err) {
          return fail(o.variant, (err as Error).message);
        }
      })();
      if (ref.tag !== undefined || ref.digest !== undefined)
        fail(o.variant, `image ${JSON.stringify(out.image)}: leave out the tag or digest; pass tags`);
      for (const t of out.tags)
        if (!isTag(t)) fail(o.variant, `${JSON.stringify(t)} is not a valid tag (expected [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})`);
      if (out.byDigest) {
        if (out.tags.length > 0) fail(o.variant, "a push by digest takes no tags (the merge step tags the index)");
        fields.push("type=image", `name=${out.image}`, "push-by-digest=true", "name-canonical=true", "push=true", "oci-mediatypes=true");
      } else {
        if (out.tags.length === 0) fail(o.variant, `no tag given for ${out.image}; pass at least one, or push by digest`);
        fields.push("type=image", "push=true", "oci-mediatypes=true");
        tags = [...new Set(out.tags)].map((t) => imageAt(out.image, t));
      }
      break;
    }
    case "docker":
      try {
        parseReference(out.tag);
      } catch (err) {
        fail(o.variant, (err as Error).message);
      }
      fields.push("type=docker");
      tags = [out.tag];
      break;
  }
  if (o.rewriteTimestamp) fields.push("rewrite-timestamp=true");
  return { output: fields.map(csvField).join(","), tags };
}

function provenanceArg(p: Provenance): string {
  return typeof p === "boolean" ? String(p) : `mode=${p}`;
}

/** `docker buildx build …` argv (without the docker binary) for one variant. Pure: runs nothing. */
export function buildxArgs(o: BuildxArgs): string[] {
  const platforms = checkedPlatforms(o);
  if (!Number.isSafeInteger(o.sourceDateEpoch) || o.sourceDateEpoch < 0)
    fail(o.variant, `SOURCE_DATE_EPOCH ${o.sourceDateEpoch} is not a non-negative whole number of seconds`);
  const { output, tags } = outputArgs(o);
  const args = ["buildx", "build", "--file", o.dockerfile, "--platform", platforms.join(",")];
  args.push("--build-arg", `SOURCE_DATE_EPOCH=${o.sourceDateEpoch}`);
  // Index annotations fail on a single-platform export (BuildKit has no index to put them on),
  // and the docker exporter never writes an index.
  const levels = platforms.length > 1 && o.output.type !== "docker" ? ["index", "manifest"] : ["manifest"];
  const keys = Object.keys(o.annotations).sort();
  for (const level of levels) for (const k of keys) args.push("--annotation", `${level}:${k}=${o.annotations[k]}`);
  args.push("--output", output);
  for (const t of tags) args.push("--tag", t);
  if (o.provenance !== undefined) args.push(`--provenance=${provenanceArg(o.provenance)}`);
  if (o.sbom !== undefined) args.push(`--sbom=${o.sbom}`);
  for (const c of o.cacheFrom ?? []) args.push("--cache-from", c);
  for (const c of o.cacheTo ?? []) args.push("--cache-to", c);
  if (o.builder) args.push("--builder", o.builder);
  if (o.progress) args.push("--progress", o.progress);
  if (o.metadataFile) args.push("--metadata-file", o.metadataFile);
  args.push(o.contextDir);
  return args;
}

// ---------------------------------------------------------------------------
// Dockerfile and build context
// ---------------------------------------------------------------------------

/** The rootfs tar's name inside the build context, with ${TARGETARCH} left for BuildKit to fill. */
function contextTarName(variant: string, arch: string): string {
  return `kimigayo-${variant}-${arch}.tar`;
}

/** A double-quoted Dockerfile word: `\`, `"` and `$` escaped (LABEL and ENV expand variables). */
function dockerfileString(s: string, what: string): string {
  if (/[\r\n]/.test(s))
    throw new UsageError(`${what} contains a line break, which a Dockerfile cannot hold; use the oci engine or one line`);
  return `"${s.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

export type DockerfileOptions = Parameters<typeof imageAnnotations>[0];

/** The Dockerfile for one variant: the oci engine's image config, as Dockerfile instructions. */
export function dockerfileFor(opts: DockerfileOptions): string {
  const labels = imageAnnotations(opts);
  const labelLines = Object.keys(labels)
    .sort()
    .map((k) => `${dockerfileString(k, "a label key")}=${dockerfileString(labels[k]!, `label ${k}`)}`);
  const env = IMAGE_ENV.map((e) => {
    const eq = e.indexOf("=");
    return `ENV ${e.slice(0, eq)}=${dockerfileString(e.slice(eq + 1), `ENV ${e.slice(0, eq)}`)}`;
  });
  return [
    `# Generated by kimigayo build (engine buildx) for the ${opts.variant.name} variant; do not edit.`,
    "# No syntax directive: BuildKit's built-in frontend, so nothing is pulled.",
    "FROM scratch",
    "ARG TARGETARCH",
    `ADD rootfs/${contextTarName(opts.variant.name, "${TARGETARCH}")} /`,
    ...env,
    `LABEL ${labelLines.join(" \\\n      ")}`,
    `STOPSIGNAL ${IMAGE_STOP_SIGNAL}`,
    `CMD ${JSON.stringify(IMAGE_CMD)}`,
    "",
  ].join("\n");
}

export interface BuildContext {
  contextDir: string;
  dockerfile: string;
}

/**
 * Writes contextDir/Dockerfile and puts each platform's rootfs tar at
 * contextDir/rootfs/kimigayo-<variant>-<arch>.tar (a hard link where it can, else a copy).
 * Anything else in contextDir/rootfs is removed, so the context holds only what the build reads.
 */
export async function prepareContext(
  contextDir: string,
  opts: DockerfileOptions & { rootfs: { platform: Platform; tar: string }[] },
): Promise<BuildContext> {
  await rm(join(contextDir, "rootfs"), { recursive: true, force: true });
  await mkdir(join(contextDir, "rootfs"), { recursive: true });
  for (const r of opts.rootfs) {
    const target = join(contextDir, "rootfs", contextTarName(opts.variant.name, archOf(r.platform)));
    try {
      await link(r.tar, target);
    } catch {
      await copyFile(r.tar, target);
    }
  }
  const dockerfile = join(contextDir, "Dockerfile");
  await writeFile(dockerfile, dockerfileFor(opts));
  await writeFile(join(contextDir, ".dockerignore"), "*\n!Dockerfile\n!rootfs/*.tar\n");
  return { contextDir, dockerfile };
}

// ---------------------------------------------------------------------------
// Probing, metadata, reading the result
// ---------------------------------------------------------------------------

export interface BuildxAvailability {
  ok: boolean;
  /** As `docker buildx version` prints it, e.g. "v0.12.1". */
  version?: string;
  /** Why buildx cannot be used (when not ok). */
  reason?: string;
  /** The builder buildxUsable checked. */
  builder?: BuildxBuilder;
}

type Runner = (cmd: string, args: readonly string[], opts?: RunOptions) => Promise<RunResult>;

/** Parses `docker buildx version` output: "github.com/docker/buildx v0.12.1 30feaa1…" -> "v0.12.1". */
export function parseBuildxVersion(stdout: string): string | undefined {
  return /^\S*buildx\S*\s+(v?\d+\.\d+\.\d+\S*)/m.exec(stdout)?.[1];
}

/** Runs `docker buildx version` with dockerBin(); ok when it works and is new enough for --annotation. */
export async function buildxAvailable(runner: Runner = run): Promise<BuildxAvailability> {
  const docker = dockerBin();
  let r: RunResult;
  try {
    r = await runner(docker, ["buildx", "version"], { timeoutMs: 30_000 });
  } catch (err) {
    return { ok: false, reason: `${docker} cannot be run: ${(err as Error).message}` };
  }
  if (r.code !== 0) {
    const said = (r.stderr || r.stdout).trim().split("\n")[0] ?? "";
    return { ok: false, reason: `\`${docker} buildx version\` exited with ${r.code}${said ? `: ${said}` : ""}` };
  }
  const version = parseBuildxVersion(r.stdout);
  if (version === undefined) return { ok: true, reason: `could not read a version from ${JSON.stringify(r.stdout.trim())}` };
  if (!versionAtLeast(version, MIN_BUILDX_VERSION))
    return { ok: false, version, reason: `buildx ${version} is older than ${MIN_BUILDX_VERSION}, the first with --annotation` };
  return { ok: true, version };
}

export interface BuildxBuilder {
  ok: boolean;
  name?: string;
  driver?: string;
  reason?: string;
}

/** Parses `docker buildx inspect`: the builder's Name and Driver (the first of each: the builder, not its nodes). */
export function parseBuildxInspect(stdout: string): { name?: string; driver?: string } {
  const name = /^Name:\s+(\S+)/m.exec(stdout)?.[1];
  const driver = /^Driver:\s+(\S+)/m.exec(stdout)?.[1];
  return { ...(name ? { name } : {}), ...(driver ? { driver } : {}) };
}

/**
 * Whether the builder (`builder`, else $BUILDX_BUILDER, else the current one) can export an OCI
 * layout: every driver but "docker" can, and "docker" only with the containerd image store.
 */
export async function buildxBuilder(runner: Runner = run, builder?: string): Promise<BuildxBuilder> {
  const docker = dockerBin();
  const args = ["buildx", "inspect", ...(builder ? [builder] : [])];
  const r = await runner(docker, args, { timeoutMs: 60_000 }).catch((err: Error) => ({ code: -1, stdout: "", stderr: err.message }));
  if (r.code !== 0) {
    const said = (r.stderr || r.stdout).trim().split("\n")[0] ?? "";
    return { ok: false, reason: `\`${docker} ${args.join(" ")}\` failed${said ? `: ${said}` : ""}` };
  }
  const { name, driver } = parseBuildxInspect(r.stdout);
  const found = { ...(name ? { name } : {}), ...(driver ? { driver } : {}) };
  if (driver !== "docker") return { ok: true, ...found };
  const info = await runner(docker, ["info", "--format", "{{json .DriverStatus}}"], { timeoutMs: 30_000 }).catch(() => undefined);
  if (info?.code === 0 && info.stdout.includes("io.containerd.snapshotter")) return { ok: true, ...found };
  return {
    ok: false,
    ...found,
    reason:
      `builder ${name ?? "(current)"} uses the docker driver, which cannot export an OCI layout without the containerd image store; ` +
      "create one that can: docker buildx create --use --driver docker-container",
  };
}

/** buildx works (buildxAvailable) and its builder can write the OCI layout buildWithBuildx asks for (buildxBuilder). */
export async function buildxUsable(runner: Runner = run, builder?: string): Promise<BuildxAvailability> {
  const plugin = await buildxAvailable(runner);
  if (!plugin.ok) return plugin;
  const b = await buildxBuilder(runner, builder);
  return b.ok
    ? { ...plugin, builder: b }
    : { ok: false, ...(plugin.version ? { version: plugin.version } : {}), reason: b.reason!, builder: b };
}

export interface BuildxMetadata {
  /** containerimage.digest: the index's digest (or the manifest's, for one platform without attestations). */
  digest: string;
  descriptor?: Descriptor;
  imageName?: string;
  buildRef?: string;
  raw: Record<string, unknown>;
}

/** Reads the file written by --metadata-file. */
export function parseBuildxMetadata(text: string, file = "metadata file"): BuildxMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`buildx ${file} is not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`buildx ${file} is not a JSON object`);
  const m = raw as Record<string, unknown>;
  const digest = m["containerimage.digest"];
  if (typeof digest !== "string" || !isDigest(digest))
    throw new Error(`buildx ${file} has no containerimage.digest (got ${JSON.stringify(digest)}); was an image exported?`);
  const descriptor =
    m["containerimage.descriptor"] === undefined
      ? undefined
      : checkDocument(m["containerimage.descriptor"], descriptorSchema, {
          where: `buildx ${file}: containerimage.descriptor`,
          what: "an OCI descriptor",
        });
  const str = (k: string) => (typeof m[k] === "string" ? (m[k] as string) : undefined);
  return {
    digest,
    ...(descriptor ? { descriptor } : {}),
    ...(str("image.name") !== undefined ? { imageName: str("image.name")! } : {}),
    ...(str("buildx.build.ref") !== undefined ? { buildRef: str("buildx.build.ref")! } : {}),
    raw: m,
  };
}

const ATTESTATION = "vnd.docker.reference.type";
const GZIP_LAYER = /\+gzip$|\.tar\.gzip$/;

function platformIn(d: { os?: string; architecture?: string; variant?: string } | undefined, where: string): Platform {
  const p = platformOf(d);
  if (!p) throw new Error(`${where}: unexpected platform ${d?.os ?? "?"}/${d?.architecture ?? "?"}`);
  return p;
}

/**
 * Names the image `ref` in the layout (its index.json lists only the image, with ref.name = ref,
 * as the oci engine writes it) and reads it back as the oci engine's result. Attestation
 * manifests (provenance, SBOM) stay in the index but are not platform images.
 */
export async function layoutImageResult(layout: string, ref: string, rootDigest: string): Promise<Omit<ImageResult, "compressor">> {
  await initLayout(layout); // buildx < 0.11 wrote no oci-layout file with tar=false
  const top = await readLayout(layout);
  const root = top.manifests.find((d) => d.digest === rootDigest);
  if (!root) throw new Error(`OCI layout ${layout}: index.json does not list the built image ${rootDigest}`);
  await writeLayoutIndex(layout, [
    { mediaType: root.mediaType, digest: root.digest, size: root.size, annotations: { [ANNOTATIONS.refName]: ref } },
  ]);
  const image = await readImage(layout, ref);
  const manifests: ImageManifestResult[] = [];
  for (const { descriptor, manifest } of image.manifests) {
    if (descriptor.annotations?.[ATTESTATION] === "attestation-manifest") continue;
    const config = await readJsonBlob(layout, manifest.config.digest, OCI.config);
    const platform = platformIn(descriptor.platform ?? config, `OCI layout ${layout}: manifest ${descriptor.digest}`);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== manifest.layers.length)
      throw new Error(
        `OCI layout ${layout}: manifest ${descriptor.digest} has ${manifest.layers.length} layers, its config ${diffIds.length} diff_ids`,
      );
    let uncompressedSize = 0;
    for (const l of manifest.layers) {
      const blob = await readBlob(layout, l.digest);
      uncompressedSize += GZIP_LAYER.test(l.mediaType) ? gunzipSync(blob).length : blob.length;
    }
    manifests.push({
      platform,
      digest: descriptor.digest,
      size: descriptor.size,
      config: manifest.config.digest,
      layers: manifest.layers.map((l, i) => ({ digest: l.digest, size: l.size, diffId: diffIds[i]! })),
      uncompressedSize,
    });
  }
  manifests.sort((a, b) => PLATFORMS.indexOf(a.platform) - PLATFORMS.indexOf(b.platform));
  return { layout, ref, index: { digest: root.digest, size: root.size }, manifests };
}

/**
 * Puts the oci engine's index (imageIndex, the one `kimigayo merge` writes too) over the platform
 * manifests buildx wrote, in place of buildx's own, and names it in index.json as the oci engine
 * does. BuildKit normalises linux/arm64/v8 to linux/arm64 in its index; the oci engine and merge
 * say linux/arm64/v8. With the same index code an index merged from per-platform pushes of buildx
 * manifests is byte for byte this one. buildx's index blob is removed: the layout holds only
 * what the image references, as the oci engine's does.
 */
export async function withNativeIndex(
  layout: string,
  built: Omit<ImageResult, "compressor">,
  annotations: Annotations,
): Promise<Omit<ImageResult, "compressor">> {
  const written = await writeBlob(layout, canonicalJsonBytes(imageIndex(built.manifests, annotations)));
  await writeLayoutIndex(layout, [{ mediaType: MEDIA_TYPES.ociIndex, ...written, annotations: { [ANNOTATIONS.refName]: built.ref } }]);
  if (written.digest !== built.index.digest) await rm(blobPath(layout, built.index.digest), { force: true });
  // BuildKit's (empty) upload folder; not part of an OCI layout.
  await rm(join(layout, "ingest"), { recursive: true, force: true });
  return { ...built, index: written };
}

// ---------------------------------------------------------------------------
// The build
// ---------------------------------------------------------------------------

export interface BuildxImageOptions extends ImageOptions {
  builder?: string;
  /** Default false: the image then holds exactly what the oci engine writes. */
  provenance?: Provenance;
  /** Default false: the SPDX document of src/build/sbom.ts is attached as a referrer instead. */
  sbom?: boolean;
  cacheFrom?: string[];
  cacheTo?: string[];
  /** Default true: clamp every file time in the layers to SOURCE_DATE_EPOCH. */
  rewriteTimestamp?: boolean;
  /** Runs docker; the default is src/lib/exec.ts runChecked. */
  runner?: Runner;
}

export interface BuildxImageResult extends ImageResult {
  buildx: { argv: string[]; metadata: BuildxMetadata };
}

/** Keeps the step lines of plain progress ("#5 [2/2] ADD …", "#5 DONE 0.1s", errors); the rest goes to debug. */
export function progressLine(line: string): "info" | "debug" {
  return /^#\d+ (\[|DONE|ERROR|CACHED|exporting|naming|writing)|^ERROR|^error:/.test(line) ? "info" : "debug";
}

/** Builds the variant's image for every platform with buildx, into <outDir>/oci/<variant>, like buildImage. */
export async function buildWithBuildx(opts: BuildxImageOptions): Promise<BuildxImageResult> {
  const name = opts.variant.name;
  const end = opts.log.step(`image: ${name} (buildx)`);
  const layout = join(opts.outDir, "oci", name);
  const tmp = `${layout}.tmp-${process.pid}`;
  const work = join(opts.outDir, "buildx", name);
  let failure: unknown = "unfinished";
  try {
    const ctx = await prepareContext(join(work, "context"), opts);
    const metadataFile = join(work, "metadata.json");
    await rm(metadataFile, { force: true });
    await rm(tmp, { recursive: true, force: true });
    const argv = buildxArgs({
      variant: name,
      platforms: opts.rootfs.map((r) => r.platform),
      contextDir: ctx.contextDir,
      dockerfile: ctx.dockerfile,
      output: { type: "oci", dest: tmp },
      annotations: imageAnnotations(opts),
      sourceDateEpoch: opts.sourceDateEpoch,
      provenance: opts.provenance ?? false,
      sbom: opts.sbom ?? false,
      progress: "plain",
      metadataFile,
      ...(opts.builder ? { builder: opts.builder } : {}),
      ...(opts.cacheFrom ? { cacheFrom: opts.cacheFrom } : {}),
      ...(opts.cacheTo ? { cacheTo: opts.cacheTo } : {}),
      // Every file time clamped to SOURCE_DATE_EPOCH (BuildKit 0.13+; Engine 26's embedded BuildKit has it).
      ...((opts.rewriteTimestamp ?? true) ? { rewriteTimestamp: true } : {}),
    });
    opts.log.debug(`${dockerBin()} ${argv.join(" ")}`);
    let pending = "";
    const onOutput = (chunk: string) => {
      const lines = (pending + chunk).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        if (progressLine(line) === "info") opts.log.info(`buildx ${name}: ${line}`);
        else opts.log.debug(`buildx ${name}: ${line}`);
      }
    };
    const env = { ...process.env, SOURCE_DATE_EPOCH: String(opts.sourceDateEpoch) };
    await (opts.runner ?? runChecked)(dockerBin(), argv, { onOutput, env });
    if (pending.trim()) opts.log.debug(`buildx ${name}: ${pending}`);
    const metadata = parseBuildxMetadata(await readFile(metadataFile, "utf8"), metadataFile);
    const built = await layoutImageResult(tmp, opts.config.version, metadata.digest);
    const read = await withNativeIndex(tmp, built, imageAnnotations(opts));
    await rm(layout, { recursive: true, force: true });
    await rename(tmp, layout);
    opts.log.info(`image ${name}: ${metadata.digest} (${read.manifests.length} platform(s), buildx) in ${layout}`);
    failure = undefined;
    return { ...read, layout, compressor: "buildkit", buildx: { argv, metadata } };
  } catch (e) {
    failure = e;
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    end(failure);
  }
}
