/**
 * GNU ld's link map (`-Wl,-Map,FILE`, plus `-Wl,--cref`), read for size attribution:
 * - "Linker script and memory map": each output section with its size, the input sections the
 *   linker kept in it (section, size, object file) and the `*fill*` padding between them;
 * - "Cross Reference Table": for each global symbol, the file that defines it and the files
 *   that refer to it.
 * The part before the memory map (archive members pulled in, discarded input sections, memory
 * configuration) is skipped: discarded sections take no bytes.
 */

interface MapInputSection {
  /** ".text.httpd_main", ".rodata.str1.1", "COMMON". */
  section: string;
  size: number;
  /** As the map names it: "networking/lib.a(httpd.o)", "/usr/lib/musl/lib/libc.a(printf.o)", "applets/built-in.o". */
  file: string;
  /** The global symbols the map lists inside this input section. */
  symbols: string[];
}

interface MapOutputSection {
  /** ".text", ".rodata", ".data", ".bss", ... */
  name: string;
  address: number;
  size: number;
  inputs: MapInputSection[];
  /** Bytes of `*fill*` lines (alignment padding the linker inserted). */
  fill: number;
}

interface CrossReference {
  symbol: string;
  /** The file that defines the symbol. */
  definedIn: string;
  /** The files that refer to it. */
  referencedBy: string[];
}

export interface LinkMap {
  outputs: MapOutputSection[];
  /** Empty when the map was written without --cref. */
  crossReferences: CrossReference[];
}

const HEX = "0x[0-9a-fA-F]+";
/** " .text.foo  0xADDR  0xSIZE  file" (name and numbers on one line). */
const INPUT_ONE_LINE = new RegExp(`^ (\\S+)\\s+(${HEX})\\s+(${HEX})\\s+(.+)$`);
/** "                0xADDR  0xSIZE  file" (the numbers of a long name on the next line). */
const NUMBERS_FILE = new RegExp(`^\\s+(${HEX})\\s+(${HEX})\\s+(.+)$`);
/** ".text  0xADDR  0xSIZE" (an output section) or ".text  0xADDR  0xSIZE  load address ..." */
const OUTPUT_ONE_LINE = new RegExp(`^(\\.\\S+|\\S+)\\s+(${HEX})\\s+(${HEX})(?:\\s.*)?$`);
const NUMBERS_ONLY = new RegExp(`^\\s+(${HEX})\\s+(${HEX})(?:\\s+load address.*)?$`);
/** "                0xADDR                symbol" */
const SYMBOL = new RegExp(`^\\s+(${HEX})\\s+([A-Za-z_.$][^\\s=]*)\\s*$`);
const FILL = new RegExp(`^ \\*fill\\*\\s+(${HEX})\\s+(${HEX})`);

const num = (hex: string) => Number.parseInt(hex, 16);

/** Parses a GNU ld map. Throws when the text has no memory map (not a link map). */
export function parseLinkMap(text: string): LinkMap {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.startsWith("Linker script and memory map"));
  if (start < 0) throw new Error('not a GNU ld link map: no "Linker script and memory map" section');
  const crefAt = lines.findIndex((l, i) => i > start && l.startsWith("Cross Reference Table"));
  const end = crefAt < 0 ? lines.length : crefAt;

  const outputs: MapOutputSection[] = [];
  let out: MapOutputSection | undefined;
  let pendingOutput: string | undefined;
  let pendingInput: string | undefined;
  let lastInput: MapInputSection | undefined;
  for (let i = start + 1; i < end; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    if (line.trim() === "") continue;
    if (pendingOutput !== undefined) {
      const m = NUMBERS_ONLY.exec(line);
      const name = pendingOutput;
      pendingOutput = undefined;
      if (m) {
        out = { name, address: num(m[1]!), size: num(m[2]!), inputs: [], fill: 0 };
        outputs.push(out);
        lastInput = undefined;
        continue;
      }
    }
    if (pendingInput !== undefined) {
      const m = NUMBERS_FILE.exec(line);
      const section = pendingInput;
      pendingInput = undefined;
      if (m && out) {
        lastInput = { section, size: num(m[2]!), file: m[3]!.trim(), symbols: [] };
        out.inputs.push(lastInput);
        continue;
      }
    }
    if (!line.startsWith(" ")) {
      // An output section (or a top-level script statement such as "LOAD", "OUTPUT(...)", "x = ...").
      if (/^(LOAD|OUTPUT|START GROUP|END GROUP|TARGET)\b/.test(line) || line.includes(" = ")) continue;
      const m = OUTPUT_ONE_LINE.exec(line);
      if (m) {
        out = { name: m[1]!, address: num(m[2]!), size: num(m[3]!), inputs: [], fill: 0 };
        outputs.push(out);
        lastInput = undefined;
      } else if (/^\S+$/.test(line)) pendingOutput = line;
      continue;
    }
    if (!out) continue;
    let m = FILL.exec(line);
    if (m) {
      out.fill += num(m[2]!);
      lastInput = undefined;
      continue;
    }
    if (line.startsWith(" *") || line.includes(" = ") || /^\s+\[!?provide\]/.test(line)) continue;
    m = INPUT_ONE_LINE.exec(line);
    if (m) {
      lastInput = { section: m[1]!, size: num(m[3]!), file: m[4]!.trim(), symbols: [] };
      out.inputs.push(lastInput);
      continue;
    }
    if ((m = /^ (\S+)$/.exec(line))) {
      pendingInput = m[1]!;
      continue;
    }
    if ((m = SYMBOL.exec(line)) && lastInput) lastInput.symbols.push(m[2]!);
  }
  return { outputs, crossReferences: crefAt < 0 ? [] : parseCref(lines.slice(crefAt + 1)) };
}

/**
 * "Symbol  File" then, per symbol, "name   defining-file" and one indented line per referring
 * file. A name too long for its column is followed by the file on the next line.
 */
function parseCref(lines: readonly string[]): CrossReference[] {
  const out: CrossReference[] = [];
  let cur: CrossReference | undefined;
  let pendingSymbol: string | undefined;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || /^Symbol\s+File$/.test(line.trim())) continue;
    if (!line.startsWith(" ")) {
      const m = /^(\S+)\s+(\S.*)$/.exec(line);
      if (m) {
        cur = { symbol: m[1]!, definedIn: m[2]!.trim(), referencedBy: [] };
        out.push(cur);
        pendingSymbol = undefined;
      } else {
        pendingSymbol = line.trim();
        cur = undefined;
      }
      continue;
    }
    const file = line.trim();
    if (pendingSymbol !== undefined) {
      cur = { symbol: pendingSymbol, definedIn: file, referencedBy: [] };
      out.push(cur);
      pendingSymbol = undefined;
    } else if (cur) cur.referencedBy.push(file);
  }
  return out;
}
