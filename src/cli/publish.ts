import { readdir, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { PLATFORMS, type Platform } from "../config/schema.js";
import { selectPlatforms } from "../config/load.js";
import { UsageError } from "../lib/errors.js";
import { ENV_PASSWORD } from "../oci/credentials.js";
import type { RegistryClientOptions } from "../oci/registry.js";
import { merge, planTags, publish, publishByDigest, tagSourceFrom, type DigestFile, type PublishResult } from "../publish/publish.js";
import { readBuildResult } from "../results/build.js";
import { readDigestSet } from "../results/digests.js";
import { PUBLISHED_FILE, writePublished } from "../results/published.js";
import { smoke, type SmokeResult } from "../build/smoke.js";
import { commonOptions, imageFlag, outputFolder, parseCommandArgs, str } from "./args.js";
import type { ActionReport, Command, CommandContext, CommandOptions } from "./command.js";
import { table } from "./table.js";
import { imageAt } from "../oci/reference.js";

const PUBLISH_USAGE = `usage: kimigayo publish [--image REPO] [--version X.Y.Z] [--out DIR] [--smoke] [--json]
       kimigayo publish --by-digest --platform P [--image REPO] [--digests-dir DIR] [--out DIR] [--smoke]

Pushes the image layouts of the last \`kimigayo build\` (<out>/build.json): blobs, then each
manifest by digest, then the index, then the tags (last). Unchanged blobs are not uploaded again.
  --image        repository (default: image: in the config, e.g. 127.0.0.1:5000/kimigayo)
  --version      release version (default: the git tag at HEAD, GitHub's ref, or a branch build)
  --by-digest    push only --platform's manifests, untagged, and write one digest file per variant
                 to --digests-dir (default <out>/digests) for \`kimigayo merge\`
  --smoke        after pushing, pull each platform by digest (docker logged in with these credentials
                 in a temporary config), run busybox true and boot to ready
                 (with --by-digest: that platform's images, natively on its own runner)
  --username/--password  registry credentials (or KIMIGAYO_REGISTRY_USER/_PASSWORD, or docker's config.json)`;

const MERGE_USAGE = `usage: kimigayo merge --image REPO --digests FILE|DIR... [--version X.Y.Z] [--out DIR] [--defer-tags] [--json]

Makes each variant's multi-platform index from digest files written by \`publish --by-digest\`
on other runners, pushes it by digest, then the tags: every variant's index before any tag moves.
  --digests     digest files, or folders: a digests/ folder, or one holding digests/ folders (the
                downloaded artifacts of every platform job)
  --out         also write DIR/published.json, for \`kimigayo release --from-published\`
  --defer-tags  move no tag: published.json records the tags each index is to get, and
                \`release --from-published\` moves them after attesting (nothing moves if it fails)`;

const CREDENTIALS = { username: { type: "string" }, password: { type: "string" } } as const;

interface RegistryFlags {
  username?: string;
  password?: string;
}

function registryFlags(o: { username?: unknown; password?: unknown }): RegistryFlags {
  const username = typeof o.username === "string" ? str(o.username) : undefined;
  const password = typeof o.password === "string" ? str(o.password) : undefined;
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

/** --username/--password, else the credentials the caller holds, else docker's config.json (in the registry client). */
function registryOptions(flags: RegistryFlags, ctx: CommandContext): RegistryClientOptions {
  const password = flags.password ?? ctx.env[ENV_PASSWORD];
  if (flags.username && !password) throw new UsageError(`--username needs --password (or ${ENV_PASSWORD})`);
  if (flags.username && password) return { explicit: { username: flags.username, password } };
  return ctx.credentials.registry ? { explicit: ctx.credentials.registry } : {};
}

export function formatPublish(r: PublishResult): string {
  const rows = r.variants.map((v) => [
    v.variant,
    v.index.slice(0, 19) + "…",
    v.deferredTags ? `(deferred: ${v.deferredTags.join(", ")})` : v.tags.join(", ") || "(untagged)",
    `${v.stats.blobsUploaded} (${v.stats.blobBytesUploaded.toLocaleString("en-US")} B)`,
    String(v.stats.blobsSkipped),
  ]);
  return table(["variant", "index", "tags", "blobs uploaded", "skipped"], rows);
}

export interface PublishOptions extends CommandOptions, RegistryFlags {
  image?: string;
  version?: string;
  out: string;
  /** Push one platform untagged and write digest files (to digestsDir, default <out>/digests). */
  byDigest: boolean;
  platform?: string;
  digestsDir?: string;
  smoke: boolean;
}

export function parsePublishOptions(argv: string[]): PublishOptions {
  const o = parseCommandArgs(
    "publish",
    argv,
    {
      image: { type: "string" },
      version: { type: "string" },
      out: { type: "string" },
      "by-digest": { type: "boolean" },
      platform: { type: "string" },
      "digests-dir": { type: "string" },
      smoke: { type: "boolean" },
      ...CREDENTIALS,
    },
    PUBLISH_USAGE,
  );
  return {
    ...commonOptions(o),
    ...registryFlags(o),
    ...(o.image !== undefined ? { image: imageFlag(o.image)! } : {}),
    ...(str(o.version) ? { version: str(o.version)! } : {}),
    out: str(o.out) ?? "out",
    byDigest: o["by-digest"] === true,
    ...(str(o.platform) ? { platform: str(o.platform)! } : {}),
    ...(str(o["digests-dir"]) ? { digestsDir: outputFolder("--digests-dir", str(o["digests-dir"])!) } : {}),
    smoke: o.smoke === true,
  };
}

export type PublishCommandResult =
  | { kind: "by-digest"; image: string; digestsDir: string; digests: DigestFile[]; smoke?: SmokeResult[] }
  | { kind: "published"; result: PublishResult; smoke?: SmokeResult[] };

/** `kimigayo publish`: the build's layouts to the registry, tags last; or one platform by digest. */
async function publishImages(ctx: CommandContext, o: PublishOptions): Promise<PublishCommandResult> {
  const cfg = await ctx.config(o.config);
  const image = o.image ?? cfg.image;
  const registry = registryOptions(o, ctx);
  const { build } = await readBuildResult(o.out);
  if (o.byDigest) {
    if (!o.platform) throw new UsageError(`publish --by-digest needs --platform (one of ${PLATFORMS.join(", ")})`);
    const platforms = selectPlatforms(cfg, o.platform);
    if (platforms.length !== 1) throw new UsageError(`publish --by-digest takes one --platform, got ${platforms.join(", ")}`);
    const digestsDir = resolve(o.digestsDir ?? join(o.out, "digests"));
    const files = await publishByDigest({
      build,
      config: cfg,
      image,
      platform: platforms[0] as Platform,
      digestsDir,
      log: ctx.log,
      registry,
    });
    ctx.log.info(`wrote ${files.length} digest file(s) to ${digestsDir}`);
    if (!o.smoke) return { kind: "by-digest", image, digestsDir, digests: files };
    const smokes: SmokeResult[] = [];
    for (const f of files) smokes.push(await smoke(imageAt(image, f.digest), f.platform, ctx.log, registry));
    return { kind: "by-digest", image, digestsDir, digests: files, smoke: smokes };
  }
  const tags = planTags(await tagSourceFrom({ ...(o.version ? { version: o.version } : {}), env: ctx.env, cwd: ctx.cwd }), cfg);
  const result = await publish({ build, config: cfg, image, tags, log: ctx.log, registry });
  ctx.log.info(`\n${formatPublish(result)}`);
  if (!o.smoke) return { kind: "published", result };
  const smokes: SmokeResult[] = [];
  for (const v of result.variants)
    for (const m of v.manifests) smokes.push(await smoke(imageAt(image, m.digest), m.platform, ctx.log, registry));
  return { kind: "published", result, smoke: smokes };
}

/** The action's outputs of published images: each variant's index digest and tags. */
export function publishedOutputs(p: PublishResult): Record<string, string> {
  return {
    digests: JSON.stringify(Object.fromEntries(p.variants.map((v) => [v.variant, v.index]))),
    tags: JSON.stringify(Object.fromEntries(p.variants.map((v) => [v.variant, v.tags]))),
  };
}

export const publishCommand: Command<PublishOptions, PublishCommandResult> = {
  name: "publish",
  summary: "push the built images (blobs, manifests, index, tags last); --by-digest for one platform",
  usage: PUBLISH_USAGE,
  parse: parsePublishOptions,
  run: publishImages,
  json: (r) =>
    r.kind === "by-digest"
      ? { image: r.image, digestsDir: r.digestsDir, digests: r.digests, ...(r.smoke ? { smoke: r.smoke } : {}) }
      : { ...r.result, ...(r.smoke ? { smoke: r.smoke } : {}) },
  action: (r): ActionReport => ({ outputs: r.kind === "published" ? publishedOutputs(r.result) : {}, summary: [] }),
};

export interface MergeOptions extends CommandOptions, RegistryFlags {
  image?: string;
  digests: string[];
  out?: string;
  version?: string;
  /** Push the indexes only; published.json records the tags for `release --from-published` to move. */
  deferTags: boolean;
}

export function parseMergeOptions(argv: string[]): MergeOptions {
  const o = parseCommandArgs(
    "merge",
    argv,
    {
      image: { type: "string" },
      digests: { type: "string", multiple: true },
      version: { type: "string" },
      out: { type: "string" },
      "defer-tags": { type: "boolean" },
      ...CREDENTIALS,
    },
    MERGE_USAGE,
  );
  return {
    ...commonOptions(o),
    ...registryFlags(o),
    ...(o.image !== undefined ? { image: imageFlag(o.image)! } : {}),
    digests: (o.digests as string[] | undefined) ?? [],
    ...(str(o.version) ? { version: str(o.version)! } : {}),
    ...(str(o.out) ? { out: outputFolder("--out", str(o.out)!) } : {}),
    deferTags: o["defer-tags"] === true,
  };
}

/** --digests values: files as given, folders as every *.json below them (sorted); a missing path is bad input. */
async function digestFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    const p = resolve(given);
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new UsageError(`--digests ${JSON.stringify(given)}: no such file or folder`);
    if (!st.isDirectory()) {
      files.push(p);
      continue;
    }
    // The folder itself, or any folder below it, named `digests` (as publish --by-digest writes it):
    // other JSON among downloaded artifacts (build.json, SBOMs) is not a digest file.
    const inDigests = (f: string) => /\.json$/.test(f) && (basename(p) === "digests" ? !f.includes("/") : /(^|\/)digests\/[^/]+$/.test(f));
    const found = (await readdir(p, { recursive: true })).filter(inDigests).sort();
    if (found.length === 0)
      throw new UsageError(
        `--digests ${JSON.stringify(given)}: no digest files (digests/*.json, as publish --by-digest writes them) in that folder`,
      );
    files.push(...found.map((f) => join(p, f)));
  }
  return files;
}

