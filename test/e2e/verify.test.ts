/**
 * `kimigayo verify` against the real local registry: a real build (minimal, linux/amd64) published
 * to one repository per case, with its SBOM referrer and attestations signed by the local Sigstore
 * stand-in (@sigstore/mock's Fulcio, Rekor and timestamp authority; its trusted root given with
 * --trusted-root). The untouched image verifies (exit 0); each tampering is named, exit 1:
 * a changed blob (one byte altered between the registry and the consumer, by a proxy: the blob
 * store is shared by every repository, so the registry's own file is left alone), a deleted SBOM
 * referrer, a signature from another identity, a provenance whose subject is another digest.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, request, type Server } from "node:http";
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { needs } from "../support/prerequisites.js";
import { close, listen, UPSTREAM } from "../support/registry-proxy.js";
import { githubClaims } from "../support/oidc.js";
import { sigstoreSigner, startLocalSigstore, type LocalSigstore } from "../support/sigstore.js";
import { cli, cliAsync, E2E_DIR, ROOT } from "./fixture.js";
import { attestImages, provenanceStatement } from "../../src/attest/attest.js";
import { attestationArtifact } from "../../src/attest/referrer.js";
import type { StatementSigner } from "../../src/attest/sign.js";
import { loadConfig } from "../../src/config/load.js";
import { sourceCachePath } from "../../src/build/source.js";
import type { Config } from "../../src/config/schema.js";
import { silentLogger } from "../../src/lib/log.js";
import { canonicalJsonBytes } from "../../src/oci/json.js";
import { attachReferrer, readFallbackIndex, referrersIndexOf, referrersTag } from "../../src/oci/referrers.js";
import { RegistryClient, type RegistryClientOptions } from "../../src/oci/registry.js";
import { MEDIA_TYPES, type ImageManifest } from "../../src/oci/types.js";
import type { BuildResult } from "../../src/results/build.js";
import type { PublishResult } from "../../src/results/published.js";

const need = await needs("registry", "build-tools", "musl-amd64");
const HERMETIC: RegistryClientOptions = { env: {}, dockerConfig: "/nonexistent/config.json" };
const REAL = `${UPSTREAM.host}:${UPSTREAM.port}`;
const REPOSITORY = "kimigayo/build-action";
const runId = randomBytes(4).toString("hex");

describe("kimigayo verify against the local registry", { skip: need.skip }, () => {
  beforeEach(need.check);
  let sigstore: LocalSigstore;
  let trustedRoot = "";
  let out = "";
  let build: BuildResult;
  let cfg: Config;
  let signer: StatementSigner;
  let n = 0;

  before(async () => {
    need.check();
    sigstore = await startLocalSigstore();
    const dir = mkdtempSync(join(tmpdir(), "verify-"));
    trustedRoot = join(dir, "trusted_root.json");
    writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
    out = join(E2E_DIR, "verify-out");
    const b = cli(["build", "--variant", "minimal", "--platform", "linux/amd64", "--engine", "oci", "--out", out, "--json"]);
    assert.equal(b.code, 0, b.stderr.slice(-3000));
    build = JSON.parse(b.stdout) as BuildResult;
    cfg = await loadConfig(join(ROOT, "configs/kimigayo.yml"));
    signer = sigstoreSigner(sigstore, () => sigstore.oidc.token(githubClaims({ repository: REPOSITORY })));
  });
  after(() => sigstore?.close());

  /** Publishes the build to a new repository and attests it with `with` (default: the expected identity). */
  async function published(withSigner = signer): Promise<{ image: string; pub: PublishResult; repo: string }> {
    const repo = `test-${runId}/verify-${++n}`;
    const image = `${REAL}/${repo}`;
    const p = cli(["publish", "--out", out, "--image", image, "--version", cfg.version, "--json"], {
      GITHUB_REF: "",
      GITHUB_EVENT_NAME: "",
    });
    assert.equal(p.code, 0, p.stderr.slice(-3000));
    const pub = JSON.parse(p.stdout) as PublishResult;
    const r = await attestImages({
      client: new RegistryClient(REAL, HERMETIC),
      repository: repo,
      image,
      variants: pub.variants,
      build,
      config: cfg,
      signer: withSigner,
      log: silentLogger,
      repoDir: ROOT,
      env: {},
    });
    assert.deepEqual(r.failed, []);
    assert.equal(r.attestations.length, 3, "provenance and SBOM for the amd64 manifest, provenance for the index");
    return { image, pub, repo };
  }

  const verify = (ref: string, extra: string[] = []) =>
    cli(["verify", ref, "--repository", REPOSITORY, "--trusted-root", trustedRoot, "--json", ...extra], {});

  it("an untouched image verifies: exit 0, every blob re-hashed, SBOM and attestations found", async () => {
    const { image, pub } = await published();
    const v = verify(`${image}@${pub.variants[0]!.index}`, ["--workflow", ".github/workflows/release.yml", "--ref", "refs/tags/v*"]);
    assert.equal(v.code, 0, v.stderr);
    const r = JSON.parse(v.stdout) as {
      passed: boolean;
      subjects: { target: string; blobs: number; sbom?: { files: number }; attestations: unknown[] }[];
    };
    assert.equal(r.passed, true);
    const amd64 = r.subjects.find((s) => s.target === "linux/amd64")!;
    assert.equal(amd64.blobs, 2, "config and layer re-hashed");
    assert.ok((amd64.sbom?.files ?? 0) > 5, "the SBOM lists the layer's files");
    assert.equal(amd64.attestations.length, 2);
    assert.equal(r.subjects.find((s) => s.target === "index")!.attestations.length, 1);
    // And by tag, with the markdown report.
    const md = join(mkdtempSync(join(tmpdir(), "verify-md-")), "verify.md");
    const byTag = verify(`${image}:${pub.variants[0]!.tags[0]}`, ["--markdown", md]);
    assert.equal(byTag.code, 0, byTag.stderr);
  });

  it("a changed blob: the layer's digest no longer matches, named, exit 1", async () => {
    const { image, pub, repo } = await published();
    const manifest = JSON.parse(
      (await new RegistryClient(REAL, HERMETIC).getManifest(repo, pub.variants[0]!.manifests[0]!.digest)).bytes.toString(),
    ) as ImageManifest;
    const layer = manifest.layers[0]!.digest;
    // Between the registry and the consumer, one byte of that blob changes.
    const server: Server = createServer((req, res) => {
      const up = request({ ...UPSTREAM, method: req.method, path: req.url, headers: req.headers }, (ures) => {
        if (req.method === "GET" && req.url === `/v2/${repo}/blobs/${layer}`) {
          const chunks: Buffer[] = [];
          ures.on("data", (c: Buffer) => chunks.push(c));
          ures.on("end", () => {
            const data = Buffer.concat(chunks);
            data[data.length - 20] = data[data.length - 20]! ^ 0x01;
            res.writeHead(ures.statusCode ?? 502, ures.headers).end(data);
          });
          return;
        }
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        ures.pipe(res);
      });
      req.pipe(up);
    });
    const port = await listen(server);
    try {
      // Not spawnSync: the proxy answers from this process's event loop.
      const v = await cliAsync([
        "verify",
        `127.0.0.1:${port}/${repo}@${pub.variants[0]!.index}`,
        "--repository",
        REPOSITORY,
        "--trusted-root",
        trustedRoot,
        "--json",
      ]);
      assert.equal(v.code, 1, v.stderr);
      assert.match(
        v.stderr,
        new RegExp(`linux/amd64 layer 1 ${layer}: .*content digest sha256:[0-9a-f]{64} does not match the expected ${layer}`),
      );
      assert.equal((JSON.parse(v.stdout) as { failures: string[] }).failures.length, 1, "only the blob is named");
    } finally {
      await close(server);
    }
    assert.equal(verify(`${image}@${pub.variants[0]!.index}`).code, 0, "straight from the registry the image is intact");
  });

  it("a deleted SBOM referrer: named, exit 1", async () => {
    const { image, pub, repo } = await published();
    const client = new RegistryClient(REAL, HERMETIC);
    const subject = pub.variants[0]!.manifests[0]!.digest;
    const kept = (await readFallbackIndex(client, repo, subject)).filter(
      (d) => (d as { artifactType?: string }).artifactType !== "application/spdx+json",
    );
    await client.putManifest(repo, referrersTag(subject), canonicalJsonBytes(referrersIndexOf(kept)), MEDIA_TYPES.ociIndex);
    const v = verify(`${image}@${pub.variants[0]!.index}`);
    assert.equal(v.code, 1, v.stderr);
    assert.match(v.stderr, new RegExp(`linux/amd64 ${subject}: no SBOM referrer \\(application/spdx\\+json\\)`));
  });

  it("a signature from another identity: named with the signer and what was expected, exit 1", async () => {
    const other = sigstoreSigner(sigstore, () => sigstore.oidc.token(githubClaims({ repository: "mallory/build-action" })));
    const { image, pub } = await published(other);
    const v = verify(`${image}@${pub.variants[0]!.index}`);
    assert.equal(v.code, 1, v.stderr);
    assert.match(
      v.stderr,
      /signed by another identity \(https:\/\/github\.com\/mallory\/build-action\/\.github\/workflows\/release\.yml@refs\/tags\/v2\.1\.0\): repository mallory\/build-action, expected kimigayo\/build-action/,
    );
    assert.match(v.stderr, /index sha256:[0-9a-f]{64}: no valid signed provenance attestation/);
  });

  it("a provenance whose subject is another digest: named, exit 1", async () => {
    const { image, pub, repo } = await published();
    const client = new RegistryClient(REAL, HERMETIC);
    const v0 = pub.variants[0]!;
    const manifest = v0.manifests[0]!.digest;
    // A validly signed provenance about the index, attached to the platform manifest.
    const s = await provenanceStatement({ build, config: cfg, repoDir: ROOT, env: {}, image }, v0.variant, { digest: v0.index });
    const size = (await client.headManifest(repo, manifest))!.size;
    await attachReferrer(
      client,
      repo,
      attestationArtifact(await signer.sign(s), s.predicateType, { mediaType: MEDIA_TYPES.ociManifest, digest: manifest, size }),
    );
    const v = verify(`${image}@${v0.index}`);
    assert.equal(v.code, 1, v.stderr);
    assert.match(v.stderr, new RegExp(`its statement's subject is ${v0.index}, not ${manifest}`));
  });

  it("bad input: no image, a bad --ref, no --repository: exit 2 naming the flag", () => {
    assert.equal(cli(["verify", "--repository", REPOSITORY]).code, 2);
    const ref = cli(["verify", `${REAL}/x:latest`, "--repository", REPOSITORY, "--ref", "v1"]);
    assert.equal(ref.code, 2);
    assert.match(ref.stderr, /--ref "v1" is not a git ref/);
    const repo = cli(["verify", `${REAL}/x:latest`]);
    assert.equal(repo.code, 2);
    assert.match(repo.stderr, /--repository is required/);
  });
});

