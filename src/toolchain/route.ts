/**
 * Which toolchain a build compiles with. The locked one (configs/toolchain.lock.json) whenever it
 * can be had: already unpacked in the cache, or every package of this host's set has a URL to
 * fetch it from (a Debian archive apt's sources name, KIMIGAYO_DEBIAN_MIRROR — which the
 * --debian-mirror flag and the action's debian-mirror input set —, or a snapshot archive).
 * Otherwise, as on GitHub's Ubuntu runners, whose apt sources name Ubuntu's archive only, the
 * host's own toolchain (musl-tools, the aarch64 cross gcc, musl-dev:arm64: what doctor installs),
 * with a warning that its bytes may differ from the locked build's; build.json and the provenance
 * record it as route "host" with the host's compiler, binutils and musl versions.
 *
 * KIMIGAYO_APT_DIR names the apt folder whose sources are read (default /etc/apt): tests hide the
 * host's sources with it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cacheRoot } from "../lib/cache.js";
import { UsageError } from "../lib/errors.js";
import type { Arch } from "../lib/platform.js";
import { debUrls, mirrorConfig, type MirrorConfig } from "./fetch.js";
import { lockDigest, type ToolchainLock } from "./lock.js";

export type ToolchainRoute =
  { kind: "lock"; mirrors: MirrorConfig; cached: boolean } | { kind: "host"; /** Why the locked toolchain cannot be had. */ why: string };

/**
 * A Debian mirror or snapshot base given by a person (--debian-mirror, the debian-mirror input,
 * KIMIGAYO_DEBIAN_MIRROR, KIMIGAYO_DEBIAN_SNAPSHOT): an http(s) URL of a folder, without query,
 * fragment or credentials. `name` is what the message calls it.
 */
export function checkArchiveUrl(name: string, value: string, what: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const why = !url
    ? "not a URL"
    : url.protocol !== "http:" && url.protocol !== "https:"
      ? `${url.protocol.replace(/:$/, "")}: is not fetched (http or https only)`
      : url.search || url.hash
        ? "a folder's URL has no ?query or #fragment"
        : url.username || url.password
          ? "credentials do not belong in the URL"
          : undefined;
  if (why) throw new UsageError(`${name} ${JSON.stringify(value)} is not allowed: ${why}; expected ${what}`);
  return value;
}

export const MIRROR_FORM = "an http(s) URL of a folder holding Debian's archives (<it>/debian/pool/…, <it>/debian-security/pool/…)";
export const SNAPSHOT_FORM = "an http(s) URL of a snapshot archive's base (<it>/<archive>/<YYYYMMDDTHHMMSSZ>/pool/…)";

/** The packages of this host's set with no URL to fetch them from, as their archives. */
function archivesWithoutUrl(lock: ToolchainLock, host: Arch, mirrors: MirrorConfig): string[] {
  const none = lock.hosts[host].filter((p) => debUrls(p, lock, mirrors).length === 0);
  return [...new Set(none.map((p) => p.archive))].sort();
}

/** The route, from what is known: pure (table-tested). */
export function chooseRoute(lock: ToolchainLock, host: Arch, mirrors: MirrorConfig, cached: boolean): ToolchainRoute {
  if (cached) return { kind: "lock", mirrors, cached };
  const missing = archivesWithoutUrl(lock, host, mirrors);
  if (missing.length === 0) return { kind: "lock", mirrors, cached };
  const named = [...new Set(mirrors.sources.map((s) => s.file))];
  return {
    kind: "host",
    why:
      `no URL is known for Debian's ${missing.join(" and ")} archive${missing.length > 1 ? "s" : ""}: ` +
      `apt's sources (${named.length > 0 ? named.join(", ") : "none"}) name none, and neither --debian-mirror (the debian-mirror input), ` +
      `KIMIGAYO_DEBIAN_MIRROR nor KIMIGAYO_DEBIAN_SNAPSHOT is set`,
  };
}

/** The route of a build on this host, from its environment (and --debian-mirror, already in KIMIGAYO_DEBIAN_MIRROR). */
export function toolchainRoute(
  lock: ToolchainLock,
  host: Arch,
  env: NodeJS.ProcessEnv = process.env,
  cacheDir = cacheRoot(),
): ToolchainRoute {
  const mirrors = mirrorConfig(env);
  const cached = existsSync(join(lockedTreeDir(lock, host, cacheDir), "root"));
  return chooseRoute(lock, host, mirrors, cached);
}

/** Where the host's locked toolchain is unpacked in the cache. */
export function lockedTreeDir(lock: ToolchainLock, host: Arch, cacheDir = cacheRoot()): string {
  return join(
    cacheDir,
    "toolchain",
    lockDigest(lock, host)
      .replace(/^sha256:/, "")
      .slice(0, 32),
  );
}

/** The warning a build on the host route gives (once). */
export function hostRouteWarning(route: Extract<ToolchainRoute, { kind: "host" }>, lock: ToolchainLock, host: Arch): string {
  return (
    `compiling with the HOST toolchain, not the locked one (${lockDigest(lock, host).slice(0, 19)}…, Debian ${lock.release}): ${route.why}. ` +
    "The binaries may differ from the locked build's bytes (another gcc, binutils or musl gives other code), and build.json and the provenance say so (toolchain route: host). " +
    "For the locked toolchain give a Debian mirror: --debian-mirror URL, the action's debian-mirror input, or KIMIGAYO_DEBIAN_MIRROR " +
    "(a folder holding debian/ and debian-security/), or KIMIGAYO_DEBIAN_SNAPSHOT (a snapshot archive's base)"
  );
}
