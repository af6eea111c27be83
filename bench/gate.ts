/**
 * npm run bench:gate [-- --runs N --quiet-runs 20 --trip-runs 10 --extra-ms 20 --only boot --out DIR]:
 * how often the regression gate cries wolf, and whether it catches a real slowdown, on this machine.
 *   1. a baseline: the standard image against itself, interleaved (kimigayo bench --aa), which gives
 *      each figure its A/A noise floor;
 *   2. 20 gate runs of the unchanged image against that baseline       target: 0 false alarms
 *   3. 10 gate runs of the same rootfs whose rc takes 20 ms longer     target: 10 of 10 trip
 * the two kinds interleaved (A A slow A A slow ...), so both see the same moments of the machine. Each
 * gate run is what `kimigayo bench --baseline` does: a figure trips when its best run (min of N) is
 * past the baseline's by more than max(threshold, its A/A noise floor), and by more than the machine
 * slowed since the baseline (the floor's best run in the same rounds); it is then measured again, and
 * only a figure that trips twice fails the gate.
 * It also checks every benchmark.json it wrote (issue: a ratio-based consumer divides the new value
 * by the old): no smaller-is-better value of 0 and every ratio between runs finite.
 * A benchmark, not a test: it prints figures beside targets and exits 1 when one is missed.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBench, type BenchRequest } from "../src/bench/bench.js";
import { confirmGate, DEFAULT_THRESHOLD_PCT, gate, type GateResult } from "../src/bench/gate.js";
import { kimigayoImage, rootfsImage, slowerRootfs } from "../src/bench/images.js";
import { benchmarkEntries, entryCases } from "../src/bench/report.js";
import { CASES, type BenchmarkEntry, type CaseName } from "../src/bench/types.js";
import { table } from "../src/cli/table.js";
import { DEFAULT_REGISTRY } from "../src/lib/docker.js";
import { streamLogger, silentLogger } from "../src/lib/log.js";
import { nativeStandard } from "./native.js";
import { parseBenchmarkEntries } from "../src/results/benchmark.js";

const { values: a } = parseArgs({
  options: {
    runs: { type: "string" },
    "quiet-runs": { type: "string" },
    "trip-runs": { type: "string" },
    "extra-ms": { type: "string" },
    only: { type: "string" },
    threshold: { type: "string" },
    out: { type: "string" },
    config: { type: "string" },
  },
  strict: true,
});
const whole = (name: string, v: string | undefined, dflt: number) => {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1) {
    process.stderr.write(`bench:gate: --${name} must be a whole number ≥ 1, got "${v}"\n`);
    process.exit(2);
  }
  return Number(v);
};
const runs = whole("runs", a.runs, 10);
const quietRuns = whole("quiet-runs", a["quiet-runs"], 20);
const tripRuns = whole("trip-runs", a["trip-runs"], 10);
const extraMs = whole("extra-ms", a["extra-ms"], 20);
const thresholdPct = whole("threshold", a.threshold, DEFAULT_THRESHOLD_PCT);
const cases = (a.only ?? "boot").split(",").map((c) => c.trim()) as CaseName[];
const unknown = cases.filter((c) => !(CASES as readonly string[]).includes(c));
if (unknown.length > 0) {
  process.stderr.write(`bench:gate: --only: unknown case ${unknown.join(", ")}; cases: ${CASES.join(", ")}\n`);
  process.exit(2);
}

const log = streamLogger(process.stderr);
const { platform, out, build } = await nativeStandard("bench:gate", {
  ...(a.config ? { config: a.config } : {}),
  ...(a.out ? { out: a.out } : {}),
  log,
});
const img = build.images.find((i) => i.variant === "standard" && i.platform === platform)!;
const same = await kimigayoImage(build, "standard", platform);
const slow = await rootfsImage(
  slowerRootfs(await readFile(img.rootfs.tar), extraMs),
  platform,
  `kimigayo-bench/standard-slow:${extraMs}ms`,
);

const dir = join(out, "bench", "gate");
await mkdir(dir, { recursive: true });
const request = (ref: string, aa = false): BenchRequest => ({
  images: [{ label: "standard", ref }],
  references: [],
  runs,
  cases,
  workDir: join(out, "bench", "work"),
  registry: DEFAULT_REGISTRY,
  log: silentLogger,
  ...(aa ? { aa: true } : {}),
});
const files: string[] = [];
const save = async (name: string, entries: BenchmarkEntry[]) => {
  const file = join(dir, `${name}.json`);
  await writeFile(file, `${JSON.stringify(entries, null, 2)}\n`);
  files.push(file);
};

log.info(`bench:gate: baseline, A/A (${runs} runs of standard ${platform} against itself, interleaved; ${cases.join(", ")})`);
const baseResult = await runBench(request(same.tag, true));
const baseline = benchmarkEntries(baseResult);
await save("baseline", baseline);
const noiseRows = baseline.map((e) => [e.name, `${e.value} ${e.unit}`, /noise=([0-9.]+)%/.exec(e.extra ?? "")?.[1] ?? "–"]);

interface GateRun {
  kind: "unchanged" | `+${number} ms init`;
  i: number;
  gate: GateResult;
}
const results: GateRun[] = [];
const plan: GateRun["kind"][] = [];
for (let q = 0, t = 0; q < quietRuns || t < tripRuns;) {
  for (let k = 0; k < 2 && q < quietRuns; k++, q++) plan.push("unchanged");
  if (t < tripRuns) {
    plan.push(`+${extraMs} ms init`);
    t++;
  }
}
const counts = new Map<string, number>();
for (const kind of plan) {
  const i = (counts.get(kind) ?? 0) + 1;
  counts.set(kind, i);
  const req = request(kind === "unchanged" ? same.tag : slow.tag);
  const result = await runBench(req);
  const entries = benchmarkEntries(result);
  await save(`${kind === "unchanged" ? "unchanged" : "slow"}-${String(i).padStart(2, "0")}`, entries);
  const caseOf = entryCases(result);
  let confirmN = 0;
  const g = await confirmGate(
    gate(entries, baseline, thresholdPct),
    baseline,
    (n) => caseOf.get(n),
    async (again) => {
      const e = benchmarkEntries(await runBench({ ...req, cases: again }));
      await save(`${kind === "unchanged" ? "unchanged" : "slow"}-${String(i).padStart(2, "0")}-confirm${++confirmN}`, e);
      return e;
    },
  );
  results.push({ kind, i, gate: g });
  const tripped = g.confirmation?.tripped ?? [];
  log.info(
    `${kind} ${i}: ${g.passed ? "passed" : "FAILED"}` +
      (tripped.length > 0
        ? ` (tripped: ${tripped.map((n) => n.replace(/^standard [^:]+: /, "")).join("; ")}; confirmed: ${g.regressions.length})`
        : ""),
  );
}

// Every benchmark.json written above, read back as the gate reads a baseline: no 0, finite ratios.
const all = await Promise.all(files.map(async (f) => ({ f, e: parseBenchmarkEntries(await readFile(f, "utf8"), f) })));
const zeros = all.flatMap(({ f, e }) => e.filter((x) => x.value === 0 || !Number.isFinite(x.value)).map((x) => `${f}: ${x.name}`));
const byName = new Map<string, number[]>();
for (const { e } of all) for (const x of e) byName.set(x.name, [...(byName.get(x.name) ?? []), x.value]);
let ratios = 0;
let infinite = 0;
for (const values of byName.values())
  for (const p of values)
    for (const c of values) {
      ratios++;
      if (!Number.isFinite(c / p)) infinite++;
    }

const row = (kind: string) => results.filter((r) => r.kind === kind);
const quiet = row("unchanged");
const trips = row(`+${extraMs} ms init`);
const falseAlarms = quiet.filter((r) => !r.gate.passed).length;
const caught = trips.filter((r) => !r.gate.passed).length;
const unconfirmed = quiet.filter((r) => r.gate.passed && (r.gate.confirmation?.tripped.length ?? 0) > 0).length;
const loaded = quiet.filter((r) => r.gate.rows.some((x) => x.verdict === "load")).length;
const perRun = results.map((r) => [
  r.kind,
  String(r.i),
  r.gate.confirmation ? r.gate.confirmation.tripped.map((n) => n.replace(/^standard [^:]+: /, "")).join("; ") : "",
  r.gate.passed
    ? "passed"
    : `failed: ${r.gate.regressions.map((x) => `${x.name.replace(/^standard [^:]+: /, "")} ${x.baseline?.value} → ${x.current?.value} ${x.unit}`).join("; ")}`,
]);
const inContainer = (r: GateRun) => r.gate.rows.find((x) => x.name.endsWith("boot to ready, in container"))?.current?.value;
const ok = falseAlarms === 0 && caught === tripRuns && zeros.length === 0 && infinite === 0;
process.stdout.write(
  [
    `bench:gate on ${platform}: ${cases.join(", ")}, ${runs} runs per figure, threshold ${thresholdPct} %; load average now ${(await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ")}`,
    "",
    "Baseline (A/A) figures and their noise floors:",
    table(["figure", "median", "noise floor %"], noiseRows, [1, 2]),
    "",
    table(["run", "#", "tripped first", "verdict"], perRun),
    "",
    table(
      ["figure", "measured", "target", ""],
      [
        [
          `unchanged image: false alarms in ${quiet.length} gate runs`,
          `${falseAlarms} (${unconfirmed} tripped once and passed the re-run; ${loaded} had a figure slower by no more than the machine: load)`,
          "0",
          falseAlarms === 0 ? "✓" : "✗",
        ],
        [
          `image with ${extraMs} ms more init: gate runs that fail`,
          `${caught} of ${trips.length} (in container: ${trips.map(inContainer).join(", ")} ms)`,
          `${tripRuns} of ${tripRuns}`,
          caught === tripRuns ? "✓" : "✗",
        ],
        [`benchmark.json files: values of 0`, `${zeros.length} in ${files.length} files`, "0", zeros.length === 0 ? "✓" : "✗"],
        [`ratios between runs of the same figure`, `${infinite} of ${ratios} not finite`, "all finite", infinite === 0 ? "✓" : "✗"],
      ],
    ),
    "",
    `wrote ${files.length} benchmark.json files to ${dir}`,
    ...(zeros.length > 0 ? ["values of 0:", ...zeros.map((z) => `  ${z}`)] : []),
    "",
  ].join("\n"),
);
await writeFile(join(dir, "gate-runs.json"), `${JSON.stringify({ baseline: baseResult, results }, null, 2)}\n`);
process.exit(ok ? 0 : 1);
