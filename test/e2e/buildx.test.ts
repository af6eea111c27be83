/**
 * The buildx engine for real.
 *
 * 1. Where `docker buildx version` works (the repository's GitHub workflow), a real
 *    `docker buildx build` of a tiny FROM-scratch image for linux/amd64 and linux/arm64 into an
 *    OCI layout, checked blob by blob. It uses $BUILDX_BUILDER if set, otherwise it creates a
 *    docker-container builder (the docker driver cannot export OCI layouts) and removes it after.
 *    Where buildx is missing (here: Debian's docker 20.10 client has no buildx plugin) it is
 *    reported as skipped, with the reason.
 * 2. Wherever dockerd answers: the same generated Dockerfile and context, built by BuildKit
 *    through `DOCKER_BUILDKIT=1 docker build` for each platform, give the rootfs and the image
 *    config the oci engine writes.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../../src/config/load.js";
import type { Config, Platform, VariantConfig } from "../../src/config/schema.js";
import { dockerBin } from "../../src/lib/docker.js";
import { run } from "../../src/lib/exec.js";
import { streamLogger } from "../../src/lib/log.js";
import { writeTar } from "../../src/lib/tar.js";
import { digestOf } from "../../src/oci/digest.js";
import { readBlob, readImage, readJsonBlob } from "../../src/oci/layout.js";
import { ANNOTATIONS, type ImageConfig, type ImageIndex } from "../../src/oci/types.js";
import { buildWithBuildx, prepareContext } from "../../src/build/buildx.js";
import { needs } from "../support/prerequisites.js";
import { imageAnnotations } from "../../src/build/image.js";

const EPOCH = 1767225600;
const PLATFORMS: Platform[] = ["linux/amd64", "linux/arm64"];

const buildx = await needs("buildx");
const dockerd = await needs("dockerd");

let work = "";
let cfg: Config;
let minimal: VariantConfig;
before(async () => {
  work = mkdtempSync(join(tmpdir(), "buildx-e2e-"));
  cfg = await loadConfig(join(import.meta.dirname, "../../configs/kimigayo.yml"));
  minimal = cfg.variants.find((v) => v.name === "minimal")!;
});
after(() => rmSync(work, { recursive: true, force: true }));

/** A tiny rootfs per platform: a directory, a file naming the platform, a symlink. */
function tinyRootfs(dir: string): { platform: Platform; tar: string }[] {
  mkdirSync(dir, { recursive: true });
  return PLATFORMS.map((platform) => {
    const tar = join(dir, `${platform.replace("/", "-")}.tar`);
    const entries = [
      { type: "dir" as const, path: "etc", mode: 0o755 },
      { type: "file" as const, path: "etc/platform", mode: 0o644, data: Buffer.from(`${platform}\n`) },
      { type: "symlink" as const, path: "etc/link", target: "platform" },
    ];
    writeFileSync(tar, writeTar(entries, { mtime: EPOCH }));
    return { platform, tar };
  });
}

