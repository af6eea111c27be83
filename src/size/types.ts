/**
 * The size report: what `kimigayo size-check --json` prints and `--report FILE` writes, and what
 * a later size-check reads back as its baseline or history. Plain data; bumping SIZE_REPORT_SCHEMA
 * is the only way to change a field's meaning.
 */
import type { Budget, Platform } from "../config/schema.js";
import type { Attribution, Contributor } from "./attribution.js";

export const SIZE_REPORT_SCHEMA = 1;
export const SIZE_REPORT_KIND = "kimigayo-size-report";

/** One row of an image's byte breakdown; the rows of an image sum exactly to its uncompressed size. */
export interface BreakdownRow {
  /** "/bin/busybox", "applet links (29)", "directories (16)", "tar end marker". */
  name: string;
  kind: BreakdownKind;
  /** Tar entries in the row (0 for the end marker). */
  entries: number;
  /** Bytes in the layer tar: headers plus padded content. */
  bytes: number;
}

/** Files and symlinks are one row each; applet hard links and directories are one row per kind. */
type BreakdownKind = "file" | "symlink" | "applet-links" | "directories" | "tar-end";

/** A breakdown row with its change against a baseline report (base and delta are null without one). */
export interface TopFile extends BreakdownRow {
  /** Bytes in the baseline image (0 when the row is new there). */
  base: number | null;
  delta: number | null;
}

/** What one image measures. */
export interface ImageMeasure {
  variant: string;
  platform: Platform;
  /** Bytes of the rootfs layer tar. */
  uncompressed: number;
  /** Bytes of the registry layers (gzip). */
  compressed: number;
  /** "layer": the image layout's layer descriptors; "gzip": computed from the tar with the oci engine's gzip (no image was built). */
  compressedFrom: "layer" | "gzip";
  applets: number;
  breakdown: BreakdownRow[];
  /** Bytes of the rootfs tar compressed with zstd (level 3); null when it could not be computed (see notes). */
  zstd?: number | null;
  /** What pulling this platform's image downloads; null without an image layout. */
  pull?: PullEstimate | null;
  /** Where the bytes of /bin/busybox come from; null without the link map (see notes). */
  attribution?: Attribution | null;
  /** Facts from measuring (a missing link map, no zstd). */
  notes?: string[];
}

/**
 * Bytes a `docker pull` of one platform downloads: the index, the platform's manifest, its config
 * and its layers. `gzip` is the image as built; `zstd` the same image with a zstd layer (manifest
 * and config differ only in the layer's digest and size, so they are counted as they are).
 */
interface PullEstimate {
  index: number;
  manifest: number;
  config: number;
  /** The gzip layers as built. */
  layers: number;
  gzip: number;
  zstd: number | null;
}

/** The change of /bin/busybox against a report baseline, by attribution row. */
export interface AttributionDelta {
  /** The baseline's binary bytes. */
  base: number;
  /** This binary minus the baseline's. */
  delta: number;
  /** The rows that changed, largest change first (at most TOP_CONTRIBUTORS). */
  contributors: Contributor[];
  /** Rows that changed, in all. */
  changed: number;
}

/** A baseline's sizes for one image. uncompressed is null for an image baseline (a registry does not record it). */
export interface BaselineImage {
  variant: string;
  platform: Platform;
  uncompressed: number | null;
  compressed: number | null;
  applets: number | null;
  /** Only a report baseline has it; it gives the per-file Δ. */
  breakdown?: BreakdownRow[];
  /** Only a report baseline (with a link map) has it; it gives the per-option Δ. */
  attribution?: Pick<Attribution, "binary" | "rows">;
  /** The image it was read from: "registry/repo@sha256:…" (image baselines). */
  reference?: string;
  version?: string;
}

export interface Baseline {
  kind: "report" | "image";
  /** The file or the image reference as given (plus what "last-release" resolved to). */
  source: string;
  /** The release the baseline was built from, when known. */
  version?: string;
  images: BaselineImage[];
  notes: string[];
}

type GrowthMetric = "uncompressed" | "compressed";

export interface Delta {
  /** What growth is measured on: uncompressed with a report baseline, compressed with an image baseline. */
  metric: GrowthMetric;
  /** The baseline's bytes of `metric`. */
  base: number;
  /** Current minus base, in bytes of `metric`. */
  bytes: number;
  /** bytes / base * 100; null when base is 0. */
  percent: number | null;
  uncompressed: number | null;
  compressed: number | null;
  applets: number | null;
}

export type BudgetKind = "size" | "compressed" | "growth";

/** One budget of one image, evaluated. */
export interface BudgetCheck {
  budget: BudgetKind;
  /** The config field it came from: "variants.minimal.budget.size" or "variants.minimal.budget.platforms.linux/arm64.size". */
  field: string;
  /** The field's line in the config (when known). */
  line?: number;
  /** The allowed value, in `unit`. */
  limit: number;
  unit: "B" | "%";
  /** The measured value in `unit`: bytes (size, compressed, growth in bytes) or percent; null when not checked. */
  actual: number | null;
  /** null: not checked (no baseline for a growth budget). */
  ok: boolean | null;
  message: string;
}

/** Data for one GitHub annotation per failed budget (the action turns these into check annotations). */
export interface SizeAnnotation {
  /** The config file, relative to the working directory when inside it (GitHub wants repository paths). */
  file: string;
  line: number;
  column?: number;
  field: string;
  variant: string;
  platform: Platform;
  level: "error";
  title: string;
  message: string;
}

export interface ImageReport extends Omit<ImageMeasure, "zstd" | "pull" | "attribution" | "notes"> {
  zstd: number | null;
  pull: PullEstimate | null;
  attribution: Attribution | null;
  /** Against a report baseline with an attribution: which options and shared code the binary's change comes from. */
  attributionDelta: AttributionDelta | null;
  budget: Budget;
  baseline: Omit<BaselineImage, "variant" | "platform" | "breakdown"> | null;
  delta: Delta | null;
  checks: BudgetCheck[];
  status: "pass" | "fail";
  /** Why the image failed: one line per failed budget. */
  reasons: string[];
  /** Budgets that were not checked, and why; facts worth knowing. */
  notes: string[];
  /** The largest rows of the breakdown (10), with their Δ against a report baseline. */
  topFiles: TopFile[];
}

export interface SizeReport {
  schemaVersion: typeof SIZE_REPORT_SCHEMA;
  kind: typeof SIZE_REPORT_KIND;
  /** The release version of the build (config version). */
  version: string;
  busybox: string;
  config: string;
  build: string;
  baseline: (Omit<Baseline, "images"> & { metric: GrowthMetric }) | null;
  status: "pass" | "fail";
  images: ImageReport[];
  annotations: SizeAnnotation[];
  notes: string[];
}

/** An earlier report, for the chart of size across releases. */
export interface HistoryEntry {
  source: string;
  version: string;
  images: { variant: string; platform: Platform; uncompressed: number; compressed: number | null }[];
}
