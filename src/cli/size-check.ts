import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { formatBytes, formatKB } from "../config/units.js";
import { readSizeReport } from "../size/baseline.js";
import { runSizeCheck } from "../size/check.js";
import { formatBudget, formatDelta, formatDeltaBytes } from "../size/format.js";
import type { Contributor } from "../size/attribution.js";
import type { ImageReport, SizeReport } from "../size/types.js";
import { commonOptions, imageFlag, outputFile, parseCommandArgs, str } from "./args.js";
import type { Command, CommandContext, CommandOptions } from "./command.js";
import { table } from "./table.js";

const USAGE = `usage: kimigayo size-check [--baseline FILE|IMAGE|last-release] [--image REPO] [--out DIR] [--report FILE]
                           [--markdown FILE] [--history FILE]... [--warn-only] [--config FILE] [--json]

Measures every image of the last \`kimigayo build\` (<out>/build.json): uncompressed (layer tar),
compressed (gzip layer, and zstd level 3 of the same tar) and pull bytes (index + manifest + config +
layer), applets, a per-file breakdown and where /bin/busybox's bytes come from (per CONFIG_ option
and shared code, from the link map); checks each against its budget in the config (size,
compressed, growth; per-platform overrides apply). Exit 1 when any image is over. With a report
baseline, the change of /bin/busybox is broken down by option (top contributors).
  --baseline  what growth is measured against:
                FILE          a report written by an earlier size-check (--report or --json)
                IMAGE         a published image, e.g. 127.0.0.1:5000/kimigayo:2.1.0 (each variant's
                              <tag>-<variant>; compressed sizes only: a registry has no uncompressed size)
                last-release  the highest X.Y.Z tag of the image (--image, else the config's)
  --image     the published repository for last-release (default: image: in the config)
  --out       the build's output folder (default: out)
  --report    also write the JSON report to FILE (a later --baseline or --history)
  --markdown  write the GitHub markdown (PR comment / job summary) to FILE
  --history   an earlier report, for the chart of size across releases (repeat, or comma-separate)
  --warn-only report images over budget as warnings and exit 0 (a PR check that informs, not blocks)
  --json      the report as JSON on stdout`;

/** "CONFIG_HTTPD +12,345 B". */
function formatContributor(c: Contributor): string {
  return `${c.name} ${formatDeltaBytes(c.delta)}`;
}

function statusMark(i: ImageReport): string {
  return i.status === "pass" ? "✅" : "❌";
}

/** The terminal table and, for each failed image, its reasons and largest files. */
export function formatSizeCheck(r: SizeReport): string {
  const rows = r.images.map((i) => [
    i.variant,
    i.platform,
    formatKB(i.uncompressed),
    formatKB(i.compressed),
    i.zstd === null ? "—" : formatKB(i.zstd),
    i.pull === null ? "—" : formatKB(i.pull.gzip),
    String(i.applets),
    !i.delta ? "—" : i.delta.metric === "uncompressed" ? formatKB(i.delta.base) : `gzip ${formatKB(i.delta.base)}`,
    !i.delta ? "—" : i.delta.metric === "uncompressed" ? formatDelta(i.delta) : `gzip ${formatDelta(i.delta)}`,
    formatBudget(i.budget),
    statusMark(i),
  ]);
  const lines = [
    table(["variant", "platform", "size", "gzip", "zstd", "pull", "applets", "base", "Δ", "budget", "status"], rows, [2, 3, 4, 5, 6, 7, 8]),
  ];
  if (r.images.some((i) => i.pull !== null))
    lines.push("pull: bytes a pull of one platform downloads (index, manifest, config, gzip layer)");
  for (const i of r.images) {
    const d = i.attributionDelta;
    if (!d || (d.delta === 0 && d.contributors.length === 0)) continue;
    lines.push(
      `top contributors to /bin/busybox ${formatDeltaBytes(d.delta)} (${i.variant} ${i.platform}): ${d.contributors.slice(0, 5).map(formatContributor).join(", ")}`,
    );
  }
  if (r.baseline) lines.push(`baseline: ${r.baseline.kind} ${r.baseline.source}${r.baseline.version ? ` (${r.baseline.version})` : ""}`);
  for (const n of [...r.notes, ...(r.baseline?.notes ?? [])]) lines.push(`note: ${n}`);
  for (const i of r.images) {
    for (const n of i.notes) lines.push(`note: ${i.variant} ${i.platform}: ${n}`);
    if (i.status === "pass") continue;
    lines.push("", `${statusMark(i)} ${i.variant} ${i.platform}:`, ...i.reasons.map((x) => `  ${x}`), "  largest:");
    for (const f of i.topFiles.slice(0, 5)) {
      lines.push(
        `    ${formatBytes(f.bytes).padStart(11)}  ${f.name}${f.delta !== null && f.delta !== 0 ? `  (${formatDeltaBytes(f.delta)})` : ""}`,
      );
    }
  }
  const failed = r.images.filter((i) => i.status === "fail").length;
  lines.push(
    "",
    failed === 0 ? `✅ all ${r.images.length} image(s) within budget` : `❌ ${failed} of ${r.images.length} image(s) over budget`,
  );
  return lines.join("\n");
}

