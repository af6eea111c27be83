/**
 * The size report as GitHub markdown, for a PR comment or the job summary. The first line is a
 * hidden marker, so the comment can be found and updated instead of posted again.
 */
import { compareSemver, parseSemver } from "../lib/version.js";
import { mdCode, mdText, xychart } from "../lib/markdown.js";
import { formatBytes, formatBudget, formatDelta, formatDeltaBytes } from "./format.js";
import type { Contributor } from "./attribution.js";
import type { HistoryEntry, ImageReport, SizeReport } from "./types.js";

/** Attribution rows shown per image in the details. */
export const ATTRIBUTION_ROWS = 10;

function contributorText(c: Contributor): string {
  const what = c.base === 0 ? " (new)" : c.bytes === 0 ? " (gone)" : "";
  return `${mdCode(c.name)} ${formatDeltaBytes(c.delta)}${what}`;
}

/** "- **standard linux/amd64**: /bin/busybox +4,288 B: `CONFIG_HTTPD` +4,409 B (new), ..." per image whose binary changed. */
function contributorLines(r: SizeReport): string[] {
  const lines: string[] = [];
  for (const i of r.images) {
    const d = i.attributionDelta;
    if (!d || d.contributors.length === 0) continue;
    const more = d.changed > d.contributors.length ? `, and ${d.changed - d.contributors.length} more` : "";
    lines.push(
      `- **${mdText(i.variant)} ${i.platform}**: /bin/busybox ${formatDeltaBytes(d.delta)}: ${d.contributors.slice(0, 5).map(contributorText).join(", ")}${more}`,
    );
  }
  return lines.length > 0
    ? ["Top contributors to the change (per CONFIG_ option and shared code, from the link map):", "", ...lines, ""]
    : [];
}

function pullLine(i: ImageReport): string | undefined {
  const p = i.pull;
  if (!p) return undefined;
  const zstd = p.zstd === null ? "" : `; with a zstd layer ${formatBytes(p.zstd)}`;
  return `- pull ${i.platform}: ${formatBytes(p.gzip)} (index ${formatBytes(p.index)} + manifest ${formatBytes(p.manifest)} + config ${formatBytes(p.config)} + gzip layer ${formatBytes(p.layers)})${zstd}`;
}

function attributionTable(i: ImageReport): string[] {
  const a = i.attribution;
  if (!a) return [];
  const d = i.attributionDelta;
  const delta = d ? new Map(d.contributors.map((c) => [c.name, c.delta])) : undefined;
  // The top rows, and every row that changed: the option a PR changed is always listed.
  const shown = (r: (typeof a.rows)[number], k: number) => k < ATTRIBUTION_ROWS || (delta?.get(r.name) ?? 0) !== 0;
  const rows = a.rows.filter(shown);
  const rest = a.rows.filter((r, k) => !shown(r, k));
  const restBytes = rest.reduce((n, r) => n + r.bytes, 0);
  return [
    "",
    `/bin/busybox ${formatBytes(a.binary)} by CONFIG_ option and shared code (the rows sum to the binary; ${formatBytes(a.unattributed)} the linker does not give to an object file):`,
    "",
    delta ? "| From | Bytes | Δ |" : "| From | Bytes |",
    delta ? "|:--|--:|--:|" : "|:--|--:|",
    ...rows.map((r) => {
      const name = `${mdCode(r.name)}${r.applet ? ` (${mdText(r.applet)})` : ""}`;
      const row = `| ${name} | ${formatBytes(r.bytes)} |`;
      if (!delta) return row;
      const dd = delta.get(r.name);
      return `${row} ${dd === undefined ? "" : formatDeltaBytes(dd)} |`;
    }),
    ...(rest.length > 0 ? [`| ${rest.length} more rows | ${formatBytes(restBytes)} |${delta ? " |" : ""}`] : []),
  ];
}

export const SIZE_CHECK_MARKER = "<!-- kimigayo-size-check -->";
/** Releases shown in a chart, besides this build. */
export const HISTORY_POINTS = 9;

const STATUS = { pass: "✅", fail: "❌" } as const;

function baseCell(i: ImageReport): string {
  if (!i.baseline || !i.delta) return "—";
  return i.delta.metric === "uncompressed" ? formatBytes(i.delta.base) : `gzip ${formatBytes(i.delta.base)}`;
}

