/**
 * `kimigayo release` end to end: a real git repository with tags, conventional commits and a
 * merged pull request; real builds, the real registry, real smoke boots; the GitHub Release
 * calls go to the stand-in, which checks each one against GitHub's OpenAPI description.
 *
 * Then the release as a PRIVATE repository's release job runs it (the README's release example's
 * permissions, a private package on a registry as strict as GHCR, the job's OIDC token): signed
 * through @actions/attest at GitHub's own Sigstore names (fulcio.githubapp.com,
 * timestamp.githubapp.com, through the intercepting proxy to the local Sigstore), the API stand-in
 * holding the repository private (no read without the permission) and refusing attestations of a
 * private repository as GitHub does unless the owner's plan has them (Enterprise Cloud).
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startStrictRegistry, type StrictRegistry } from "../support/ghcr-registry.js";
import { assertAllValid, startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";
import { claimsForJob, startOidcStandIn, type OidcStandIn } from "../support/oidc.js";
import { needs } from "../support/prerequisites.js";
import { ACTIONS_ATTEST_HOSTS, startLocalSigstore, type LocalSigstore } from "../support/sigstore.js";
import { startInterceptingProxy, type InterceptingProxy } from "../support/tls-proxy.js";
import { cli, cliAsync, ROOT } from "./fixture.js";

const REGISTRY = "127.0.0.1:5000";
let repo: string;
let standIn: GitHubStandIn;
const image = `${REGISTRY}/release-${process.pid}-${Date.now().toString(36)}/kimigayo`;
const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8" }).trim();
let n = 0;
function commit(message: string) {
  writeFileSync(join(repo, "CHANGES"), `${++n}\n`, { flag: "a" });
  git("add", ".");
  git("commit", "-q", "-m", message);
}

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GITHUB_TOKEN: "ghs_testtoken",
    GITHUB_API_URL: standIn.url,
    GITHUB_REPOSITORY: "kimigayo/kimigayo",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REF: "",
    GITHUB_SHA: "",
    ...extra,
  };
}

const release = (args: string[], e: NodeJS.ProcessEnv = env(), to = image) =>
  cliAsync(
    [
      "release",
      "--config",
      join(repo, "configs/kimigayo.yml"),
      "--image",
      to,
      "--out",
      join(repo, "out"),
      "--engine",
      "oci",
      "--json",
      ...args,
    ],
    e,
    repo,
  );

/** A repository with two release tags, conventional commits and a merged pull request between them. */
function makeRepository(): void {
  repo = mkdtempSync(join(tmpdir(), "kimigayo-release-"));
  n = 0;
  cpSync(join(ROOT, "configs"), join(repo, "configs"), { recursive: true });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "ci@example.com");
  git("config", "user.name", "Release Bot");
  commit("feat: the first Kimigayo");
  git("tag", "v2.0.1");
  commit("fix(rc): count only started services");
  git("checkout", "-q", "-b", "topic");
  commit("wip");
  git("checkout", "-q", "main");
  git("merge", "-q", "--no-ff", "topic", "-m", "Merge pull request #42 from dev/topic\n\nperf: start services in parallel");
  commit("feat(busybox): 1.38.0 (#43)");
  git("tag", "v2.1.0");
}

