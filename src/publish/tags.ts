/**
 * Which image tags a build pushes, per variant. Pure: the caller reads git/GitHub and passes
 * the facts in; nothing here touches the network, the clock or the environment.
 *
 * Base tags by source, in this order:
 * - release vX.Y.Z:      X.Y.Z, then X.Y / X / latest, each only if this is the highest stable
 *                        version in its minor line / major line / the whole repo (existingTags ∪ {this});
 * - pre-release vX.Y.Z-p: X.Y.Z-p only (never X.Y, X or latest);
 * - default branch:      edge, sha-<7>;
 * - other branch:        sanitizeTag(branch), sha-<7>;
 * - pull request:        pr-<n>, sha-<7 of the PR head>.
 * The default variant gets the base tags as they are; every variant (the default too) gets
 * `<base>-<variant>`, except that `latest` becomes plain `<variant>` ("latest of that variant").
 *
 * Decisions worth knowing:
 * - Build metadata (`+…`) is not allowed in an OCI tag, and SemVer ignores it for precedence, so it
 *   is dropped from tags (v2.1.0+build.7 → 2.1.0). `version` in the result keeps it (labels may carry it).
 * - Tags are lowercased by sanitizeTag. OCI tags are case-sensitive, so "Feature" and "feature"
 *   would otherwise be two tags for what people read as one branch.
 * - Without existingTags a release is taken to be the newest one (as for the first release), so
 *   pass them for anything that is not: otherwise a backport would move `latest`.
 * - Tags in existingTags that are not SemVer (e.g. "release-1") are ignored; pre-releases never move
 *   latest/major/minor, so they do not hold those tags back either.
 */
import { VARIANT_NAME } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import { isTag } from "../oci/reference.js";
import { compareSemver as compareVersions, parseReleaseVersion, parseSemver, type Semver } from "../lib/version.js";

export { parseSemver, type Semver };

export type TagSource =
  /** An explicit --version, "2.1.0" or "v2.1.0"; treated like the tag ref of that version. */
  | { kind: "version"; version: string; existingTags?: string[] }
  /** A pushed git tag, "refs/tags/v2.1.0" or "v2.1.0"; existingTags = all release tags in the repo. */
  | { kind: "tag"; ref: string; existingTags?: string[] }
  /** A branch push; "refs/heads/" prefixes are accepted on both names. */
  | { kind: "branch"; branch: string; sha: string; defaultBranch: string }
  /**
   * A pull request. Only the head sha is taken, on purpose: in a pull_request event GITHUB_SHA is
   * the test merge commit GitHub makes (refs/pull/N/merge), which is in no branch's history and is
   * remade whenever the base moves, so a sha-<merge> tag would name a commit nobody can check out.
   */
  | { kind: "pr"; number: number; headSha: string };

export interface TagPlan {
  variant: string;
  tags: string[];
}

export interface TagResult {
  /** The release's SemVer without "v", build metadata kept; absent for branch and PR builds. */
  version?: string;
  /** True for a SemVer pre-release; false for stable releases and for branch/PR builds. */
  prerelease: boolean;
  /** One plan per variant, in the order the variants were given. */
  plans: TagPlan[];
}

const MAX_TAG = 128;
const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const EXPECTED_RELEASE = "expected vX.Y.Z[-pre] (SemVer 2.0, e.g. v2.1.0 or v2.1.0-rc.1)";
/** Names a variant may not take: its "latest of this variant" tag would overwrite these. */
const RESERVED_VARIANTS = new Set(["latest", "edge"]);

/** SemVer 2.0 precedence (src/lib/version.ts); a UsageError when either is not a version. */
export function compareSemver(a: Semver | string, b: Semver | string): number {
  return compareVersions(a, b, (v) => new UsageError(`${JSON.stringify(v)} is not a SemVer 2.0 version; expected X.Y.Z[-pre][+build]`));
}

/**
 * A string made into an OCI tag ([A-Za-z0-9_][A-Za-z0-9._-]{0,127}): each run of other characters
 * becomes one "-", the result is lowercased (see the module comment), leading and trailing "." and
 * "-" are trimmed, and it is cut to `maxLength` (at most 128). "feature/Size Check" → "feature-size-check".
 * Throws a UsageError when nothing usable is left (e.g. "///").
 */
export function sanitizeTag(s: string, maxLength = MAX_TAG): string {
  const cap = Math.max(1, Math.min(MAX_TAG, Math.floor(maxLength)));
  const tag = s
    .replace(/[^A-Za-z0-9_.-]+/g, "-")
    .toLowerCase() // after the replacement, so only ASCII is left to lowercase
    .replace(/^[.-]+/, "")
    .slice(0, cap)
    .replace(/[.-]+$/, "");
  if (!isTag(tag)) throw new UsageError(`${JSON.stringify(s)} leaves nothing usable as an image tag; it needs a letter, digit or "_"`);
  return tag;
}

