/**
 * What the release's stages share: the build's context, the release request, and each release
 * stage's result as it arrives.
 */
import type { Config } from "../../config/schema.js";
import type { Logger } from "../../lib/log.js";
import type { RegistryClientOptions } from "../../oci/registry.js";
import type { PublishResult } from "../../publish/publish.js";
import type { TagResult } from "../../publish/tags.js";
import type { BuildResult } from "../../results/build.js";
import type { BenchRow } from "../../release/notes.js";
import type { SizeCheckResult } from "../../size/check.js";
import type { BuildContext } from "../build/context.js";
import type { EngineRequest } from "../../build/engine.js";
import type { SmokeResult } from "../../build/smoke.js";

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
  /** Runs the benchmark stage; returns rows for the notes. Absent: the release's own short benchmark. */
  bench?: (build: BuildResult, images: PublishResult) => Promise<BenchRow[]>;
  /** Size baseline for the Δ column (e.g. "last-release"); absent: sizes without Δ. */
  sizeBaseline?: string;
  /** Measured runs per benchmark case; 0 skips the benchmark stage. */
  benchRuns?: number;
  /**
   * A folder with the platform jobs' build.json, rootfs tars and SBOMs and the merge job's
   * published.json: the release starts from them and builds and pushes nothing.
   */
  fromPublished?: string;
  /** Called after each step of the GitHub Release ("draft", "asset NAME", "verified", "published"); tests crash there. */
  onReleaseStep?: (step: string) => void | Promise<void>;
}

export interface ReleaseContext extends BuildContext {
  release: ReleaseRequest;

  // Filled in by the release's stages, in order.
  /** Where the GitHub Release goes (absent in a dry run). */
  github?: { token: string; owner: string; repo: string };
  tags?: TagResult;
  size?: SizeCheckResult;
  /** The images pushed by digest, untagged: what smoke and bench run and tag then names. */
  untagged?: PublishResult;
  smoke: SmokeResult[];
  bench?: BenchRow[];
  /** The same images with their tags. */
  published?: PublishResult;
  notes?: { text: string; previous?: string };
  assets: string[];
  githubRelease?: { id: number; url: string; action: string };
}
