/**
 * bench stage: image references -> a benchmark result. Resolves the images (the Kimigayo images of
 * the last build, or --image), builds the references from local files, runs the cases and
 * returns plain data; the report, the JSON for github-action-benchmark and the gate start from it.
 */
import { cpus, loadavg, release } from "node:os";
import { join } from "node:path";
import type { Platform } from "../config/schema.js";
import { PLATFORMS } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { isLoopbackRegistry } from "../oci/reference.js";
import { RegistryClient } from "../oci/registry.js";
import type { BuildResult } from "../results/build.js";
import { writeDataset } from "./commands.js";
import { checkDaemon, ContainerNames, inspectImage } from "./docker.js";
import { BUILTIN_REFERENCES, busyboxGlibcImage, floorImage, kimigayoImage, kimigayoSubject, type LocalImage } from "./images.js";
import { CASE_RUNNERS, type RunContext } from "./runner.js";
import { hostPlatform } from "../lib/platform.js";
import { RATIO_RESOLUTION } from "./report.js";
import { noiseFloorPct, pairRatios } from "./stats.js";
import { CASES, type BenchGroup, type BenchResult, type CaseName, type Execution, type Subject } from "./types.js";

export const DEFAULT_RUNS = 20;
export const MAX_RUNS = 1000;
const MEMORY_WINDOW_MS = 10_000;
const MEMORY_INTERVAL_MS = 100;

export interface ImageUnderTest {
  label: string;
  ref: string;
}

export interface BenchRequest {
  /** The Kimigayo images of a build: one group per variant and platform. */
  build?: { result: BuildResult; variants: string[]; platforms: Platform[] };
  /** Or local images under test (--image [LABEL=]REF). */
  images?: ImageUnderTest[];
  /** --reference values: built-in names (floor, busybox-glibc) or local images. The floor is always included. */
  references: string[];
  runs: number;
  cases: CaseName[];
  /** Scratch space: the floor's binary, reference layouts, the data set. */
  workDir: string;
  /** The local registry for the pull case (loopback only). */
  registry: string;
  log: Logger;
  /** Memory case runs; default min(runs, 3). */
  memoryRuns?: number;
  memoryWindowMs?: number;
  /** Commands case, one docker run per command: rounds; default min(runs, 5). */
  commandRunRounds?: number;
  bootTimeoutMs?: number;
  /**
   * A/A: run each image under test once more beside itself, interleaved, in every case, and give
   * each of its figures and ratios the noise floor those two runs show (Measure.noise, Ratio.noise;
   * "noise=" in benchmark.json).
   */
  aa?: boolean;
}

function executionOf(platform: string): Execution {
  return platform === hostPlatform() ? "native" : "emulated (QEMU)";
}

function platformOf(info: { os: string; architecture: string }): string {
  return `${info.os}/${info.architecture}`;
}

/** The references of one platform, with what could not be built. */
interface PlatformReferences {
  refs: Subject[];
  notes: string[];
  leftOut: NonNullable<BenchGroup["referencesLeftOut"]>;
}

/** The references of one platform: the floor, BusyBox (glibc) when the host has it, and the external ones. */
async function referencesFor(
  platform: Platform,
  req: BenchRequest,
  external: Map<string, { info: { os: string; architecture: string }; ref: string }>,
  found: { notes: string[]; leftOut: NonNullable<BenchGroup["referencesLeftOut"]> },
): Promise<Subject[]> {
  const subject = (label: string, img: LocalImage, kind: Subject["kind"], trueCommand: string[], shell: boolean): Subject => ({
    label,
    image: img.tag,
    platform,
    role: "reference",
    kind,
    trueCommand,
    boots: false,
    shell,
    ...(img.layout ? { layout: { ...img.layout, multiPlatform: false } } : {}),
  });
  const out: Subject[] = [subject(`floor ${platform}`, await floorImage(req.workDir, platform), "floor", ["/true"], false)];
  const bb = await busyboxGlibcImage(req.workDir, platform);
  if ("skipped" in bb) {
    const note = `reference busybox-glibc left out of ${platform}: ${bb.skipped}`;
    req.log.warn(note);
    found.notes.push(note);
    found.leftOut.push({ reference: "busybox-glibc", reason: bb.skipped });
  } else out.push(subject(`busybox-glibc ${platform}`, bb, "busybox-glibc", ["true"], true));
  for (const [label, e] of external) {
    if (platformOf(e.info) !== platform) {
      found.notes.push(`reference ${label} left out of ${platform}: it is a ${platformOf(e.info)} image`);
      continue;
    }
    out.push({ label, image: e.ref, platform, role: "reference", kind: "external", trueCommand: ["true"], boots: false, shell: true });
  }
  return out;
}

