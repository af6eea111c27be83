/**
 * Where the bytes of /bin/busybox come from: per CONFIG_* option (its applet's object files and
 * whatever only they use), per shared library code, and what the linker does not attribute.
 *
 * Inputs (kept by the busybox stage next to the binary): the link map with its cross-reference
 * table, the Kbuild lines of the build (`lib-$(CONFIG_HTTPD) += httpd.o`) and the final .config.
 *
 * 1. Each object file the linker kept is owned by the enabled options whose Kbuild line builds it
 *    (one option: that option; none, i.e. lib-y/obj-y, or several: not owned).
 * 2. The cross-reference table gives "file A uses a symbol of file B". On that graph, rooted at
 *    the program (the objects nothing refers to, such as crt1.o), an unowned object whose every
 *    path from the root passes through one option's objects (its dominator chain meets that
 *    option) belongs to that option: libbb or libc code that only httpd pulls in is httpd's.
 * 3. The rest is shared, one row per place: "shared: libbb", "shared: musl libc", ...
 * 4. Bytes: each kept input section's size in the output sections the file holds (.bss takes
 *    none), the linker's alignment fill as its own row, and ELF headers, section table and file
 *    padding (binary size minus the sections in the map) as the last row. The rows sum to the
 *    binary's size exactly.
 *
 * FEATURE_ options that change code inside an object (not an object of their own) count under
 * the object's option. Granularity is the object file: a shared file that a new applet uses more
 * of grows its "shared" row.
 */
import type { Relocations } from "../results/attribution-inputs.js";
import { parseLinkMap, type LinkMap } from "./linkmap.js";

type AttributionKind = "option" | "shared" | "linker" | "elf";

interface AttributionRow {
  /** "CONFIG_HTTPD", "shared: libbb", "shared: CONFIG_GUNZIP, CONFIG_ZCAT", "linker: alignment fill", ... */
  name: string;
  kind: AttributionKind;
  bytes: number;
  /** Object files in the row. */
  objects: number;
  /** The applet the option enables, when it is one of the image's applets. */
  applet?: string;
}

export interface Attribution {
  /** Bytes of the stripped binary; the rows sum to it. */
  binary: number;
  rows: AttributionRow[];
  /** Bytes of rows of kind "linker" and "elf": what the map does not give to an object file. */
  unattributed: number;
}

/** One Kbuild line's object: `lib-$(CONFIG_HTTPD) += httpd.o` in networking/Kbuild -> networking/httpd.o, CONFIG_HTTPD. */
export interface KbuildObject {
  object: string;
  /** null for lib-y / obj-y (always built). */
  option: string | null;
}

