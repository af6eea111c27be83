/**
 * Attestations without a registry: the provenance statement's content (against the config's real
 * files, hashed here independently), signing through the local Sigstore stand-in (@sigstore/mock)
 * and verifying with @sigstore/verify: the expected identity passes, any other repository,
 * workflow or ref is named, a changed payload or another trust root fails; the bundle's referrer
 * form; verify's flags as bad input.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { provenanceStatement } from "../../src/attest/attest.js";
import { attestationArtifact, BUNDLE_MEDIA_TYPE } from "../../src/attest/referrer.js";
import type { StatementSigner } from "../../src/attest/sign.js";
import { BUILD_TYPE, configInputs, SLSA_PROVENANCE_V1, type ProvenancePredicate, type Statement } from "../../src/attest/statement.js";
import { getInputs, toArgv } from "../../src/action/inputs.js";
import { RELEASE } from "../../src/pipeline/stages.js";
import { attest as attestStage } from "../../src/stages/release/attest.js";
import { tag as tagStage } from "../../src/stages/release/tag.js";
import type { ReleaseContext } from "../../src/stages/release/context.js";
import { parseVerifyOptions } from "../../src/cli/verify.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { UsageError } from "../../src/lib/errors.js";
import { digestOf } from "../../src/oci/digest.js";
import type { BuildResult } from "../../src/results/build.js";
import { checkBundle, parseWorkflowSan, trustFromRoot } from "../../src/verify/signature.js";
import { fileListDifferences, verifyImage } from "../../src/verify/verify.js";
import { bufferBlob } from "../../src/oci/blob-source.js";
import { canonicalJsonBytes } from "../../src/oci/json.js";
import { RegistryClient } from "../../src/oci/registry.js";
import { MEDIA_TYPES } from "../../src/oci/types.js";
import { startMemoryRegistry, type MemoryRegistry } from "../support/oci-registry.js";
import { githubClaims } from "../support/oidc.js";
import { sigstoreSigner, startLocalSigstore, type LocalSigstore } from "../support/sigstore.js";

const ROOT = resolve(import.meta.dirname, "../..");
const REPO = "kimigayo/build-action";
const MANIFEST = `sha256:${"a".repeat(64)}`;
const sha256 = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

const ENV = {
  GITHUB_REPOSITORY: REPO,
  GITHUB_WORKFLOW_REF: `${REPO}/.github/workflows/release.yml@refs/tags/v2.1.0`,
  GITHUB_REF: "refs/tags/v2.1.0",
  GITHUB_SHA: "1".repeat(40),
  GITHUB_RUN_ID: "42",
  GITHUB_SERVER_URL: "https://github.com",
};

/** What build.json records of the locked toolchain (src/toolchain/lock.ts toolchainRecord). */
const TOOLCHAIN = {
  lock: `sha256:${"5".repeat(64)}`,
  release: "Debian bookworm",
  compiler: "gcc-12 12.2.0-14+deb12u1",
  binutils: "binutils-x86-64-linux-gnu 2.40-2",
  musl: "musl-dev 1.2.3-1",
  kernelHeaders: "linux-libc-dev 6.1.192-3",
};

function buildOf(cfg: Config): BuildResult {
  return {
    config: cfg.file,
    version: cfg.version,
    sourceDateEpoch: cfg.sourceDateEpoch,
    busybox: {
      version: cfg.busybox.version,
      sha256: cfg.busybox.sha256,
      source: { cache: "hit", url: "file:///src/busybox.tar.bz2", signature: "ok" },
    },
    out: "/tmp/out",
    images: [
      { variant: "minimal", platform: "linux/amd64", busybox: { toolchain: TOOLCHAIN } },
      {
        variant: "minimal",
        platform: "linux/arm64",
        busybox: { toolchain: { ...TOOLCHAIN, compiler: "gcc-12-aarch64-linux-gnu 12.2.0-14cross1" } },
      },
    ],
    engine: { engine: "oci", reason: "test" },
    seconds: { source: 0, total: 0 },
  } as unknown as BuildResult;
}

