/**
 * Images and publishing against the real local registry (docker-registry on 127.0.0.1:5000):
 * multi-arch indexes checked with skopeo, the tags, an arm64 run under QEMU, a re-push that
 * uploads nothing, the spread-over-runners flow (by digest, then merge) and reproducibility.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BuildResult } from "../../src/pipeline/build.js";
import type { PublishResult } from "../../src/publish/publish.js";
import { computeTags } from "../../src/publish/tags.js";
import { sourceCachePath } from "../../src/build/source.js";
import { buildAll, cli, docker, E2E_DIR } from "./fixture.js";

const REGISTRY = "127.0.0.1:5000";
const SHA = "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2";
const VARIANTS = [
  { name: "minimal", default: false },
  { name: "standard", default: true },
  { name: "extended", default: false },
];
const run = `e2e-${process.pid}-${Date.now().toString(36)}`;
const OUT = join(E2E_DIR, "out");

function skopeoRaw(ref: string): {
  mediaType: string;
  manifests: { digest: string; platform: { architecture: string; os: string; variant?: string } }[];
} {
  return JSON.parse(execFileSync("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${ref}`], { encoding: "utf8" }));
}

/** The repository's tags; distribution answers 404 for a repository with none. */
async function allTags(repo: string): Promise<string[]> {
  const res = await fetch(`http://${REGISTRY}/v2/${repo}/tags/list`);
  if (res.status === 404) return [];
  assert.equal(res.status, 200);
  return (((await res.json()) as { tags: string[] | null }).tags ?? []).sort();
}

/** The image tags, without the referrers fallback tags (sha256-<hex>) that carry the SBOMs. */
async function tagsOf(repo: string): Promise<string[]> {
  return (await allTags(repo)).filter((t) => !/^sha256-[0-9a-f]{64}$/.test(t));
}

