/**
 * A small, defensive ELF reader: just enough to tell whether a built binary is
 * static and for the right platform.
 *
 * Every offset, size, count and string is checked against the buffer before it
 * is read, and all arithmetic on file-supplied values is done in BigInt, so a
 * hostile file can only ever produce an ElfError: never a RangeError, a hang,
 * or an allocation larger than the input.
 *
 * Extra strictness (deliberate, because this is a verifier): the program headers
 * that matter for loading (PT_LOAD, PT_INTERP, PT_DYNAMIC) and the section header
 * table must lie entirely inside the file, so a truncated binary is an error
 * rather than "looks fine".
 */
import { readFile } from "node:fs/promises";

export type { Platform } from "./platform.js";
import type { Platform } from "./platform.js";

export interface ElfInfo {
  bits: 32 | 64;
  endian: "little" | "big";
  machine: number;
  /** e.g. 62 "x86-64", 183 "AArch64"; unknown machines read "unknown (0x…)". */
  machineName: string;
  type: "REL" | "EXEC" | "DYN" | "CORE" | "UNKNOWN";
  entry: bigint;
  /** From PT_INTERP, without the trailing NUL. */
  interpreter?: string;
  /** DT_NEEDED names, in the order of the dynamic section. */
  needed: string[];
  /** A PT_DYNAMIC exists (static-pie has one but no DT_NEEDED). */
  hasDynamic: boolean;
  /** No PT_INTERP and no DT_NEEDED. */
  isStatic: boolean;
  /** No SHT_SYMTAB section (also true when there are no section headers at all). */
  stripped: boolean;
}

/** The input is not a well-formed ELF file. The message says what and where. */
export class ElfError extends Error {
  override readonly name = "ElfError";
}

/** At most this many program headers / section headers (they must also fit in the file). */
const MAX_TABLE_ENTRIES = 65535;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_SYMTAB = 2;
const SHT_DYNAMIC = 6;
const SHT_NOBITS = 8;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_STRSZ = 10n;
const PN_XNUM = 0xffff;

const MACHINE_NAMES: Record<number, string> = {
  2: "SPARC",
  3: "Intel 80386",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  22: "IBM S/390",
  40: "ARM",
  43: "SPARC V9",
  62: "x86-64",
  183: "AArch64",
  243: "RISC-V",
  258: "LoongArch",
};

const TYPES = ["UNKNOWN", "REL", "EXEC", "DYN", "CORE"] as const;

function hex(v: bigint | number): string {
  return `0x${v.toString(16)}`;
}

function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `unknown (${hex(machine)})`;
}

// ---------------------------------------------------------------------------
// Bounds-checked access to the buffer
// ---------------------------------------------------------------------------

/** A byte range of the file, already checked to be inside the buffer. */
interface Range {
  start: number;
  end: number;
}

class Reader {
  private readonly view: DataView;
  readonly size: bigint;

  constructor(
    readonly buf: Uint8Array,
    readonly is64: boolean,
    readonly le: boolean,
  ) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.size = BigInt(buf.length);
  }

  /** Checks that [offset, offset + length) is inside the file and returns it as numbers. */
  range(offset: bigint, length: bigint, what: string): Range {
    if (offset < 0n || length < 0n || offset + length > this.size) {
      throw new ElfError(`${what} (offset ${hex(offset)}, size ${hex(length)}) extends past the end of the ${this.buf.length}-byte file`);
    }
    return { start: Number(offset), end: Number(offset + length) };
  }

  private at(offset: number, width: number): number {
    this.range(BigInt(offset), BigInt(width), `${width}-byte field`);
    return offset;
  }

  u8(offset: number): number {
    return this.view.getUint8(this.at(offset, 1));
  }
  u16(offset: number): number {
    return this.view.getUint16(this.at(offset, 2), this.le);
  }
  u32(offset: number): number {
    return this.view.getUint32(this.at(offset, 4), this.le);
  }
  u64(offset: number): bigint {
    return this.view.getBigUint64(this.at(offset, 8), this.le);
  }
  /** An address/offset/size-sized field: 4 bytes in ELF32, 8 in ELF64. */
  word(offset: number): bigint {
    return this.is64 ? this.u64(offset) : BigInt(this.u32(offset));
  }

  /** A NUL-terminated string that must end inside `within`. */
  cstring(start: number, within: Range, what: string): string {
    if (start < within.start || start >= within.end) {
      throw new ElfError(`${what} starts at ${hex(start)}, outside its table ${hex(within.start)}..${hex(within.end)}`);
    }
    const nul = this.buf.subarray(start, within.end).indexOf(0);
    if (nul < 0) throw new ElfError(`${what} at ${hex(start)} is not NUL-terminated`);
    return new TextDecoder().decode(this.buf.subarray(start, start + nul));
  }
}

