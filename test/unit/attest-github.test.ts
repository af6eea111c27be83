/**
 * The product's GitHub signer (src/attest/sign.ts githubSigner, i.e. @actions/attest's own code)
 * in a process set up as a GitHub Actions job: the OIDC token service (test/support/oidc.ts), the
 * Sigstore instances at the names @actions/attest signs at, reached through an HTTPS proxy with its
 * CA (test/support/tls-proxy.ts), and GitHub's attestation API (test/support/github-api.ts). A
 * public repository signs at public-good (Fulcio, Rekor), a private one at GitHub's (Fulcio,
 * timestamp authority); each bundle is stored with the API and verifies against the stand-in's
 * trusted root with the job's identity. What GitHub would refuse is refused here: another job's
 * request token, a token without `attestations: write`, a bundle naming another repository, and a
 * process without the proxy's CA (TLS fails, as it would for a forged name).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type { SerializedBundle } from "@sigstore/bundle";
import { checkBundle, trustFromRoot } from "../../src/verify/signature.js";
import { startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";
import { claimsForJob, startOidcStandIn, type OidcStandIn } from "../support/oidc.js";
import { ACTIONS_ATTEST_HOSTS, startLocalSigstore, type LocalSigstore } from "../support/sigstore.js";
import { startInterceptingProxy, type InterceptingProxy } from "../support/tls-proxy.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = import.meta.resolve("tsx");
const REPO = "octo-org/images";
const TOKEN = "ghs_attest";
const DIGEST = "b".repeat(64);
const WORKFLOW = ".github/workflows/release.yml";

/** The github context of a tag-push job in `repository`, as test/support/runner.ts makes it. */
const githubContext = (repository: string, priv = false) => ({
  repository,
  repository_owner: repository.split("/")[0],
  ref: "refs/tags/v1.0.0",
  ref_type: "tag",
  sha: "1".repeat(40),
  event_name: "push",
  actor: "octo-dev",
  workflow: "Release",
  run_id: "4242",
  run_attempt: "1",
  event: { repository: { private: priv } },
});

/** Signs one statement with githubSigner in a fresh process with `env`; its bundle, or its error. */
function signInJob(
  env: Record<string, string>,
  sigstore: "public-good" | "github",
): Promise<{ bundle?: SerializedBundle; error?: string }> {
  const script = `
    import { githubSigner } from ${JSON.stringify(resolve(ROOT, "src/attest/sign.ts"))};
    const signer = githubSigner({ token: process.env.GITHUB_TOKEN, sigstore: ${JSON.stringify(sigstore)} });
    signer.sign({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: "127.0.0.1:5000/octo-org/kimigayo", digest: { sha256: ${JSON.stringify(DIGEST)} } }],
      predicateType: "https://slsa.dev/provenance/v1",
      predicate: { buildDefinition: { buildType: "test" } },
    }).then((b) => process.stdout.write(JSON.stringify(b)), (e) => { process.stderr.write(String(e?.message ?? e)); process.exit(1); });
  `;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", TSX, "--input-type=module", "-e", script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...env },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", fail);
    child.on("close", (code) => done(code === 0 ? { bundle: JSON.parse(out) as SerializedBundle } : { error: err || `exit ${code}` }));
  });
}

