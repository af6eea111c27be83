/** smoke: each pushed image, pulled by digest with the release's registry credentials: busybox true, then boot to the ready line. */
import { need } from "../build/context.js";
import { smoke as smokeImage } from "../../build/smoke.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";
import { imageAt } from "../../oci/reference.js";

export const smoke: Stage<ReleaseContext> = {
  name: "smoke",
  async run(ctx) {
    const untagged = need(ctx.untagged, "the pushed images", "smoke");
    for (const v of untagged.variants) {
      for (const m of v.manifests)
        ctx.smoke.push(await smokeImage(imageAt(ctx.release.image, m.digest), m.platform, ctx.log, ctx.release.registry));
    }
  },
};
