/**
 * The release spread over jobs, as .github/workflows/release.yml runs it, with the CLI the
 * action runs: two platform jobs (each its own build folder: build, publish --by-digest --smoke),
 * their artifacts copied into another folder as upload/download-artifact would, a merge job
 * (every index, then the tags; published.json), and a release job that starts from those
 * artifacts (release --from-published): the notes, every rootfs tar, the SBOMs and SHA256SUMS
 * in one GitHub Release (the OpenAPI-validated stand-in), and no build stage in its log. The
 * images go to a PRIVATE first package on the GHCR stand-in (test/support/ghcr-registry.ts): every
 * job reaches the registry only with its token (KIMIGAYO_REGISTRY_USER/_PASSWORD), smoke included.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { sha256 } from "../../src/lib/hash.js";
import { startStrictRegistry, type StrictRegistry } from "../support/ghcr-registry.js";
import { assertAllValid, startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";
import { needs } from "../support/prerequisites.js";
import { cliAsync, ROOT } from "./fixture.js";

const need = await needs("registry", "dockerd", "binfmt", "musl-amd64", "cross-arm64");
/** The owner's packages, on a registry as strict as GHCR: private, reached only with the job's token. */
const OWNER = `topology-${process.pid}-${Date.now().toString(36)}`;
let image = "";
let ghcr: StrictRegistry;
const PLATFORMS = [
  ["linux/amd64", "amd64"],
  ["linux/arm64", "arm64"],
] as const;

let work = "";
let repo = "";
let standIn: GitHubStandIn;

/** The job environment: a tag push of v2.1.0 in `repo`, GitHub's API at the stand-in. */
const jobEnv = (): NodeJS.ProcessEnv => ({
  GITHUB_REF: "refs/tags/v2.1.0",
  GITHUB_REF_NAME: "v2.1.0",
  GITHUB_EVENT_NAME: "push",
  GITHUB_EVENT_PATH: "",
  GITHUB_SHA: "",
  GITHUB_REPOSITORY: "kimigayo/kimigayo",
  GITHUB_SERVER_URL: "https://github.com",
  GITHUB_API_URL: standIn.url,
  GITHUB_TOKEN: "",
  // The jobs' `username: github.actor` and `password: secrets.GITHUB_TOKEN` (packages: write).
  KIMIGAYO_REGISTRY_USER: "release-bot",
  KIMIGAYO_REGISTRY_PASSWORD: "ghs_topology",
});

const kimigayo = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
  const r = await cliAsync([...args, "--config", join(repo, "configs/kimigayo.yml"), "--json"], { ...jobEnv(), ...extra }, repo);
  return { ...r, log: r.stderr };
};

