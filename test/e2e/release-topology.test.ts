/**
 * The release spread over jobs, as .github/workflows/release.yml runs it, with the CLI the
 * action runs: two platform jobs (each its own build folder: build, publish --by-digest --smoke),
 * their artifacts copied into another folder as upload/download-artifact would, a merge job
 * (every index by digest, tags deferred: published.json records them), and a release job that
 * starts from those artifacts (release --from-published): attest, notes, assets, then the tags,
 * then every rootfs tar, the SBOMs and SHA256SUMS in one GitHub Release (the OpenAPI-validated
 * stand-in), and no build stage in its log. An attestation that fails (the job's OIDC token
 * endpoint answering 500) leaves every tag in the registry where it was and makes no release.
 * The images go to a PRIVATE first package on the GHCR stand-in (test/support/ghcr-registry.ts):
 * every job reaches the registry only with its token (KIMIGAYO_REGISTRY_USER/_PASSWORD), smoke included.
 * Each platform job also benchmarks its own platform (`bench`, one run of startup against the
 * references: amd64 natively, arm64 under QEMU on this amd64 machine, labelled so) and uploads its
 * benchmark.json. A previous release, v2.0.0, is published earlier in the test through the same
 * release code (src/github/releases.ts) with benchmark-<arch>.json assets 25 % slower than the
 * figures measured here and a size report 1000 B smaller per image; the v2.1.0 release's notes then
 * hold both platforms' figures with their change against it, and its assets both benchmark.json files.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import { sha256 } from "../../src/lib/hash.js";
import { githubClient } from "../../src/github/client.js";
import { publishRelease } from "../../src/github/releases.js";
import type { BenchmarkEntry } from "../../src/results/benchmark.js";
import { RegistryClient } from "../../src/oci/registry.js";
import { computeTags, plannedTags, tagOrder } from "../../src/publish/tags.js";
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

/** The registry read back, no credentials of the machine: every tag of the image and the digest it names. */
const registry = () =>
  RegistryClient.forReference(image, {
    env: {},
    dockerConfig: "/nonexistent/config.json",
    explicit: { username: "release-bot", password: "ghs_topology" },
  });
async function tagMap(): Promise<Record<string, string>> {
  const { client, repository } = registry();
  const out: Record<string, string> = {};
  for (const t of (await client.listTags(repository)).sort()) out[t] = (await client.headManifest(repository, t))!.digest;
  return out;
}

