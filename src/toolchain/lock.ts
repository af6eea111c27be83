/**
 * The toolchain lock (configs/toolchain.lock.json): every Debian package the BusyBox compile runs
 * or reads (compiler, binutils, musl, kernel headers, make and the shared libraries cc1, as and ld
 * load), by name, version, architecture, sha256 and pool path, from one Debian release, per HOST
 * architecture. The build fetches and unpacks exactly these (src/toolchain/fetch.ts) instead of
 * using the host's packages, so the same inputs give the same binary on any host.
 *
 * The lock is regenerated from apt's package index (`npm run toolchain:lock`, generateLock).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { actionRoot } from "../config/builtin.js";
import type { Arch, Platform } from "../lib/platform.js";
import { sha256 } from "../lib/hash.js";

export const LOCK_FILE = join("configs", "toolchain.lock.json");

const lockedPackage = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9+.-]+$/),
    version: z.string().min(1),
    architecture: z.enum(["amd64", "arm64", "all"]),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    size: z.number().int().positive(),
    /** The archive it comes from, as the last label of its URI path: "debian" or "debian-security". */
    archive: z.string().regex(/^[a-z0-9-]+$/),
    /** Its path under the archive's root: pool/main/g/gcc-12/gcc-12_12.2.0-14+deb12u1_amd64.deb. */
    path: z.string().regex(/^pool\/[A-Za-z0-9+._/~%-]+\.deb$/),
  })
  .strict();
export type LockedPackage = z.infer<typeof lockedPackage>;

const lockSchema = z
  .object({
    release: z.string().min(1),
    /**
     * Per archive, the snapshot-archive timestamp (YYYYMMDDTHHMMSSZ) at which every package of
     * that archive in the lock is in its pool: the archive's Release date plus a day.
     */
    snapshot: z.record(z.string(), z.string().regex(/^\d{8}T\d{6}Z$/)),
    hosts: z.object({ amd64: z.array(lockedPackage), arm64: z.array(lockedPackage) }).strict(),
  })
  .strict();
export type ToolchainLock = z.infer<typeof lockSchema>;

/**
 * What each host needs, as apt names (`name:arch`). An amd64 host compiles amd64 natively and
 * cross-compiles arm64; an arm64 host compiles arm64 natively (nothing cross-compiles to amd64
 * there, see toolchainSpec). The shared libraries are those cc1, as and ld load (ldd) besides
 * glibc, which the host provides.
 */
export const RELEASE = "bookworm";
const RUNTIME_LIBS = ["libisl23", "libmpc3", "libmpfr6", "libgmp10", "libzstd1", "zlib1g", "libjansson4"];
const native = (a: Arch, binutils: string) =>
  [
    "gcc-12",
    "cpp-12",
    "gcc-12-base",
    "libgcc-12-dev",
    binutils,
    "binutils-common",
    "libbinutils",
    "libctf0",
    "libctf-nobfd0",
    "musl",
    "musl-dev",
    "linux-libc-dev",
    "make",
    ...RUNTIME_LIBS,
  ].map((p) => `${p}:${a}`);
export const LOCK_PACKAGES: Record<Arch, string[]> = {
  amd64: [
    ...native("amd64", "binutils-x86-64-linux-gnu"),
    "gcc-12-aarch64-linux-gnu:amd64",
    "cpp-12-aarch64-linux-gnu:amd64",
    "gcc-12-aarch64-linux-gnu-base:amd64",
    "binutils-aarch64-linux-gnu:amd64",
    "libgcc-12-dev-arm64-cross:all",
    "musl:arm64",
    "musl-dev:arm64",
    "linux-libc-dev:arm64",
  ],
  arm64: native("arm64", "binutils-aarch64-linux-gnu"),
};

/** The packages that make a platform's compiler, binutils and musl on a host (for records). */
export function rolePackages(host: Arch, platform: Platform): { compiler: string; binutils: string; musl: string; headers: string } {
  const target = platform === "linux/amd64" ? "amd64" : "arm64";
  const cross = host !== target;
  return {
    compiler: cross ? "gcc-12-aarch64-linux-gnu" : "gcc-12",
    binutils: target === "amd64" ? "binutils-x86-64-linux-gnu" : "binutils-aarch64-linux-gnu",
    musl: `musl-dev:${target}`,
    headers: `linux-libc-dev:${target}`,
  };
}

export function parseLock(text: string, file = LOCK_FILE): ToolchainLock {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON: ${(e as Error).message}`);
  }
  const r = lockSchema.safeParse(raw);
  if (!r.success)
    throw new Error(`${file} is not a toolchain lock: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return r.data;
}

/** The lock file of the action this module runs from. */
export function lockPath(): string {
  const root = actionRoot();
  if (!root) throw new Error("internal: the action's folder (action.yml + configs/) was not found, so neither was its toolchain lock");
  return join(root, LOCK_FILE);
}

