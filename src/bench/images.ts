/**
 * The images a benchmark runs, all in the local Docker engine and all built from local files
 * (no registry is needed to start): the Kimigayo images of the last build, and the references.
 *
 *   floor          FROM scratch + one static binary that exits at once (`int main(){return 0;}`
 *                  compiled with musl-gcc). Nothing starts faster: it is the yardstick for startup
 *                  and for boot to ready.
 *   busybox-glibc  FROM scratch + Debian's glibc-static BusyBox (/bin/busybox from busybox-static)
 *                  with its applet links: the same tools, built the usual way.
 *   external       any local image given with --reference (or --image).
 *
 * Each built image is also written as an OCI image layout, so the pull case can push it to the
 * local registry with the project's own publish code.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { archOf, ociPlatform, platformOf, type Platform } from "../lib/platform.js";
import { UsageError } from "../lib/errors.js";
import { checkBinary, readElfFile } from "../lib/elf.js";
import { run, which } from "../lib/exec.js";
import { sha256 } from "../lib/hash.js";
import { readTar, writeTar, type TarEntry } from "../lib/tar.js";
import { gzipLayer } from "../oci/gzip.js";
import { canonicalJsonBytes } from "../oci/json.js";
import { blobPath, initLayout, readImage, writeBlob, writeLayoutIndex } from "../oci/layout.js";
import { OCI, parseOci } from "../oci/schema.js";
import { ANNOTATIONS, MEDIA_TYPES, type ImageConfig, type ImageManifest } from "../oci/types.js";
import type { BuildResult } from "../results/build.js";
import { IMAGE_ENV } from "../build/image.js";
import { GLIBC_BUSYBOX } from "../doctor/prerequisites.js";
import { inspectImage, loadArchive } from "./docker.js";
import type { Subject } from "./types.js";

export const BUILTIN_REFERENCES = ["floor", "busybox-glibc"] as const;

export const BENCH_REPO = "kimigayo-bench";

const FLOOR_SOURCE = "int main(void) { return 0; }\n";
const FLOOR_CC: Record<Platform, { cc: string; pkg: string }> = {
  "linux/amd64": { cc: "musl-gcc", pkg: "musl-tools" },
  "linux/arm64": { cc: "aarch64-linux-musl-gcc", pkg: "musl-dev:arm64 and gcc-aarch64-linux-gnu" },
};
const GLIBC_BUSYBOX_FIX = "Debian: busybox-static; kimigayo doctor --fix --only busybox-static";

/** A built image: its layer, config and where it is (tag in the engine, OCI layout on disk). */
export interface LocalImage {
  tag: string;
  layout?: { dir: string; ref: string };
}

/** A docker-archive (what `docker save` writes and `docker load` reads) of a single-layer image. */
export function dockerArchive(layer: Buffer, config: Buffer, tag: string): Buffer {
  const configName = `${sha256(config)}.json`;
  return writeTar(
    [
      { type: "file", path: "layer.tar", mode: 0o644, data: layer },
      { type: "file", path: configName, mode: 0o644, data: config },
      {
        type: "file",
        path: "manifest.json",
        mode: 0o644,
        data: Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: ["layer.tar"] }])),
      },
    ],
    { mtime: 0 },
  );
}

/** Loads the image unless the engine already has `tag` as exactly this config (image ID = config digest). */
async function ensureLoaded(layer: Buffer, config: Buffer, tag: string): Promise<void> {
  const have = await inspectImage(tag);
  if (have?.id === `sha256:${sha256(config)}`) return;
  await loadArchive(dockerArchive(layer, config, tag));
  const now = await inspectImage(tag);
  if (!now) throw new Error(`docker load did not create ${tag}`);
}

function referenceConfig(platform: Platform, diffId: string, cmd: string[], env?: string[]): Buffer {
  const config: ImageConfig = {
    ...ociPlatform(platform),
    created: "1970-01-01T00:00:00Z",
    config: { ...(env ? { Env: env } : {}), Cmd: cmd },
    rootfs: { type: "layers", diff_ids: [diffId] },
  };
  return canonicalJsonBytes(config);
}

