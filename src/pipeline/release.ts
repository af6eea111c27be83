/**
 * release: a tag becomes images and a GitHub Release, in the order that never leaves a
 * half-made release behind:
 *   checks (tag, version, token) -> build -> size-check (a failure stops here) -> push by digest,
 *   untagged -> smoke -> bench -> tags -> notes and assets -> GitHub Release (create or update).
 * Bad input fails before any work and before any GitHub call. A re-run updates the same release.
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import type { Config, Platform } from "../config/schema.js";
import { runBench } from "../bench/bench.js";
import { writeBenchOutputs } from "../bench/outputs.js";
import { evaluateTargets } from "../bench/targets.js";
import { benchmarkEntries } from "../bench/report.js";
import { releaseTags } from "../lib/git.js";
import { CheckFailure, UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { githubClient, githubToken } from "../github/client.js";
import { upsertRelease } from "../github/releases.js";
import type { RegistryClientOptions } from "../oci/registry.js";
import { parseSemver } from "../publish/tags.js";
import { collectChanges } from "../release/changes.js";
import { renderNotes, type BenchRow, type ImageRow, type SizeRow } from "../release/notes.js";
import { runSizeCheck } from "../size/check.js";
import { smoke, type SmokeResult } from "../stages/smoke.js";
import { runBuild, type BuildResult } from "./build.js";
import { planTags, publish, type PublishResult } from "./publish.js";
import type { EngineRequest } from "../stages/engine.js";

export interface ReleaseRequest {
  config: Config;
  tag: string;
  dryRun: boolean;
  /** Repository to push to; a dry run defaults to the local registry's kimigayo. */
  image: string;
  outDir: string;
  repoDir: string;
  log: Logger;
  engine?: EngineRequest;
  registry?: RegistryClientOptions;
  /** owner/name of the GitHub repository (GITHUB_REPOSITORY). */
  repository?: string;
  githubToken?: string;
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Runs the benchmark stage; returns rows for the notes. Absent: no benchmark section. */
  bench?: (build: BuildResult, images: PublishResult) => Promise<BenchRow[]>;
  /** Size baseline for the Δ column (e.g. "last-release"); absent: sizes without Δ. */
  sizeBaseline?: string;
  /** Measured runs per benchmark case; 0 skips the benchmark stage. */
  benchRuns?: number;
}

/**
 * The release's benchmark: the default variant on this host's platform against the floor, for
 * startup, boot to ready and memory (the figures with targets); BENCHMARK_REPORT.md beside the notes.
 */
async function releaseBench(req: ReleaseRequest, build: BuildResult, runs: number): Promise<BenchRow[]> {
  const platform = (process.arch === "arm64" ? "linux/arm64" : "linux/amd64") as Platform;
  const variant = req.config.variants.find((v) => v.default)!.name;
  const result = await runBench({
    build: { result: build, variants: [variant], platforms: [platform] },
    references: [],
    runs,
    cases: ["startup", "boot", "memory"],
    workDir: join(resolve(req.outDir), "bench"),
    registry: "127.0.0.1:5000",
    log: req.log,
  });
  await writeBenchOutputs(result, benchmarkEntries(result), { out: resolve(req.outDir), report: join(req.repoDir, "BENCHMARK_REPORT.md") });
  return result.groups.flatMap((g) =>
    evaluateTargets(g).map((t) => ({
      name: `${g.image.label}: ${t.figure}`,
      value: t.measured,
      target: t.target,
      ...(t.ok !== undefined ? { ok: t.ok } : {}),
    })),
  );
}

export interface ReleaseResult {
  tag: string;
  version: string;
  prerelease: boolean;
  dryRun: boolean;
  previous?: string;
  notes: string;
  assets: string[];
  images: PublishResult;
  smoke: SmokeResult[];
  release?: { id: number; url: string; action: string };
}

/** Checks that need no work: the tag's form, that it exists, the config version, and the token. */
export async function preflight(req: ReleaseRequest): Promise<{ token?: string; owner?: string; repo?: string }> {
  const v = parseSemver(req.tag.replace(/^v/, ""));
  if (!/^v/.test(req.tag) || !v)
    throw new UsageError(`--tag ${JSON.stringify(req.tag)} is not a release tag; expected vX.Y.Z or vX.Y.Z-pre (e.g. v2.1.0)`);
  planTags({ kind: "tag", ref: req.tag, existingTags: [] }, req.config);
  // collectChanges refuses a tag that is not in the repository (before anything is built);
  // a dry run previews an untagged HEAD instead.
  const { rev } = await collectChanges(req.repoDir, req.tag, { untaggedHead: req.dryRun });
  if (rev === "HEAD") req.log.warn(`tag ${req.tag} does not exist yet: the dry run previews HEAD as ${req.tag}`);
  if (req.dryRun) return {};
  const token = githubToken(req.githubToken, req.env ?? process.env);
  if (!token)
    throw new UsageError(
      "release needs a GitHub token to create the release: set GITHUB_TOKEN or the github-token input (or use --dry-run)",
    );
  const repository = req.repository ?? (req.env ?? process.env).GITHUB_REPOSITORY;
  const m = repository ? /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(repository) : null;
  if (!m)
    throw new UsageError(
      `release needs the GitHub repository as owner/name (--repo or GITHUB_REPOSITORY), got ${JSON.stringify(repository ?? "")}`,
    );
  return { token, owner: m[1]!, repo: m[2]! };
}

