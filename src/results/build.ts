/**
 * The build's saved result, <out>/build.json: what later stages and other runners start from
 * (size-check, bench, publish). Its types are inferred from the schema that reads it back.
 */
import { join, resolve } from "node:path";
import { z } from "zod";
import { ENGINES, PLATFORMS } from "../config/schema.js";
import { readSaved, writeSaved } from "../lib/saved.js";

const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();
const platform = z.enum(PLATFORMS);
const cache = z.enum(["hit", "miss"]);

export const rootfsFileSchema = z.object({
  path: z.string(),
  type: z.enum(["dir", "file", "symlink", "hardlink"]),
  size: count,
  tarBytes: count,
});

export const imageBuildSchema = z.object({
  variant: z.string().min(1),
  platform,
  busybox: z.object({
    binary: z.string(),
    size: count,
    sha256: z.string(),
    applets: z.array(z.string()),
    static: z.boolean(),
    stripped: z.boolean(),
    machine: z.string(),
    cache,
    /** The toolchain lock's digest and the compiler, binutils, musl and kernel-header packages; absent in older build.json files. */
    toolchain: z.record(z.string(), z.string()).optional(),
  }),
  rootfs: z.object({ tar: z.string(), size: count, sha256: z.string(), files: z.array(rootfsFileSchema) }),
  services: z.object({
    started: z.array(z.string()),
    unavailable: z.array(z.object({ name: z.string(), reason: z.string() })),
    notes: z.array(z.string()),
  }),
  /** The image's SPDX 2.3 document (out/sbom/kimigayo-<variant>-<arch>.spdx.json); absent in older build.json files. */
  sbom: z.string().optional(),
  seconds: z.object({ busybox: seconds, rootfs: seconds }),
});

export const imageManifestSchema = z.object({
  platform,
  digest: z.string(),
  size: count,
  /** Digest of the image config blob. */
  config: z.string(),
  layers: z.array(z.object({ digest: z.string(), size: count, diffId: z.string() })),
  /** Sum of the layers' uncompressed (tar) sizes. */
  uncompressedSize: count,
});

export const layoutBuildSchema = z.object({
  variant: z.string().min(1),
  engine: z.enum(ENGINES),
  /** OCI image layout directory: an index over one manifest per platform. */
  layout: z.string(),
  ref: z.string(),
  index: z.object({ digest: z.string(), size: count }),
  manifests: z.array(imageManifestSchema),
  seconds,
});

export const buildResultSchema = z.object({
  config: z.string(),
  version: z.string(),
  sourceDateEpoch: count,
  busybox: z.object({
    version: z.string(),
    sha256: z.string(),
    source: z.object({ cache, url: z.string().optional(), signature: z.string() }),
  }),
  out: z.string(),
  images: z.array(imageBuildSchema),
  /** One OCI image layout per variant (absent with --no-image). */
  layouts: z.array(layoutBuildSchema).optional(),
  engine: z.object({ engine: z.enum(ENGINES), reason: z.string() }).optional(),
  seconds: z.object({ source: seconds, total: seconds }),
});

export type ImageBuild = z.infer<typeof imageBuildSchema>;
export type LayoutBuild = z.infer<typeof layoutBuildSchema>;
export type BuildResult = z.infer<typeof buildResultSchema>;

export const BUILD_JSON = "build.json";

/** Reads <out>/build.json, the saved result later stages start from. */
export async function readBuildResult(outDir: string): Promise<{ file: string; build: BuildResult }> {
  const file = join(resolve(outDir), BUILD_JSON);
  const build = await readSaved(file, buildResultSchema, {
    what: "a build result written by `kimigayo build`",
    remedy: "run `kimigayo build` again",
    missing: `no build result at ${file}: run \`kimigayo build\` first (or pass --out)`,
  });
  return { file, build };
}

/** Writes <out>/build.json (its folder made first); returns the file. */
export function writeBuildResult(outDir: string, build: BuildResult): Promise<string> {
  return writeSaved(join(outDir, BUILD_JSON), build);
}
