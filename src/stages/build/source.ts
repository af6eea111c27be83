/** source: the pinned BusyBox tarball, sha256-checked (and signature-checked), extracted and patched once. */
import { fetchSource } from "../../build/source.js";
import { prepareSourceTree } from "../../build/busybox.js";
import type { Stage } from "../stage.js";
import type { BuildContext } from "./context.js";

export const source: Stage<BuildContext> = {
  name: "source",
  title: (ctx) => `source: BusyBox ${ctx.config.busybox.version}`,
  async run(ctx) {
    const t0 = Date.now();
    const { config: cfg, log } = ctx;
    const fetched = await fetchSource(cfg, { log, ...(ctx.cacheDir ? { cacheDir: ctx.cacheDir } : {}) });
    const tree = await prepareSourceTree(cfg, fetched, log, ctx.cacheDir);
    ctx.source = {
      busybox: {
        version: cfg.busybox.version,
        sha256: fetched.sha256,
        source: { cache: fetched.hit ? "hit" : "miss", ...(fetched.url ? { url: fetched.url } : {}), signature: fetched.signature },
      },
      tree,
      seconds: (Date.now() - t0) / 1000,
    };
  },
};
