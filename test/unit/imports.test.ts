/**
 * No import cycle in src/, between files or between folders, as dependency-cruiser reads the
 * imports (type-only ones included) with the rules in .dependency-cruiser.json, which `npm run
 * lint` also applies. Folders are checked twice: each folder as dependency-cruiser sees it
 * (src/stages/build apart from src/stages), and the top-level folders of src/ (stages/build
 * inside stages). A cycle planted in a temporary copy of src/ proves the check can fail.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseResult, type IFlattenedRuleSet } from "dependency-cruiser";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const config = JSON.parse(readFileSync(join(ROOT, ".dependency-cruiser.json"), "utf8")) as {
  forbidden: IFlattenedRuleSet["forbidden"];
  options: Record<string, unknown>;
};

async function cruiseSrc(root: string): Promise<ICruiseResult> {
  const { output } = await cruise(["src"], {
    ...config.options,
    baseDir: root,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  });
  assert.ok(typeof output === "object", "dependency-cruiser returned no result");
  return output;
}

/** The rule violations, one line each: "rule: a -> b -> a". */
function violations(result: ICruiseResult): string[] {
  return result.summary.violations.map((v) => `${v.rule.name}: ${[v.from, ...(v.cycle ?? []).map((c) => c.name)].join(" -> ")}`);
}

/** The top-level folder of a file of src/ ("src/stages/build/x.ts" -> "stages"; "src/cli.ts" -> "."). */
const topFolder = (file: string) => /^src\/([^/]+)\/./.exec(file)?.[1] ?? ".";

/** Cycles between the top-level folders of src/: one "a -> b -> a" per folder that can reach itself. */
function topFolderCycles(result: ICruiseResult): string[] {
  const edges = new Map<string, Set<string>>();
  for (const m of result.modules) {
    if (!m.source.startsWith("src/")) continue;
    for (const d of m.dependencies) {
      if (!d.resolved.startsWith("src/")) continue;
      const [a, b] = [topFolder(m.source), topFolder(d.resolved)];
      if (a !== b) (edges.get(a) ?? edges.set(a, new Set()).get(a)!).add(b);
    }
  }
  const out: string[] = [];
  for (const start of [...edges.keys()].sort()) {
    // Breadth-first from `start`; the shortest way back to it is its cycle.
    const via = new Map<string, string>();
    const todo = [start];
    while (todo.length > 0 && !via.has(start)) {
      const a = todo.shift()!;
      for (const b of [...(edges.get(a) ?? [])].sort()) {
        if (via.has(b)) continue;
        via.set(b, a);
        todo.push(b);
      }
    }
    if (!via.has(start)) continue;
    const path = [start];
    for (let f = via.get(start)!; f !== start; f = via.get(f)!) path.unshift(f);
    out.push([start, ...path].join(" -> "));
  }
  return out;
}

describe("imports", () => {
  test("src/ has no import cycle between files or folders", async () => {
    const result = await cruiseSrc(ROOT);
    assert.ok(result.summary.totalCruised > 100, `expected the whole of src/, cruised ${result.summary.totalCruised} modules`);
    assert.deepEqual(violations(result), []);
    assert.deepEqual(topFolderCycles(result), []);
  });

  test("the check finds a cycle planted in a copy of src/, and names it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kimigayo-imports-"));
    try {
      cpSync(join(ROOT, "src"), join(dir, "src"), { recursive: true });
      // A type-only back-arrow from lib (the bottom layer) to the stage shells: lib -> stages -> lib.
      const retry = join(dir, "src", "lib", "retry.ts");
      writeFileSync(
        retry,
        `import type { Stage } from "../stages/stage.js";\nexport type Planted = Stage<unknown>;\n${readFileSync(retry, "utf8")}`,
      );
      const result = await cruiseSrc(dir);
      const found = violations(result);
      assert.ok(
        found.some((v) => /^no-folder-cycle: src\/lib -> .*src\/stages -> .*src\/lib$/.test(v)),
        `no folder cycle through src/lib and src/stages among:\n${found.join("\n")}`,
      );
      assert.ok(topFolderCycles(result).includes("lib -> stages -> lib"), topFolderCycles(result).join("\n"));
      // And one file importing itself is a file cycle.
      const leaf = join(dir, "src", "lib", "hash.ts");
      writeFileSync(leaf, `import "./hash.js";\n${readFileSync(leaf, "utf8")}`);
      assert.ok(violations(await cruiseSrc(dir)).includes("no-file-cycle: src/lib/hash.ts -> src/lib/hash.ts"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
