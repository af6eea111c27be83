/**
 * A deterministic tar writer (and a small reader for tests and size breakdowns).
 *
 * The same set of entries always produces the same bytes, whatever the input
 * order. All normalisation lives here (compare apko):
 * - paths are relative: "./" prefixes, "." segments, repeated and trailing "/" are
 *   normalised away; absolute paths, ".." segments, NUL bytes and empty paths are
 *   rejected with an Error; a path may appear only once;
 * - entries are sorted by path bytewise (UTF-8), except that a hardlink is moved
 *   directly after its target, which must be a regular file entry of the same archive;
 * - missing parent directories are NOT invented: the caller supplies them;
 * - every entry gets mtime = opts.mtime, uid = gid = 0 and EMPTY uname/gname (so
 *   extraction never maps names through the host's /etc/passwd, and `tar -tv`
 *   shows "0/0"); mode is masked to 0o7777, symlinks get 0o777, a hardlink header
 *   carries its target's mode; no atime/ctime;
 * - ustar format ("ustar\0" + "00"), directories named with a trailing "/";
 *   names over 100 bytes use the ustar prefix field when they can be split at a
 *   "/", otherwise a PAX 'x' header with only a path= (and/or linkpath=) record;
 * - the archive ends with exactly two zero blocks, with no padding to a 10 KiB record.
 */

export type TarEntry =
  | { type: "dir"; path: string; mode: number }
  | { type: "file"; path: string; mode: number; data: Uint8Array }
  | { type: "symlink"; path: string; target: string }
  /** target = path of a regular file entry in the same archive. */
  | { type: "hardlink"; path: string; target: string };

export interface TarOptions {
  /** Seconds since the epoch (SOURCE_DATE_EPOCH), used for every entry. */
  mtime: number;
}

export const TAR_END_BYTES = 1024;

const BLOCK = 512;
const NAME_MAX = 100;
const PREFIX_MAX = 155;
const LINKNAME_MAX = 100;
/** 11 octal digits, the most a 12-byte ustar numeric field holds. */
const MAX_OCTAL_11 = 8 ** 11 - 1;
const PAX_HEADER_NAME = "././@PaxHeader";
const PAX_HEADER_MODE = 0o644;

const TYPEFLAG = { file: "0", hardlink: "1", symlink: "2", dir: "5", pax: "x" } as const;

const utf8 = new TextEncoder();

// ---------------------------------------------------------------------------
// Validation and normalisation
// ---------------------------------------------------------------------------

/** "./usr//bin/" -> "usr/bin". Throws on absolute, empty, ".." or NUL. */
export function normalizeTarPath(path: string): string {
  const shown = JSON.stringify(path);
  if (path.includes("\0")) throw new Error(`tar path ${shown} contains a NUL byte`);
  if (path.startsWith("/")) throw new Error(`tar path ${shown} is absolute; archive paths must be relative`);
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw new Error(`tar path ${shown} contains a ".." segment`);
  if (parts.length === 0) throw new Error(`tar path ${shown} is empty after normalisation`);
  return parts.join("/");
}

function checkMode(mode: number, path: string): number {
  if (!Number.isInteger(mode) || mode < 0) throw new Error(`tar entry ${path}: mode ${mode} is not a non-negative integer`);
  return mode & 0o7777;
}

function checkMtime(mtime: number): number {
  if (!Number.isInteger(mtime) || mtime < 0 || mtime > MAX_OCTAL_11) {
    throw new Error(`tar mtime ${mtime} must be an integer number of seconds in 0..${MAX_OCTAL_11}`);
  }
  return mtime;
}

function checkLinkTarget(target: string, path: string): string {
  if (target === "") throw new Error(`tar entry ${path}: empty link target`);
  if (target.includes("\0")) throw new Error(`tar entry ${path}: link target contains a NUL byte`);
  return target;
}

