import { join, resolve } from "node:path";
import { PLATFORMS, type Platform } from "../config/schema.js";
import { selectPlatforms } from "../config/load.js";
import { UsageError } from "../lib/errors.js";
import { readBuildResult } from "../pipeline/build.js";
import { merge, planTags, publish, publishByDigest, tagSourceFrom, type PublishResult } from "../publish/publish.js";
import { smoke } from "../stages/smoke.js";
import type { RegistryClientOptions } from "../oci/registry.js";
import { parseCommandArgs, str } from "./args.js";
import type { Command, CommandContext } from "./main.js";
import { table } from "./table.js";

const PUBLISH_USAGE = `usage: kimigayo publish [--image REPO] [--version X.Y.Z] [--out DIR] [--smoke] [--json]
       kimigayo publish --by-digest --platform P [--image REPO] [--digests-dir DIR] [--out DIR]

Pushes the image layouts of the last \`kimigayo build\` (<out>/build.json): blobs, then each
manifest by digest, then the index, then the tags (last). Unchanged blobs are not uploaded again.
  --image        repository (default: image: in the config, e.g. 127.0.0.1:5000/kimigayo)
  --version      release version (default: the git tag at HEAD, GitHub's ref, or a branch build)
  --by-digest    push only --platform's manifests, untagged, and write one digest file per variant
                 to --digests-dir (default <out>/digests) for \`kimigayo merge\`
  --smoke        after pushing, pull each platform by digest, run busybox true and boot to ready
  --username/--password  registry credentials (or KIMIGAYO_REGISTRY_USER/_PASSWORD, or docker's config.json)`;

const MERGE_USAGE = `usage: kimigayo merge --image REPO --digests FILE... [--version X.Y.Z] [--json]

Makes each variant's multi-platform index from digest files written by \`publish --by-digest\`
on other runners, pushes it by digest, then the tags.`;

const CREDENTIALS = { username: { type: "string" }, password: { type: "string" } } as const;

function registryOptions(o: Record<string, unknown>): RegistryClientOptions {
  const username = str(o.username as string | undefined);
  const password = str(o.password as string | undefined) ?? process.env.KIMIGAYO_REGISTRY_PASSWORD;
  if (username && !password) throw new UsageError("--username needs --password (or KIMIGAYO_REGISTRY_PASSWORD)");
  return username && password ? { explicit: { username, password } } : {};
}

export function formatPublish(r: PublishResult): string {
  const rows = r.variants.map((v) => [
    v.variant,
    v.index.slice(0, 19) + "…",
    v.tags.join(", ") || "(untagged)",
    `${v.stats.blobsUploaded} (${v.stats.blobBytesUploaded.toLocaleString("en-US")} B)`,
    String(v.stats.blobsSkipped),
  ]);
  return table(["variant", "index", "tags", "blobs uploaded", "skipped"], rows);
}

export const publishCommand: Command = {
  name: "publish",
  summary: "push the built images (blobs, manifests, index, tags last); --by-digest for one platform",
  usage: PUBLISH_USAGE,
  async run(ctx: CommandContext) {
    const o = parseCommandArgs(
      "publish",
      ctx.argv,
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
    const cfg = await ctx.config(str(o.config));
    const image = str(o.image) ?? cfg.image;
    const out = str(o.out) ?? "out";
    const registry = registryOptions(o);
    const { build } = await readBuildResult(out);
    if (o["by-digest"]) {
      const p = str(o.platform);
      if (!p) throw new UsageError(`publish --by-digest needs --platform (one of ${PLATFORMS.join(", ")})`);
      const platforms = selectPlatforms(cfg, p);
      if (platforms.length !== 1) throw new UsageError(`publish --by-digest takes one --platform, got ${platforms.join(", ")}`);
      const digestsDir = resolve(str(o["digests-dir"]) ?? join(out, "digests"));
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
      if (o.json) ctx.out.write(`${JSON.stringify({ image, digestsDir, digests: files }, null, 2)}\n`);
      return 0;
    }
    const tags = planTags(
      await tagSourceFrom({ ...(str(o.version) ? { version: str(o.version)! } : {}), env: process.env, cwd: process.cwd() }),
      cfg,
    );
    const result = await publish({ build, config: cfg, image, tags, log: ctx.log, registry });
    ctx.log.info(`\n${formatPublish(result)}`);
    let smokes;
    if (o.smoke) {
      smokes = [];
      for (const v of result.variants) for (const m of v.manifests) smokes.push(await smoke(`${image}@${m.digest}`, m.platform, ctx.log));
    }
    if (o.json) ctx.out.write(`${JSON.stringify({ ...result, ...(smokes ? { smoke: smokes } : {}) }, null, 2)}\n`);
    return 0;
  },
};

export const mergeCommand: Command = {
  name: "merge",
  summary: "make each variant's index and tags from per-platform digest files",
  usage: MERGE_USAGE,
  async run(ctx: CommandContext) {
    const o = parseCommandArgs(
      "merge",
      ctx.argv,
      { image: { type: "string" }, digests: { type: "string", multiple: true }, version: { type: "string" }, ...CREDENTIALS },
      MERGE_USAGE,
    );
    const cfg = await ctx.config(str(o.config));
    const image = str(o.image) ?? cfg.image;
    const files = (o.digests as string[] | undefined) ?? [];
    if (files.length === 0) throw new UsageError(`merge needs --digests FILE (one per variant and platform)\n\n${MERGE_USAGE}`);
    const source = await tagSourceFrom({ ...(str(o.version) ? { version: str(o.version)! } : {}), env: process.env, cwd: process.cwd() });
    const tags = planTags(source, cfg);
    const result = await merge({ image, files: files.map((f) => resolve(f)), tags, log: ctx.log, registry: registryOptions(o) });
    ctx.log.info(`\n${formatPublish(result)}`);
    if (o.json) ctx.out.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  },
};
