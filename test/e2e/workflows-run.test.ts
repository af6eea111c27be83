/**
 * The README's examples and this repository's workflows, run step by step as GitHub's runner runs
 * them (test/support/runner.ts): the non-root `runner` user with passwordless sudo, Node 24, the
 * action unpacked from `git archive HEAD` under _actions/kimigayo/build-action/v2, jobs in order
 * with their matrix entries, artifacts carried between jobs in folders.
 *
 * The examples are read from README.md itself, so the docs cannot drift from what is tested. Two
 * things differ from GitHub, and only these: `ghcr.io/` is replaced by a registry as strict as
 * GHCR (test/support/ghcr-registry.ts: the real docker-registry behind token auth; a new package
 * is private, reached only with the job's GITHUB_TOKEN and the job's `packages:` permission: each
 * release below is a PRIVATE FIRST release), and GitHub's services are stand-ins: the API
 * (OpenAPI-validated, with the attestation API), the OIDC token service (its variables only on jobs
 * granted `id-token: write`) and Sigstore, reached at the names @actions/attest signs at through
 * an HTTPS proxy with its own CA, as on a self-hosted runner behind a TLS-inspecting proxy
 * (test/support/tls-proxy.ts says why). The release job's attestations are signed by the
 * action's own @actions/attest, and `kimigayo verify` checks them against the stand-in's root.
 * `uses: kimigayo/build-action@v2` runs the unpacked action; `uses: ./` in this repository's
 * workflows runs the action from the job's checkout of this repository. Third-party steps are
 * imitated (checkout, artifacts) or skipped (login); their pins and inputs are checked statically
 * (test/unit/pins.test.ts, workflows.test.ts).
 *
 * The runner's BusyBox cache starts as a copy of root's (the toolchain install through sudo from
 * an empty cache is test/e2e/runner.test.ts's), so these jobs do not compile again.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse as parseYaml } from "yaml";
import { sha256 } from "../../src/lib/hash.js";
import { RegistryClient } from "../../src/oci/registry.js";
import type { PublishResult } from "../../src/results/published.js";
import { packagesPermission, startStrictRegistry, type StrictRegistry } from "../support/ghcr-registry.js";
import { assertAllValid, startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";
import { claimsForJob, startOidcStandIn, type OidcStandIn } from "../support/oidc.js";
import { ACTIONS_ATTEST_HOSTS, startLocalSigstore, type LocalSigstore } from "../support/sigstore.js";
import { startInterceptingProxy, type InterceptingProxy } from "../support/tls-proxy.js";
import { githubOrigin } from "../support/github-git.js";
import { needs } from "../support/prerequisites.js";
import {
  RUNNER_HOME,
  RUNNER_WORK,
  assertNoRootOwned,
  checkoutRepository,
  cleanRunnerWork,
  ensureRunnerUser,
  matrixOf,
  node24,
  runWorkflowJob,
  unpackAction,
  type JobResult,
  type WorkflowRunContext,
} from "../support/runner.js";
import { cli, ROOT } from "./fixture.js";

const need = await needs("root", "dockerd", "registry", "binfmt", "musl-amd64", "cross-arm64", "skopeo");

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const TOKEN = "ghs_workflows_run";
const STEP_TIMEOUT = 20 * 60_000;
/** The GHCR stand-in; the job's GITHUB_TOKEN gets its job's `packages:` permission on OWNER's packages. */
let ghcr: StrictRegistry;
/** A token of the test's own, to read OWNER's packages (packages: read). */
const READER = { user: "test-reader", token: "ghs_workflows_run_reader" };
/** Unique per run, with capitals: the workflows must lower-case it. */
const OWNER = `Octo-Org-${process.pid.toString(36)}${Date.now().toString(36)}`;

