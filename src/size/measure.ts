/**
 * Measures the images of a build (build.json): uncompressed bytes (the rootfs layer tar),
 * compressed bytes (the gzip layers in the image layout) and a per-file breakdown that sums
 * exactly to the uncompressed size, tar end marker included.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { PLATFORMS } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import { TAR_END_BYTES } from "../lib/tar.js";
import { gzipLayer } from "../oci/gzip.js";
import type { BuildResult, ImageBuild } from "../results/build.js";
import { loadAttribution } from "./attribution-inputs.js";
import { zstdSize } from "./compress.js";
import type { BreakdownRow, ImageMeasure } from "./types.js";

export const TAR_END_ROW = "tar end marker";

const byBytes = (a: BreakdownRow, b: BreakdownRow) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * One row per file and symlink, one for all applet hard links, one for all directories and one
 * for the tar end marker, largest first. Throws a UsageError naming `label` when the rows do not
 * add up to `size` exactly (a build.json that does not match its tar).
 */
export function breakdown(files: ImageBuild["rootfs"]["files"], size: number, label: string): BreakdownRow[] {
  const rows: BreakdownRow[] = [];
  const links = { entries: 0, bytes: 0 };
  const dirs = { entries: 0, bytes: 0 };
  for (const f of files) {
    if (f.type === "hardlink") {
      links.entries++;
      links.bytes += f.tarBytes;
    } else if (f.type === "dir") {
      dirs.entries++;
      dirs.bytes += f.tarBytes;
    } else {
      rows.push({ name: `/${f.path.replace(/^\/+/, "")}`, kind: f.type, entries: 1, bytes: f.tarBytes });
    }
  }
  if (links.entries > 0) rows.push({ name: `applet links (${links.entries})`, kind: "applet-links", ...links });
  if (dirs.entries > 0) rows.push({ name: `directories (${dirs.entries})`, kind: "directories", ...dirs });
  rows.push({ name: TAR_END_ROW, kind: "tar-end", entries: 0, bytes: TAR_END_BYTES });
  rows.sort(byBytes);
  const sum = rows.reduce((n, r) => n + r.bytes, 0);
  if (sum !== size) {
    throw new UsageError(
      `${label}: the file list accounts for ${sum.toLocaleString("en-US")} B but the rootfs tar has ${size.toLocaleString("en-US")} B; ` +
        "build.json does not match its tar: run `kimigayo build` again",
    );
  }
  return rows;
}

/** The key that matches a row across two builds: the path, or the group (whose name carries a count). */
export function rowKey(r: Pick<BreakdownRow, "name" | "kind">): string {
  return r.kind === "file" || r.kind === "symlink" ? r.name : `(${r.kind})`;
}

function checkImage(i: unknown, at: string): asserts i is ImageBuild {
  if (i === null || typeof i !== "object") throw new UsageError(`${at}: expected an image object`);
  // Each field the measure reads is checked below, before it is trusted.
  const o: Partial<ImageBuild> = i;
  const bad = (field: string, want: string) =>
    new UsageError(`${at}.${field}: expected ${want}; is this a build.json written by \`kimigayo build\`?`);
  if (typeof o.variant !== "string") throw bad("variant", "a variant name");
  if (!(PLATFORMS as readonly unknown[]).includes(o.platform)) throw bad("platform", `one of ${PLATFORMS.join(", ")}`);
  if (!o.rootfs || !Number.isSafeInteger(o.rootfs.size) || !Array.isArray(o.rootfs.files)) throw bad("rootfs", "{ tar, size, files[] }");
  if (!o.busybox || !Array.isArray(o.busybox.applets)) throw bad("busybox.applets", "a list");
}

