/** tag: the same images again with their tags; a tag moves only after every variant passed smoke and bench. */
import { publish } from "../../publish/publish.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";

export const tag: Stage<ReleaseContext> = {
  name: "tag",
  async run(ctx) {
    const req = ctx.release;
    ctx.published = await publish({
      build: need(ctx.build, "the build", "tag"),
      config: ctx.config,
      image: req.image,
      tags: need(ctx.tags, "the tag plan", "tag"),
      log: ctx.log,
      ...(req.registry ? { registry: req.registry } : {}),
    });
  },
};
