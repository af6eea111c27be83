/**
 * No `as` cast on data nobody checked: a value typed `any` or `unknown` (what JSON.parse, a
 * response's json(), a YAML parse or an untyped read gives) is parsed with a zod schema
 * (src/results, src/oci/schema.ts) or narrowed by a type guard, never cast. The check reads the
 * sources with the TypeScript compiler and its type checker; the only casts of such values it lets
 * through are `as unknown`, `as const`, `x as unknown as T` (a typed value retyped on purpose) and
 * an error being told (`catch (e)`, `.catch((err) => …)`, whose type TypeScript leaves unknown).
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ["lib.es2023.d.ts"],
  types: ["node"],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  noEmit: true,
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The variable an expression reads from: `e` of `e.response?.data`, `err` of `(err as X).cause`. */
function rootOf(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) e = e.expression;
    else if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = e.expression;
    else return e;
  }
}

/**
 * An error being told: a caught one (`catch (e)`, which TypeScript types unknown) or one handed on
 * as `e`, `err` or `error` (a .catch callback's, an error classifier's parameter). Reading its
 * message or code is not reading outside data.
 */
function isError(checker: ts.TypeChecker, e: ts.Expression): boolean {
  const root = rootOf(e);
  if (!ts.isIdentifier(root)) return false;
  if (["e", "err", "error"].includes(root.text)) return true;
  const decl = checker.getSymbolAtLocation(root)?.valueDeclaration;
  return decl !== undefined && ts.isVariableDeclaration(decl) && ts.isCatchClause(decl.parent);
}

/** `x as unknown as T`: a typed value given another type on purpose (a library's typing), not unchecked data. */
function isRetyped(e: ts.Expression): boolean {
  return ts.isAsExpression(e) && e.type.kind === ts.SyntaxKind.UnknownKeyword;
}

/** Every `x as T` (and `<T>x`) whose x is `any` or `unknown`, as "file:line: text". */
export function uncheckedCasts(program: ts.Program, files: readonly string[]): string[] {
  const checker = program.getTypeChecker();
  const found: string[] = [];
  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`${file} is not in the program`);
    const visit = (node: ts.Node): void => {
      if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
        const to = node.type;
        const allowed =
          to.kind === ts.SyntaxKind.UnknownKeyword ||
          (ts.isTypeReferenceNode(to) && ts.isIdentifier(to.typeName) && to.typeName.text === "const");
        let e: ts.Expression = node.expression;
        while (ts.isParenthesizedExpression(e)) e = e.expression;
        const from = checker.getTypeAtLocation(e);
        if (!allowed && from.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown) && !isError(checker, e) && !isRetyped(e)) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          found.push(`${file.slice(ROOT.length)}:${line + 1}: ${node.getText(sf).replace(/\s+/g, " ").slice(0, 120)}`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return found;
}

/** A program over `files` plus, when given, one more source held in memory (the planted cast). */
function programOf(files: string[], extra?: { file: string; text: string }): ts.Program {
  const host = ts.createCompilerHost(OPTIONS);
  if (extra) {
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    host.getSourceFile = (name, lang, ...rest) =>
      name === extra.file ? ts.createSourceFile(name, extra.text, lang, true) : getSourceFile(name, lang, ...rest);
    host.fileExists = (name) => name === extra.file || fileExists(name);
  }
  return ts.createProgram({ rootNames: extra ? [...files, extra.file] : files, options: OPTIONS, host });
}

describe("no cast on unchecked data", () => {
  test("src/ casts no `any` or `unknown` value (parse it with a schema, or narrow it with a type guard)", () => {
    const files = sources(join(ROOT, "src"));
    const found = uncheckedCasts(programOf(files), files);
    assert.deepEqual(found, [], `casts of unchecked data:\n  ${found.join("\n  ")}`);
  });

  test("a planted cast is found; a parse, a caught error, `as const` and `as unknown` are not", () => {
    const file = join(ROOT, "src", "planted-cast.ts");
    const text = [
      `import { z } from "zod";`,
      `interface Doc { name: string }`,
      `const schema = z.object({ name: z.string() });`,
      `export const a = JSON.parse("{}") as Doc;`,
      `export async function b(res: Response): Promise<Doc> { return (await res.json()) as Doc; }`,
      `export function c(v: unknown): Doc { return <Doc>v; }`,
      `export const d = schema.parse(JSON.parse("{}"));`,
      `export function e(): string { try { return "x"; } catch (caught) { return (caught as Error).message; } }`,
      `export const f = ["x"] as const;`,
      `export const g = JSON.parse("1") as unknown;`,
      `export const h = Buffer.from("x") as unknown as string;`,
      `export const i = (JSON.parse("{}") as { doc: unknown }).doc as Doc;`,
    ].join("\n");
    const found = uncheckedCasts(programOf([], { file, text }), [file]);
    assert.deepEqual(
      found.map((f) => f.replace(/^.*?:(\d+):.*$/, "$1")),
      ["4", "5", "6", "12", "12"],
      found.join("\n"),
    );
  });
});
