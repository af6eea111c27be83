/**
 * assets: every rootfs tar and SBOM in <out>/release with SHA256SUMS; each platform's
 * benchmark-<arch>.json and size-report.json (measurements, outside SHA256SUMS); the notes beside them.
 */
import { copyFile, mkdir, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { sha256File } from "../../lib/hash.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";
import { writeNotes } from "./notes.js";
import { benchAssetName, SIZE_ASSET } from "../../release/benchmarks.js";

export const assets: Stage<ReleaseContext> = {
  name: "assets",
  async run(ctx) {
    const build = need(ctx.build, "the build", "assets");
    const dir = join(ctx.outDir, "release");
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const files: string[] = [];
    for (const i of build.images) {
      for (const src of [i.rootfs.tar, ...(i.sbom ? [i.sbom] : [])]) {
        const dest = join(dir, basename(src));
        await copyFile(src, dest);
        files.push(dest);
      }
    }
    const sums = (await Promise.all(files.map(async (a) => `${await sha256File(a)}  ${basename(a)}`))).join("\n");
    await writeFile(join(dir, "SHA256SUMS"), `${sums}\n`);
    files.push(join(dir, "SHA256SUMS"));
    // What the next release compares with: each platform's benchmark.json and the size report.
    // Measurements, not the release's contents: outside SHA256SUMS, so that a re-run, which
    // measures again, still verifies the published release (whose figures stand).
    for (const b of ctx.benchmarks ?? []) {
      const dest = join(dir, benchAssetName(b.platform));
      await writeFile(dest, `${JSON.stringify(b.entries, null, 2)}\n`);
      files.push(dest);
    }
    if (ctx.size) {
      const dest = join(dir, SIZE_ASSET);
      // The files it was made from by name, not by this runner's paths.
      const report = { ...ctx.size.report, config: basename(ctx.size.report.config), build: basename(ctx.size.report.build) };
      await writeFile(dest, `${JSON.stringify(report, null, 2)}\n`);
      files.push(dest);
    }
    await writeNotes(ctx);
    ctx.assets = files;
    ctx.log.info(`wrote RELEASE_NOTES.md and ${files.length} asset(s) in ${dir}`);
  },
};
