/**
 * What the native benchmarks (bench:gate, bench:memory) share: the config, this host's platform
 * (they measure natively, never under QEMU) and a standard image built for it, reused from
 * `<out>/build.json` when it is there.
 */
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadConfig } from "../src/config/load.js";
import type { Config, Platform } from "../src/config/schema.js";
import type { Logger } from "../src/lib/log.js";
import { hostPlatform } from "../src/lib/platform.js";
import { runBuild, type BuildResult } from "../src/pipeline/build.js";

export interface NativeStandard {
  cfg: Config;
  platform: Platform;
  out: string;
  build: BuildResult;
}

/** Exits 2, naming the bench, when this host is not one of the config's platforms. */
export async function nativeStandard(bench: string, opts: { config?: string; out?: string; log: Logger }): Promise<NativeStandard> {
  const cfg = await loadConfig(resolve(opts.config ?? "configs/kimigayo.yml"));
  const platform = hostPlatform();
  if (!platform || !cfg.platforms.includes(platform)) {
    process.stderr.write(`${bench} measures natively; this host (${process.arch}) is not one of ${cfg.platforms.join(", ")}\n`);
    process.exit(2);
  }
  const out = resolve(opts.out ?? "out");
  let build: BuildResult | undefined = await readFile(join(out, "build.json"), "utf8")
    .then((t) => JSON.parse(t) as BuildResult)
    .catch(() => undefined);
  if (!build?.images.some((i) => i.variant === "standard" && i.platform === platform)) {
    opts.log.info(`building standard for ${platform} into ${out} first`);
    build = await runBuild({
      config: cfg,
      variants: cfg.variants.filter((v) => v.name === "standard"),
      platforms: [platform],
      outDir: out,
      log: opts.log,
    });
  }
  return { cfg, platform, out, build };
}
