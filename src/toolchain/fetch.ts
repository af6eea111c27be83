/**
 * Fetching the locked toolchain: each .deb of the host's set from a Debian mirror, its sha256
 * checked against the lock BEFORE it is unpacked, unpacked with `dpkg-deb -x` (no root, no
 * package manager) into the content-addressed cache under toolchain/<lock digest>. The entry is
 * made in a temporary folder and renamed (cachedEntry): a failed fetch leaves nothing behind.
 *
 * Where from, in order (debUrls):
 *   1. $KIMIGAYO_DEBIAN_MIRROR: a folder holding Debian's archives (<it>/debian, <it>/debian-security);
 *   2. the host's apt sources: each URI whose last path label is the package's archive;
 *   3. Debian's snapshot archive at the lock's date for that archive, under
 *      $KIMIGAYO_DEBIAN_SNAPSHOT or the snapshot base the host's apt sources name in their
 *      comments (Debian's images write "# <base>/archive/debian/<timestamp>"):
 *      <base>/archive/<archive>/<timestamp>/<pool path>. For when the mirror has moved on.
 */
import { fetchWithTimeout } from "../lib/keep-alive.js";
import { createHash } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type AptEntry, type AptSourceFile, entriesOf, readAptSourceFiles } from "../lib/apt-sources.js";
import { cacheRoot, cachedEntry, exists } from "../lib/cache.js";
import { mapLimit } from "../lib/concurrency.js";
import { UsageError } from "../lib/errors.js";
import { runChecked, which } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";
import type { Arch } from "../lib/platform.js";
import { type LockedPackage, type ToolchainLock, lockDigest } from "./lock.js";

export interface MirrorConfig {
  /** $KIMIGAYO_DEBIAN_MIRROR */
  mirror?: string;
  /** Base of the snapshot archive ($KIMIGAYO_DEBIAN_SNAPSHOT, else from the sources' comments): ends in /archive. */
  snapshot?: string;
  /** The host's apt sources. */
  sources: AptSourceFile[];
}

const http = (u: string) => /^https?:\/\//.test(u);
const trim = (u: string) => u.replace(/\/+$/, "");
const encodePath = (p: string) => p.split("/").map(encodeURIComponent).join("/");

/** The snapshot archive's base (…/archive) named in a sources file's comments, if any. */
export function snapshotBaseOf(sources: readonly AptSourceFile[]): string | undefined {
  for (const s of sources) {
    const m = /^#\s*(https?:\/\/\S+\/archive)\/[a-z0-9-]+\/\d{8}T\d{6}Z\s*$/m.exec(s.text);
    if (m) return m[1];
  }
  return undefined;
}

/** The apt folder whose sources name the Debian archives: KIMIGAYO_APT_DIR (tests hide the host's sources with it), else /etc/apt. */
export function aptDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KIMIGAYO_APT_DIR || "/etc/apt";
}

export function mirrorConfig(env: NodeJS.ProcessEnv = process.env, sources = readAptSourceFiles(aptDir(env))): MirrorConfig {
  const snapshot = env.KIMIGAYO_DEBIAN_SNAPSHOT || snapshotBaseOf(sources);
  return { ...(env.KIMIGAYO_DEBIAN_MIRROR ? { mirror: env.KIMIGAYO_DEBIAN_MIRROR } : {}), ...(snapshot ? { snapshot } : {}), sources };
}

/** The URLs to try for a locked package, best first (see the module comment). */
export function debUrls(pkg: LockedPackage, lock: Pick<ToolchainLock, "snapshot">, cfg: MirrorConfig): string[] {
  const path = encodePath(pkg.path);
  const urls: string[] = [];
  if (cfg.mirror) urls.push(`${trim(cfg.mirror)}/${pkg.archive}/${path}`);
  const entries: AptEntry[] = cfg.sources.flatMap(entriesOf).filter((e) => e.types.includes("deb"));
  for (const uri of entries
    .flatMap((e) => e.uris)
    .filter(http)
    .map(trim))
    if (uri.slice(uri.lastIndexOf("/") + 1) === pkg.archive) urls.push(`${uri}/${path}`);
  const at = lock.snapshot[pkg.archive];
  if (cfg.snapshot && at) urls.push(`${trim(cfg.snapshot)}/${pkg.archive}/${at}/${path}`);
  return [...new Set(urls)];
}

export class FetchError extends Error {}

/** Downloads one package from the first URL that serves it, its size and sha256 checked against the lock. */
export async function fetchDeb(pkg: LockedPackage, urls: readonly string[], fetcher: typeof fetch = fetch): Promise<Buffer> {
  const failures: string[] = [];
  for (const url of urls) {
    let bytes: Buffer;
    try {
      const res = await fetchWithTimeout(url, {}, 300_000, fetcher);
      if (!res.ok) {
        failures.push(`${url}: HTTP ${res.status}`);
        continue;
      }
      bytes = Buffer.from(await res.arrayBuffer());
    } catch (e) {
      failures.push(`${url}: ${(e as Error).message}`);
      continue;
    }
    const got = createHash("sha256").update(bytes).digest("hex");
    if (got !== pkg.sha256 || bytes.length !== pkg.size) {
      // Not what the lock names: never unpacked. Another URL may still serve the right bytes.
      failures.push(`${url}: sha256 ${got} (${bytes.length} bytes), the lock says ${pkg.sha256} (${pkg.size} bytes)`);
      continue;
    }
    return bytes;
  }
  if (urls.length === 0)
    failures.push(
      "no URL to try: apt's sources name no Debian archive, and no snapshot archive is known (set KIMIGAYO_DEBIAN_MIRROR or KIMIGAYO_DEBIAN_SNAPSHOT)",
    );
  throw new FetchError(`${pkg.name}:${pkg.architecture} ${pkg.version} could not be fetched:\n  ${failures.join("\n  ")}`);
}