describe("provenance statement", () => {
  let cfg: Config;
  let s: Statement<ProvenancePredicate>;
  before(async () => {
    cfg = await loadConfig(join(ROOT, "configs/kimigayo.yml"));
    s = (await provenanceStatement({ build: buildOf(cfg), config: cfg, repoDir: ROOT, env: ENV, image: "ghcr.io/o/kimigayo" }, "minimal", {
      digest: MANIFEST,
      platform: "linux/amd64",
    })) as Statement<ProvenancePredicate>;
  });

  it("is an in-toto v1 statement about the manifest's digest with a SLSA v1 provenance predicate", () => {
    assert.equal(s._type, "https://in-toto.io/Statement/v1");
    assert.deepEqual(s.subject, [{ name: "ghcr.io/o/kimigayo", digest: { sha256: "a".repeat(64) } }]);
    assert.equal(s.predicateType, SLSA_PROVENANCE_V1);
    assert.equal(s.predicate.buildDefinition.buildType, BUILD_TYPE);
  });

  it("records the inputs a rebuild needs and the GitHub identity", () => {
    assert.deepEqual(s.predicate.buildDefinition.externalParameters, {
      config: "configs/kimigayo.yml",
      variant: "minimal",
      platform: "linux/amd64",
      platforms: ["linux/amd64", "linux/arm64"],
      version: cfg.version,
      sourceDateEpoch: cfg.sourceDateEpoch,
      engine: "oci",
      repository: REPO,
      workflow: ".github/workflows/release.yml",
      ref: "refs/tags/v2.1.0",
      revision: "1".repeat(40),
    });
    assert.equal(s.predicate.runDetails.builder.id, `https://github.com/${REPO}/.github/workflows/release.yml@refs/tags/v2.1.0`);
    assert.equal(s.predicate.runDetails.metadata.invocationId, `https://github.com/${REPO}/actions/runs/42`);
    // The platform's own toolchain record from build.json: the lock's digest and the package versions.
    assert.deepEqual(s.predicate.buildDefinition.internalParameters.toolchain, TOOLCHAIN);
    assert.match(s.predicate.buildDefinition.internalParameters.cacheKey ?? "", /^kimigayo-inputs-[0-9a-f]{32}$/);
  });

  it("lists the BusyBox source, every patch and every config file with its sha256", () => {
    const deps = s.predicate.buildDefinition.resolvedDependencies;
    assert.deepEqual(deps[0], {
      name: `busybox-${cfg.busybox.version}.tar.bz2`,
      uri: "file:///src/busybox.tar.bz2",
      digest: { sha256: cfg.busybox.sha256 },
    });
    const byUri = new Map(deps.map((d) => [d.uri, d.digest.sha256]));
    for (const f of ["configs/kimigayo.yml", "configs/busybox/minimal.config", "configs/openrc/inittab", "configs/rootfs/kimigayo-rc"])
      assert.equal(byUri.get(`file:${f}`), sha256(join(ROOT, f)), f);
    for (const p of cfg.busybox.patches) assert.equal(byUri.get(`file:${p.slice(ROOT.length + 1)}`), sha256(p), p);
    assert.deepEqual(
      s.predicate.buildDefinition.internalParameters.busybox.patches,
      cfg.busybox.patches.map((p) => `file:${p.slice(ROOT.length + 1)}`),
    );
    assert.equal(new Set(deps.map((d) => d.uri ?? d.name)).size, deps.length, "each dependency once");
  });

  it("gives the same statement for the same inputs", async () => {
    const again = await provenanceStatement(
      { build: buildOf(cfg), config: cfg, repoDir: ROOT, env: ENV, image: "ghcr.io/o/kimigayo" },
      "minimal",
      {
        digest: MANIFEST,
        platform: "linux/amd64",
      },
    );
    assert.deepEqual(again, s);
  });
});