function deltaCell(i: ImageReport): string {
  if (!i.delta) return "—";
  return i.delta.metric === "uncompressed" ? formatDelta(i.delta) : `gzip ${formatDelta(i.delta)}`;
}

function baselineLine(r: SizeReport): string {
  const b = r.baseline;
  if (!b)
    return "Baseline: none, so growth budgets and the change per option are not checked (the workflow's `baseline:` gives one: the last release's size-report.json, or the base branch's report).";
  const version = b.version ? ` (${mdText(b.version)})` : "";
  // A file by its name: the runner's absolute path means nothing to the reader.
  if (b.kind === "report")
    return `Baseline: size report ${mdCode(b.source.split("/").at(-1)!)}${version}; the change is in the uncompressed size.`;
  return `Baseline: image ${mdCode(b.source)}${version}; the change is in the compressed (gzip layer) size only: a registry does not record uncompressed sizes, nor which option grew (give a size report for that).`;
}

/** Versions in release order (SemVer first, in precedence order; others after, as given), one entry per version (the last given wins). */
export function orderHistory(history: readonly HistoryEntry[]): HistoryEntry[] {
  const byVersion = new Map<string, HistoryEntry>();
  for (const h of history) {
    byVersion.delete(h.version);
    byVersion.set(h.version, h);
  }
  const all = [...byVersion.values()];
  const semver = all.filter((h) => parseSemver(h.version)).sort((a, b) => compareSemver(a.version, b.version));
  return [...semver, ...all.filter((h) => !parseSemver(h.version))];
}

/** A mermaid xychart of one image's uncompressed size across releases, or undefined when no release has that image. */
export function historyChart(i: ImageReport, history: readonly HistoryEntry[]): string | undefined {
  const points = orderHistory(history)
    .map((h) => ({ label: h.version, bytes: h.images.find((x) => x.variant === i.variant && x.platform === i.platform)?.uncompressed }))
    .filter((p): p is { label: string; bytes: number } => p.bytes !== undefined)
    .slice(-HISTORY_POINTS);
  if (points.length === 0) return undefined;
  points.push({ label: "this build", bytes: i.uncompressed });
  const kb = (n: number) => Math.round(n / 100) / 10;
  const top = Math.max(...points.map((p) => p.bytes), i.budget.size ?? 0);
  const yMax = Math.ceil((kb(top) * 1.1) / 10) * 10;
  const budget = i.budget.size;
  return xychart({
    title: `${i.variant} ${i.platform}: size across releases (KB)${budget !== undefined ? ", line = budget" : ""}`,
    x: points.map((p) => p.label),
    y: { label: "KB", max: yMax },
    bar: points.map((p) => kb(p.bytes)),
    ...(budget !== undefined ? { line: points.map(() => kb(budget)) } : {}),
  });
}

function details(i: ImageReport, history: readonly HistoryEntry[] | undefined): string[] {
  const applets = i.delta?.applets ? `${i.applets} applets (${i.delta.applets > 0 ? "+" : ""}${i.delta.applets})` : `${i.applets} applets`;
  const lines = [
    "<details>",
    `<summary>${STATUS[i.status]} <b>${mdText(i.variant)} ${i.platform}</b>: ${formatBytes(i.uncompressed)}, gzip ${formatBytes(i.compressed)}${i.zstd === null ? "" : `, zstd ${formatBytes(i.zstd)}`}, ${applets}</summary>`,
    "",
  ];
  lines.push(`- budget: ${mdText(formatBudget(i.budget))}${i.baseline ? `; base ${baseCell(i)}` : ""}`);
  for (const c of i.checks) {
    const mark = c.ok === true ? "✅" : c.ok === false ? "❌" : "➖";
    const where = c.line !== undefined ? `, line ${c.line}` : "";
    lines.push(`- ${mark} ${mdText(c.message)} (${mdCode(c.field)}${where})`);
  }
  for (const n of i.notes.filter((n) => !i.checks.some((c) => c.message === n))) lines.push(`- ${mdText(n)}`);
  if (i.baseline?.reference) lines.push(`- baseline image: ${mdCode(i.baseline.reference)}`);
  const pull = pullLine(i);
  if (pull) lines.push(pull);
  if (lines.at(-1) !== "") lines.push("");
  const withDelta = i.topFiles.some((f) => f.delta !== null);
  lines.push(
    `Top ${i.topFiles.length} of ${i.breakdown.length} rows (together ${formatBytes(i.breakdown.reduce((n, r) => n + r.bytes, 0))} = the layer tar):`,
    "",
    withDelta ? "| File | Bytes | Δ |" : "| File | Bytes |",
    withDelta ? "|:--|--:|--:|" : "|:--|--:|",
    ...i.topFiles.map((f) => {
      const row = `| ${mdText(f.name)} | ${formatBytes(f.bytes)} |`;
      if (!withDelta) return row;
      return `${row} ${f.delta === null ? "—" : f.base === 0 ? `new, ${formatDeltaBytes(f.delta)}` : formatDeltaBytes(f.delta)} |`;
    }),
    ...attributionTable(i),
  );
  if (history && history.length > 0) {
    const chart = historyChart(i, history);
    lines.push("", chart ?? `_No earlier release in the history has ${mdText(i.variant)} ${i.platform}._`);
  }
  lines.push("", "</details>");
  return lines;
}

