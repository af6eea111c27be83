/**
 * The build pipeline: config -> source -> busybox -> rootfs, for each variant and platform.
 * Its result is plain data (JSON-serialisable), written to <out>/build.json, so later stages
 * and other runners can start from it.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { UsageError } from "../lib/errors.js";
import { cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { Config, Platform, VariantConfig } from "../config/schema.js";
import type { Logger } from "../lib/log.js";
import { mapLimit } from "../lib/concurrency.js";
import { buildBusybox, compilerFor, prepareSourceTree } from "../stages/busybox.js";
import { rfc3339 } from "../stages/image.js";
import { muslVersion, rootfsFiles, spdxFor } from "../stages/sbom.js";
import { canonicalJsonBytes } from "../oci/json.js";
import { buildRootfs, type RootfsFileInfo } from "../stages/rootfs.js";
import { fetchSource } from "../stages/source.js";
import { buildWithEngine, resolveEngine, type Engine, type EngineRequest } from "../stages/engine.js";
import type { ImageManifestResult } from "../stages/image.js";
import { headSha, remoteUrl } from "../lib/git.js";

export interface ImageBuild {
  variant: string;
  platform: Platform;
  busybox: {
    binary: string;
    size: number;
    sha256: string;
    applets: string[];
    static: boolean;
    stripped: boolean;
    machine: string;
    cache: "hit" | "miss";
  };
  rootfs: { tar: string; size: number; sha256: string; files: RootfsFileInfo[] };
  services: { started: string[]; unavailable: { name: string; reason: string }[]; notes: string[] };
  /** The image's SPDX 2.3 document (out/sbom/kimigayo-<variant>-<arch>.spdx.json); absent in older build.json files. */
  sbom?: string;
  seconds: { busybox: number; rootfs: number };
}

export interface LayoutBuild {
  variant: string;
  engine: Engine;
  /** OCI image layout directory: an index over one manifest per platform. */
  layout: string;
  ref: string;
  index: { digest: string; size: number };
  manifests: ImageManifestResult[];
  seconds: number;
}

export interface BuildResult {
  config: string;
  version: string;
  sourceDateEpoch: number;
  busybox: { version: string; sha256: string; source: { cache: "hit" | "miss"; url?: string; signature: string } };
  out: string;
  images: ImageBuild[];
  /** One OCI image layout per variant (absent with --no-image). */
  layouts?: LayoutBuild[];
  engine?: { engine: Engine; reason: string };
  seconds: { source: number; total: number };
}

export interface BuildRequest {
  config: Config;
  variants: VariantConfig[];
  platforms: Platform[];
  outDir: string;
  log: Logger;
  cacheDir?: string;
  /** Parallel builds; each gets cores / parallel make jobs. Default: one per platform, up to the core count. */
  parallel?: number;
  /** The image engine; "none" stops after the rootfs stage. Default "auto". */
  engine?: EngineRequest | "none";
  /** Where the repository is (for the revision and source annotations); default the cwd. */
  repoDir?: string;
}

/** SPDX 2.3 for one image: BusyBox (source and binary hashes), musl, and every file of the rootfs. */
async function writeSbom(
  cfg: Config,
  variant: string,
  platform: Platform,
  bb: { sha256: string; applets: { name: string }[] },
  sourceSha256: string,
  tar: string,
  outDir: string,
  epoch: number,
): Promise<string> {
  const musl = await muslVersion(compilerFor(platform));
  const doc = spdxFor({
    variant,
    platform,
    version: cfg.version,
    busybox: { version: cfg.busybox.version, sha256: sourceSha256, binarySha256: bb.sha256, applets: bb.applets.map((a) => a.name) },
    musl: { version: musl.version },
    files: rootfsFiles(await readFile(tar)),
    created: rfc3339(epoch),
    namespace: `https://${cfg.image}/spdx`,
  });
  const path = join(outDir, "sbom", `kimigayo-${variant}-${platform.split("/")[1]}.spdx.json`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, canonicalJsonBytes(doc));
  return path;
}

export function effectiveEpoch(cfg: Config): number {
  const env = process.env.SOURCE_DATE_EPOCH;
  return env && /^\d+$/.test(env) ? Number(env) : cfg.sourceDateEpoch;
}

