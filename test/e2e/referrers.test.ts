/**
 * Referrers that never lose an entry (src/oci/referrers.ts):
 * - the fallback index against the real registry (distribution 2.8, no referrers API): two
 *   publishers adding referrers to one manifest at the same moment, 10 rounds, keep every entry;
 * - a 500 on every read of the fallback index (through a fault proxy): the existing index is left
 *   as it was and the error names the referrer that was not attached (publish's SBOM path too);
 * - the referrers API against an in-process registry that has it: no fallback tag is written.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needs } from "../support/prerequisites.js";
import { startProxy, UPSTREAM, type Proxy } from "../support/registry-proxy.js";
import { startMemoryRegistry, type MemoryRegistry } from "../support/oci-registry.js";
import { bufferBlob } from "../../src/oci/blob-source.js";
import { digestOf } from "../../src/oci/digest.js";
import { canonicalJsonBytes } from "../../src/oci/json.js";
import { RegistryClient, type RegistryClientOptions } from "../../src/oci/registry.js";
import {
  attachReferrer,
  listReferrers,
  readFallbackIndex,
  ReferrerError,
  referrersIndexOf,
  referrersTag,
  type ReferrerArtifact,
} from "../../src/oci/referrers.js";
import { MEDIA_TYPES } from "../../src/oci/types.js";
import { pushSboms } from "../../src/publish/publish.js";
import type { BuildResult, LayoutBuild } from "../../src/results/build.js";

const need = await needs("registry");
const HERMETIC: RegistryClientOptions = { env: {}, dockerConfig: "/nonexistent/config.json" };
const FAST_RETRY = { attempts: 3, baseMs: 10, maxDelayMs: 50, budgetMs: 10_000 };
const runId = randomBytes(4).toString("hex");
let repoCount = 0;
const newRepo = () => `test-${runId}/referrers-${++repoCount}`;
const REAL = `${UPSTREAM.host}:${UPSTREAM.port}`;

/** A one-layer image manifest pushed by digest; returns its descriptor. */
async function pushImage(client: RegistryClient, repo: string, content: string) {
  const layer = Buffer.from(content);
  const config = canonicalJsonBytes({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: [digestOf(layer)] } });
  for (const b of [layer, config]) await client.pushBlob(repo, bufferBlob(b));
  const manifest = canonicalJsonBytes({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: digestOf(config), size: config.length },
    layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: digestOf(layer), size: layer.length }],
  });
  const digest = await client.putManifest(repo, digestOf(manifest), manifest, MEDIA_TYPES.ociManifest);
  return { mediaType: MEDIA_TYPES.ociManifest, digest, size: manifest.length };
}

/** A small artifact referring to `subject`, with its own content. */
function artifact(subject: { mediaType: string; digest: string; size: number }, artifactType: string, content: string): ReferrerArtifact {
  const data = Buffer.from(content);
  const empty = Buffer.from("{}");
  const emptyDesc = { mediaType: "application/vnd.oci.empty.v1+json", digest: digestOf(empty), size: 2 };
  const layer = { mediaType: artifactType, digest: digestOf(data), size: data.length };
  const manifestBytes = canonicalJsonBytes({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    artifactType,
    config: emptyDesc,
    layers: [layer],
    subject,
  });
  return {
    manifestBytes,
    descriptor: { mediaType: MEDIA_TYPES.ociManifest, digest: digestOf(manifestBytes), size: manifestBytes.length, artifactType },
    blobs: [
      { descriptor: emptyDesc, data: empty },
      { descriptor: layer, data },
    ],
    subject: subject.digest,
  };
}

