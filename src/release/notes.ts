/**
 * Release notes as Markdown: highlights, changes grouped by type (with PR links and authors),
 * image sizes with their Δ against the previous release, a benchmark summary, and the image
 * references with digests and a `docker pull` line per variant. Text from git (subjects, which
 * carry PR titles, scopes, authors) goes through mdText: no HTML, no table breaks, no mentions.
 */
import { mdCode, mdText } from "../lib/markdown.js";
import { groupChanges, type Change } from "./changes.js";

export interface SizeRow {
  variant: string;
  platform: string;
  /** Uncompressed bytes (the layer tar). */
  size: number;
  compressed?: number;
  /** The same image in the previous release, when known. */
  previous?: number;
}

export interface BenchRow {
  name: string;
  /** As measured, with its unit ("10 ms", "864 KiB"). */
  value: string;
  target?: string;
  ok?: boolean;
}

export interface ImageRow {
  variant: string;
  image: string;
  index: string;
  tags: string[];
}

export interface NotesInput {
  version: string;
  tag: string;
  previous?: string;
  changes: Change[];
  /** https://github.com/OWNER/REPO, for PR and commit links. */
  repoUrl?: string;
  sizes?: SizeRow[];
  bench?: BenchRow[];
  images?: ImageRow[];
}

const n = (x: number) => x.toLocaleString("en-US");

export function formatDelta(now: number, before: number | undefined): string {
  if (before === undefined) return "new";
  const d = now - before;
  if (d === 0) return "±0";
  const pct = before > 0 ? ` (${d > 0 ? "+" : ""}${((d / before) * 100).toFixed(1)}%)` : "";
  return `${d > 0 ? "+" : "−"}${n(Math.abs(d))} B${pct}`;
}

function changeLine(c: Change, repoUrl?: string): string {
  const scope = c.scope ? `**${mdText(c.scope)}:** ` : "";
  const pr =
    c.pr !== undefined ? (repoUrl ? ` ([#${c.pr}](${repoUrl}/pull/${c.pr}))` : ` (#${c.pr})`) : repoUrl ? ` (${c.sha.slice(0, 7)})` : "";
  return `- ${c.breaking ? "⚠️ " : ""}${scope}${mdText(c.subject)}${pr} — ${mdText(c.author)}`;
}

function highlights(input: NotesInput): string[] {
  const count = (type: string) => input.changes.filter((c) => c.type === type).length;
  const parts = [
    [count("feat"), "feature"],
    [count("fix"), "fix", "fixes"],
    [count("perf"), "performance improvement"],
  ]
    .filter(([k]) => (k as number) > 0)
    .map(([k, one, many]) => `${k} ${(k as number) === 1 ? one : (many ?? `${one as string}s`)}`);
  const out: string[] = [];
  const since = input.previous ? ` since ${mdText(input.previous)}` : "";
  out.push(`- ${parts.length > 0 ? parts.join(", ") : `${input.changes.length} change(s)`}${since}`);
  for (const c of input.changes.filter((x) => x.breaking)) out.push(`- ⚠️ Breaking: ${mdText(c.subject)}`);
  const std = input.sizes?.find((s) => s.platform === "linux/amd64" && s.variant === "standard");
  if (std)
    out.push(
      `- standard (linux/amd64): ${n(std.size)} B uncompressed, ${formatDelta(std.size, std.previous)} against the previous release`,
    );
  return out;
}

export function renderNotes(input: NotesInput): string {
  const lines: string[] = [`# Kimigayo OS ${mdText(input.version)}`, "", "## Highlights", "", ...highlights(input), ""];
  lines.push(`## Changes${input.previous ? ` since ${mdText(input.previous)}` : ""}`, "");
  const groups = groupChanges(input.changes);
  if (groups.length === 0) lines.push("No changes.", "");
  for (const g of groups) lines.push(`### ${g.title}`, "", ...g.changes.map((c) => changeLine(c, input.repoUrl)), "");
  if (input.sizes && input.sizes.length > 0) {
    lines.push(
      "## Image sizes",
      "",
      `| Variant | Platform | Size | Compressed | Δ vs ${mdText(input.previous ?? "previous")} |`,
      "|---|---|--:|--:|--:|",
    );
    for (const s of input.sizes) {
      lines.push(
        `| ${mdText(s.variant)} | ${mdText(s.platform)} | ${n(s.size)} B | ${s.compressed !== undefined ? `${n(s.compressed)} B` : "—"} | ${formatDelta(s.size, s.previous)} |`,
      );
    }
    lines.push("");
  }
  if (input.bench && input.bench.length > 0) {
    lines.push("## Benchmarks", "", "| Metric | Value | Target | |", "|---|--:|---|---|");
    for (const b of input.bench)
      lines.push(
        `| ${mdText(b.name)} | ${mdText(b.value)} | ${mdText(b.target ?? "")} | ${b.ok === undefined ? "" : b.ok ? "✅" : "❌"} |`,
      );
    lines.push("");
  }
  if (input.images && input.images.length > 0) {
    lines.push("## Images", "", "| Variant | Digest | Tags |", "|---|---|---|");
    for (const i of input.images)
      lines.push(`| ${mdText(i.variant)} | ${mdCode(i.index, true)} | ${i.tags.map((t) => mdCode(t, true)).join(" ")} |`);
    lines.push("", "```sh");
    for (const i of input.images) lines.push(`docker pull ${i.image}@${i.index}   # ${i.variant}`);
    lines.push("```", "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
