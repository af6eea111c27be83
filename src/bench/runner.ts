/**
 * The measurements. Every case follows one method: a warm-up run of each image (not recorded),
 * then N rounds, each round running the image under test and then each reference once
 * (A B C A B C ...), so that run i of every image saw the same moment of the machine and the
 * ratios can be taken pair by pair.
 */
import { gunzipSync } from "node:zlib";
import { CheckFailure } from "../lib/errors.js";
import { run } from "../lib/exec.js";
import { silentLogger, type Logger } from "../lib/log.js";
import { parsePlatform } from "../lib/platform.js";
import { pushLayout, pushPlatform } from "../oci/push.js";
import type { RegistryClient } from "../oci/registry.js";
import { OCI } from "../oci/schema.js";
import { memoryReader, sampleMemory } from "./cgroup.js";
import { BENCH_COMMANDS, DATA_MOUNT, commandArgv } from "./commands.js";
import { bootToReady, dockerRunArgs, type Booted } from "../lib/docker.js";
import { containerIds, firstLine, startIdle, stopBooted, timedDocker, type ContainerNames } from "./docker.js";
import { BENCH_REPO } from "./images.js";
import { ratioSummary, summarize } from "./stats.js";
import type { BenchGroup, CaseName, Measure, MemoryRun, Subject } from "./types.js";
import { formatReference } from "../oci/reference.js";

export interface RunContext {
  runs: number;
  log: Logger;
  names: ContainerNames;
  /** Memory case: runs, window and sampling interval. */
  memory: { runs: number; windowMs: number; intervalMs: number };
  /** Commands case, one `docker run` per command: rounds (each costs a container start). */
  commandRunRounds: number;
  /** Host folder with the data set (commands case). */
  dataDir?: string;
  /** Local registry client (pull case). */
  registry?: RegistryClient;
  bootTimeoutMs: number;
}

/** "boot standard linux/amd64: run 3/20" on stderr: the first and last run, and at most one line every 2 s between. */
function progress(log: Logger, label: string, total: number): (i: number) => void {
  let last = 0;
  return (i) => {
    const now = Date.now();
    if (i !== 1 && i !== total && now - last < 2000) return;
    last = now;
    log.info(`${label}: run ${i}/${total}`);
  };
}

function addMeasure(
  g: BenchGroup,
  subject: Subject,
  kase: CaseName,
  metric: string,
  unit: Measure["unit"],
  values: (number | null)[],
  extra: { resolution?: number; note?: string } = {},
): Measure | undefined {
  const ok = values.filter((v): v is number => v !== null);
  if (ok.length === 0) {
    g.notes.push(`${subject.label}: ${metric}: every run failed`);
    return undefined;
  }
  // The host's clock is read in nanoseconds and reported to the µs; bytes are counted one by one.
  const resolution = extra.resolution ?? (unit === "ms" ? 0.001 : 1);
  const m: Measure = { subject: subject.label, case: kase, metric, unit, values, summary: summarize(ok), ...extra, resolution };
  g.measures.push(m);
  return m;
}

function addRatio(g: BenchGroup, a: Measure | undefined, b: Measure | undefined, metric = a?.metric): void {
  if (!a || !b || !metric) return;
  const s = ratioSummary(
    a.values.map((v) => v ?? undefined),
    b.values.map((v) => v ?? undefined),
  );
  if (s)
    g.ratios.push({
      case: a.case,
      subject: a.subject,
      metric,
      reference: b.subject,
      referenceMetric: b.metric,
      ...(metric !== a.metric ? { subjectMetric: a.metric } : {}),
      summary: s,
    });
}

const runArgs = (s: Subject, argv: string[], extra: string[] = []) =>
  dockerRunArgs(s.image, undefined, { remove: true, platform: s.platform, extra, command: argv });

// ---------------------------------------------------------------------------
// startup: docker run --rm --pull=never IMAGE true
// ---------------------------------------------------------------------------