/** A copy of the entry with a normalised path (and hardlink target) and a masked mode. */
function normalizeEntry(e: TarEntry): TarEntry {
  const path = normalizeTarPath(e.path);
  switch (e.type) {
    case "dir":
      return { type: "dir", path, mode: checkMode(e.mode, path) };
    case "file":
      if (e.data.length > MAX_OCTAL_11) throw new Error(`tar entry ${path}: ${e.data.length} bytes is too large for ustar`);
      return { type: "file", path, mode: checkMode(e.mode, path), data: e.data };
    case "symlink":
      return { type: "symlink", path, target: checkLinkTarget(e.target, path) };
    case "hardlink":
      return { type: "hardlink", path, target: normalizeTarPath(checkLinkTarget(e.target, path)) };
    default:
      throw new Error(`tar entry has unknown type ${JSON.stringify((e as { type: unknown }).type)}`);
  }
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Sorted by path bytewise, each hardlink moved directly after its target. */
function orderEntries(entries: TarEntry[]): TarEntry[] {
  const sorted = [...entries].sort((a, b) => compareBytes(a.path, b.path));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (prev && cur && prev.path === cur.path) throw new Error(`tar path ${JSON.stringify(cur.path)} appears more than once`);
  }
  const files = new Map(sorted.filter((e) => e.type === "file").map((e) => [e.path, e]));
  const waiting = new Map<string, TarEntry[]>();
  for (const e of sorted) {
    if (e.type !== "hardlink") continue;
    if (!files.has(e.target)) {
      throw new Error(`tar hardlink ${e.path}: target ${JSON.stringify(e.target)} is not a regular file entry of this archive`);
    }
    waiting.set(e.target, [...(waiting.get(e.target) ?? []), e]);
  }
  return sorted.filter((e) => e.type !== "hardlink").flatMap((e) => [e, ...(waiting.get(e.path) ?? [])]);
}

// ---------------------------------------------------------------------------
// Header layout
// ---------------------------------------------------------------------------

/** What goes into the ustar name/prefix/linkname fields, and any PAX records needed. */
interface NameLayout {
  name: Uint8Array;
  prefix: Uint8Array;
  linkname: Uint8Array;
  pax: Uint8Array | undefined;
}

function archiveName(e: TarEntry): string {
  return e.type === "dir" ? `${e.path}/` : e.path;
}

function linkTarget(e: TarEntry): string {
  return e.type === "symlink" || e.type === "hardlink" ? e.target : "";
}

/** Splits a long name at a "/" so that it fits ustar's prefix (155) + name (100) fields. */
function splitUstar(bytes: Uint8Array): { prefix: Uint8Array; name: Uint8Array } | undefined {
  if (bytes.length <= NAME_MAX) return { prefix: new Uint8Array(), name: bytes };
  for (let i = Math.min(bytes.length - 2, PREFIX_MAX); i > 0; i--) {
    if (bytes[i] === 0x2f && bytes.length - i - 1 <= NAME_MAX) {
      return { prefix: bytes.subarray(0, i), name: bytes.subarray(i + 1) };
    }
  }
  return undefined;
}

/** The first `max` bytes, cut back so that no UTF-8 sequence is split (a placeholder name under PAX). */
function truncateUtf8(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** One PAX record, "<len> <key>=<value>\n", where <len> counts the whole record including itself. */
function paxRecord(key: string, value: string): string {
  const body = utf8.encode(` ${key}=${value}\n`).length;
  let len = body + String(body).length;
  if (String(len).length + body !== len) len = body + String(len).length;
  return `${len} ${key}=${value}\n`;
}

function nameLayout(e: TarEntry): NameLayout {
  const nameBytes = utf8.encode(archiveName(e));
  const linkBytes = utf8.encode(linkTarget(e));
  const split = splitUstar(nameBytes);
  let records = "";
  if (!split) records += paxRecord("path", archiveName(e));
  if (linkBytes.length > LINKNAME_MAX) records += paxRecord("linkpath", linkTarget(e));
  return {
    name: split ? split.name : truncateUtf8(nameBytes, NAME_MAX),
    prefix: split ? split.prefix : new Uint8Array(),
    linkname: truncateUtf8(linkBytes, LINKNAME_MAX),
    pax: records ? utf8.encode(records) : undefined,
  };
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK) * BLOCK;
}

function dataSize(e: TarEntry): number {
  return e.type === "file" ? e.data.length : 0;
}

