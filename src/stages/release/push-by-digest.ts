/** push-by-digest: the images go to the registry first by digest and untagged; smoke and bench run against exactly them. */
import { publish } from "../../publish/publish.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";

export const pushByDigest: Stage<ReleaseContext> = {
  name: "push-by-digest",
  async run(ctx) {
    const req = ctx.release;
    const tags = need(ctx.tags, "the tag plan", "push-by-digest");
    ctx.untagged = await publish({
      build: need(ctx.build, "the build", "push-by-digest"),
      config: ctx.config,
      image: req.image,
      tags: { ...tags, plans: [] },
      log: ctx.log,
      ...(req.registry ? { registry: req.registry } : {}),
    });
  },
};
