/**
 * A small YAML subset parser that remembers where every value came from.
 *
 * Supported: block mappings and sequences (indented with spaces), `- key: v` mappings inside
 * sequences, one-line flow sequences `[a, b]` and mappings `{ a: 1 }`, plain, 'single' and
 * "double" quoted scalars, comments, blank lines and one leading `---`.
 * Everything else (tabs for indentation, anchors, aliases, tags, block scalars, several
 * documents, duplicate keys, bad indentation) is an error with a line and column: never a guess.
 */
import { UsageError } from "../lib/errors.js";

export interface Position {
  line: number;
  column: number;
}

export interface YamlDocument {
  value: unknown;
  /** Dotted field path (`variants.minimal.budget.size`, `platforms.1`) -> position of the value (the key for block collections). "" is the document. */
  locations: Map<string, Position>;
}

interface Line {
  no: number;
  indent: number;
  /** The line without its indentation; may still end in a comment. */
  text: string;
}

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t";
const isFlowIndicator = (c: string | undefined): boolean => c === "," || c === "[" || c === "]" || c === "{" || c === "}";

export function joinPath(path: string, key: string | number): string {
  return path === "" ? String(key) : `${path}.${key}`;
}

/** Type a plain (unquoted) scalar: booleans, null, integers and decimals; everything else stays a string. */
export function resolvePlain(s: string): unknown {
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return null;
  if (s === "true" || s === "True" || s === "TRUE") return true;
  if (s === "false" || s === "False" || s === "FALSE") return false;
  if (/^-?[0-9]+$/.test(s) || /^-?[0-9]+\.[0-9]+$/.test(s)) return Number(s);
  return s;
}

/** Define a property even for keys like `__proto__`. */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

export function parseYaml(text: string, file: string): YamlDocument {
  return new Parser(text, file).parseDocument();
}