/** Whether an image changed against the baseline (no baseline: every image is shown). */
const changed = (i: ImageReport) => !i.delta || i.delta.bytes !== 0 || i.status === "fail";

/** The change in one line: "standard linux/amd64 +5 632 B (+1.0 %)", the largest first. */
function changeSummary(r: SizeReport): string {
  const moved = r.images.filter((i) => i.delta && i.delta.bytes !== 0).sort((a, b) => Math.abs(b.delta!.bytes) - Math.abs(a.delta!.bytes));
  if (!r.baseline) return "no baseline";
  if (moved.length === 0) return "no size change";
  const first = moved
    .slice(0, 2)
    .map((i) => `${mdText(i.variant)} ${i.platform.replace(/^linux\//, "")} ${deltaCell(i)}`)
    .join(", ");
  return `${first}${moved.length > 2 ? `, ${moved.length - 2} more changed` : ""}`;
}

/**
 * The report, verdict first (as compressed-size-action reads): the headline with the verdict and
 * the largest change, the reasons of a failure, the options behind the change, then one table of
 * the images that changed (the unchanged ones folded), narrow enough for a phone; the details last.
 */
export function renderMarkdown(r: SizeReport, history?: readonly HistoryEntry[]): string {
  const failed = r.images.filter((i) => i.status === "fail");
  const n = r.images.length;
  const headline =
    failed.length === 0
      ? `${STATUS.pass} all ${n} image${n === 1 ? "" : "s"} within budget`
      : `${STATUS.fail} ${failed.length} of ${n} image${n === 1 ? "" : "s"} over budget`;
  const lines = [SIZE_CHECK_MARKER, `### Kimigayo size check: ${headline}; ${changeSummary(r)}`, ""];
  for (const i of failed)
    for (const reason of i.reasons) lines.push(`- ${STATUS.fail} **${mdText(i.variant)} ${i.platform}**: ${mdText(reason)}`);
  if (failed.length > 0) lines.push("");
  lines.push(...contributorLines(r));
  const table = (images: ImageReport[]) => [
    "| Image | Size | Change | |",
    "|:--|--:|--:|:-:|",
    ...images.map(
      (i) =>
        `| ${mdText(i.variant)} ${i.platform.replace(/^linux\//, "")} | ${formatBytes(i.uncompressed)} | ${deltaCell(i)} | ${STATUS[i.status]} |`,
    ),
    "",
  ];
  const shown = r.images.filter(changed);
  const folded = r.images.filter((i) => !changed(i));
  if (shown.length > 0) lines.push(...table(shown));
  if (folded.length > 0)
    lines.push(
      "<details>",
      `<summary>${folded.length} unchanged image${folded.length === 1 ? "" : "s"}</summary>`,
      "",
      ...table(folded),
      "</details>",
      "",
    );
  lines.push(
    `Kimigayo ${mdText(r.version)}, BusyBox ${mdText(r.busybox)}. ${baselineLine(r)} Each image's budget, gzip and zstd sizes are in its details.`,
    "",
  );
  for (const note of [...r.notes, ...(r.baseline?.notes ?? [])]) lines.push(`> ${mdText(note)}`, "");
  for (const i of r.images) lines.push(...details(i, history), "");
  if (!history || history.length === 0)
    lines.push("_No size history given (`--history FILE...`): the chart of size across releases is skipped._", "");
  return `${lines.join("\n").trimEnd()}\n`;
}