// ---------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------

interface FileHeader {
  type: number;
  machine: number;
  entry: bigint;
  phoff: bigint;
  shoff: bigint;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
}

interface ProgramHeader {
  index: number;
  type: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
}

interface SectionHeader {
  type: number;
  offset: bigint;
  size: bigint;
  link: number;
}

function openReader(buf: Uint8Array): Reader {
  if (buf.length < 16) throw new ElfError(`file is ${buf.length} bytes, too short for an ELF identification`);
  if (buf[0] !== 0x7f || buf[1] !== 0x45 || buf[2] !== 0x4c || buf[3] !== 0x46) {
    throw new ElfError("not an ELF file (bad magic)");
  }
  const cls = buf[4];
  const data = buf[5];
  if (cls !== 1 && cls !== 2) throw new ElfError(`bad ELF class byte ${String(cls)} (expected 1 or 2)`);
  if (data !== 1 && data !== 2) throw new ElfError(`bad ELF data (byte order) byte ${String(data)} (expected 1 or 2)`);
  const r = new Reader(buf, cls === 2, data === 1);
  const ehsize = r.is64 ? 64 : 52;
  if (buf.length < ehsize) throw new ElfError(`file is ${buf.length} bytes, too short for a ${ehsize}-byte ELF header`);
  return r;
}

function readFileHeader(r: Reader): FileHeader {
  const o = r.is64 ? { ph: 32, sh: 40, sizes: 54 } : { ph: 28, sh: 32, sizes: 42 };
  return {
    type: r.u16(16),
    machine: r.u16(18),
    entry: r.word(24),
    phoff: r.word(o.ph),
    shoff: r.word(o.sh),
    phentsize: r.u16(o.sizes),
    phnum: r.u16(o.sizes + 2),
    shentsize: r.u16(o.sizes + 4),
    shnum: r.u16(o.sizes + 6),
  };
}

/** Entry offsets of a table, after checking entry size, count and bounds. */
function tableOffsets(r: Reader, offset: bigint, entsize: number, count: bigint, minEntsize: number, what: string): number[] {
  if (count === 0n) return [];
  if (entsize < minEntsize) throw new ElfError(`${what} entry size ${entsize} is smaller than ${minEntsize}`);
  if (count > BigInt(MAX_TABLE_ENTRIES)) throw new ElfError(`${what} has ${count} entries (at most ${MAX_TABLE_ENTRIES})`);
  const table = r.range(offset, BigInt(entsize) * count, `${what} (${count} x ${entsize} bytes)`);
  return Array.from({ length: Number(count) }, (_, i) => table.start + i * entsize);
}

function sectionHeaderSize(r: Reader): number {
  return r.is64 ? 64 : 40;
}

function readSectionHeader(r: Reader, at: number): SectionHeader & { info: number } {
  return r.is64
    ? { type: r.u32(at + 4), offset: r.u64(at + 24), size: r.u64(at + 32), link: r.u32(at + 40), info: r.u32(at + 44) }
    : { type: r.u32(at + 4), offset: BigInt(r.u32(at + 16)), size: BigInt(r.u32(at + 20)), link: r.u32(at + 24), info: r.u32(at + 28) };
}

/**
 * Section header 0, which holds the real counts when they do not fit in the
 * ELF header (extended numbering: e_shnum == 0, e_phnum == PN_XNUM).
 */
function readSectionZero(r: Reader, h: FileHeader): (SectionHeader & { info: number }) | undefined {
  if (h.shoff === 0n) return undefined;
  const [at] = tableOffsets(r, h.shoff, h.shentsize, 1n, sectionHeaderSize(r), "section header 0");
  return at === undefined ? undefined : readSectionHeader(r, at);
}

function counts(r: Reader, h: FileHeader): { phnum: bigint; shnum: bigint } {
  const needZero = h.phnum === PN_XNUM || (h.shnum === 0 && h.shoff !== 0n);
  const zero = needZero ? readSectionZero(r, h) : undefined;
  let phnum = BigInt(h.phnum);
  if (h.phnum === PN_XNUM) {
    if (!zero) throw new ElfError("e_phnum is PN_XNUM (0xffff) but there is no section header 0 holding the real count");
    phnum = BigInt(zero.info);
  }
  const shnum = h.shoff === 0n ? 0n : h.shnum === 0 ? (zero?.size ?? 0n) : BigInt(h.shnum);
  return { phnum, shnum };
}