class Parser {
  private readonly lines: Line[] = [];
  private i = 0;
  private readonly locations = new Map<string, Position>();

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.splitLines(text);
  }

  record(path: string, pos: Position): void {
    this.locations.set(path, pos);
  }

  fail(message: string, line: number, column: number): never {
    throw new UsageError(`invalid YAML: ${message}`, { file: this.file, line, column });
  }

  private splitLines(text: string): void {
    const raw = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
    let sawContent = false;
    raw.forEach((s, idx) => {
      const no = idx + 1;
      const lead = /^[ \t]*/.exec(s)?.[0] ?? "";
      const rest = s.slice(lead.length);
      if (rest === "" || rest.startsWith("#")) return;
      const tab = lead.indexOf("\t");
      if (tab >= 0) this.fail("tab character in indentation; indent with spaces", no, tab + 1);
      if (lead === "") {
        if (/^---(?:[ \t]|$)/.test(rest)) {
          if (sawContent) this.fail("several documents (`---`) are not supported; use one document per file", no, 1);
          if (!/^---[ \t]*(?:#.*)?$/.test(rest)) this.fail("content on the `---` line is not supported", no, 4);
          sawContent = true;
          return;
        }
        if (/^\.\.\.(?:[ \t]|$)/.test(rest)) this.fail("document end marker `...` is not supported", no, 1);
        if (rest.startsWith("%")) this.fail("directives (`%YAML`, `%TAG`) are not supported", no, 1);
      }
      sawContent = true;
      this.lines.push({ no, indent: lead.length, text: rest });
    });
  }

  parseDocument(): YamlDocument {
    const first = this.lines[0];
    this.locations.set("", { line: first?.no ?? 1, column: (first?.indent ?? 0) + 1 });
    if (!first) return { value: null, locations: this.locations };
    const value = this.parseBlock(first.indent, "");
    const extra = this.lines[this.i];
    if (extra) this.badIndent(extra, first.indent);
    return { value, locations: this.locations };
  }

  private badIndent(line: Line, expected: number): never {
    if (line.indent <= expected) this.fail("unexpected line: it does not continue the structure above", line.no, line.indent + 1);
    this.fail(
      `bad indentation: ${line.indent} spaces match no enclosing block (expected ${expected} or less; multi-line plain values are not supported)`,
      line.no,
      line.indent + 1,
    );
  }

  /** A node that starts on the current line, whose indentation is `indent`. */
  private parseBlock(indent: number, path: string): unknown {
    const line = this.lines[this.i];
    if (!line) return null;
    if (isSeqItem(line.text)) return this.parseSeq(indent, path);
    if (this.scanKey(line) !== null) return this.parseMap(indent, path);
    const cur = new Cursor(this, line);
    const value = cur.value(path, false);
    cur.expectEnd();
    this.i++;
    return value;
  }

  private parseMap(indent: number, path: string): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const seen = new Map<string, number>();
    for (let line = this.lines[this.i]; line && line.indent >= indent; line = this.lines[this.i]) {
      if (line.indent > indent) this.badIndent(line, indent);
      if (isSeqItem(line.text)) this.fail("expected `key: value`, found a sequence item `- `", line.no, line.indent + 1);
      const entry = this.scanKey(line);
      if (!entry) this.fail("expected `key: value`", line.no, line.indent + 1);
      const keyPos = { line: line.no, column: line.indent + 1 };
      const first = seen.get(entry.key);
      if (first !== undefined) this.fail(`duplicate key "${entry.key}" (first defined on line ${first})`, keyPos.line, keyPos.column);
      seen.set(entry.key, line.no);
      const childPath = joinPath(path, entry.key);

      const cur = new Cursor(this, line, entry.valueStart);
      let value: unknown;
      if (cur.atEnd()) {
        this.locations.set(childPath, keyPos); // a scalar on the next line overrides this
        this.i++;
        const next = this.lines[this.i];
        if (next && next.indent > indent) value = this.parseBlock(next.indent, childPath);
        else if (next && next.indent === indent && isSeqItem(next.text)) value = this.parseSeq(indent, childPath);
        else value = null;
      } else {
        value = cur.value(childPath, false);
        cur.expectEnd();
        this.i++;
      }
      setKey(obj, entry.key, value);
    }
    return obj;
  }

  private parseSeq(indent: number, path: string): unknown[] {
    const arr: unknown[] = [];
    for (let line = this.lines[this.i]; line && line.indent >= indent; line = this.lines[this.i]) {
      if (line.indent > indent) this.badIndent(line, indent);
      if (!isSeqItem(line.text)) break; // a sibling key of a mapping that holds this sequence
      const childPath = joinPath(path, arr.length);
      let p = 1;
      while (line.text[p] === " ") p++;
      if (line.text[p] === "\t") this.fail("tab character in indentation; indent with spaces", line.no, line.indent + p + 1);
      const cur = new Cursor(this, line, p);
      if (cur.atEnd()) {
        this.locations.set(childPath, { line: line.no, column: line.indent + 1 });
        this.i++;
        const next = this.lines[this.i];
        arr.push(next && next.indent > indent ? this.parseBlock(next.indent, childPath) : null);
        continue;
      }
      const inner: Line = { no: line.no, indent: line.indent + p, text: line.text.slice(p) };
      if (isSeqItem(inner.text) || this.scanKey(inner) !== null) {
        // `- key: v` or `- - x`: the rest of the line starts a nested block at this column.
        this.locations.set(childPath, { line: inner.no, column: inner.indent + 1 });
        this.lines[this.i] = inner;
        arr.push(this.parseBlock(inner.indent, childPath));
      } else {
        arr.push(cur.value(childPath, false));
        cur.expectEnd();
        this.i++;
      }
    }
    return arr;
  }

  /** If the line is a block mapping entry, its key and where the value starts. */
  scanKey(line: Line): { key: string; valueStart: number } | null {
    const t = line.text;
    const c = t[0];
    if (c === "[" || c === "{") return null;
    if (c === "?" && (t.length === 1 || isSpace(t[1]))) this.fail("complex keys (`? `) are not supported", line.no, line.indent + 1);
    let end: number;
    let key: string;
    if (c === '"' || c === "'") {
      const cur = new Cursor(this, line);
      key = cur.quoted();
      end = cur.pos;
      while (isSpace(t[end])) end++;
      if (t[end] !== ":" || !(end + 1 === t.length || isSpace(t[end + 1]))) return null;
    } else {
      end = -1;
      for (let j = 0; j < t.length; j++) {
        if (t[j] === "#" && j > 0 && isSpace(t[j - 1])) return null;
        if (t[j] === ":" && (j + 1 === t.length || isSpace(t[j + 1]))) {
          end = j;
          break;
        }
      }
      if (end < 0) return null;
      key = t.slice(0, end).trimEnd();
      if (key === "") this.fail("empty key", line.no, line.indent + 1);
      checkIndicator(this, key[0], line.no, line.indent + 1);
    }
    return { key, valueStart: end + 1 };
  }
}

