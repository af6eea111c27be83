/**
 * The upstream BusyBox tarball and its signature, taken from Debian's source package, for
 * machines that cannot reach busybox.net. Debian keeps the upstream .orig tarball byte for byte.
 */
import { dearmor } from "../lib/openpgp.js";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";
import { aptUpdate } from "./apt.js";
import { type AptEntry, parseDeb822, parseOneLine, readAptSources } from "../lib/apt-sources.js";

const DEB_SRC_FILE = "kimigayo-deb-src.sources";
const SID_SUITES = ["sid", "unstable"];

/** An enabled deb-src entry for Debian sid, if any. */
export function findDebSrcSid(entries: readonly AptEntry[]): AptEntry | undefined {
  return entries.find((e) => e.types.includes("deb-src") && e.suites.some((s) => SID_SUITES.includes(s)));
}

/**
 * The deb822 text of a deb-src sid entry, with URIs and Signed-By copied from the system's
 * Debian entry: debian.sources first, else the first `deb` line of sources.list.
 */
export function debSrcSidEntry(aptDir = "/etc/apt"): string {
  const template = debianArchiveEntry(
    aptDir,
    `write ${join(aptDir, "sources.list.d", DEB_SRC_FILE)} by hand: Types: deb-src / URIs: <your Debian mirror>/debian / Suites: sid / Components: main / Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg`,
  );
  const signedBy = template.options["signed-by"];
  return [
    "# Written by kimigayo: Debian sid source packages, for the BusyBox upstream tarball.",
    "Types: deb-src",
    `URIs: ${template.uris.join(" ")}`,
    "Suites: sid",
    "Components: main",
    ...(signedBy ? [`Signed-By: ${signedBy}`] : []),
    "",
  ].join("\n");
}

/**
 * The system's entry for Debian's main archive (not security): debian.sources first, else the
 * first `deb` line of sources.list. New entries copy its mirror and keyring, so no host name is
 * ever written by kimigayo itself. Throws, with `byHand`, when there is none.
 */
export function debianArchiveEntry(aptDir: string, byHand: string): AptEntry {
  const isMainArchive = (e: AptEntry) =>
    e.types.includes("deb") && !e.uris.some((u) => u.includes("security")) && !e.suites.every((s) => s.endsWith("-security"));
  const debianSources = join(aptDir, "sources.list.d", "debian.sources");
  const sourcesList = join(aptDir, "sources.list");
  const template =
    (existsSync(debianSources) ? parseDeb822(readFileSync(debianSources, "utf8"), debianSources).find(isMainArchive) : undefined) ??
    (existsSync(sourcesList)
      ? parseOneLine(readFileSync(sourcesList, "utf8"), sourcesList).find((e) => e.types.includes("deb"))
      : undefined);
  if (!template?.uris.length) {
    throw new Error(`no Debian apt entry found to copy (looked at ${debianSources} and ${sourcesList}); ${byHand}`);
  }
  return template;
}

/** Makes sure apt has a deb-src sid entry; returns its file and whether it was just written. */
function ensureDebSrcSid(aptDir = "/etc/apt"): { file: string; created: boolean } {
  const existing = findDebSrcSid(readAptSources(aptDir));
  if (existing) return { file: existing.file, created: false };
  const file = join(aptDir, "sources.list.d", DEB_SRC_FILE);
  writeFileSync(file, debSrcSidEntry(aptDir));
  return { file, created: true };
}

/** "1:1.38.0-3" → { upstream: "1.38.0", noEpoch: "1.38.0-3" }. */
export function splitDebianVersion(version: string): { upstream: string; noEpoch: string } {
  const noEpoch = version.replace(/^\d+:/, "");
  const dash = noEpoch.lastIndexOf("-");
  return { upstream: dash > 0 ? noEpoch.slice(0, dash) : noEpoch, noEpoch };
}

