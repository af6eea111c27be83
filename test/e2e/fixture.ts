/**
 * Shared by the end-to-end tests: the real CLI, the real default config, real cross builds.
 * The first file to ask builds every variant and platform; the content-addressed cache makes
 * later asks (other test files run in their own processes) take seconds.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { sha256 } from "../../src/lib/hash.js";
import { writeTar } from "../../src/lib/tar.js";
import type { BuildResult } from "../../src/pipeline/build.js";
import { dockerBin } from "../../src/lib/docker.js";

export const ROOT = resolve(import.meta.dirname, "../..");
/**
 * Where the end-to-end tests write: scripts/test.sh gives every test file one temporary folder
 * (KIMIGAYO_E2E_DIR, removed at the end); a file run by hand gets its own. Never the working tree.
 */
export const E2E_DIR = process.env.KIMIGAYO_E2E_DIR || mkdtempSync(join(tmpdir(), "kimigayo-e2e-"));
/** tsx's loader by absolute URL, so the CLI runs from source in any working directory. */
const TSX = import.meta.resolve("tsx");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source, as `npx kimigayo` would, with extra env. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 20 * 60_000): CliRun {
  const r = spawnSync(process.execPath, ["--import", TSX, join(ROOT, "src/cli.ts"), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

/** Like cli, but without blocking the event loop (for tests that serve requests to the child). */
export function cliAsync(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<CliRun> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, join(ROOT, "src/cli.ts"), ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code: code ?? 128, stdout, stderr }));
  });
}

let built: BuildResult | undefined;

/** Builds all variants for linux/amd64 and linux/arm64 (once per process) and returns build.json. */
export function buildAll(): BuildResult {
  if (built) return built;
  const out = join(E2E_DIR, "out");
  const r = cli(["build", "--variant", "all", "--platform", "linux/amd64,linux/arm64", "--out", out, "--json"]);
  if (r.code !== 0) throw new Error(`kimigayo build failed (exit ${r.code}):\n${r.stderr.slice(-4000)}`);
  built = JSON.parse(r.stdout) as BuildResult;
  return built;
}

export function docker(args: string[], timeoutMs = 120_000): CliRun {
  const r = spawnSync(dockerBin(), args, { encoding: "utf8", timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? 128, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/**
 * Loads a rootfs tar into the Docker engine as a single-layer image for `platform`, through
 * `docker load` of a docker-archive (docker import ignores --platform on engine 20.10).
 */
export function loadRootfs(tarPath: string, platform: string, tag: string): void {
  const layer = readFileSync(tarPath);
  const [os, architecture] = platform.split("/") as [string, string];
  const config = JSON.stringify({
    architecture,
    os,
    ...(architecture === "arm64" ? { variant: "v8" } : {}),
    config: { Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["/bin/sh"] },
    rootfs: { type: "layers", diff_ids: [`sha256:${sha256(layer)}`] },
  });
  const configName = `${sha256(config)}.json`;
  const archive = writeTar(
    [
      { type: "file", path: "layer.tar", mode: 0o644, data: layer },
      { type: "file", path: configName, mode: 0o644, data: Buffer.from(config) },
      {
        type: "file",
        path: "manifest.json",
        mode: 0o644,
        data: Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: ["layer.tar"] }])),
      },
    ],
    { mtime: 0 },
  );
  mkdirSync(E2E_DIR, { recursive: true });
  const r = spawnSync(dockerBin(), ["load"], { input: archive, encoding: "utf8", timeout: 120_000 });
  if (r.status !== 0) throw new Error(`docker load failed: ${r.stderr}`);
}