async function write(file: string, text: string): Promise<string> {
  const abs = resolve(file);
  await mkdir(dirname(abs), { recursive: true });
  await writeFile(abs, text);
  return abs;
}

export interface SizeCheckOptions extends CommandOptions {
  baseline?: string;
  image?: string;
  warnOnly: boolean;
  out: string;
  report?: string;
  markdown?: string;
  history: string[];
}

export function parseSizeCheckOptions(argv: string[]): SizeCheckOptions {
  const o = parseCommandArgs(
    "size-check",
    argv,
    {
      baseline: { type: "string" },
      image: { type: "string" },
      "warn-only": { type: "boolean" },
      out: { type: "string" },
      report: { type: "string" },
      markdown: { type: "string" },
      history: { type: "string", multiple: true },
    },
    USAGE,
  );
  const history = ((o.history as string[] | undefined) ?? []).flatMap((h) => h.split(",")).filter((h) => h.trim() !== "");
  return {
    ...commonOptions(o),
    ...(str(o.baseline) !== undefined ? { baseline: str(o.baseline)! } : {}),
    ...(o.image !== undefined ? { image: imageFlag(o.image)! } : {}),
    warnOnly: o["warn-only"] === true,
    out: str(o.out) ?? "out",
    ...(str(o.report) ? { report: outputFile("--report", str(o.report)!) } : {}),
    ...(str(o.markdown) ? { markdown: outputFile("--markdown", str(o.markdown)!) } : {}),
    history,
  };
}

export interface SizeCheckCommandResult {
  report: SizeReport;
  /** --warn-only: over-budget images are warnings and the check passes. */
  warnOnly: boolean;
  markdown: string;
  /** The files written for --report and --markdown (absolute). */
  files: { report?: string; markdown?: string };
}

/** "size-check: N of M image(s) over budget: …", or undefined when every image is within budget. */
function overBudget(report: SizeReport): string | undefined {
  const failed = report.images.filter((i) => i.status === "fail");
  if (failed.length === 0) return undefined;
  return `size-check: ${failed.length} of ${report.images.length} image(s) over budget: ${failed.map((i) => `${i.variant} ${i.platform}`).join(", ")}`;
}

/** `kimigayo size-check`: measures the last build against its budgets; writes --report and --markdown. */
async function sizeCheck(ctx: CommandContext, o: SizeCheckOptions): Promise<SizeCheckCommandResult> {
  const loaded = await ctx.config(o.config);
  const cfg = o.image ? { ...loaded, image: o.image } : loaded;
  // A baseline file is read first: a bad one is named before anything is measured or fetched.
  if (o.baseline !== undefined && existsSync(o.baseline)) await readSizeReport(o.baseline, "baseline report");
  const { report, markdown } = await runSizeCheck({
    config: cfg,
    outDir: o.out,
    ...(o.baseline !== undefined ? { baseline: o.baseline } : {}),
    history: o.history,
    log: ctx.log,
    ...(ctx.credentials.registry ? { registry: { explicit: ctx.credentials.registry } } : {}),
  });
  ctx.log.info(`\n${formatSizeCheck(report)}`);
  for (const a of report.annotations) {
    if (o.warnOnly) ctx.log.warn(a.message, { file: a.file, line: a.line });
    else ctx.log.error(a.message, { file: a.file, line: a.line });
  }
  const over = overBudget(report);
  if (o.warnOnly && over) ctx.log.warn(`${over} (--warn-only: the check passes)`);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const files: SizeCheckCommandResult["files"] = {};
  if (o.report) {
    files.report = await write(o.report, json);
    ctx.log.info(`wrote the report to ${files.report}`);
  }
  if (o.markdown) {
    files.markdown = await write(o.markdown, markdown);
    ctx.log.info(`wrote the markdown to ${files.markdown}`);
  }
  return { report, warnOnly: o.warnOnly, markdown, files };
}

export const sizeCheckCommand: Command<SizeCheckOptions, SizeCheckCommandResult> = {
  name: "size-check",
  summary: "measure the built images and check them against their size budgets (and a baseline)",
  usage: USAGE,
  parse: parseSizeCheckOptions,
  run: sizeCheck,
  json: (r) => r.report,
  failure: (r) => (r.warnOnly ? undefined : overBudget(r.report)),
};
