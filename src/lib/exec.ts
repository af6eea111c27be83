import { spawn, type SpawnOptions } from "node:child_process";
import { closeSync, openSync } from "node:fs";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Called with each chunk of output as it arrives (for progress on long steps). */
  onOutput?: (chunk: string) => void;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs a program without a shell and collects its output. Never throws on a non-zero exit. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] };
    if (opts.signal) spawnOpts.signal = opts.signal;
    const child = spawn(cmd, args, spawnOpts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.stdout?.on("data", (b: Buffer) => {
      out.push(b);
      opts.onOutput?.(b.toString());
    });
    child.stderr?.on("data", (b: Buffer) => {
      err.push(b);
      opts.onOutput?.(b.toString());
    });
    child.on("error", (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, sig) => {
      if (timer) clearTimeout(timer);
      resolve({
        code: code ?? (sig ? 128 : 1),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Like run, but throws with the command line and its stderr tail when it fails. */
export async function runChecked(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-15).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} exited with ${r.code}${tail ? `:\n${tail}` : ""}`);
  }
  return r;
}

/** True when `cmd` is found on PATH (or is an existing absolute path). */
export async function which(cmd: string): Promise<string | undefined> {
  const r = await run("sh", ["-c", 'command -v -- "$1"', "sh", cmd]).catch(() => undefined);
  const p = r?.stdout.trim();
  return r && r.code === 0 && p ? p : undefined;
}

export interface DetachedProcess {
  pid: number;
  /** How the process ended, or undefined while it still runs. */
  exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
}

/**
 * Starts a daemon in its own session with stdout and stderr appended to `logFile`. It outlives
 * this process (nothing keeps the event loop waiting for it). Rejects when it cannot be spawned.
 */
export function spawnDetached(
  cmd: string,
  args: readonly string[],
  opts: { logFile: string; cwd?: string; env?: NodeJS.ProcessEnv },
): Promise<DetachedProcess> {
  return new Promise((resolve, reject) => {
    const fd = openSync(opts.logFile, "a");
    let status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ["ignore", fd, fd] });
    closeSync(fd);
    child.on("exit", (code, signal) => (status = { code, signal }));
    child.on("error", reject);
    child.on("spawn", () => {
      child.unref();
      resolve({ pid: child.pid ?? -1, exitStatus: () => status });
    });
  });
}
