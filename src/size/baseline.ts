/**
 * Baselines for size-check, from one of:
 * - a size report written by an earlier `kimigayo size-check --report FILE` (or its --json);
 * - a published image, "registry/repo:tag" or "@sha256:…": its index, each platform manifest and
 *   config are read without pulling layers; compressed = the sum of the layer sizes. A registry
 *   does not record uncompressed sizes (neither does our oci engine's manifest), so an image
 *   baseline compares compressed sizes only;
 * - "last-release": the highest stable SemVer tag of the configured image.
 *
 * Anything that cannot be read is a UsageError (exit 2) naming the cause and what was tried.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Platform } from "../config/schema.js";
import { platformOf } from "../lib/platform.js";
import { UsageError } from "../lib/errors.js";
import { issueLines } from "../lib/saved.js";
import { savedSizeReportSchema } from "../results/size-report.js";
import type { Logger } from "../lib/log.js";
import { parseReference, type ImageReference, formatReference, imageAt } from "../oci/reference.js";
import { RegistryError } from "../oci/errors.js";
import { RegistryClient, type RegistryClientOptions } from "../oci/registry.js";
import { OCI, parseOci } from "../oci/schema.js";
import { ANNOTATIONS, INDEX_MEDIA_TYPES } from "../oci/types.js";
import { compareSemver, parseSemver } from "../lib/version.js";
import { SIZE_REPORT_SCHEMA, type Baseline, type BaselineImage, type HistoryEntry } from "./types.js";

const LAST_RELEASE = "last-release";

/** An error's message with the causes underneath it: "… failed: fetch failed (bad port)", "(ECONNREFUSED)". */
export function describeCause(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const below: string[] = [];
  for (let c = (err as { cause?: unknown } | undefined)?.cause, depth = 0; c !== undefined && c !== null && depth < 5; depth++) {
    const e = c as { message?: unknown; code?: unknown; cause?: unknown };
    const part = typeof e.code === "string" ? e.code : typeof e.message === "string" ? e.message : String(c);
    if (part && !text.includes(part) && !below.includes(part)) below.push(part);
    c = e.cause;
  }
  return below.length > 0 ? `${text} (${below.join(": ")})` : text;
}

// ---------------------------------------------------------------------------
// Size reports
// ---------------------------------------------------------------------------

export interface ParsedReport {
  version?: string;
  images: (BaselineImage & { uncompressed: number })[];
}

/** Parses a size report's text; `what` ("baseline report /x/a.json") starts every message. */
export function parseSizeReport(text: string, what: string): ParsedReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `${what} is not valid JSON (${(err as Error).message}); expected a report written by \`kimigayo size-check --report FILE\``,
    );
  }
  const obj = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  if (!obj)
    throw new UsageError(
      `${what}: expected a size report (an object with schemaVersion and images), got ${Array.isArray(raw) ? "a list" : typeof raw}`,
    );
  if (obj.schemaVersion === undefined) {
    const first: unknown = Array.isArray(obj.images) ? obj.images[0] : undefined;
    const hint = first && typeof first === "object" && "rootfs" in first ? "this is a build.json; " : "";
    throw new UsageError(`${what}: schemaVersion is missing; ${hint}expected a report written by \`kimigayo size-check --report FILE\``);
  }
  if (obj.schemaVersion !== SIZE_REPORT_SCHEMA) {
    throw new UsageError(
      `${what}: schemaVersion ${JSON.stringify(obj.schemaVersion)} is not supported; this kimigayo reads schemaVersion ${SIZE_REPORT_SCHEMA}`,
    );
  }
  const r = savedSizeReportSchema.safeParse(obj);
  if (!r.success) {
    throw new UsageError(`${what}: not a valid size report:\n  ${issueLines(r.error, obj).join("\n  ")}`);
  }
  if (r.data.images.length === 0) throw new UsageError(`${what}: lists no images`);
  const seen = new Set<string>();
  const images = r.data.images.map((i, n) => {
    const key = `${i.variant} ${i.platform}`;
    if (seen.has(key)) throw new UsageError(`${what}: images[${n}]: ${key} is listed twice`);
    seen.add(key);
    return {
      variant: i.variant,
      platform: i.platform,
      uncompressed: i.uncompressed,
      compressed: i.compressed,
      applets: i.applets ?? null,
      ...(i.breakdown ? { breakdown: i.breakdown } : {}),
      ...(i.attribution ? { attribution: { binary: i.attribution.binary, rows: i.attribution.rows } } : {}),
      ...(r.data.version ? { version: r.data.version } : {}),
    };
  });
  return { ...(r.data.version ? { version: r.data.version } : {}), images };
}