function isSeqItem(text: string): boolean {
  return text === "-" || (text[0] === "-" && isSpace(text[1]));
}

function checkIndicator(p: Parser, c: string | undefined, line: number, column: number): void {
  if (c === "&") p.fail("anchors (`&`) are not supported", line, column);
  if (c === "*") p.fail("aliases (`*`) are not supported", line, column);
  if (c === "!") p.fail("tags (`!`, `!!`) are not supported", line, column);
  if (c === "|" || c === ">") p.fail("block scalars (`|`, `>`) are not supported; write the value on one line", line, column);
  if (c !== undefined && "@`%#,]}".includes(c)) p.fail(`a plain value cannot start with \`${c}\`; quote it`, line, column);
}

/** Reads values from one line, starting at `pos`. */
class Cursor {
  constructor(
    private readonly parser: Parser,
    private readonly line: Line,
    public pos = 0,
  ) {}

  private get text(): string {
    return this.line.text;
  }

  private here(pos = this.pos): Position {
    return { line: this.line.no, column: this.line.indent + pos + 1 };
  }

  private fail(message: string, pos = this.pos): never {
    const h = this.here(pos);
    return this.parser.fail(message, h.line, h.column);
  }

  private skipSpaces(): boolean {
    const start = this.pos;
    while (isSpace(this.text[this.pos])) this.pos++;
    return this.pos > start || this.pos === 0;
  }

  /** Only whitespace or a comment is left. */
  atEnd(): boolean {
    const spaced = this.skipSpaces() || isSpace(this.text[this.pos - 1]);
    return this.pos >= this.text.length || (this.text[this.pos] === "#" && spaced);
  }

  expectEnd(): void {
    if (!this.atEnd()) this.fail(`unexpected \`${this.text[this.pos]}\` after the value`);
  }

  value(path: string, flow: boolean): unknown {
    this.skipSpaces();
    const start = this.pos;
    const c = this.text[start];
    let value: unknown;
    if (c === "[") value = this.flowSeq(path);
    else if (c === "{") value = this.flowMap(path);
    else if (c === '"' || c === "'") value = this.quoted();
    else {
      const h = this.here();
      checkIndicator(this.parser, c, h.line, h.column);
      if (c === "-" && (isSpace(this.text[start + 1]) || start + 1 === this.text.length))
        this.fail("a sequence item `- ` is not allowed here");
      if (c === "?" && isSpace(this.text[start + 1])) this.fail("complex keys (`? `) are not supported");
      value = resolvePlain(flow ? this.plainFlow() : this.plainBlock());
      if (typeof value === "number" && !Number.isSafeInteger(value) && Number.isInteger(value)) {
        this.fail("integer is too large to be represented exactly; quote it if it is a string", start);
      }
    }
    this.parser.record(path, this.here(start));
    return value;
  }

  private plainBlock(): string {
    const t = this.text;
    let end = this.pos;
    for (let j = this.pos; j < t.length; j++) {
      if (t[j] === "#" && isSpace(t[j - 1])) break;
      if (t[j] === ":" && (j + 1 === t.length || isSpace(t[j + 1]))) this.fail("unexpected `: ` inside a plain value; quote the value", j);
      end = j + 1;
    }
    const s = t.slice(this.pos, end).trimEnd();
    this.pos += s.length;
    return s;
  }