/** Bytes this entry occupies in the archive: headers plus padded data (PAX header and records included). */
export function tarEntryBytes(e: TarEntry): number {
  const n = normalizeEntry(e);
  const pax = nameLayout(n).pax;
  return (pax ? BLOCK + padded(pax.length) : 0) + BLOCK + padded(dataSize(n));
}

// ---------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------

interface HeaderFields {
  name: Uint8Array;
  prefix: Uint8Array;
  linkname: Uint8Array;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
}

/** Octal digits, zero-padded to width - 1, then NUL. */
function writeOctal(h: Buffer, offset: number, width: number, value: number): void {
  const digits = value.toString(8);
  if (digits.length > width - 1) throw new Error(`tar: value ${value} does not fit in a ${width}-byte field`);
  h.write(`${digits.padStart(width - 1, "0")}\0`, offset, "ascii");
}

function encodeHeader(f: HeaderFields): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.set(f.name, 0);
  writeOctal(h, 100, 8, f.mode);
  writeOctal(h, 108, 8, 0); // uid
  writeOctal(h, 116, 8, 0); // gid
  writeOctal(h, 124, 12, f.size);
  writeOctal(h, 136, 12, f.mtime);
  h.write(f.typeflag, 156, "ascii");
  h.set(f.linkname, 157);
  h.write("ustar\0" + "00", 257, "ascii"); // uname (265) and gname (297) stay empty
  writeOctal(h, 329, 8, 0); // devmajor
  writeOctal(h, 337, 8, 0); // devminor
  h.set(f.prefix, 345);
  h.fill(0x20, 148, 156);
  writeOctal(h, 148, 7, checksum(h)); // 6 digits, NUL, and the space already there
  return h;
}

function checksum(h: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] ?? 0);
  return sum;
}

function padBlock(data: Uint8Array): Buffer {
  const out = Buffer.alloc(padded(data.length));
  out.set(data);
  return out;
}

function typeflagOf(e: TarEntry): string {
  return TYPEFLAG[e.type];
}

function modeOf(e: TarEntry, fileModes: Map<string, number>): number {
  if (e.type === "symlink") return 0o777;
  if (e.type === "hardlink") return fileModes.get(e.target) ?? 0;
  return e.mode;
}

function encodeEntry(e: TarEntry, mtime: number, fileModes: Map<string, number>): Buffer[] {
  const layout = nameLayout(e);
  const blocks: Buffer[] = [];
  if (layout.pax) {
    const paxName = utf8.encode(PAX_HEADER_NAME);
    const none = new Uint8Array();
    blocks.push(
      encodeHeader({
        name: paxName,
        prefix: none,
        linkname: none,
        mode: PAX_HEADER_MODE,
        size: layout.pax.length,
        mtime,
        typeflag: TYPEFLAG.pax,
      }),
    );
    blocks.push(padBlock(layout.pax));
  }
  const data = e.type === "file" ? e.data : new Uint8Array();
  blocks.push(encodeHeader({ ...layout, mode: modeOf(e, fileModes), size: data.length, mtime, typeflag: typeflagOf(e) }));
  if (data.length > 0) blocks.push(padBlock(data));
  return blocks;
}

export function writeTar(entries: TarEntry[], opts: TarOptions): Buffer {
  const mtime = checkMtime(opts.mtime);
  const ordered = orderEntries(entries.map(normalizeEntry));
  const fileModes = new Map(ordered.flatMap((e) => (e.type === "file" ? [[e.path, e.mode] as const] : [])));
  const blocks = ordered.flatMap((e) => encodeEntry(e, mtime, fileModes));
  blocks.push(Buffer.alloc(TAR_END_BYTES));
  return Buffer.concat(blocks);
}

// ---------------------------------------------------------------------------
// Reading (ustar + PAX path/linkpath; enough for our own archives and GNU tar's)
// ---------------------------------------------------------------------------

export type TarReadEntry = TarEntry & {
  /** Data bytes (0 for everything but regular files). */
  size: number;
  /** Offset of the entry's first header block (its PAX header, if it has one). */
  headerOffset: number;
};