describe("referrers: the fallback index on the real registry", { skip: need.skip }, () => {
  beforeEach(need.check);

  it("two publishers adding referrers to one manifest at the same moment, 10 rounds: every entry is there afterwards", async () => {
    const repo = newRepo();
    const a = new RegistryClient(REAL, HERMETIC);
    const b = new RegistryClient(REAL, HERMETIC);
    const subject = await pushImage(a, repo, `concurrent ${runId}`);
    const expected: string[] = [];
    const writes: number[] = [];
    for (let round = 1; round <= 10; round++) {
      const arts = [artifact(subject, "application/x.test-a", `a ${round}`), artifact(subject, "application/x.test-b", `b ${round}`)];
      expected.push(...arts.map((x) => x.descriptor.digest));
      const results = await Promise.all([attachReferrer(a, repo, arts[0]!), attachReferrer(b, repo, arts[1]!)]);
      for (const r of results) {
        assert.equal(r.mode, "fallback", "distribution 2.8 has no referrers API");
        writes.push(r.writes ?? 0);
      }
      const listed = (await readFallbackIndex(a, repo, subject.digest)).map((d) => d.digest);
      for (const d of expected) assert.ok(listed.includes(d), `round ${round}: ${d} is missing from ${listed.length} entries`);
    }
    const listed = await listReferrers(new RegistryClient(REAL, HERMETIC), repo, subject.digest);
    assert.equal(listed.length, 20, "20 referrers, each listed once");
    assert.deepEqual(new Set(listed.map((d) => d.digest)), new Set(expected));
    assert.ok(
      listed.every((d) => d.artifactType === "application/x.test-a" || d.artifactType === "application/x.test-b"),
      "each entry keeps its artifactType",
    );
    console.log(`# index writes per attach over 20 concurrent attaches: ${writes.join(" ")}`);
  });

  describe("a 500 on every read of the referrers index", () => {
    let proxy: Proxy;
    let repo = "";
    let subject: { mediaType: string; digest: string; size: number };
    let other: ReferrerArtifact;
    before(async () => {
      need.check();
      repo = newRepo();
      const direct = new RegistryClient(REAL, HERMETIC);
      subject = await pushImage(direct, repo, `faulty ${runId}`);
      // Another tool's referrer, already listed.
      other = artifact(subject, "application/vnd.example.signature", "another tool's entry");
      await attachReferrer(direct, repo, other);
      proxy = await startProxy({
        fault: (req) =>
          req.method !== "PUT" && (req.url ?? "").includes(`/manifests/${referrersTag(subject.digest)}`) ? "500" : undefined,
      });
    });
    after(() => proxy?.close());

    it("attachReferrer stops that referrer, names it, and leaves the existing entry listed", async () => {
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: FAST_RETRY });
      const ours = artifact(subject, "application/spdx+json", "our sbom");
      await assert.rejects(attachReferrer(client, repo, ours), (err: unknown) => {
        assert.ok(err instanceof ReferrerError);
        assert.equal(err.referrer, ours.descriptor.digest);
        assert.match(err.message, new RegExp(`referrer ${ours.descriptor.digest} of ${repo}@${subject.digest} was not attached`));
        assert.match(err.message, /500/);
        return true;
      });
      const reads = proxy.seen.filter((s) => s.path.includes(referrersTag(subject.digest)));
      assert.equal(reads.length, FAST_RETRY.attempts, "the read was retried, then given up");
      assert.ok(!reads.some((s) => s.method === "PUT"), "the index was never written");
      const listed = (await readFallbackIndex(new RegistryClient(REAL, HERMETIC), repo, subject.digest)).map((d) => d.digest);
      assert.deepEqual(listed, [other.descriptor.digest], "the other tool's entry is still the index's only entry");
    });

    it("publish's SBOM referrers say which referrer was not attached", async () => {
      const dir = mkdtempSync(join(tmpdir(), "referrers-"));
      const sbom = join(dir, "kimigayo-minimal-amd64.spdx.json");
      const spdx = {
        spdxVersion: "SPDX-2.3",
        dataLicense: "CC0-1.0",
        SPDXID: "SPDXRef-DOCUMENT",
        name: "kimigayo-minimal-test",
        documentNamespace: `https://example.invalid/spdx/${runId}`,
        creationInfo: { created: "2026-01-01T00:00:00Z", creators: ["Tool: test"] },
        packages: [],
        files: [],
        relationships: [],
      };
      writeFileSync(sbom, JSON.stringify(spdx));
      const build = { images: [{ variant: "minimal", platform: "linux/amd64", sbom }] } as unknown as BuildResult;
      const layout = {
        variant: "minimal",
        manifests: [{ platform: "linux/amd64", digest: subject.digest, size: subject.size }],
      } as unknown as LayoutBuild;
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: FAST_RETRY });
      await assert.rejects(
        pushSboms(client, repo, build, layout),
        /1 SBOM referrer\(s\) not attached:\n {2}application\/spdx\+json referrer sha256:[0-9a-f]{64} of .* was not attached: .*500/,
      );
      const listed = (await readFallbackIndex(new RegistryClient(REAL, HERMETIC), repo, subject.digest)).map((d) => d.digest);
      assert.deepEqual(listed, [other.descriptor.digest], "still only the other tool's entry");
    });
  });
});

describe("referrers: a registry with the referrers API (in-process)", () => {
  let reg: MemoryRegistry;
  before(async () => {
    reg = await startMemoryRegistry();
  });
  after(() => reg?.close());

  it("attaches through the API: the manifest with its subject is all, no fallback tag is written", async () => {
    const client = new RegistryClient(reg.registry, HERMETIC);
    const repo = "kimigayo/api";
    const subject = await pushImage(client, repo, "api subject");
    const arts = [
      artifact(subject, "application/spdx+json", "sbom"),
      artifact(subject, "application/vnd.dev.sigstore.bundle.v0.3+json", "bundle"),
    ];
    for (const art of arts) {
      const r = await attachReferrer(client, repo, art);
      assert.equal(r.mode, "api");
    }
    assert.ok(
      !reg.requests.some((q) => q.path.includes(`/manifests/${referrersTag(subject.digest)}`)),
      "no request touched the fallback tag",
    );
    const listed = await listReferrers(client, repo, subject.digest);
    assert.deepEqual(listed.map((d) => d.digest).sort(), arts.map((a) => a.descriptor.digest).sort());
    assert.deepEqual(listed.map((d) => d.artifactType).sort(), ["application/spdx+json", "application/vnd.dev.sigstore.bundle.v0.3+json"]);
    assert.equal(referrersIndexOf([]).manifests.length, 0);
  });
});
