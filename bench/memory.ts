/**
 * npm run bench:memory [-- --runs 20 --floor-runs 5 --out DIR]: the memory of a booted standard image,
 * every run beside the target (≤ 1 MiB at the ready line and at every sample of the 10 s after it).
 * Each run boots the image (/sbin/init to the ready line) and reads the container's cgroup every
 * 100 ms for 10 s: anonymous pages + shared memory + kernel memory charged to the container (see
 * src/bench/cgroup.ts), and, for comparison, the usage counter minus the cache, which also holds
 * the pages the kernel charges ahead per CPU. The floor is the same image running one process
 * (`sleep`, no init, no services): what any container of it costs before the boot adds anything.
 * A benchmark, not a test: it prints figures beside targets and exits 1 when one is missed.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBench } from "../src/bench/bench.js";
import { memoryReader, type MemorySample } from "../src/bench/cgroup.js";
import { containerIds, ContainerNames, startIdle } from "../src/bench/docker.js";
import { kimigayoImage } from "../src/bench/images.js";
import { kib, MIB, SPIKE_BYTES } from "../src/bench/targets.js";
import { table } from "../src/cli/table.js";
import { DEFAULT_REGISTRY } from "../src/lib/docker.js";
import { streamLogger } from "../src/lib/log.js";
import { nativeStandard } from "./native.js";

const { values: a } = parseArgs({
  options: { runs: { type: "string" }, "floor-runs": { type: "string" }, out: { type: "string" }, config: { type: "string" } },
  strict: true,
});
const whole = (name: string, v: string | undefined, dflt: number) => {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    process.stderr.write(`bench:memory: --${name} must be a whole number ≥ 1, got "${v}"\n`);
    process.exit(2);
  }
  return Number(v);
};
const runs = whole("runs", a.runs, 20);
const floorRuns = whole("floor-runs", a["floor-runs"], 5);
const log = streamLogger(process.stderr);
const { platform, out, build } = await nativeStandard("bench:memory", {
  ...(a.config ? { config: a.config } : {}),
  ...(a.out ? { out: a.out } : {}),
  log,
});
const image = await kimigayoImage(build, "standard", platform);

// The floor: one process, no init.
const names = new ContainerNames(`kimigayo-bench-memory-${process.pid}`);
const floor: MemorySample[] = [];
try {
  for (let i = 0; i < floorRuns; i++) {
    const name = names.next();
    await startIdle(image.tag, name, { platform });
    const ids = await containerIds(name);
    const reader = await memoryReader(ids.id, ids.pid);
    await new Promise((r) => setTimeout(r, 1000));
    floor.push(await reader.read());
    await names.remove(name);
  }
} finally {
  await names.removeAll();
}

const result = await runBench({
  images: [{ label: "standard", ref: image.tag }],
  references: [],
  runs,
  memoryRuns: runs,
  cases: ["memory"],
  workDir: join(out, "bench", "work"),
  registry: DEFAULT_REGISTRY,
  log,
});
const g = result.groups[0]!;
const m = g.memory!;
const rows = m.runs.map((r, i) => [
  String(i + 1),
  kib(r.afterReady),
  kib(r.peak),
  kib(r.rss),
  kib(r.kernel),
  r.charged ? `${kib(r.charged.afterReady)} / ${kib(r.charged.peak)}` : "",
  "≤ 1,024 KiB",
  r.afterReady <= MIB && r.peak <= MIB && r.peak - r.afterReady <= SPIKE_BYTES ? "✓" : "✗",
]);
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const missed = m.runs.filter((r) => !(r.afterReady <= MIB && r.peak <= MIB && r.peak - r.afterReady <= SPIKE_BYTES)).length;
process.stdout.write(
  [
    `bench:memory: standard ${platform}, ${m.runs.length} boots, each sampled every ${m.intervalMs} ms for ${m.windowMs / 1000} s after the ready line`,
    `metric: ${m.metric}; load average at the start ${result.host.load.start.join(" ")}, at the end ${result.host.load.end.join(" ")}`,
    "",
    table(
      ["run", "after ready", `peak (${m.windowMs / 1000} s)`, "anon", "kernel", "usage counter − cache (ready / peak)", "target", ""],
      rows,
      [1, 2, 3, 4, 5],
    ),
    "",
    `floor (the same image running \`sleep\` alone, ${floor.length} runs, median): ${kib(med(floor.map((f) => f.used)))} ` +
      `(anon ${kib(med(floor.map((f) => f.rss)))}, kernel ${kib(med(floor.map((f) => f.kernel)))}; usage counter − cache ${floor.map((f) => kib(f.charged)).join(", ")})`,
    `booted (median): ${kib(med(m.runs.map((r) => r.afterReady)))}: the boot adds ${kib(med(m.runs.map((r) => r.afterReady)) - med(floor.map((f) => f.used)))} ` +
      `(init, syslogd, crond and the console's sleep: their pages, stacks, page tables and kernel objects)`,
    "",
    missed === 0 ? `every run within 1 MiB, no rise over ${kib(SPIKE_BYTES)}` : `${missed} of ${m.runs.length} runs over the target`,
    "",
  ].join("\n"),
);
process.exit(missed === 0 ? 0 : 1);