/** The README's fenced yaml blocks, in order. */
function readmeYaml(): string[] {
  return [...README.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

function readmeBlock(what: string, test: (b: string) => boolean): string {
  const found = readmeYaml().filter(test);
  assert.equal(found.length, 1, `the README has one ${what} example`);
  return found[0]!;
}

/** The one substitution: GitHub's registry becomes the stand-in. */
const localRegistry = (text: string) => text.replaceAll("ghcr.io/", `${ghcr.registry}/`);

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const tail = (j: JobResult) => j.log.replace(/^::debug::.*\n/gm, "").slice(-6000);

/** Every job of a workflow file in `needs` order, each matrix entry in turn; results by job id. */
async function runWorkflow(
  file: string,
  ctx: Omit<WorkflowRunContext, "matrix" | "needs">,
  opts: { only?: string[]; afterJob?: (id: string) => Promise<void> } = {},
): Promise<Map<string, JobResult[]>> {
  const wf = parseYaml(readFileSync(file, "utf8")) as {
    permissions?: unknown;
    jobs: Record<string, { needs?: string | string[]; permissions?: unknown }>;
  };
  const order: string[] = [];
  const visit = (id: string) => {
    if (order.includes(id)) return;
    const n = wf.jobs[id]!.needs;
    for (const d of n === undefined ? [] : Array.isArray(n) ? n : [n]) visit(d);
    order.push(id);
  };
  for (const id of Object.keys(wf.jobs)) visit(id);
  const results = new Map<string, JobResult[]>();
  for (const id of order) {
    if (opts.only && !opts.only.includes(id)) continue;
    const n = wf.jobs[id]!.needs;
    const needIds = n === undefined ? [] : Array.isArray(n) ? n : [n];
    const needsCtx: Record<string, Pick<JobResult, "result" | "outputs">> = {};
    for (const d of needIds) {
      const rs = results.get(d) ?? [];
      assert.ok(rs.length > 0, `${file}: ${id} needs ${d}, which did not run`);
      needsCtx[d] = {
        result: rs.every((r) => r.result === "success") ? "success" : "failure",
        outputs: Object.assign({}, ...rs.map((r) => r.outputs)) as Record<string, string>,
      };
    }
    // This job's GITHUB_TOKEN: its `packages:` permission on the repository owner's packages.
    const token = ctx.secrets?.GITHUB_TOKEN;
    const isFork = ctx.event !== undefined && "pullRequest" in ctx.event && ctx.event.fork === true;
    if (token && ctx.repository) {
      ghcr.grant({ token, owner: ctx.repository.split("/")[0]!.toLowerCase(), packages: packagesPermission(wf, id, { fork: isFork }) });
    }
    // A token issued for the job's permissions (jobPermissions) reaches the owner's packages as
    // its `packages:` permission says, as GHCR lets a job's GITHUB_TOKEN.
    const owner = ctx.repository?.split("/")[0]!.toLowerCase();
    const issueToken = ctx.issueToken;
    const jobCtx: typeof ctx =
      issueToken && owner
        ? {
            ...ctx,
            issueToken: (p) => {
              const issued = issueToken(p);
              ghcr.grant({ token: issued, owner, packages: p.packages });
              return issued;
            },
          }
        : ctx;
    const runs: JobResult[] = [];
    for (const matrix of matrixOf(file, id)) {
      const r = await runWorkflowJob(file, id, { ...jobCtx, matrix, needs: needsCtx });
      assert.equal(r.result === "failure", false, `${file}: job ${id} ${JSON.stringify(matrix)} failed:\n${tail(r)}`);
      runs.push(r);
    }
    results.set(id, runs);
    await opts.afterJob?.(id);
  }
  return results;
}

/** A git repository in `dir` holding `files`, committed, tagged `tags`; a bare copy to clone from. */
function gitRepository(dir: string, files: Record<string, string>, tags: string[] = []): string {
  const git = (...a: string[]) => execFileSync("git", ["-C", join(dir, "src"), ...a], { encoding: "utf8" });
  execFileSync("git", ["init", "-q", "-b", "main", join(dir, "src")]);
  git("config", "user.email", "dev@example.com");
  git("config", "user.name", "Downstream Dev");
  for (const [path, content] of Object.entries(files)) {
    execFileSync("mkdir", ["-p", join(dir, "src", path, "..")]);
    writeFileSync(join(dir, "src", path), content);
  }
  git("add", "-A");
  git("commit", "-q", "-m", "feat: our images");
  for (const t of tags) git("tag", t);
  execFileSync("git", ["clone", "-q", "--bare", join(dir, "src"), join(dir, "origin.git")]);
  return runnersOrigin(join(dir, "origin.git"));
}

/** A bare repository the runner can clone and push to (a job's `git push origin` lands there), refusing what GitHub refuses a GITHUB_TOKEN push. */
function runnersOrigin(bare: string): string {
  githubOrigin(bare);
  execFileSync("chown", ["-R", "runner:runner", bare]);
  return bare;
}

const headOf = (bare: string) =>
  execFileSync("git", ["-c", "safe.directory=*", "-C", bare, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();

/** Every tag of `repo` in the GHCR stand-in and the digest it names, read back with the test's own token, not the machine's credentials. */
async function tagMap(repo: string): Promise<Record<string, string>> {
  const client = new RegistryClient(ghcr.registry, {
    env: {},
    dockerConfig: "/nonexistent/config.json",
    explicit: { username: READER.user, password: READER.token },
  });
  const out: Record<string, string> = {};
  // Image tags only: the referrers fallback tags (sha256-<hex>) move whenever the attest stage attaches an attestation.
  for (const t of (await client.listTags(repo)).filter((x) => !/^sha256-[0-9a-f]{64}$/.test(x)).sort())
    out[t] = (await client.headManifest(repo, t))!.digest;
  return out;
}

/**
 * The tags the release job moved: before it (after the build and merge jobs) the registry holds
 * the tags it held before them; after it, every tag merge deferred names its variant's index.
 */
async function assertTagsAfterRelease(snapshots: Record<string, Record<string, string>>, published: string, repo: string): Promise<void> {
  assert.deepEqual(snapshots.merge, snapshots.build, "after merge no tag has moved");
  const merged = JSON.parse(readFileSync(published, "utf8")) as PublishResult;
  const moved: Record<string, string> = { ...snapshots.merge };
  for (const v of merged.variants) {
    assert.deepEqual(v.tags, [], `${v.variant}: merge moved no tag (defer-tags)`);
    assert.ok((v.deferredTags ?? []).length > 0, `${v.variant}: published.json records its tags`);
    for (const t of v.deferredTags!) moved[t] = v.index;
  }
  assert.deepEqual(snapshots.release, moved, "after the release job every tag is there, on its variant's merged index");
  assert.deepEqual(await tagMap(repo), snapshots.release);
}

/** The tags of `repo` in the GHCR stand-in (a private package: read with the test's own token). */
function registryTags(repo: string): string[] {
  const r = spawnSync(
    "skopeo",
    ["list-tags", "--tls-verify=false", "--creds", `${READER.user}:${READER.token}`, `docker://${ghcr.registry}/${repo}`],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { Tags: string[] }).Tags.sort();
}

describe("the README's examples and this repository's workflows, as the runner runs them", { skip: need.skip }, () => {
  let actionDir = "";
  let work = "";
  let standIn: GitHubStandIn;
  let oidc: OidcStandIn;
  let sigstore: LocalSigstore;
  let proxy: InterceptingProxy;
  let trustedRoot = "";

  /** What the runner and its machine give every job: the proxy's variables; the ID token's to jobs granted it. */
  const services = (): Pick<WorkflowRunContext, "serviceEnv" | "idToken"> => ({
    serviceEnv: proxy.env,
    idToken: (job, workflowPath) => oidc.forJob(claimsForJob(job.github, workflowPath)),
  });

  before(async () => {
    need.check();
    ensureRunnerUser();
    node24();
    actionDir = unpackAction("v2");
    // The runner's cache: a copy of root's (content-addressed), owned by the runner.
    const mine = join(homedir(), ".cache", "kimigayo");
    const theirs = join(RUNNER_HOME, ".cache", "kimigayo");
    rmSync(theirs, { recursive: true, force: true });
    for (const part of ["busybox", "sources"])
      if (existsSync(join(mine, part)))
        cpSync(join(mine, part), join(theirs, part), { recursive: true, filter: (src) => !basename(src).startsWith(".tmp-") });
    execFileSync("chown", ["-R", "runner:runner", join(RUNNER_HOME, ".cache")]);
    oidc = await startOidcStandIn();
    sigstore = await startLocalSigstore({ issuer: oidc });
    proxy = await startInterceptingProxy(
      Object.fromEntries(Object.entries(ACTIONS_ATTEST_HOSTS).map(([host, service]) => [host, sigstore.listener(service)])),
    );
    standIn = await startGitHubStandIn({ token: TOKEN, attestationTrust: sigstore.trustedRoot });
    ghcr = await startStrictRegistry({ grants: [{ token: READER.token, owner: OWNER.toLowerCase(), packages: "read" }] });
    work = mkdtempSync(join(tmpdir(), "kimigayo-workflows-run-"));
    chmodSync(work, 0o755); // the runner pushes to the bare repositories in it
    trustedRoot = join(work, "trusted_root.json");
    writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
  });

  after(async () => {
    await Promise.all([standIn?.close(), oidc?.close(), sigstore?.close(), proxy?.close(), ghcr?.close()]);
    cleanRunnerWork();
    for (const d of ["downstream"]) rmSync(join(RUNNER_WORK, d), { recursive: true, force: true });
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** The context of a job in a downstream repository (`origin`, a bare repository), with the stand-in's API. */
  const downstream = (
    origin: string,
    event: WorkflowRunContext["event"],
    artifacts: string,
  ): Omit<WorkflowRunContext, "matrix" | "needs"> => ({
    artifacts,
    repository: `${OWNER}/images`,
    event,
    sha: headOf(origin),
    apiUrl: standIn.url,
    secrets: { GITHUB_TOKEN: TOKEN },
    // Each job's GITHUB_TOKEN holds its permissions: the stand-in refuses what they do not allow.
    issueToken: (p) => standIn.issueToken(p),
    workspace: join(RUNNER_WORK, "downstream", "downstream"),
    actions: { "kimigayo/build-action@v2": actionDir },
    ...services(),
    checkout: (dir, withs) =>
      checkoutRepository(dir, {
        source: origin,
        fetchDepth: Number(withs["fetch-depth"] ?? "1"),
        ...(event && "tag" in event ? { tag: event.tag } : {}),
      }),
    timeoutMs: STEP_TIMEOUT,
  });

  it("README, release on tag: two platform jobs, merge, the release from their artifacts; one GitHub Release, nothing built in it", async () => {
    const file = join(work, "readme-release.yml");
    writeFileSync(file, localRegistry(readmeBlock("release on tag", (b) => /^name: Release$/m.test(b))));
    const origin = gitRepository(join(work, "release-repo"), { "README.md": "# Our images\n" }, ["v1.0.0"]);
    const artifacts = join(work, "release-artifacts");
    const repo = `${OWNER.toLowerCase()}/kimigayo`;
    const snapshots: Record<string, Record<string, string>> = {};
    const results = await runWorkflow(file, downstream(origin, { tag: "v1.0.0" }, artifacts), {
      afterJob: async (id) => void (snapshots[id] = await tagMap(repo)),
    });

    assert.deepEqual([...results.keys()], ["build", "merge", "release"]);
    assert.equal(results.get("build")!.length, 2, "one build job per platform");
    for (const r of results.get("build")!) assert.ok(r.steps.filter((s) => s.kind === "action").every((s) => s.conclusion === "success"));
    // The image name was lower-cased from the owner's capitals; merge deferred the tags, the release job moved every variant's.
    await assertTagsAfterRelease(snapshots, join(artifacts, "published", "published.json"), repo);
    const tags = registryTags(repo);
    for (const t of ["1.0.0", "1.0", "1", "latest", "minimal", "extended"]) assert.ok(tags.includes(t), `tag ${t} in ${tags.join(", ")}`);

    const release = results.get("release")![0]!;
    const step = release.steps.find((s) => s.kind === "action")!;
    for (const stage of ["busybox", "rootfs", "image", "push-by-digest", "smoke"])
      assert.doesNotMatch(step.result!.log, new RegExp(`▶ ${stage}\\b`), `the release job runs no ${stage} stage`);
    const made = standIn.state.releases.filter((r) => r.owner.toLowerCase() === OWNER.toLowerCase() && r.tag_name === "v1.0.0");
    assert.equal(made.length, 1, "one release");
    assert.equal(step.result!.outputs["release-url"] !== undefined && step.result!.outputs["release-url"] !== "", true);
    const assets = new Map(standIn.state.assets.filter((a) => a.release_id === made[0]!.id).map((a) => [a.name, a.data]));
    const sums = assets.get("SHA256SUMS")?.toString() ?? "";
    for (const arch of ["amd64", "arm64"]) {
      for (const variant of ["minimal", "standard", "extended"]) {
        const tar = `kimigayo-${variant}-${arch}.tar`;
        const uploaded = readFileSync(join(artifacts, `build-${arch}`, "rootfs", tar));
        assert.ok(uploaded.equals(assets.get(tar)!), `${tar}: the platform job's artifact is the release's asset`);
        assert.ok(sums.includes(`${sha256(uploaded)}  ${tar}`), `SHA256SUMS holds ${tar}`);
      }
    }

    // Only the release job (id-token: write) could ask for an ID token; it signed through
    // @actions/attest at public-good's names (the repository is public) and stored each attestation.
    for (const [id, runs] of results)
      for (const r of runs)
        assert.equal(
          "ACTIONS_ID_TOKEN_REQUEST_URL" in r.job!.serviceEnv,
          id === "release",
          `${id}: the OIDC variables only where the permissions grant id-token: write`,
        );
    assert.match(step.result!.log, /signing with GitHub Actions OIDC via @actions\/attest \(public-good Sigstore\)/);
    assert.ok(oidc.requests.length > 0 && oidc.requests.every((q) => q.status === 200 && q.audience === "sigstore"));
    assert.deepEqual([...new Set(proxy.connects.map((c) => `${c.target} ${c.intercepted}`))].sort(), [
      "fulcio.sigstore.dev:443 true",
      "rekor.sigstore.dev:443 true",
    ]);
    const stored = standIn.state.attestations.filter((a) => same(a.owner, OWNER) && a.repo === "images");
    // Provenance for each platform manifest and index, the SBOM for each platform manifest: 3 variants.
    assert.equal(stored.length, 3 * (3 + 2), "every attestation stored with GitHub's attestation API");

    // What the release produced verifies with the stand-in's trusted root and the release job's identity.
    const image = `${ghcr.registry}/${repo}:1.0.0`;
    const reader = { KIMIGAYO_REGISTRY_USER: READER.user, KIMIGAYO_REGISTRY_PASSWORD: READER.token };
    const identity = ["--workflow", ".github/workflows/readme-release.yml", "--ref", "refs/tags/v1.0.0"];
    const ok = cli(["verify", image, "--repository", `${OWNER}/images`, ...identity, "--trusted-root", trustedRoot], reader);
    assert.equal(ok.code, 0, ok.stderr.slice(-4000));
    assert.match(ok.stderr, /verified: every check holds/);
    const other = cli(["verify", image, "--repository", "mallory/images", "--trusted-root", trustedRoot], reader);
    assert.equal(other.code, 1, other.stderr.slice(-4000));
    assert.match(
      other.stderr,
      /signed by another identity \(https:\/\/github\.com\/[^)]*\/images\/\.github\/workflows\/readme-release\.yml@refs\/tags\/v1\.0\.0\): repository/i,
    );
    assertNoRootOwned(join(RUNNER_WORK, "downstream"));
    assertAllValid(standIn);
  });

  it("README, PR size budget: build, size-check against the last release in the registry, then the CLI on PATH", async () => {
    const file = join(work, "readme-size.yml");
    writeFileSync(file, localRegistry(readmeBlock("PR size budget", (b) => /^name: Size budget$/m.test(b))));
    const origin = gitRepository(join(work, "pr-repo"), { "README.md": "# Our images\n" });
    const results = await runWorkflow(file, downstream(origin, { pullRequest: 7 }, join(work, "pr-artifacts")));
    const job = results.get("size")![0]!;
    assert.deepEqual(
      job.steps.map((s) => `${s.kind} ${s.conclusion}`),
      ["imitated success", "run success", "action success", "action success", "run success"],
    );
    // The baseline is the release the previous test published (tag 1.0.0 in the same image).
    const check = job.steps[3]!.result!;
    assert.match(check.log, /1\.0\.0/, "size-check names the last release it compared against");
    const sizes = JSON.parse(readFileSync(join(job.job!.workspace, "sizes.json"), "utf8")) as { status: string; images: unknown[] };
    const built = JSON.parse(readFileSync(join(job.job!.workspace, "out", "build.json"), "utf8")) as { images: unknown[] };
    assert.equal(sizes.status, "pass");
    assert.equal(sizes.images.length, built.images.length, "a row per built image");
    assert.ok(built.images.length >= 3);
    assertNoRootOwned(join(RUNNER_WORK, "downstream"));
  });

  it("README, a downstream custom variant: its config and its two steps, in a repository holding only them", async () => {
    const config = readmeBlock("downstream config", (b) => /^base: builtin/m.test(b));
    const steps = readmeBlock(
      "downstream steps",
      (b) => /^ {6}- uses: kimigayo\/build-action@v2$/m.test(b) && /config: kimigayo\.yml/.test(b),
    );
    const file = join(work, "readme-downstream.yml");
    writeFileSync(
      file,
      `name: downstream\non: push\njobs:\n  web:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0\n${steps}`,
    );
    const origin = gitRepository(join(work, "web-repo"), {
      "kimigayo.yml": config,
      "httpd.conf": "H:/srv/www\n",
    });
    const results = await runWorkflow(file, downstream(origin, { branch: "main" }, join(work, "web-artifacts")));
    const job = results.get("web")![0]!;
    assert.deepEqual(
      job.steps.map((s) => `${s.kind} ${s.conclusion}`),
      ["imitated success", "action success", "action success"],
    );
    const report = JSON.parse(readFileSync(join(job.job!.workspace, "out", "size-report.json"), "utf8")) as {
      status: string;
      images: { variant: string; platform: string; status: string }[];
    };
    assert.deepEqual(
      report.images.map((i) => `${i.variant} ${i.platform} ${i.status}`),
      ["web linux/amd64 pass"],
    );
    const tar = readdirSync(join(job.job!.workspace, "out", "rootfs"));
    assert.deepEqual(tar, ["kimigayo-web-amd64.tar"]);
    const listing = execFileSync("tar", ["-tvf", join(job.job!.workspace, "out", "rootfs", tar[0]!)], { encoding: "utf8" });
    assert.match(listing, /etc\/httpd\.conf/, "the repository's httpd.conf is in the image");
    assert.match(listing, /usr\/sbin\/httpd|bin\/httpd/, "httpd is an applet of the image");
  });

  it("this repository's ci.yml (the action job, per runner architecture) and pr-size-budget.yml (a fork's pull request)", async () => {
    const mirror = join(work, "self-ci.git");
    execFileSync("git", ["clone", "-q", "--bare", ROOT, mirror]);
    runnersOrigin(mirror);
    const common = {
      repository: `${OWNER}/build-action`,
      sha: headOf(mirror),
      apiUrl: standIn.url,
      secrets: { GITHUB_TOKEN: TOKEN },
      issueToken: (p: Parameters<GitHubStandIn["issueToken"]>[0]) => standIn.issueToken(p),
      checkout: (dir: string, withs: Record<string, string>) =>
        checkoutRepository(dir, { source: mirror, fetchDepth: Number(withs["fetch-depth"] ?? "1") }),
      timeoutMs: STEP_TIMEOUT,
    };
    // ci.yml's other jobs run npm and the test suite, not the action: only `action` is run here.
    const ci = await runWorkflow(
      join(ROOT, ".github/workflows/ci.yml"),
      { ...common, artifacts: join(work, "ci-artifacts"), event: { branch: "main" } },
      { only: ["action"] },
    );
    const jobs = ci.get("action")!;
    assert.equal(jobs.length, 2, "one action job per runner architecture");
    for (const j of jobs) {
      assert.deepEqual(
        j.steps.map((s) => `${s.kind} ${s.conclusion}`),
        ["imitated success", "action success", "action success", "run success"],
      );
    }

    const artifacts = join(work, "pr-budget-artifacts");
    const pr = await runWorkflow(join(ROOT, ".github/workflows/pr-size-budget.yml"), {
      ...common,
      artifacts,
      event: { pullRequest: 42, fork: true },
    });
    const job = pr.get("size-check")![0]!;
    assert.deepEqual(
      job.steps.map((s) => `${s.kind} ${s.conclusion}`),
      ["imitated success", "run success", "action success", "action success", "imitated success"],
    );
    // What pr-size-comment.yml reads: the number and the report, from the artifact.
    assert.equal(readFileSync(join(artifacts, "size-report", "pr-number"), "utf8").trim(), "42");
    const report = JSON.parse(readFileSync(join(artifacts, "size-report", "size-report.json"), "utf8")) as { status: string };
    assert.equal(report.status, "pass");
    assert.match(readFileSync(join(artifacts, "size-report", "size-report.md"), "utf8"), /^<!-- kimigayo-size-check -->/);
  });

  it("this repository's release.yml: every job in order (uses: ./ at each step), then the major tag moved", async () => {
    const file = join(work, "release.yml");
    writeFileSync(file, localRegistry(readFileSync(join(ROOT, ".github/workflows/release.yml"), "utf8")));
    const mirror = join(work, "self.git");
    execFileSync("git", ["clone", "-q", "--bare", ROOT, mirror]);
    // The release is tagged on the default branch: main is HEAD here (the checkout's main may be elsewhere).
    execFileSync("git", [
      "-C",
      mirror,
      "update-ref",
      "refs/heads/main",
      execFileSync("git", ["-C", ROOT, "rev-parse", "HEAD"], { encoding: "utf8" }).trim(),
    ]);
    execFileSync("git", ["-C", mirror, "symbolic-ref", "HEAD", "refs/heads/main"]);
    runnersOrigin(mirror);
    const artifacts = join(work, "self-artifacts");
    // The tag of the version configs/kimigayo.yml builds (another fails merge, tested elsewhere).
    const version = (parseYaml(readFileSync(join(ROOT, "configs/kimigayo.yml"), "utf8")) as { version: string }).version;
    const tag = `v${version}`;
    const [major, minor] = version.split(".");
    const sha = headOf(mirror);
    const repo = `${OWNER.toLowerCase()}/kimigayo`;
    const snapshots: Record<string, Record<string, string>> = {};
    const results = await runWorkflow(
      file,
      {
        artifacts,
        repository: `${OWNER}/build-action`,
        event: { tag },
        sha,
        apiUrl: standIn.url,
        secrets: { GITHUB_TOKEN: TOKEN },
        ...services(),
        issueToken: (p) => standIn.issueToken(p),
        checkout: (dir, withs) => checkoutRepository(dir, { source: mirror, fetchDepth: Number(withs["fetch-depth"] ?? "1"), tag }),
        timeoutMs: STEP_TIMEOUT,
      },
      { afterJob: async (id) => void (snapshots[id] = await tagMap(repo)) },
    );
    assert.deepEqual([...results.keys()], ["build", "merge", "release", "major", "changelog"]);
    const actionSteps = [...results.values()].flat().flatMap((j) => j.steps.filter((s) => s.kind === "action"));
    assert.equal(actionSteps.length, 2 * 3 + 1 + 1 + 1, "build, size-check and publish per platform; merge; release; changelog");
    assert.ok(actionSteps.every((s) => s.conclusion === "success"));
    await assertTagsAfterRelease(snapshots, join(artifacts, "published", "published.json"), repo);
    const tags = registryTags(repo);
    for (const t of [version, `${major}.${minor}`, major!, "latest"]) assert.ok(tags.includes(t), `tag ${t} in ${tags.join(", ")}`);
    assert.equal(standIn.state.releases.filter((r) => r.repo === "build-action" && r.tag_name === tag).length, 1, "one release");
    assert.equal(
      standIn.state.attestations.filter((a) => same(a.owner, OWNER) && a.repo === "build-action").length,
      3 * (3 + 2),
      "the release job's attestations, signed by the action's @actions/attest, stored with GitHub's attestation API",
    );
    // The major job pushed vX to the repository it checked out: the release's tree without
    // .github/workflows, on top of the release's commit (test/e2e/major-tag.test.ts has why).
    const git = (...a: string[]) => execFileSync("git", ["-c", "safe.directory=*", "-C", mirror, ...a], { encoding: "utf8" });
    assert.equal(git("rev-parse", `refs/tags/v${major}^{commit}^@`).trim(), sha);
    assert.equal(git("ls-tree", "-r", "--name-only", `refs/tags/v${major}`, "--", ".github/workflows"), "");
    assert.notEqual(git("ls-tree", `refs/tags/v${major}`, "--", "action.yml"), "");
    // The changelog job committed the release's section to the default branch it checked out.
    assert.equal(git("log", "-1", "--format=%s", "main").trim(), `chore(release): CHANGELOG for ${tag}`);
    // "## [X.Y.Z](compare link) (date)", or "## X.Y.Z (date)" for a first release (nothing to compare with).
    assert.match(git("show", "main:CHANGELOG.md"), new RegExp(`^## \\[?${version.replaceAll(".", "\\.")}\\b`, "m"));
    assertAllValid(standIn);
  });
});
