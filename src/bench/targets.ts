/**
 * The product's claims about the standard image, checked against a run. They hold for a native
 * run only: under QEMU every figure measures the emulator too.
 */
import { BOOT_METRICS, MEMORY_METRICS } from "./runner.js";
import type { BenchGroup, Measure, Ratio } from "./types.js";

export const MIB = 1024 * 1024;
/** A rise above the memory at the ready line bigger than this, during the window, is a spike. */
export const SPIKE_BYTES = 64 * 1024;

export interface TargetRow {
  figure: string;
  measured: string;
  target: string;
  /** undefined: not measured, or not applicable (emulated). */
  ok: boolean | undefined;
}

const measure = (g: BenchGroup, metric: string): Measure | undefined =>
  g.measures.find((m) => m.subject === g.image.label && m.metric === metric);
const ratio = (g: BenchGroup, metric: string, kind: string): Ratio | undefined =>
  g.ratios.find(
    (r) => r.subject === g.image.label && r.metric === metric && g.references.find((s) => s.label === r.reference)?.kind === kind,
  );

/** The product's boot target for standard, in container, with the rc's microsecond clock. */
const BOOT_TARGET_MS = 5;

/** Milliseconds to the clock's resolution: 3.412 with the µs clock, 10 with /proc/uptime's ticks. */
const fmtMs = (v: number) => String(Number(v.toFixed(3)));

export function kib(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString("en-US")} KiB`;
}

export function evaluateTargets(g: BenchGroup): TargetRow[] {
  const native = g.execution === "native";
  const check = (
    figure: string,
    target: string,
    value: number | undefined,
    shown: (v: number) => string,
    pass: (v: number) => boolean,
  ): TargetRow => ({
    figure,
    measured: value === undefined ? "not measured" : shown(value),
    target,
    ok: value === undefined || !native ? undefined : pass(value),
  });
  const rows: TargetRow[] = [];
  const inside = measure(g, BOOT_METRICS.inContainer);
  rows.push(
    check(
      "boot to ready, in container (median)",
      `≤ ${BOOT_TARGET_MS} ms`,
      inside?.summary.median,
      (v) =>
        `${fmtMs(v)} ms (p95 ${fmtMs(inside!.summary.p95)} ms, max ${fmtMs(inside!.summary.max)} ms; resolution ${fmtMs(inside!.resolution ?? 10)} ms)`,
      (v) => v <= BOOT_TARGET_MS,
    ),
  );
  const wall = ratio(g, `${BOOT_METRICS.wall} ÷ floor startup`, "floor");
  const wallMs = measure(g, BOOT_METRICS.wall);
  rows.push(
    check(
      "boot: docker run to ready line ÷ floor's docker run --rm … true (median of pair ratios)",
      "≤ 1.05",
      wall?.summary.median,
      (v) => `${v.toFixed(3)} (${wallMs ? `${wallMs.summary.median.toFixed(0)} ms` : "?"}; p95 ratio ${wall!.summary.p95.toFixed(3)})`,
      (v) => v <= 1.05,
    ),
  );
  const startup = ratio(g, "startup", "floor");
  rows.push(
    check(
      "startup ÷ floor (median of pair ratios)",
      "≤ 1.02",
      startup?.summary.median,
      (v) => `${v.toFixed(3)} (p95 ${startup!.summary.p95.toFixed(3)})`,
      (v) => v <= 1.02,
    ),
  );
  const runs = g.memory?.runs ?? [];
  const after = runs.length > 0 ? Math.max(...runs.map((r) => r.afterReady)) : undefined;
  const median = measure(g, MEMORY_METRICS.afterReady)?.summary.median;
  rows.push(
    check(
      `memory after ready (highest of ${runs.length} runs)`,
      "≤ 1 MiB",
      after,
      (v) => `${kib(v)}${median !== undefined ? ` (median ${kib(median)})` : ""}`,
      (v) => v <= MIB,
    ),
  );
  const worstRise = runs.length > 0 ? Math.max(...runs.map((r) => r.peak - r.afterReady)) : undefined;
  const peak = runs.length > 0 ? Math.max(...runs.map((r) => r.peak)) : undefined;
  rows.push(
    check(
      `memory peak over ${(g.memory?.windowMs ?? 10_000) / 1000} s (highest of ${runs.length} runs), no spike`,
      `≤ 1 MiB, rise ≤ ${kib(SPIKE_BYTES)}`,
      peak,
      (v) => `${kib(v)} (largest rise ${kib(Math.max(0, worstRise ?? 0))})`,
      (v) => v <= MIB && (worstRise ?? 0) <= SPIKE_BYTES,
    ),
  );
  const stop = measure(g, BOOT_METRICS.stop);
  rows.push(
    check(
      "docker stop (median)",
      "< 1 s",
      stop?.summary.median,
      (v) => `${v.toFixed(0)} ms (max ${stop!.summary.max.toFixed(0)} ms)`,
      (v) => v < 1000,
    ),
  );
  return rows;
}

/** Targets bind the standard variant (or an image labelled standard), natively. */
export function bindsTargets(g: BenchGroup): boolean {
  return g.execution === "native" && (g.variant ?? g.label.split(" ")[0]) === "standard";
}
