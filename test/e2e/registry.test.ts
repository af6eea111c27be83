/**
 * The oci engine and the registry client end to end, against the real registry at 127.0.0.1:5000,
 * skopeo and dockerd: build a two-platform image layout from synthetic rootfs tars (amd64 holds
 * Debian's static /bin/busybox), push it, read it back, re-push (no blob bytes), mount into a
 * second repository, then pull the amd64 manifest with docker and run BusyBox from it.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.js";
import { dockerBin } from "../../src/lib/docker.js";
import { run } from "../../src/lib/exec.js";
import { needs } from "../support/prerequisites.js";
import { GLIBC_BUSYBOX } from "../../src/doctor/prerequisites.js";
import { silentLogger } from "../../src/lib/log.js";
import { writeTar } from "../../src/lib/tar.js";
import { digestOf } from "../../src/oci/digest.js";
import { pushLayout } from "../../src/oci/push.js";
import { RegistryClient } from "../../src/oci/registry.js";
import { MEDIA_TYPES, type ImageIndex } from "../../src/oci/types.js";
import { buildImage, type ImageResult } from "../../src/build/image.js";

const REGISTRY = "127.0.0.1:5000";
const BUSYBOX = GLIBC_BUSYBOX;

const need = await needs("registry", "skopeo", "busybox-static", "dockerd");

describe("oci engine: build, push, inspect, re-push, pull and run", { skip: need.skip }, () => {
  const repo = `test-${randomBytes(4).toString("hex")}/kimigayo`;
  const tags = ["2.1.0", "latest"];
  let work = "";
  let image: ImageResult;
  const client = new RegistryClient(REGISTRY, { env: {}, dockerConfig: "/nonexistent/config.json" });

  before(async () => {
    need.check();
    work = mkdtempSync(join(tmpdir(), "registry-e2e-"));
    const cfg = await loadConfig(join(import.meta.dirname, "../../configs/kimigayo.yml"));
    const amd64 = join(work, "amd64.tar");
    const arm64 = join(work, "arm64.tar");
    const mtime = cfg.sourceDateEpoch;
    writeFileSync(
      amd64,
      writeTar(
        [
          { type: "dir", path: "bin", mode: 0o755 },
          { type: "file", path: "bin/busybox", mode: 0o755, data: readFileSync(BUSYBOX) },
          { type: "hardlink", path: "bin/sh", target: "bin/busybox" },
        ],
        { mtime },
      ),
    );
    writeFileSync(
      arm64,
      writeTar(
        [
          { type: "dir", path: "etc", mode: 0o755 },
          { type: "file", path: "etc/hello", mode: 0o644, data: Buffer.from("arm64 placeholder layer\n") },
        ],
        { mtime },
      ),
    );
    image = await buildImage({
      config: cfg,
      variant: cfg.variants.find((v) => v.default) ?? cfg.variants[0]!,
      rootfs: [
        { platform: "linux/amd64", tar: amd64 },
        { platform: "linux/arm64", tar: arm64 },
      ],
      outDir: join(work, "out"),
      sourceDateEpoch: mtime,
      log: silentLogger,
    });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("pushes blobs, manifests, the index and the tags; skopeo reads an OCI index with both platforms", async (t) => {
    const pushed = await pushLayout(image.layout, repo, tags, client, silentLogger);
    const layerBytes = image.manifests.reduce((n, m) => n + m.layers.reduce((k, l) => k + l.size, 0), 0);
    t.diagnostic(
      `first push: ${pushed.seconds.toFixed(3)} s, ${pushed.stats.requests} requests, ${pushed.stats.blobsUploaded} blobs, ` +
        `${pushed.stats.blobBytesUploaded} blob bytes (layers ${layerBytes} B gzip, amd64 tar ${image.manifests[0]!.uncompressedSize} B), ` +
        `${pushed.stats.manifestBytesUploaded} manifest bytes`,
    );
    assert.equal(pushed.indexDigest, image.index.digest);
    assert.deepEqual(
      pushed.manifests,
      image.manifests.map((m) => m.digest),
    );
    assert.equal(pushed.stats.blobsUploaded, 4);
    assert.ok(pushed.stats.blobBytesUploaded >= layerBytes);
    assert.equal(pushed.stats.retries, 0);

    for (const tag of tags) {
      const res = await run("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${REGISTRY}/${repo}:${tag}`]);
      assert.equal(res.code, 0, res.stderr);
      assert.equal(digestOf(res.stdout), image.index.digest, "the registry serves the exact index bytes");
      const index = JSON.parse(res.stdout) as ImageIndex;
      assert.equal(index.mediaType, MEDIA_TYPES.ociIndex);
      assert.deepEqual(
        index.manifests.map((d) => d.platform),
        [
          { architecture: "amd64", os: "linux" },
          { architecture: "arm64", os: "linux", variant: "v8" },
        ],
      );
    }
    assert.deepEqual((await client.listTags(repo)).sort(), [...tags].sort());
  });

  it("reads manifests and blobs back with the client", async () => {
    const byTag = await client.getManifest(repo, "2.1.0");
    assert.equal(byTag.digest, image.index.digest);
    assert.equal(byTag.mediaType, MEDIA_TYPES.ociIndex);
    const head = await client.headManifest(repo, image.manifests[0]!.digest);
    assert.deepEqual(head, { digest: image.manifests[0]!.digest, size: image.manifests[0]!.size, mediaType: MEDIA_TYPES.ociManifest });
    assert.equal(await client.headManifest(repo, "no-such-tag"), undefined);
    const layer = image.manifests[0]!.layers[0]!;
    assert.equal((await client.getBlob(repo, layer.digest)).length, layer.size);
  });

  it("re-pushes without uploading a blob byte", async (t) => {
    const again = await pushLayout(image.layout, repo, tags, client, silentLogger);
    t.diagnostic(`re-push: ${again.seconds.toFixed(3)} s, ${again.stats.requests} requests, ${again.stats.blobBytesUploaded} blob bytes`);
    assert.equal(again.indexDigest, image.index.digest);
    assert.equal(again.stats.blobBytesUploaded, 0);
    assert.equal(again.stats.blobsUploaded, 0);
    assert.equal(again.stats.blobsSkipped, 4);
  });

  it("mounts blobs from another repository instead of uploading them", async () => {
    const other = `${repo}-mirror`;
    const mounted = await pushLayout(image.layout, other, ["2.1.0"], client, silentLogger, { mountFrom: repo });
    assert.equal(mounted.stats.blobsMounted, 4);
    assert.equal(mounted.stats.blobBytesUploaded, 0);
    assert.equal((await client.getManifest(other, "2.1.0")).digest, image.index.digest);
  });

  it("docker pulls the amd64 manifest by digest and runs busybox from it", async () => {
    const docker = dockerBin();
    const ref = `${REGISTRY}/${repo}@${image.manifests.find((m) => m.platform === "linux/amd64")!.digest}`;
    try {
      const pull = await run(docker, ["pull", ref]);
      assert.equal(pull.code, 0, pull.stderr);
      const ran = await run(docker, ["run", "--rm", ref, "/bin/busybox", "true"]);
      assert.equal(ran.code, 0, ran.stderr);
      const echo = await run(docker, ["run", "--rm", ref, "/bin/sh", "-c", "echo $PATH"]);
      assert.equal(echo.stdout.trim(), "/usr/sbin:/usr/bin:/sbin:/bin");
      const inspect = await run(docker, [
        "image",
        "inspect",
        ref,
        "--format",
        "{{json .Config.Cmd}} {{.Config.StopSignal}} {{.Architecture}}",
      ]);
      assert.equal(inspect.stdout.trim(), '["/bin/sh"] SIGTERM amd64');
    } finally {
      await run(docker, ["rmi", ref]);
    }
  });
});