describe("signing and verifying with a local Sigstore", () => {
  let sigstore: LocalSigstore;
  let other: LocalSigstore;
  let signer: StatementSigner;
  const s: Statement = {
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ name: "img", digest: { sha256: "a".repeat(64) } }],
    predicateType: SLSA_PROVENANCE_V1,
    predicate: { hello: "world" },
  };
  before(async () => {
    sigstore = await startLocalSigstore();
    other = await startLocalSigstore();
    signer = sigstoreSigner(sigstore, () => sigstore.oidc.token(githubClaims({ repository: REPO })));
  });
  after(async () => {
    await sigstore?.close();
    await other?.close();
  });

  it("the expected identity verifies, twenty signatures in a row, and the statement comes back", async () => {
    const trust = trustFromRoot(sigstore.trustedRoot);
    for (let i = 0; i < 20; i++) {
      const c = checkBundle(await signer.sign(s), trust, {
        repository: REPO,
        workflow: ".github/workflows/release.yml",
        ref: "refs/tags/v*",
      });
      assert.ok(c.ok, c.ok ? "" : `signature ${i + 1}: ${c.problem}`);
      assert.deepEqual(c.statement, s);
      assert.equal(c.identity.repository, REPO);
    }
  });

  it("names another repository, workflow, ref or issuer", async () => {
    const trust = trustFromRoot(sigstore.trustedRoot);
    const b = await signer.sign(s);
    const cases: [object, RegExp][] = [
      [{ repository: "mallory/x" }, /repository kimigayo\/build-action, expected mallory\/x/],
      [
        { repository: REPO, workflow: ".github/workflows/ci.yml" },
        /workflow \.github\/workflows\/release\.yml, expected \.github\/workflows\/ci\.yml/,
      ],
      [{ repository: REPO, ref: "refs/heads/main" }, /ref refs\/tags\/v2\.1\.0, expected refs\/heads\/main/],
      [
        { repository: REPO, issuer: "https://accounts.example.com" },
        /issuer https:\/\/token\.actions\.githubusercontent\.com, expected https:\/\/accounts\.example\.com/,
      ],
    ];
    for (const [policy, message] of cases) {
      const c = checkBundle(b, trust, policy);
      assert.equal(c.ok, false);
      assert.match(c.ok ? "" : c.problem, message);
    }
  });

  it("a changed payload or another trust root does not verify", async () => {
    const b = (await signer.sign(s)) as unknown as { dsseEnvelope: { payload: string } };
    const changed = structuredClone(b);
    const payload = Buffer.from(changed.dsseEnvelope.payload, "base64").toString().replace("world", "World");
    changed.dsseEnvelope.payload = Buffer.from(payload).toString("base64");
    const c1 = checkBundle(changed, trustFromRoot(sigstore.trustedRoot), { repository: REPO });
    assert.match(c1.ok ? "" : c1.problem, /does not verify against the trust root/);
    const c2 = checkBundle(b, trustFromRoot(other.trustedRoot), { repository: REPO });
    assert.match(c2.ok ? "" : c2.problem, /does not verify against the trust root/);
    assert.match(
      (checkBundle({ nope: 1 }, trustFromRoot(sigstore.trustedRoot), {}) as { problem: string }).problem,
      /not a Sigstore bundle/,
    );
  });

  it("the bundle as a referrer: sigstore bundle artifactType and layer, predicate type annotated, subject set", async () => {
    const b = await signer.sign(s);
    const art = attestationArtifact(b, s.predicateType, {
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: MANIFEST,
      size: 500,
    });
    const m = JSON.parse(art.manifestBytes.toString()) as {
      artifactType: string;
      layers: { mediaType: string; digest: string }[];
      subject: { digest: string };
    };
    assert.equal(m.artifactType, BUNDLE_MEDIA_TYPE);
    assert.equal(m.layers[0]!.mediaType, BUNDLE_MEDIA_TYPE);
    assert.equal(m.subject.digest, MANIFEST);
    assert.equal(art.descriptor.digest, digestOf(art.manifestBytes));
    assert.equal(art.descriptor.annotations?.["dev.sigstore.bundle.predicateType"], SLSA_PROVENANCE_V1);
    assert.equal(m.layers[0]!.digest, digestOf(art.blobs[1]!.data));
    assert.deepEqual(JSON.parse(art.blobs[1]!.data.toString()), b);
  });
});

