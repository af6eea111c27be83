/**
 * The release job of the spread-out workflow: it builds and pushes nothing. It starts from what
 * the other jobs left as artifacts, downloaded into one folder:
 *   - each platform job's build.json with its rootfs tars and SBOMs (any sub-folder layout);
 *   - the merge job's published.json (every variant's index digest, pushed, and the tags it is
 *     to get: `merge --defer-tags` leaves them to this job's tag stage, after attest).
 * The builds are joined into one build result (paths moved to where the artifacts are now, each
 * tar checked against its recorded sha256), written to <out>/build.json for size-check, and the
 * stages that the other jobs ran are skipped with the reason. The rest is the RELEASE list as a
 * single-job release runs it: attest, notes, assets, then the tags, then the GitHub Release.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { UsageError } from "../../lib/errors.js";
import { plannedTags, type TagResult } from "../../publish/tags.js";
import { sha256File } from "../../lib/hash.js";
import { parseReference } from "../../oci/reference.js";
import { BUILD_JSON, readBuildResult, type BuildResult, type ImageBuild } from "../../results/build.js";
import { PUBLISHED_FILE, readPublished, type PublishResult } from "../../results/published.js";
import type { ReleaseContext } from "./context.js";

/** Files named `name` anywhere below `dir`, sorted. */
async function findAll(dir: string, name: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => {
    throw new UsageError(`--from-published ${dir}: no such folder (the downloaded artifacts of the platform and merge jobs)`);
  });
  return entries
    .filter((e) => e === name || e.endsWith(`/${name}`))
    .map((e) => join(dir, e))
    .sort();
}

/** A build.json from another runner, its paths moved to where its folder is now. */
async function movedBuild(file: string): Promise<BuildResult> {
  const here = dirname(file);
  const { build } = await readBuildResult(here);
  const move = (p: string) => join(here, relative(build.out, p));
  const images: ImageBuild[] = [];
  for (const i of build.images) {
    const tar = move(i.rootfs.tar);
    const sum = await sha256File(tar).catch(() => undefined);
    if (sum === undefined)
      throw new UsageError(`${file}: ${i.variant} ${i.platform}'s rootfs ${relative(here, tar)} is not among the artifacts`);
    if (sum !== i.rootfs.sha256)
      throw new UsageError(`${tar}: sha256 ${sum} is not the ${i.rootfs.sha256} its build.json records: the artifact is not that build's`);
    images.push({ ...i, rootfs: { ...i.rootfs, tar }, ...(i.sbom ? { sbom: move(i.sbom) } : {}) });
  }
  return { ...build, out: here, images };
}

