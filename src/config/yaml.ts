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
import type { Alias, Document, Node, Scalar, YAMLError, YAMLMap, YAMLSeq } from "yaml";
import { isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml";
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

export function parseYaml(text: string, file: string): YamlDocument {
  const src = text.replace(/^\uFEFF/, "");
  const lineCounter = new LineCounter();
  // Duplicate keys are found by Reader.map with a Map per mapping: the library's own check
  // (uniqueKeys) compares every key with every other, minutes for a mapping of 80,000 keys.
  const doc = parseDocument(src, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: false, strict: true });
  return new Reader(src, file, doc, lineCounter).read();
}

/** Aliases can multiply a small file into a huge value ("billion laughs"); no config comes near this. */
const MAX_NODES = 100_000;
const STANDARD_TAGS = "!!str, !!int, !!float, !!bool, !!null, !!seq, !!map";
const UNKNOWN_TAG = `tags are limited to the standard ones (${STANDARD_TAGS})`;

/** Where a node starts in the source, if it is a node with a range. */
const startOf = (n: unknown): number | undefined =>
  typeof n === "object" && n !== null && "range" in n && Array.isArray(n.range) && typeof n.range[0] === "number" ? n.range[0] : undefined;
/** A value left out (`a:`, `-`). */
const isEmpty = (n: unknown): boolean => isScalar(n) && n.value === null && n.source === "";
const isMergeKey = (k: unknown): boolean => isScalar(k) && typeof k.value === "symbol";
const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** Errors at the same place: the most telling first; syntax errors before duplicate keys (a broken structure can show keys that are not there). */
const RANK = "TAB_AS_INDENT DUPLICATE_KEY MULTIPLE_DOCS BAD_DQ_ESCAPE BAD_SCALAR_START UNEXPECTED_TOKEN BLOCK_AS_IMPLICIT_KEY".split(" ");
const rank = (e: YAMLError): number =>
  RANK.includes(e.code) ? RANK.indexOf(e.code) : e.code === "MULTILINE_IMPLICIT_KEY" || e.code === "MISSING_CHAR" ? 100 : 50;
const byImportance = (a: YAMLError, b: YAMLError): number =>
  Number(a.code === "DUPLICATE_KEY") - Number(b.code === "DUPLICATE_KEY") || a.pos[0] - b.pos[0] || rank(a) - rank(b);
