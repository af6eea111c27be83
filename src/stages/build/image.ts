/** image: one OCI image layout per variant (an index over one manifest per platform), by the oci or buildx engine. */
import { headSha, sourceUrl } from "../../lib/git.js";
import { buildWithEngine, resolveEngine } from "../../build/engine.js";
import type { Stage } from "../stage.js";
import { need, type BuildContext } from "./context.js";

export const image: Stage<BuildContext> = {
  name: "image",
  skip: (ctx) => (ctx.engineRequest === "none" ? "--engine none: the build stops after the rootfs" : false),
  async run(ctx) {
    const { config: cfg, log, env } = ctx;
    const images = need(ctx.images, "the rootfs of each image", "image");
    if (ctx.engineRequest === "none") return;
    const engine = await resolveEngine(ctx.engineRequest);
    ctx.engine = engine;
    log.info(`image engine: ${engine.engine} (${engine.reason})`);
    const revision = env.GITHUB_SHA ?? (await headSha(ctx.repoDir));
    const source = await sourceUrl(ctx.repoDir, env);
    ctx.layouts = [];
    for (const v of ctx.variants) {
      const t = Date.now();
      const rootfs = images.filter((i) => i.variant === v.name).map((i) => ({ platform: i.platform, tar: i.rootfs.tar }));
      const r = await buildWithEngine(engine.engine, {
        config: cfg,
        variant: v,
        rootfs,
        outDir: ctx.outDir,
        sourceDateEpoch: ctx.epoch,
        log,
        ...(revision ? { revision } : {}),
        ...(source ? { source } : {}),
      });
      ctx.layouts.push({
        variant: v.name,
        engine: engine.engine,
        layout: r.layout,
        ref: r.ref,
        index: r.index,
        manifests: r.manifests,
        seconds: (Date.now() - t) / 1000,
      });
    }
  },
};
