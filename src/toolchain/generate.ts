/**
 * Regenerating the toolchain lock from apt's package index: the candidate version of each package
 * LOCK_PACKAGES names, with the URL, size and sha256 apt would download
 * (`apt-get download --print-uris`, no download, no root), and per archive the date of its
 * Release file (for the snapshot-archive fallback). Needs apt's lists for both architectures
 * (`dpkg --add-architecture arm64 && apt-get update` on an amd64 host).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { readAptSources } from "../lib/apt-sources.js";
import { run } from "../lib/exec.js";
import { LOCK_PACKAGES, RELEASE, parsePrintUris, snapshotTimestamp, type LockedPackage, type ToolchainLock } from "./lock.js";

/** apt's list file name for a URI: scheme dropped, "/" → "_" (apt's URItoFileName). */
export function listPrefix(uri: string): string {
  return uri
    .replace(/^[a-z+]+:\/\//, "")
    .replace(/\/+$/, "")
    .replaceAll("/", "_");
}

/** The newest `Date:` of the release's (In)Release files per archive root. */
export function releaseDates(roots: readonly string[], release: string, listsDir = "/var/lib/apt/lists"): Record<string, Date> {
  const names = existsSync(listsDir) ? readdirSync(listsDir) : [];
  const dates: Record<string, Date> = {};
  for (const root of roots) {
    const prefix = `${listPrefix(root)}_dists_${release}`;
    for (const n of names) {
      if (!n.startsWith(prefix) || !/_(In)?Release$/.test(n)) continue;
      const m = /^Date:\s*(.+)$/m.exec(readFileSync(join(listsDir, n), "utf8"));
      const d = m ? new Date(m[1]!) : undefined;
      const archive = root.replace(/\/+$/, "").split("/").pop()!;
      if (d && !Number.isNaN(d.getTime()) && (!dates[archive] || d > dates[archive]!)) dates[archive] = d;
    }
  }
  return dates;
}

export async function generateLock(release = RELEASE): Promise<ToolchainLock> {
  const entries = readAptSources().filter(
    (e) => e.types.includes("deb") && e.suites.some((s) => s === release || s.startsWith(`${release}-`)),
  );
  const roots = [...new Set(entries.flatMap((e) => e.uris))];
  if (roots.length === 0)
    throw new Error(`apt has no Debian ${release} entries (deb ... ${release} main): the lock is made from Debian ${release}'s index`);
  const hosts = {} as Record<"amd64" | "arm64", LockedPackage[]>;
  for (const host of ["amd64", "arm64"] as const) {
    const names = LOCK_PACKAGES[host];
    const r = await run("apt-get", ["download", "--print-uris", ...names], { env: { ...process.env, LC_ALL: "C" } });
    if (r.code !== 0) throw new Error(`apt-get download --print-uris failed for the ${host} host's packages:\n${r.stderr.trim()}`);
    const pkgs = parsePrintUris(r.stdout, roots);
    const missing = names.filter(
      (n) => !pkgs.some((p) => `${p.name}:${p.architecture}` === n || (p.architecture === "all" && n.startsWith(`${p.name}:`))),
    );
    if (missing.length > 0)
      throw new Error(`apt has no candidate for ${missing.join(", ")} (apt-get update with ${host} in dpkg's architectures)`);
    hosts[host] = pkgs.sort((a, b) => (`${a.name}:${a.architecture}` < `${b.name}:${b.architecture}` ? -1 : 1));
  }
  const dates = releaseDates(roots, release);
  const used = new Set([...hosts.amd64, ...hosts.arm64].map((p) => p.archive));
  const snapshot: Record<string, string> = {};
  for (const a of [...used].sort()) {
    const d = dates[a];
    if (!d) throw new Error(`no Release date for the ${a} archive in apt's lists (apt-get update first)`);
    snapshot[a] = snapshotTimestamp(d);
  }
  return { release, snapshot, hosts };
}