function newGroup(label: string, platform: string, image: Subject, refs: PlatformReferences, variant?: string): BenchGroup {
  return {
    label,
    ...(variant ? { variant } : {}),
    platform,
    execution: executionOf(platform),
    image,
    references: refs.refs,
    measures: [],
    ratios: [],
    notes: [...refs.notes],
    referencesLeftOut: [...refs.leftOut],
  };
}

/** The image under test as its own A/A twin: the same image, run right after it in each round. */
export function twinOf(image: Subject): Subject {
  const { layout: _layout, ...rest } = image;
  return { ...rest, label: `${image.label} (A/A twin)`, role: "reference", kind: "twin" };
}

/**
 * Every figure of the image gets the A/A noise floor its twin shows (the twin's figures stay as
 * measured): a figure by the best of its runs (the statistic the gate judges), a ratio by the
 * median of its pair ratios, the twin's against the same reference runs. Returns the figures that
 * got none (a figure the twin has no runs of), so the run can say so.
 */
export function addNoiseFloors(g: BenchGroup): string[] {
  const twin = g.references.find((r) => r.kind === "twin");
  if (!twin) return [];
  const ok = (v: (number | null)[]) => v.filter((x): x is number => x !== null);
  const measure = (subject: string, metric: string) => g.measures.find((x) => x.subject === subject && x.metric === metric);
  const uncovered: string[] = [];
  for (const m of g.measures.filter((x) => x.subject === g.image.label)) {
    const t = measure(twin.label, m.metric);
    if (!t || ok(m.values).length === 0 || ok(t.values).length === 0) {
      uncovered.push(m.metric);
      continue;
    }
    m.noise = Number(noiseFloorPct(ok(m.values), ok(t.values), m.resolution).toFixed(2));
  }
  const pairs = (v: (number | null)[] | undefined) => (v ?? []).map((x) => x ?? undefined);
  for (const r of g.ratios.filter((x) => x.subject === g.image.label)) {
    const ref = pairs(measure(r.reference, r.referenceMetric)?.values);
    const metric = r.subjectMetric ?? r.metric;
    const mine = pairRatios(pairs(measure(r.subject, metric)?.values), ref);
    const theirs = pairRatios(pairs(measure(twin.label, metric)?.values), ref);
    if (mine.length === 0 || theirs.length === 0) {
      uncovered.push(`${r.metric} ÷ ${r.reference}`);
      continue;
    }
    r.noise = Number(noiseFloorPct(mine, theirs, RATIO_RESOLUTION, "median").toFixed(2));
  }
  return uncovered;
}

/** Parses --image values: "REF" or "LABEL=REF". */
export function parseImageArg(v: string): ImageUnderTest {
  const eq = v.indexOf("=");
  const [label, ref] =
    eq > 0 && !v.slice(0, eq).includes("/") && !v.slice(0, eq).includes(":") ? [v.slice(0, eq), v.slice(eq + 1)] : [v, v];
  if (ref === "") throw new UsageError(`--image ${JSON.stringify(v)}: no image after "="`);
  return { label, ref };
}

