import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { githubClient } from "../github/client.js";
import { upsertStickyComment } from "../github/comments.js";
import { readGitHubEvent } from "../results/github-event.js";
import { writeSizeReport } from "../results/size-report.js";
import { readSizeReport } from "../size/baseline.js";
import { runSizeCheck } from "../size/check.js";
import { formatBytes, formatBudget, formatDelta, formatDeltaBytes } from "../size/format.js";
import { SIZE_CHECK_MARKER } from "../size/markdown.js";
import type { Contributor } from "../size/attribution.js";
import type { ImageReport, SizeReport } from "../size/types.js";
import { commonOptions, imageFlag, outputFile, parseCommandArgs, str } from "./args.js";
import type { ActionReport, Command, CommandContext, CommandOptions } from "./command.js";
import { table } from "./table.js";

const USAGE = `usage: kimigayo size-check [--baseline FILE|IMAGE|last-release|last-release-report] [--image REPO] [--out DIR] [--report FILE]
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
                last-release-report  the size-report.json asset of the repository's latest GitHub
                              Release (GITHUB_REPOSITORY, GITHUB_TOKEN): uncompressed bytes and the
                              change per CONFIG_ option, in every PR comment
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
    formatBytes(i.uncompressed),
    formatBytes(i.compressed),
    i.zstd === null ? "—" : formatBytes(i.zstd),
    i.pull === null ? "—" : formatBytes(i.pull.gzip),
    String(i.applets),
    !i.delta ? "—" : i.delta.metric === "uncompressed" ? formatBytes(i.delta.base) : `gzip ${formatBytes(i.delta.base)}`,
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
    github: {
      ...(process.env.GITHUB_REPOSITORY ? { repository: process.env.GITHUB_REPOSITORY } : {}),
      ...((ctx.credentials.githubToken ?? process.env.GITHUB_TOKEN)
        ? { token: ctx.credentials.githubToken ?? process.env.GITHUB_TOKEN }
        : {}),
      ...(process.env.GITHUB_API_URL ? { apiUrl: process.env.GITHUB_API_URL } : {}),
    },
  });
  ctx.log.info(`\n${formatSizeCheck(report)}`);
  for (const a of report.annotations) {
    if (o.warnOnly) ctx.log.warn(a.message, { file: a.file, line: a.line });
    else ctx.log.error(a.message, { file: a.file, line: a.line });
  }
  const over = overBudget(report);
  if (o.warnOnly && over) ctx.log.warn(`${over} (--warn-only: the check passes)`);
  const files: SizeCheckCommandResult["files"] = {};
  if (o.report) {
    files.report = await writeSizeReport(resolve(o.report), report);
    ctx.log.info(`wrote the report to ${files.report}`);
  }
  if (o.markdown) {
    files.markdown = await write(o.markdown, markdown);
    ctx.log.info(`wrote the markdown to ${files.markdown}`);
  }
  return { report, warnOnly: o.warnOnly, markdown, files };
}

/**
 * On a pull request with a token, the size report becomes one sticky comment (found by its
 * hidden marker, updated on every push). A fork's PR has no token: the report still goes to the
 * job summary and the check still passes or fails; the comment is left to the workflow_run
 * workflow (.github/workflows/pr-size-comment.yml).
 */
async function commentOnPullRequest(ctx: CommandContext, markdown: string): Promise<void> {
  const event = ctx.env.GITHUB_EVENT_NAME;
  if (event !== "pull_request" && event !== "pull_request_target") return;
  const token = ctx.credentials.githubTokenInput ? ctx.credentials.githubToken : undefined;
  if (!token) {
    ctx.log.info(
      "no github-token input: the size report is in the job summary, no comment (a GITHUB_TOKEN in the environment only reads the baseline; a fork's PR gets its comment from pr-size-comment.yml)",
    );
    return;
  }
  const number = (await readGitHubEvent(ctx.env.GITHUB_EVENT_PATH)).pull_request?.number;
  const [owner, repo] = (ctx.env.GITHUB_REPOSITORY ?? "").split("/");
  if (!number || !owner || !repo) {
    ctx.log.warn("size-check: cannot tell the pull request (GITHUB_EVENT_PATH, GITHUB_REPOSITORY); no comment posted");
    return;
  }
  try {
    const client = githubClient({ token, log: ctx.log, purpose: "the size comment" });
    const r = await upsertStickyComment({ client, owner, repo, issueNumber: number, marker: SIZE_CHECK_MARKER, body: markdown });
    ctx.log.info(`size report comment ${r.action}: ${r.url}`);
  } catch (e) {
    // A read-only token (a fork's PR) cannot comment; the check's result does not depend on it.
    ctx.log.warn(`size-check: could not post the PR comment: ${(e as Error).message}`);
  }
}

/** The action's part of a size check: the PR comment, the report's files, and the markdown as the job summary. */
export async function sizeCheckAction(r: SizeCheckCommandResult, o: SizeCheckOptions, ctx: CommandContext): Promise<ActionReport> {
  if (r.markdown) await commentOnPullRequest(ctx, r.markdown);
  return {
    outputs: { ...(o.report ? { report: o.report } : {}), ...(o.markdown ? { markdown: o.markdown } : {}) },
    summary: [r.markdown],
  };
}

export const sizeCheckCommand: Command<SizeCheckOptions, SizeCheckCommandResult> = {
  name: "size-check",
  summary: "measure the built images and check them against their size budgets (and a baseline)",
  usage: USAGE,
  parse: parseSizeCheckOptions,
  run: sizeCheck,
  json: (r) => r.report,
  failure: (r) => (r.warnOnly ? undefined : overBudget(r.report)),
  action: sizeCheckAction,
};
