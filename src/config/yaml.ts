/**
 * YAML for the config, read by the `yaml` package (YAML 1.2, core schema), and remembered by
 * where every value came from.
 *
 * Everything ordinary YAML has is accepted: block and flow collections, block scalars (`|`, `>`),
 * multi-line plain and quoted values, comments, anchors and aliases, merge keys (`<<`), the
 * standard tags (`!!str`, `!!int`, ...) and one document with optional `---` / `...` markers.
 * Refused, each with a reason, a line and a column: syntax errors, tabs as indentation,
 * duplicate keys, several documents, custom tags, `%YAML` versions other than 1.2, keys that are
 * not scalars, aliases to no anchor, and integers too large to be exact.
 */
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Scalar,
  visit,
  type YAMLError,
  type YAMLMap,
  type YAMLSeq,
} from "yaml";
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

export function joinPath(path: string, key: string | number): string {
  return path === "" ? String(key) : `${path}.${key}`;
}

/** Aliases can multiply a small file into a huge value ("billion laughs"); no config comes near this. */
const MAX_NODES = 100_000;
const STANDARD_TAGS = "!!str, !!int, !!float, !!bool, !!null, !!seq, !!map";

/** Where a node starts in the source, if it is a node with a range. */
const startOf = (n: unknown): number | undefined => (n as { range?: [number, number, number] } | null)?.range?.[0];

export function parseYaml(text: string, file: string): YamlDocument {
  const src = text.replace(/^\uFEFF/, "");
  const lineCounter = new LineCounter();
  const doc = parseDocument(src, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: true, strict: true });
  const reader = new Reader(src, file, doc, lineCounter);
  reader.checkSyntax();
  return reader.read();
}

class Reader {
  private readonly locations = new Map<string, Position>();
  /** Collections being converted, to refuse an alias that points into its own anchor. */
  private readonly open = new Set<unknown>();
  private nodes = 0;
  /** Where the outermost alias being expanded is written, to place an error about expansion. */
  private expanding: number | undefined;

  constructor(
    private readonly src: string,
    private readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lc: LineCounter,
  ) {}

  private at(offset: number): Position {
    const p = this.lc.linePos(offset);
    return { line: p.line, column: p.col };
  }

  private fail(message: string, offset: number): never {
    throw new UsageError(`invalid YAML: ${message}`, { file: this.file, ...this.at(offset) });
  }

  /** The first problem the library found (errors, and warnings that would change the value), in reading order. */
  checkSyntax(): void {
    const problems = [...this.doc.errors, ...this.doc.warnings.filter((w) => !isHarmless(w))];
    // Syntax errors first: on a broken structure the library can also see keys that are not there.
    problems.sort((a, b) => tier(a) - tier(b) || a.pos[0] - b.pos[0] || rank(a) - rank(b));
    const first = problems[0];
    if (first) this.explain(first);
    const version = this.doc.directives?.yaml;
    if (version?.explicit && version.version !== "1.2") {
      const m = /^%YAML[ \t]/m.exec(this.src);
      this.fail(
        `\`%YAML ${version.version}\` is not supported: the config is read as YAML 1.2 (where yes/no are text, not booleans); remove the directive`,
        m?.index ?? 0,
      );
    }
  }

