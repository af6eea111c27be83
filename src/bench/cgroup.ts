/**
 * A container's memory, read from the host's cgroup files (the kernel's own accounting, the
 * figure `docker stats` starts from), without the page cache: a container that reads a file
 * keeps its pages cached and charged to it, but the kernel drops them at will.
 *
 *   cgroup v1: memory.usage_in_bytes - total_cache (memory.stat); rss = total_rss
 *   cgroup v2: memory.current - file (memory.stat);               rss = anon
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export const CGROUP_ROOT = "/sys/fs/cgroup";

export interface MemorySample {
  /** Bytes in use without the page cache: the figure the report names as its metric. */
  used: number;
  /** Anonymous memory (rss / anon), for reference. */
  rss: number;
}

export interface MemoryReader {
  version: "v1" | "v2";
  dir: string;
  /** The metric's name for the report. */
  metric: string;
  read(): Promise<MemorySample>;
}

export const METRIC_V1 = "cgroup v1 memory.usage_in_bytes − memory.stat total_cache";
export const METRIC_V2 = "cgroup v2 memory.current − memory.stat file";

/** memory.stat: "key value" per line. */
export function parseMemoryStat(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v && /^\d+$/.test(v)) out.set(k, Number(v));
  }
  return out;
}

/** The cgroup path of `pid` for the memory controller, from /proc/PID/cgroup. */
export function memoryCgroupPath(procCgroup: string, version: "v1" | "v2"): string | undefined {
  for (const line of procCgroup.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (version === "v2" && m[1] === "0" && m[2] === "") return m[3];
    if (version === "v1" && m[2]!.split(",").includes("memory")) return m[3];
  }
  return undefined;
}

export function cgroupVersion(root = CGROUP_ROOT): "v1" | "v2" {
  return existsSync(join(root, "cgroup.controllers")) ? "v2" : "v1";
}

/** Finds the container's memory cgroup on the host: from its init's /proc entry, else Docker's usual places. */
export async function memoryReader(containerId: string, pid: number, root = CGROUP_ROOT): Promise<MemoryReader> {
  const version = cgroupVersion(root);
  const base = version === "v1" ? join(root, "memory") : root;
  const usageFile = version === "v1" ? "memory.usage_in_bytes" : "memory.current";
  const candidates: string[] = [];
  const own = await readFile(`/proc/${pid}/cgroup`, "utf8").catch(() => "");
  const path = memoryCgroupPath(own, version);
  if (path) candidates.push(join(base, path));
  candidates.push(join(base, "docker", containerId), join(base, "system.slice", `docker-${containerId}.scope`));
  const dir = candidates.find((d) => existsSync(join(d, usageFile)));
  if (!dir)
    throw new Error(`no ${version} memory cgroup found for container ${containerId.slice(0, 12)}; looked in ${candidates.join(", ")}`);
  const read = async (): Promise<MemorySample> => {
    const [usage, statText] = await Promise.all([readFile(join(dir, usageFile), "utf8"), readFile(join(dir, "memory.stat"), "utf8")]);
    const stat = parseMemoryStat(statText);
    const total = Number(usage.trim());
    if (version === "v1")
      return { used: total - (stat.get("total_cache") ?? stat.get("cache") ?? 0), rss: stat.get("total_rss") ?? stat.get("rss") ?? 0 };
    return { used: total - (stat.get("file") ?? 0), rss: stat.get("anon") ?? 0 };
  };
  return { version, dir, metric: version === "v1" ? METRIC_V1 : METRIC_V2, read };
}

/** Samples every `intervalMs` for `windowMs` (the first sample at once); returns them in order with their times. */
export async function sampleMemory(
  reader: MemoryReader,
  windowMs: number,
  intervalMs: number,
): Promise<{ atMs: number; sample: MemorySample }[]> {
  const out: { atMs: number; sample: MemorySample }[] = [];
  const t0 = Date.now();
  for (let i = 0; ; i++) {
    const due = t0 + i * intervalMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const atMs = Date.now() - t0;
    if (atMs > windowMs) break;
    out.push({ atMs, sample: await reader.read() });
  }
  return out;
}