export async function runBuild(req: BuildRequest): Promise<BuildResult> {
  const { config: cfg, log } = req;
  const t0 = Date.now();
  const outDir = resolve(req.outDir);
  const epoch = effectiveEpoch(cfg);
  const endSource = log.step(`source: BusyBox ${cfg.busybox.version}`);
  const source = await fetchSource(cfg, { log, ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}) });
  const tree = await prepareSourceTree(cfg, source, log, req.cacheDir);
  endSource();
  const tSource = (Date.now() - t0) / 1000;

  const cores = cpus().length;
  const parallel = Math.max(1, Math.min(req.parallel ?? Math.min(req.platforms.length, cores), cores));
  const jobs = Math.max(1, Math.floor(cores / parallel));
  const work = req.variants.flatMap((v) => req.platforms.map((p) => ({ v, p })));
  log.info(`building ${work.length} image(s): ${parallel} at a time, make -j${jobs} each`);
  let done = 0;
  const images = await mapLimit(work, parallel, async ({ v, p }) => {
    const label = `${v.name} ${p}`;
    const t1 = Date.now();
    const bb = await buildBusybox(cfg, v, p, tree, {
      log,
      jobs,
      sourceDateEpoch: epoch,
      ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}),
    });
    const t2 = Date.now();
    const fs = await buildRootfs(cfg, v, bb, { log, outDir, sourceDateEpoch: epoch });
    const t3 = Date.now();
    for (const u of fs.services.unavailable) log.warn(`${label}: service ${u.name} not available: ${u.reason}`);
    for (const n of fs.services.notes) log.info(`${label}: ${n}`);
    done++;
    log.info(
      `[${done}/${work.length}] ${label}: busybox ${bb.size.toLocaleString("en-US")} B, ${bb.applets.length} applets, ` +
        `static ${bb.elf.static ? "✓" : "✗"}, rootfs ${fs.size.toLocaleString("en-US")} B (cache ${bb.hit ? "hit" : "miss"})`,
    );
    const image: ImageBuild = {
      variant: v.name,
      platform: p,
      busybox: {
        binary: bb.binary,
        size: bb.size,
        sha256: bb.sha256,
        applets: bb.applets.map((a) => a.name),
        static: bb.elf.static,
        stripped: bb.elf.stripped,
        machine: bb.elf.machine,
        cache: bb.hit ? "hit" : "miss",
      },
      rootfs: { tar: fs.tar, size: fs.size, sha256: fs.sha256, files: fs.files },
      services: fs.services,
      sbom: await writeSbom(cfg, v.name, p, bb, source.sha256, fs.tar, outDir, epoch),
      seconds: { busybox: (t2 - t1) / 1000, rootfs: (t3 - t2) / 1000 },
    };
    return image;
  });
  let layouts: LayoutBuild[] | undefined;
  let engine: BuildResult["engine"];
  if (req.engine !== "none") {
    engine = await resolveEngine(req.engine ?? "auto");
    log.info(`image engine: ${engine.engine} (${engine.reason})`);
    const repoDir = req.repoDir ?? process.cwd();
    const revision = process.env.GITHUB_SHA ?? (await headSha(repoDir));
    const source =
      process.env.GITHUB_SERVER_URL && process.env.GITHUB_REPOSITORY
        ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}`
        : await remoteUrl(repoDir);
    layouts = [];
    for (const v of req.variants) {
      const t = Date.now();
      const rootfs = images.filter((i) => i.variant === v.name).map((i) => ({ platform: i.platform, tar: i.rootfs.tar }));
      const r = await buildWithEngine(engine.engine, {
        config: cfg,
        variant: v,
        rootfs,
        outDir,
        sourceDateEpoch: epoch,
        log,
        ...(revision ? { revision } : {}),
        ...(source ? { source } : {}),
      });
      layouts.push({
        variant: v.name,
        engine: engine.engine,
        layout: r.layout,
        ref: r.ref,
        index: r.index,
        manifests: r.manifests,
        seconds: (Date.now() - t) / 1000,
      });
    }
  }
  const result: BuildResult = {
    config: cfg.file,
    version: cfg.version,
    sourceDateEpoch: epoch,
    busybox: {
      version: cfg.busybox.version,
      sha256: source.sha256,
      source: { cache: source.hit ? "hit" : "miss", ...(source.url ? { url: source.url } : {}), signature: source.signature },
    },
    out: outDir,
    images,
    ...(layouts ? { layouts } : {}),
    ...(engine ? { engine } : {}),
    seconds: { source: tSource, total: (Date.now() - t0) / 1000 },
  };
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "build.json"), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Reads <out>/build.json, the saved result later stages start from. */
export async function readBuildResult(outDir: string): Promise<{ file: string; build: BuildResult }> {
  const file = join(resolve(outDir), "build.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`no build result at ${file}: run \`kimigayo build\` first (or pass --out)`);
  }
  try {
    const build = JSON.parse(text) as BuildResult;
    if (build === null || typeof build !== "object" || !Array.isArray(build.images)) throw new Error("no images list");
    return { file, build };
  } catch (err) {
    throw new UsageError(`${file} is not a build result (${(err as Error).message}): run \`kimigayo build\` again`);
  }
}