/** A stand-in of the job's OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL) that answers 500 to every request. */
async function failingOidc(): Promise<{ env: NodeJS.ProcessEnv; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: "the token service is unavailable" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_apis/token`;
  return {
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-request-token" },
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const releaseArgs = (artifacts: string, out: string) => [
  "release",
  "--tag",
  "v2.1.0",
  "--image",
  image,
  "--from-published",
  artifacts,
  "--out",
  out,
];

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
    git("commit", "-q", "--allow-empty", "-m", "feat: Kimigayo 2.0.0");
    git("tag", "v2.0.0");
    git("add", ".");
    git("commit", "-q", "-m", "feat: Kimigayo 2.1.0");
    git("tag", "v2.1.0");
  });
  after(async () => {
    await standIn?.close();
    await ghcr?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("ends in one GitHub Release whose assets match the platform jobs' artifacts, built by no release stage; no tag moves before the release job has attested", async () => {
    const artifacts = join(work, "artifacts");
    const pushedDigests: string[] = [];
    // The platform jobs, each in its own folder (its own runner), uploading what release.yml uploads.
    for (const [platform, arch] of PLATFORMS) {
      const out = join(work, `job-${arch}`, "out");
      const build = await kimigayo(["build", "--platform", platform, "--engine", "oci", "--out", out]);
      assert.equal(build.code, 0, build.log.slice(-3000));
      const push = await kimigayo(["publish", "--by-digest", "--platform", platform, "--image", image, "--out", out, "--smoke"]);
      assert.equal(push.code, 0, push.log.slice(-3000));
      const pushed = JSON.parse(push.stdout) as { digests: { digest: string }[]; smoke: { platform: string }[] };
      pushedDigests.push(...pushed.digests.map((d) => d.digest));
      assert.equal(pushed.digests.length, 3, `${platform}: a digest file per variant`);
      assert.deepEqual(
        pushed.smoke.map((s) => s.platform),
        [platform, platform, platform],
        "each image smoke-tested on its own job",
      );
      // The job's benchmark of its own platform: one run of startup against the references.
      const bench = await kimigayo([
        "bench",
        "--platform",
        platform,
        "--runs",
        "1",
        "--only",
        "startup",
        "--out",
        out,
        "--report",
        join(out, "BENCHMARK_REPORT.md"),
      ]);
      assert.equal(bench.code, 0, bench.log.slice(-3000));
      const measured = JSON.parse(readFileSync(join(out, "bench", "benchmark.json"), "utf8")) as BenchmarkEntry[];
      const how = arch === "amd64" ? "native" : "emulated (QEMU)";
      assert.ok(
        measured.length > 0 && measured.every((e) => e.extra?.includes(`; ${platform} ${how};`)),
        `${platform}'s figures say ${how}`,
      );
      const upload = join(artifacts, `build-${arch}`);
      for (const p of ["build.json", "rootfs", "sbom", "digests", "bench/benchmark.json"])
        cpSync(join(out, p), join(upload, p), { recursive: true });
      // The job's own folder is gone once the job ends: only the artifacts remain.
      rmSync(join(work, `job-${arch}`), { recursive: true, force: true });
    }

    // An older release's tags in the registry (2, latest and the variant aliases on another
    // image): what a release that fails must leave exactly as it was.
    const { client, repository } = registry();
    const older = await client.getManifest(repository, pushedDigests[0]!);
    for (const t of ["2.0.0", "2", "latest", "minimal", "standard", "extended", "2-minimal"])
      await client.putManifest(repository, t, older.bytes, older.mediaType);
    const before = await tagMap();
    assert.equal(before.latest, older.digest);

    // The merge job, as release.yml runs it: every variant's index by digest, the tags deferred.
    const merge = await kimigayo(["merge", "--image", image, "--digests", artifacts, "--out", join(work, "merged"), "--defer-tags"]);
    assert.equal(merge.code, 0, merge.log.slice(-3000));
    const merged = JSON.parse(merge.stdout) as { variants: { variant: string; index: string; tags: string[]; deferredTags?: string[] }[] };
    assert.deepEqual(merged.variants.map((v) => v.variant).sort(), ["extended", "minimal", "standard"]);
    const plan = computeTags(
      { kind: "tag", ref: "v2.1.0", existingTags: ["v2.1.0"] },
      (await loadConfig(join(repo, "configs/kimigayo.yml"))).variants,
    );
    for (const v of merged.variants) {
      assert.deepEqual(v.tags, [], `${v.variant}: merge moved no tag`);
      assert.deepEqual(v.deferredTags, plannedTags(plan, v.variant), `${v.variant}: published.json records the tags it is to get`);
      assert.ok((await client.headManifest(repository, v.index)) !== undefined, `${v.variant}'s index is in by digest`);
    }
    assert.deepEqual(await tagMap(), before, "after merge no tag has moved");
    cpSync(join(work, "merged", "published.json"), join(artifacts, "published", "published.json"));

    // The previous release, v2.0.0, as the release job publishes one: its benchmark-<arch>.json
    // 25 % slower than the figures measured here, its size report 1000 B smaller per image.
    const prevDir = join(work, "v2.0.0-assets");
    mkdirSync(prevDir, { recursive: true });
    const prevFiles: [string, string][] = [];
    for (const [, arch] of PLATFORMS) {
      const entries = JSON.parse(readFileSync(join(artifacts, `build-${arch}`, "bench", "benchmark.json"), "utf8")) as BenchmarkEntry[];
      const slower = entries.map((e) => ({
        ...e,
        value: Number((e.value * 1.25).toPrecision(6)),
        extra: (e.extra ?? "").replace(/min=([0-9.e+-]+)/, (_, m: string) => `min=${Number((Number(m) * 1.25).toPrecision(6))}`),
      }));
      prevFiles.push([`benchmark-${arch}.json`, JSON.stringify(slower)]);
    }
    const sizes = new Map<string, number>();
    for (const [, arch] of PLATFORMS) {
      const b = JSON.parse(readFileSync(join(artifacts, `build-${arch}`, "build.json"), "utf8")) as {
        images: { variant: string; platform: string; rootfs: { tar: string } }[];
      };
      for (const i of b.images)
        sizes.set(
          `${i.variant} ${i.platform}`,
          readFileSync(join(artifacts, `build-${arch}`, "rootfs", `kimigayo-${i.variant}-${arch}.tar`)).length,
        );
    }
    prevFiles.push([
      "size-report.json",
      JSON.stringify({
        schemaVersion: 3,
        version: "2.0.0",
        images: [...sizes].map(([k, bytes]) => ({
          variant: k.split(" ")[0],
          platform: k.split(" ")[1],
          uncompressed: bytes - 1000,
          compressed: null,
        })),
      }),
    ]);
    for (const [name, text] of prevFiles) writeFileSync(join(prevDir, name), text);
    writeFileSync(join(prevDir, "SHA256SUMS"), prevFiles.map(([name, text]) => `${sha256(Buffer.from(text))}  ${name}\n`).join(""));
    await publishRelease({
      client: githubClient({
        token: "ghs_topology",
        apiUrl: standIn.url,
        log: { info() {}, warn() {}, error() {}, debug() {}, step: () => () => {}, progress() {} },
      }),
      owner: "kimigayo",
      repo: "kimigayo",
      tag: "v2.0.0",
      name: "Kimigayo OS 2.0.0",
      body: "Kimigayo OS 2.0.0",
      prerelease: false,
      assets: [...prevFiles.map(([n]) => n), "SHA256SUMS"].map((name) => ({
        name,
        path: join(prevDir, name),
        contentType: "application/json",
      })),
    });
    assert.equal(standIn.state.releases.length, 1);

    // The release job, its attestations failing (the OIDC token endpoint answers 500): exit 1,
    // every tag where it was, no GitHub Release.
    const oidc = await failingOidc();
    try {
      const failed = await kimigayo(releaseArgs(artifacts, join(work, "release-failed")), { GITHUB_TOKEN: "ghs_topology", ...oidc.env });
      assert.equal(failed.code, 1, failed.log.slice(-4000));
      assert.match(failed.log, /▶ attest/);
      assert.match(failed.log, /\d+ attestation\(s\) not attached:\n {2}\w+ (linux\/amd64|linux\/arm64|index) /);
      assert.ok(oidc.requests() > 0, "attest asked the OIDC endpoint for the job's identity");
      for (const stage of ["notes", "assets", "tag", "github-release"])
        assert.doesNotMatch(failed.log, new RegExp(`▶ ${stage}\\b`), `${stage} does not run after a failed attest`);
    } finally {
      await oidc.close();
    }
    assert.deepEqual(await tagMap(), before, "an attestation failure leaves every registry tag where it was");
    assert.equal(standIn.state.releases.length, 1, "and makes no GitHub Release");

    // The release job again, without an OIDC identity (attest skipped, saying why): a fresh
    // folder, the artifacts, a token; it builds and pushes nothing, and moves the tags.
    const requestsBefore = standIn.requests.length;
    const rel = await kimigayo(releaseArgs(artifacts, join(work, "release-out")), { GITHUB_TOKEN: "ghs_topology" });
    assert.equal(rel.code, 0, rel.log.slice(-4000));
    for (const stage of ["source", "busybox", "rootfs", "sbom", "image", "build-json", "push-by-digest", "smoke", "bench"]) {
      assert.match(rel.log, new RegExp(`⏭ ${stage}: skipped \\(`), `${stage} is skipped with its reason`);
      assert.doesNotMatch(rel.log, new RegExp(`▶ ${stage}\\b`), `${stage} does not run`);
    }
    assert.match(rel.log, /⏭ attest: skipped \(no OIDC identity/);
    assert.doesNotMatch(rel.log, /make -C|building \d+ image/, "no compile");
    assert.match(rel.log, /▶ size-check/);
    const at = (stage: string) => rel.log.search(new RegExp(`▶ ${stage}\\b`));
    assert.ok(
      at("notes") >= 0 && at("notes") < at("assets") && at("assets") < at("tag") && at("tag") < at("github-release"),
      "notes, assets, then the tags, then the GitHub Release",
    );
    assert.ok(standIn.requests.length > requestsBefore);

    // Every planned tag is on its variant's merged index; the older release's other tags stay.
    const index = new Map(merged.variants.map((v) => [v.variant, v.index]));
    const after = await tagMap();
    const moved = { ...before, ...Object.fromEntries(tagOrder(plan).map((m) => [m.tag, index.get(m.variant)!])) };
    assert.deepEqual(after, moved, "after the release job every tag is there");
    assert.equal(after["2.0.0"], older.digest);

    assert.equal(standIn.state.releases.length, 2, "one release besides v2.0.0");
    const release = standIn.state.releases.find((r) => r.tag_name === "v2.1.0")!;
    assert.equal(release.tag_name, "v2.1.0");
    for (const v of merged.variants) assert.ok(release.body!.includes(v.index), `the notes carry ${v.variant}'s index digest`);
    // Both platforms' figures and their change against v2.0.0, arm64's labelled QEMU; each size's change.
    const body = release.body!;
    assert.match(
      rel.log,
      /compared with the GitHub Release v2\.0\.0: linux\/amd64 \(native\), linux\/arm64 \(emulated \(QEMU\)\); its size report/,
    );
    assert.match(body, /## Benchmarks against v2\.0\.0/);
    assert.match(body, /## Image sizes against v2\.0\.0/);
    assert.match(body, /\| standard amd64 \| [\d\u202f]+\u00a0B \| \+1\u202f000\u00a0B \(\+0\.\d+\u00a0%\) \|/);
    assert.match(body, /\| standard arm64 \| [\d\u202f]+\u00a0B \| \+1\u202f000\u00a0B \(\+0\.\d+\u00a0%\) \|/);
    for (const [platform, how] of [
      ["linux/amd64", "native"],
      ["linux/arm64", "emulated \\(QEMU\\)"],
    ]) {
      assert.match(body, new RegExp(`### ${platform} \\(${how}\\): none slower, \\d+ faster`), `${platform}: the verdict first`);
    }
    assert.equal((body.match(/\| startup \| [\d.\u202f]+\u00a0ms \| 🟢 −20\.0\u00a0% \| 10\.0\u00a0% \|/g) ?? []).length, 2, body);
    assert.match(body, /Benchmark, \*\*amd64, native\*\* against v2\.0\.0: faster startup/);
    assert.match(body, /Benchmark, \*\*arm64, QEMU\*\* against v2\.0\.0: faster startup/);

    const assets = new Map(standIn.state.assets.filter((a) => a.release_id === release.id).map((a) => [a.name, a.data]));
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
    for (const [, arch] of PLATFORMS) {
      const name = `benchmark-${arch}.json`;
      want.push(name);
      assert.deepEqual(
        JSON.parse(assets.get(name)!.toString()),
        JSON.parse(readFileSync(join(artifacts, `build-${arch}`, "bench", "benchmark.json"), "utf8")),
        `${name} is the platform job's benchmark.json`,
      );
    }
    want.push("size-report.json");
    assert.deepEqual([...assets.keys()].sort(), [...want, "SHA256SUMS"].sort());
    const sums = assets.get("SHA256SUMS")!.toString();
    for (const name of want) {
      if (/^benchmark-|^size-report/.test(name)) assert.ok(!sums.includes(name), `${name} is a measurement, outside SHA256SUMS`);
      else assert.ok(sums.includes(`${sha256(assets.get(name)!)}  ${name}`), `SHA256SUMS holds ${name}'s hash`);
    }
    assert.equal(release.draft, false, "published once every asset was there");

    // The release job re-run (the stand-in is in GitHub's immutable mode): verified, nothing
    // written; the tags moved again onto the same indexes.
    const writes = () => standIn.requests.filter((q) => q.method !== "GET").length;
    const writesBefore = writes();
    const again = await kimigayo(releaseArgs(artifacts, join(work, "release-again")), { GITHUB_TOKEN: "ghs_topology" });
    assert.equal(again.code, 0, again.log.slice(-4000));
    assert.match(again.log, /already published with these assets, sha256 verified: nothing changed/);
    assert.equal(writes(), writesBefore, "nothing written to GitHub");
    assert.equal(standIn.state.releases.length, 2);
    assert.deepEqual(await tagMap(), after, "a re-run leaves every tag where the first run put it");
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
