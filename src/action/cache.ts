/**
 * BusyBox builds cached across workflow runs with @actions/cache. The local cache is already
 * content-addressed (src/lib/cache.ts); this only carries its folders between runners. The key
 * hashes what decides the binaries (the config and the BusyBox fragments and patches), plus the
 * runner's OS and architecture; the toolchain identity inside each entry's own key guards the rest.
 * Errors from the cache service only warn: a cache is never a reason to fail a build.
 */
import * as cache from "@actions/cache";
import { readdir, readFile } from "node:fs/promises";
import { arch, platform } from "node:os";
import { dirname, join, resolve } from "node:path";
import { cacheRoot } from "../lib/cache.js";
import { sha256 } from "../lib/hash.js";
import type { Logger } from "../lib/log.js";

export interface CacheHandle {
  key: string;
  paths: string[];
  hit: boolean;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out.sort();
}

export async function cacheKey(configFile: string): Promise<string> {
  const config = resolve(configFile);
  const files = [config, ...(await filesUnder(join(dirname(config), "busybox")))];
  const h = sha256((await Promise.all(files.map(async (f) => `${f}\0${await readFile(f, "utf8").catch(() => "")}`))).join("\0"));
  return `kimigayo-busybox-v1-${platform()}-${arch()}-${h.slice(0, 24)}`;
}

export async function restoreBuildCache(configFile: string, log: Logger): Promise<CacheHandle | undefined> {
  if (!cache.isFeatureAvailable()) {
    log.debug("@actions/cache is not available here (not on a GitHub runner); the local cache is used as it is");
    return undefined;
  }
  const root = cacheRoot();
  const paths = [join(root, "busybox"), join(root, "sources")];
  try {
    const key = await cacheKey(configFile);
    const restored = await cache.restoreCache(paths, key, ["kimigayo-busybox-v1-"]);
    log.info(restored ? `build cache restored (${restored})` : `build cache: no entry for ${key}`);
    return { key, paths, hit: restored === key };
  } catch (e) {
    log.warn(`build cache restore failed, building without it: ${(e as Error).message}`);
    return undefined;
  }
}

export async function saveBuildCache(handle: CacheHandle, log: Logger): Promise<void> {
  if (handle.hit) return;
  try {
    await cache.saveCache(handle.paths, handle.key);
    log.info(`build cache saved as ${handle.key}`);
  } catch (e) {
    log.warn(`build cache save failed (the build itself succeeded): ${(e as Error).message}`);
  }
}
