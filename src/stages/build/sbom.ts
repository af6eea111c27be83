/** sbom: an SPDX 2.3 document per image: BusyBox (source and binary hashes), musl, and every file of the rootfs. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { mapLimit } from "../../lib/concurrency.js";
import type { ImageBuild } from "../../results/build.js";
import { writeSbom as saveSbom } from "../../results/sbom.js";
import { rfc3339 } from "../../build/image.js";
import { rootfsFiles, spdxFor, upstreamVersion } from "../../build/sbom.js";
import type { Stage } from "../stage.js";
import { need, type BuildContext } from "./context.js";

async function writeSbom(ctx: BuildContext, image: ImageBuild, sourceSha256: string): Promise<string> {
  const cfg = ctx.config;
  const musl = { version: upstreamVersion(image.busybox.toolchain?.musl?.split(" ")[1] ?? "unknown") };
  const doc = spdxFor({
    variant: image.variant,
    platform: image.platform,
    version: cfg.version,
    busybox: { version: cfg.busybox.version, sha256: sourceSha256, binarySha256: image.busybox.sha256, applets: image.busybox.applets },
    musl: { version: musl.version },
    files: rootfsFiles(await readFile(image.rootfs.tar)),
    created: rfc3339(ctx.epoch),
    namespace: `https://${cfg.image}/spdx`,
  });
  const path = join(ctx.outDir, "sbom", `kimigayo-${image.variant}-${image.platform.split("/")[1]}.spdx.json`);
  return saveSbom(path, doc);
}

export const sbom: Stage<BuildContext> = {
  name: "sbom",
  async run(ctx) {
    const images = need(ctx.images, "the rootfs of each image", "sbom");
    const sha256 = need(ctx.source, "the source", "sbom").busybox.sha256;
    ctx.images = await mapLimit(images, ctx.parallel, async ({ seconds, ...image }) => ({
      ...image,
      sbom: await writeSbom(ctx, { ...image, seconds }, sha256),
      seconds,
    }));
  },
};