export interface LockedTree {
  /** The unpacked packages (usr/bin/…, usr/lib/…). */
  root: string;
  digest: string;
  hit: boolean;
}

/** The host's locked toolchain, unpacked in the cache (fetched on first use). */
export async function lockedTree(
  lock: ToolchainLock,
  host: Arch,
  opts: { log: Logger; cacheDir?: string; mirrors?: MirrorConfig; fetcher?: typeof fetch },
): Promise<LockedTree> {
  const digest = lockDigest(lock, host);
  const mirrors = opts.mirrors ?? mirrorConfig();
  const pkgs = lock.hosts[host];
  const entry = await cachedEntry(
    join(opts.cacheDir ?? cacheRoot(), "toolchain"),
    digest.replace(/^sha256:/, "").slice(0, 32),
    async (tmp) => {
      if (!(await which("dpkg-deb")))
        throw new UsageError(
          "dpkg-deb is not on PATH (the locked toolchain is unpacked with it): install it with `kimigayo doctor --fix --only build-tools` (Debian package: dpkg)",
        );
      const end = opts.log.step(
        `fetching the locked toolchain (${pkgs.length} Debian ${lock.release} packages, ${host} host, ${digest.slice(0, 19)})`,
      );
      const debs = join(tmp, "debs");
      await mkdir(debs);
      const files = await mapLimit(pkgs, 4, async (p) => {
        const file = join(debs, `${p.name}_${p.architecture}.deb`);
        await writeFile(file, await fetchDeb(p, debUrls(p, lock, mirrors), opts.fetcher));
        return file;
      });
      // Every package is checked before any is unpacked.
      const root = join(tmp, "root");
      await mkdir(root);
      for (const f of files) await runChecked("dpkg-deb", ["-x", f, root]);
      await rm(debs, { recursive: true, force: true });
      await writeFile(join(tmp, "lock.json"), `${JSON.stringify({ digest, release: lock.release, packages: pkgs }, null, 2)}\n`);
      end();
    },
  );
  return { root: join(entry.path, "root"), digest, hit: entry.hit };
}

/**
 * doctor's check: the host's locked toolchain is unpacked in the cache. When it is not, the detail
 * says whether every package is there to fetch (a HEAD of the first URL that answers, its length
 * the lock's) and `doctor --fix` fetches it.
 */
export async function checkLockedTree(
  lock: ToolchainLock,
  host: Arch,
  opts: { cacheDir?: string; mirrors?: MirrorConfig; fetcher?: typeof fetch } = {},
): Promise<{ ok: boolean; detail: string }> {
  const digest = lockDigest(lock, host);
  const dir = join(opts.cacheDir ?? cacheRoot(), "toolchain", digest.replace(/^sha256:/, "").slice(0, 32));
  if (await exists(join(dir, "root"))) return { ok: true, detail: `Debian ${lock.release}, ${digest.slice(0, 19)}…, unpacked in ${dir}` };
  const mirrors = opts.mirrors ?? mirrorConfig();
  const fetcher = opts.fetcher ?? fetch;
  const pkgs = lock.hosts[host];
  const problems = (
    await mapLimit(pkgs, 8, async (p) => {
      const tried: string[] = [];
      for (const url of debUrls(p, lock, mirrors)) {
        const res = await fetchWithTimeout(url, { method: "HEAD" }, 30_000, fetcher).catch((e: Error) => e);
        if (res instanceof Error) tried.push(`${url}: ${res.message}`);
        else if (!res.ok) tried.push(`${url}: HTTP ${res.status}`);
        else if (Number(res.headers.get("content-length") ?? p.size) !== p.size)
          tried.push(`${url}: ${res.headers.get("content-length")} bytes, the lock says ${p.size}`);
        else return undefined;
      }
      return `${p.name}:${p.architecture} (${tried.join("; ") || "no URL: set KIMIGAYO_DEBIAN_MIRROR or KIMIGAYO_DEBIAN_SNAPSHOT"})`;
    })
  ).filter((x): x is string => x !== undefined);
  if (problems.length > 0)
    return { ok: false, detail: `cannot fetch ${problems.length} of ${pkgs.length} locked packages: ${problems.join(", ")}` };
  const mb = pkgs.reduce((n, p) => n + p.size, 0) / 1e6;
  // Not an error for a build (it fetches the toolchain itself), but `doctor --fix` fetches it now.
  return {
    ok: false,
    detail: `Debian ${lock.release}, ${digest.slice(0, 19)}…: not fetched yet; ${pkgs.length} packages (${mb.toFixed(0)} MB), all reachable, to fetch (the first build does it too)`,
  };
}