/** A trusted_root.json of the right shape (what verify's flags check before any work), in a temporary folder. */
const rootDir = mkdtempSync(join(tmpdir(), "kimigayo-trusted-root-"));
const ROOT_JSON = join(rootDir, "root.json");
const key = { rawBytes: "AAAA" };
writeFileSync(
  ROOT_JSON,
  JSON.stringify({
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [{ hashAlgorithm: "SHA2_256", publicKey: key, logId: { keyId: "AAAA" } }],
    certificateAuthorities: [{ certChain: { certificates: [key] } }],
  }),
);
after(() => rmSync(rootDir, { recursive: true, force: true }));

describe("verify: helpers and flags", () => {
  it("parseWorkflowSan splits a GitHub workflow identity", () => {
    assert.deepEqual(parseWorkflowSan("https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1.0.0"), {
      repository: "o/r",
      workflow: ".github/workflows/release.yml",
      ref: "refs/tags/v1.0.0",
    });
    assert.deepEqual(parseWorkflowSan("mailto:someone@example.com"), {});
  });

  it("fileListDifferences names files missing on either side and changed hashes", () => {
    const sbom = new Map([
      ["/a", "1"],
      ["/b", "2"],
    ]);
    const layer = new Map([
      ["/a", "1"],
      ["/b", "3"],
      ["/c", "4"],
    ]);
    assert.deepEqual(fileListDifferences(sbom, layer), [
      "/b: the SBOM says sha256 2, the layer has 3",
      "/c is in the layer but not in the SBOM",
    ]);
    assert.deepEqual(fileListDifferences(layer, sbom), [
      "/b: the SBOM says sha256 3, the layer has 2",
      "/c is in the SBOM but not in the layer",
    ]);
    assert.deepEqual(fileListDifferences(sbom, sbom), []);
  });

  const bad: [string[], RegExp][] = [
    [["--repository", REPO], /expected one image reference/],
    [["a:1", "b:2", "--repository", REPO], /expected one image reference \(IMAGE\[:tag\|@digest\]\), got 2/],
    [["127.0.0.1:5000/x:latest"], /--repository is required/],
    [["127.0.0.1:5000/x:latest", "--repository", "nope"], /--repository "nope" is not OWNER\/NAME/],
    [["127.0.0.1:5000/x:latest", "--repository", REPO, "--ref", "v1"], /--ref "v1" is not a git ref/],
    [["127.0.0.1:5000/x:latest", "--repository", REPO, "--workflow", "release.yml"], /--workflow "release\.yml" is not a workflow file/],
    [["127.0.0.1:5000/x:latest", "--repository", REPO, "--issuer", "http://x"], /--issuer "http:\/\/x" is not an https URL/],
    [["127.0.0.1:5000/X:latest", "--repository", REPO], /is not an image reference/],
    [["127.0.0.1:5000/x:latest", "--repository", REPO, "--bogus"], /Unknown option '--bogus'/],
  ];
  for (const [argv, message] of bad) {
    it(`bad input: ${argv.join(" ")}`, () => {
      assert.throws(
        () => parseVerifyOptions(argv),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    });
  }

  it("good input becomes the identity policy", () => {
    const o = parseVerifyOptions([
      "127.0.0.1:5000/x@sha256:" + "b".repeat(64),
      "--repository",
      REPO,
      "--ref",
      "refs/tags/v*",
      "--trusted-root",
      ROOT_JSON,
    ]);
    assert.deepEqual(o.identity, { repository: REPO, ref: "refs/tags/v*" });
    assert.equal(o.trustedRoot, ROOT_JSON);
  });
});

describe("the action's verify command", () => {
  const inputs = (m: Record<string, string>) => getInputs((k) => m[k] ?? "");
  it("maps its inputs onto the CLI's verify flags", () => {
    const i = inputs({
      command: "verify",
      reference: "ghcr.io/o/kimigayo:2.1.0",
      "signer-repository": "o/kimigayo",
      "signer-workflow": ".github/workflows/release.yml",
      "signer-ref": "refs/tags/v*",
      "trusted-root": ROOT_JSON,
    });
    const argv = toArgv(i);
    assert.deepEqual(argv, [
      "verify",
      "--config",
      "configs/kimigayo.yml",
      "--json",
      "ghcr.io/o/kimigayo:2.1.0",
      "--repository",
      "o/kimigayo",
      "--workflow",
      ".github/workflows/release.yml",
      "--ref",
      "refs/tags/v*",
      "--trusted-root",
      ROOT_JSON,
    ]);
    const o = parseVerifyOptions(argv.slice(1));
    assert.deepEqual(o.identity, { repository: "o/kimigayo", workflow: ".github/workflows/release.yml", ref: "refs/tags/v*" });
  });
  it("without reference or signer-repository: bad input naming both", () => {
    assert.throws(
      () => inputs({ command: "verify", reference: "ghcr.io/o/kimigayo:2.1.0" }),
      (e: unknown) => e instanceof UsageError && /verify needs reference .* and signer-repository/.test(e.message),
    );
  });
});

describe("verify: an attestation listed in the index as a platform", () => {
  let reg: MemoryRegistry;
  let sigstore: LocalSigstore;
  before(async () => {
    reg = await startMemoryRegistry();
    sigstore = await startLocalSigstore();
  });
  after(async () => {
    await reg?.close();
    await sigstore?.close();
  });

  it("is named as a failure (what buildx's unknown/unknown entries are)", async () => {
    const client = new RegistryClient(reg.registry, { env: {}, dockerConfig: "/nonexistent/config.json" });
    const repo = "kimigayo/index";
    const put = async (value: object, mediaType: string) => {
      const bytes = canonicalJsonBytes(value);
      return { mediaType, digest: await client.putManifest(repo, digestOf(bytes), bytes, mediaType), size: bytes.length };
    };
    const empty = Buffer.from("{}");
    await client.pushBlob(repo, bufferBlob(empty));
    const emptyDesc = { mediaType: "application/vnd.oci.empty.v1+json", digest: digestOf(empty), size: 2 };
    const image = await put(
      { schemaVersion: 2, mediaType: MEDIA_TYPES.ociManifest, config: emptyDesc, layers: [] },
      MEDIA_TYPES.ociManifest,
    );
    const att = await put(
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        artifactType: BUNDLE_MEDIA_TYPE,
        config: emptyDesc,
        layers: [],
        subject: image,
      },
      MEDIA_TYPES.ociManifest,
    );
    const index = await put(
      {
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: [
          { ...image, platform: { os: "linux", architecture: "amd64" } },
          { ...att, platform: { os: "unknown", architecture: "unknown" } },
        ],
      },
      MEDIA_TYPES.ociIndex,
    );
    const r = await verifyImage({
      client,
      repository: repo,
      ref: index.digest,
      trust: trustFromRoot(sigstore.trustedRoot),
      identity: { repository: REPO },
    });
    assert.equal(r.passed, false);
    assert.ok(
      r.failures.some(
        (f) => f.includes(`entry ${att.digest} is not an image (unknown/unknown`) && f.includes("attestations must not be platforms"),
      ),
      r.failures.join("\n"),
    );
    assert.deepEqual(
      r.subjects.map((s) => s.target),
      ["index", "linux/amd64"],
      "the attestation is not treated as a platform",
    );
  });
});

