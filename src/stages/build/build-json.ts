/** build-json: the build's result as plain data in <out>/build.json, where later stages and other runners start. */
import { writeBuildResult, type BuildResult } from "../../results/build.js";
import type { Stage } from "../stage.js";
import { need, type BuildContext } from "./context.js";

export const buildJson: Stage<BuildContext> = {
  name: "build-json",
  async run(ctx) {
    const source = need(ctx.source, "the source", "build-json");
    const result: BuildResult = {
      config: ctx.config.file,
      version: ctx.config.version,
      sourceDateEpoch: ctx.epoch,
      busybox: source.busybox,
      out: ctx.outDir,
      images: need(ctx.images, "the images", "build-json"),
      ...(ctx.layouts ? { layouts: ctx.layouts } : {}),
      ...(ctx.engine ? { engine: ctx.engine } : {}),
      seconds: { source: source.seconds, total: (Date.now() - ctx.startedAt) / 1000 },
    };
    await writeBuildResult(ctx.outDir, result);
    ctx.build = result;
  },
};
