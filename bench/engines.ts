/**
 * `npm run bench:engines`: the two image engines side by side, on the same rootfs tars, for all six
 * images (3 variants × 2 platforms). Each engine builds each variant for both platforms (buildx in one
 * `docker buildx build --platform linux/amd64,linux/arm64`, docker driver): cold (buildx: after
 * `docker buildx prune --all --force`; oci: the first run in this process) and warm (straight
 * after). Then per variant and platform: the same files (path, type, size, mode, sha256)? the same
 * layer digest? and if not, why (found from the bytes, not assumed).
 *
 *   npm run bench:engines [-- --out DIR]
 *
 * Prints a markdown table; exits 1 when the files of some image differ. Needs buildx
 * (`kimigayo doctor --fix --only buildx`); exits 2 without it. Run it alone: the cold rows prune
 * the builder's cache.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../src/config/load.js";
import type { Platform } from "../src/config/schema.js";
import { buildWithEngine, resolveEngine } from "../src/build/engine.js";
import type { Engine } from "../src/config/schema.js";
import type { ImageResult } from "../src/build/image.js";
import { dockerBin } from "../src/lib/docker.js";
import { runChecked } from "../src/lib/exec.js";
import { silentLogger, streamLogger } from "../src/lib/log.js";
import { readTar } from "../src/lib/tar.js";
import { fileDifferences, manifestFiles } from "../src/oci/layer-files.js";
import { readBlob } from "../src/oci/layout.js";
import { runBuild } from "../src/pipeline/build.js";

const { values } = parseArgs({ options: { out: { type: "string" }, config: { type: "string" } } });
const log = streamLogger(process.stderr);
const cfg = await loadConfig(resolve(values.config ?? "configs/kimigayo.yml"));
const epoch = 1767225600;
const out = values.out ? resolve(values.out) : await mkdtemp(join(tmpdir(), "kimigayo-bench-engines-"));

try {
  await resolveEngine("buildx");
} catch (e) {
  process.stderr.write(`bench:engines: ${(e as Error).message}\n`);
  process.exit(2);
}

log.info(`rootfs of every variant and platform into ${out} (BusyBox from the cache)`);
const built = await runBuild({
  config: cfg,
  variants: cfg.variants,
  platforms: cfg.platforms,
  outDir: out,
  log: silentLogger,
  engine: "none",
  env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
});

async function timed(engine: Engine, variant: string, dir: string): Promise<{ seconds: number; image: ImageResult }> {
  const v = cfg.variants.find((x) => x.name === variant)!;
  const rootfs = built.images.filter((i) => i.variant === variant).map((i) => ({ platform: i.platform, tar: i.rootfs.tar }));
  const t = process.hrtime.bigint();
  const image = await buildWithEngine(engine, { config: cfg, variant: v, rootfs, outDir: dir, sourceDateEpoch: epoch, log: silentLogger });
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9, image };
}

const times: Record<string, Record<string, number>> = {};
const images: Record<string, Record<Engine, ImageResult>> = {};
for (const engine of ["oci", "buildx"] as const) {
  if (engine === "buildx") await runChecked(dockerBin(), ["buildx", "prune", "--all", "--force"]);
  for (const phase of ["cold", "warm"] as const) {
    for (const v of cfg.variants) {
      const r = await timed(engine, v.name, join(out, `${engine}-${phase}`));
      (times[`${engine} ${phase}`] ??= {})[v.name] = r.seconds;
      (images[v.name] ??= {} as Record<Engine, ImageResult>)[engine] = r.image;
      log.info(`${engine} ${phase} ${v.name}: ${r.seconds.toFixed(2)} s`);
    }
  }
}

/** Why two layers of the same files differ, from their bytes. */
async function why(bx: ImageResult, oci: ImageResult, platform: Platform): Promise<string> {
  const mx = bx.manifests.find((m) => m.platform === platform)!;
  const mo = oci.manifests.find((m) => m.platform === platform)!;
  if (mx.layers[0]!.digest === mo.layers[0]!.digest) return "";
  const reasons: string[] = [];
  const tx = gunzipSync(await readBlob(bx.layout, mx.layers[0]!.digest));
  const to = gunzipSync(await readBlob(oci.layout, mo.layers[0]!.digest));
  if (mx.layers[0]!.diffId === mo.layers[0]!.diffId)
    reasons.push("same tar (diff_id); gzip differs (BuildKit's compressor vs the pinned one)");
  else {
    const ex = readTar(tx);
    const eo = readTar(to);
    const holders = (es: typeof ex) =>
      es
        .filter((e) => e.type === "file" && es.some((h) => h.type === "hardlink" && h.target === e.path))
        .map((e) => e.path)
        .join(" ");
    if (holders(ex) !== holders(eo))
      reasons.push(`tar: a hard-link group's data on ${holders(ex) || "-"} (BuildKit, lexically first) vs ${holders(eo) || "-"} (native)`);
    if (tx.length !== to.length) reasons.push(`tar sizes ${tx.length} vs ${to.length}`);
    if (reasons.length === 0) reasons.push("tar headers differ");
    reasons.push("so gzip differs too");
  }
  return reasons.join("; ");
}

const rows: string[][] = [];
let filesDiffer = false;
for (const v of cfg.variants) {
  const { buildx: bx, oci } = images[v.name]!;
  for (const platform of cfg.platforms) {
    const mx = bx.manifests.find((m) => m.platform === platform)!;
    const mo = oci.manifests.find((m) => m.platform === platform)!;
    const diff = fileDifferences(await manifestFiles(bx.layout, mx.digest), await manifestFiles(oci.layout, mo.digest), ["buildx", "oci"]);
    if (diff.length > 0) filesDiffer = true;
    const layerEqual = mx.layers[0]!.digest === mo.layers[0]!.digest;
    rows.push([
      v.name,
      platform,
      diff.length === 0 ? "yes" : `no (${diff.length}: ${diff[0]})`,
      layerEqual ? "yes" : `no: ${await why(bx, oci, platform)}`,
      mx.digest === mo.digest
        ? "yes"
        : `no: the layer, and the config (BuildKit's history, WorkingDir, ArgsEscaped${platform === "linux/arm64" ? ", no variant v8" : ""})`,
      ...["oci cold", "oci warm", "buildx cold", "buildx warm"].map((k) => `${times[k]![v.name]!.toFixed(2)} s`),
    ]);
  }
}
const header = [
  "variant",
  "platform",
  "files equal",
  "layer digest equal",
  "manifest equal",
  "oci cold",
  "oci warm",
  "buildx cold",
  "buildx warm",
];
const total = (k: string) => Object.values(times[k]!).reduce((a, b) => a + b, 0);
process.stdout.write(
  [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i >= 5 ? "---:" : "---")).join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    `Times are per variant (both platforms in one build; the two rows of a variant share them). All six images: oci ${total("oci cold").toFixed(2)} s cold, ${total("oci warm").toFixed(2)} s warm; buildx ${total("buildx cold").toFixed(2)} s cold, ${total("buildx warm").toFixed(2)} s warm.`,
    "",
  ].join("\n"),
);
if (!values.out) await rm(out, { recursive: true, force: true });
process.exit(filesDiffer ? 1 : 0);
