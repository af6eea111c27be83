/**
 * No import cycles in src/: the graph of import and export-from statements (type-only ones
 * included: a cycle of types is still a knot in the layering), read with the TypeScript
 * compiler's parser. A planted cycle in a temporary folder proves the check can fail.
 */
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(m|c)?ts$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The relative specifiers a file imports or re-exports (static, dynamic `import()` too). */
export function specifiers(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out.filter((s) => s.startsWith("."));
}

/** "./x.js" from a.ts -> the .ts file it names, when it is one of `known`. */
function resolveSpecifier(from: string, spec: string, known: Set<string>): string | undefined {
  const base = resolve(dirname(from), spec);
  const candidates = [base.replace(/\.js$/, ".ts"), base.replace(/\.mjs$/, ".mts"), base, `${base}.ts`, join(base, "index.ts")];
  return candidates.find((c) => known.has(c));
}

export function importGraph(root: string): Map<string, string[]> {
  const files = sourceFiles(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps = specifiers(f)
      .map((s) => resolveSpecifier(f, s, known))
      .filter((d): d is string => d !== undefined);
    graph.set(f, [...new Set(deps)].sort());
  }
  return graph;
}

/** Every strongly connected component with more than one file (or a file importing itself), as one cycle path each. */
export function findCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strong = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(comp);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strong(v);
  // One concrete loop per component: from its first file, follow edges inside it back to the start.
  return components.map((comp) => {
    const inside = new Set(comp);
    const start = [...comp].sort()[0]!;
    const path = [start];
    const seen = new Set([start]);
    const walk = (v: string): boolean => {
      for (const w of graph.get(v) ?? []) {
        if (w === start) return true;
        if (!inside.has(w) || seen.has(w)) continue;
        seen.add(w);
        path.push(w);
        if (walk(w)) return true;
        path.pop();
      }
      return false;
    };
    walk(start);
    return [...path, start];
  });
}

function describeCycles(root: string, cycles: string[][]): string {
  return cycles.map((c) => c.map((f) => relative(root, f)).join(" -> ")).join("\n");
}

/** The files of each knot (every file on some cycle with the others), for the failure message. */
function knots(graph: Map<string, string[]>, root: string, cycles: string[][]): string {
  const reach = (from: string) => {
    const seen = new Set<string>();
    const todo = [from];
    while (todo.length > 0) {
      for (const w of graph.get(todo.pop()!) ?? []) {
        if (seen.has(w)) continue;
        seen.add(w);
        todo.push(w);
      }
    }
    return seen;
  };
  return cycles
    .map((c) => {
      const fromStart = reach(c[0]!);
      const members = [...graph.keys()].filter((f) => fromStart.has(f) && reach(f).has(c[0]!));
      return `${members.length} file(s) on cycles with ${relative(root, c[0]!)}: ${members
        .map((f) => relative(root, f))
        .sort()
        .join(", ")}`;
    })
    .join("\n");
}

describe("imports", () => {
  test("src/ has no import cycle", () => {
    const graph = importGraph(SRC);
    assert.ok(graph.size > 50, `expected the whole of src/, found ${graph.size} files`);
    const cycles = findCycles(graph);
    assert.equal(cycles.length, 0, `import cycles in src/:\n${describeCycles(SRC, cycles)}\n${knots(graph, SRC, cycles)}`);
  });

  test("the check finds a planted cycle and names it (in a temporary folder)", () => {
    const dir = mkdtempSync(join(tmpdir(), "kimigayo-imports-"));
    try {
      mkdirSync(join(dir, "cli"));
      mkdirSync(join(dir, "lib"));
      writeFileSync(join(dir, "cli", "main.ts"), 'import { build } from "./build.js";\nexport const main = () => build();\n');
      writeFileSync(join(dir, "cli", "build.ts"), 'import type { Ctx } from "../lib/ctx.js";\nexport const build = (c?: Ctx) => c;\n');
      writeFileSync(join(dir, "lib", "ctx.ts"), 'export type { main as Ctx } from "../cli/main.js";\n');
      writeFileSync(join(dir, "lib", "leaf.ts"), "export const leaf = 1;\n");
      writeFileSync(join(dir, "lib", "lazy.ts"), 'export const load = () => import("./leaf.js");\n');
      const cycles = findCycles(importGraph(dir));
      assert.equal(cycles.length, 1);
      assert.equal(describeCycles(dir, cycles), "cli/build.ts -> lib/ctx.ts -> cli/main.ts -> cli/build.ts");
      // And a self-import is a cycle too.
      writeFileSync(join(dir, "lib", "leaf.ts"), 'import "./leaf.js";\nexport const leaf = 1;\n');
      assert.deepEqual(
        findCycles(importGraph(dir)).map((c) => c.map((f) => relative(dir, f)).join(" -> ")),
        ["cli/build.ts -> lib/ctx.ts -> cli/main.ts -> cli/build.ts", "lib/leaf.ts -> lib/leaf.ts"],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
