/**
 * The bench stage's data: what was measured, on which images, and how. Plain JSON, so a later
 * run (the regression gate) or another tool can start from a saved result.
 */
import type { Summary } from "./stats.js";

export const CASES = ["startup", "boot", "memory", "commands", "pull"] as const;
export type CaseName = (typeof CASES)[number];
/** The cases the A/A twin (bench --aa) runs in, beside the image (src/bench/runner.ts). */
export const AA_CASES = ["startup", "boot"] as const satisfies readonly CaseName[];

export type Execution = "native" | "emulated (QEMU)";

/** One image taking part in a benchmark: the image under test or a reference. */
export interface Subject {
  /** "standard linux/amd64", "floor linux/amd64", or the label given with --image/--reference. */
  label: string;
  /** The local Docker image (tag or ID) that is run. */
  image: string;
  platform: string;
  role: "image" | "reference";
  /** "twin": the image under test once more, run beside it for the A/A noise floor (--aa). */
  kind: "kimigayo" | "floor" | "busybox-glibc" | "external" | "twin";
  /** argv of `docker run IMAGE <argv>` for the startup case: a program that exits at once. */
  trueCommand: string[];
  /** Whether it boots /sbin/init to the ready line (Kimigayo images, and external ones under test). */
  boots: boolean;
  /** Whether it has a shell and the text tools (the commands case). */
  shell: boolean;
  /** The OCI image layout it was built as (the pull case pushes it with the project's publish code). */
  layout?: { dir: string; ref: string; multiPlatform: boolean };
}

/** A figure of one subject: one value per run, in run order (null for a failed run). */
export interface Measure {
  subject: string;
  case: CaseName;
  /** "startup", "boot to ready, in container", "shutdown (docker stop)", "ls (docker exec)", ... */
  metric: string;
  unit: "ms" | "B";
  values: (number | null)[];
  summary: Summary;
  /** The clock's quantum in the unit: 0.001 ms for the host's and the rc's clocks (10 ms for the rc's /proc/uptime fallback), 1 B or a 4096 B page. */
  resolution?: number;
  /**
   * The A/A noise floor in percent (--aa): how far the best of this many runs (what the gate judges)
   * moves with no change at all, from the image run against itself, interleaved (the 95th percentile
   * over resamples of both runs pooled, and never less than the two best runs' own difference).
   */
  noise?: number;
  note?: string;
}

/** A figure of the image under test divided by the same figure of a reference, pair by pair. */
export interface Ratio {
  case?: CaseName;
  subject: string;
  metric: string;
  reference: string;
  referenceMetric: string;
  /** The image's figure the ratio is taken of, when `metric` names it otherwise ("… ÷ floor startup"). */
  subjectMetric?: string;
  summary: Summary;
  /** The A/A noise floor in percent (--aa): how far the median of the pair ratios moves, the twin's against the same reference runs. */
  noise?: number;
}

/** Memory samples of one run: what was in use at the ready line and the peak over the window. */
export interface MemoryRun {
  afterReady: number;
  peak: number;
  /** Milliseconds after the ready line at which the peak was sampled. */
  peakAtMs: number;
  samples: number;
  /** At the ready line: the processes' anonymous pages, and the kernel memory charged to the container. */
  rss: number;
  kernel: number;
  /** The cgroup's usage counter minus the cache at the ready line and its highest reading: with the pages charged ahead per CPU. */
  charged?: { afterReady: number; peak: number };
}

export interface BenchGroup {
  /** The image under test with its platform, e.g. "standard linux/amd64". */
  label: string;
  variant?: string;
  platform: string;
  execution: Execution;
  image: Subject;
  references: Subject[];
  measures: Measure[];
  ratios: Ratio[];
  memory?: { metric: string; windowMs: number; intervalMs: number; runs: MemoryRun[] };
  /** Why a case or a figure is missing, and anything else the reader should know. */
  notes: string[];
  /** Built-in references that could not be built for this platform, and why (never dropped silently). */
  referencesLeftOut?: { reference: string; reason: string }[];
}

export interface BenchResult {
  schema: "kimigayo-bench/1";
  started: string;
  seconds: number;
  /** The machine, with its load average (1, 5, 15 min) when the run started and ended: these are shared machines. */
  host: {
    cpus: number;
    kernel: string;
    arch: string;
    docker: string;
    cgroup: "v1" | "v2" | "unknown";
    load: { start: number[]; end: number[] };
  };
  runs: number;
  /** The images under test were also run against themselves (A/A) for each figure's noise floor. */
  aa?: boolean;
  cases: CaseName[];
  dataset?: { lines: number; textBytes: number; files: number };
  groups: BenchGroup[];
}

/** One entry of github-action-benchmark's customSmallerIsBetter format (read back through its schema). */
export type { BenchmarkEntry } from "../results/benchmark.js";