describe("the spread-out release: platform jobs, merge, release from artifacts", { skip: need.skip }, () => {
  beforeEach(need.check);
  before(async () => {
    standIn = await startGitHubStandIn({ token: "ghs_topology", immutable: true });
    ghcr = await startStrictRegistry({ grants: [{ token: "ghs_topology", owner: OWNER, packages: "write" }] });
    image = `${ghcr.registry}/${OWNER}/kimigayo`;
    work = mkdtempSync(join(tmpdir(), "kimigayo-topology-"));
    repo = join(work, "repo");
    mkdirSync(repo);
    cpSync(join(ROOT, "configs"), join(repo, "configs"), { recursive: true });
    const git = (...a: string[]) => execFileSync("git", a, { cwd: repo, encoding: "utf8" });
    git("init", "-q", "-b", "main");
    git("config", "user.email", "ci@example.com");
    git("config", "user.name", "Release Bot");
    git("add", ".");
    git("commit", "-q", "-m", "feat: Kimigayo 2.1.0");
    git("tag", "v2.1.0");
  });
  after(async () => {
    await standIn?.close();
    await ghcr?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("ends in one GitHub Release whose assets match the platform jobs' artifacts, built by no release stage", async () => {
    const artifacts = join(work, "artifacts");
    // The platform jobs, each in its own folder (its own runner), uploading what release.yml uploads.
    for (const [platform, arch] of PLATFORMS) {
      const out = join(work, `job-${arch}`, "out");
      const build = await kimigayo(["build", "--platform", platform, "--engine", "oci", "--out", out]);
      assert.equal(build.code, 0, build.log.slice(-3000));
      const push = await kimigayo(["publish", "--by-digest", "--platform", platform, "--image", image, "--out", out, "--smoke"]);
      assert.equal(push.code, 0, push.log.slice(-3000));
      const pushed = JSON.parse(push.stdout) as { digests: unknown[]; smoke: { platform: string }[] };
      assert.equal(pushed.digests.length, 3, `${platform}: a digest file per variant`);
      assert.deepEqual(
        pushed.smoke.map((s) => s.platform),
        [platform, platform, platform],
        "each image smoke-tested on its own job",
      );
      const upload = join(artifacts, `build-${arch}`);
      for (const p of ["build.json", "rootfs", "sbom", "digests"]) cpSync(join(out, p), join(upload, p), { recursive: true });
      // The job's own folder is gone once the job ends: only the artifacts remain.
      rmSync(join(work, `job-${arch}`), { recursive: true, force: true });
    }

    // The merge job: every variant's index and the tags, from the downloaded artifacts.
    const merge = await kimigayo(["merge", "--image", image, "--digests", artifacts, "--out", join(work, "merged")]);
    assert.equal(merge.code, 0, merge.log.slice(-3000));
    const merged = JSON.parse(merge.stdout) as { variants: { variant: string; index: string; tags: string[] }[] };
    assert.deepEqual(merged.variants.map((v) => v.variant).sort(), ["extended", "minimal", "standard"]);
    assert.ok(merged.variants.find((v) => v.variant === "standard")!.tags.includes("2.1.0"));
    cpSync(join(work, "merged", "published.json"), join(artifacts, "published", "published.json"));

    // The release job: a fresh folder, the artifacts, a token; it must build and push nothing.
    const requestsBefore = standIn.requests.length;
    const rel = await kimigayo(
      [
        "release",
        "--tag",
        "v2.1.0",
        "--image",
        image,
        "--from-published",
        artifacts,
        "--bench-runs",
        "0",
        "--out",
        join(work, "release-out"),
      ],
      { GITHUB_TOKEN: "ghs_topology" },
    );
    assert.equal(rel.code, 0, rel.log.slice(-4000));
    for (const stage of ["source", "busybox", "rootfs", "sbom", "image", "build-json", "push-by-digest", "smoke", "bench", "tag"]) {
      assert.match(rel.log, new RegExp(`⏭ ${stage}: skipped \\(`), `${stage} is skipped with its reason`);
      assert.doesNotMatch(rel.log, new RegExp(`▶ ${stage}\\b`), `${stage} does not run`);
    }
    assert.doesNotMatch(rel.log, /make -C|building \d+ image/, "no compile");
    assert.match(rel.log, /▶ size-check/);
    assert.ok(standIn.requests.length > requestsBefore);

    assert.equal(standIn.state.releases.length, 1, "one release");
    const release = standIn.state.releases[0]!;
    assert.equal(release.tag_name, "v2.1.0");
    for (const v of merged.variants) assert.ok(release.body!.includes(v.index), `the notes carry ${v.variant}'s index digest`);
    assert.match(release.body!, /## Image sizes/);

    const assets = new Map(standIn.state.assets.map((a) => [a.name, a.data]));
    const want: string[] = [];
    for (const [, arch] of PLATFORMS) {
      for (const variant of ["minimal", "standard", "extended"]) {
        const tar = `kimigayo-${variant}-${arch}.tar`;
        const sbom = `kimigayo-${variant}-${arch}.spdx.json`;
        want.push(tar, sbom);
        assert.ok(
          readFileSync(join(artifacts, `build-${arch}`, "rootfs", tar)).equals(assets.get(tar)!),
          `${tar} is the platform job's artifact`,
        );
        assert.ok(
          readFileSync(join(artifacts, `build-${arch}`, "sbom", sbom)).equals(assets.get(sbom)!),
          `${sbom} is the platform job's artifact`,
        );
      }
    }
    assert.deepEqual([...assets.keys()].sort(), [...want, "SHA256SUMS"].sort());
    const sums = assets.get("SHA256SUMS")!.toString();
    for (const name of want) assert.ok(sums.includes(`${sha256(assets.get(name)!)}  ${name}`), `SHA256SUMS holds ${name}'s hash`);
    assert.equal(release.draft, false, "published once every asset was there");

    // The release job re-run (the stand-in is in GitHub's immutable mode): verified, nothing written.
    const writes = () => standIn.requests.filter((q) => q.method !== "GET").length;
    const writesBefore = writes();
    const again = await kimigayo(
      [
        "release",
        "--tag",
        "v2.1.0",
        "--image",
        image,
        "--from-published",
        artifacts,
        "--bench-runs",
        "0",
        "--out",
        join(work, "release-again"),
      ],
      { GITHUB_TOKEN: "ghs_topology" },
    );
    assert.equal(again.code, 0, again.log.slice(-4000));
    assert.match(again.log, /already published with these assets, sha256 verified: nothing changed/);
    assert.equal(writes(), writesBefore, "nothing written to GitHub");
    assert.equal(standIn.state.releases.length, 1);
    assertAllValid(standIn);
  });

  it("bad input: artifacts without published.json, or published to another image, exit 2 before any GitHub call", async () => {
    const empty = join(work, "empty");
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, "README"), "no artifacts here\n");
    const before = standIn.requests.length;
    const none = await kimigayo(["release", "--tag", "v2.1.0", "--image", image, "--from-published", empty, "--out", join(work, "o1")], {
      GITHUB_TOKEN: "ghs_topology",
    });
    assert.equal(none.code, 2, none.log);
    assert.match(none.log, /expected one published\.json \(written by `kimigayo merge --out`\), found none/);
    const other = await kimigayo(
      [
        "release",
        "--tag",
        "v2.1.0",
        "--image",
        `${ghcr.registry}/elsewhere/kimigayo`,
        "--from-published",
        join(work, "artifacts"),
        "--out",
        join(work, "o2"),
      ],
      { GITHUB_TOKEN: "ghs_topology" },
    );
    assert.equal(other.code, 2, other.log);
    assert.ok(other.log.includes(`the images were published to ${image}, not ${ghcr.registry}/elsewhere/kimigayo`), other.log);
    assert.equal(standIn.requests.length, before, "no GitHub call");
  });
});