export function computeTags(src: TagSource, variants: { name: string; default: boolean }[]): TagResult {
  checkVariants(variants);
  const names = variants.map((v) => v.name);
  let result: { version?: string; prerelease: boolean; base: string[] };
  switch (src.kind) {
    case "version":
      result = releaseTags(src.version, src.existingTags, "version", names);
      break;
    case "tag":
      result = releaseTags(src.ref, src.existingTags, "ref", names);
      break;
    case "branch":
      result = { prerelease: false, base: branchTags(src, names) };
      break;
    case "pr":
      result = { prerelease: false, base: prTags(src) };
      break;
    default: {
      const kind = (src as { kind?: unknown }).kind;
      throw new UsageError(`unknown tag source kind ${JSON.stringify(kind)}; expected version, tag, branch or pr`);
    }
  }
  const plans = variants.map((v): TagPlan => {
    const suffixed = result.base.map((t) => (t === "latest" ? v.name : `${t}-${v.name}`));
    return { variant: v.name, tags: [...new Set(v.default ? [...result.base, ...suffixed] : suffixed)] };
  });
  const owner = new Map<string, string>();
  for (const p of plans) {
    for (const t of p.tags) {
      // Lengths are checked where tags are made; this is the invariant every caller relies on.
      if (!OCI_TAG.test(t)) throw new Error(`internal: computed tag ${JSON.stringify(t)} is not a valid OCI tag`);
      const other = owner.get(t);
      if (other !== undefined) throw new UsageError(`variants ${other} and ${p.variant} would both be tagged ${JSON.stringify(t)}`);
      owner.set(t, p.variant);
    }
  }
  return { ...(result.version !== undefined ? { version: result.version } : {}), prerelease: result.prerelease, plans };
}