/**
 * minimal linux/amd64 built (with `env`), published to its own repository and attested with the
 * local Sigstore, from a checkout of its own in a temporary folder: a test may change a config
 * file there, never in the working tree.
 */
async function publishAttested(sigstore: LocalSigstore, name: string, env: NodeJS.ProcessEnv) {
  const repoDir = mkdtempSync(join(tmpdir(), `${name}-`));
  cpSync(join(ROOT, "configs"), join(repoDir, "configs"), { recursive: true });
  const config = join(repoDir, "configs/kimigayo.yml");
  const out = join(repoDir, "out");
  const b = await cliAsync(
    ["build", "--config", config, "--variant", "minimal", "--platform", "linux/amd64", "--engine", "oci", "--out", out, "--json"],
    env,
    repoDir,
  );
  assert.equal(b.code, 0, b.stderr.slice(-3000));
  const cfg = await loadConfig(config);
  const repo = `test-${runId}/${name}`;
  const image = `${REAL}/${repo}`;
  const p = await cliAsync(
    ["publish", "--config", config, "--out", out, "--image", image, "--version", cfg.version, "--json"],
    { GITHUB_REF: "" },
    repoDir,
  );
  assert.equal(p.code, 0, p.stderr.slice(-3000));
  const pub = JSON.parse(p.stdout) as PublishResult;
  const r = await attestImages({
    client: new RegistryClient(REAL, HERMETIC),
    repository: repo,
    image,
    variants: pub.variants,
    build: JSON.parse(b.stdout) as BuildResult,
    config: cfg,
    signer: sigstoreSigner(sigstore, () => sigstore.oidc.token(githubClaims({ repository: REPOSITORY }))),
    log: silentLogger,
    repoDir,
    env: {},
  });
  assert.deepEqual(r.failed, []);
  return { repoDir, image, index: pub.variants[0]!.index, build: JSON.parse(b.stdout) as BuildResult, stderr: b.stderr };
}

