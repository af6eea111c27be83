/**
 * What the build's stages share: the request, and each stage's result as it arrives. Every
 * result that outlives the build is plain data; build.json saves it (stages/build/build-json.ts),
 * so a later job can start from it.
 */
import { MAX_EPOCH, type Config, type Platform, type VariantConfig } from "../../config/schema.js";
import { UsageError } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import type { BuildResult, ImageBuild, LayoutBuild } from "../../results/build.js";
import type { BusyboxBuild, SourceTree } from "../../build/busybox.js";
import type { EngineRequest, ResolvedEngine } from "../../build/engine.js";
import type { ToolchainRoute } from "../../toolchain/route.js";

export interface BuildRequest {
  config: Config;
  variants: VariantConfig[];
  platforms: Platform[];
  outDir: string;
  log: Logger;
  cacheDir?: string;
  /** Parallel builds; each gets cores / parallel make jobs. Default: one per platform, up to the core count. */
  parallel?: number;
  /** The image engine; "none" stops after the rootfs stage. Default "auto". */
  engine?: EngineRequest | "none";
  /** Where the repository is (for the revision and source annotations); default the cwd. */
  repoDir?: string;
  /** The environment (SOURCE_DATE_EPOCH, GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_REPOSITORY); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The toolchain route, when the caller chose it already (rebuild); default: from env and the cache. */
  toolchainRoute?: ToolchainRoute;
}

export interface BuildContext {
  config: Config;
  variants: VariantConfig[];
  platforms: Platform[];
  /** Absolute. */
  outDir: string;
  log: Logger;
  cacheDir?: string;
  engineRequest: EngineRequest | "none";
  repoDir: string;
  env: NodeJS.ProcessEnv;
  toolchainRoute?: ToolchainRoute;
  /** SOURCE_DATE_EPOCH of every file and image. */
  epoch: number;
  /** Builds at a time, and make jobs for each. */
  parallel: number;
  jobs: number;
  /** Every variant on every platform, in build order; the images below follow it. */
  work: { variant: VariantConfig; platform: Platform }[];
  /** When the build started (Date.now()), for its total time. */
  startedAt: number;

  // Filled in by the stages, in order.
  /** The verified tarball as build.json records it; the extracted tree only in the job that made it. */
  source?: { busybox: BuildResult["busybox"]; tree?: SourceTree; seconds: number };
  binaries?: { build: BusyboxBuild; seconds: number }[];
  images?: ImageBuild[];
  engine?: ResolvedEngine;
  layouts?: LayoutBuild[];
  /** The whole saved result, as written to <out>/build.json. */
  build?: BuildResult;
}

/**
 * The epoch of the build: SOURCE_DATE_EPOCH when set, else the config's. A malformed value is an
 * error, never silently replaced (the reproducible-builds specification asks for that); commands
 * refuse it before any work (checkEnvironment), this guards every other caller.
 */
export function effectiveEpoch(cfg: Config, env: NodeJS.ProcessEnv = process.env): number {
  const value = env.SOURCE_DATE_EPOCH;
  if (value === undefined || value === "") return cfg.sourceDateEpoch;
  if (!/^\d+$/.test(value) || Number(value) > MAX_EPOCH)
    throw new UsageError(
      `SOURCE_DATE_EPOCH=${JSON.stringify(value)} is not a timestamp: expected a whole number of seconds since 1970, from 0 to ${MAX_EPOCH}`,
    );
  return Number(value);
}

export function buildContext(req: BuildRequest, cores: number): BuildContext {
  const env = req.env ?? process.env;
  const parallel = Math.max(1, Math.min(req.parallel ?? Math.min(req.platforms.length, cores), cores));
  return {
    config: req.config,
    variants: req.variants,
    platforms: req.platforms,
    outDir: req.outDir,
    log: req.log,
    ...(req.cacheDir ? { cacheDir: req.cacheDir } : {}),
    engineRequest: req.engine ?? "auto",
    repoDir: req.repoDir ?? process.cwd(),
    env,
    ...(req.toolchainRoute ? { toolchainRoute: req.toolchainRoute } : {}),
    epoch: effectiveEpoch(req.config, env),
    parallel,
    jobs: Math.max(1, Math.floor(cores / parallel)),
    work: req.variants.flatMap((variant) => req.platforms.map((platform) => ({ variant, platform }))),
    startedAt: Date.now(),
  };
}

/** The result a stage needs from an earlier one; a missing one is a bug in the stage lists. */
export function need<T>(value: T | undefined, what: string, stage: string): T {
  if (value === undefined) throw new Error(`stage ${stage} needs ${what}, which no earlier stage produced`);
  return value;
}
