import { UsageError } from "../lib/errors.js";
import { selectPlatforms, selectVariants } from "../config/load.js";
import { runBuild, type BuildResult } from "../pipeline/build.js";
import { parseEngine, type EngineRequest } from "../build/engine.js";
import {
  commonOptions,
  DEBIAN_MIRROR_OPTION,
  DEBIAN_MIRROR_USAGE,
  debianMirrorFlag,
  outputFolder,
  parseCommandArgs,
  str,
  withDebianMirror,
} from "./args.js";
import type { ActionReport, Command, CommandContext, CommandOptions } from "./command.js";
import { table } from "./table.js";

const USAGE = `usage: kimigayo build [--variant V|all] [--platform P,...] [--engine oci|buildx|auto|none] [--out DIR] [--parallel N] [--debian-mirror URL] [--config FILE] [--json]

Builds BusyBox (static, musl, cross-compiled) and the rootfs layer tar of each variant and platform.
  --variant   minimal, standard, extended, a comma list, or all (default: all)
  --platform  linux/amd64, linux/arm64 (or amd64, arm64), comma-separated (default: the config's)
  --out       output folder (default: out); writes rootfs/*.tar and build.json
  --engine    image engine: oci (native, no daemon, the same bytes on every host; the default), buildx,
              auto (buildx where it works, else oci), or none (stop after the rootfs); writes an OCI image layout per variant to <out>/oci/<variant>
  --parallel  builds at a time (default: one per platform, up to the core count)
${DEBIAN_MIRROR_USAGE}`;

export interface BuildOptions extends CommandOptions {
  variant?: string;
  platform?: string;
  out: string;
  parallel?: number;
  engine: EngineRequest | "none";
  debianMirror?: string;
}

export function parseBuildOptions(argv: string[]): BuildOptions {
  const o = parseCommandArgs(
    "build",
    argv,
    {
      variant: { type: "string" },
      platform: { type: "string" },
      out: { type: "string" },
      parallel: { type: "string" },
      engine: { type: "string" },
      ...DEBIAN_MIRROR_OPTION,
    },
    USAGE,
  );
  const parallel = str(o.parallel);
  if (parallel !== undefined && (!/^[1-9]\d*$/.test(parallel) || Number(parallel) > MAX_PARALLEL)) {
    throw new UsageError(`build: --parallel must be a positive integer, got "${parallel}" (1 to ${MAX_PARALLEL})`);
  }
  const engine = str(o.engine) ?? "oci";
  return {
    ...commonOptions(o),
    ...(str(o.variant) !== undefined ? { variant: str(o.variant)! } : {}),
    ...(str(o.platform) !== undefined ? { platform: str(o.platform)! } : {}),
    out: outputFolder("--out", str(o.out) ?? "out"),
    ...(parallel ? { parallel: Number(parallel) } : {}),
    engine: engine === "none" ? "none" : parseEngine(engine),
    ...debianMirrorFlag(o["debian-mirror"]),
  };
}

/** More compiles at once than any runner has cores for is a typo. */
const MAX_PARALLEL = 1024;

/** `kimigayo build`: the BUILD stages for the selected variants and platforms. */
async function build(ctx: CommandContext, o: BuildOptions): Promise<BuildResult> {
  const cfg = await ctx.config(o.config);
  const result = await runBuild({
    engine: o.engine,
    config: cfg,
    variants: selectVariants(cfg, o.variant),
    platforms: selectPlatforms(cfg, o.platform),
    outDir: o.out,
    log: ctx.log,
    repoDir: ctx.cwd,
    env: withDebianMirror(ctx.env, o),
    ...(o.parallel ? { parallel: o.parallel } : {}),
  });
  ctx.log.info(`\n${formatBuild(result)}`);
  return result;
}

/** The action's outputs of a build: the sizes, where build.json is, and a summary table. */
export function buildReport(r: BuildResult): ActionReport {
  return {
    outputs: {
      sizes: JSON.stringify(
        r.images.map((x) => ({ variant: x.variant, platform: x.platform, rootfs: x.rootfs.size, busybox: x.busybox.size })),
      ),
      "build-json": `${r.out}/build.json`,
    },
    summary: [
      "## Kimigayo build",
      "",
      "| Variant | Platform | BusyBox | Rootfs |",
      "|---|---|--:|--:|",
      ...r.images.map(
        (x) =>
          `| ${x.variant} | ${x.platform} | ${x.busybox.size.toLocaleString("en-US")} B | ${x.rootfs.size.toLocaleString("en-US")} B |`,
      ),
    ],
  };
}

export const buildCommand: Command<BuildOptions, BuildResult> = {
  name: "build",
  summary: "build BusyBox and the rootfs of each variant and platform",
  usage: USAGE,
  parse: parseBuildOptions,
  run: build,
  json: (r) => r,
  action: buildReport,
};

function formatBuild(r: BuildResult): string {
  const rows = r.images.map((i) => [
    i.variant,
    i.platform,
    i.busybox.size.toLocaleString("en-US"),
    String(i.busybox.applets.length),
    i.busybox.static ? "✓" : "✗",
    i.rootfs.size.toLocaleString("en-US"),
    i.busybox.cache,
    `${i.seconds.busybox.toFixed(1)} s`,
    `${i.seconds.rootfs.toFixed(2)} s`,
  ]);
  return [
    table(["variant", "platform", "busybox B", "applets", "static", "rootfs B", "cache", "busybox", "rootfs"], rows, [2, 3, 5, 7, 8]),
    `source: BusyBox ${r.busybox.version} (${r.busybox.source.cache}, ${r.seconds.source.toFixed(1)} s); total ${r.seconds.total.toFixed(1)} s`,
    ...(r.layouts ?? []).map(
      (l) => `image ${l.variant} (${l.engine}): ${l.index.digest}, ${l.manifests.map((m) => m.platform).join(" + ")}, layout ${l.layout}`,
    ),
    `wrote ${r.out}/build.json and ${r.images.length} rootfs tar(s) in ${r.out}/rootfs/`,
  ].join("\n");
}
