/**
 * tag: the pushed images get their tags, release-wide (every variant's index is in; exact tags
 * first), and only after every stage that can fail before the GitHub Release has passed (smoke,
 * bench, attest, notes, assets). The indexes are the ones pushed by digest: by this release's
 * push-by-digest, or by the platform jobs and `merge --defer-tags` (release --from-published).
 */
import { tagPushed } from "../../publish/publish.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";

export const tag: Stage<ReleaseContext> = {
  name: "tag",
  // A dry run tags what it pushed itself to --image; images published by other jobs are the real
  // ones, and a preview moves none of their tags.
  skip: (ctx) =>
    ctx.release.dryRun && ctx.release.fromPublished ? "dry run from published images: the tags merge deferred stay where they are" : false,
  async run(ctx) {
    const req = ctx.release;
    ctx.published = await tagPushed({
      image: req.image,
      images: need(ctx.untagged, "the pushed images", "tag"),
      tags: need(ctx.tags, "the tag plan", "tag"),
      log: ctx.log,
      ...(req.registry ? { registry: req.registry } : {}),
    });
  },
};
