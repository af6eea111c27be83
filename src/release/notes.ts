/**
 * Release notes as Markdown: highlights a reader would quote (breaking changes, the size change per
 * variant, the benchmark change), the changes grouped by type with PR links and authors, first-time
 * contributors, a compare link, the image sizes with their Δ, a benchmark table, and the image
 * references with digests and a `docker pull` line per variant.
 *
 * One rule for every text that comes from git or GitHub (subjects, PR titles, scopes, breaking
 * notes, author names, tags): it goes through mdText (src/lib/markdown.ts): mentions cannot ping,
 * HTML shows as text, and it is safe in a table cell.
 */
import { mdCode, mdText } from "../lib/markdown.js";
import type { Author, Change } from "./changes.js";

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
  /** The figure as a number in `unit`, and the previous release's, for the highlight's change. */
  measured?: number;
  previous?: number;
  unit?: string;
}

export interface ImageRow {
  variant: string;
  image: string;
  index: string;
  tags: string[];
}

/** A type shown in the notes, its section title, and whether it sits in the folded "Other changes". */
export interface NoteType {
  type: string;
  title: string;
  folded?: boolean;
}

/** feat, fix, perf and reverts shown; the rest folded; anything unconventional last. */
export const DEFAULT_NOTE_TYPES: readonly NoteType[] = [
  { type: "feat", title: "Features" },
  { type: "fix", title: "Bug fixes" },
  { type: "perf", title: "Performance" },
  { type: "revert", title: "Reverts" },
  { type: "refactor", title: "Refactoring", folded: true },
  { type: "docs", title: "Documentation", folded: true },
  { type: "build", title: "Build", folded: true },
  { type: "ci", title: "CI", folded: true },
  { type: "test", title: "Tests", folded: true },
  { type: "chore", title: "Chores", folded: true },
  { type: "style", title: "Style", folded: true },
  { type: "other", title: "Other", folded: true },
];

export interface NotesInput {
  version: string;
  tag: string;
  previous?: string;
  changes: Change[];
  newContributors?: Author[];
  /** https://github.com/OWNER/REPO, for PR, commit, compare and profile links. */
  repoUrl?: string;
  sizes?: SizeRow[];
  bench?: BenchRow[];
  images?: ImageRow[];
  types?: readonly NoteType[];
}

const n = (x: number) => x.toLocaleString("en-US");
const signed = (d: number, text: string) => `${d > 0 ? "+" : d < 0 ? "−" : "±"}${text}`;
const pct = (d: number, before: number) => (before > 0 ? `${signed(d, `${Math.abs((d / before) * 100).toFixed(1)} %`)}` : "");

export function formatDelta(now: number, before: number | undefined): string {
  if (before === undefined) return "new";
  const d = now - before;
  if (d === 0) return "±0";
  const p = pct(d, before);
  return `${signed(d, `${n(Math.abs(d))} B`)}${p ? ` (${p})` : ""}`;
}

/** The groups in the order of `types`; a type not listed lands in "other". */
export function groupChanges(changes: Change[], types: readonly NoteType[] = DEFAULT_NOTE_TYPES): (NoteType & { changes: Change[] })[] {
  const listed = new Set(types.map((t) => t.type));
  const typeOf = (c: Change) => (listed.has(c.type) ? c.type : "other");
  const all = types.some((t) => t.type === "other") ? types : [...types, { type: "other", title: "Other", folded: true }];
  return all.map((t) => ({ ...t, changes: changes.filter((c) => typeOf(c) === t.type) })).filter((g) => g.changes.length > 0);
}

/** An author: a GitHub login links to its profile (no "@": nothing pings); a bot says so. */
export function authorText(a: Author): string {
  if (a.login) {
    const login = a.login.replace(/\[bot\]$/i, "");
    return a.bot ? `${mdText(login)} (bot)` : `[${mdText(login)}](https://github.com/${encodeURIComponent(login)})`;
  }
  return a.bot ? `${mdText(a.name.replace(/\[bot\]$/i, ""))} (bot)` : mdText(a.name);
}

function refs(c: Change, repoUrl?: string): string {
  const link = (k: number) => (repoUrl ? `[#${k}](${repoUrl}/pull/${k})` : `#${k}`);
  if (c.pr !== undefined) return ` (${[...(c.refs ?? []), c.pr].map(link).join(", ")})`;
  return repoUrl ? ` ([${c.sha.slice(0, 7)}](${repoUrl}/commit/${c.sha}))` : ` (${c.sha.slice(0, 7)})`;
}

const scoped = (c: Change) => `${c.scope ? `**${mdText(c.scope)}:** ` : ""}${mdText(c.subject)}`;

function changeLine(c: Change, repoUrl?: string): string {
  const what = c.reverts !== undefined ? `Revert “${mdText(c.reverts)}”` : scoped(c);
  return `- ${c.breaking ? "⚠️ " : ""}${what}${refs(c, repoUrl)} — ${authorText(c.author)}`;
}