async function startupCase(g: BenchGroup, ctx: RunContext): Promise<void> {
  const alive: Subject[] = [];
  for (const s of [g.image, ...g.references]) {
    const r = await timedDocker(runArgs(s, s.trueCommand));
    if (r.code === 0) alive.push(s);
    else if (s === g.image)
      throw new CheckFailure(`${s.label}: docker run ${s.image} ${s.trueCommand.join(" ")} exited with ${r.code}: ${firstLine(r.stderr)}`);
    else
      g.notes.push(`startup: reference ${s.label} left out: \`${s.trueCommand.join(" ")}\` exited with ${r.code}: ${firstLine(r.stderr)}`);
  }
  const values = new Map(alive.map((s) => [s, [] as (number | null)[]]));
  const tick = progress(ctx.log, `startup ${g.label}`, ctx.runs);
  for (let i = 1; i <= ctx.runs; i++) {
    for (const s of alive) {
      const r = await timedDocker(runArgs(s, s.trueCommand));
      values.get(s)!.push(r.code === 0 ? r.ms : null);
    }
    tick(i);
  }
  const mine = addMeasure(g, g.image, "startup", "startup", "ms", values.get(g.image)!);
  for (const s of alive.slice(1)) {
    const theirs = addMeasure(g, s, "startup", "startup", "ms", values.get(s)!);
    if (s.kind !== "twin") addRatio(g, mine, theirs);
  }
}

// ---------------------------------------------------------------------------
// boot: docker run IMAGE /sbin/init to the ready line, then docker stop; paired with the floor's startup
// ---------------------------------------------------------------------------

async function bootOnce(s: Subject, ctx: RunContext, extra: string[] = []): Promise<Booted> {
  const name = ctx.names.next();
  try {
    return await bootToReady(s.image, name, { platform: s.platform, extra, timeoutMs: ctx.bootTimeoutMs, remove: true });
  } catch (e) {
    await ctx.names.remove(name);
    throw new CheckFailure(`${s.label}: ${(e as Error).message}`);
  }
}

async function stopOnce(b: Booted, ctx: RunContext): Promise<{ stopMs: number; exitCode: number }> {
  try {
    return await stopBooted(b);
  } finally {
    ctx.names.gone(b.name);
  }
}

export const BOOT_METRICS = {
  inContainer: "boot to ready, in container",
  wall: "boot to ready, docker run to ready line",
  stop: "shutdown (docker stop)",
  floorPair: "startup (paired with boot)",
} as const;

/**
 * The clock behind the rc's ready lines: "ready in 3.412 ms" is ash's $MONOTONIC_US (1 µs, printed
 * to 0.001 ms); "ready in 10 ms" is /proc/uptime's 10 ms ticks (an rc or a shell without it).
 */
export function readyClock(lines: readonly string[]): { resolution: number; note: string } {
  const fine = lines.length > 0 && lines.every((l) => /ready in \d+\.\d{3} ms/.test(l));
  return fine
    ? { resolution: 0.001, note: "printed by the rc: CLOCK_MONOTONIC ($MONOTONIC_US, 1 µs) from the rc's start to all services up" }
    : { resolution: 10, note: "printed by the rc: /proc/uptime (10 ms ticks) from the rc's start to all services up" };
}

async function bootCase(g: BenchGroup, ctx: RunContext): Promise<void> {
  if (!g.image.boots) {
    g.notes.push(`boot: ${g.image.label} does not boot /sbin/init`);
    return;
  }
  const floor = g.references.find((r) => r.kind === "floor");
  // --aa: the image's twin boots right after it in every round, for the noise floor.
  const twin = g.references.find((r) => r.kind === "twin");
  const twinValues = { ready: [] as (number | null)[], wall: [] as (number | null)[], stop: [] as (number | null)[] };
  const ready: (number | null)[] = [];
  const wall: (number | null)[] = [];
  const stop: (number | null)[] = [];
  const floorMs: (number | null)[] = [];
  const unclean: string[] = [];
  const lines: string[] = [];
  const once = async (record: boolean) => {
    const b = await bootOnce(g.image, ctx);
    const s = await stopOnce(b, ctx);
    if (s.exitCode !== 0) unclean.push(`exit ${s.exitCode} after ${Math.round(s.stopMs)} ms`);
    if (record) {
      lines.push(b.line);
      ready.push(b.readyMs);
      wall.push(b.wallMs);
      stop.push(s.stopMs);
    }
    if (floor) {
      const f = await timedDocker(runArgs(floor, floor.trueCommand));
      if (record) floorMs.push(f.code === 0 ? f.ms : null);
    }
    if (twin) {
      const tb = await bootOnce(twin, ctx);
      const ts = await stopOnce(tb, ctx);
      if (record) {
        twinValues.ready.push(tb.readyMs);
        twinValues.wall.push(tb.wallMs);
        twinValues.stop.push(ts.stopMs);
      }
    }
  };
  await once(false);
  const tick = progress(ctx.log, `boot ${g.label}`, ctx.runs);
  for (let i = 1; i <= ctx.runs; i++) {
    await once(true);
    tick(i);
  }
  addMeasure(g, g.image, "boot", BOOT_METRICS.inContainer, "ms", ready, readyClock(lines));
  const w = addMeasure(g, g.image, "boot", BOOT_METRICS.wall, "ms", wall);
  addMeasure(g, g.image, "boot", BOOT_METRICS.stop, "ms", stop, {
    note: "docker stop -t 10 right after the ready line: SIGTERM, the shutdown actions, until the container has exited",
  });
  if (unclean.length > 0)
    g.notes.push(`shutdown: ${unclean.length} of ${ctx.runs + 1} stops did not end with exit code 0 (${unclean.slice(0, 3).join("; ")})`);
  if (floor) addRatio(g, w, addMeasure(g, floor, "boot", BOOT_METRICS.floorPair, "ms", floorMs), `${BOOT_METRICS.wall} ÷ floor startup`);
  if (twin) {
    addMeasure(g, twin, "boot", BOOT_METRICS.inContainer, "ms", twinValues.ready, readyClock(lines));
    addMeasure(g, twin, "boot", BOOT_METRICS.wall, "ms", twinValues.wall);
    addMeasure(g, twin, "boot", BOOT_METRICS.stop, "ms", twinValues.stop);
  }
}

