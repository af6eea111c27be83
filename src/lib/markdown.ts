/**
 * GitHub markdown, written one way for every report (size check, release notes, benchmarks).
 *
 * Text that comes from outside the program (commit subjects, PR titles, author names, file names,
 * labels, messages) goes through mdText, one rule for all of it:
 * - HTML is shown as text: & < > become entities;
 * - no link or image forms: [ ] and \ are escaped;
 * - it is safe in a table cell: "|" is escaped and line breaks become spaces;
 * - mentions do not ping: "@" before a name gets a zero-width joiner (U+200D) after it, which
 *   GitHub does not read as a mention and readers do not see;
 * - code spans render: a `…` pair (CommonMark's rule: a run of backticks closed by the next run of
 *   the same length) is kept as written, since nothing inside a code span is a link, a mention or
 *   HTML; a backtick that closes nothing is escaped, so it cannot pair with one outside the text.
 */

const ZWJ = "\u200d";

function plain(s: string): string {
  return s
    .replace(/[\\[\]`]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/@(?=[A-Za-z0-9_])/g, `@${ZWJ}`);
}

/**
 * External text, safe anywhere in a line of markdown, a table cell included: shown as typed (no
 * HTML, no link or image from [..](..)), its code spans rendered, and no @mention that pings.
 */
export function mdText(s: string): string {
  const text = s.replace(/\r\n|[\r\n]/g, " ");
  let out = "";
  let from = 0; // start of the text not yet written
  const runs = [...text.matchAll(/`+/g)].map((m) => ({ at: m.index, len: m[0].length }));
  for (let i = 0; i < runs.length; i++) {
    const open = runs[i]!;
    if (open.at < from) continue;
    const close = runs.slice(i + 1).find((r) => r.len === open.len);
    const span = close ? text.slice(open.at, close.at + close.len) : "";
    // A span holding "|" would split a table cell (GFM reads the pipe first): shown as text instead.
    if (!close || span.includes("|")) continue;
    out += plain(text.slice(from, open.at)) + span;
    from = close.at + close.len;
    i = runs.indexOf(close);
  }
  return out + plain(text.slice(from));
}

/**
 * An inline code span of `s`, shown exactly (so no entities: they would show as typed). The fence
 * is longer than any run of backticks in `s` and line breaks become spaces. In a table cell pass
 * `inTable`: "|" is then escaped, which GitHub undoes inside the span.
 */
export function mdCode(s: string, inTable = false): string {
  const flat = s.replace(/\r\n|[\r\n]/g, " ");
  const text = inTable ? flat.replace(/\|/g, "\\|") : flat;
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A table: every cell through mdText; columns listed in `right` are right-aligned. */
export function mdTable(head: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const align = head.map((_, i) => (right.includes(i) ? "---:" : "---"));
  const line = (cells: readonly string[]) => `| ${cells.map(mdText).join(" | ")} |`;
  return [line(head), `| ${align.join(" | ")} |`, ...rows.map(line)].join("\n");
}

export interface XyChart {
  title: string;
  /** One label per point. */
  x: readonly string[];
  /** The y axis's label, and its range when given. */
  y: { label: string; max?: number };
  bar: readonly number[];
  /** A second series drawn as a line (e.g. a budget). */
  line?: readonly number[];
}

/** A mermaid string: in double quotes, with no double quote or line break inside. */
function mermaidString(s: string): string {
  return `"${s.replace(/\r\n|[\r\n]/g, " ").replace(/"/g, "'")}"`;
}

/** A mermaid xychart-beta in a fenced block. */
export function xychart(c: XyChart): string {
  return [
    "```mermaid",
    "xychart-beta",
    `    title ${mermaidString(c.title)}`,
    `    x-axis [${c.x.map(mermaidString).join(", ")}]`,
    `    y-axis ${mermaidString(c.y.label)}${c.y.max !== undefined ? ` 0 --> ${c.y.max}` : ""}`,
    `    bar [${c.bar.join(", ")}]`,
    ...(c.line ? [`    line [${c.line.join(", ")}]`] : []),
    "```",
  ].join("\n");
}