/** Reads the artifacts into `ctx` (build, published images) and returns why each stage they replace is skipped. */
export async function restoreFromPublished(ctx: ReleaseContext, dir: string): Promise<Record<string, string>> {
  const root = resolve(dir);
  const publishedFiles = await findAll(root, PUBLISHED_FILE);
  if (publishedFiles.length !== 1) {
    throw new UsageError(
      `--from-published ${root}: expected one ${PUBLISHED_FILE} (written by \`kimigayo merge --out\`), found ${publishedFiles.length === 0 ? "none" : publishedFiles.join(", ")}`,
    );
  }
  const published = await readPublished(publishedFiles[0]!);
  const tagVersion = ctx.release.tag.replace(/^v/, "");
  if (published.version !== tagVersion) {
    throw new UsageError(
      `${publishedFiles[0]}: the merge job published version ${published.version ?? "(none: a branch build)"}, not ${tagVersion} (--tag ${ctx.release.tag}): pass the artifacts of this tag's workflow run`,
      { file: publishedFiles[0]! },
    );
  }
  const want = parseReference(ctx.release.image);
  const got = parseReference(published.image);
  if (want.registry !== got.registry || want.repository !== got.repository) {
    throw new UsageError(`${publishedFiles[0]}: the images were published to ${published.image}, not ${ctx.release.image} (--image)`);
  }

  const buildFiles = await findAll(root, BUILD_JSON);
  if (buildFiles.length === 0) throw new UsageError(`--from-published ${root}: no ${BUILD_JSON} from the platform jobs`);
  const builds = await Promise.all(buildFiles.map(movedBuild));
  const first = builds[0]!;
  for (const [n, b] of builds.entries()) {
    if (b.version !== first.version || b.busybox.sha256 !== first.busybox.sha256 || b.sourceDateEpoch !== first.sourceDateEpoch) {
      throw new UsageError(
        `${buildFiles[n]} is another build than ${buildFiles[0]} (version ${b.version}, BusyBox ${b.busybox.sha256.slice(0, 12)}…, epoch ${b.sourceDateEpoch}): the artifacts must come from one workflow run`,
      );
    }
  }
  const images = builds.flatMap((b) => b.images);
  const seen = new Set<string>();
  for (const i of images) {
    const key = `${i.variant} ${i.platform}`;
    if (seen.has(key)) throw new UsageError(`--from-published ${root}: two builds of ${key}`);
    seen.add(key);
  }
  for (const v of published.variants) {
    for (const m of v.manifests) {
      if (!seen.has(`${v.variant} ${m.platform}`))
        throw new UsageError(`${publishedFiles[0]} names ${v.variant} ${m.platform}, but no build.json among the artifacts built it`);
    }
  }
  if (ctx.config.version !== first.version) {
    throw new UsageError(`the artifacts are of version ${first.version}; ${ctx.config.file} says ${ctx.config.version}`);
  }

  const build: BuildResult = { ...first, out: ctx.outDir, images, seconds: { source: 0, total: 0 } };
  delete build.layouts;
  delete build.engine;
  await mkdir(ctx.outDir, { recursive: true });
  await writeFile(join(ctx.outDir, BUILD_JSON), `${JSON.stringify(build, null, 2)}\n`);
  ctx.build = build;
  ctx.images = images;
  ctx.untagged = published;
  ctx.log.info(
    `release from ${root}: ${images.length} image(s) from ${builds.length} build(s), ${published.variants.length} published variant(s)`,
  );

  const built = `built by the platform jobs: build.json, rootfs tars and SBOMs from ${root}`;
  return {
    source: built,
    busybox: built,
    rootfs: built,
    sbom: built,
    image: built,
    "build-json": built,
    "push-by-digest": `pushed by digest by the platform jobs (${publishedFiles[0]})`,
    smoke: "each platform job smoke-tests its own images on its own architecture (publish --by-digest --smoke)",
    bench: "the release job runs no container of the images: benchmarks belong to the platform jobs",
  };
}

/**
 * The tags published.json says each index is to get (merge's plan) against the release's own
 * plan: they differ when merge saw another version or other release tags (a shallow checkout, a
 * newer release tagged between the jobs), and then nothing moves (exit 2, before any work).
 * A merge that moved the tags itself (without --defer-tags) is named: the tag stage then only
 * confirms them, and a failing attestation could not have held them back.
 */
export function checkPublishedTags(published: PublishResult, tags: TagResult, where: string, warn: (msg: string) => void): void {
  const moved: string[] = [];
  for (const v of published.variants) {
    const merged = v.deferredTags ?? v.tags;
    const want = plannedTags(tags, v.variant);
    if ([...merged].sort().join(",") !== [...want].sort().join(",")) {
      throw new UsageError(
        `${where}: merge planned ${v.variant}'s tags as ${merged.join(", ") || "none"}; this release plans ${want.join(", ") || "none"}. ` +
          "Run merge and release on the same tag, each with the whole history (fetch-depth: 0).",
      );
    }
    if (v.deferredTags === undefined && v.tags.length > 0) moved.push(v.variant);
  }
  if (moved.length > 0) {
    warn(
      `${where}: merge already moved the tags of ${moved.join(", ")} (it ran without --defer-tags / defer-tags: "true"), so a failure in this job cannot hold them back`,
    );
  }
}
