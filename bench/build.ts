/**
 * npm run bench:build: cold and warm build time per variant and platform, with the targets
 *   arm64 ÷ amd64 (cold)      ≤ 1.3   (cross-compiling arm64 costs about what a native build does)
 *   warm ÷ cold (each image)  ≤ 0.05  (the content-addressed cache does its job)
 * Cold = an empty cache (the verified source tarball is copied in, so no download is timed).
 * Each image is built alone, with every core, so the figures do not depend on scheduling.
 * A benchmark, not a test: it prints figures beside targets and exits 1 when one is missed.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { loadConfig } from "../src/config/load.js";
import { silentLogger } from "../src/lib/log.js";
import { runBuild } from "../src/pipeline/build.js";
import { sourceCachePath } from "../src/build/source.js";
import { table } from "../src/cli/table.js";
import { hostArchitecture } from "../src/lib/platform.js";
import { readLock } from "../src/toolchain/lock.js";
import { toolchainRoute } from "../src/toolchain/route.js";

const cfg = await loadConfig(resolve(process.argv[2] ?? "configs/kimigayo.yml"));
const work = mkdtempSync(join(tmpdir(), "kimigayo-bench-"));
const rows: string[][] = [];
// The route a cold build takes here (each cold build has an empty cache: the locked toolchain is fetched in it).
const route = toolchainRoute(readLock(), hostArchitecture(), process.env, join(work, "no-cache"));
process.stderr.write(`toolchain: ${route.kind === "lock" ? "the lock's, fetched by every cold build" : `the host's (${route.why})`}\n`);
const cold = new Map<string, number>();
let failed = false;
const mark = (ok: boolean) => {
  if (!ok) failed = true;
  return ok ? "✓" : "✗";
};
try {
  for (const variant of cfg.variants) {
    for (const platform of cfg.platforms) {
      const cache = join(work, `cache-${variant.name}-${platform.replace("/", "-")}`);
      const src = sourceCachePath(cfg.busybox.sha256, cache);
      mkdirSync(dirname(src), { recursive: true });
      copyFileSync(sourceCachePath(cfg.busybox.sha256), src);
      const once = async () => {
        const t0 = process.hrtime.bigint();
        await runBuild({
          config: cfg,
          variants: [variant],
          platforms: [platform],
          outDir: join(work, "out"),
          log: silentLogger,
          cacheDir: cache,
          parallel: 1,
        });
        return Number(process.hrtime.bigint() - t0) / 1e9;
      };
      process.stderr.write(`${variant.name} ${platform}: cold… `);
      const c = await once();
      process.stderr.write(`${c.toFixed(1)} s, warm… `);
      const w = await once();
      process.stderr.write(`${w.toFixed(3)} s\n`);
      cold.set(`${variant.name} ${platform}`, c);
      const ratio = w / c;
      rows.push([variant.name, platform, `${c.toFixed(1)} s`, `${w.toFixed(3)} s`, ratio.toFixed(4), "≤ 0.05", mark(ratio <= 0.05)]);
      rmSync(cache, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log("Build time, cold (empty cache) and warm (cache hit), each image alone\n");
console.log(table(["variant", "platform", "cold", "warm", "warm÷cold", "target", ""], rows, [2, 3, 4]));
const armRows = cfg.variants
  .filter((v) => cold.has(`${v.name} linux/amd64`) && cold.has(`${v.name} linux/arm64`))
  .map((v) => {
    const r = cold.get(`${v.name} linux/arm64`)! / cold.get(`${v.name} linux/amd64`)!;
    return [v.name, r.toFixed(2), "≤ 1.3", mark(r <= 1.3)];
  });
console.log(`\narm64 ÷ amd64, cold\n\n${table(["variant", "ratio", "target", ""], armRows, [1])}`);
process.exitCode = failed ? 1 : 0;