export async function runBench(req: BenchRequest): Promise<BenchResult> {
  const { log } = req;
  const t0 = Date.now();
  const loadStart = loadavg().map((x) => Number(x.toFixed(2)));
  if (!Number.isInteger(req.runs) || req.runs < 1 || req.runs > MAX_RUNS)
    throw new UsageError(`runs must be an integer in 1..${MAX_RUNS}, got ${req.runs}`);
  const daemon = await checkDaemon();

  // The references named on the command line: built-in names, or images the engine has.
  const external = new Map<string, { info: { os: string; architecture: string }; ref: string }>();
  for (const r of req.references) {
    if ((BUILTIN_REFERENCES as readonly string[]).includes(r)) continue;
    const info = await inspectImage(r);
    if (!info) {
      throw new UsageError(
        `--reference ${r}: no such image in the local Docker engine; built-in references: ${BUILTIN_REFERENCES.join(", ")}; ` +
          `otherwise docker pull or docker load the image first (the bench never pulls)`,
      );
    }
    external.set(r, { info, ref: r });
  }

  // The images under test, each on its platform.
  const plans: { label: string; platform: Platform; subject: () => Promise<Subject>; variant?: string }[] = [];
  if (req.images && req.images.length > 0) {
    for (const im of req.images) {
      const info = await inspectImage(im.ref);
      if (!info)
        throw new UsageError(
          `--image ${im.ref}: no such image in the local Docker engine (the bench never pulls: docker pull or docker load it first)`,
        );
      const platform = platformOf(info);
      if (!(PLATFORMS as readonly string[]).includes(platform))
        throw new UsageError(`--image ${im.ref} is a ${platform} image; the bench runs ${PLATFORMS.join(", ")}`);
      const label = im.label.includes(platform) ? im.label : `${im.label} ${platform}`;
      plans.push({ label, platform: platform as Platform, subject: async () => kimigayoSubject(label, im.ref, platform, "image") });
    }
  } else if (req.build) {
    const b = req.build;
    for (const variant of b.variants) {
      for (const platform of b.platforms) {
        const label = `${variant} ${platform}`;
        plans.push({
          label,
          platform,
          variant,
          subject: async () => {
            const img = await kimigayoImage(b.result, variant, platform);
            const applets = b.result.images.find((i) => i.variant === variant && i.platform === platform)?.busybox.applets;
            return {
              ...kimigayoSubject(label, img.tag, platform, "image", applets),
              ...(img.layout ? { layout: { ...img.layout, multiPlatform: true } } : {}),
            };
          },
        });
      }
    }
  } else {
    throw new UsageError("nothing to benchmark: give --image, or run kimigayo build first");
  }

  const names = new ContainerNames();
  const groups: BenchGroup[] = [];
  let dataset: BenchResult["dataset"];
  try {
    const refCache = new Map<Platform, PlatformReferences>();
    let registry: RegistryClient | undefined;
    if (req.cases.includes("pull")) {
      if (!isLoopbackRegistry(req.registry))
        throw new UsageError(`--registry ${req.registry}: the bench pushes and pulls on a local registry only (127.0.0.1, localhost)`);
      const client = new RegistryClient(req.registry, { retry: { attempts: 2, budgetMs: 10_000 }, timeoutMs: 60_000 });
      try {
        await client.ping();
        registry = client;
      } catch (e) {
        log.warn(
          `pull case skipped: the registry ${req.registry} does not answer (${(e as Error).message}); start it with kimigayo doctor --fix`,
        );
      }
    }
    if (req.cases.includes("commands")) dataset = await writeDataset(join(req.workDir, "data"));
    const ctx: RunContext = {
      runs: req.runs,
      log,
      names,
      memory: {
        runs: req.memoryRuns ?? Math.min(req.runs, 3),
        windowMs: req.memoryWindowMs ?? MEMORY_WINDOW_MS,
        intervalMs: MEMORY_INTERVAL_MS,
      },
      commandRunRounds: req.commandRunRounds ?? Math.min(req.runs, 5),
      ...(dataset ? { dataDir: join(req.workDir, "data") } : {}),
      ...(registry ? { registry } : {}),
      bootTimeoutMs: req.bootTimeoutMs ?? (plans.some((p) => executionOf(p.platform) !== "native") ? 180_000 : 60_000),
    };
    for (const p of plans) {
      let refs = refCache.get(p.platform);
      if (!refs) {
        const found: PlatformReferences = { refs: [], notes: [], leftOut: [] };
        found.refs = await referencesFor(p.platform, req, external, found);
        refs = found;
        refCache.set(p.platform, refs);
      }
      const g = newGroup(p.label, p.platform, await p.subject(), refs, p.variant);
      if (req.aa) g.references.push(twinOf(g.image));
      if (!registry && req.cases.includes("pull")) g.notes.push(`pull: the registry ${req.registry} does not answer`);
      log.info(`bench ${g.label} (${g.execution}): ${req.cases.join(", ")}; references: ${g.references.map((r) => r.label).join(", ")}`);
      for (const c of CASES) if (req.cases.includes(c)) await CASE_RUNNERS[c](g, ctx);
      if (req.aa) {
        const uncovered = addNoiseFloors(g);
        if (uncovered.length > 0) g.notes.push(`A/A: no noise floor for ${uncovered.join("; ")}: the twin has no runs of it`);
      }
      groups.push(g);
    }
  } finally {
    await names.removeAll();
  }
  return {
    schema: "kimigayo-bench/1",
    started: new Date(t0).toISOString(),
    seconds: (Date.now() - t0) / 1000,
    host: {
      cpus: cpus().length,
      kernel: release(),
      arch: process.arch,
      docker: daemon.version,
      cgroup: daemon.cgroup,
      load: { start: loadStart, end: loadavg().map((x) => Number(x.toFixed(2))) },
    },
    runs: req.runs,
    ...(req.aa ? { aa: true } : {}),
    cases: CASES.filter((c) => req.cases.includes(c)),
    ...(dataset ? { dataset } : {}),
    groups,
  };
}
