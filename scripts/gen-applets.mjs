#!/usr/bin/env node
// Writes configs/busybox/applets-<version>.json: every applet a BusyBox release declares, with the
// Kconfig symbols that turn it on. The config loader checks `applets.add` / `applets.remove` against
// it and turns applet names into fragment lines.
//
//   node scripts/gen-applets.mjs <busybox-X.Y.Z.tar.bz2 | extracted source folder> [output folder]
//
// The verified tarball of the configured release is in the cache after a build or
// `kimigayo doctor --only busybox-source`: ~/.cache/kimigayo/sources/sha256/<sha256 from the config>.
//
// Applets are declared in the sources as `//applet:IF_FOO(APPLET(name, ...))`, with the variants
// APPLET_ODDNAME / APPLET_NOEXEC / APPLET_NOFORK / APPLET_SCRIPTED, sometimes inside more
// `IF_BAR(` / `IF_NOT_BAR(` wrappers or between `//applet:#if ...` / `//applet:#endif` lines.
// BusyBox's own scripts/gen_build_files.sh reads them from */*.c and */*/*.c; so does this.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const KINDS = ["APPLET", "APPLET_ODDNAME", "APPLET_NOEXEC", "APPLET_NOFORK", "APPLET_SCRIPTED"];

function fail(message) {
  console.error(`gen-applets: ${message}`);
  process.exit(2);
}

/** The folder holding BusyBox's top Makefile, extracting a tarball first when given one. */
function sourceTree(input, cleanup) {
  if (statSync(input).isDirectory()) {
    if (existsSync(join(input, "Makefile")) && existsSync(join(input, "include/applets.src.h"))) return input;
    const inner = readdirSync(input).filter((n) => /^busybox-/.test(n) && statSync(join(input, n)).isDirectory());
    if (inner.length === 1) return join(input, inner[0]);
    fail(`${input} is not a BusyBox source folder (no Makefile and include/applets.src.h)`);
  }
  const tmp = mkdtempSync(join(tmpdir(), "gen-applets-"));
  cleanup.push(tmp);
  execFileSync("tar", ["-xf", input, "-C", tmp], { stdio: ["ignore", "ignore", "inherit"] });
  return sourceTree(tmp, cleanup);
}

function versionOf(tree) {
  const mk = readFileSync(join(tree, "Makefile"), "utf8");
  const get = (k) => new RegExp(`^${k}\\s*=\\s*(\\S+)`, "m").exec(mk)?.[1];
  const v = [get("VERSION"), get("PATCHLEVEL"), get("SUBLEVEL")];
  if (v.some((x) => x === undefined)) fail(`cannot read VERSION/PATCHLEVEL/SUBLEVEL from ${join(tree, "Makefile")}`);
  return v.join(".");
}

// The .c files one and two folders deep (*/*.c, */*/*.c), as gen_build_files.sh reads them.
function cFiles(tree) {
  const out = [];
  const walk = (dir, depth) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory() && depth < 2) walk(p, depth + 1);
      else if (st.isFile() && depth >= 1 && name.endsWith(".c")) out.push(p);
    }
  };
  walk(tree, 0);
  return out;
}

/** Every `config FOO` in Config.in / Config.src files and `//config:` lines. */
function kconfigSymbols(tree) {
  const symbols = new Set();
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (/^Config\.(in|src)$/.test(name) || name.endsWith(".c")) {
        for (const m of readFileSync(p, "utf8").matchAll(/^(?:\/\/config:)?\s*(?:menu)?config\s+([A-Z0-9_]+)\s*$/gm)) symbols.add(m[1]);
      }
    }
  };
  walk(tree);
  return symbols;
}

