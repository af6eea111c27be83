/**
 * Ubuntu's primary archive (up to 24.04) serves amd64 and i386 only; the other architectures come
 * from its ports mirror. For arm64 packages on an amd64 Ubuntu machine, apt needs (a) its archive
 * and security entries limited to the architectures they serve, or `apt-get update` asks them for
 * arm64 indexes and fails, and (b) an entry for the ports mirror serving arm64.
 *
 * The ports mirror is derived from the machine's own archive entry by its structure: the host
 * labels up to the `archive` or `security` label before `ubuntu` give way to `ports`, and the
 * path `/ubuntu/` becomes `/ubuntu-ports/` (scheme kept). Entries that go through a local mirror
 * list (`mirror+file:PATH`, as on GitHub's hosted runners) are derived from the list's URIs.
 *
 * planUbuntuPorts is pure (the folder's text in, the files to write out); ensureUbuntuPorts reads
 * and writes an apt folder.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
  type AptEntry,
  type AptSourceFile,
  deb822Entry,
  deb822Fields,
  entriesOf,
  mirrorListPath,
  parseMirrorList,
  parseOneLine,
  readAptSourceFiles,
  readMirrorLists,
} from "../lib/apt-sources.js";

/** The file doctor writes under sources.list.d. */
export const PORTS_SOURCES_FILE = "kimigayo-ubuntu-ports.sources";

/** The architectures Ubuntu's primary archive serves; every other one is on the ports mirror. */
const ARCHIVE_ARCHITECTURES: readonly string[] = ["amd64", "i386"];

/** What planUbuntuPorts reads: the sources files and the local mirror lists they name (by path). */
export interface AptFolder {
  aptDir: string;
  sources: AptSourceFile[];
  mirrorLists: Record<string, string>;
}

/** A file to write whole, and what writing it does, for doctor's report. */
export interface AptEdit {
  file: string;
  text: string;
  action: string;
}

function parseUrl(uri: string): URL | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ports mirror for an Ubuntu archive or security URI, or undefined when the URI does not
 * have that structure: `SCHEME://[LABELS.]archive.ubuntu.TLD/ubuntu/` or `…security.ubuntu.TLD/ubuntu/`
 * gives `SCHEME://ports.ubuntu.TLD/ubuntu-ports/`.
 */
export function portsUriFor(uri: string): string | undefined {
  const url = parseUrl(uri);
  if (!url || !/^\/ubuntu\/?$/.test(url.pathname) || url.search || url.hash) return undefined;
  const labels = url.hostname.split(".");
  const at = labels.findIndex((l, i) => (l === "archive" || l === "security") && labels[i + 1] === "ubuntu" && i + 2 < labels.length);
  if (at < 0) return undefined;
  url.hostname = ["ports", ...labels.slice(at + 1)].join(".");
  url.pathname = "/ubuntu-ports/";
  return url.toString();
}

/** Whether a URI is an Ubuntu ports mirror: a host whose first label is `ports`, or a path ending in /ubuntu-ports. */
function isPortsUri(uri: string): boolean {
  const url = parseUrl(uri);
  return url !== undefined && (url.hostname.split(".")[0] === "ports" || /\/ubuntu-ports\/?$/.test(url.pathname));
}

/** The URIs apt would fetch an entry's URI from: the lines of a local mirror list, or the URI itself. */
function fetchedFrom(uri: string, mirrorLists: Readonly<Record<string, string>>): string[] {
  const list = mirrorListPath(uri);
  return list === undefined ? [uri] : parseMirrorList(mirrorLists[list] ?? "");
}

/** The ports mirror derived from an entry, when it is a binary (deb) entry of Ubuntu's archive or security. */
function derivedPorts(entry: AptEntry, mirrorLists: Readonly<Record<string, string>>): string | undefined {
  if (!entry.types.includes("deb")) return undefined;
  for (const uri of entry.uris) {
    for (const candidate of fetchedFrom(uri, mirrorLists)) {
      const ports = portsUriFor(candidate);
      if (ports) return ports;
    }
  }
  return undefined;
}