/** Parses one Kbuild file's text; `dir` is its folder relative to the build tree ("networking"). */
export function parseKbuild(text: string, dir: string): KbuildObject[] {
  const out: KbuildObject[] = [];
  for (const raw of text.split("\n")) {
    const m = /^\s*(?:lib|obj)-(?:\$\((CONFIG_[A-Za-z0-9_]+)\)|y)\s*[+:]?=\s*(.*)$/.exec(raw.replace(/#.*/, ""));
    if (!m) continue;
    for (const word of m[2]!.trim().split(/\s+/)) {
      if (!word.endsWith(".o")) continue;
      out.push({ object: dir === "" || dir === "." ? word : `${dir}/${word}`, option: m[1] ?? null });
    }
  }
  return out;
}

/** Options set to y in a .config text. */
export function enabledOptions(config: string): Set<string> {
  const out = new Set<string>();
  for (const l of config.split("\n")) {
    const m = /^(CONFIG_[A-Za-z0-9_]+)=y$/.exec(l.trim());
    if (m) out.add(m[1]!);
  }
  return out;
}

/** Output sections that take no bytes in the stripped file: NOBITS, or removed by strip. */
function inFile(name: string): boolean {
  return (
    !/^\.(t?bss|sbss|comment|symtab|strtab|shstrtab|debug.*|stab.*|gnu\.warning.*|note\.GNU-stack)$/.test(name) && name !== "/DISCARD/"
  );
}

/** "networking/lib.a(httpd.o)" -> "networking/httpd.o"; "/usr/lib/musl/lib/libc.a(printf.o)" stays. */
export function objectName(file: string): string {
  const m = /^(.*?)([^/]+)\.a\((.+)\)$/.exec(file);
  if (m && !file.startsWith("/")) return `${m[1]!}${m[3]!}`;
  return file;
}

/** The shared row of an object nobody owns: its library, or its BusyBox folder. */
export function sharedPlace(object: string): string {
  const base = object.slice(object.lastIndexOf("/") + 1);
  if (object.startsWith("/") || !object.includes("/")) {
    if (/^libc\.a\(|^crt.*\.o$|^rcrt1\.o$|^Scrt1\.o$/.test(base) || /\/musl\//.test(object)) return "musl libc";
    if (/^libgcc/.test(base) || /\/gcc\//.test(object)) return "libgcc";
    return base.replace(/\(.*\)$/, "");
  }
  return object.slice(0, object.lastIndexOf("/"));
}

/** File (as the map names it) -> kept input section -> the symbols its relocations name. */
export type { Relocations };

export interface AttributeInput {
  map: LinkMap | string;
  kbuild: readonly KbuildObject[];
  /** Options set to y in the final .config. */
  enabled: ReadonlySet<string>;
  /** Which section uses which symbol; without them, the cross-reference table (file to file) is used. */
  relocations?: Relocations;
  /** Bytes of the stripped binary. */
  binarySize: number;
  /** The image's applet names (to name an option's applet). */
  applets?: readonly string[];
}

const ROOT = "\0root";

/** Section name prefixes under which -ffunction-sections/-fdata-sections put a symbol `x`: ".text.x", ... */
const SECTION_PREFIXES = [
  ".text.",
  ".rodata.",
  ".data.rel.ro.local.",
  ".data.rel.ro.",
  ".data.rel.local.",
  ".data.rel.",
  ".data.",
  ".bss.",
  ".tdata.",
  ".tbss.",
];

/**
 * The nodes a relocation's symbol names, from the file's own sections first (a section symbol,
 * a static function or variable in its own section, a local label in the merged constants), else
 * the global symbol's section.
 */
function resolveSymbol(sym: string, from: string, own: ReadonlyMap<string, string>, globals: ReadonlyMap<string, string>): string[] {
  const section = own.get(sym);
  if (section) return [section];
  for (const p of SECTION_PREFIXES) {
    const n = own.get(`${p}${sym}`);
    if (n) return [n];
  }
  if (sym.startsWith(".L")) {
    // gcc puts a function's string constants in .rodata.<function>.str1.N.
    const fn = /^\.text\.(.+)$/.exec(from)?.[1];
    const mine = fn ? [...own].filter(([name]) => name.startsWith(`.rodata.${fn}.`)).map(([, n]) => n) : [];
    if (mine.length > 0) return mine;
    return [...own].filter(([name]) => /^\.rodata(\.|$)/.test(name) && /str|cst|^\.rodata$/.test(name)).map(([, n]) => n);
  }
  const g = globals.get(sym);
  return g ? [g] : [];
}

/** Immediate dominators of a graph given as successor lists, from `root` (Cooper, Harvey and Kennedy). */
export function dominators(succ: ReadonlyMap<string, ReadonlySet<string>>, root: string): Map<string, string> {
  const order: string[] = [];
  const seen = new Set<string>([root]);
  // Iterative DFS for the post-order.
  const stack: { node: string; it: Iterator<string> }[] = [{ node: root, it: (succ.get(root) ?? new Set<string>()).values() }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = top.it.next();
    if (next.done) {
      order.push(top.node);
      stack.pop();
    } else if (!seen.has(next.value)) {
      seen.add(next.value);
      stack.push({ node: next.value, it: (succ.get(next.value) ?? new Set<string>()).values() });
    }
  }
  const rpo = order.reverse();
  const index = new Map(rpo.map((n, i) => [n, i]));
  const preds = new Map<string, string[]>();
  for (const [from, tos] of succ) {
    if (!index.has(from)) continue;
    for (const to of tos) if (index.has(to)) (preds.get(to) ?? preds.set(to, []).get(to)!).push(from);
  }
  const idom = new Map<string, string>([[root, root]]);
  const intersect = (a: string, b: string) => {
    while (a !== b) {
      while (index.get(a)! > index.get(b)!) a = idom.get(a)!;
      while (index.get(b)! > index.get(a)!) b = idom.get(b)!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const n of rpo) {
      if (n === root) continue;
      let d: string | undefined;
      for (const p of preds.get(n) ?? []) if (idom.has(p)) d = d === undefined ? p : intersect(p, d);
      if (d !== undefined && idom.get(n) !== d) {
        idom.set(n, d);
        changed = true;
      }
    }
  }
  return idom;
}

/** Attributes every byte of the binary; see the file comment for the method. */
export function attribute(input: AttributeInput): Attribution {
  const map = typeof input.map === "string" ? parseLinkMap(input.map) : input.map;
  const owners = new Map<string, Set<string>>();
  for (const k of input.kbuild) {
    if (k.option !== null && !input.enabled.has(k.option)) continue;
    const set = owners.get(k.object) ?? owners.set(k.object, new Set()).get(k.object)!;
    set.add(k.option ?? "y");
  }
  /** The one option owning an object, if exactly one enabled option (and no lib-y line) builds it. */
  const ownerOf = (object: string): string | undefined => {
    const o = owners.get(object);
    if (!o || o.size !== 1 || o.has("y")) return undefined;
    return [...o][0];
  };
  const isLinkerMade = (file: string) => file === "" || file === "linker stubs";

  // Nodes: one per option (all sections of the objects it owns), one per kept input section of
  // any other object. Bytes count only in sections that take file bytes.
  const fileNodes = new Map<string, string[]>();
  const globalNodes = new Map<string, string[]>();
  const symbolNode = new Map<string, string>();
  const sectionNode = new Map<string, Map<string, string>>();
  const nodeObject = new Map<string, string>();
  const bytes = new Map<string, { bytes: number; objects: Set<string> }>();
  let fill = 0;
  let linkerMade = 0;
  let inMap = 0;
  let seq = 0;
  for (const out of map.outputs) {
    const counts = inFile(out.name) && out.size > 0;
    if (counts) inMap += out.size;
    let inputs = 0;
    for (const s of out.inputs) {
      inputs += s.size;
      if (isLinkerMade(s.file)) {
        if (counts) linkerMade += s.size;
        continue;
      }
      const obj = objectName(s.file);
      const opt = ownerOf(obj);
      const n = opt ? `opt:${opt}` : `sec:${seq++}`;
      nodeObject.set(n, obj);
      const list = fileNodes.get(s.file) ?? fileNodes.set(s.file, []).get(s.file)!;
      if (!list.includes(n)) list.push(n);
      if (s.symbols.length > 0) {
        const g = globalNodes.get(s.file) ?? globalNodes.set(s.file, []).get(s.file)!;
        if (!g.includes(n)) g.push(n);
      }
      for (const sym of s.symbols) symbolNode.set(sym, n);
      (sectionNode.get(s.file) ?? sectionNode.set(s.file, new Map()).get(s.file)!).set(s.section, n);
      if (counts && s.size > 0) {
        const e = bytes.get(n) ?? bytes.set(n, { bytes: 0, objects: new Set() }).get(n)!;
        e.bytes += s.size;
        e.objects.add(obj);
      }
    }
    if (counts) fill += out.size - inputs;
  }

  // Edges: a file that refers to a symbol -> the section defining it. The referring side is the
  // whole file (every kept section of it: the map does not say which one refers); a section
  // without global symbols is reached from the global ones of its file.
  const succ = new Map<string, Set<string>>();
  const incoming = new Set<string>();
  const edge = (a: string, b: string) => {
    if (a === b) return;
    (succ.get(a) ?? succ.set(a, new Set()).get(a)!).add(b);
    incoming.add(b);
  };
  if (input.relocations) {
    for (const [file, sections] of Object.entries(input.relocations)) {
      const own = sectionNode.get(file);
      if (!own) continue;
      for (const [section, symbols] of Object.entries(sections)) {
        const from = own.get(section);
        if (!from) continue;
        for (const sym of symbols) for (const to of resolveSymbol(sym, section, own, symbolNode)) edge(from, to);
      }
    }
  } else {
    for (const x of map.crossReferences) {
      const defined = symbolNode.get(x.symbol);
      const targets = defined ? [defined] : (fileNodes.get(x.definedIn) ?? []);
      for (const r of x.referencedBy) for (const from of fileNodes.get(r) ?? []) for (const to of targets) edge(from, to);
    }
    for (const [file, nodes] of fileNodes) {
      const globals = globalNodes.get(file) ?? [];
      for (const n of nodes) if (!globals.includes(n)) for (const g of globals) edge(g, n);
    }
  }
  const all = new Set([...nodeObject.keys()]);
  for (const n of all) if (!incoming.has(n)) edge(ROOT, n);
  let idom = dominators(succ, ROOT);
  // Nodes only reachable through a cycle nobody enters: give them the root too.
  const unreached = [...all].filter((n) => !idom.has(n));
  if (unreached.length > 0) {
    for (const n of unreached) edge(ROOT, n);
    idom = dominators(succ, ROOT);
  }

  const rows = new Map<string, AttributionRow & { set: Set<string> }>();
  const add = (name: string, kind: AttributionKind, n: number, objects: Iterable<string>) => {
    const r = rows.get(name) ?? rows.set(name, { name, kind, bytes: 0, objects: 0, set: new Set() }).get(name)!;
    r.bytes += n;
    for (const o of objects) r.set.add(o);
  };
  for (const [n, e] of bytes) {
    let owner: string | undefined;
    for (let p: string | undefined = n; p !== undefined && p !== ROOT; p = idom.get(p)) {
      if (p.startsWith("opt:")) {
        owner = p.slice(4);
        break;
      }
    }
    if (owner) add(owner, "option", e.bytes, e.objects);
    else {
      const obj = nodeObject.get(n)!;
      const o = owners.get(obj);
      const opts = o ? [...o].filter((x) => x !== "y").sort() : [];
      add(opts.length > 1 && !o!.has("y") ? `shared: ${opts.join(", ")}` : `shared: ${sharedPlace(obj)}`, "shared", e.bytes, e.objects);
    }
  }
  if (fill !== 0) add("linker: alignment fill", "linker", fill, []);
  if (linkerMade !== 0) add("linker: generated sections", "linker", linkerMade, []);
  const elf = input.binarySize - inMap;
  add("ELF headers, section table and file padding", "elf", elf, []);

  const applets = new Set(input.applets ?? []);
  const out = [...rows.values()]
    .map(({ set, ...r }) => {
      const applet = r.kind === "option" ? r.name.replace(/^CONFIG_/, "").toLowerCase() : undefined;
      return { ...r, objects: set.size, ...(applet !== undefined && applets.has(applet) ? { applet } : {}) };
    })
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    binary: input.binarySize,
    rows: out,
    unattributed: out.filter((r) => r.kind === "linker" || r.kind === "elf").reduce((s, r) => s + r.bytes, 0),
  };
}

/** One row's change between two attributions. */
export interface Contributor {
  name: string;
  kind: AttributionKind;
  /** Bytes in the baseline (0 when the row is new). */
  base: number;
  bytes: number;
  delta: number;
  applet?: string;
}

/** The rows that changed, largest change first (by absolute bytes). */
export function contributors(current: Attribution, base: Pick<Attribution, "rows">): Contributor[] {
  const before = new Map(base.rows.map((r) => [r.name, r]));
  const names = new Set([...current.rows.map((r) => r.name), ...base.rows.map((r) => r.name)]);
  const now = new Map(current.rows.map((r) => [r.name, r]));
  const out: Contributor[] = [];
  for (const name of names) {
    const a = before.get(name);
    const b = now.get(name);
    const delta = (b?.bytes ?? 0) - (a?.bytes ?? 0);
    if (delta === 0) continue;
    const r = (b ?? a)!;
    out.push({
      name,
      kind: r.kind,
      base: a?.bytes ?? 0,
      bytes: b?.bytes ?? 0,
      delta,
      ...(r.applet ? { applet: r.applet } : {}),
    });
  }
  return out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}
