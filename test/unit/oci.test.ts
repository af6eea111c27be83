import { spawnSync } from "node:child_process";
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../../src/config/load.js";
import type { Config, Platform } from "../../src/config/schema.js";
import { run } from "../../src/lib/exec.js";
import { silentLogger } from "../../src/lib/log.js";
import { parseRetryAfter, withRetry } from "../../src/lib/retry.js";
import { writeTar } from "../../src/lib/tar.js";
import { parseWwwAuthenticate } from "../../src/oci/auth.js";
import { redact, resolveCredentials } from "../../src/oci/credentials.js";
import { digestOf } from "../../src/oci/digest.js";
import { RegistryError, registryRetryable } from "../../src/oci/errors.js";
import { gzipLayer, LAYER_COMPRESSOR } from "../../src/oci/gzip.js";
import { canonicalJson } from "../../src/oci/json.js";
import { initLayout, readBlob, readImage, readJsonBlob, readLayout, writeBlob, writeLayoutIndex } from "../../src/oci/layout.js";
import { parseReference, registryBaseUrl } from "../../src/oci/reference.js";
import { ANNOTATIONS, MEDIA_TYPES, type ImageIndex, type ImageManifest } from "../../src/oci/types.js";
import { OCI } from "../../src/oci/schema.js";
import { repositoryUrl, sourceUrl } from "../../src/lib/git.js";
import { buildImage, imageAnnotations, rfc3339 } from "../../src/build/image.js";
import { needs } from "../support/prerequisites.js";
import { ZSTD_COMPRESSOR } from "../../src/size/compress.js";

const ROOT = resolve(import.meta.dirname, "../..");

const skopeo = await needs("skopeo");

const EPOCH = 1767225600; // 2026-01-01T00:00:00Z
const enc = (s: string) => Buffer.from(s, "utf8");

let work = "";
let cfg: Config;
before(async () => {
  work = mkdtempSync(join(tmpdir(), "oci-test-"));
  cfg = await loadConfig(join(import.meta.dirname, "../../configs/kimigayo.yml"));
});
after(() => rmSync(work, { recursive: true, force: true }));

/** A small synthetic rootfs tar per platform (distinct content so the layers differ). */
function syntheticTar(platform: Platform): Buffer {
  return writeTar(
    [
      { type: "dir", path: "bin", mode: 0o755 },
      { type: "dir", path: "etc", mode: 0o755 },
      { type: "file", path: "bin/busybox", mode: 0o755, data: enc(`#!fake busybox for ${platform}\n`.repeat(200)) },
      { type: "hardlink", path: "bin/sh", target: "bin/busybox" },
      { type: "file", path: "etc/os-release", mode: 0o644, data: enc("ID=kimigayo\n") },
    ],
    { mtime: EPOCH },
  );
}

function writeTars(dir: string): { platform: Platform; tar: string }[] {
  mkdirSync(dir, { recursive: true });
  return (["linux/amd64", "linux/arm64"] as const).map((platform) => {
    const tar = join(dir, `${platform.replace("/", "-")}.tar`);
    writeFileSync(tar, syntheticTar(platform));
    return { platform, tar };
  });
}

