/** rootfs: one deterministic layer tar per variant and platform, around its BusyBox. */
import { mapLimit } from "../../lib/concurrency.js";
import type { ImageBuild } from "../../results/build.js";
import { buildRootfs } from "../../build/rootfs.js";
import type { Stage } from "../stage.js";
import { need, type BuildContext } from "./context.js";

export const rootfs: Stage<BuildContext> = {
  name: "rootfs",
  async run(ctx) {
    const { config: cfg, log } = ctx;
    const binaries = need(ctx.binaries, "the BusyBox binaries", "rootfs");
    let done = 0;
    ctx.images = await mapLimit(ctx.work, ctx.parallel, async ({ variant, platform }, i): Promise<ImageBuild> => {
      const { build: bb, seconds } = binaries[i]!;
      const label = `${variant.name} ${platform}`;
      const t0 = Date.now();
      const fs = await buildRootfs(cfg, variant, bb, { log, outDir: ctx.outDir, sourceDateEpoch: ctx.epoch });
      const rootfsSeconds = (Date.now() - t0) / 1000;
      for (const u of fs.services.unavailable) log.warn(`${label}: service ${u.name} not available: ${u.reason}`);
      for (const n of fs.services.notes) log.info(`${label}: ${n}`);
      done++;
      log.info(
        `[${done}/${ctx.work.length}] ${label}: busybox ${bb.size.toLocaleString("en-US")} B, ${bb.applets.length} applets, ` +
          `static ${bb.elf.static ? "✓" : "✗"}, rootfs ${fs.size.toLocaleString("en-US")} B (cache ${bb.hit ? "hit" : "miss"})`,
      );
      return {
        variant: variant.name,
        platform,
        busybox: {
          binary: bb.binary,
          size: bb.size,
          sha256: bb.sha256,
          applets: bb.applets.map((a) => a.name),
          static: bb.elf.static,
          stripped: bb.elf.stripped,
          machine: bb.elf.machine,
          cache: bb.hit ? "hit" : "miss",
          toolchain: bb.toolchainPackages,
        },
        rootfs: { tar: fs.tar, size: fs.size, sha256: fs.sha256, files: fs.files },
        services: fs.services,
        seconds: { busybox: seconds, rootfs: rootfsSeconds },
      };
    });
  },
};