/** `tar -tvf`-style listing of a tar file (GNU tar reads whatever BuildKit writes) and one file's content. */
async function tarListing(path: string): Promise<{ names: string[]; platform: string }> {
  const list = await run("tar", ["-tf", path]);
  assert.equal(list.code, 0, list.stderr);
  const names = list.stdout
    .split("\n")
    .map((n) => n.replace(/^\.\//, "").replace(/\/$/, ""))
    .filter((n) => n !== "" && n !== ".")
    .sort();
  const cat = await run("tar", ["-xOf", path, "etc/platform"]);
  assert.equal(cat.code, 0, cat.stderr);
  return { names, platform: cat.stdout.trim() };
}

describe("engine buildx: docker buildx build into an OCI layout", () => {
  let builder = process.env.BUILDX_BUILDER ?? "";
  let created = false;

  before(async () => {
    if (buildx.skip || builder) return;
    builder = `kimigayo-e2e-${process.pid}`;
    const r = await run(dockerBin(), ["buildx", "create", "--name", builder, "--driver", "docker-container", "--bootstrap"], {
      timeoutMs: 600_000,
    });
    assert.equal(r.code, 0, `docker buildx create: ${r.stderr}`);
    created = true;
  });
  after(async () => {
    if (created) await run(dockerBin(), ["buildx", "rm", builder]);
  });

  it("builds a tiny FROM-scratch image for linux/amd64 and linux/arm64", { skip: buildx.skip }, async () => {
    const dir = join(work, "buildx");
    const annotations = imageAnnotations({ config: cfg, variant: minimal, sourceDateEpoch: EPOCH, revision: "e2e" });
    const r = await buildWithBuildx({
      config: cfg,
      variant: minimal,
      rootfs: tinyRootfs(dir),
      outDir: join(dir, "out"),
      sourceDateEpoch: EPOCH,
      revision: "e2e",
      log: streamLogger(process.stderr),
      builder,
    });
    assert.deepEqual(
      r.manifests.map((m) => m.platform),
      PLATFORMS,
    );
    assert.equal(r.buildx.metadata.digest, r.index.digest);

    const image = await readImage(r.layout, "2.1.0");
    assert.equal(image.root.digest, r.index.digest);
    const index = await readJsonBlob<ImageIndex>(r.layout, r.index.digest);
    for (const [k, v] of Object.entries(annotations)) assert.equal(index.annotations?.[k], v, `index annotation ${k}`);

    const { [ANNOTATIONS.refName]: _ref, ...labels } = annotations;
    for (const m of r.manifests) {
      const manifest = image.manifests.find((x) => x.descriptor.digest === m.digest)!.manifest;
      for (const [k, v] of Object.entries(annotations))
        assert.equal(manifest.annotations?.[k], v, `${m.platform} manifest annotation ${k}`);
      const config = await readJsonBlob<ImageConfig>(r.layout, m.config);
      assert.equal(`${config.os}/${config.architecture}`, m.platform);
      assert.deepEqual(config.config?.Env, ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]);
      assert.deepEqual(config.config?.Cmd, ["/bin/sh"]);
      assert.equal(config.config?.StopSignal, "SIGTERM");
      for (const [k, v] of Object.entries(labels)) assert.equal(config.config?.Labels?.[k], v, `${m.platform} label ${k}`);
      assert.equal(m.layers.length, 1);
      const tar = gunzipSync(await readBlob(r.layout, m.layers[0]!.digest));
      assert.equal(digestOf(tar), m.layers[0]!.diffId);
      assert.equal(tar.length, m.uncompressedSize);
      const path = join(dir, `layer-${m.platform.replace("/", "-")}.tar`);
      writeFileSync(path, tar);
      const got = await tarListing(path);
      assert.deepEqual(got.names, ["etc", "etc/link", "etc/platform"]);
      assert.equal(got.platform, m.platform, "ADD extracted the tar of the right platform (TARGETARCH)");
    }
  });
});

describe("the generated Dockerfile under BuildKit (DOCKER_BUILDKIT=1 docker build)", { skip: dockerd.skip }, () => {
  beforeEach(dockerd.check);
  for (const platform of PLATFORMS) {
    it(`${platform}: ADD extracts that platform's rootfs; the config matches the oci engine's`, async () => {
      const arch = platform.split("/")[1]!;
      const dir = join(work, `dockerfile-${arch}`);
      const opts = { config: cfg, variant: minimal, sourceDateEpoch: EPOCH, revision: 'e2e "$quoted"' };
      const ctx = await prepareContext(join(dir, "context"), { ...opts, rootfs: tinyRootfs(dir) });
      const env = { ...process.env, DOCKER_BUILDKIT: "1", SOURCE_DATE_EPOCH: String(EPOCH) };
      const docker = (args: string[]) => run(dockerBin(), args, { env, timeoutMs: 300_000 });

      const out = join(dir, "rootfs-out.tar");
      const exported = await docker(["build", "--platform", platform, "--output", `type=tar,dest=${out}`, ctx.contextDir]);
      assert.equal(exported.code, 0, exported.stderr);
      const got = await tarListing(out);
      assert.deepEqual(got.names, ["etc", "etc/link", "etc/platform"]);
      assert.equal(got.platform, platform);

      const tag = `kimigayo-e2e-dockerfile:${arch}-${process.pid}`;
      const built = await docker(["build", "--platform", platform, "--tag", tag, ctx.contextDir]);
      assert.equal(built.code, 0, built.stderr);
      try {
        const inspect = await docker(["image", "inspect", tag, "--format", "{{json .}}"]);
        assert.equal(inspect.code, 0, inspect.stderr);
        const info = JSON.parse(inspect.stdout) as {
          Os: string;
          Architecture: string;
          Config: { Env: string[]; Cmd: string[]; Labels: Record<string, string>; StopSignal: string };
        };
        assert.equal(`${info.Os}/${info.Architecture}`, platform);
        assert.deepEqual(info.Config.Env, ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]);
        assert.deepEqual(info.Config.Cmd, ["/bin/sh"]);
        assert.equal(info.Config.StopSignal, "SIGTERM");
        const { [ANNOTATIONS.refName]: _ref, ...labels } = imageAnnotations(opts);
        assert.deepEqual(info.Config.Labels, labels, "the same labels as the oci engine's config, escaping intact");
      } finally {
        await docker(["image", "rm", "--force", tag]);
      }
      assert.match(readFileSync(ctx.dockerfile, "utf8"), /^FROM scratch$/m);
    });
  }
});
