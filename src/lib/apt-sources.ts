/** Reading apt's source entries, in both formats: deb822 (*.sources) and one-line (sources.list, *.list). */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface AptEntry {
  file: string;
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  /** Other fields, keys lower-cased ("signed-by", "architectures"); multi-line values keep their continuation lines. */
  options: Record<string, string>;
}

/** One sources file and its text. */
export interface AptSourceFile {
  file: string;
  text: string;
}

/** The fields of one deb822 paragraph (its lines), keys lower-cased; comment lines are skipped. */
export function deb822Fields(lines: readonly string[]): Record<string, string> {
  const fields: Record<string, string> = {};
  let last: string | undefined;
  for (const line of lines) {
    if (line.startsWith("#")) continue;
    if (/^[ \t]/.test(line)) {
      if (last !== undefined && line.trim() !== "") fields[last] += `\n${line}`;
      continue;
    }
    const m = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    last = m[1].toLowerCase();
    fields[last] = (m[2] ?? "").trim();
  }
  return fields;
}

/** The entry a deb822 paragraph's fields make, or undefined when it has no Types or says `Enabled: no`. */
export function deb822Entry(fields: Record<string, string>, file: string): AptEntry | undefined {
  if (!fields.types || fields.enabled?.toLowerCase() === "no") return undefined;
  const { types, uris, suites, components, ...options } = fields;
  delete options.enabled;
  const words = (v: string | undefined) => (v ?? "").split(/\s+/).filter((w) => w !== "");
  return { file, types: words(types), uris: words(uris), suites: words(suites), components: words(components), options };
}

/** Entries of a deb822 .sources file. Paragraphs with `Enabled: no` are left out. */
export function parseDeb822(text: string, file: string): AptEntry[] {
  const entries: AptEntry[] = [];
  for (const para of text.split(/\n[ \t]*\n/)) {
    const entry = deb822Entry(deb822Fields(para.split("\n")), file);
    if (entry) entries.push(entry);
  }
  return entries;
}

/** Entries of a one-line sources.list: `deb [opt=value ...] URI SUITE COMPONENT...`. */
export function parseOneLine(text: string, file: string): AptEntry[] {
  const entries: AptEntry[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/#.*$/, "").trim();
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m?.[1] || !m[3] || !m[4]) continue;
    const options: Record<string, string> = {};
    for (const opt of (m[2] ?? "").trim().split(/\s+/)) {
      const [key, value] = opt.split("=", 2);
      if (!key || value === undefined) continue;
      options[key.toLowerCase() === "arch" ? "architectures" : key.toLowerCase()] = value.replaceAll(",", " ");
    }
    entries.push({
      file,
      types: [m[1]],
      uris: [m[3]],
      suites: [m[4]],
      components: (m[5] ?? "").split(/\s+/).filter((w) => w !== ""),
      options,
    });
  }
  return entries;
}

/** The entries of one sources file, by its format (a .sources file is deb822, the rest one-line). */
export function entriesOf(source: AptSourceFile): AptEntry[] {
  return source.file.endsWith(".sources") ? parseDeb822(source.text, source.file) : parseOneLine(source.text, source.file);
}

/** sources.list and the *.list and *.sources files of sources.list.d under an apt folder, with their text. */
export function readAptSourceFiles(aptDir = "/etc/apt"): AptSourceFile[] {
  const files: string[] = [];
  const main = join(aptDir, "sources.list");
  if (existsSync(main)) files.push(main);
  const partsDir = join(aptDir, "sources.list.d");
  if (existsSync(partsDir)) {
    for (const name of readdirSync(partsDir).sort()) {
      if (name.endsWith(".list") || name.endsWith(".sources")) files.push(join(partsDir, name));
    }
  }
  const sources: AptSourceFile[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: readFileSync(file, "utf8") });
    } catch {
      continue;
    }
  }
  return sources;
}

/** Every enabled entry under an apt configuration folder (normally /etc/apt). */
export function readAptSources(aptDir = "/etc/apt"): AptEntry[] {
  return readAptSourceFiles(aptDir).flatMap(entriesOf);
}

/**
 * The URIs of a mirror list, as apt's `mirror+file:` method reads it: one URI a line, optionally
 * followed by tab-separated metadata ("priority:1"); `#` starts a comment.
 */
export function parseMirrorList(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim().split(/\s+/)[0] ?? "")
    .filter((uri) => uri !== "");
}

/** The path of a `mirror+file:PATH` URI, or undefined for any other URI. */
export function mirrorListPath(uri: string): string | undefined {
  const m = /^mirror\+file:(\/.*)$/.exec(uri);
  return m?.[1];
}

/** The text of every local mirror list (`mirror+file:PATH`) the entries name, by path; unreadable ones are left out. */
export function readMirrorLists(entries: readonly AptEntry[]): Record<string, string> {
  const lists: Record<string, string> = {};
  for (const path of new Set(entries.flatMap((e) => e.uris.map(mirrorListPath)))) {
    if (path === undefined) continue;
    try {
      lists[path] = readFileSync(path, "utf8");
    } catch {
      continue;
    }
  }
  return lists;
}