// ---------------------------------------------------------------------------
// memory: cgroup usage without page cache at the ready line, and the peak over a window
// ---------------------------------------------------------------------------

export const MEMORY_METRICS = { afterReady: "memory after ready", peak: "memory peak" } as const;
/** The cgroup charges memory by the page. */
const PAGE_BYTES = 4096;

async function memoryCase(g: BenchGroup, ctx: RunContext): Promise<void> {
  if (!g.image.boots) return;
  const { runs, windowMs, intervalMs } = ctx.memory;
  // --aa: the image's twin boots right after it in every round, for the noise floor.
  const twin = g.references.find((r) => r.kind === "twin");
  const out: MemoryRun[] = [];
  const twinOut: MemoryRun[] = [];
  let metric = "";
  const once = async (s: Subject): Promise<MemoryRun> => {
    const b = await bootOnce(s, ctx);
    try {
      const ids = await containerIds(b.name);
      const reader = await memoryReader(ids.id, ids.pid);
      metric = reader.metric;
      const samples = await sampleMemory(reader, windowMs, intervalMs);
      const first = samples[0]!;
      const peak = samples.reduce((p, s) => (s.sample.used > p.sample.used ? s : p), first);
      return {
        afterReady: first.sample.used,
        peak: peak.sample.used,
        peakAtMs: peak.atMs,
        samples: samples.length,
        rss: first.sample.rss,
        kernel: first.sample.kernel,
        charged: { afterReady: first.sample.charged, peak: Math.max(...samples.map((x) => x.sample.charged)) },
      };
    } finally {
      await stopOnce(b, ctx);
    }
  };
  const tick = progress(ctx.log, `memory ${g.label} (${windowMs / 1000} s each${twin ? ", with its A/A twin" : ""})`, runs);
  for (let i = 1; i <= runs; i++) {
    out.push(await once(g.image));
    if (twin) twinOut.push(await once(twin));
    tick(i);
  }
  g.memory = { metric, windowMs, intervalMs, runs: out };
  addMeasure(
    g,
    g.image,
    "memory",
    MEMORY_METRICS.afterReady,
    "B",
    out.map((r) => r.afterReady),
    { note: metric, resolution: PAGE_BYTES },
  );
  addMeasure(
    g,
    g.image,
    "memory",
    MEMORY_METRICS.peak,
    "B",
    out.map((r) => r.peak),
    {
      note: `${metric}; the highest of the samples every ${intervalMs} ms for ${windowMs / 1000} s after the ready line`,
      resolution: PAGE_BYTES,
    },
  );
  if (twin) {
    const page = { resolution: PAGE_BYTES };
    addMeasure(
      g,
      twin,
      "memory",
      MEMORY_METRICS.afterReady,
      "B",
      twinOut.map((r) => r.afterReady),
      page,
    );
    addMeasure(
      g,
      twin,
      "memory",
      MEMORY_METRICS.peak,
      "B",
      twinOut.map((r) => r.peak),
      page,
    );
  }
}

