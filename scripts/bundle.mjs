#!/usr/bin/env node
// Bundles the action (dist/index.js) and the CLI (dist/cli/index.js) with @vercel/ncc.
// --check rebuilds into a temporary folder and fails when dist/ differs (stale bundle).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const check = process.argv.includes("--check");
const entries = [
  { src: "src/index.ts", out: "dist" },
  { src: "src/cli.ts", out: "dist/cli" },
];

function files(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const target = check ? mkdtempSync(join(tmpdir(), "kimigayo-dist-")) : join(root, "dist");
try {
  if (!check) rmSync(target, { recursive: true, force: true });
  for (const e of entries) {
    const out = join(target, relative("dist", e.out));
    execFileSync(
      join(root, "node_modules/.bin/ncc"),
      ["build", join(root, e.src), "-o", out, "--target", "es2022", "--license", "licenses.txt", "-q"],
      {
        stdio: ["ignore", "ignore", "inherit"],
        cwd: root,
      },
    );
  }
  if (check) {
    const want = files(target)
      .map((f) => relative(target, f))
      .sort();
    const have = files(join(root, "dist"))
      .map((f) => relative(join(root, "dist"), f))
      .sort();
    const stale = [...new Set([...want, ...have])].filter((f) => {
      const a = join(target, f);
      const b = join(root, "dist", f);
      return !existsSync(a) || !existsSync(b) || !readFileSync(a).equals(readFileSync(b));
    });
    if (stale.length > 0) {
      console.error(`dist/ is stale: ${stale.join(", ")} differ from a fresh bundle. Run \`npm run bundle\` and commit dist/.`);
      process.exit(1);
    }
    console.error("dist/ is up to date");
  } else {
    console.error(`bundled ${entries.map((e) => e.out).join(", ")}`);
  }
} finally {
  if (check) rmSync(target, { recursive: true, force: true });
}