describe("kimigayo release", () => {
  before(async () => {
    standIn = await startGitHubStandIn({ token: "ghs_testtoken", immutable: true });
    makeRepository();
  });
  after(async () => {
    await standIn.close();
    rmSync(repo, { recursive: true, force: true });
  });

  it("bad input exits 2 before any work and without a GitHub call", async () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [["--tag", "2.1"], env(), /not a release tag/],
      [["--tag", "v9.9.9"], env(), /does not exist|does not match/],
      [["--tag", "v2.2.0"], env(), /does not exist|does not match/],
      [["--tag", "v2.1.0"], env({ GITHUB_TOKEN: "" }), /GitHub token/],
    ];
    for (const [args, e, re] of cases) {
      const r = await release(args, e);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    assert.equal(standIn.requests.length, 0, "no GitHub call");
  });

  it("a dry run writes RELEASE_NOTES.md, pushes to the registry given, and calls no GitHub API", async () => {
    // The benchmark is the first real release's (below); this one is about the notes and the registry.
    const r = await release(["--tag", "v2.1.0", "--dry-run", "--bench-runs", "0"]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.equal(standIn.requests.length, 0);
    const notes = readFileSync(join(repo, "RELEASE_NOTES.md"), "utf8");
    assert.match(notes, /^# Kimigayo OS 2\.1\.0$/m);
    assert.match(notes, /## Changes since v2\.0\.1/);
    assert.match(
      notes,
      /### Features\n\n- \*\*busybox:\*\* 1\.38\.0 \(\[#43\]\(https:\/\/github\.com\/kimigayo\/kimigayo\/pull\/43\)\) — Release Bot/,
    );
    assert.match(notes, /### Performance\n\n- start services in parallel \(\[#42\]/);
    assert.doesNotMatch(notes, /wip/);
    assert.match(notes, /## Image sizes/);
  });

  it("creates the GitHub Release with notes, digests that match the registry, and the assets; a re-run verifies it and changes nothing", async () => {
    // One run per benchmark case: the stage's plumbing (its figures in the notes, its report);
    // the figures themselves are `npm run bench:run`'s.
    const first = await release(["--tag", "v2.1.0", "--bench-runs", "1"]);
    assert.equal(first.code, 0, first.stderr.slice(-3000));
    const out = JSON.parse(first.stdout) as {
      release: { action: string; url: string };
      images: { variants: { variant: string; index: string }[] };
    };
    assert.equal(out.release.action, "created");
    assert.equal(standIn.state.releases.length, 1);
    const rel = standIn.state.releases[0]!;
    assert.equal(rel.tag_name, "v2.1.0");
    assert.equal(rel.prerelease, false);
    assert.match(
      rel.body!,
      /^## Benchmarks\n\nv2\.0\.1 has no GitHub Release: there is nothing to compare against\./m,
      "the benchmark section, with nothing to compare",
    );
    assert.match(rel.body!, /^## Benchmark targets\n\n\| Metric \| Value \| Target \|/m, "the benchmark stage's table is in the notes");
    for (const figure of ["startup", "boot", "memory"])
      assert.match(rel.body!, new RegExp(`^\\| [^|]*${figure}[^|]*\\| [0-9]`, "m"), figure);
    assert.match(readFileSync(join(repo, "BENCHMARK_REPORT.md"), "utf8"), /## Targets/);
    for (const v of out.images.variants) {
      const raw = execFileSync("skopeo", ["inspect", "--tls-verify=false", "--raw", `docker://${image}:2.1.0-${v.variant}`]);
      const digest = `sha256:${execFileSync("sha256sum", { input: raw }).toString().split(" ")[0]}`;
      assert.equal(digest, v.index, `${v.variant}: the tag points at the released index`);
      assert.ok(rel.body!.includes(v.index), `${v.variant}: the notes carry the digest`);
    }
    const names = standIn.state.assets.map((a) => a.name).sort();
    assert.equal(names.filter((a) => a.endsWith(".tar")).length, 6);
    assert.equal(names.filter((a) => a.endsWith(".spdx.json")).length, 6);
    assert.ok(names.includes("SHA256SUMS"));
    const sums = standIn.state.assets.find((a) => a.name === "SHA256SUMS")!.data.toString();
    // The measurements (benchmark-<arch>.json, size-report.json) are assets outside SHA256SUMS; everything else is in it.
    const measurement = (name: string) => /^benchmark-(amd64|arm64)\.json$|^size-report\.json$/.test(name);
    assert.ok(names.includes("benchmark-amd64.json") && names.includes("size-report.json"), names.join(", "));
    for (const a of standIn.state.assets.filter((x) => x.name !== "SHA256SUMS")) {
      const want = execFileSync("sha256sum", { input: a.data }).toString().split(" ")[0];
      if (measurement(a.name)) assert.ok(!sums.includes(`  ${a.name}`), `${a.name} is not in SHA256SUMS`);
      else assert.ok(sums.includes(`${want}  ${a.name}`), a.name);
    }

    // The release is immutable once published: a re-run (the same deterministic build) verifies it.
    const writesBefore = standIn.requests.filter((q) => q.method !== "GET").length;
    // As the README's release example runs it (bench-runs 0): the assets hold no benchmark figure.
    const again = await release(["--tag", "v2.1.0", "--bench-runs", "0"]);
    assert.equal(again.code, 0, again.stderr.slice(-3000));
    assert.equal((JSON.parse(again.stdout) as { release: { action: string } }).release.action, "verified");
    assert.match(again.stderr, /already published with these assets, sha256 verified: nothing changed/);
    assert.equal(standIn.state.releases.length, 1, "one release");
    assert.deepEqual(standIn.state.assets.map((a) => a.name).sort(), names, "the same assets");
    assert.equal(standIn.requests.filter((q) => q.method !== "GET").length, writesBefore, "nothing written to GitHub");
    assertAllValid(standIn);
  });

  it("a pre-release tag makes a prerelease", async () => {
    git("tag", "v2.1.0-rc.1", "v2.1.0");
    // The benchmark is the other tests'; this one is about the release's pre-release flag.
    const r = await release(["--tag", "v2.1.0-rc.1", "--bench-runs", "0"]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const rc = standIn.state.releases.find((x) => x.tag_name === "v2.1.0-rc.1")!;
    assert.equal(rc.prerelease, true);
    assertAllValid(standIn);
  });
});

const need = await needs("registry", "dockerd", "binfmt", "skopeo");

describe("kimigayo release in a private repository, as the README's release job runs it", { skip: need.skip }, () => {
  /** Unique per run, as a GitHub owner's login. */
  const OWNER = `octo-${process.pid.toString(36)}${Date.now().toString(36)}`;
  const REPOSITORY = `${OWNER}/images`;
  const WORKFLOW = ".github/workflows/release.yml";
  const TOKEN = "ghs_private_release_job";
  const READER = { user: "octo-reader", token: "ghs_private_release_reader" };
  /** The README's release job: `permissions: { contents: write, packages: write, id-token: write, attestations: write, pull-requests: read }`. */
  const JOB = { contents: "write", packages: "write", "id-token": "write", attestations: "write", "pull-requests": "read" } as const;
  let ghcr: StrictRegistry;
  let oidc: OidcStandIn;
  let sigstore: LocalSigstore;
  let proxy: InterceptingProxy;
  /** The owner on GitHub Free (attestations of public repositories only) and on GitHub Enterprise Cloud. */
  let free: GitHubStandIn;
  let enterprise: GitHubStandIn;
  let work = "";
  let privateImage = "";

  before(async () => {
    need.check();
    makeRepository();
    work = mkdtempSync(join(tmpdir(), "kimigayo-private-release-"));
    oidc = await startOidcStandIn();
    sigstore = await startLocalSigstore({ issuer: oidc });
    proxy = await startInterceptingProxy(
      Object.fromEntries(Object.entries(ACTIONS_ATTEST_HOSTS).map(([host, service]) => [host, sigstore.listener(service)])),
    );
    const common = {
      token: TOKEN,
      permissions: JOB,
      privateRepositories: [REPOSITORY],
      attestationTrust: sigstore.trustedRoot,
      immutable: true,
    };
    free = await startGitHubStandIn(common);
    enterprise = await startGitHubStandIn({ ...common, privateAttestations: true });
    ghcr = await startStrictRegistry({
      grants: [
        { token: TOKEN, owner: OWNER, packages: "write" },
        { token: READER.token, owner: OWNER, packages: "read" },
      ],
    });
    privateImage = `${ghcr.registry}/${OWNER}/kimigayo`;
  });
  after(async () => {
    await Promise.all([free?.close(), enterprise?.close(), oidc?.close(), sigstore?.close(), proxy?.close(), ghcr?.close()]);
    rmSync(repo, { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** What the runner gives the release job of a push of v2.1.0 in the private repository, with `api` as GitHub's API. */
  const jobEnv = (api: GitHubStandIn): NodeJS.ProcessEnv => {
    const sha = git("rev-parse", "v2.1.0^{commit}");
    const event = { ref: "refs/tags/v2.1.0", repository: { full_name: REPOSITORY, private: true, visibility: "private" } };
    const eventFile = join(work, "event.json");
    writeFileSync(eventFile, JSON.stringify(event));
    const github = {
      repository: REPOSITORY,
      repository_owner: OWNER,
      ref: "refs/tags/v2.1.0",
      ref_type: "tag",
      sha,
      event_name: "push",
      actor: "octo-dev",
      workflow: "Release",
      run_id: "4242",
      run_attempt: "1",
      event,
    };
    return {
      GITHUB_ACTIONS: "true",
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: api.url,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_REPOSITORY_OWNER: OWNER,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REF: "refs/tags/v2.1.0",
      GITHUB_REF_NAME: "v2.1.0",
      GITHUB_SHA: sha,
      GITHUB_EVENT_NAME: "push",
      GITHUB_EVENT_PATH: eventFile,
      GITHUB_WORKFLOW: "Release",
      GITHUB_WORKFLOW_REF: `${REPOSITORY}/${WORKFLOW}@refs/tags/v2.1.0`,
      GITHUB_RUN_ID: "4242",
      GITHUB_RUN_ATTEMPT: "1",
      RUNNER_ENVIRONMENT: "github-hosted",
      KIMIGAYO_REGISTRY_USER: "octo-bot",
      KIMIGAYO_REGISTRY_PASSWORD: TOKEN,
      ...oidc.forJob(claimsForJob(github, WORKFLOW)),
      ...proxy.env,
    };
  };

  /** The image's tags, read with a token of packages: read (the package is private), less the referrers' sha256-… tags. */
  function imageTags(): string[] {
    const r = spawnSync(
      "skopeo",
      ["list-tags", "--tls-verify=false", "--creds", `${READER.user}:${READER.token}`, `docker://${privateImage}`],
      { encoding: "utf8" },
    );
    // distribution answers NAME_UNKNOWN for a repository that holds no tag at all.
    if (r.status !== 0 && /NAME_UNKNOWN|name unknown/i.test(r.stderr)) return [];
    assert.equal(r.status, 0, r.stderr);
    return ((JSON.parse(r.stdout) as { Tags: string[] | null }).Tags ?? []).filter((t) => !/^sha256-[0-9a-f]{64}$/.test(t)).sort();
  }

  it("on a plan without attestations of private repositories (Free, Pro, Team): GitHub's refusal at the first attestation stops the release before any tag moves, no GitHub Release, and says what to do", async () => {
    const fulcioBefore = sigstore.fulcioAnswers.length;
    const r = await release(["--tag", "v2.1.0", "--bench-runs", "0"], jobEnv(free), privateImage);
    assert.equal(r.code, 1, r.stderr.slice(-3000));
    assert.match(r.stderr, /signing with GitHub Actions OIDC via @actions\/attest \(github Sigstore\)/);
    const lines = r.stderr.split("\n");
    assert.equal(lines.filter((l) => / attestation not attached: /.test(l)).length, 1, "one statement tried, then none");
    const error = lines.filter((l) => l.startsWith("error: GitHub stores no attestation"));
    assert.equal(error.length, 1, r.stderr.slice(-3000));
    assert.match(error[0]!, new RegExp(`GitHub stores no attestation of ${REPOSITORY} \\(a private repository\\)`));
    assert.match(error[0]!, /Feature not available for user-owned private repositories/);
    assert.match(
      error[0]!,
      /only on GitHub Enterprise Cloud.*make the repository public, or release without attestations by leaving `id-token: write` out/,
    );
    // Stopped at GitHub's first refusal: one statement signed, not one per image.
    assert.equal(sigstore.fulcioAnswers.length - fulcioBefore, 1, "one signing certificate asked for");
    const creates = free.requests.filter((q) => q.operationId === "repos/create-attestation");
    assert.deepEqual(
      creates.map((q) => q.status),
      [403],
    );
    assert.deepEqual(imageTags(), [], "no tag moved: the images were pushed by digest only");
    assert.equal(free.state.releases.length, 0, "no GitHub Release, not even a draft");
    assertAllValid(free);
  });

  it("on GitHub Enterprise Cloud: signed at GitHub's Sigstore, every attestation stored and attached, the tags moved, the Release published; verify passes with that Sigstore's root", async () => {
    const connectsBefore = proxy.connects.length;
    const r = await release(["--tag", "v2.1.0", "--bench-runs", "0"], jobEnv(enterprise), privateImage);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    assert.match(r.stderr, /signing with GitHub Actions OIDC via @actions\/attest \(github Sigstore\)/);
    // GitHub's instance for a private repository: its Fulcio and timestamp authority, never the public Rekor.
    assert.deepEqual([...new Set(proxy.connects.slice(connectsBefore).map((c) => `${c.target} ${c.intercepted}`))].sort(), [
      "fulcio.githubapp.com:443 true",
      "timestamp.githubapp.com:443 true",
    ]);
    const stored = enterprise.state.attestations.filter((a) => a.owner === OWNER && a.repo === "images");
    // Provenance for each platform manifest and index, the SBOM for each platform manifest: 3 variants.
    assert.equal(stored.length, 3 * (3 + 2));
    for (const a of stored) {
      const vm = (
        a.bundle as { verificationMaterial: { tlogEntries?: unknown[]; timestampVerificationData?: { rfc3161Timestamps?: unknown[] } } }
      ).verificationMaterial;
      assert.equal(vm.tlogEntries?.length ?? 0, 0, "not logged in a public transparency log");
      assert.equal(vm.timestampVerificationData?.rfc3161Timestamps?.length, 1, "an RFC 3161 timestamp instead");
    }
    for (const t of ["2.1.0", "2.1", "2", "latest", "2.1.0-minimal", "minimal", "extended"]) assert.ok(imageTags().includes(t), t);
    const rel = enterprise.state.releases.find((x) => x.tag_name === "v2.1.0");
    assert.ok(rel && !rel.draft, "the Release is published");
    // Every call the release made was within the job's permissions on the private repository (the
    // pull request's author credit needs pull-requests: read here; a public repository needs none).
    assert.deepEqual(
      enterprise.requests.filter((q) => q.status === 403 || q.status === 401).map((q) => `${q.method} ${q.path} ${q.status}`),
      [],
    );
    assert.ok(
      enterprise.requests.some(
        (q) => q.operationId?.startsWith("repos/list-pull-requests-associated-with-commit") || q.operationId?.startsWith("pulls/"),
      ),
      "the notes asked GitHub for the pull request",
    );
    assertAllValid(enterprise);

    const trustedRoot = join(work, "trusted_root.json");
    writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
    const reader = { KIMIGAYO_REGISTRY_USER: READER.user, KIMIGAYO_REGISTRY_PASSWORD: READER.token };
    const identity = ["--repository", REPOSITORY, "--workflow", WORKFLOW, "--ref", "refs/tags/v2.1.0", "--trusted-root", trustedRoot];
    const ok = cli(["verify", `${privateImage}:2.1.0`, ...identity], reader);
    assert.equal(ok.code, 0, ok.stderr.slice(-4000));
    assert.match(ok.stderr, /verified: every check holds/);
  });
});