describe("githubSigner (@actions/attest) against the OIDC, Sigstore and attestation API stand-ins", () => {
  let oidc: OidcStandIn;
  let sigstore: LocalSigstore;
  let proxy: InterceptingProxy;
  let api: GitHubStandIn;
  let readOnly: GitHubStandIn;

  before(async () => {
    oidc = await startOidcStandIn();
    sigstore = await startLocalSigstore({ issuer: oidc });
    proxy = await startInterceptingProxy(
      Object.fromEntries(Object.entries(ACTIONS_ATTEST_HOSTS).map(([host, service]) => [host, sigstore.listener(service)])),
    );
    api = await startGitHubStandIn({ token: TOKEN, attestationTrust: sigstore.trustedRoot, permissions: { attestations: "write" } });
    readOnly = await startGitHubStandIn({ token: TOKEN, attestationTrust: sigstore.trustedRoot, permissions: { contents: "write" } });
  });
  after(async () => {
    await Promise.all([oidc?.close(), sigstore?.close(), proxy?.close(), api?.close(), readOnly?.close()]);
  });

  /** A job's environment: the runner's variables, its OIDC request variables, the proxy's. */
  const jobEnv = (o: { repository?: string; priv?: boolean; apiUrl?: string; oidcFor?: string; noCa?: boolean } = {}) => {
    const repository = o.repository ?? REPO;
    const idToken = oidc.forJob(claimsForJob(githubContext(o.oidcFor ?? repository, o.priv), WORKFLOW));
    const { NODE_EXTRA_CA_CERTS, ...proxyEnv } = proxy.env;
    return {
      GITHUB_ACTIONS: "true",
      GITHUB_REPOSITORY: repository,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: o.apiUrl ?? api.url,
      GITHUB_TOKEN: TOKEN,
      ...idToken,
      ...proxyEnv,
      ...(o.noCa ? {} : { NODE_EXTRA_CA_CERTS: NODE_EXTRA_CA_CERTS! }),
    };
  };

  for (const c of [
    {
      name: "public repository: public-good Fulcio and Rekor",
      sigstore: "public-good",
      hosts: ["fulcio.sigstore.dev", "rekor.sigstore.dev"],
    },
    {
      name: "private repository: GitHub's Fulcio and timestamp authority",
      sigstore: "github",
      hosts: ["fulcio.githubapp.com", "timestamp.githubapp.com"],
    },
  ] as const) {
    it(`signs and stores: ${c.name}`, async () => {
      const connectsBefore = proxy.connects.length;
      const storedBefore = api.state.attestations.length;
      const r = await signInJob(jobEnv({ priv: c.sigstore === "github" }), c.sigstore);
      assert.ok(r.bundle, r.error);
      assert.deepEqual(
        proxy.connects
          .slice(connectsBefore)
          .map((x) => `${x.target} ${x.intercepted}`)
          .sort(),
        c.hosts.map((h) => `${h}:443 true`).sort(),
        "signed at the names @actions/attest has for this instance, through the proxy",
      );
      const vm = r.bundle.verificationMaterial as {
        tlogEntries?: unknown[];
        timestampVerificationData?: { rfc3161Timestamps?: unknown[] };
      };
      if (c.sigstore === "public-good") assert.equal(vm.tlogEntries?.length, 1, "a Rekor entry");
      else assert.equal(vm.timestampVerificationData?.rfc3161Timestamps?.length, 1, "an RFC 3161 timestamp");

      const check = checkBundle(r.bundle, trustFromRoot(sigstore.trustedRoot), {
        repository: REPO,
        workflow: WORKFLOW,
        ref: "refs/tags/v1.0.0",
      });
      assert.ok(check.ok, check.ok ? "" : check.problem);
      assert.equal(check.identity.san, `https://github.com/${REPO}/${WORKFLOW}@refs/tags/v1.0.0`, "Fulcio's SAN: the job's workflow ref");
      const other = checkBundle(r.bundle, trustFromRoot(sigstore.trustedRoot), { repository: "mallory/images" });
      assert.equal(other.ok, false);

      const stored = api.state.attestations.slice(storedBefore);
      assert.equal(stored.length, 1, "stored once with GitHub's attestation API");
      assert.deepEqual(stored[0]!.digests, [`sha256:${DIGEST}`]);
      assert.deepEqual(stored[0]!.bundle, r.bundle as unknown);
      const create = api.requests.filter((q) => q.operationId === "repos/create-attestation").at(-1)!;
      assert.equal(create.path, `/repos/${REPO}/attestations`);
      assert.deepEqual([create.valid, create.status, create.responseErrors], [true, 201, []]);
      // Listed by subject digest (as `gh attestation verify` reads them), filtered by predicate type.
      const list = async (type: string) => {
        const res = await fetch(`${api.url}/repos/${REPO}/attestations/sha256:${DIGEST}?predicate_type=${type}`, {
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        assert.equal(res.status, 200);
        return ((await res.json()) as { attestations: { bundle: unknown }[] }).attestations.map((a) => a.bundle);
      };
      assert.ok((await list("provenance")).some((b) => JSON.stringify(b) === JSON.stringify(r.bundle)));
      assert.deepEqual(await list("sbom"), []);
    });
  }

  for (const c of [
    {
      name: "another job's request token",
      env: () => ({ ...jobEnv(), ACTIONS_ID_TOKEN_REQUEST_TOKEN: "not-this-jobs" }),
      error: /invalid identity token/,
      oidcStatus: 401,
    },
    {
      name: "a token without attestations: write",
      env: () => jobEnv({ apiUrl: readOnly.url }),
      error: /Failed to persist attestation: Resource not accessible by integration/,
    },
    {
      name: "a bundle whose certificate names another repository than the one it is stored in",
      env: () => jobEnv({ oidcFor: "mallory/images" }),
      error: /Failed to persist attestation: .*source repository is https:\/\/github\.com\/mallory\/images/,
    },
    {
      name: "a process without the proxy's CA (NODE_EXTRA_CA_CERTS)",
      env: () => jobEnv({ noCa: true }),
      error: /certificate|self[- ]signed|issuer/i,
    },
  ]) {
    it(`refuses ${c.name}`, async () => {
      const before = api.state.attestations.length + readOnly.state.attestations.length;
      const asked = oidc.requests.length;
      const r = await signInJob(c.env(), "public-good");
      assert.equal(r.bundle, undefined, "no bundle");
      if ("oidcStatus" in c)
        assert.ok(
          oidc.requests.slice(asked).every((q) => q.status === c.oidcStatus),
          "the token service refused",
        );
      assert.match(r.error ?? "", c.error);
      assert.equal(api.state.attestations.length + readOnly.state.attestations.length, before, "nothing stored");
    });
  }

  it("Fulcio refuses a token it cannot verify, and an unverified one never reaches the CA", async () => {
    const before = sigstore.fulcioAnswers.length;
    const forged = (claims: object) =>
      `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.`;
    const res = await fetch(`${sigstore.fulcioURL}/api/v2/signingCert`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        credentials: { oidcIdentityToken: forged({ iss: oidc.issuer, aud: "sigstore", sub: "repo:x/y:ref:refs/heads/main" }) },
        publicKeyRequest: { publicKey: { algorithm: "ECDSA", content: "x" }, proofOfPossession: "" },
      }),
    });
    assert.equal(res.status, 401);
    assert.deepEqual(
      sigstore.fulcioAnswers.slice(before).map((a) => a.status),
      [401],
    );
  });
});