/** Writes a single-manifest OCI layout (for the pull case) unless it is already there. */
async function writeSingleLayout(dir: string, layer: Buffer, config: Buffer, ref: string): Promise<void> {
  await initLayout(dir);
  const gz = gzipLayer(layer);
  await writeBlob(dir, gz.data);
  const c = await writeBlob(dir, config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, ...c },
    layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, digest: gz.digest, size: gz.size }],
  };
  const m = await writeBlob(dir, canonicalJsonBytes(manifest));
  await writeLayoutIndex(dir, [{ mediaType: MEDIA_TYPES.ociManifest, ...m, annotations: { [ANNOTATIONS.refName]: ref } }]);
}

async function builtImage(
  workDir: string,
  name: string,
  platform: Platform,
  entries: TarEntry[],
  cmd: string[],
  env?: string[],
): Promise<LocalImage> {
  const layer = writeTar(entries, { mtime: 0 });
  const config = referenceConfig(platform, `sha256:${sha256(layer)}`, cmd, env);
  const ref = `${archOf(platform)}-${sha256(config).slice(0, 12)}`;
  const tag = `${BENCH_REPO}/${name}:${ref}`;
  await ensureLoaded(layer, config, tag);
  const dir = join(workDir, "layouts", `${name}-${ref}`);
  await writeSingleLayout(dir, layer, config, ref);
  return { tag, layout: { dir, ref } };
}

/** The floor: a scratch image holding /true, a static binary that returns 0. */
export async function floorImage(workDir: string, platform: Platform): Promise<LocalImage> {
  const { cc, pkg } = FLOOR_CC[platform];
  if (!(await which(cc))) {
    throw new UsageError(
      `the floor reference for ${platform} is compiled with ${cc}, which is not installed (Debian: ${pkg}; kimigayo doctor --fix)`,
    );
  }
  const dir = join(workDir, "floor");
  await mkdir(dir, { recursive: true });
  const src = join(dir, "true.c");
  const bin = join(dir, `true-${archOf(platform)}`);
  await writeFile(src, FLOOR_SOURCE);
  const r = await run(cc, ["-static", "-Os", "-s", "-o", bin, src], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`${cc} could not compile the floor's true.c: ${r.stderr.trim()}`);
  const data = await readFile(bin);
  return builtImage(workDir, "floor", platform, [{ type: "file", path: "true", mode: 0o755, data }], ["/true"]);
}

/** Debian's glibc-static BusyBox with its applet links, when the host's /bin/busybox is one for `platform`. */
export async function busyboxGlibcImage(
  workDir: string,
  platform: Platform,
  binary = GLIBC_BUSYBOX,
): Promise<LocalImage | { skipped: string }> {
  const info = await readElfFile(binary).catch(() => undefined);
  if (!info) return { skipped: `${binary} is missing (${GLIBC_BUSYBOX_FIX})` };
  const problems = checkBinary(info, platform);
  if (problems.length > 0)
    return { skipped: `${binary} is not a static ${platform} binary (${problems.join("; ")}; ${GLIBC_BUSYBOX_FIX})` };
  const list = await run(binary, ["--list-full"], { timeoutMs: 30_000 });
  if (list.code !== 0) return { skipped: `${binary} --list-full failed: ${list.stderr.trim()}` };
  const applets = list.stdout
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && l !== "bin/busybox" && !l.includes(".."));
  const entries: TarEntry[] = [];
  const dirs = new Set<string>(["bin", "dev", "etc", "proc", "sys", "tmp"]);
  for (const a of applets) {
    const parts = a.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  for (const d of dirs) entries.push({ type: "dir", path: d, mode: d === "tmp" ? 0o1777 : 0o755 });
  entries.push({ type: "file", path: "bin/busybox", mode: 0o755, data: await readFile(binary) });
  for (const a of new Set(applets)) entries.push({ type: "symlink", path: a, target: "/bin/busybox" });
  return builtImage(workDir, "busybox-glibc", platform, entries, ["sh"], IMAGE_ENV);
}