/** Every file under `dir` with its content, for comparing two layouts byte for byte. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else out[`${rel}${name}`] = digestOf(readFileSync(p));
    }
  };
  walk(dir, "");
  return out;
}

describe("gzipLayer", () => {
  const tar = syntheticTar("linux/amd64");

  it("gives the same bytes twice, with a fixed header (MTIME 0, OS 255, no flags)", () => {
    const a = gzipLayer(tar);
    const b = gzipLayer(Buffer.from(tar));
    assert.ok(a.data.equals(b.data));
    assert.equal(a.digest, b.digest);
    assert.deepEqual([...a.data.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
  });

  it("is canonical zlib's deflate -9, byte for byte (Python's zlib, the system library), whatever zlib Node bundles", () => {
    const g = gzipLayer(tar);
    const py = spawnSync(
      "python3",
      [
        "-c",
        "import sys,zlib; c=zlib.compressobj(9, zlib.DEFLATED, 31, 8); sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())",
      ],
      { input: tar, maxBuffer: 64 << 20 },
    );
    assert.equal(py.status, 0, String(py.stderr));
    // The deflate stream and the trailer (CRC-32, length) are equal; only the header's OS byte is ours.
    assert.ok(g.data.subarray(10).equals(py.stdout.subarray(10)), "the deflate stream differs from canonical zlib's");
    assert.equal(g.data.length, py.stdout.length);
  });

  it("names its pinned compressors as package.json pins them, exactly", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    assert.equal(pkg.dependencies.pako, LAYER_COMPRESSOR.version);
    assert.equal(pkg.dependencies["@bokuweb/zstd-wasm"], ZSTD_COMPRESSOR.version);
    for (const [name, version] of [
      ["pako", LAYER_COMPRESSOR.version],
      ["@bokuweb/zstd-wasm", ZSTD_COMPRESSOR.version],
    ]) {
      const installed = JSON.parse(readFileSync(join(ROOT, "node_modules", name!, "package.json"), "utf8")) as { version: string };
      assert.equal(installed.version, version, `node_modules/${name} is not the pinned version`);
    }
  });

  it("reports the compressed digest and size and the diff_id of the uncompressed tar", () => {
    const g = gzipLayer(tar);
    assert.equal(g.digest, digestOf(g.data));
    assert.equal(g.size, g.data.length);
    assert.equal(g.diffId, digestOf(tar));
    assert.ok(gunzipSync(g.data).equals(tar));
    assert.ok(g.size < tar.length);
  });
});

describe("canonicalJson", () => {
  const rows: { name: string; value: unknown; json: string }[] = [
    { name: "sorts keys", value: { b: 1, a: 2, C: 3 }, json: '{"C":3,"a":2,"b":1}' },
    { name: "sorts nested keys, keeps array order", value: { z: [{ y: 1, x: 2 }, 3], a: null }, json: '{"a":null,"z":[{"x":2,"y":1},3]}' },
    { name: "drops undefined values", value: { a: undefined, b: "x" }, json: '{"b":"x"}' },
    { name: "escapes like JSON.stringify", value: { "k\n": 'q"\u00e9' }, json: '{"k\\n":"q\\"é"}' },
    { name: "no whitespace", value: { schemaVersion: 2, manifests: [] }, json: '{"manifests":[],"schemaVersion":2}' },
  ];
  for (const r of rows) it(r.name, () => assert.equal(canonicalJson(r.value), r.json));

  it("does not depend on insertion order", () => {
    assert.equal(canonicalJson({ mediaType: "m", digest: "d", size: 1 }), canonicalJson({ size: 1, digest: "d", mediaType: "m" }));
  });

  it("refuses what JSON cannot represent", () => {
    assert.throws(() => canonicalJson({ a: NaN }), /\$\.a is NaN/);
    assert.throws(() => canonicalJson({ a: [1, undefined] }), /\$\.a\[1\] is undefined/);
    assert.throws(() => canonicalJson({ d: new Date(0) }), /\$\.d is a Date/);
    assert.throws(() => canonicalJson(10n), /bigint/);
  });
});

describe("OCI layout", () => {
  it("writes blobs content-addressed and idempotently, and reads the image back", async () => {
    const dir = join(work, "layout-roundtrip");
    await initLayout(dir);
    const layer = await writeBlob(dir, enc("layer"));
    const config = await writeBlob(dir, enc("{}"));
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociManifest,
      config: { mediaType: MEDIA_TYPES.ociConfig, ...config },
      layers: [{ mediaType: MEDIA_TYPES.ociLayerGzip, ...layer }],
    };
    const m = await writeBlob(dir, enc(canonicalJson(manifest)));
    const index: ImageIndex = {
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.ociIndex,
      manifests: [{ mediaType: MEDIA_TYPES.ociManifest, ...m, platform: { architecture: "amd64", os: "linux" } }],
    };
    const i = await writeBlob(dir, enc(canonicalJson(index)));
    await writeLayoutIndex(dir, [{ mediaType: MEDIA_TYPES.ociIndex, ...i, annotations: { [ANNOTATIONS.refName]: "1.0" } }]);
    const first = snapshot(dir);
    const mtime = statSync(join(dir, "blobs/sha256", layer.digest.slice(7))).mtimeMs;

    await initLayout(dir);
    assert.deepEqual(await writeBlob(dir, enc("layer")), layer);
    await writeLayoutIndex(dir, [{ mediaType: MEDIA_TYPES.ociIndex, ...i, annotations: { [ANNOTATIONS.refName]: "1.0" } }]);
    assert.deepEqual(snapshot(dir), first);
    assert.equal(statSync(join(dir, "blobs/sha256", layer.digest.slice(7))).mtimeMs, mtime, "an existing blob is not rewritten");
    assert.equal(readFileSync(join(dir, "oci-layout"), "utf8"), '{"imageLayoutVersion":"1.0.0"}');

    assert.equal((await readLayout(dir)).manifests[0]?.digest, i.digest);
    const image = await readImage(dir, "1.0");
    assert.equal(image.root.digest, i.digest);
    assert.deepEqual(image.manifests[0]?.manifest, manifest);
    assert.equal(image.manifests[0]?.descriptor.platform?.architecture, "amd64");
    assert.deepEqual((await readImage(dir)).root, image.root, "the only image is found without a name");
    await assert.rejects(readImage(dir, "2.0"), /has no image named "2\.0"; it has: 1\.0/);
  });

  it("refuses a corrupted blob and a directory that is not a layout", async () => {
    const dir = join(work, "layout-corrupt");
    await initLayout(dir);
    const b = await writeBlob(dir, enc("original"));
    writeFileSync(join(dir, "blobs/sha256", b.digest.slice(7)), "tampered");
    await assert.rejects(readBlob(dir, b.digest), /does not match the expected sha256:/);
    assert.deepEqual(await writeBlob(dir, enc("original")), b, "writeBlob repairs a blob whose content is wrong");
    assert.equal((await readBlob(dir, b.digest)).toString(), "original");
    await assert.rejects(readLayout(work), /has no oci-layout file/);
    await assert.rejects(readBlob(dir, "sha256:xyz"), /is not a sha256 digest/);
  });
});

describe("buildImage (engine oci)", () => {
  const build = async (name: string, epoch = EPOCH, revision?: string) => {
    const dir = join(work, name);
    const variant = cfg.variants.find((v) => v.name === "standard")!;
    const rootfs = writeTars(dir);
    return buildImage({
      config: cfg,
      variant,
      rootfs,
      outDir: join(dir, "out"),
      sourceDateEpoch: epoch,
      log: silentLogger,
      ...(revision ? { revision } : {}),
    });
  };

  it("is reproducible: two fresh out dirs give the same index digest and identical layouts", async () => {
    const a = await build("repro-a");
    const b = await build("repro-b");
    assert.equal(a.index.digest, b.index.digest);
    assert.deepEqual(a.manifests, b.manifests);
    assert.deepEqual(snapshot(a.layout), snapshot(b.layout));
    const again = await build("repro-a");
    assert.equal(again.index.digest, a.index.digest, "a rebuild into the same out dir");
    assert.equal(readdirSync(join(again.layout, "blobs/sha256")).length, 7, "2 layers + 2 configs + 2 manifests + 1 index, nothing stale");
  });

  it("changes the digest with the epoch, the revision and the platform order not at all", async () => {
    const base = await build("epoch-base");
    assert.notEqual((await build("epoch-other", EPOCH + 1)).index.digest, base.index.digest);
    assert.notEqual((await build("epoch-rev", EPOCH, "0123abc")).index.digest, base.index.digest);
    const dir = join(work, "order");
    const variant = cfg.variants.find((v) => v.name === "standard")!;
    const swapped = await buildImage({
      config: cfg,
      variant,
      rootfs: writeTars(dir).reverse(),
      outDir: join(dir, "out"),
      sourceDateEpoch: EPOCH,
      log: silentLogger,
    });
    assert.equal(swapped.index.digest, base.index.digest);
    assert.deepEqual(
      swapped.manifests.map((m) => m.platform),
      ["linux/amd64", "linux/arm64"],
    );
  });

  it("writes the config, manifests and index with the documented fields", async () => {
    const r = await build("fields", EPOCH, "deadbeef");
    const created = "2026-01-01T00:00:00Z";
    assert.equal(rfc3339(EPOCH), created);
    const layoutIndex = await readLayout(r.layout);
    assert.deepEqual(layoutIndex.manifests, [
      { mediaType: MEDIA_TYPES.ociIndex, digest: r.index.digest, size: r.index.size, annotations: { [ANNOTATIONS.refName]: "2.1.0" } },
    ]);
    const index = await readJsonBlob(r.layout, r.index.digest, OCI.index);
    assert.equal(index.mediaType, MEDIA_TYPES.ociIndex);
    assert.deepEqual(
      index.manifests.map((d) => [d.mediaType, d.platform]),
      [
        [MEDIA_TYPES.ociManifest, { architecture: "amd64", os: "linux" }],
        [MEDIA_TYPES.ociManifest, { architecture: "arm64", os: "linux", variant: "v8" }],
      ],
    );
    const expected = {
      [ANNOTATIONS.created]: created,
      [ANNOTATIONS.version]: "2.1.0",
      [ANNOTATIONS.revision]: "deadbeef",
      [ANNOTATIONS.title]: "Kimigayo OS standard",
      [ANNOTATIONS.description]: cfg.variants.find((v) => v.name === "standard")!.description,
      [ANNOTATIONS.licenses]: "GPL-2.0-only",
    };
    assert.deepEqual(index.annotations, expected, "no ref.name on the index itself: only on its descriptor in index.json");

    for (const m of r.manifests) {
      const manifest = await readJsonBlob(r.layout, m.digest, OCI.manifest);
      assert.equal(manifest.mediaType, MEDIA_TYPES.ociManifest);
      assert.deepEqual(manifest.annotations, expected);
      assert.equal(manifest.config.digest, m.config);
      assert.deepEqual(
        manifest.layers.map((l) => [l.mediaType, l.digest, l.size]),
        m.layers.map((l) => [MEDIA_TYPES.ociLayerGzip, l.digest, l.size]),
      );
      const config = await readJsonBlob(r.layout, m.config, OCI.config);
      const arm = m.platform === "linux/arm64";
      assert.equal(config.architecture, arm ? "arm64" : "amd64");
      assert.equal(config.variant, arm ? "v8" : undefined);
      assert.equal(config.os, "linux");
      assert.equal(config.created, created);
      assert.deepEqual(config.config?.Env, ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]);
      assert.deepEqual(config.config?.Cmd, ["/bin/sh"]);
      assert.equal(config.config?.StopSignal, "SIGTERM");
      assert.deepEqual(config.config?.Labels, expected);
      assert.deepEqual(config.rootfs, { type: "layers", diff_ids: m.layers.map((l) => l.diffId) });
      assert.deepEqual(config.history, [{ created, created_by: "kimigayo build (standard, busybox 1.38.0)" }]);
      const tar = syntheticTar(m.platform);
      assert.equal(m.layers[0]?.diffId, digestOf(tar));
      assert.equal(m.uncompressedSize, tar.length);
    }
  });

  it("is read by skopeo", { skip: skopeo.skip }, async () => {
    skopeo.check();
    const r = await build("skopeo");
    const raw = await run("skopeo", ["inspect", "--raw", `oci:${r.layout}:2.1.0`]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(digestOf(raw.stdout), r.index.digest);
    const unnamed = await run("skopeo", ["inspect", "--raw", `oci:${r.layout}`]);
    assert.equal(unnamed.code, 0, unnamed.stderr);
    assert.equal(digestOf(unnamed.stdout), r.index.digest, "the only image in the layout is found without a name");
    for (const arch of ["amd64", "arm64"]) {
      const res = await run("skopeo", ["--override-arch", arch, "--override-os", "linux", "inspect", `oci:${r.layout}:2.1.0`]);
      assert.equal(res.code, 0, res.stderr);
      const info = JSON.parse(res.stdout) as { Architecture: string; Layers: string[]; Created: string };
      assert.equal(info.Architecture, arch);
      assert.equal(info.Created, "2026-01-01T00:00:00Z");
      assert.deepEqual(
        info.Layers,
        r.manifests.find((m) => m.platform === `linux/${arch}`)!.layers.map((l) => l.digest),
      );
    }
  });

  it("refuses duplicate or missing platforms", async () => {
    const dir = join(work, "dup");
    const [amd] = writeTars(dir);
    const variant = cfg.variants[0]!;
    const opts = { config: cfg, variant, outDir: join(dir, "out"), sourceDateEpoch: EPOCH, log: silentLogger };
    await assert.rejects(buildImage({ ...opts, rootfs: [amd!, amd!] }), /two layer tars for linux\/amd64/);
    await assert.rejects(buildImage({ ...opts, rootfs: [] }), /no layer tars/);
  });
});

describe("parseWwwAuthenticate", () => {
  const rows: { header: string; challenges: { scheme: string; params: Record<string, string> }[] }[] = [
    {
      header: 'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      challenges: [
        {
          scheme: "bearer",
          params: { realm: "https://auth.example/token", service: "registry.example", scope: "repository:a/b:pull,push" },
        },
      ],
    },
    { header: 'Basic realm="Registry Realm"', challenges: [{ scheme: "basic", params: { realm: "Registry Realm" } }] },
    { header: "basic REALM=x, charset=UTF-8", challenges: [{ scheme: "basic", params: { realm: "x", charset: "UTF-8" } }] },
    {
      header: 'Basic realm="a", Bearer realm="https://t/token" , service=reg',
      challenges: [
        { scheme: "basic", params: { realm: "a" } },
        { scheme: "bearer", params: { realm: "https://t/token", service: "reg" } },
      ],
    },
    { header: 'Bearer realm="quo\\"ted, with comma"', challenges: [{ scheme: "bearer", params: { realm: 'quo"ted, with comma' } }] },
    { header: "Negotiate", challenges: [{ scheme: "negotiate", params: {} }] },
    { header: "", challenges: [] },
  ];
  for (const r of rows) it(JSON.stringify(r.header), () => assert.deepEqual(parseWwwAuthenticate(r.header), r.challenges));

  it("rejects an unterminated quoted string", () => assert.throws(() => parseWwwAuthenticate('Bearer realm="x'), /unterminated/));
});

describe("retry classification", () => {
  const fetchFailed = (code: string) => Object.assign(new TypeError("fetch failed"), { cause: Object.assign(new Error("x"), { code }) });
  const rows: { name: string; err: unknown; verdict: boolean | { retryAfterMs: number } }[] = [
    { name: "500", err: new RegistryError("x", { status: 500 }), verdict: true },
    { name: "502", err: new RegistryError("x", { status: 502 }), verdict: true },
    { name: "503", err: new RegistryError("x", { status: 503 }), verdict: true },
    { name: "503 with Retry-After", err: new RegistryError("x", { status: 503, retryAfterMs: 2000 }), verdict: { retryAfterMs: 2000 } },
    { name: "429 with Retry-After", err: new RegistryError("x", { status: 429, retryAfterMs: 1000 }), verdict: { retryAfterMs: 1000 } },
    { name: "429", err: new RegistryError("x", { status: 429 }), verdict: true },
    { name: "408", err: new RegistryError("x", { status: 408 }), verdict: true },
    { name: "501 will not change", err: new RegistryError("x", { status: 501 }), verdict: false },
    { name: "400", err: new RegistryError("x", { status: 400 }), verdict: false },
    { name: "401", err: new RegistryError("x", { status: 401 }), verdict: false },
    { name: "404", err: new RegistryError("x", { status: 404 }), verdict: false },
    { name: "connection reset", err: fetchFailed("ECONNRESET"), verdict: true },
    { name: "socket closed by the server", err: fetchFailed("UND_ERR_SOCKET"), verdict: true },
    { name: "connection refused", err: fetchFailed("ECONNREFUSED"), verdict: true },
    { name: "request timeout", err: Object.assign(new Error("timed out"), { name: "TimeoutError" }), verdict: true },
    { name: "a wrapped network failure", err: new RegistryError("x", { cause: fetchFailed("ECONNRESET") }), verdict: true },
    { name: "a digest mismatch", err: new Error("content digest sha256:a does not match"), verdict: false },
  ];
  for (const r of rows) it(r.name, () => assert.deepEqual(registryRetryable(r.err), r.verdict));

  it("parses Retry-After as seconds or an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("1", now), 1000);
    assert.equal(parseRetryAfter(" 120 ", now), 120_000);
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now), 5000);
    assert.equal(parseRetryAfter("Wed, 31 Dec 2025 00:00:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });

  it("withRetry waits what Retry-After asks and stops at the attempt bound", async () => {
    const delays: number[] = [];
    let calls = 0;
    const opts = { attempts: 3, retryable: registryRetryable, sleep: async (ms: number) => void delays.push(ms) };
    await assert.rejects(
      withRetry(async () => {
        calls++;
        throw new RegistryError("busy", { status: 429, retryAfterMs: 1000 });
      }, opts),
      /busy/,
    );
    assert.equal(calls, 3);
    assert.deepEqual(delays, [1000, 1000]);
  });
});

describe("references and credentials", () => {
  const refs: [string, ReturnType<typeof parseReference>][] = [
    ["127.0.0.1:5000/kimigayo", { registry: "127.0.0.1:5000", repository: "kimigayo" }],
    ["127.0.0.1:5000/a/b:2.1.0", { registry: "127.0.0.1:5000", repository: "a/b", tag: "2.1.0" }],
    [`ghcr.io/o/k@sha256:${"a".repeat(64)}`, { registry: "ghcr.io", repository: "o/k", digest: `sha256:${"a".repeat(64)}` }],
    ["localhost/x:latest", { registry: "localhost", repository: "x", tag: "latest" }],
    ["alpine", { registry: "docker.io", repository: "library/alpine" }],
    ["owner/name:tag", { registry: "docker.io", repository: "owner/name", tag: "tag" }],
  ];
  for (const [ref, want] of refs) it(`parses ${ref}`, () => assert.deepEqual(parseReference(ref), want));

  it("rejects bad references", () => {
    assert.throws(() => parseReference("127.0.0.1:5000/UPPER"), /bad repository name/);
    assert.throws(() => parseReference("x@sha256:12"), /bad digest/);
    assert.throws(() => parseReference("x:-bad"), /bad tag/);
  });

  it("uses http for loopback registries only", () => {
    assert.equal(registryBaseUrl("127.0.0.1:5000"), "http://127.0.0.1:5000");
    assert.equal(registryBaseUrl("localhost:5000"), "http://localhost:5000");
    assert.equal(registryBaseUrl("ghcr.io"), "https://ghcr.io");
    assert.equal(registryBaseUrl("registry.lan:5000", true), "http://registry.lan:5000");
    assert.equal(registryBaseUrl("docker.io"), "https://registry-1.docker.io");
  });

  it("takes credentials from explicit values, then env, then docker's config.json", () => {
    const dockerConfig = join(work, "docker-config.json");
    const auth = Buffer.from("dockeruser:pa:ss").toString("base64");
    writeFileSync(
      dockerConfig,
      JSON.stringify({ auths: { "https://reg.example:5000/v2/": { auth }, "https://index.docker.io/v1/": { auth } } }),
    );
    const env = { KIMIGAYO_REGISTRY_USER: "envuser", KIMIGAYO_REGISTRY_PASSWORD: "envpass" };
    const explicit = { username: "me", password: "mine" };
    assert.deepEqual(resolveCredentials("reg.example:5000", { explicit, env, dockerConfig }), explicit);
    assert.deepEqual(resolveCredentials("reg.example:5000", { env, dockerConfig }), { username: "envuser", password: "envpass" });
    assert.deepEqual(resolveCredentials("reg.example:5000", { env: {}, dockerConfig }), { username: "dockeruser", password: "pa:ss" });
    assert.deepEqual(resolveCredentials("docker.io", { env: {}, dockerConfig }), { username: "dockeruser", password: "pa:ss" });
    assert.equal(resolveCredentials("other:5000", { env: {}, dockerConfig }), undefined);
    assert.equal(resolveCredentials("reg.example:5000", { env: {}, dockerConfig: join(work, "absent.json") }), undefined);
  });

  it("redacts secrets from text", () => {
    const basic = Buffer.from("u:hunter22").toString("base64");
    assert.equal(redact(`password hunter22 and Basic ${basic}`, ["hunter22", basic]), "password *** and Basic ***");
  });
});

describe("org.opencontainers.image.source: a repository's web address, never a path or a credential", () => {
  // annotations.md: source is the "URL to get source code for building the image".
  const table: [remote: string, want: string | undefined][] = [
    ["/srv/git/kimigayo", undefined],
    ["../kimigayo.git", undefined],
    ["file:///srv/git/kimigayo.git", undefined],
    ["C:/git/kimigayo", undefined],
    ["host.example:~me/kimigayo", undefined],
    ["persistent-https::https://host.example/owner/repo", undefined],
    ["ftp://host.example/owner/repo.git", undefined],
    ["https://host.example/", undefined],
    ["user:secret@host.example:owner/repo", undefined],
    ["git@host.example:owner/repo.git", "https://host.example/owner/repo"],
    ["host.example:owner/repo/", "https://host.example/owner/repo"],
    ["https://user:token@host.example/owner/repo.git", "https://host.example/owner/repo"],
    ["https://token@host.example:8443/owner/repo.git/", "https://host.example:8443/owner/repo"],
    ["http://git.lan/owner/repo?access_token=token#x", "http://git.lan/owner/repo"],
    ["ssh://git@host.example:2222/owner/repo.git", "https://host.example/owner/repo"],
    ["git://host.example/owner/repo", "https://host.example/owner/repo"],
    ["https://github.com/owner/repo", "https://github.com/owner/repo"],
  ];
  for (const [remote, want] of table) {
    it(`${remote} -> ${want ?? "no annotation"}`, () => {
      const got = repositoryUrl(remote);
      assert.equal(got, want);
      if (got !== undefined) {
        const u = new URL(got);
        assert.ok(u.protocol === "https:" || u.protocol === "http:", got);
        assert.equal(u.username + u.password + u.search + u.hash, "", got);
        assert.ok(!/secret|token/.test(got), got);
      }
    });
  }

  it("comes from GitHub's variables when set, else the clone's remote origin", async () => {
    const dir = mkdtempSync(join(work, "remote-"));
    const git = (...args: string[]) => run("git", args, { cwd: dir });
    assert.equal((await git("init", "-q")).code, 0);
    assert.equal(await sourceUrl(dir, {}), undefined, "no remote: no source");
    await git("remote", "add", "origin", "https://user:token@host.example/owner/repo.git");
    assert.equal(await sourceUrl(dir, {}), "https://host.example/owner/repo");
    await git("config", "url.git@mirror.example:.insteadOf", "https://user:token@host.example/");
    assert.equal(await sourceUrl(dir, {}), "https://mirror.example/owner/repo", "git's insteadOf applies, as for a fetch");
    const github = { GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "kimigayo/build-action" };
    assert.equal(await sourceUrl(dir, github), "https://github.com/kimigayo/build-action");
    await git("remote", "set-url", "origin", dir);
    assert.equal(await sourceUrl(dir, {}), undefined, "a local path gives no source");
  });

  it("imageAnnotations refuses a source that is not one (a path or a URL with userinfo)", () => {
    const variant = cfg.variants[0]!;
    const base = { config: cfg, variant, sourceDateEpoch: EPOCH };
    for (const bad of ["/srv/git/kimigayo", "https://user:token@host.example/owner/repo", "git@host.example:owner/repo.git"])
      assert.throws(() => imageAnnotations({ ...base, source: bad }), /is not a repository's http\(s\) URL without userinfo/, bad);
    assert.equal(
      imageAnnotations({ ...base, source: "https://host.example/owner/repo" })[ANNOTATIONS.source],
      "https://host.example/owner/repo",
    );
    assert.equal(ANNOTATIONS.refName in imageAnnotations(base), false, "ref.name belongs in a layout's index.json only");
  });
});