function readProgramHeaders(r: Reader, h: FileHeader, phnum: bigint): ProgramHeader[] {
  const offsets = tableOffsets(r, h.phoff, h.phentsize, phnum, r.is64 ? 56 : 32, "program header table");
  return offsets.map((at, index) =>
    r.is64
      ? { index, type: r.u32(at), offset: r.u64(at + 8), vaddr: r.u64(at + 16), filesz: r.u64(at + 32) }
      : { index, type: r.u32(at), offset: BigInt(r.u32(at + 4)), vaddr: BigInt(r.u32(at + 8)), filesz: BigInt(r.u32(at + 16)) },
  );
}

function readSectionHeaders(r: Reader, h: FileHeader, shnum: bigint): SectionHeader[] {
  const offsets = tableOffsets(r, h.shoff, h.shentsize, shnum, sectionHeaderSize(r), "section header table");
  return offsets.map((at) => readSectionHeader(r, at));
}

function segmentRange(r: Reader, ph: ProgramHeader, what: string): Range {
  return r.range(ph.offset, ph.filesz, `${what} segment (program header ${ph.index})`);
}

/** PT_LOAD, PT_INTERP and PT_DYNAMIC must be inside the file; a truncated binary fails here. */
function checkSegmentsInFile(r: Reader, phdrs: ProgramHeader[]): void {
  const names: Record<number, string> = { [PT_LOAD]: "PT_LOAD", [PT_INTERP]: "PT_INTERP", [PT_DYNAMIC]: "PT_DYNAMIC" };
  for (const ph of phdrs) {
    const name = names[ph.type];
    if (name) segmentRange(r, ph, name);
  }
}

// ---------------------------------------------------------------------------
// PT_INTERP and the dynamic section
// ---------------------------------------------------------------------------

function readInterpreter(r: Reader, phdrs: ProgramHeader[]): string | undefined {
  const ph = phdrs.find((p) => p.type === PT_INTERP);
  if (!ph) return undefined;
  const range = segmentRange(r, ph, "PT_INTERP");
  if (range.end === range.start) throw new ElfError(`PT_INTERP segment (program header ${ph.index}) is empty`);
  return r.cstring(range.start, range, "PT_INTERP path");
}

interface DynamicInfo {
  neededOffsets: bigint[];
  strtab?: bigint;
  strsz?: bigint;
}

/** Reads d_tag/d_val pairs up to DT_NULL or the end of the segment, whichever comes first. */
function readDynamic(r: Reader, ph: ProgramHeader): DynamicInfo {
  const range = segmentRange(r, ph, "PT_DYNAMIC");
  const entsize = r.is64 ? 16 : 8;
  const info: DynamicInfo = { neededOffsets: [] };
  for (let at = range.start; at + entsize <= range.end; at += entsize) {
    const tag = r.word(at);
    const val = r.word(at + entsize / 2);
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) info.neededOffsets.push(val);
    else if (tag === DT_STRTAB) info.strtab = val;
    else if (tag === DT_STRSZ) info.strsz = val;
  }
  return info;
}

/** Maps a virtual address to the file bytes behind it, through the PT_LOAD segment containing it. */
function mapAddress(r: Reader, phdrs: ProgramHeader[], addr: bigint, what: string): Range {
  for (const ph of phdrs) {
    if (ph.type !== PT_LOAD || addr < ph.vaddr || addr >= ph.vaddr + ph.filesz) continue;
    const seg = segmentRange(r, ph, "PT_LOAD");
    return { start: seg.start + Number(addr - ph.vaddr), end: seg.end };
  }
  throw new ElfError(`${what} address ${hex(addr)} is not inside the file part of any PT_LOAD segment`);
}