function publishJson(args: string[], env: NodeJS.ProcessEnv = {}): PublishResult {
  const r = cli(["publish", "--out", OUT, "--json", ...args], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as PublishResult & { smoke?: unknown };
}

let build: BuildResult;

describe("publish to the local registry", () => {
  const repo = `${run}/kimigayo`;
  const image = `${REGISTRY}/${repo}`;
  let first: PublishResult & {
    smoke?: { platform: string; busyboxTrue: boolean; boot: { line: string }; stopMs: number; exitCode: number }[];
  };
  const pulled: string[] = [];

  before(() => {
    build = buildAll();
    assert.ok(build.layouts && build.layouts.length === 3, "build wrote one OCI layout per variant");
    first = publishJson(["--image", image, "--version", "2.1.0", "--smoke"]);
  });
  after(() => {
    for (const p of pulled) docker(["rmi", "-f", p]);
  });

  it("each variant's index holds linux/amd64 and linux/arm64/v8 (read back with skopeo)", () => {
    for (const v of first.variants) {
      const index = skopeoRaw(`${image}@${v.index}`);
      assert.equal(index.mediaType, "application/vnd.oci.image.index.v1+json");
      const platforms = index.manifests.map((m) => [m.platform.os, m.platform.architecture, m.platform.variant].filter(Boolean).join("/"));
      assert.deepEqual(platforms, ["linux/amd64", "linux/arm64/v8"], v.variant);
      const layout = build.layouts!.find((l) => l.variant === v.variant)!;
      assert.equal(v.index, layout.index.digest, "the registry holds the layout's index, byte for byte");
    }
  });

  it("the tags follow the rules: plain for standard, -<variant> for all, latest on the first stable release", async () => {
    const expected = computeTags({ kind: "version", version: "2.1.0", existingTags: [] }, VARIANTS)
      .plans.flatMap((p) => p.tags)
      .sort();
    assert.deepEqual(await tagsOf(repo), expected);
    for (const t of ["2.1.0", "2.1", "2", "latest", "standard", "2.1.0-minimal", "minimal", "2-extended"])
      assert.ok(expected.includes(t), t);
    const std = first.variants.find((v) => v.variant === "standard")!;
    assert.equal(skopeoRaw(`${image}:latest`).manifests[0]!.digest, skopeoRaw(`${image}@${std.index}`).manifests[0]!.digest);
  });

  it("every platform manifest has its SPDX 2.3 SBOM attached as a referrer (fallback tag schema)", async () => {
    const tags = await allTags(repo);
    for (const v of first.variants) {
      for (const m of v.manifests) {
        const tag = `sha256-${m.digest.slice("sha256:".length)}`;
        assert.ok(tags.includes(tag), `${v.variant} ${m.platform}: referrers tag`);
        const referrers = skopeoRaw(`${image}:${tag}`) as unknown as { manifests: { digest: string; artifactType: string }[] };
        assert.equal(referrers.manifests[0]!.artifactType, "application/spdx+json");
        const art = JSON.parse(
          execFileSync("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${image}@${referrers.manifests[0]!.digest}`], {
            encoding: "utf8",
          }),
        ) as { subject: { digest: string }; layers: { digest: string }[] };
        assert.equal(art.subject.digest, m.digest);
        const res = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/${art.layers[0]!.digest}`);
        const spdx = (await res.json()) as { spdxVersion: string; packages: { name: string; versionInfo?: string }[] };
        assert.equal(spdx.spdxVersion, "SPDX-2.3");
        assert.equal(spdx.packages.find((p) => p.name === "busybox")?.versionInfo, "1.38.0");
      }
    }
  });

  it("docker run --platform linux/arm64 prints aarch64 (QEMU), linux/amd64 prints x86_64", () => {
    for (const [platform, want] of [
      ["linux/arm64", "aarch64"],
      ["linux/amd64", "x86_64"],
    ] as const) {
      const ref = `${image}:2.1.0-minimal`;
      assert.equal(docker(["pull", "--platform", platform, ref]).code, 0);
      pulled.push(ref);
      const r = docker(["run", "--rm", "--platform", platform, ref, "uname", "-m"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), want);
    }
  });

  it("smoke: every platform pulled by digest runs busybox true and boots to the ready line", () => {
    assert.equal(first.smoke?.length, 6);
    for (const s of first.smoke!) {
      assert.equal(s.busyboxTrue, true);
      assert.match(s.boot.line, /^kimigayo: ready in \d+(\.\d{3})? ms \(\d+ services\)$/);
      assert.notEqual(s.exitCode, 137, `${s.platform}: init was killed, not stopped`);
    }
  });

  it("publishing unchanged images again uploads 0 blob bytes", () => {
    const again = publishJson(["--image", image, "--version", "2.1.0"]);
    for (const v of again.variants) {
      assert.equal(v.stats.blobBytesUploaded, 0, v.variant);
      assert.equal(v.stats.blobsUploaded, 0);
      assert.ok(v.stats.blobsSkipped >= 4, `${v.variant}: ${v.stats.blobsSkipped} skipped`);
      assert.equal(v.index, first.variants.find((f) => f.variant === v.variant)!.index);
    }
  });

  it("spread over runners: publish --by-digest per platform, then merge, gives the same index and tags", async () => {
    const repo2 = `${run}/spread`;
    const image2 = `${REGISTRY}/${repo2}`;
    const digests = join(E2E_DIR, `digests-${run}`);
    for (const platform of ["linux/amd64", "linux/arm64"]) {
      const r = cli([
        "publish",
        "--out",
        OUT,
        "--image",
        image2,
        "--by-digest",
        "--platform",
        platform,
        "--digests-dir",
        digests,
        "--json",
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
    assert.deepEqual(await tagsOf(repo2), [], "by-digest pushes no tag");
    const files = readdirSync(digests).map((f) => join(digests, f));
    assert.equal(files.length, 6);
    // Each platform manifest's SBOM referrer went in with it (the fallback tag schema here).
    const referrerTags = await allTags(repo2);
    for (const f of files) {
      const { digest } = JSON.parse(readFileSync(f, "utf8")) as { digest: string };
      assert.ok(referrerTags.includes(`sha256-${digest.slice("sha256:".length)}`), `${f}: its SBOM referrer, pushed by digest with it`);
    }
    const m = cli(["merge", "--image", image2, "--version", "2.1.0", "--json", ...files.flatMap((f) => ["--digests", f])]);
    assert.equal(m.code, 0, m.stderr);
    const merged = JSON.parse(m.stdout) as PublishResult;
    for (const v of merged.variants) {
      assert.equal(v.index, first.variants.find((f) => f.variant === v.variant)!.index, `${v.variant}: merged index = single-runner index`);
    }
    assert.deepEqual(await tagsOf(repo2), await tagsOf(repo));
  });

  it("a release version that is not the config's is refused before anything is pushed", async () => {
    const repo3 = `${run}/wrong`;
    const r = cli(["publish", "--out", OUT, "--image", `${REGISTRY}/${repo3}`, "--version", "9.9.9"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /release version 9\.9\.9 does not match version 2\.1\.0/);
    assert.deepEqual(await tagsOf(repo3), [], "nothing was tagged");
  });
});

describe("reproducible images", () => {
  const work = mkdtempSync(join(tmpdir(), "kimigayo-repro-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("two clean builds (fresh caches) with one SOURCE_DATE_EPOCH give the same index digest", () => {
    const digests: string[] = [];
    for (const n of [1, 2]) {
      const cache = join(work, `cache-${n}`);
      const src = sourceCachePath(SHA, cache);
      mkdirSync(dirname(src), { recursive: true });
      copyFileSync(sourceCachePath(SHA), src);
      const r = cli(
        [
          "build",
          "--variant",
          "minimal",
          "--platform",
          "linux/amd64,linux/arm64",
          "--engine",
          "oci",
          "--out",
          join(work, `out-${n}`),
          "--json",
        ],
        { KIMIGAYO_CACHE: cache, SOURCE_DATE_EPOCH: "1767225600" },
      );
      assert.equal(r.code, 0, r.stderr);
      const b = JSON.parse(r.stdout) as BuildResult;
      assert.equal(
        b.images.every((i) => i.busybox.cache === "miss"),
        true,
        "a cold build",
      );
      digests.push(b.layouts![0]!.index.digest);
    }
    assert.equal(digests[0], digests[1]);
  });
});