/** `IF_A(IF_NOT_B(APPLET_X(name, ...)))` -> { if: [CONFIG_A], unless: [CONFIG_B], kind, name }. */
export function parseDeclaration(text) {
  let rest = text.trim();
  const ifs = [];
  const unless = [];
  let depth = 0;
  for (;;) {
    const m = /^IF_(NOT_)?([A-Z0-9_]+)\(\s*/.exec(rest);
    if (!m) break;
    (m[1] ? unless : ifs).push(`CONFIG_${m[2]}`);
    rest = rest.slice(m[0].length);
    depth++;
  }
  const m = /^(APPLET(?:_[A-Z]+)?)\(\s*([^,\s]+)\s*,/.exec(rest);
  if (!m || !KINDS.includes(m[1])) return undefined;
  // The wrappers must close: count the parentheses after the applet macro.
  let open = 0;
  for (const ch of rest) open += ch === "(" ? 1 : ch === ")" ? -1 : 0;
  if (open !== -depth) return undefined;
  return { name: m[2], kind: m[1], if: ifs, unless };
}

function scan(tree) {
  const symbols = kconfigSymbols(tree);
  const applets = new Map();
  const problems = [];
  for (const file of cFiles(tree)) {
    const rel = relative(tree, file);
    const conditions = [];
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => {
        if (!line.startsWith("//applet:")) return;
        const body = line.slice("//applet:".length).trim();
        if (body === "" || body.startsWith("/*")) return;
        if (body.startsWith("#if")) return void conditions.push(body.replace(/^#if\s*/, ""));
        if (body.startsWith("#endif")) return void conditions.pop();
        if (body.startsWith("#")) return void problems.push(`${rel}:${i + 1}: unexpected directive ${body}`);
        const d = parseDeclaration(body);
        if (!d) return void problems.push(`${rel}:${i + 1}: cannot read the declaration ${body}`);
        if (d.if.length === 0) return void problems.push(`${rel}:${i + 1}: ${d.name} has no IF_ symbol`);
        for (const s of [...d.if, ...d.unless])
          if (!symbols.has(s.slice("CONFIG_".length))) problems.push(`${rel}:${i + 1}: ${s} is not a Kconfig symbol`);
        const entry = { if: d.if, ...(d.unless.length ? { unless: d.unless } : {}), kind: d.kind, source: rel };
        if (conditions.length) entry.when = conditions.join(" && ");
        const list = applets.get(d.name) ?? [];
        list.push(entry);
        applets.set(d.name, list);
      });
  }
  if (problems.length) fail(`the sources do not read as expected:\n${problems.join("\n")}`);
  return applets;
}

function render(meta, applets) {
  const names = [...applets.keys()].sort();
  const lines = names.map((n, i) => `    ${JSON.stringify(n)}: ${JSON.stringify(applets.get(n))}${i < names.length - 1 ? "," : ""}`);
  const head = Object.entries(meta).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  return `{\n${head.join("\n")}\n  "applets": {\n${lines.join("\n")}\n  }\n}\n`;
}

const [input, outArg] = process.argv.slice(2);
if (!input || input === "--help" || input === "-h") {
  console.error("usage: node scripts/gen-applets.mjs <busybox-X.Y.Z.tar.bz2 | source folder> [output folder, default configs/busybox]");
  process.exit(input ? 0 : 2);
}
if (!existsSync(input)) fail(`${input} does not exist`);
const cleanup = [];
try {
  const tree = sourceTree(resolve(input), cleanup);
  const version = versionOf(tree);
  const applets = scan(tree);
  if (applets.size < 100) fail(`only ${applets.size} applets found in ${tree}; is this a BusyBox source tree?`);
  const meta = {
    busybox: version,
    ...(statSync(input).isFile() ? { sha256: createHash("sha256").update(readFileSync(input)).digest("hex") } : {}),
    generator: "scripts/gen-applets.mjs",
    note: "applet name -> its declarations: `if` symbols must all be y, `unless` symbols n; `when` is a preprocessor condition",
  };
  const outDir = resolve(outArg ?? new URL("../configs/busybox", import.meta.url).pathname);
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `applets-${version}.json`);
  writeFileSync(out, render(meta, applets));
  console.error(`gen-applets: ${applets.size} applets of BusyBox ${version} -> ${out}`);
} finally {
  for (const d of cleanup) rmSync(d, { recursive: true, force: true });
}