/** Compressed bytes of one image: its layout's layer descriptors, else the oci engine's gzip of the tar; zstd from the tar. */
async function compressedSize(
  build: BuildResult,
  image: ImageBuild,
  label: string,
): Promise<Pick<ImageMeasure, "compressed" | "compressedFrom" | "zstd" | "pull" | "notes">> {
  const layout = build.layouts?.find((l) => l.variant === image.variant);
  const manifest = layout?.manifests.find((m) => m.platform === image.platform);
  if (manifest && manifest.uncompressedSize !== undefined && manifest.uncompressedSize !== image.rootfs.size) {
    throw new UsageError(
      `${label}: the image layout's layer is ${manifest.uncompressedSize} B uncompressed but the rootfs tar has ${image.rootfs.size} B; run \`kimigayo build\` again`,
    );
  }
  const notes: string[] = [];
  let tar: Buffer | undefined;
  try {
    tar = await readFile(image.rootfs.tar);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    if (!manifest) {
      throw new UsageError(
        `${label}: the build made no image layout and its rootfs tar ${image.rootfs.tar} cannot be read (${why}); run \`kimigayo build\` again`,
      );
    }
    notes.push(`zstd size not measured: the rootfs tar ${image.rootfs.tar} cannot be read (${why})`);
  }
  if (tar && tar.length !== image.rootfs.size) {
    throw new UsageError(
      `${label}: ${image.rootfs.tar} has ${tar.length} B, build.json says ${image.rootfs.size} B; run \`kimigayo build\` again`,
    );
  }
  let zstd: number | null = null;
  if (tar) {
    const z = await zstdSize(tar);
    zstd = z.bytes;
    if (z.bytes === null) notes.push(`zstd size not measured: ${z.missing}`);
  }
  if (!manifest) return { compressed: gzipLayer(tar!).size, compressedFrom: "gzip", zstd, pull: null, notes };
  const layers = manifest.layers.reduce((n, l) => n + l.size, 0);
  const config = await blobSize(layout!.layout, manifest.config);
  if (config === null) notes.push(`pull size not estimated: the config blob ${manifest.config} is not in ${layout!.layout}`);
  const pull =
    config === null
      ? null
      : {
          index: layout!.index.size,
          manifest: manifest.size,
          config,
          layers,
          gzip: layout!.index.size + manifest.size + config + layers,
          zstd: zstd === null || manifest.layers.length !== 1 ? null : layout!.index.size + manifest.size + config + zstd,
        };
  return { compressed: layers, compressedFrom: "layer", zstd, pull, notes };
}

/** The size of a blob in an OCI image layout, or null when it is not there. */
async function blobSize(layout: string | undefined, digest: string | undefined): Promise<number | null> {
  if (typeof layout !== "string" || typeof digest !== "string") return null;
  const [alg, hex] = digest.split(":");
  if (!alg || !hex) return null;
  try {
    return (await stat(join(layout, "blobs", alg, hex))).size;
  } catch {
    return null;
  }
}

/** Measures every image of the build, in build order. `source` names build.json in messages. */
export async function measureBuild(build: BuildResult, source: string): Promise<ImageMeasure[]> {
  if (!Array.isArray(build.images) || build.images.length === 0) {
    throw new UsageError(`${source} lists no images: run \`kimigayo build\` first`);
  }
  const out: ImageMeasure[] = [];
  for (const [n, image] of build.images.entries()) {
    checkImage(image, `${source}: images[${n}]`);
    const label = `${source}: ${image.variant} ${image.platform}`;
    const sizes = await compressedSize(build, image, label);
    const a = await loadAttribution(image.busybox.binary, image.busybox.size, image.busybox.applets);
    out.push({
      variant: image.variant,
      platform: image.platform,
      uncompressed: image.rootfs.size,
      ...sizes,
      applets: image.busybox.applets.length,
      breakdown: breakdown(image.rootfs.files, image.rootfs.size, label),
      attribution: "attribution" in a ? a.attribution : null,
      notes: [...(sizes.notes ?? []), ...("missing" in a ? [`no per-option attribution: ${a.missing}`] : [])],
    });
  }
  return out;
}