/** The Kimigayo image of `variant` for `platform` from a build result: its published config when there is a layout. */
export async function kimigayoImage(build: BuildResult, variant: string, platform: Platform): Promise<LocalImage> {
  const img = build.images.find((i) => i.variant === variant && i.platform === platform);
  if (!img) {
    const have = build.images.map((i) => `${i.variant} ${i.platform}`).join(", ");
    throw new UsageError(
      `the build in ${build.out} has no ${variant} ${platform} image (it has: ${have || "none"}); run kimigayo build --variant ${variant} --platform ${platform}`,
    );
  }
  let layer: Buffer;
  try {
    layer = await readFile(img.rootfs.tar);
  } catch {
    throw new UsageError(`the rootfs ${img.rootfs.tar} of the last build is gone; run kimigayo build again`);
  }
  const diffId = `sha256:${sha256(layer)}`;
  const layoutBuild = build.layouts?.find((l) => l.variant === variant);
  let config: Buffer | undefined;
  let layout: LocalImage["layout"];
  if (layoutBuild) {
    const image = await readImage(layoutBuild.layout, layoutBuild.ref).catch(() => undefined);
    const m = image?.manifests.find((x) => platformOf(x.descriptor.platform) === platform);
    if (m) {
      const bytes = await readFile(blobPath(layoutBuild.layout, m.manifest.config.digest)).catch(() => undefined);
      const parsed = bytes ? parseOci(bytes, OCI.config, blobPath(layoutBuild.layout, m.manifest.config.digest)) : undefined;
      if (bytes && parsed?.rootfs.diff_ids.length === 1 && parsed.rootfs.diff_ids[0] === diffId) {
        config = bytes;
        layout = { dir: layoutBuild.layout, ref: layoutBuild.ref };
      }
    }
  }
  // No image layout (built with --engine none), or it is of another build: the rootfs with a plain config.
  config ??= referenceConfig(platform, diffId, ["/bin/sh"], IMAGE_ENV);
  const tag = `${BENCH_REPO}/${variant}:${archOf(platform)}-${sha256(config).slice(0, 12)}`;
  await ensureLoaded(layer, config, tag);
  return { tag, ...(layout ? { layout } : {}) };
}

/** Subject for a Kimigayo image (booted with /sbin/init, has a shell and text tools). */
export function kimigayoSubject(label: string, image: string, platform: string, role: Subject["role"], applets?: string[]): Subject {
  const hasTrue = applets === undefined || applets.includes("true");
  return {
    label,
    image,
    platform,
    role,
    kind: "kimigayo",
    trueCommand: hasTrue ? ["true"] : ["busybox", "true"],
    boots: true,
    shell: true,
  };
}

/** A rootfs layer tar as a local image `tag` (the Kimigayo image config's environment, /bin/sh): for variants of a built image. */
export async function rootfsImage(layer: Buffer, platform: Platform, tag: string): Promise<LocalImage> {
  const config = referenceConfig(platform, `sha256:${sha256(layer)}`, ["/bin/sh"], IMAGE_ENV);
  await ensureLoaded(layer, config, tag);
  return { tag };
}

/**
 * The same rootfs with `extraMs` more init: the rc sleeps that long after the last runlevel,
 * before its ready line (the regression gate's known-bad image).
 */
export function slowerRootfs(layer: Buffer, extraMs: number): Buffer {
  const entries = readTar(layer).map(({ size: _s, headerOffset: _h, ...e }) => e as TarEntry);
  const rc = entries.find((e) => e.path === "sbin/kimigayo-rc");
  if (rc?.type !== "file") throw new Error("the rootfs has no /sbin/kimigayo-rc to slow down");
  const text = Buffer.from(rc.data).toString();
  const slowed = text.replace(/^\trunlevel \$default\n/m, `\trunlevel $default\n\tsleep ${(extraMs / 1000).toFixed(3)}\n`);
  if (slowed === text) throw new Error("the rc has no `runlevel $default` line to slow down");
  rc.data = Buffer.from(slowed);
  return writeTar(entries, { mtime: 0 });
}