  /** One library error -> a UsageError saying what is wrong and what to write instead. */
  private explain(err: YAMLError): never {
    const pos = err.pos[0];
    const msg = err.message;
    const ch = this.src[pos] ?? "";
    switch (err.code) {
      case "TAB_AS_INDENT":
        return this.fail("tab character in indentation; indent with spaces", pos);
      case "DUPLICATE_KEY":
        return this.duplicateKey(pos);
      case "MULTIPLE_DOCS":
        return this.fail(
          "several documents in one file: a second document starts here (after `---` or `...`); a config file holds one document",
          this.lineContentStart(pos),
        );
      case "BAD_DQ_ESCAPE":
        return this.fail(`unknown escape \`${msg.replace(/^Invalid escape sequence /, "")}\` in double-quoted string`, pos);
      case "BAD_SCALAR_START":
        return this.fail(`a plain value cannot start with \`${ch}\`; quote it`, pos);
      case "TAG_RESOLVE_FAILED": {
        const tag = /^!\S*/.exec(this.src.slice(pos))?.[0] ?? "";
        return this.fail(`unknown tag \`${tag}\`; tags are limited to the standard ones (${STANDARD_TAGS})`, pos);
      }
      case "BLOCK_AS_IMPLICIT_KEY":
        if (/^Nested mappings/.test(msg)) return this.nestedMapping(pos);
        if (/^A block sequence/.test(msg)) {
          return this.fail(
            "bad indentation: this `- ` item lines up with no sequence above it (the items of one sequence start at the same column)",
            this.lineContentStart(pos),
          );
        }
        break;
      case "UNEXPECTED_TOKEN":
        if (/at node end$/.test(msg)) return this.fail(`unexpected \`${this.snippet(pos)}\` after the value`, pos);
        if (/block-seq-ind/.test(msg)) return this.fail("a sequence item `- ` is not allowed here: the line above is a `key: value`", pos);
        if (/flow-(seq|map)-end/.test(msg))
          return this.fail(
            `unexpected \`${ch}\` with no \`${ch === "]" ? "[" : "{"}\` before it (a plain value cannot start with \`${ch}\`; quote it)`,
            pos,
          );
        break;
      case "BAD_INDENT": {
        const flow = /^Flow (sequence|map) in block collection/.exec(msg);
        if (flow) return this.unterminatedFlow(flow[1] === "map" ? "map" : "sequence", pos);
        return this.fail(`bad indentation: ${lowerFirst(msg)}`, this.lineContentStart(pos));
      }
      case "MISSING_CHAR": {
        const quote = /^Missing closing (["'])quote/.exec(msg);
        if (quote) return this.unterminatedQuote(quote[1] === '"' ? "double" : "single", pos);
        if (/^Implicit map keys need to be followed/.test(msg)) {
          return this.fail(
            "expected `key: value`, found text without `: ` (a value continued on the next line must be indented more than its key)",
            pos,
          );
        }
        if (/directives-end/.test(msg)) {
          const directive = this.src.lastIndexOf("\n%", pos);
          return this.fail("directives (`%YAML`, `%TAG`) must be followed by a `---` line", directive < 0 ? 0 : directive + 1);
        }
        break;
      }
    }
    return this.fail(lowerFirst(msg), pos);
  }

  private snippet(pos: number): string {
    return /^[^\s,\]}#]+/.exec(this.src.slice(pos))?.[0] ?? (this.src[pos] || "end of line");
  }

  /** The first non-blank character of the line that holds `pos`, if `pos` is inside its indentation. */
  private lineContentStart(pos: number): number {
    const start = this.src.lastIndexOf("\n", pos - 1) + 1;
    const indent = /^[ \t]*/.exec(this.src.slice(start))?.[0].length ?? 0;
    return pos < start + indent ? start + indent : pos;
  }

  private duplicateKey(pos: number): never {
    let found: { key: string; first: number } | undefined;
    visit(this.doc, {
      Map: (_, map) => {
        const keys = map.items.map((p) => p.key).filter(isScalar);
        const dup = keys.find((k) => k.range?.[0] === pos);
        const first = dup && keys.find((k) => k !== dup && k.value === dup.value);
        if (dup && first?.range) {
          found = { key: String(dup.value), first: first.range[0] };
          return visit.BREAK;
        }
        return undefined;
      },
    });
    if (!found) return this.fail("duplicate key", pos);
    return this.fail(`duplicate key "${found.key}" (first defined on line ${this.at(found.first).line})`, pos);
  }

  /** `a: b: c` or a deeper-indented key under `a: 1`: a mapping where a one-line value already began. */
  private nestedMapping(pos: number): never {
    const colon = /:(?=[ \t\r\n]|$)/g;
    colon.lastIndex = pos;
    const m = colon.exec(this.src);
    if (!m) return this.fail("a value on the same line as its key cannot be a mapping", pos);
    const valueLine = this.at(pos).line;
    if (this.at(m.index).line === valueLine) return this.fail("unexpected `: ` inside a plain value; quote the value", m.index);
    return this.fail(
      `bad indentation: this key is indented under a key whose value already began on line ${valueLine}; indent it like its siblings`,
      this.lineContentStart(this.src.lastIndexOf("\n", m.index) + 1),
    );
  }

  private unterminatedFlow(kind: "sequence" | "map", pos: number): never {
    const [open, close] = kind === "map" ? ["{", "}"] : ["[", "]"];
    let start: number | undefined;
    visit(this.doc, {
      Node: (_, node) => {
        const r = node.range;
        if (isCollection(node) && node.flow && r && r[0] < pos && r[2] >= pos && this.src[r[0]] === open) start = r[0];
      },
    });
    const where = start === undefined ? "" : ` on line ${this.at(start).line}`;
    return this.fail(
      `unterminated flow ${kind === "map" ? "mapping" : "sequence"}: the \`${open}\`${where} has no matching \`${close}\` (a flow collection may continue on the next lines, indented more than its key)`,
      start ?? pos,
    );
  }

  private unterminatedQuote(kind: "double" | "single", pos: number): never {
    let start: number | undefined;
    visit(this.doc, {
      Scalar: (_, node) => {
        const r = node.range;
        if ((node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && r && r[0] < pos && r[1] >= pos) start = r[0];
      },
    });
    const q = kind === "double" ? '"' : "'";
    return this.fail(`unterminated ${kind}-quoted string: no closing \`${q}\` (a quoted value may span lines, but must end)`, start ?? pos);
  }

  read(): YamlDocument {
    const root = this.doc.contents;
    const pos = root?.range ? this.at(root.range[0]) : { line: 1, column: 1 };
    const value = this.value(root, "", pos);
    return { value, locations: this.locations };
  }

  private value(node: unknown, path: string, pos: Position): unknown {
    this.locations.set(path, pos);
    if (++this.nodes > MAX_NODES) {
      this.fail(`the document expands to more than ${MAX_NODES} values (through aliases)`, this.expanding ?? startOf(node) ?? 0);
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      const start = node.range?.[0] ?? 0;
      if (!target) {
        this.fail(`unknown alias \`*${node.source}\`: aliases refer to an anchor \`&${node.source}\` defined earlier in the file`, start);
      }
      if (this.open.has(target)) this.fail(`alias \`*${node.source}\` refers to a collection that contains it`, start);
      const outermost = this.expanding === undefined;
      if (outermost) this.expanding = start;
      const value = this.value(target, path, pos);
      if (outermost) this.expanding = undefined;
      return value;
    }
    if (isScalar(node)) return this.scalar(node);
    if (isMap(node)) return this.map(node, path);
    if (isSeq(node)) return this.seq(node, path);
    return this.fail("unsupported node", 0);
  }

  private scalar(node: Scalar): unknown {
    const v = node.value;
    const start = node.range?.[0] ?? 0;
    if (typeof v === "number") {
      const intLiteral = /^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(node.source ?? "");
      if (intLiteral && !Number.isSafeInteger(v)) {
        this.fail("integer is too large to be represented exactly; quote it if it is a string", start);
      }
      return v;
    }
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    const tag = node.tag?.replace(/^tag:yaml\.org,2002:/, "!!") ?? typeof v;
    const tagAt = this.src.lastIndexOf(tag, start);
    return this.fail(
      `the tag \`${tag}\` is not supported; tags are limited to the standard ones (${STANDARD_TAGS})`,
      tagAt >= 0 && tagAt >= this.src.lastIndexOf("\n", start) ? tagAt : start,
    );
  }

  /** Where a child's value is: the key (or `-`) for an empty value or a block collection, else the value itself. */
  private childPos(keyOrDash: number, value: unknown): Position {
    if (value === null || value === undefined) return this.at(keyOrDash);
    if (isScalar(value) && value.value === null && value.source === "") return this.at(keyOrDash);
    if (isCollection(value) && !value.flow) return this.at(keyOrDash);
    return this.at(startOf(value) ?? keyOrDash);
  }

  private keyText(key: unknown, fallback: number): string {
    if (isScalar(key)) {
      if (key.value === null && key.source === "") this.fail("empty key", key.range?.[0] ?? fallback);
      return typeof key.value === "string" ? key.value : (key.source ?? String(key.value));
    }
    const start = startOf(key) ?? fallback;
    if (isAlias(key)) this.fail("an alias cannot be a key; write the key out", start);
    if (key === null || key === undefined) this.fail("empty key", fallback);
    return this.fail("a key must be a scalar (text), not a sequence or mapping", start);
  }

  private map(node: YAMLMap, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const start = node.range?.[0] ?? 0;
    this.open.add(node);
    const isMerge = (key: unknown) => isScalar(key) && typeof key.value === "symbol";
    // Keys written in this mapping win over merged ones, wherever the `<<` is.
    const written = new Map<string, number>();
    for (const pair of node.items) {
      if (isMerge(pair.key)) continue;
      const keyStart = startOf(pair.key) ?? startOf(pair.value) ?? start;
      const key = this.keyText(pair.key, keyStart);
      const first = written.get(key);
      if (first !== undefined) this.fail(`duplicate key "${key}" (first defined on line ${this.at(first).line})`, keyStart);
      written.set(key, keyStart);
    }
    for (const pair of node.items) {
      if (isMerge(pair.key)) {
        this.merge(pair.value, path, out, written, startOf(pair.key) ?? start);
        continue;
      }
      const key = this.keyText(pair.key, start);
      const keyStart = written.get(key) ?? start;
      setKey(out, key, this.value(pair.value, joinPath(path, key), this.childPos(keyStart, pair.value)));
    }
    this.open.delete(node);
    return out;
  }

  /** `<<: *a` or `<<: [*a, *b]`: keys of the earlier sources win; keys written beside `<<` win over all. */
  private merge(value: unknown, path: string, out: Record<string, unknown>, written: Map<string, number>, at: number): void {
    const resolve = (n: unknown): unknown => (isAlias(n) ? n.resolve(this.doc) : n);
    const target = resolve(value);
    const sources = isSeq(target) ? target.items.map(resolve) : [target];
    for (const source of sources) {
      if (!isMap(source)) {
        if (isAlias(value) && !target) this.value(value, path, this.at(at)); // reports the unknown alias
        this.fail("a merge key `<<` takes a mapping or a list of mappings (usually aliases like `*defaults`)", at);
      }
      if (this.open.has(source)) this.fail("a merge key `<<` refers to a mapping that contains it", at);
      for (const pair of source.items) {
        if (isScalar(pair.key) && typeof pair.key.value === "symbol") continue; // a source's own merges are not followed
        const keyStart = startOf(pair.key) ?? at;
        const key = this.keyText(pair.key, at);
        if (written.has(key) || Object.hasOwn(out, key)) continue;
        setKey(out, key, this.value(pair.value, joinPath(path, key), this.childPos(keyStart, pair.value)));
      }
    }
  }

  private seq(node: YAMLSeq, path: string): unknown[] {
    this.open.add(node);
    const out = node.items.map((item, i) => {
      let start = startOf(item) ?? startOf(node) ?? 0;
      // An empty item is positioned at its `-`.
      if (isScalar(item) && item.value === null && item.source === "") {
        let j = start - 1;
        while (j >= 0 && (this.src[j] === " " || this.src[j] === "\t")) j--;
        if (this.src[j] === "-") start = j;
      }
      return this.value(item, joinPath(path, i), this.childPos(start, item));
    });
    this.open.delete(node);
    return out;
  }
}

const tier = (e: YAMLError): number => (e.code === "DUPLICATE_KEY" ? 1 : 0);

const RANK = [
  "TAB_AS_INDENT",
  "DUPLICATE_KEY",
  "MULTIPLE_DOCS",
  "BAD_DQ_ESCAPE",
  "BAD_SCALAR_START",
  "UNEXPECTED_TOKEN",
  "BLOCK_AS_IMPLICIT_KEY",
];
/** Errors at the same place: the most telling first. */
function rank(e: YAMLError): number {
  const i = RANK.indexOf(e.code);
  if (i >= 0) return i;
  return e.code === "MULTILINE_IMPLICIT_KEY" || e.code === "MISSING_CHAR" ? 100 : 50;
}

/** A closing `]` or `}` less indented than its key is read correctly; the library only warns about it. */
function isHarmless(w: YAMLError): boolean {
  return w.code === "BAD_INDENT" && /^Flow end indicator/.test(w.message);
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** Define a property even for keys like `__proto__`. */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
