/**
 * `kimigayo release` end to end: a real git repository with tags, conventional commits and a
 * merged pull request; real builds, the real registry, real smoke boots; the GitHub Release
 * calls go to the stand-in, which checks each one against GitHub's OpenAPI description.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { assertAllValid, startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";
import { cliAsync, ROOT } from "./fixture.js";

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

const release = (args: string[], e: NodeJS.ProcessEnv = env()) =>
  cliAsync(
    [
      "release",
      "--config",
      join(repo, "configs/kimigayo.yml"),
      "--image",
      image,
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

describe("kimigayo release", () => {
  before(async () => {
    standIn = await startGitHubStandIn({ token: "ghs_testtoken", immutable: true });
    repo = mkdtempSync(join(tmpdir(), "kimigayo-release-"));
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
    const r = await release(["--tag", "v2.1.0", "--dry-run"]);
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
    const first = await release(["--tag", "v2.1.0"]);
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
    for (const a of standIn.state.assets.filter((x) => x.name !== "SHA256SUMS")) {
      const want = execFileSync("sha256sum", { input: a.data }).toString().split(" ")[0];
      assert.ok(sums.includes(`${want}  ${a.name}`), a.name);
    }

    // The release is immutable once published: a re-run (the same deterministic build) verifies it.
    const writesBefore = standIn.requests.filter((q) => q.method !== "GET").length;
    const again = await release(["--tag", "v2.1.0"]);
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