const latin1 = new TextDecoder("latin1");
const utf8Decoder = new TextDecoder();

function cString(h: Uint8Array, offset: number, width: number): string {
  const field = h.subarray(offset, offset + width);
  const nul = field.indexOf(0);
  return utf8Decoder.decode(nul < 0 ? field : field.subarray(0, nul));
}

function parseOctal(h: Uint8Array, offset: number, width: number, what: string, at: number): number {
  const text = latin1
    .decode(h.subarray(offset, offset + width))
    .replace(/[\0 ]+$/, "")
    .replace(/^ +/, "");
  if (!/^[0-7]*$/.test(text)) throw new Error(`tar: bad ${what} field ${JSON.stringify(text)} in header at ${at}`);
  return text === "" ? 0 : parseInt(text, 8);
}

function isZeroBlock(buf: Uint8Array, offset: number): boolean {
  return buf.subarray(offset, offset + BLOCK).every((b) => b === 0);
}

function parsePax(data: Uint8Array, at: number): Map<string, string> {
  const records = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    const len = space < 0 ? NaN : Number(latin1.decode(data.subarray(pos, space)));
    if (!Number.isInteger(len) || len <= 0 || pos + len > data.length || data[pos + len - 1] !== 0x0a) {
      throw new Error(`tar: malformed PAX record at ${at + BLOCK + pos}`);
    }
    const record = utf8Decoder.decode(data.subarray(space + 1, pos + len - 1));
    const eq = record.indexOf("=");
    if (eq < 0) throw new Error(`tar: PAX record without "=" at ${at + BLOCK + pos}`);
    records.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return records;
}

function toEntry(typeflag: string, path: string, mode: number, link: string, data: Uint8Array, at: number): TarEntry {
  switch (typeflag) {
    case "0":
    case "\0":
      return { type: "file", path, mode, data };
    case "5":
      return { type: "dir", path: path.replace(/\/+$/, ""), mode };
    case "2":
      return { type: "symlink", path, target: link };
    case "1":
      return { type: "hardlink", path, target: link };
    default:
      throw new Error(`tar: unsupported entry type ${JSON.stringify(typeflag)} in header at ${at}`);
  }
}

/** Parses an archive into its entries, in archive order. File data are views into `buf`. */
export function readTar(buf: Uint8Array): TarReadEntry[] {
  const out: TarReadEntry[] = [];
  let pax: { records: Map<string, string>; start: number } | undefined;
  for (let off = 0; ;) {
    if (off + BLOCK > buf.length) throw new Error(`tar: archive ends at ${buf.length} without an end-of-archive marker`);
    if (isZeroBlock(buf, off)) break;
    const h = buf.subarray(off, off + BLOCK);
    const sum = parseOctal(h, 148, 8, "checksum", off);
    if (sum !== checksum(h)) throw new Error(`tar: checksum mismatch in header at ${off}`);
    const size = parseOctal(h, 124, 12, "size", off);
    const dataStart = off + BLOCK;
    if (dataStart + size > buf.length) throw new Error(`tar: entry at ${off} has ${size} bytes of data past the end of the archive`);
    const data = buf.subarray(dataStart, dataStart + size);
    const typeflag = String.fromCharCode(h[156] ?? 0);
    const next = dataStart + padded(size);
    if (typeflag === TYPEFLAG.pax || typeflag === "g") {
      if (typeflag === TYPEFLAG.pax) pax = { records: parsePax(data, off), start: pax?.start ?? off };
      off = next;
      continue;
    }
    const prefix = cString(h, 345, PREFIX_MAX);
    const name = cString(h, 0, NAME_MAX);
    const path = pax?.records.get("path") ?? (prefix ? `${prefix}/${name}` : name);
    const link = pax?.records.get("linkpath") ?? cString(h, 157, LINKNAME_MAX);
    const mode = parseOctal(h, 100, 8, "mode", off);
    const entry = toEntry(typeflag, path, mode, link, data, off);
    out.push({ ...entry, size: entry.type === "file" ? size : 0, headerOffset: pax?.start ?? off });
    pax = undefined;
    off = next;
  }
  return out;
}
