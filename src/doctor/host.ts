/** Small facts about the host: who we run as, which OS, which processes, which files. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { run, which } from "../lib/exec.js";

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Fields of /etc/os-release (ID, VERSION_CODENAME, ...); empty when it cannot be read. */
export function osRelease(file = "/etc/os-release"): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return {};
  }
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) fields[m[1]] = m[2].replace(/^(["'])(.*)\1$/, "$2");
  }
  return fields;
}

export function isUbuntu(): boolean {
  return osRelease().ID === "ubuntu";
}

/** True when systemd is the init system (PID 1), so services can be started through it. */
export function systemdIsInit(): boolean {
  try {
    return existsSync("/run/systemd/system") && readFileSync("/proc/1/comm", "utf8").trim() === "systemd";
  } catch {
    return false;
  }
}

export interface ProcessInfo {
  pid: number;
  comm: string;
  argv: string[];
}

/** Running processes (from /proc) that match `pred`. */
export function findProcesses(pred: (p: ProcessInfo) => boolean): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return found;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const comm = readFileSync(`/proc/${name}/comm`, "utf8").trim();
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8")
        .split("\0")
        .filter((a) => a !== "");
      const info = { pid: Number(name), comm, argv };
      if (pred(info)) found.push(info);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** A command name (looked up on PATH) or an absolute path; returns where it is, or undefined. */
export async function locate(commandOrPath: string): Promise<string | undefined> {
  if (commandOrPath.startsWith("/")) return existsSync(commandOrPath) ? commandOrPath : undefined;
  return which(commandOrPath);
}

/** The first dotted version number a program prints for `args`, or undefined. */
export async function versionOf(cmd: string, args: readonly string[]): Promise<string | undefined> {
  const r = await run(cmd, args, { timeoutMs: 10_000 }).catch(() => undefined);
  if (!r) return undefined;
  return /\d+(?:\.\d+)+/.exec(`${r.stdout}\n${r.stderr}`)?.[0];
}

/** Polls `probe` every `intervalMs` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; stop?: () => boolean },
): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (opts.stop?.() || Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 10): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