/** The dynamic string table: DT_STRTAB mapped through PT_LOAD, else the section linked from SHT_DYNAMIC. */
function dynamicStringTable(r: Reader, phdrs: ProgramHeader[], shdrs: SectionHeader[], dyn: DynamicInfo): Range {
  if (dyn.strtab !== undefined) {
    const mapped = mapAddress(r, phdrs, dyn.strtab, "DT_STRTAB");
    if (dyn.strsz === undefined) return mapped;
    if (BigInt(mapped.start) + dyn.strsz > BigInt(mapped.end)) {
      throw new ElfError(`DT_STRSZ ${hex(dyn.strsz)} extends past the end of the PT_LOAD segment holding DT_STRTAB`);
    }
    return { start: mapped.start, end: mapped.start + Number(dyn.strsz) };
  }
  const dynsec = shdrs.find((s) => s.type === SHT_DYNAMIC);
  const strsec = dynsec ? shdrs[dynsec.link] : undefined;
  if (!strsec || strsec.type === SHT_NOBITS) {
    throw new ElfError("DT_NEEDED entries present but no DT_STRTAB and no .dynstr section to resolve them");
  }
  return r.range(strsec.offset, strsec.size, ".dynstr section");
}

function readNeeded(r: Reader, phdrs: ProgramHeader[], shdrs: SectionHeader[], dyn: DynamicInfo): string[] {
  if (dyn.neededOffsets.length === 0) return [];
  const strtab = dynamicStringTable(r, phdrs, shdrs, dyn);
  return dyn.neededOffsets.map((off) => {
    if (off >= BigInt(strtab.end - strtab.start)) {
      throw new ElfError(`DT_NEEDED string offset ${hex(off)} is past the end of the dynamic string table`);
    }
    return r.cstring(strtab.start + Number(off), strtab, "DT_NEEDED name");
  });
}

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

export function readElf(buf: Uint8Array): ElfInfo {
  const r = openReader(buf);
  const h = readFileHeader(r);
  const { phnum, shnum } = counts(r, h);
  const phdrs = readProgramHeaders(r, h, phnum);
  const shdrs = readSectionHeaders(r, h, shnum);
  checkSegmentsInFile(r, phdrs);

  const interpreter = readInterpreter(r, phdrs);
  const dynPh = phdrs.find((p) => p.type === PT_DYNAMIC);
  const needed = dynPh ? readNeeded(r, phdrs, shdrs, readDynamic(r, dynPh)) : [];

  const info: ElfInfo = {
    bits: r.is64 ? 64 : 32,
    endian: r.le ? "little" : "big",
    machine: h.machine,
    machineName: machineName(h.machine),
    type: TYPES[h.type] ?? "UNKNOWN",
    entry: h.entry,
    needed,
    hasDynamic: dynPh !== undefined,
    isStatic: interpreter === undefined && needed.length === 0,
    stripped: !shdrs.some((s) => s.type === SHT_SYMTAB),
  };
  if (interpreter !== undefined) info.interpreter = interpreter;
  return info;
}

/** Reads the whole file (fs errors propagate as they are) and parses it. */
export async function readElfFile(path: string): Promise<ElfInfo> {
  const buf = await readFile(path);
  try {
    return readElf(buf);
  } catch (err) {
    if (err instanceof ElfError) throw new ElfError(`${path}: ${err.message}`);
    throw err;
  }
}

const EXPECTED: Record<Platform, { bits: 64; endian: "little"; machine: number; machineName: string }> = {
  "linux/amd64": { bits: 64, endian: "little", machine: 62, machineName: "x86-64" },
  "linux/arm64": { bits: 64, endian: "little", machine: 183, machineName: "AArch64" },
};

export function expectedFor(platform: Platform): { bits: 64; endian: "little"; machine: number; machineName: string } {
  const e = EXPECTED[platform];
  if (!e) throw new Error(`unsupported platform ${JSON.stringify(platform)} (expected linux/amd64 or linux/arm64)`);
  return { ...e };
}

/** Human-readable problems with a binary meant to run as a static executable on `platform`; empty means ok. */
export function checkBinary(info: ElfInfo, platform: Platform): string[] {
  const want = expectedFor(platform);
  const problems: string[] = [];
  if (info.bits !== want.bits) problems.push(`ELF class is ${info.bits}-bit, expected ${want.bits}-bit`);
  if (info.endian !== want.endian) problems.push(`byte order is ${info.endian}-endian, expected ${want.endian}-endian`);
  if (info.machine !== want.machine) problems.push(`machine is ${info.machineName}, expected ${want.machineName}`);
  if (info.type !== "EXEC" && info.type !== "DYN") problems.push(`ELF type is ${info.type}, expected EXEC or DYN`);
  if (info.interpreter !== undefined) problems.push(`dynamically linked: interpreter ${info.interpreter}`);
  if (info.needed.length > 0) problems.push(`dynamically linked: needs ${info.needed.join(", ")}`);
  if (info.entry === 0n && (info.type === "EXEC" || info.type === "DYN")) problems.push("entry point is 0");
  return problems;
}
