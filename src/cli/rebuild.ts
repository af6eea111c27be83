/** `kimigayo rebuild --verify IMAGE`: rebuild a published image from its provenance and compare digests (src/verify/rebuild.ts). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLATFORMS } from "../config/schema.js";
import { parsePlatform } from "../lib/platform.js";
import { UsageError } from "../lib/errors.js";
import { parseReference } from "../oci/reference.js";
import { RegistryClient } from "../oci/registry.js";
import { rebuildAndCompare, type FileFacts, type RebuildResult } from "../verify/rebuild.js";
import {
  commonOptions,
  DEBIAN_MIRROR_OPTION,
  DEBIAN_MIRROR_USAGE,
  debianMirrorFlag,
  parseCommandLine,
  str,
  withDebianMirror,
} from "./args.js";
import type { Command, CommandContext, CommandOptions } from "./command.js";

const USAGE = `usage: kimigayo rebuild --verify IMAGE[:tag|@digest] [--platform P] [--debian-mirror URL] [--json]

Reads the inputs the image's provenance attestation records (config, variant, platform, version,
SOURCE_DATE_EPOCH, every config file's sha256), rebuilds each platform from this checkout and
compares the manifest digests. The toolchain first: the one the provenance records (the lock's
digest, or the host's toolchain) against this rebuild's. On a mismatch it names the config files
that changed since and the files that differ between the published and the rebuilt layer (path,
size, sha256, mode, mtime).
  --verify    required: rebuild and compare (the only mode)
  --platform  only this platform (linux/amd64 or linux/arm64)
${DEBIAN_MIRROR_USAGE}
Exit 0 when every digest matches, 1 naming the differences, 2 on bad input.`;

export interface RebuildOptions extends CommandOptions {
  image: string;
  platform?: string;
  debianMirror?: string;
}

export function parseRebuildOptions(argv: string[]): RebuildOptions {
  const { values: o, positionals } = parseCommandLine(
    "rebuild",
    argv,
    { verify: { type: "boolean" }, platform: { type: "string" }, ...DEBIAN_MIRROR_OPTION },
    USAGE,
    true,
  );
  if (o.verify !== true) throw new UsageError(`rebuild: --verify is required (rebuild and compare with the published image)\n\n${USAGE}`);
  if (positionals.length !== 1)
    throw new UsageError(`rebuild: expected one image reference (IMAGE[:tag|@digest]), got ${positionals.length}\n\n${USAGE}`);
  const image = positionals[0]!;
  try {
    parseReference(image);
  } catch (e) {
    throw new UsageError(`rebuild: ${(e as Error).message}`);
  }
  const given = str(o.platform);
  const platform = given === undefined ? undefined : parsePlatform(given);
  if (given !== undefined && platform === undefined)
    throw new UsageError(`rebuild: --platform ${JSON.stringify(given)} is not one of ${PLATFORMS.join(", ")}`);
  return { ...commonOptions(o), image, ...(platform ? { platform } : {}), ...debianMirrorFlag(o["debian-mirror"]) };
}

const showFacts = (f: FileFacts | undefined) =>
  f ? `${f.type} ${f.size} B sha256 ${f.sha256.slice(0, 12) || "-"} mode ${f.mode} mtime ${f.mtime}` : "absent";

export function formatRebuild(r: RebuildResult): string {
  const lines: string[] = [];
  for (const p of r.platforms) {
    lines.push(`${p.platform}: ${p.match ? "✓ reproduced" : "✗ differs"} (published ${p.published}, rebuilt ${p.rebuilt})`);
    if (p.toolchain.differs.length > 0 || p.toolchain.now.route === "host") lines.push(`  toolchain: ${p.toolchain.summary}`);
    for (const k of p.toolchain.differs)
      lines.push(`  toolchain ${k}: built with ${p.toolchain.recorded[k]}, rebuilt with ${p.toolchain.now[k]}`);
    for (const i of p.inputs) lines.push(`  input ${i.file} changed: sha256 ${i.now}, the provenance recorded ${i.recorded}`);
    for (const [n, l] of p.layers.entries()) {
      if (l.compressedOnly) lines.push(`  layer ${n}: ${l.compressedOnly}`);
      else if (l.published.diffId !== l.rebuilt.diffId)
        lines.push(`  layer ${n}: other content (diff_id published ${l.published.diffId}, rebuilt ${l.rebuilt.diffId})`);
    }
    for (const f of p.files) lines.push(`  ${f.path}: published ${showFacts(f.published)}; rebuilt ${showFacts(f.rebuilt)}`);
  }
  return lines.join("\n");
}

async function rebuild(ctx: CommandContext, o: RebuildOptions): Promise<RebuildResult> {
  const ref = parseReference(o.image);
  const client = new RegistryClient(ref.registry, {
    log: ctx.log,
    ...(ctx.credentials.registry ? { explicit: ctx.credentials.registry } : {}),
  });
  const work = await mkdtemp(join(tmpdir(), "kimigayo-rebuild-"));
  try {
    const r = await rebuildAndCompare({
      client,
      repository: ref.repository,
      image: o.image,
      ref: ref.digest ?? ref.tag ?? "latest",
      ...(o.platform ? { platform: o.platform } : {}),
      repoDir: ctx.cwd,
      workDir: work,
      log: ctx.log,
      env: withDebianMirror(ctx.env, o),
    });
    ctx.log.info(formatRebuild(r));
    return r;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function failure(r: RebuildResult): string | undefined {
  if (r.passed) return undefined;
  const named = r.platforms
    .filter((p) => !p.match)
    .map((p) => {
      const what = [
        ...(p.toolchain.differs.length > 0 ? [`toolchain ${p.toolchain.differs.join(", ")}`] : []),
        ...p.inputs.map((i) => i.file),
        ...p.files.map((f) => f.path),
      ];
      return `${p.platform}${what.length ? ` (${what.join(", ")})` : ""}`;
    });
  return `rebuild: ${named.join("; ")} did not reproduce ${r.image}`;
}

export const rebuildCommand: Command<RebuildOptions, RebuildResult> = {
  name: "rebuild",
  summary: "rebuild a published image from its provenance and compare digests (--verify)",
  usage: USAGE,
  parse: parseRebuildOptions,
  run: rebuild,
  json: (r) => r,
  failure,
};