async function sha256File(path: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(path))
    .digest("hex");
}

export async function release(req: ReleaseRequest): Promise<ReleaseResult> {
  const { config: cfg, log } = req;
  const gh = await preflight(req);
  const outDir = resolve(req.outDir);

  const build = await runBuild({
    config: cfg,
    variants: cfg.variants,
    platforms: cfg.platforms,
    outDir,
    log,
    engine: req.engine ?? "auto",
    repoDir: req.repoDir,
  });

  const end = log.step("size-check");
  const size = await runSizeCheck({
    config: cfg,
    outDir,
    log,
    ...(req.sizeBaseline ? { baseline: req.sizeBaseline } : {}),
    ...(req.registry ? { registry: req.registry } : {}),
  });
  end();
  await writeFile(join(outDir, "size-report.json"), `${JSON.stringify(size.report, null, 2)}\n`);
  if (size.report.status === "fail") {
    throw new CheckFailure(
      `size-check failed, so nothing was published:\n${size.report.images.flatMap((i) => i.reasons.map((r) => `  ${i.variant} ${i.platform}: ${r}`)).join("\n")}`,
    );
  }

  const tags = planTags({ kind: "tag", ref: req.tag, existingTags: await releaseTags(req.repoDir) }, cfg);
  // Images first by digest and untagged; smoke and bench run against exactly what will be tagged.
  const untagged = await publish({
    build,
    config: cfg,
    image: req.image,
    tags: { ...tags, plans: [] },
    log,
    ...(req.registry ? { registry: req.registry } : {}),
  });
  const smokes: SmokeResult[] = [];
  for (const v of untagged.variants) for (const m of v.manifests) smokes.push(await smoke(`${req.image}@${m.digest}`, m.platform, log));
  const bench = req.bench
    ? await req.bench(build, untagged)
    : (req.benchRuns ?? 5) > 0
      ? await releaseBench(req, build, req.benchRuns ?? 5)
      : undefined;
  const images = await publish({ build, config: cfg, image: req.image, tags, log, ...(req.registry ? { registry: req.registry } : {}) });

  const { previous, changes } = await collectChanges(req.repoDir, req.tag, { untaggedHead: req.dryRun });
  const sizes: SizeRow[] = size.report.images.map((i) => ({
    variant: i.variant,
    platform: i.platform,
    size: i.uncompressed,
    compressed: i.compressed,
    ...(i.baseline?.uncompressed != null ? { previous: i.baseline.uncompressed } : {}),
  }));
  const imageRows: ImageRow[] = images.variants.map((v) => ({ variant: v.variant, image: req.image, index: v.index, tags: v.tags }));
  const env = req.env ?? process.env;
  const repoUrl = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}` : undefined;
  const notes = renderNotes({
    version: tags.version ?? cfg.version,
    tag: req.tag,
    ...(previous ? { previous } : {}),
    changes,
    ...(repoUrl ? { repoUrl } : {}),
    sizes,
    ...(bench ? { bench } : {}),
    images: imageRows,
  });

  const assetsDir = join(outDir, "release");
  await rm(assetsDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  const assets: string[] = [];
  for (const i of build.images) {
    for (const src of [i.rootfs.tar, ...(i.sbom ? [i.sbom] : [])]) {
      const dest = join(assetsDir, basename(src));
      await copyFile(src, dest);
      assets.push(dest);
    }
  }
  const sums = (await Promise.all(assets.map(async (a) => `${await sha256File(a)}  ${basename(a)}`))).join("\n");
  await writeFile(join(assetsDir, "SHA256SUMS"), `${sums}\n`);
  assets.push(join(assetsDir, "SHA256SUMS"));
  await writeFile(join(outDir, "RELEASE_NOTES.md"), notes);
  await writeFile(join(req.repoDir, "RELEASE_NOTES.md"), notes);
  log.info(`wrote RELEASE_NOTES.md and ${assets.length} asset(s) in ${assetsDir}`);

  const result: ReleaseResult = {
    tag: req.tag,
    version: tags.version ?? cfg.version,
    prerelease: tags.prerelease,
    dryRun: req.dryRun,
    ...(previous ? { previous } : {}),
    notes,
    assets,
    images,
    smoke: smokes,
  };
  if (req.dryRun) {
    log.info(`dry run: no GitHub Release; images are in ${req.image}`);
    return result;
  }
  const client = githubClient({ token: gh.token!, log, ...(req.apiUrl ? { apiUrl: req.apiUrl } : {}) });
  const r = await upsertRelease({
    client,
    owner: gh.owner!,
    repo: gh.repo!,
    tag: req.tag,
    name: `Kimigayo OS ${result.version}`,
    body: notes,
    prerelease: tags.prerelease,
    assets: assets.map((path) => ({
      name: basename(path),
      path,
      contentType: path.endsWith(".json") ? "application/spdx+json" : path.endsWith(".tar") ? "application/x-tar" : "text/plain",
    })),
  });
  log.info(`GitHub Release ${r.action}: ${r.url}`);
  return { ...result, release: { id: r.id, url: r.url, action: r.action } };
}
