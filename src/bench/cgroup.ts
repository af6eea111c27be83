/**
 * A container's memory, read from the host's cgroup files (the kernel's own accounting), without
 * the page cache: a container that reads a file keeps its pages cached and charged to it, but the
 * kernel drops them at will.
 *
 * The figure is the sum of what the cgroup has charged, counted page by page in memory.stat:
 *
 *   cgroup v1: total_rss + total_shmem (memory.stat) + memory.kmem.usage_in_bytes
 *   cgroup v2: anon + shmem + kernel (memory.stat; kernel_stack + pagetables + percpu + sock +
 *              slab + vmalloc where the kernel has no "kernel" line)
 *
 * and not memory.usage_in_bytes (v1) or memory.current (v2) minus the cache: those counters also
 * hold the pages the kernel charges ahead, in batches of 32 pages per CPU (memcg_stock), so they
 * read up to 128 KiB per CPU above what is in use, and by a different amount on each reading (the
 * kernel documentation calls usage_in_bytes "a fuzz value"). That figure is kept as `charged`.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const CGROUP_ROOT = "/sys/fs/cgroup";

export interface MemorySample {
  /** Bytes in use without the page cache: anonymous and shared memory plus kernel memory. */
  used: number;
  /** Anonymous memory (rss / anon): the processes' own pages. */
  rss: number;
  /** Kernel memory charged to the container: stacks, page tables, slab (sockets, files, mounts...). */
  kernel: number;
  /** The usage counter minus the cache: `used` plus the pages charged ahead per CPU. */
  charged: number;
}

export interface MemoryReader {
  version: "v1" | "v2";
  dir: string;
  /** The metric's name for the report. */
  metric: string;
  read(): Promise<MemorySample>;
}

export const METRIC_V1 = "cgroup v1 memory.stat total_rss + total_shmem + memory.kmem.usage_in_bytes";
export const METRIC_V2 = "cgroup v2 memory.stat anon + shmem + kernel";
/** When the kernel does not account kernel memory per cgroup (v1 with cgroup.memory=nokmem): the old, fuzzy figure. */
export const METRIC_V1_NOKMEM = "cgroup v1 memory.usage_in_bytes − memory.stat total_cache (no kernel memory accounting)";

const V2_KERNEL_PARTS = ["kernel_stack", "pagetables", "sec_pagetables", "percpu", "sock", "slab", "vmalloc"];

/** The figures of one reading of the usage counter and memory.stat; exported for the tests. */
export function memorySample(version: "v1" | "v2", usage: number, stat: Map<string, number>, kmem?: number): MemorySample {
  const get = (k: string) => stat.get(k) ?? 0;
  if (version === "v1") {
    const rss = stat.get("total_rss") ?? get("rss");
    const shmem = stat.get("total_shmem") ?? get("shmem");
    const charged = usage - (stat.get("total_cache") ?? get("cache"));
    if (!kmem) return { used: charged, rss, kernel: 0, charged };
    return { used: rss + shmem + kmem, rss, kernel: kmem, charged };
  }
  const kernel = stat.has("kernel") ? get("kernel") : V2_KERNEL_PARTS.reduce((sum, k) => sum + get(k), 0);
  const rss = get("anon");
  return { used: rss + get("shmem") + kernel, rss, kernel, charged: usage - get("file") };
}

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

function cgroupVersion(root = CGROUP_ROOT): "v1" | "v2" {
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
  const kmemFile = join(dir, "memory.kmem.usage_in_bytes");
  const readKmem = async () => (version === "v1" ? Number((await readFile(kmemFile, "utf8").catch(() => "0")).trim()) : undefined);
  // v1 without kernel memory accounting reads 0 there: then only the fuzzy figure exists.
  const metric = version === "v2" ? METRIC_V2 : (await readKmem()) ? METRIC_V1 : METRIC_V1_NOKMEM;
  const read = async (): Promise<MemorySample> => {
    const [usage, statText, kmem] = await Promise.all([
      readFile(join(dir, usageFile), "utf8"),
      readFile(join(dir, "memory.stat"), "utf8"),
      readKmem(),
    ]);
    return memorySample(version, Number(usage.trim()), parseMemoryStat(statText), kmem);
  };
  return { version, dir, metric, read };
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
