/**
 * Writes a benchmark result's files: the report (BENCHMARK_REPORT.md), <out>/bench/benchmark.json
 * (github-action-benchmark), <out>/bench-summary.md (job summary) and <out>/bench/result.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeBenchmarkEntries } from "../results/benchmark.js";
import type { GateResult } from "./gate.js";
import { renderReport, renderSummary } from "./report.js";
import type { BenchmarkEntry, BenchResult } from "./types.js";

export interface BenchFiles {
  report: string;
  benchmark: string;
  summary: string;
  result: string;
}

export async function writeBenchOutputs(
  result: BenchResult,
  entries: BenchmarkEntry[],
  where: { out: string; report: string },
  gateResult?: GateResult,
): Promise<{ files: BenchFiles; summary: string }> {
  // The job summary sits beside size-report.md; the action takes its text from the result.
  const benchDir = join(where.out, "bench");
  const files: BenchFiles = {
    report: where.report,
    benchmark: join(benchDir, "benchmark.json"),
    summary: join(where.out, "bench-summary.md"),
    result: join(benchDir, "result.json"),
  };
  await mkdir(benchDir, { recursive: true });
  await mkdir(dirname(where.report), { recursive: true });
  await writeFile(files.report, renderReport(result, gateResult));
  await writeBenchmarkEntries(files.benchmark, entries);
  const summary = renderSummary(result, gateResult);
  await writeFile(files.summary, summary);
  await writeFile(files.result, `${JSON.stringify(result, null, 2)}\n`);
  return { files, summary };
}