// ---------------------------------------------------------------------------
// commands: the text tools, by docker exec into one running container, and one docker run each
// ---------------------------------------------------------------------------

async function commandsCase(g: BenchGroup, ctx: RunContext): Promise<void> {
  if (!ctx.dataDir) throw new Error("internal: the commands case needs the data set");
  const mount = ["-v", `${ctx.dataDir}:${DATA_MOUNT}:ro`];
  // The A/A twin (--aa) takes part like a reference, for the noise floor; it is no ratio's reference.
  const subjects = [g.image, ...g.references].filter((s) => s.shell);
  // One running container per image: the image under test booted (its services up), references idle.
  const running = new Map<Subject, { name: string; booted?: Booted }>();
  try {
    for (const s of subjects) {
      if (s.boots) {
        const b = await bootOnce(s, ctx, mount);
        running.set(s, { name: b.name, booted: b });
      } else {
        const name = ctx.names.next();
        await startIdle(s.image, name, { platform: s.platform, extra: mount });
        running.set(s, { name });
      }
    }
    await commandRounds(g, ctx, subjects, "docker exec", ctx.runs, (s, argv) => ["exec", running.get(s)!.name, ...argv]);
  } finally {
    for (const [, c] of running) {
      if (c.booted) await stopOnce(c.booted, ctx).catch(() => ctx.names.remove(c.name));
      else await ctx.names.remove(c.name);
    }
  }
  await commandRounds(g, ctx, subjects, "docker run", ctx.commandRunRounds, (s, argv) => runArgs(s, argv, mount));
}

async function commandRounds(
  g: BenchGroup,
  ctx: RunContext,
  subjects: Subject[],
  how: "docker exec" | "docker run",
  rounds: number,
  argsFor: (s: Subject, argv: string[]) => string[],
): Promise<void> {
  const tick = progress(ctx.log, `commands (${how}) ${g.label}`, rounds);
  const values = new Map<string, Map<Subject, (number | null)[]>>();
  const alive = new Map<string, Subject[]>();
  for (const c of BENCH_COMMANDS) {
    const ok: Subject[] = [];
    for (const s of subjects) {
      const r = await timedDocker(argsFor(s, commandArgv(c)));
      if (r.code === 0) ok.push(s);
      else if (how === "docker exec")
        g.notes.push(`commands: ${c.name} is not available in ${s.label}: ${firstLine(r.stderr) || `exit ${r.code}`}`);
    }
    alive.set(c.name, ok);
    values.set(c.name, new Map(ok.map((s) => [s, []])));
  }
  for (let i = 1; i <= rounds; i++) {
    for (const c of BENCH_COMMANDS) {
      for (const s of alive.get(c.name)!) {
        const r = await timedDocker(argsFor(s, commandArgv(c)));
        values
          .get(c.name)!
          .get(s)!
          .push(r.code === 0 ? r.ms : null);
      }
    }
    tick(i);
  }
  for (const c of BENCH_COMMANDS) {
    const ok = alive.get(c.name)!;
    const v = values.get(c.name)!;
    const metric = `${c.name} (${how})`;
    const mine = ok[0] === g.image ? addMeasure(g, g.image, "commands", metric, "ms", v.get(g.image)!) : undefined;
    for (const s of ok) {
      if (s === g.image) continue;
      const theirs = addMeasure(g, s, "commands", metric, "ms", v.get(s)!);
      if (s.kind !== "twin") addRatio(g, mine, theirs);
    }
  }
}

// ---------------------------------------------------------------------------
// pull: from the local registry (pushed there first, untimed)
// ---------------------------------------------------------------------------

function slug(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "image"
  );
}