describe("kimigayo rebuild --verify against the local registry", { skip: need.skip }, () => {
  beforeEach(need.check);
  let sigstore: LocalSigstore;
  let repoDir = "";
  let image = "";
  let index = "";

  before(async () => {
    need.check();
    sigstore = await startLocalSigstore();
    ({ repoDir, image, index } = await publishAttested(sigstore, "rebuild", {}));
  });
  after(() => sigstore?.close());

  it("a published image rebuilds to the same digest: exit 0", async () => {
    const r = await cliAsync(["rebuild", "--verify", `${image}@${index}`, "--json"], {}, repoDir);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const result = JSON.parse(r.stdout) as {
      passed: boolean;
      platforms: {
        platform: string;
        match: boolean;
        published: string;
        rebuilt: string;
        toolchain: { recorded: Record<string, string>; differs: string[] };
        layers: { published: { digest: string; diffId: string }; rebuilt: { digest: string; diffId: string } }[];
      }[];
    };
    assert.equal(result.passed, true);
    // The provenance recorded the locked toolchain, and the rebuild used the same one.
    assert.match(result.platforms[0]!.toolchain.recorded.lock ?? "", /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(result.platforms[0]!.toolchain.differs, []);
    assert.match(r.stderr, /linux\/amd64: the same toolchain as the provenance records \(lock sha256:[0-9a-f]{12}… \(gcc-12 /);
    assert.deepEqual(result.platforms[0]!.layers[0]!.published, result.platforms[0]!.layers[0]!.rebuilt);
    assert.deepEqual(
      result.platforms.map((p) => [p.platform, p.match, p.published === p.rebuilt]),
      [["linux/amd64", true, true]],
    );
  });

  it("after a one-byte change to a config file: exit 1 naming that file and the image file that differs", async () => {
    const file = join(repoDir, "configs/sysctl/99-kimigayo-performance.conf");
    const data = readFileSync(file);
    const at = data.indexOf("=") + 2;
    data[at] = data[at] === 0x31 ? 0x32 : 0x31; // one digit of one setting
    writeFileSync(file, data);
    const r = await cliAsync(["rebuild", "--verify", `${image}@${index}`, "--json"], {}, repoDir);
    assert.equal(r.code, 1, r.stderr.slice(-3000));
    assert.match(
      r.stderr,
      /input configs\/sysctl\/99-kimigayo-performance\.conf changed: sha256 [0-9a-f]{64}, the provenance recorded [0-9a-f]{64}/,
    );
    const result = JSON.parse(r.stdout) as {
      platforms: {
        files: { path: string; published?: { sha256: string; size: number }; rebuilt?: { sha256: string; size: number } }[];
        layers: { published: { diffId: string }; rebuilt: { diffId: string }; compressedOnly?: string }[];
      }[];
    };
    // Other content, not only other compression: the diff_ids differ too.
    const layer = result.platforms[0]!.layers[0]!;
    assert.notEqual(layer.published.diffId, layer.rebuilt.diffId);
    assert.equal(layer.compressedOnly, undefined);
    assert.match(r.stderr, /layer 0: other content \(diff_id published sha256:/);
    const files = result.platforms[0]!.files;
    assert.deepEqual(
      files.map((f) => f.path),
      ["/etc/sysctl.d/99-kimigayo-performance.conf"],
      "only that file differs between the layers",
    );
    assert.equal(files[0]!.published!.size, files[0]!.rebuilt!.size, "same size, one byte changed");
    assert.notEqual(files[0]!.published!.sha256, files[0]!.rebuilt!.sha256);
    assert.match(
      r.stderr,
      /rebuild: linux\/amd64 \(configs\/sysctl\/99-kimigayo-performance\.conf, \/etc\/sysctl\.d\/99-kimigayo-performance\.conf\) did not reproduce/,
    );
  });

  it("bad input: no --verify, a bad --platform: exit 2", () => {
    const noVerify = cli(["rebuild", `${image}@${index}`]);
    assert.equal(noVerify.code, 2);
    assert.match(noVerify.stderr, /--verify is required/);
    const badPlatform = cli(["rebuild", "--verify", `${image}@${index}`, "--platform", "linux/s390x"]);
    assert.equal(badPlatform.code, 2);
    assert.match(badPlatform.stderr, /--platform "linux\/s390x" is not one of linux\/amd64, linux\/arm64/);
  });
});

describe("rebuild --verify of an image built with the host toolchain (no Debian archive known)", { skip: need.skip }, () => {
  beforeEach(need.check);
  let sigstore: LocalSigstore;
  let built: Awaited<ReturnType<typeof publishAttested>>;

  before(async () => {
    need.check();
    sigstore = await startLocalSigstore();
    // apt's sources hidden and a cache without the locked tree: the build takes the host's route.
    const cache = mkdtempSync(join(E2E_DIR, "host-route-cache-"));
    const cfg = await loadConfig(join(ROOT, "configs/kimigayo.yml"));
    mkdirSync(dirname(sourceCachePath(cfg.busybox.sha256, cache)), { recursive: true });
    copyFileSync(sourceCachePath(cfg.busybox.sha256), sourceCachePath(cfg.busybox.sha256, cache));
    const noDebian = {
      KIMIGAYO_CACHE: cache,
      KIMIGAYO_APT_DIR: mkdtempSync(join(E2E_DIR, "apt-")),
      KIMIGAYO_DEBIAN_MIRROR: "",
      KIMIGAYO_DEBIAN_SNAPSHOT: "",
    };
    built = await publishAttested(sigstore, "host-route", noDebian);
  });
  after(() => sigstore?.close());

  it("the provenance records route host; the rebuild with the lock names both toolchains first", async () => {
    assert.match(built.stderr, /compiling with the HOST toolchain, not the locked one/);
    assert.equal(built.build.images[0]!.busybox.toolchain?.route, "host");
    const r = await cliAsync(["rebuild", "--verify", `${built.image}@${built.index}`, "--json"], {}, built.repoDir);
    const result = JSON.parse(r.stdout) as {
      passed: boolean;
      platforms: {
        match: boolean;
        toolchain: { recorded: Record<string, string>; now: Record<string, string>; differs: string[]; summary: string };
      }[];
    };
    const tc = result.platforms[0]!.toolchain;
    assert.equal(tc.recorded.route, "host");
    assert.equal(tc.recorded.lock, undefined);
    assert.equal(tc.now.route, "lock");
    assert.equal(tc.differs[0], "route");
    assert.match(
      r.stderr,
      /linux\/amd64: built with the host toolchain gcc-\d+ \S+ \/ musl-dev \S+ \(binutils-\S+ \S+\), rebuilding with lock sha256:[0-9a-f]{12}… \(/,
    );
    // The toolchain is named before anything else the rebuild reports.
    const named = r.stderr.indexOf("built with the host toolchain");
    const verdict = r.stderr.search(/linux\/amd64: (✓ reproduced|✗ differs)/);
    assert.ok(named >= 0 && verdict > named, "the toolchain line comes before the verdict");
    // Whether the bytes agree depends on the host's packages: on a host whose gcc, binutils and musl are the lock's
    // versions they do (exit 0); elsewhere exit 1 naming the toolchain first.
    if (result.platforms[0]!.match) assert.equal(r.code, 0, r.stderr.slice(-3000));
    else {
      assert.equal(r.code, 1);
      assert.match(r.stderr, /rebuild: linux\/amd64 \(toolchain route/);
    }
  });
});