function architecturesOf(entry: AptEntry): string[] | undefined {
  const value = entry.options.architectures;
  return value === undefined ? undefined : value.split(/[\s,]+/).filter((a) => a !== "");
}

/** An enabled binary entry of an Ubuntu ports mirror that serves `arch` (or every architecture). */
export function servesFromPorts(
  entries: readonly AptEntry[],
  arch: string,
  mirrorLists: Record<string, string> = {},
): AptEntry | undefined {
  return entries.find(
    (e) =>
      e.types.includes("deb") &&
      e.uris.some((u) => fetchedFrom(u, mirrorLists).some(isPortsUri)) &&
      (architecturesOf(e)?.includes(arch) ?? true),
  );
}

/** Entries that the archive-architecture restriction applies to: archive or security entries with no Architectures. */
function needsRestriction(entry: AptEntry | undefined, mirrorLists: Readonly<Record<string, string>>): boolean {
  return entry !== undefined && architecturesOf(entry) === undefined && derivedPorts(entry, mirrorLists) !== undefined;
}

/** A deb822 file with `Architectures: ARCHS` after the Types line of each paragraph that needs it. */
function restrictDeb822(source: AptSourceFile, archs: readonly string[], mirrorLists: Readonly<Record<string, string>>) {
  const lines = source.text.split("\n");
  const out: string[] = [];
  let count = 0;
  let start = 0;
  const flush = (end: number) => {
    const para = lines.slice(start, end);
    const typesAt = para.findIndex((l) => /^types:/i.test(l));
    if (typesAt >= 0 && needsRestriction(deb822Entry(deb822Fields(para), source.file), mirrorLists)) {
      para.splice(typesAt + 1, 0, `Architectures: ${archs.join(" ")}`);
      count++;
    }
    out.push(...para);
  };
  for (let i = 0; i < lines.length; i++) {
    if (/^[ \t]*$/.test(lines[i] ?? "")) {
      flush(i);
      out.push(lines[i] ?? "");
      start = i + 1;
    }
  }
  flush(lines.length);
  return { text: out.join("\n"), count };
}