let loaded: { path: string; lock: ToolchainLock } | undefined;
/** The action's toolchain lock (read once). */
export function readLock(path = lockPath()): ToolchainLock {
  if (loaded?.path !== path) loaded = { path, lock: parseLock(readFileSync(path, "utf8"), path) };
  return loaded.lock;
}

/** A package's apt name: name:architecture. */
export const aptName = (p: Pick<LockedPackage, "name" | "architecture">) => `${p.name}:${p.architecture}`;

/** The digest of one host's package set: sha256 of its sorted entries (and the snapshot times it names). */
export function lockDigest(lock: ToolchainLock, host: Arch): string {
  const pkgs = [...lock.hosts[host]].sort((a, b) => (aptName(a) < aptName(b) ? -1 : 1));
  return `sha256:${sha256(JSON.stringify({ release: lock.release, packages: pkgs }))}`;
}

/** The locked entry of `name:arch` (arch "all" entries match any arch asked for). */
export function lockedEntry(lock: ToolchainLock, host: Arch, name: string): LockedPackage {
  const [n, a] = name.split(":");
  const p = lock.hosts[host].find((x) => x.name === n && (a === undefined || x.architecture === a || x.architecture === "all"));
  if (!p) throw new Error(`${LOCK_FILE} has no ${name} for ${host} hosts: regenerate it (npm run toolchain:lock)`);
  return p;
}

/** What the lock says a platform's build uses on a host, for build.json and the provenance. */
export function toolchainRecord(lock: ToolchainLock, host: Arch, platform: Platform): Record<string, string> {
  const roles = rolePackages(host, platform);
  const v = (name: string) => {
    const p = lockedEntry(lock, host, name);
    return `${p.name} ${p.version}`;
  };
  return {
    route: "lock",
    lock: lockDigest(lock, host),
    release: `Debian ${lock.release}`,
    compiler: v(roles.compiler),
    binutils: v(roles.binutils),
    musl: v(roles.musl),
    kernelHeaders: v(roles.headers),
  };
}

/** Lines naming what changed between two locks ("gcc-12:amd64 12.2.0-14 -> 12.2.0-14+deb12u1"). */
export function diffLocks(before: ToolchainLock | undefined, after: ToolchainLock): string[] {
  const lines: string[] = [];
  for (const host of ["amd64", "arm64"] as const) {
    const old = new Map((before?.hosts[host] ?? []).map((p) => [aptName(p), p]));
    const now = new Map(after.hosts[host].map((p) => [aptName(p), p]));
    for (const [k, p] of now) {
      const o = old.get(k);
      if (!o) lines.push(`${host} host: + ${k} ${p.version}`);
      else if (o.version !== p.version) lines.push(`${host} host: ${k} ${o.version} -> ${p.version}`);
      else if (o.sha256 !== p.sha256)
        lines.push(`${host} host: ${k} ${p.version}: other bytes (sha256 ${o.sha256.slice(0, 12)} -> ${p.sha256.slice(0, 12)})`);
    }
    for (const [k, o] of old) if (!now.has(k)) lines.push(`${host} host: - ${k} ${o.version}`);
  }
  return lines;
}

/**
 * Parses `apt-get download --print-uris` lines ('URL' FILE SIZE SHA256:HEX) into locked entries.
 * `roots` are the archive URIs apt's sources name; each URL is split into the root it starts with
 * (its last path label is the archive's name) and the pool path.
 */
export function parsePrintUris(text: string, roots: readonly string[]): LockedPackage[] {
  const out: LockedPackage[] = [];
  for (const line of text.split("\n")) {
    const m = /^'([^']+)'\s+(\S+)\s+(\d+)\s+SHA256:([0-9a-f]{64})\s*$/.exec(line.trim());
    if (!m) continue;
    const [, url, file, size, hash] = m as unknown as [string, string, string, string, string];
    const root = roots
      .map((r) => r.replace(/\/+$/, ""))
      .filter((r) => url.startsWith(`${r}/`))
      .sort((a, b) => b.length - a.length)[0];
    if (!root) throw new Error(`${url} is under none of apt's sources (${roots.join(", ")})`);
    const f = /^([^_]+)_([^_]+)_([^_]+)\.deb$/.exec(file);
    if (!f) throw new Error(`unexpected .deb file name ${file}`);
    out.push({
      name: f[1]!,
      version: decodeURIComponent(f[2]!),
      architecture: f[3] as LockedPackage["architecture"],
      sha256: hash,
      size: Number(size),
      archive: root.slice(root.lastIndexOf("/") + 1),
      path: decodeURIComponent(url.slice(root.length + 1)),
    });
  }
  return out;
}

/** A snapshot-archive timestamp: `date` plus a day (the snapshot imports an archive a few times a day). */
export function snapshotTimestamp(date: Date): string {
  const t = new Date(date.getTime() + 24 * 3600 * 1000);
  return t
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}