function benchDelta(b: BenchRow): string {
  if (b.measured === undefined || b.previous === undefined) return "";
  const d = b.measured - b.previous;
  const unit = b.unit ? ` ${b.unit}` : "";
  const p = pct(d, b.previous);
  return ` (${signed(d, `${n(Math.abs(Number(d.toFixed(2))))}${unit}`)}${p ? `, ${p}` : ""})`;
}

function highlights(input: NotesInput): string[] {
  const out: string[] = [];
  // Every BREAKING CHANGE footer of a change: one inline, several as a list under it.
  for (const c of input.changes.filter((x) => x.breaking)) {
    const notes = [...new Set(c.breakingNotes)].filter((t) => t && t !== c.subject);
    const head = `- ⚠️ **Breaking:** ${scoped(c)}${refs(c, input.repoUrl)}`;
    if (notes.length === 1) out.push(`${head}: ${mdText(notes[0]!)}`);
    else out.push(head, ...notes.map((t) => `  - ${mdText(t)}`));
  }
  const against = input.previous ? ` against ${mdText(input.previous)}` : "";
  const variants = [...new Set((input.sizes ?? []).map((s) => s.variant))];
  for (const v of variants) {
    const rows = input.sizes!.filter((s) => s.variant === v);
    const parts = rows.map((s) => `${mdText(s.platform)} ${n(s.size)} B (${formatDelta(s.size, s.previous)})`);
    out.push(`- Size, **${mdText(v)}**${against}: ${parts.join(", ")}`);
  }
  const bench = (input.bench ?? []).map((b) => `${mdText(b.name)} ${mdText(b.value)}${benchDelta(b)}`);
  if (bench.length > 0) out.push(`- Benchmark${against}: ${bench.join("; ")}`);
  return out;
}

export function renderNotes(input: NotesInput): string {
  const lines: string[] = [`# Kimigayo OS ${mdText(input.version)}`, ""];
  const hl = highlights(input);
  if (hl.length > 0) lines.push("## Highlights", "", ...hl, "");
  lines.push(...changesSection(input, "##"));
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
        `| ${mdText(b.name)} | ${mdText(b.value)}${benchDelta(b)} | ${mdText(b.target ?? "")} | ${b.ok === undefined ? "" : b.ok ? "✅" : "❌"} |`,
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

/**
 * The changes part of the notes under a heading of level `h`: groups, the folded rest, first-time
 * contributors and the compare link.
 */
export function changesSection(input: Omit<NotesInput, "version">, h = "##"): string[] {
  return [`${h} Changes${input.previous ? ` since ${mdText(input.previous)}` : ""}`, "", ...changesBody(input, `${h}#`)];
}

/**
 * The groups (headings of level `sub`), the folded rest, first-time contributors and, unless
 * `compare` is false, the compare link: what CHANGELOG.md keeps per release.
 */
export function changesBody(input: Omit<NotesInput, "version">, sub = "###", opts: { compare?: boolean } = {}): string[] {
  const lines: string[] = [];
  const groups = groupChanges(input.changes, input.types);
  if (groups.length === 0) lines.push("No changes.", "");
  for (const g of groups.filter((x) => !x.folded))
    lines.push(`${sub} ${mdText(g.title)}`, "", ...g.changes.map((c) => changeLine(c, input.repoUrl)), "");
  const folded = groups.filter((x) => x.folded);
  if (folded.length > 0) {
    const count = folded.reduce((k, g) => k + g.changes.length, 0);
    lines.push("<details>", `<summary>Other changes (${count})</summary>`, "");
    for (const g of folded) lines.push(`**${mdText(g.title)}**`, "", ...g.changes.map((c) => changeLine(c, input.repoUrl)), "");
    lines.push("</details>", "");
  }
  if (input.newContributors && input.newContributors.length > 0) {
    lines.push(`${sub} New contributors`, "");
    for (const a of input.newContributors) {
      const first = input.changes.filter((c) => c.author === a || sameAuthor(c.author, a)).at(-1);
      lines.push(`- ${authorText(a)} made their first contribution${first ? refs(first, input.repoUrl) : ""}`);
    }
    lines.push("");
  }
  const link = compareUrl(input);
  if (link && opts.compare !== false) lines.push(`**Full changelog:** [${mdText(input.previous!)}...${mdText(input.tag)}](${link})`, "");
  return lines;
}

/** The compare page between the previous release and this tag, when both are known. */
export function compareUrl(input: { repoUrl?: string; previous?: string; tag: string }): string | undefined {
  if (!input.repoUrl || !input.previous) return undefined;
  return `${input.repoUrl}/compare/${encodeURIComponent(input.previous)}...${encodeURIComponent(input.tag)}`;
}

const sameAuthor = (a: Author, b: Author) =>
  (a.email ?? a.name).toLowerCase() === (b.email ?? b.name).toLowerCase() && (a.login ?? "") === (b.login ?? "");