/** A one-line file with `arch=ARCHS` among the options of each deb line that needs it. */
function restrictOneLine(source: AptSourceFile, archs: readonly string[], mirrorLists: Readonly<Record<string, string>>) {
  let count = 0;
  const text = source.text
    .split("\n")
    .map((line) => {
      if (!needsRestriction(parseOneLine(line, source.file)[0], mirrorLists)) return line;
      count++;
      const arch = `arch=${archs.join(",")}`;
      const withOptions = /^(\s*deb\s+\[\s*)/.exec(line);
      if (withOptions?.[1]) return `${withOptions[1]}${arch} ${line.slice(withOptions[1].length)}`;
      return line.replace(/^(\s*deb\s+)/, `$1[${arch}] `);
    })
    .join("\n");
  return { text, count };
}

function union(lists: readonly string[][]): string[] {
  return [...new Set(lists.flat())];
}

/**
 * The files to write so that apt serves `foreign` packages from Ubuntu's ports mirror, on a
 * machine whose dpkg architectures are `architectures` (native first). [] when an enabled ports
 * entry already serves `foreign` (from any file); undefined when no archive or security entry
 * gives a ports mirror to derive.
 */
export function planUbuntuPorts(folder: AptFolder, opts: { architectures: readonly string[]; foreign: string }): AptEdit[] | undefined {
  const { mirrorLists } = folder;
  const entries = folder.sources.flatMap(entriesOf);
  if (servesFromPorts(entries, opts.foreign, mirrorLists)) return [];
  const archive = entries.flatMap((e) => {
    const ports = derivedPorts(e, mirrorLists);
    return ports ? [{ entry: e, ports }] : [];
  });
  const archs = opts.architectures.filter((a) => ARCHIVE_ARCHITECTURES.includes(a));
  if (archive.length === 0 || archs.length === 0 || ARCHIVE_ARCHITECTURES.includes(opts.foreign)) return undefined;

  const edits: AptEdit[] = [];
  for (const source of folder.sources) {
    const deb822 = source.file.endsWith(".sources");
    const { text, count } = deb822 ? restrictDeb822(source, archs, mirrorLists) : restrictOneLine(source, archs, mirrorLists);
    if (count === 0) continue;
    const what = deb822 ? `Architectures: ${archs.join(" ")}` : `[arch=${archs.join(",")}]`;
    edits.push({ file: source.file, text, action: `added ${what} to ${source.file} (${count} ${count === 1 ? "entry" : "entries"})` });
  }

  // One paragraph per ports mirror and keyring, in the order the archive entries name them.
  const groups = new Map<string, { ports: string; signedBy: string | undefined; entries: AptEntry[] }>();
  for (const { entry, ports } of archive) {
    const signedBy = entry.options["signed-by"];
    const key = `${ports}\0${signedBy ?? ""}`;
    const group = groups.get(key) ?? { ports, signedBy, entries: [] };
    group.entries.push(entry);
    groups.set(key, group);
  }
  const paragraphs = [...groups.values()].map((g) =>
    [
      "Types: deb",
      `URIs: ${g.ports}`,
      `Suites: ${union(g.entries.map((e) => e.suites)).join(" ")}`,
      `Components: ${union(g.entries.map((e) => e.components)).join(" ")}`,
      `Architectures: ${opts.foreign}`,
      ...(g.signedBy === undefined ? [] : [`Signed-By: ${g.signedBy}`]),
    ].join("\n"),
  );
  const file = join(folder.aptDir, "sources.list.d", PORTS_SOURCES_FILE);
  const text = [
    `# Written by kimigayo doctor --fix: Ubuntu serves ${opts.foreign} packages from its ports mirror, derived`,
    `# from this machine's archive entries (which now name the architectures they serve).`,
    paragraphs.join("\n\n"),
    "",
  ].join("\n");
  edits.push({
    file,
    text,
    action: `wrote ${file} (${opts.foreign} from ${[...new Set([...groups.values()].map((g) => g.ports))].join(", ")})`,
  });
  return edits;
}

/** Writes each edit whole: a temporary file beside it (a name apt ignores), then a rename; an existing file keeps its mode. */
function applyAptEdits(edits: readonly AptEdit[]): string[] {
  for (const edit of edits) {
    mkdirSync(dirname(edit.file), { recursive: true });
    const mode = existsSync(edit.file) ? statSync(edit.file).mode & 0o7777 : 0o644;
    const tmp = join(dirname(edit.file), `.${basename(edit.file)}.kimigayo-tmp`);
    writeFileSync(tmp, edit.text, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, edit.file);
  }
  return edits.map((e) => e.action);
}

/** The apt folder as planUbuntuPorts reads it. */
export function readAptFolder(aptDir = "/etc/apt"): AptFolder {
  const sources = readAptSourceFiles(aptDir);
  return { aptDir, sources, mirrorLists: readMirrorLists(sources.flatMap(entriesOf)) };
}

/**
 * Makes apt serve `foreign` packages from Ubuntu's ports mirror (see planUbuntuPorts) and returns
 * the actions taken, [] when nothing was needed, or undefined when no entry gives a ports mirror.
 * `apt-get update` must run afterwards.
 */
export function ensureUbuntuPorts(opts: { aptDir?: string; architectures: readonly string[]; foreign: string }): string[] | undefined {
  const edits = planUbuntuPorts(readAptFolder(opts.aptDir), opts);
  return edits && applyAptEdits(edits);
}
