/**
 * The pipeline, in order. Reading these lists tells you the build and the release; the README's
 * pipeline line is tested against them (test/unit/pipeline.test.ts).
 */
import { buildJson } from "../stages/build/build-json.js";
import { busybox } from "../stages/build/busybox.js";
import type { BuildContext } from "../stages/build/context.js";
import { image } from "../stages/build/image.js";
import { rootfs } from "../stages/build/rootfs.js";
import { sbom } from "../stages/build/sbom.js";
import { source } from "../stages/build/source.js";
import { assets } from "../stages/release/assets.js";
import { attest } from "../stages/release/attest.js";
import { bench } from "../stages/release/bench.js";
import type { ReleaseContext } from "../stages/release/context.js";
import { githubRelease } from "../stages/release/github-release.js";
import { notes } from "../stages/release/notes.js";
import { preflight } from "../stages/release/preflight.js";
import { pushByDigest } from "../stages/release/push-by-digest.js";
import { sizeCheck } from "../stages/release/size-check.js";
import { smoke } from "../stages/release/smoke.js";
import { tag } from "../stages/release/tag.js";
import type { Stage } from "../stages/stage.js";

export const BUILD: readonly Stage<BuildContext>[] = [source, busybox, rootfs, sbom, image, buildJson];

export const RELEASE: readonly Stage<ReleaseContext>[] = [
  preflight,
  ...BUILD,
  sizeCheck,
  pushByDigest,
  smoke,
  bench,
  attest,
  notes,
  assets,
  tag,
  githubRelease,
];