/** Reads and parses a report file; `what` is "baseline report" or "history report". */
export async function readSizeReport(file: string, what: string): Promise<ParsedReport & { file: string }> {
  const abs = resolve(file);
  let text: string;
  try {
    text = await readFile(abs, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(err)})`;
    throw new UsageError(`${what} ${abs} ${why}`);
  }
  return { file: abs, ...parseSizeReport(text, `${what} ${abs}`) };
}

/** A report baseline; every variant it names must be one of `variants` (the config's). */
export async function reportBaseline(file: string, variants: readonly string[]): Promise<Baseline> {
  const r = await readSizeReport(file, "baseline report");
  r.images.forEach((i, n) => {
    if (!variants.includes(i.variant)) {
      throw new UsageError(
        `baseline report ${r.file}: images[${n}].variant ${JSON.stringify(i.variant)} is not a variant of the config (variants: ${variants.join(", ")}); ` +
          "was the report written for another config? Use a report of this config, or an image baseline",
      );
    }
  });
  return { kind: "report", source: r.file, ...(r.version ? { version: r.version } : {}), images: r.images, notes: [] };
}

/** Earlier reports for the chart of size across releases. */
export async function readHistory(files: readonly string[]): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  for (const f of files) {
    const r = await readSizeReport(f, "history report");
    if (!r.version) throw new UsageError(`history report ${r.file}: version is missing; the chart needs each report's release version`);
    out.push({
      source: r.file,
      version: r.version,
      images: r.images.map((i) => ({ variant: i.variant, platform: i.platform, uncompressed: i.uncompressed, compressed: i.compressed })),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Image baselines
// ---------------------------------------------------------------------------

export interface ImageBaselineOptions {
  /** The config's variants (which one is the default decides the plain tag). */
  variants: readonly { name: string; default: boolean }[];
  /** The images being measured: a baseline is looked up for each. */
  wanted: readonly { variant: string; platform: Platform }[];
  registry?: RegistryClientOptions;
  log?: Logger;
}

/** Baselines read from a registry fail fast: a few quick retries, not the push policy's two minutes. */
const LOOKUP: RegistryClientOptions = { retry: { attempts: 3, baseMs: 200, maxDelayMs: 1000, budgetMs: 10_000 }, timeoutMs: 30_000 };

/**
 * The tags to try for a variant, following the publish tag rules: every variant has
 * `<base>-<variant>` (`latest` becomes plain `<variant>`), the default variant also `<base>`.
 * A tag that already names a variant ("2.1.0-minimal", "minimal") is that variant's only.
 */
export function candidateRefs(ref: ImageReference, variant: string, variants: ImageBaselineOptions["variants"]): string[] {
  if (ref.digest) return [ref.digest];
  const tag = ref.tag!;
  const named = variants.find((v) => tag === v.name || tag.endsWith(`-${v.name}`));
  if (named) return named.name === variant ? [tag] : [];
  const isDefault = variants.some((v) => v.name === variant && v.default);
  const own = tag === "latest" ? variant : `${tag}-${variant}`;
  return isDefault ? [own, tag] : [own];
}

const refText = (r: ImageReference, ref: string) => imageAt(formatReference({ registry: r.registry, repository: r.repository }), ref);

async function readPlatformImage(
  client: RegistryClient,
  repo: string,
  digest: string,
): Promise<{ compressed: number; platform: Platform | undefined; version?: string }> {
  const m = (await client.getManifestAs(repo, digest, OCI.manifest)).doc;
  const compressed = m.layers.reduce((n, l) => n + l.size, 0);
  const config = await client.getBlobAs(repo, m.config.digest, OCI.config);
  const version = config.config?.Labels?.[ANNOTATIONS.version];
  return { compressed, platform: platformOf(config), ...(version ? { version } : {}) };
}

/** Reads a published image as the baseline of each wanted image (compressed sizes only). */
async function imageBaseline(spec: string, opts: ImageBaselineOptions): Promise<Baseline> {
  let ref: ImageReference;
  try {
    ref = parseReference(spec);
  } catch (err) {
    throw new UsageError(`--baseline: ${(err as Error).message}`);
  }
  if (!ref.tag && !ref.digest) throw new UsageError(`--baseline ${spec}: give a tag or a digest, e.g. ${spec}:2.1.0`);
  const client = new RegistryClient(ref.registry, { ...LOOKUP, ...(opts.log ? { log: opts.log } : {}), ...opts.registry });
  const repo = ref.repository;
  const fail = (err: unknown, what: string) =>
    err instanceof UsageError ? err : new UsageError(`baseline image ${spec}: ${what}: ${describeCause(err)}`);

  const images: BaselineImage[] = [];
  const notes: string[] = [];
  const variants = [...new Set(opts.wanted.map((w) => w.variant))];
  let version: string | undefined;
  for (const variant of variants) {
    const platforms = opts.wanted.filter((w) => w.variant === variant).map((w) => w.platform);
    let found: { ref: string; digest: string; mediaType: string; bytes: Buffer } | undefined;
    for (const c of candidateRefs(ref, variant, opts.variants)) {
      let head;
      try {
        head = await client.headManifest(repo, c);
      } catch (err) {
        throw fail(err, `cannot read it from ${ref.registry} (tried ${refText(ref, c)})`);
      }
      if (!head) continue;
      try {
        const m = await client.getManifest(repo, head.digest || c);
        found = { ref: refText(ref, c), digest: m.digest, mediaType: m.mediaType, bytes: m.bytes };
      } catch (err) {
        throw fail(err, `cannot read ${refText(ref, c)}`);
      }
      break;
    }
    if (!found) {
      notes.push(
        `no baseline image for ${variant} (tried ${
          candidateRefs(ref, variant, opts.variants)
            .map((c) => refText(ref, c))
            .join(", ") || "none: the tag names another variant"
        })`,
      );
      continue;
    }
    try {
      const perPlatform = new Map<Platform, { compressed: number; digest: string; version?: string }>();
      const raw: unknown = JSON.parse(found.bytes.toString("utf8"));
      const listsManifests = typeof raw === "object" && raw !== null && "manifests" in raw && Array.isArray(raw.manifests);
      if (INDEX_MEDIA_TYPES.includes(found.mediaType) || listsManifests) {
        const doc = parseOci(found.bytes, OCI.index, client.manifestUrl(repo, found.digest));
        for (const d of doc.manifests) {
          const p = platformOf(d.platform);
          if (!p || !platforms.includes(p) || perPlatform.has(p)) continue;
          const img = await readPlatformImage(client, repo, d.digest);
          perPlatform.set(p, { compressed: img.compressed, digest: d.digest, ...(img.version ? { version: img.version } : {}) });
        }
      } else {
        const img = await readPlatformImage(client, repo, found.digest);
        if (img.platform && platforms.includes(img.platform)) {
          perPlatform.set(img.platform, {
            compressed: img.compressed,
            digest: found.digest,
            ...(img.version ? { version: img.version } : {}),
          });
        }
      }
      for (const p of platforms) {
        const got = perPlatform.get(p);
        if (!got) {
          notes.push(`${found.ref} has no ${p} image: ${variant} ${p} has no baseline`);
          continue;
        }
        version ??= got.version;
        images.push({
          variant,
          platform: p,
          uncompressed: null,
          compressed: got.compressed,
          applets: null,
          reference: formatReference({ registry: ref.registry, repository: repo, digest: got.digest }),
          ...(got.version ? { version: got.version } : {}),
        });
      }
    } catch (err) {
      throw fail(err, `cannot read ${found.ref}`);
    }
  }
  if (images.length === 0) {
    const why = notes.length > 0 ? notes.join("; ") : "nothing matched";
    throw new UsageError(`baseline image ${spec} not found for any measured image: ${why}`);
  }
  if (ref.digest && variants.length > 1) notes.unshift(`${spec} is one image: every measured variant is compared with it`);
  notes.unshift("image baseline: compared by compressed (registry layer) size only; a registry does not record uncompressed sizes");
  return { kind: "image", source: spec, ...(version ? { version } : {}), images, notes };
}

/**
 * The highest stable SemVer tag of `image` (a repository reference without tag), or undefined when
 * it has none; `exists` is false when the registry has no such repository yet (404 NAME_UNKNOWN).
 * A registry that refuses the read (401/403: a private package, or credentials without access) is
 * a UsageError saying which credentials to give.
 */
async function lastReleaseTag(
  image: string,
  registry: RegistryClientOptions = {},
): Promise<{ tag?: string; tags: string[]; exists: boolean }> {
  let ref: ImageReference;
  try {
    ref = parseReference(image);
  } catch (err) {
    throw new UsageError(`--baseline last-release: image ${image}: ${(err as Error).message}`);
  }
  const client = new RegistryClient(ref.registry, { ...LOOKUP, ...registry });
  let found: string[] | undefined;
  try {
    found = await client.tagsOf(ref.repository);
  } catch (err) {
    const status = err instanceof RegistryError ? err.status : undefined;
    const denied = status === 401 || status === 403 ? (client.account ? "no access with the credentials given" : "private") : undefined;
    throw new UsageError(
      `--baseline last-release: cannot list the tags of ${formatReference({ registry: ref.registry, repository: ref.repository })}${denied ? ` (${denied})` : ""}: ${describeCause(err)}`,
    );
  }
  const tags = found ?? [];
  const releases = tags.filter((t) => {
    const s = parseSemver(t);
    return s !== undefined && s.prerelease.length === 0 && s.build === undefined;
  });
  releases.sort(compareSemver);
  const tag = releases.at(-1);
  return { ...(tag ? { tag } : {}), tags, exists: found !== undefined };
}

// ---------------------------------------------------------------------------
// --baseline
// ---------------------------------------------------------------------------

export interface ResolveBaselineOptions extends ImageBaselineOptions {
  /** The configured image repository (for last-release). */
  image: string;
  /** The repository's GitHub Releases (for last-release-report): owner/name, a token, the API root. */
  github?: { repository?: string; token?: string; apiUrl?: string };
}

/** The latest GitHub Release's size-report.json asset (the release job publishes it). */
export const LAST_RELEASE_REPORT = "last-release-report";

/**
 * --baseline last-release-report: the size report the latest GitHub Release published, read through
 * the API: a report baseline, so the change is in uncompressed bytes and per CONFIG_ option. No
 * release yet, or a release without the asset: none, with a note saying so.
 */
async function lastReleaseReport(opts: ResolveBaselineOptions): Promise<{ baseline?: Baseline; notes: string[] }> {
  const where = `--baseline ${LAST_RELEASE_REPORT}`;
  const repository = opts.github?.repository;
  if (!repository || !/^[^/\s]+\/[^/\s]+$/.test(repository))
    throw new UsageError(`${where}: needs the repository (GITHUB_REPOSITORY, owner/name), got ${JSON.stringify(repository ?? "")}`);
  const [owner, repo] = repository.split("/") as [string, string];
  const { githubClient, isNotFound } = await import("../github/client.js");
  const client = githubClient({
    token: opts.github?.token,
    log: opts.log ?? { info() {}, warn() {}, error() {}, debug() {}, step: () => () => {}, progress() {} },
    purpose: `${where} (reading the latest GitHub Release)`,
    ...(opts.github?.apiUrl ? { apiUrl: opts.github.apiUrl } : {}),
  });
  let release;
  try {
    release = (await client.octokit.rest.repos.getLatestRelease({ owner, repo })).data;
  } catch (err) {
    if (isNotFound(err))
      return { notes: [`${where}: ${repository} has no GitHub Release yet: nothing to compare, growth budgets not checked`] };
    throw err;
  }
  const asset = release.assets.find((a) => a.name === "size-report.json");
  if (!asset)
    return {
      notes: [`${where}: the latest GitHub Release, ${release.tag_name}, has no size-report.json asset: growth budgets not checked`],
    };
  const r = await client.octokit.rest.repos.getReleaseAsset({
    owner,
    repo,
    asset_id: asset.id,
    headers: { accept: "application/octet-stream" },
  });
  const text = typeof r.data === "string" ? r.data : Buffer.from(r.data as unknown as ArrayBuffer).toString("utf8");
  const parsed = parseSizeReport(text, `${where}: ${release.tag_name}'s size-report.json`);
  const variants = opts.variants.map((v) => v.name);
  const images = parsed.images.filter((i) => variants.includes(i.variant));
  return {
    baseline: {
      kind: "report",
      source: `${release.tag_name}/size-report.json (${LAST_RELEASE_REPORT})`,
      version: parsed.version ?? release.tag_name.replace(/^v/, ""),
      images,
      notes: [],
    },
    notes: [],
  };
}

/**
 * --baseline FILE | IMAGE | last-release -> a Baseline, or none with a note (last-release of an
 * image that has no release yet). A path that exists is a report; otherwise an image reference.
 */
export async function resolveBaseline(spec: string, opts: ResolveBaselineOptions): Promise<{ baseline?: Baseline; notes: string[] }> {
  const variantNames = opts.variants.map((v) => v.name);
  if (spec === LAST_RELEASE_REPORT) return lastReleaseReport(opts);
  if (spec === LAST_RELEASE) {
    const { tag, tags, exists } = await lastReleaseTag(opts.image, opts.registry);
    if (!exists) {
      return {
        notes: [
          `--baseline last-release: no release yet: ${opts.image} does not exist in the registry (404 NAME_UNKNOWN); nothing to compare, growth budgets not checked`,
        ],
      };
    }
    if (!tag) {
      const seen = tags.length > 0 ? `; its tags: ${tags.slice(0, 10).join(", ")}${tags.length > 10 ? ", …" : ""}` : "";
      return {
        notes: [`--baseline last-release: no release yet: ${opts.image} has no release tag (X.Y.Z)${seen}; growth budgets not checked`],
      };
    }
    const b = await imageBaseline(imageAt(opts.image, tag), opts);
    return { baseline: { ...b, source: `${imageAt(opts.image, tag)} (last-release)` }, notes: [] };
  }
  if (existsSync(spec)) return { baseline: await reportBaseline(spec, variantNames), notes: [] };
  let ref: ImageReference | undefined;
  try {
    ref = parseReference(spec);
  } catch {
    ref = undefined;
  }
  if (!ref || (!ref.tag && !ref.digest) || /\.json$/i.test(spec)) {
    throw new UsageError(
      `baseline file ${resolve(spec)} does not exist, and ${JSON.stringify(spec)} is not an image reference with a tag or digest ` +
        `(like ${opts.image}:2.1.0), nor ${LAST_RELEASE}`,
    );
  }
  return { baseline: await imageBaseline(spec, opts), notes: [] };
}