describe("the release's attest stage", () => {
  const ctx = (env: NodeJS.ProcessEnv, extra: { dryRun?: boolean; githubToken?: string } = {}) =>
    ({
      env,
      release: { dryRun: extra.dryRun ?? false, ...(extra.githubToken ? { githubToken: extra.githubToken } : {}) },
    }) as unknown as ReleaseContext;
  const oidc = { ACTIONS_ID_TOKEN_REQUEST_URL: "https://example.invalid/token", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t" };

  it("is skipped, saying why, without an OIDC identity, without a token, or in a dry run", () => {
    assert.match(String(attestStage.skip!(ctx({}, { githubToken: "x" }))), /id-token: write/);
    assert.match(String(attestStage.skip!(ctx(oidc))), /no GitHub token/);
    assert.match(String(attestStage.skip!(ctx(oidc, { dryRun: true, githubToken: "x" }))), /dry run/);
    assert.equal(attestStage.skip!(ctx(oidc, { githubToken: "x" })), false);
  });

  it("runs after bench, and the tags move only after attest, notes and assets, right before the GitHub Release", () => {
    const names = RELEASE.map((s) => s.name);
    assert.equal(names.indexOf("attest"), names.indexOf("bench") + 1);
    assert.deepEqual(names.slice(names.indexOf("attest")), ["attest", "notes", "assets", "tag", "github-release"]);
  });
});

describe("the release's tag stage", () => {
  const ctx = (release: { dryRun: boolean; fromPublished?: string }) => ({ release }) as unknown as ReleaseContext;
  const rows: { name: string; release: { dryRun: boolean; fromPublished?: string }; skipped: RegExp | false }[] = [
    { name: "a release", release: { dryRun: false }, skipped: false },
    { name: "a release from published images", release: { dryRun: false, fromPublished: "artifacts" }, skipped: false },
    { name: "a dry run: it tags what it pushed to --image", release: { dryRun: true }, skipped: false },
    {
      name: "a dry run from published images: the real images' tags stay",
      release: { dryRun: true, fromPublished: "artifacts" },
      skipped: /dry run from published images: the tags merge deferred stay where they are/,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const why = tagStage.skip!(ctx(row.release));
      if (row.skipped === false) assert.equal(why, false);
      else assert.match(String(why), row.skipped);
    });
  }
});