  private plainFlow(): string {
    const t = this.text;
    let j = this.pos;
    for (; j < t.length; j++) {
      const c = t[j];
      if (isFlowIndicator(c)) break;
      if (c === "#" && isSpace(t[j - 1])) break;
      if (c === ":" && (j + 1 === t.length || isSpace(t[j + 1]) || isFlowIndicator(t[j + 1]))) break;
    }
    const s = t.slice(this.pos, j).trimEnd();
    if (s === "") this.fail(`expected a value, found ${j < t.length ? `\`${t[j]}\`` : "the end of the line"}`);
    this.pos += s.length;
    return s;
  }

  private flowEnd(close: string): never {
    return this.fail(`unterminated flow collection: expected \`${close}\` (flow collections must fit on one line)`);
  }

  private flowSeq(path: string): unknown[] {
    const arr: unknown[] = [];
    this.pos++;
    for (;;) {
      if (this.atEnd()) this.flowEnd("]");
      if (this.text[this.pos] === "]") break;
      arr.push(this.value(joinPath(path, arr.length), true));
      if (this.atEnd()) this.flowEnd("]");
      const c = this.text[this.pos];
      if (c === ",") this.pos++;
      else if (c === "]") break;
      else if (c === ":") this.fail("`key: value` pairs inside a flow sequence are not supported; use `{ key: value }`");
      else this.fail(`expected \`,\` or \`]\`, found \`${c}\``);
    }
    this.pos++;
    return arr;
  }

  private flowMap(path: string): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.pos++;
    for (;;) {
      if (this.atEnd()) this.flowEnd("}");
      if (this.text[this.pos] === "}") break;
      const keyAt = this.pos;
      const c = this.text[keyAt];
      let key: string;
      if (c === '"' || c === "'") key = this.quoted();
      else {
        if (c === "[" || c === "{") this.fail("collections as keys are not supported");
        const h = this.here();
        checkIndicator(this.parser, c, h.line, h.column);
        key = this.plainFlow();
      }
      if (seen.has(key)) this.fail(`duplicate key "${key}"`, keyAt);
      seen.add(key);
      const childPath = joinPath(path, key);
      this.skipSpaces();
      if (this.text[this.pos] !== ":") this.fail(`expected \`:\` after key "${key}"`);
      this.pos++;
      this.skipSpaces();
      let value: unknown = null;
      const next = this.text[this.pos];
      if (next === "," || next === "}") this.parser.record(childPath, this.here(keyAt));
      else value = this.value(childPath, true);
      setKey(obj, key, value);
      if (this.atEnd()) this.flowEnd("}");
      const d = this.text[this.pos];
      if (d === ",") this.pos++;
      else if (d === "}") break;
      else this.fail(`expected \`,\` or \`}\`, found \`${d}\``);
    }
    this.pos++;
    return obj;
  }

  /** A single- or double-quoted scalar starting at `pos`; always a string. */
  quoted(): string {
    const t = this.text;
    const q = t[this.pos];
    const start = this.pos;
    let out = "";
    let j = this.pos + 1;
    for (;;) {
      if (j >= t.length)
        this.fail(`unterminated ${q === '"' ? "double" : "single"}-quoted string (multi-line strings are not supported)`, start);
      const c = t[j] as string;
      if (q === "'") {
        if (c === "'") {
          if (t[j + 1] === "'") {
            out += "'";
            j += 2;
            continue;
          }
          break;
        }
        out += c;
        j++;
        continue;
      }
      if (c === '"') break;
      if (c !== "\\") {
        out += c;
        j++;
        continue;
      }
      const [decoded, width] = this.escape(j);
      out += decoded;
      j += width;
    }
    this.pos = j + 1;
    return out;
  }

  private escape(at: number): [string, number] {
    const e = this.text[at + 1];
    const simple: Record<string, string> = {
      "0": "\0",
      a: "\x07",
      b: "\b",
      t: "\t",
      "\t": "\t",
      n: "\n",
      v: "\v",
      f: "\f",
      r: "\r",
      e: "\x1b",
      " ": " ",
      '"': '"',
      "/": "/",
      "\\": "\\",
      N: "\x85",
      _: "\xa0",
      L: "\u2028",
      P: "\u2029",
    };
    if (e !== undefined && Object.hasOwn(simple, e)) return [simple[e] as string, 2];
    const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hexLen > 0) {
      const hex = this.text.slice(at + 2, at + 2 + hexLen);
      const cp = /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLen ? parseInt(hex, 16) : NaN;
      if (Number.isNaN(cp) || cp > 0x10ffff) this.fail(`invalid escape \`\\${e}${hex}\``, at);
      return [String.fromCodePoint(cp), 2 + hexLen];
    }
    return this.fail(`unknown escape \`\\${e ?? ""}\` in double-quoted string`, at);
  }
}
