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

/** Entries of a deb822 .sources file. Paragraphs with `Enabled: no` are left out. */
export function parseDeb822(text: string, file: string): AptEntry[] {
  const entries: AptEntry[] = [];
  for (const para of text.split(/\n[ \t]*\n/)) {
    const fields: Record<string, string> = {};
    let last: string | undefined;
    for (const line of para.split("\n")) {
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
    if (!fields.types || fields.enabled?.toLowerCase() === "no") continue;
    const { types, uris, suites, components, ...options } = fields;
    delete options.enabled;
    const words = (v: string | undefined) => (v ?? "").split(/\s+/).filter((w) => w !== "");
    entries.push({ file, types: words(types), uris: words(uris), suites: words(suites), components: words(components), options });
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

/** Every enabled entry under an apt configuration folder (normally /etc/apt). */
export function readAptSources(aptDir = "/etc/apt"): AptEntry[] {
  const files: string[] = [];
  const main = join(aptDir, "sources.list");
  if (existsSync(main)) files.push(main);
  const partsDir = join(aptDir, "sources.list.d");
  if (existsSync(partsDir)) {
    for (const name of readdirSync(partsDir).sort()) {
      if (name.endsWith(".list") || name.endsWith(".sources")) files.push(join(partsDir, name));
    }
  }
  const entries: AptEntry[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    entries.push(...(file.endsWith(".sources") ? parseDeb822(text, file) : parseOneLine(text, file)));
  }
  return entries;
}