describe("the config's files in a provenance", () => {
  it("a config at a repository's root: its own file, what it copies and the base's files; not the rest of the repository", async () => {
    const repo = mkdtempSync(join(tmpdir(), "kimigayo-inputs-"));
    try {
      writeFileSync(
        join(repo, "kimigayo.yml"),
        "base: builtin\nvariants:\n  web:\n    from: standard\n    applets: { add: [httpd] }\n    files: [{ path: /etc/httpd.conf, src: httpd.conf }]\n",
      );
      writeFileSync(join(repo, "httpd.conf"), "H:/srv\n");
      writeFileSync(join(repo, "notes.txt"), "not an input\n");
      mkdirSync(join(repo, "out", "rootfs"), { recursive: true });
      writeFileSync(join(repo, "out", "rootfs", "kimigayo-web-amd64.tar"), "a build output\n");
      mkdirSync(join(repo, ".git"));
      writeFileSync(join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
      const cfg = await loadConfig(join(repo, "kimigayo.yml"));
      const uris = (await configInputs(cfg, repo)).map((d) => d.uri);
      for (const want of ["file:kimigayo.yml", "file:httpd.conf"]) assert.ok(uris.includes(want), `${want} in ${uris.join(", ")}`);
      for (const f of [
        "configs/kimigayo.yml",
        "configs/busybox/standard.config",
        "configs/openrc/services-standard.list",
        "configs/rootfs/kimigayo-rc",
      ])
        assert.ok(uris.includes(`file:${join(ROOT, f)}`), `the base's ${f}`);
      assert.deepEqual(
        uris.filter((u) => /notes\.txt|out\/|\.git\//.test(u ?? "")),
        [],
        "nothing else of the repository",
      );
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
