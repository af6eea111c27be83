/**
 * BusyBox builds cached across workflow runs with @actions/cache. The local cache is already
 * content-addressed (src/lib/cache.ts); this only carries its folders between runners. The key
 * hashes what decides the binaries, read through the loaded config (so a base config's values
 * count, wherever it lives): BusyBox's version and tarball digest, the patches' and each variant's
 * fragment text, the epoch; plus the runner's OS and architecture. File paths do not count: the
 * same inputs under another folder (another workspace, another ref of the action) give the same
 * key. The toolchain identity inside each entry's own key guards the rest. A miss restores the
 * newest entry of the same OS and architecture (restore key), whose binaries may still serve.
 * Errors from the cache service only warn: a cache is never a reason to fail a build.
 *
 * The unpacked locked toolchain is carried the same way under its own key, the lock's digest for
 * this runner's architecture (restoreToolchainCache): a warm job fetches no package, and a job
 * without a Debian mirror that restores it builds with the lock rather than the host's toolchain
 * (src/toolchain/route.ts: an unpacked tree is the lock's route).
 */
import * as cache from "@actions/cache";
import { readFile } from "node:fs/promises";
import { arch, platform } from "node:os";
import { join } from "node:path";
import { configPath } from "../cli/main.js";
import { loadConfig } from "../config/load.js";
import { cacheRoot } from "../lib/cache.js";
import { UsageError } from "../lib/errors.js";
import { sha256 } from "../lib/hash.js";
import { effectiveEpoch } from "../stages/build/context.js";
import { silentLogger, type Logger } from "../lib/log.js";
import { existsSync } from "node:fs";
import { hostArchitecture } from "../lib/platform.js";
import { lockDigest, readLock } from "../toolchain/lock.js";
import { lockedTreeDir } from "../toolchain/route.js";

export interface CacheHandle {
  key: string;
  paths: string[];
  hit: boolean;
}

/**
 * The key of this runner's BusyBox builds for the `config` input, and the prefix a miss restores
 * from. The config is the one the command will build: the action's built-in one when the default
 * path is absent from the workspace.
 */
export async function cacheKeys(
  configFile: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): Promise<{ key: string; restoreKeys: string[] }> {
  const cfg = await loadConfig(configPath(configFile, cwd, silentLogger));
  const inputs = {
    busybox: { version: cfg.busybox.version, sha256: cfg.busybox.sha256 },
    patches: await Promise.all(cfg.busybox.patches.map((p) => readFile(p, "utf8"))),
    variants: await Promise.all(cfg.variants.map(async (v) => [v.name, v.fragment?.text ?? (await readFile(v.busyboxConfig, "utf8"))])),
    epoch: effectiveEpoch(cfg, env),
  };
  const prefix = `kimigayo-busybox-v1-${platform()}-${arch()}-`;
  return { key: `${prefix}${sha256(JSON.stringify(inputs)).slice(0, 24)}`, restoreKeys: [prefix] };
}

export async function restoreBuildCache(configFile: string, log: Logger): Promise<CacheHandle | undefined> {
  if (!cache.isFeatureAvailable()) {
    log.debug("@actions/cache is not available here (not on a GitHub runner); the local cache is used as it is");
    return undefined;
  }
  const root = cacheRoot();
  const paths = [join(root, "busybox"), join(root, "sources")];
  try {
    const { key, restoreKeys } = await cacheKeys(configFile);
    // A failed download only warns inside @actions/cache, and answers like a miss.
    const restored = await cache.restoreCache(paths, key, restoreKeys);
    log.info(restored ? `build cache restored (${restored})` : `build cache: nothing restored for ${key}`);
    return { key, paths, hit: restored === key };
  } catch (e) {
    // A config that does not load is the command's to report, as bad input.
    if (e instanceof UsageError) log.debug(`build cache skipped: ${e.message}`);
    else log.warn(`build cache restore failed, building without it: ${(e as Error).message}`);
    return undefined;
  }
}

export async function saveBuildCache(handle: CacheHandle, log: Logger): Promise<void> {
  if (handle.hit) return;
  try {
    // -1: not saved, @actions/cache has said why (another job saved that key first, an upload that failed).
    const id = await cache.saveCache(handle.paths, handle.key);
    log.info(id === -1 ? `build cache not saved as ${handle.key} (see above)` : `build cache saved as ${handle.key}`);
  } catch (e) {
    log.warn(`build cache save failed (the build itself succeeded): ${(e as Error).message}`);
  }
}

/** The key of this runner's unpacked locked toolchain: the lock's digest of the host's set, and the folder it lives in. */
export function toolchainCacheKey(cacheDir = cacheRoot()): { key: string; path: string } {
  const lock = readLock();
  const host = hostArchitecture();
  return {
    key: `kimigayo-toolchain-v1-${platform()}-${host}-${lockDigest(lock, host).replace(/^sha256:/, "")}`,
    path: lockedTreeDir(lock, host, cacheDir),
  };
}

/** Restores the unpacked locked toolchain (exact key only: another lock's tree is of no use). */
export async function restoreToolchainCache(log: Logger): Promise<CacheHandle | undefined> {
  if (!cache.isFeatureAvailable()) return undefined;
  try {
    const { key, path } = toolchainCacheKey();
    if (existsSync(join(path, "root"))) return { key, paths: [path], hit: true };
    const restored = await cache.restoreCache([path], key);
    log.info(restored ? `toolchain cache restored (${restored})` : `toolchain cache: nothing restored for ${key}`);
    return { key, paths: [path], hit: restored === key };
  } catch (e) {
    log.warn(`toolchain cache restore failed, fetching the toolchain if the build needs it: ${(e as Error).message}`);
    return undefined;
  }
}

/** Saves the unpacked locked toolchain when this job fetched it (a host-toolchain build has none to save). */
export async function saveToolchainCache(handle: CacheHandle, log: Logger): Promise<void> {
  if (handle.hit) return;
  if (!handle.paths.every((p) => existsSync(join(p, "root")))) {
    log.debug("toolchain cache: no locked toolchain was unpacked in this job (a cache hit, or the host toolchain), nothing to save");
    return;
  }
  try {
    const id = await cache.saveCache(handle.paths, handle.key);
    log.info(id === -1 ? `toolchain cache not saved as ${handle.key} (see above)` : `toolchain cache saved as ${handle.key}`);
  } catch (e) {
    log.warn(`toolchain cache save failed (the build itself succeeded): ${(e as Error).message}`);
  }
}