/** `kimigayo merge`: each variant's index and tags (or, --defer-tags, the tags recorded) from the digest files of every platform's runner. */
async function mergeDigests(ctx: CommandContext, o: MergeOptions): Promise<PublishResult> {
  const cfg = await ctx.config(o.config);
  const image = o.image ?? cfg.image;
  if (o.digests.length === 0) throw new UsageError(`merge needs --digests FILE (one per variant and platform)\n\n${MERGE_USAGE}`);
  if (o.deferTags && !o.out)
    throw new UsageError(
      "merge --defer-tags needs --out DIR: the deferred tags are recorded in DIR/published.json for `release --from-published`",
    );
  const files = await digestFiles(o.digests);
  const source = await tagSourceFrom({ ...(o.version ? { version: o.version } : {}), env: ctx.env, cwd: ctx.cwd });
  const tags = planTags(source, cfg);
  // The whole set is checked before the registry is asked anything.
  await readDigestSet(files, { image, version: cfg.version, versionFile: cfg.file });
  const result = await merge({ image, files, tags, log: ctx.log, registry: registryOptions(o, ctx), deferTags: o.deferTags });
  ctx.log.info(`\n${formatPublish(result)}`);
  if (o.out) {
    const file = await writePublished(resolve(o.out), result);
    ctx.log.info(`wrote ${file}`);
  }
  return result;
}

export const mergeCommand: Command<MergeOptions, PublishResult> = {
  name: "merge",
  summary: "make each variant's index and tags from per-platform digest files (--defer-tags: tags left to the release)",
  usage: MERGE_USAGE,
  parse: parseMergeOptions,
  run: mergeDigests,
  json: (r) => r,
  action: (r, o) => ({
    outputs: { ...publishedOutputs(r), ...(o.out ? { published: `${o.out}/${PUBLISHED_FILE}` } : {}) },
    summary: [],
  }),
};