function checkVariants(variants: { name: string; default: boolean }[]): void {
  if (variants.length === 0) throw new UsageError("no variants to tag; expected at least one, exactly one with default: true");
  const seen = new Set<string>();
  for (const { name } of variants) {
    if (!VARIANT_NAME.test(name))
      throw new UsageError(`variant name ${JSON.stringify(name)} is not valid; expected ${VARIANT_NAME.source}`);
    if (RESERVED_VARIANTS.has(name)) {
      throw new UsageError(`variant name ${JSON.stringify(name)} is reserved: its own tag would overwrite the ${name} image tag`);
    }
    if (seen.has(name)) throw new UsageError(`variant ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  }
  const defaults = variants.filter((v) => v.default).map((v) => v.name);
  if (defaults.length !== 1) {
    throw new UsageError(
      defaults.length === 0
        ? `no variant has default: true; mark exactly one of: ${[...seen].join(", ")}`
        : `${defaults.length} variants have default: true (${defaults.join(", ")}); exactly one may be the default`,
    );
  }
}

function releaseTags(
  ref: string,
  existingTags: string[] | undefined,
  field: string,
  variantNames: string[],
): { version: string; prerelease: boolean; base: string[] } {
  const v = parseReleaseVersion(ref);
  if (!v) throw new UsageError(`${JSON.stringify(ref)} is not a release version; ${EXPECTED_RELEASE}`, { field });
  const core = `${v.major}.${v.minor}.${v.patch}`;
  const exact = v.prerelease.length > 0 ? `${core}-${v.prerelease.join(".")}` : core;
  const version = v.build !== undefined ? `${exact}+${v.build}` : exact;
  const longest = Math.max(...variantNames.map((n) => n.length)) + 1 + exact.length;
  if (longest > MAX_TAG) {
    throw new UsageError(`${JSON.stringify(ref)} makes image tags of up to ${longest} characters; OCI tags are at most ${MAX_TAG}`, {
      field,
    });
  }
  if (v.prerelease.length > 0) return { version, prerelease: true, base: [exact] };

  // Only stable releases hold the floating tags; the release itself counts (existingTags usually includes it).
  const stable = (existingTags ?? []).map(parseReleaseVersion).filter((s): s is Semver => s !== undefined && s.prerelease.length === 0);
  const noneHigher = (inScope: (s: Semver) => boolean) => !stable.some((s) => inScope(s) && compareSemver(s, v) > 0);
  const base = [exact];
  if (noneHigher((s) => s.major === v.major && s.minor === v.minor)) base.push(`${v.major}.${v.minor}`);
  if (noneHigher((s) => s.major === v.major)) base.push(`${v.major}`);
  if (noneHigher(() => true)) base.push("latest");
  return { version, prerelease: false, base };
}

function shortSha(sha: string, field: string): string {
  if (!/^[0-9A-Fa-f]{7,64}$/.test(sha)) {
    throw new UsageError(`${JSON.stringify(sha)} is not a commit id; expected 7 to 64 hex digits`, { field });
  }
  return `sha-${sha.slice(0, 7).toLowerCase()}`;
}

function branchTags(src: { branch: string; sha: string; defaultBranch: string }, variantNames: string[]): string[] {
  const strip = (b: string) => b.replace(/^refs\/heads\//, "");
  const branch = strip(src.branch);
  if (branch === "") throw new UsageError("branch name is empty", { field: "branch" });
  const sha = shortSha(src.sha, "sha");
  if (branch === strip(src.defaultBranch)) return ["edge", sha];
  // Leave room for the longest "-<variant>" so every variant's tag of this branch has the same stem.
  const room = MAX_TAG - 1 - Math.max(...variantNames.map((n) => n.length));
  const tag = sanitizeTag(branch, room);
  const clash = reservedFor(tag, variantNames);
  if (clash !== undefined) {
    throw new UsageError(`branch ${JSON.stringify(branch)} would be tagged ${JSON.stringify(tag)}, which is ${clash}; rename the branch`, {
      field: "branch",
    });
  }
  return [tag, sha];
}

/**
 * What a branch's tag would overwrite, if anything: a release tag (X, X.Y, X.Y.Z[-pre]), latest,
 * edge, a sha-/pr- tag or a variant's latest, with or without a "-<variant>" suffix.
 */
function reservedFor(tag: string, variantNames: string[]): string | undefined {
  if (variantNames.includes(tag)) return `the latest ${tag} image's tag`;
  const stems = [tag, ...variantNames.filter((n) => tag.endsWith(`-${n}`)).map((n) => tag.slice(0, -n.length - 1))];
  for (const s of stems) {
    if (s === "latest") return "the latest release's tag";
    if (s === "edge") return "the default branch's tag";
    if (/^\d+(\.\d+)?$/.test(s) || parseSemver(s)) return "a release tag";
    if (/^sha-[0-9a-f]{7}$/.test(s)) return "a commit's tag";
    if (/^pr-\d+$/.test(s)) return "a pull request's tag";
  }
  return undefined;
}

function prTags(src: { number: number; headSha: string }): string[] {
  if (!Number.isSafeInteger(src.number) || src.number < 1) {
    throw new UsageError(`pull request number ${JSON.stringify(src.number)} is not valid; expected a positive integer`, {
      field: "number",
    });
  }
  return [`pr-${src.number}`, shortSha(src.headSha, "headSha")];
}

/** A variant's tags in the plan's order (as results and notes report them); [] for a variant the plan has not. */
export function plannedTags(result: TagResult, variant: string): string[] {
  return result.plans.find((p) => p.variant === variant)?.tags ?? [];
}

/** One tag to move onto a variant's index; `exact` tags name this release or commit only. */
export interface TagMove {
  variant: string;
  tag: string;
  exact: boolean;
}

/**
 * The order a release's tags move in: every exact tag of every variant first (X.Y.Z[-pre],
 * X.Y.Z[-pre]-<variant>, sha-<7>[-<variant>]), then the moving ones, widest last: X.Y, then X,
 * then latest and each variant's alias (<variant>); branch and PR tags (edge, pr-N, a branch)
 * with X.Y. So a failure part-way never leaves a moving tag ahead of its exact tag.
 */
export function tagOrder(result: TagResult): TagMove[] {
  const exactVersion = result.version?.replace(/\+.*$/, "");
  const moves: (TagMove & { rank: number; i: number })[] = [];
  for (const plan of result.plans) {
    for (const tag of plan.tags) {
      const stem = tag.endsWith(`-${plan.variant}`) ? tag.slice(0, -plan.variant.length - 1) : tag;
      const exact = (exactVersion !== undefined && stem === exactVersion) || /^sha-[0-9a-f]{7}$/.test(stem);
      const rank = exact ? 0 : /^\d+$/.test(stem) ? 2 : stem === "latest" || tag === plan.variant ? 3 : 1;
      moves.push({ variant: plan.variant, tag, exact, rank, i: moves.length });
    }
  }
  return moves.sort((a, b) => a.rank - b.rank || a.i - b.i).map(({ variant, tag, exact }) => ({ variant, tag, exact }));
}