/** The upstream tarball (.orig.tar.gz/.bz2/.xz, not its .asc) of `pkg` at `upstream` in `dir`. */
function findOrigTarball(dir: string, pkg: string, upstream: string): string | undefined {
  const prefix = `${pkg}_${upstream}.orig.tar.`;
  const name = readdirSync(dir).find((n) => n.startsWith(prefix) && !n.endsWith(".asc"));
  return name ? join(dir, name) : undefined;
}

const SIGNING_KEY = "debian/upstream/signing-key.asc";

/**
 * Downloads a source package with `apt-get source --download-only` (unless its upstream tarball
 * is already in `dest`) and returns the upstream tarball, its upstream signature, the upstream
 * signing key that Debian ships in debian/upstream/signing-key.asc and that key dearmored
 * (signing-key.gpg), ready for `gpgv --keyring KEYRING SIGNATURE TARBALL`.
 */
export async function debianOrigTarball(opts: {
  sourcePackageVersion: string;
  dest: string;
  log: Logger;
  /** Source package name; busybox unless told. */
  sourcePackage?: string;
}): Promise<{ tarball: string; signature?: string; signingKey?: string; signingKeyring?: string }> {
  const { log, dest } = opts;
  const pkg = opts.sourcePackage ?? "busybox";
  const { upstream, noEpoch } = splitDebianVersion(opts.sourcePackageVersion);
  const debianTar = join(dest, `${pkg}_${noEpoch}.debian.tar.xz`);
  const keyFile = join(dest, SIGNING_KEY);
  mkdirSync(dest, { recursive: true });

  if (!findOrigTarball(dest, pkg, upstream) || (!existsSync(keyFile) && !existsSync(debianTar))) {
    const entry = ensureDebSrcSid();
    let updated = false;
    if (entry.created) {
      log.info(`wrote ${entry.file}`);
      const end = log.step(`apt-get update (${entry.file})`);
      await aptUpdate(log, entry.file);
      end();
      updated = true;
    }
    const download = () =>
      run("apt-get", ["source", "--download-only", `${pkg}=${opts.sourcePackageVersion}`], {
        cwd: dest,
        env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      });
    const end = log.step(`apt-get source --download-only ${pkg}=${opts.sourcePackageVersion}`);
    let r = await download();
    if (
      r.code !== 0 &&
      !updated &&
      /Unable to find a source package|Can not find version|You must put some 'deb-src' URIs/i.test(r.stderr)
    ) {
      // The entry exists but its index was never fetched (or is stale).
      log.info(`apt has no index for ${pkg}=${opts.sourcePackageVersion} yet; apt-get update (${entry.file})`);
      await aptUpdate(log, entry.file);
      r = await download();
    }
    end();
    if (r.code !== 0) {
      throw new Error(
        `apt-get source --download-only ${pkg}=${opts.sourcePackageVersion} failed (exit ${r.code}):\n${r.stderr.trim().split("\n").slice(-10).join("\n")}`,
      );
    }
  } else {
    log.debug(`${pkg} ${upstream} upstream tarball already in ${dest}`);
  }

  const tarball = findOrigTarball(dest, pkg, upstream);
  if (!tarball) throw new Error(`apt-get source ran but no ${pkg}_${upstream}.orig.tar.* appeared in ${dest}`);
  if (!existsSync(keyFile) && existsSync(debianTar)) {
    const x = await run("tar", ["-xJf", debianTar, "-C", dest, SIGNING_KEY]);
    if (x.code !== 0) log.warn(`${debianTar} has no ${SIGNING_KEY}: ${x.stderr.trim()}`);
  }
  const signature = `${tarball}.asc`;
  const keyring = keyFile.replace(/\.asc$/, ".gpg");
  if (existsSync(keyFile) && !existsSync(keyring)) writeFileSync(keyring, dearmor(readFileSync(keyFile, "utf8")));
  return {
    tarball,
    ...(existsSync(signature) ? { signature } : {}),
    ...(existsSync(keyFile) ? { signingKey: keyFile, signingKeyring: keyring } : {}),
  };
}
