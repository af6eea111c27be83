/** busybox: one static binary per variant and platform, cross-compiled, several at a time. */
import { mapLimit } from "../../lib/concurrency.js";
import { buildBusybox } from "../../build/busybox.js";
import { checkServices, readServices } from "../../config/services.js";
import { hostArchitecture } from "../../lib/platform.js";
import { readLock } from "../../toolchain/lock.js";
import { hostRouteWarning, toolchainRoute } from "../../toolchain/route.js";
import type { Stage } from "../stage.js";
import { need, type BuildContext } from "./context.js";

export const busybox: Stage<BuildContext> = {
  name: "busybox",
  async run(ctx) {
    const { config: cfg, log } = ctx;
    const tree = need(ctx.source?.tree, "the extracted source tree", "busybox");
    log.info(`building ${ctx.work.length} image(s): ${ctx.parallel} at a time, make -j${ctx.jobs} each`);
    // One route for the whole build: the locked toolchain, or the host's where no Debian archive is known.
    const lock = readLock();
    const host = hostArchitecture();
    const route = ctx.toolchainRoute ?? toolchainRoute(lock, host, ctx.env, ctx.cacheDir);
    if (route.kind === "host") log.warn(hostRouteWarning(route, lock, host));
    ctx.binaries = await mapLimit(ctx.work, ctx.parallel, async ({ variant, platform }) => {
      const t0 = Date.now();
      const build = await buildBusybox(cfg, variant, platform, tree, {
        log,
        jobs: ctx.jobs,
        sourceDateEpoch: ctx.epoch,
        route,
        ...(ctx.cacheDir ? { cacheDir: ctx.cacheDir } : {}),
      });
      // What needs the compiled applet list is checked now, before the next compile: a service
      // whose applet this BusyBox lacks is a config error (rootfs reports the optional ones).
      checkServices(await readServices(variant.services), new Set(build.applets.map((a) => a.name)), variant);
      return { build, seconds: (Date.now() - t0) / 1000 };
    });
  },
};
