/**
 * Versions: the one place that reads and orders them, on top of the `semver` package.
 * Strict SemVer 2.0 everywhere ("2.1.0-rc.1+b.5"): no "v", no "=", no surrounding blanks.
 */
import semver from "semver";

export interface Semver {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  build?: string;
}

/** Strict SemVer 2.0 ("2.1.0-rc.1+b.5"); no "v" prefix. Undefined when `s` is not one. */
export function parseSemver(s: string): Semver | undefined {
  const v = semver.parse(s);
  // semver.parse takes "v1.0.0" and " 1.0.0" too; a strict version is exactly what it reads back as.
  if (!v || `${v.version}${v.build.length > 0 ? `+${v.build.join(".")}` : ""}` !== s) return undefined;
  return {
    major: v.major,
    minor: v.minor,
    patch: v.patch,
    prerelease: v.prerelease.map(String),
    ...(v.build.length > 0 ? { build: v.build.join(".") } : {}),
  };
}

export function isSemver(s: string): boolean {
  return parseSemver(s) !== undefined;
}

/** A release ref as people write it: "refs/tags/v2.1.0", "v2.1.0" or "2.1.0". */
export function parseReleaseVersion(ref: string): Semver | undefined {
  return parseSemver(ref.replace(/^refs\/tags\//, "").replace(/^v/, ""));
}

const main = (v: Semver) => `${v.major}.${v.minor}.${v.patch}`;

const NUMERIC = /^\d+$/;

/**
 * Pre-release identifiers in SemVer order. semver compares numeric identifiers as JavaScript
 * numbers, which loses the order past 2^53 (rc.99999999999999999999 vs rc.100000000000000000000);
 * they have no leading zeros, so a longer one is larger.
 */
function compareIdentifiers(a: string, b: string): number {
  if (NUMERIC.test(a) && NUMERIC.test(b) && a.length !== b.length) return Math.sign(a.length - b.length);
  return semver.compareIdentifiers(a, b);
}

/** SemVer 2.0 precedence: -1, 0 or 1. Build metadata is ignored, so 1.0.0+a and 1.0.0+b compare equal. Throws on a non-version. */
export function compareSemver(a: Semver | string, b: Semver | string, invalid: (s: string) => Error = notSemver): number {
  const x = typeof a === "string" ? (parseSemver(a) ?? fail(invalid, a)) : a;
  const y = typeof b === "string" ? (parseSemver(b) ?? fail(invalid, b)) : b;
  const byMain = semver.compare(main(x), main(y));
  if (byMain !== 0) return byMain;
  // A pre-release sorts before its release.
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return Math.sign(y.prerelease.length - x.prerelease.length);
  const n = Math.min(x.prerelease.length, y.prerelease.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifiers(x.prerelease[i]!, y.prerelease[i]!);
    if (c !== 0) return c;
  }
  return Math.sign(x.prerelease.length - y.prerelease.length);
}

const notSemver = (s: string) => new Error(`${JSON.stringify(s)} is not a SemVer 2.0 version; expected X.Y.Z[-pre][+build]`);

function fail(invalid: (s: string) => Error, s: string): never {
  throw invalid(s);
}

/**
 * True when the first X.Y.Z in `version` ("v0.12.1", "0.12.1-desktop.1", "github.com/docker/buildx v0.13.0")
 * is at least `min`. A version with no X.Y.Z in it counts as 0.0.0.
 */
export function versionAtLeast(version: string, min: string): boolean {
  const have = semver.coerce(version) ?? new semver.SemVer("0.0.0");
  return semver.gte(have, semver.coerce(min) ?? min);
}
