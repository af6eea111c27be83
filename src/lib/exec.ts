import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { constants } from "node:os";
import { StringDecoder } from "node:string_decoder";

export interface RunResult {
  /** The exit code; 128 + the signal's number when a signal ended the program (as a shell reports it). */
  code: number;
  /** The signal that ended the program; absent when it exited by itself. */
  signal?: NodeJS.Signals;
  /** Present when timeoutMs ran out and the program's process group was killed. */
  timedOut?: true;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Called with output as it arrives (for progress on long steps); always whole UTF-8 characters. */
  onOutput?: (text: string, stream: "stdout" | "stderr") => void;
  /** Then SIGTERM to the whole process group, and SIGKILL KILL_GRACE_MS later if anything is left. */
  timeoutMs?: number;
}

/** How long a timed-out process group has between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

/**
 * Process groups of running children. Each child leads its own group (so a timeout can kill
 * everything it started), which also takes it out of the terminal's foreground group: a Ctrl-C
 * no longer reaches it by itself, so this process passes SIGINT/SIGTERM/SIGHUP on to the groups.
 */
const groups = new Set<number>();
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

function forward(signal: NodeJS.Signals): void {
  for (const g of groups) killGroup(g, signal);
  // With no other listener this process would have died of the signal: keep that.
  if (process.listenerCount(signal) === 1) {
    unwatch();
    process.kill(process.pid, signal);
  }
}

const onExit = () => {
  for (const g of groups) killGroup(g, "SIGKILL");
};

function watch(pgid: number): void {
  if (groups.size === 0) {
    for (const s of FORWARDED) process.on(s, forward);
    process.on("exit", onExit);
  }
  groups.add(pgid);
}

function unwatch(pgid?: number): void {
  if (pgid !== undefined) groups.delete(pgid);
  if (pgid === undefined || groups.size === 0) {
    for (const s of FORWARDED) process.removeListener(s, forward);
    process.removeListener("exit", onExit);
  }
}

function exitCode(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return signal ? 128 + (constants.signals[signal] ?? 0) : 1;
}

/**
 * Runs a program without a shell and collects its output. Never throws on a non-zero exit or a
 * timeout (see RunResult.signal and timedOut); rejects only when the program cannot be started.
 */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"], detached: true });
    const pgid = child.pid;
    if (pgid !== undefined) watch(pgid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let term: NodeJS.Timeout | undefined;
    let kill: NodeJS.Timeout | undefined;
    if (opts.timeoutMs && pgid !== undefined) {
      term = setTimeout(() => {
        timedOut = true;
        killGroup(pgid, "SIGTERM");
        kill = setTimeout(() => killGroup(pgid, "SIGKILL"), KILL_GRACE_MS);
      }, opts.timeoutMs);
    }
    const stop = () => {
      clearTimeout(term);
      clearTimeout(kill);
      if (pgid !== undefined) {
        // After a timeout nothing of the group may outlive the run (a child that closed its output and ignored SIGTERM).
        if (timedOut) killGroup(pgid, "SIGKILL");
        unwatch(pgid);
      }
    };
    const collect = (into: Buffer[], stream: "stdout" | "stderr") => {
      const decoder = new StringDecoder("utf8");
      return {
        data: (b: Buffer) => {
          into.push(b);
          if (opts.onOutput) {
            const text = decoder.write(b);
            if (text !== "") opts.onOutput(text, stream);
          }
        },
        end: () => {
          const rest = decoder.end();
          if (rest !== "" && opts.onOutput) opts.onOutput(rest, stream);
        },
      };
    };
    const o = collect(out, "stdout");
    const e = collect(err, "stderr");
    child.stdout?.on("data", o.data).on("end", o.end);
    child.stderr?.on("data", e.data).on("end", e.end);
    child.on("error", (error) => {
      stop();
      reject(error);
    });
    child.on("close", (code, signal) => {
      stop();
      resolve({
        code: exitCode(code, signal),
        ...(signal ? { signal } : {}),
        ...(timedOut ? { timedOut: true as const } : {}),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    // A program that exits without reading its input closes the pipe: that is not an error of the run.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(opts.input);
  });
}

/** Like run, but throws with the command line and its output's tail when it fails. */
export async function runChecked(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-15).join("\n");
    const how = r.timedOut
      ? `was stopped with ${r.signal ?? "SIGTERM"} after its ${(opts.timeoutMs ?? 0) / 1000} s timeout (exit ${r.code})`
      : r.signal
        ? `was killed by ${r.signal} (exit ${r.code})`
        : `exited with ${r.code}`;
    throw new Error(`${cmd} ${args.join(" ")} ${how}${tail ? `:\n${tail}` : ""}`);
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
