/**
 * Measurements + config budgets + baseline -> the size report (pure): per image its budget,
 * baseline, Δ, checks, status with reasons, top files with their Δ, and one annotation per
 * failed budget pointing at the budget's line in the config.
 */
import { isAbsolute, relative } from "node:path";
import { budgetFor, type Config } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import { contributors, type Attribution } from "./attribution.js";
import { budgetField, computeDelta, evaluateBudget } from "./budget.js";
import { rowKey } from "./measure.js";
import {
  SIZE_REPORT_KIND,
  SIZE_REPORT_SCHEMA,
  type AttributionDelta,
  type Baseline,
  type BreakdownRow,
  type ImageMeasure,
  type ImageReport,
  type SizeAnnotation,
  type SizeReport,
  type TopFile,
} from "./types.js";

const TOP_FILES = 10;
/** Attribution rows shown for a change. */
const TOP_CONTRIBUTORS = 10;

/** The binary's change by attribution row, when both sides have an attribution. */
function attributionDelta(
  current: Attribution | null | undefined,
  base: Pick<Attribution, "binary" | "rows"> | undefined,
  n = TOP_CONTRIBUTORS,
): AttributionDelta | null {
  if (!current || !base) return null;
  const all = contributors(current, base);
  return { base: base.binary, delta: current.binary - base.binary, contributors: all.slice(0, n), changed: all.length };
}

/** The largest rows, with their Δ against the baseline's breakdown when there is one. */
export function topFiles(rows: readonly BreakdownRow[], base: readonly BreakdownRow[] | undefined, n = TOP_FILES): TopFile[] {
  const before = base ? new Map(base.map((r) => [rowKey(r), r.bytes])) : undefined;
  return [...rows]
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, n)
    .map((r) => {
      if (!before) return { ...r, base: null, delta: null };
      const b = before.get(rowKey(r)) ?? 0;
      return { ...r, base: b, delta: r.bytes - b };
    });
}

/** A path for annotations: relative to `cwd` when inside it (GitHub wants repository paths). */
export function annotationPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

export interface ReportInput {
  config: Config;
  /** build.json's facts. */
  build: { file: string; version: string; busybox: string; config: string };
  measures: readonly ImageMeasure[];
  baseline?: Baseline;
  /** Report-wide notes (e.g. "last-release: no release yet"). */
  notes?: readonly string[];
  /** For annotation paths; default process.cwd(). */
  cwd?: string;
}

export function makeReport(input: ReportInput): SizeReport {
  const { config, baseline } = input;
  const cwd = input.cwd ?? process.cwd();
  const annotations: SizeAnnotation[] = [];
  const images = input.measures.map((m): ImageReport => {
    const v = config.variants.find((x) => x.name === m.variant);
    if (!v) {
      throw new UsageError(
        `${input.build.file}: variant ${JSON.stringify(m.variant)} is not in ${config.file} (variants: ${config.variants.map((x) => x.name).join(", ")}); ` +
          `the build used ${input.build.config}: pass that --config, or build again`,
      );
    }
    const budget = budgetFor(v, m.platform);
    const b = baseline?.images.find((i) => i.variant === m.variant && i.platform === m.platform);
    const delta = computeDelta(m, b);
    const checks = evaluateBudget({
      budget,
      measure: m,
      delta,
      where: (kind) => {
        const field = budgetField(v, m.platform, kind);
        const line = config.locations[field]?.line;
        return { field, ...(line !== undefined ? { line } : {}) };
      },
      ...(baseline && !b ? { noBaseline: `the baseline (${baseline.source}) has no ${m.variant} ${m.platform} image` } : {}),
    });
    const failed = checks.filter((c) => c.ok === false);
    const notes = [...(m.notes ?? []), ...checks.filter((c) => c.ok === null).map((c) => c.message)];
    if (checks.length === 0) notes.push(`no budget configured (variants.${v.name}.budget)`);
    if (m.compressedFrom === "gzip")
      notes.push("compressed size computed from the rootfs tar with the oci engine's gzip: the build made no image layout");
    for (const c of failed) {
      annotations.push({
        file: annotationPath(config.file, cwd),
        line: c.line ?? config.locations[`variants.${v.name}`]?.line ?? 1,
        ...(config.locations[c.field]?.column !== undefined ? { column: config.locations[c.field]!.column } : {}),
        field: c.field,
        variant: m.variant,
        platform: m.platform,
        level: "error",
        title: `size budget exceeded: ${m.variant} ${m.platform}`,
        message: `${m.variant} ${m.platform}: ${c.message} (${c.field})`,
      });
    }
    if (b && m.attribution && !b.attribution && baseline?.kind === "report")
      notes.push("the baseline report has no attribution for this image: the change is not broken down by option");
    const { breakdown, zstd, pull, attribution, notes: _measureNotes, ...sizes } = m;
    return {
      ...sizes,
      zstd: zstd ?? null,
      pull: pull ?? null,
      attribution: attribution ?? null,
      attributionDelta: attributionDelta(attribution, b?.attribution),
      budget,
      baseline: b
        ? {
            uncompressed: b.uncompressed,
            compressed: b.compressed,
            applets: b.applets,
            ...(b.reference ? { reference: b.reference } : {}),
            ...(b.version ? { version: b.version } : {}),
          }
        : null,
      delta,
      checks,
      status: failed.length > 0 ? "fail" : "pass",
      reasons: failed.map((c) => c.message),
      notes,
      topFiles: topFiles(breakdown, b?.breakdown),
      breakdown,
    };
  });
  return {
    schemaVersion: SIZE_REPORT_SCHEMA,
    kind: SIZE_REPORT_KIND,
    version: input.build.version,
    busybox: input.build.busybox,
    config: config.file,
    build: input.build.file,
    baseline: baseline
      ? {
          kind: baseline.kind,
          source: baseline.source,
          ...(baseline.version ? { version: baseline.version } : {}),
          metric: baseline.kind === "report" ? "uncompressed" : "compressed",
          notes: baseline.notes,
        }
      : null,
    status: images.some((i) => i.status === "fail") ? "fail" : "pass",
    images,
    annotations,
    notes: [...(input.notes ?? [])],
  };
}