/** Puts the subject in the local registry; returns where. Built images go through the project's push code, others through skopeo. */
async function pushSubject(s: Subject, client: RegistryClient): Promise<{ repository: string; digest: string }> {
  if (s.layout) {
    const repository = `${BENCH_REPO}/${slug(s.kind === "kimigayo" ? s.label.split(" ")[0]! : s.kind)}`;
    if (s.layout.multiPlatform) {
      const platform = parsePlatform(s.platform);
      if (!platform) throw new Error(`${s.label}: ${s.platform} is not a platform the project builds`);
      const r = await pushPlatform(s.layout.dir, repository, platform, client, silentLogger, { ref: s.layout.ref });
      return { repository, digest: r.digest };
    }
    const r = await pushLayout(s.layout.dir, repository, [s.layout.ref], client, silentLogger, { ref: s.layout.ref });
    return { repository, digest: r.manifests[0]! };
  }
  const repository = `${BENCH_REPO}/ext-${slug(s.label)}`;
  const tag = s.platform.split("/")[1]!;
  const r = await run(
    "skopeo",
    [
      "copy",
      "--insecure-policy",
      "--dest-tls-verify=false",
      `docker-daemon:${s.image}`,
      `docker://${formatReference({ registry: client.registry, repository, tag })}`,
    ],
    { timeoutMs: 300_000 },
  ).catch((e: Error) => ({ code: 127, stdout: "", stderr: e.message }));
  if (r.code !== 0) throw new Error(`skopeo copy of ${s.image} to ${client.registry} failed: ${firstLine(r.stderr)}`);
  const head = await client.headManifest(repository, tag);
  if (!head?.digest) throw new Error(`${formatReference({ registry: client.registry, repository, tag })} is not there after skopeo copy`);
  return { repository, digest: head.digest };
}

/** One pull: manifest, config and layers, digests verified, gzip layers decompressed. */
async function pullOnce(client: RegistryClient, repository: string, digest: string): Promise<{ ms: number; bytes: number }> {
  const t0 = process.hrtime.bigint();
  const { fetched: m, doc: manifest } = await client.getManifestAs(repository, digest, OCI.manifest);
  let bytes = m.size + (await client.getBlob(repository, manifest.config.digest)).length;
  for (const l of manifest.layers) {
    const blob = await client.getBlob(repository, l.digest);
    bytes += blob.length;
    if (l.mediaType.endsWith("gzip")) gunzipSync(blob);
  }
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, bytes };
}

async function pullCase(g: BenchGroup, ctx: RunContext): Promise<void> {
  const client = ctx.registry;
  if (!client) return;
  const pushed = new Map<Subject, { repository: string; digest: string }>();
  for (const s of [g.image, ...g.references].filter((x) => x.kind !== "twin")) {
    try {
      pushed.set(s, await pushSubject(s, client));
    } catch (e) {
      g.notes.push(`pull: ${s.label} left out: ${(e as Error).message}`);
    }
  }
  // --aa: the twin pulls what the image pushed, right after it in every round, for the noise floor.
  const twin = g.references.find((r) => r.kind === "twin");
  if (twin && pushed.has(g.image)) pushed.set(twin, pushed.get(g.image)!);
  const subjects = [...pushed.keys()];
  const ms = new Map(subjects.map((s) => [s, [] as (number | null)[]]));
  const bytes = new Map(subjects.map((s) => [s, [] as (number | null)[]]));
  for (const s of subjects) await pullOnce(client, pushed.get(s)!.repository, pushed.get(s)!.digest);
  const tick = progress(ctx.log, `pull ${g.label}`, ctx.runs);
  for (let i = 1; i <= ctx.runs; i++) {
    for (const s of subjects) {
      const p = pushed.get(s)!;
      const r = await pullOnce(client, p.repository, p.digest).catch(() => undefined);
      ms.get(s)!.push(r ? r.ms : null);
      bytes.get(s)!.push(r ? r.bytes : null);
    }
    tick(i);
  }
  const where = (s: Subject) => `${client.registry}/${pushed.get(s)!.repository}@${pushed.get(s)!.digest.slice(0, 19)}…`;
  const mine = pushed.has(g.image) ? addMeasure(g, g.image, "pull", "pull", "ms", ms.get(g.image)!, { note: where(g.image) }) : undefined;
  const mineBytes = pushed.has(g.image) ? addMeasure(g, g.image, "pull", "pull size", "B", bytes.get(g.image)!) : undefined;
  for (const s of subjects) {
    if (s === g.image) continue;
    const time = addMeasure(g, s, "pull", "pull", "ms", ms.get(s)!, { note: where(s) });
    const size = addMeasure(g, s, "pull", "pull size", "B", bytes.get(s)!);
    if (s.kind === "twin") continue;
    addRatio(g, mine, time);
    if (s.kind !== "floor") addRatio(g, mineBytes, size);
  }
}

export const CASE_RUNNERS: Record<CaseName, (g: BenchGroup, ctx: RunContext) => Promise<void>> = {
  startup: startupCase,
  boot: bootCase,
  memory: memoryCase,
  commands: commandsCase,
  pull: pullCase,
};