/** A closing `]` or `}` less indented than its key is read correctly; the library only warns about it. */
const isHarmless = (w: YAMLError): boolean => w.code === "BAD_INDENT" && /^Flow end indicator/.test(w.message);

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

  read(): YamlDocument {
    this.checkSyntax();
    const root = this.doc.contents;
    const value = this.value(root, "", root?.range ? this.at(root.range[0]) : { line: 1, column: 1 });
    return { value, locations: this.locations };
  }

  private at(offset: number): Position {
    const p = this.lc.linePos(offset);
    return { line: p.line, column: p.col };
  }

  private fail(message: string, offset: number): never {
    throw new UsageError(`invalid YAML: ${message}`, { file: this.file, ...this.at(offset) });
  }

  private duplicate(key: string, first: number, pos: number): never {
    return this.fail(`duplicate key "${key}" (first defined on line ${this.at(first).line})`, pos);
  }

  /** The first problem the library found (errors, and warnings that would change the value), then the `%YAML` version. */
  private checkSyntax(): void {
    const first = [...this.doc.errors, ...this.doc.warnings.filter((w) => !isHarmless(w))].sort(byImportance)[0];
    if (first) this.explain(first);
    const version = this.doc.directives?.yaml;
    if (version?.explicit && version.version !== "1.2") {
      this.fail(
        `\`%YAML ${version.version}\` is not supported: the config is read as YAML 1.2 (where yes/no are text, not booleans); remove the directive`,
        /^%YAML[ \t]/m.exec(this.src)?.index ?? 0,
      );
    }
  }

  /** One library error -> a UsageError saying what is wrong and what to write instead. */
  private explain({ code, message: msg, pos: [pos] }: YAMLError): never {
    const ch = this.src[pos] ?? "";
    const has = (re: RegExp): boolean => re.test(msg);
    switch (code) {
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
      case "TAG_RESOLVE_FAILED":
        return this.fail(`unknown tag \`${/^!\S*/.exec(this.src.slice(pos))?.[0] ?? ""}\`; ${UNKNOWN_TAG}`, pos);
      case "BLOCK_AS_IMPLICIT_KEY":
        if (has(/^Nested mappings/)) return this.nestedMapping(pos);
        if (has(/^A block sequence/)) {
          const why = "this `- ` item lines up with no sequence above it (the items of one sequence start at the same column)";
          return this.fail(`bad indentation: ${why}`, this.lineContentStart(pos));
        }
        break;
      case "UNEXPECTED_TOKEN":
        if (has(/at node end$/)) return this.fail(`unexpected \`${this.snippet(pos)}\` after the value`, pos);
        if (has(/block-seq-ind/)) return this.fail("a sequence item `- ` is not allowed here: the line above is a `key: value`", pos);
        if (has(/flow-(seq|map)-end/)) {
          const opener = ch === "]" ? "[" : "{";
          return this.fail(
            `unexpected \`${ch}\` with no \`${opener}\` before it (a plain value cannot start with \`${ch}\`; quote it)`,
            pos,
          );
        }
        break;
      case "BAD_INDENT": {
        const flow = /^Flow (sequence|map) in block collection/.exec(msg);
        if (flow) return this.unterminatedFlow(flow[1] === "map", pos);
        return this.fail(`bad indentation: ${lowerFirst(msg)}`, this.lineContentStart(pos));
      }
      case "MISSING_CHAR": {
        const quote = /^Missing closing (["'])quote/.exec(msg)?.[1];
        if (quote) return this.unterminatedQuote(quote, pos);
        if (has(/^Implicit map keys need to be followed/)) {
          const why = "found text without `: ` (a value continued on the next line must be indented more than its key)";
          return this.fail(`expected \`key: value\`, ${why}`, pos);
        }
        if (has(/directives-end/)) {
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
    return Math.max(pos, start + indent);
  }

  /** Every node of the document, in reading order. */
  private allNodes(): Node[] {
    const nodes: Node[] = [];
    visit(this.doc, { Node: (_, node) => void nodes.push(node) });
    return nodes;
  }

  /** Where the last node (in reading order) that passes `test` starts. */
  private lastStart(test: (node: Node, range: [number, number, number]) => boolean): number | undefined {
    return this.allNodes().findLast((n) => n.range && test(n, n.range))?.range?.[0];
  }

  private duplicateKey(pos: number): never {
    for (const map of this.allNodes().filter(isMap)) {
      const keys = map.items.map((p) => p.key).filter(isScalar);
      const dup = keys.find((k) => k.range?.[0] === pos);
      const first = dup && keys.find((k) => k !== dup && k.value === dup.value);
      if (dup && first?.range) return this.duplicate(String(dup.value), first.range[0], pos);
    }
    return this.fail("duplicate key", pos);
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

  private unterminatedFlow(map: boolean, pos: number): never {
    const [open, close, kind] = map ? ["{", "}", "mapping"] : ["[", "]", "sequence"];
    const start = this.lastStart((n, r) => isCollection(n) && n.flow === true && r[0] < pos && r[2] >= pos && this.src[r[0]] === open);
    const where = start === undefined ? "" : ` on line ${this.at(start).line}`;
    return this.fail(
      `unterminated flow ${kind}: the \`${open}\`${where} has no matching \`${close}\` (a flow collection may continue on the next lines, indented more than its key)`,
      start ?? pos,
    );
  }

  private unterminatedQuote(q: string, pos: number): never {
    const quoted = (n: Node): boolean => isScalar(n) && (n.type === "QUOTE_DOUBLE" || n.type === "QUOTE_SINGLE");
    const start = this.lastStart((n, r) => quoted(n) && r[0] < pos && r[1] >= pos);
    const kind = q === '"' ? "double" : "single";
    return this.fail(`unterminated ${kind}-quoted string: no closing \`${q}\` (a quoted value may span lines, but must end)`, start ?? pos);
  }

  private value(node: unknown, path: string, pos: Position): unknown {
    this.locations.set(path, pos);
    if (++this.nodes > MAX_NODES) {
      this.fail(`the document expands to more than ${MAX_NODES} values (through aliases)`, this.expanding ?? startOf(node) ?? 0);
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return this.alias(node, path, pos);
    if (isScalar(node)) return this.scalar(node);
    if (!isMap(node) && !isSeq(node)) return this.fail("unsupported node", 0);
    this.open.add(node);
    const value = isMap(node) ? this.map(node, path) : this.seq(node, path);
    this.open.delete(node);
    return value;
  }

  private alias(node: Alias, path: string, pos: Position): unknown {
    const target = node.resolve(this.doc);
    const start = startOf(node) ?? 0;
    if (!target)
      this.fail(`unknown alias \`*${node.source}\`: aliases refer to an anchor \`&${node.source}\` defined earlier in the file`, start);
    if (this.open.has(target)) this.fail(`alias \`*${node.source}\` refers to a collection that contains it`, start);
    const outer = this.expanding;
    this.expanding ??= start;
    const value = this.value(target, path, pos);
    this.expanding = outer;
    return value;
  }

  private scalar(node: Scalar): unknown {
    const v = node.value;
    const start = node.range?.[0] ?? 0;
    if (typeof v === "number") {
      const intLiteral = /^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(node.source ?? "");
      if (intLiteral && !Number.isSafeInteger(v))
        this.fail("integer is too large to be represented exactly; quote it if it is a string", start);
      return v;
    }
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    const tag = node.tag?.replace(/^tag:yaml\.org,2002:/, "!!") ?? typeof v;
    const tagAt = this.src.lastIndexOf(tag, start);
    return this.fail(
      `the tag \`${tag}\` is not supported; ${UNKNOWN_TAG}`,
      tagAt >= 0 && tagAt >= this.src.lastIndexOf("\n", start) ? tagAt : start,
    );
  }

  private keyText(key: unknown, fallback: number): string {
    if (isScalar(key)) {
      if (isEmpty(key)) this.fail("empty key", key.range?.[0] ?? fallback);
      return typeof key.value === "string" ? key.value : (key.source ?? String(key.value));
    }
    const start = startOf(key) ?? fallback;
    if (isAlias(key)) this.fail("an alias cannot be a key; write the key out", start);
    if (key === null || key === undefined) this.fail("empty key", fallback);
    return this.fail("a key must be a scalar (text), not a sequence or mapping", start);
  }

  /** A child's value, placed at its key (or `-`) when empty or a block collection, else where the value is written. */
  private child(value: unknown, path: string, keyOrDash: number): unknown {
    const atKey = value === null || value === undefined || isEmpty(value) || (isCollection(value) && !value.flow);
    return this.value(value, path, this.at(atKey ? keyOrDash : (startOf(value) ?? keyOrDash)));
  }

  /** Sets `out[key]` (even for keys like `__proto__`) to a child's value. */
  private entry(out: Record<string, unknown>, path: string, key: string, keyStart: number, value: unknown): void {
    const v = this.child(value, joinPath(path, key), keyStart);
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }

  private map(node: YAMLMap, path: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const start = node.range?.[0] ?? 0;
    // Keys written in this mapping win over merged ones, wherever the `<<` is.
    const written = new Map<string, number>();
    for (const { key, value } of node.items.filter((p) => !isMergeKey(p.key))) {
      const keyStart = startOf(key) ?? startOf(value) ?? start;
      const text = this.keyText(key, keyStart);
      const first = written.get(text);
      if (first !== undefined) this.duplicate(text, first, keyStart);
      written.set(text, keyStart);
    }
    for (const { key, value } of node.items) {
      if (isMergeKey(key)) this.merge(value, path, out, written, startOf(key) ?? start);
      else {
        const text = this.keyText(key, start);
        this.entry(out, path, text, written.get(text) ?? start, value);
      }
    }
    return out;
  }

  /** `<<: *a` or `<<: [*a, *b]`: keys of the earlier sources win; keys written beside `<<` win over all. */
  private merge(value: unknown, path: string, out: Record<string, unknown>, written: Map<string, number>, at: number): void {
    const resolve = (n: unknown): unknown => (isAlias(n) ? n.resolve(this.doc) : n);
    const target = resolve(value);
    for (const source of isSeq(target) ? target.items.map(resolve) : [target]) {
      if (!isMap(source)) {
        if (isAlias(value) && !target) this.value(value, path, this.at(at)); // reports the unknown alias
        this.fail("a merge key `<<` takes a mapping or a list of mappings (usually aliases like `*defaults`)", at);
      }
      if (this.open.has(source)) this.fail("a merge key `<<` refers to a mapping that contains it", at);
      for (const pair of source.items) {
        if (isMergeKey(pair.key)) continue; // a source's own merges are not followed
        const key = this.keyText(pair.key, at);
        if (!written.has(key) && !Object.hasOwn(out, key)) this.entry(out, path, key, startOf(pair.key) ?? at, pair.value);
      }
    }
  }

  private seq(node: YAMLSeq, path: string): unknown[] {
    return node.items.map((item, i) => {
      const start = startOf(item) ?? startOf(node) ?? 0;
      return this.child(item, joinPath(path, i), isEmpty(item) ? this.dashBefore(start) : start);
    });
  }

  /** An empty item is positioned at its `-`. */
  private dashBefore(pos: number): number {
    let j = pos - 1;
    while (this.src[j] === " " || this.src[j] === "\t") j--;
    return this.src[j] === "-" ? j : pos;
  }
}
