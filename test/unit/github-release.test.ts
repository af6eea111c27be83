/**
 * The GitHub Release (src/github/releases.ts) against the OpenAPI-validated GitHub stand-in, in
 * its immutable mode as GitHub's immutable releases behave: a draft, every asset, each sha256
 * checked as GitHub reports it against SHA256SUMS, then published once. A crash after each step,
 * then a re-run, gives one published release with every asset; a re-run after publishing changes
 * nothing and says so; a published release that differs is reported, never replaced.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, it } from "node:test";
import { githubClient, GitHubError } from "../../src/github/client.js";
import { publishRelease, type ReleaseAssetFile } from "../../src/github/releases.js";
import { UsageError } from "../../src/lib/errors.js";
import type { Logger } from "../../src/lib/log.js";
import { assertAllValid, startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";

const TOKEN = "ghs_kimigayoStandInToken0123456789";
const OWNER = "kimigayo-os";
const REPO = "kimigayo";
const TAG = "v2.1.0";

let dir: string;
let si: GitHubStandIn | undefined;
let lines: string[] = [];

const log: Logger = {
  info: (m) => void lines.push(`info: ${m}`),
  warn: (m) => void lines.push(`warn: ${m}`),
  error: (m) => void lines.push(`error: ${m}`),
  debug: () => {},
  step: () => () => {},
  progress: () => {},
};

async function standIn(immutable: boolean): Promise<GitHubStandIn> {
  si = await startGitHubStandIn({ token: TOKEN, immutable });
  return si;
}

const client = (s: GitHubStandIn) => githubClient({ token: TOKEN, apiUrl: s.url, log, retry: { pace: false, sleep: async () => {} } });

const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** Two artifacts and their SHA256SUMS, in a folder of their own. */
function assets(tagline = "one", sumsOverride?: string): ReleaseAssetFile[] {
  const d = mkdtempSync(join(dir, "assets-"));
  const files: [string, string][] = [
    ["kimigayo-minimal-amd64.tar", `minimal ${tagline}`],
    ["kimigayo-minimal-amd64.spdx.json", `{"sbom":"${tagline}"}`],
  ];
  for (const [name, text] of files) writeFileSync(join(d, name), text);
  writeFileSync(join(d, "SHA256SUMS"), sumsOverride ?? files.map(([name, text]) => `${sha(text)}  ${name}\n`).join(""));
  return [...files.map(([name]) => name), "SHA256SUMS"].map((name) => ({
    name,
    path: join(d, name),
    contentType: name.endsWith(".json") ? "application/spdx+json" : "text/plain",
  }));
}

const opts = (s: GitHubStandIn, a: ReleaseAssetFile[]) => ({
  client: client(s),
  owner: OWNER,
  repo: REPO,
  tag: TAG,
  name: "Kimigayo OS 2.1.0",
  body: "notes",
  prerelease: false,
  assets: a,
});

const WRITES = /^repos\/(create-release|update-release|delete-release|upload-release-asset|delete-release-asset|update-release-asset)$/;
const writes = (s: GitHubStandIn, from = 0) => s.requests.slice(from).filter((r) => WRITES.test(r.operationId ?? ""));

/** The one release there is: published, every asset with the sha256 its file has. */
function assertPublishedWithEverything(s: GitHubStandIn, a: ReleaseAssetFile[]) {
  assert.equal(s.state.releases.length, 1, "one release");
  const r = s.state.releases[0]!;
  assert.equal(r.draft, false, "published");
  const onRelease = s.state.assets.filter((x) => x.release_id === r.id);
  assert.deepEqual(onRelease.map((x) => x.name).sort(), a.map((x) => x.name).sort(), "every asset, once");
  const sums = new Map(
    onRelease
      .find((x) => x.name === "SHA256SUMS")!
      .data.toString()
      .trim()
      .split("\n")
      .map((l) => [l.slice(66), l.slice(0, 64)] as const),
  );
  for (const x of onRelease.filter((y) => y.name !== "SHA256SUMS")) assert.equal(x.digest, `sha256:${sums.get(x.name)}`, x.name);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "kimigayo-ghrelease-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await si?.close();
  si = undefined;
  lines = [];
});

describe("GitHub Release: draft, assets, sha256 check, publish once", () => {
  it("a first run: created as a draft, every asset uploaded to it, checked, then published in one PATCH", async () => {
    const s = await standIn(true);
    const a = assets();
    const steps: string[] = [];
    const r = await publishRelease({ ...opts(s, a), onStep: (x) => void steps.push(x) });
    assert.equal(r.action, "created");
    assert.deepEqual(steps, ["draft", ...a.map((x) => `asset ${x.name}`), "verified", "published"]);
    assertPublishedWithEverything(s, a);
    const ops = writes(s).map((q) => `${q.operationId} ${JSON.stringify((q.body as { draft?: boolean })?.draft ?? null)}`);
    assert.deepEqual(ops, [
      "repos/create-release true",
      "repos/upload-release-asset null",
      "repos/upload-release-asset null",
      "repos/upload-release-asset null",
      "repos/update-release false",
    ]);
    assert.ok(s.requests.filter((q) => q.operationId === "repos/upload-release-asset").every((q) => q.server === "uploads"));
    assert.deepEqual(
      r.assets.map((x) => x.digest),
      a.map((x) => s.state.assets.find((y) => y.name === x.name)!.digest),
    );
    assert.equal((await client(s).octokit.rest.repos.getReleaseByTag({ owner: OWNER, repo: REPO, tag: TAG })).data.immutable, true);
    assertAllValid(s);
  });

  const crashPoints = [
    "draft",
    "asset kimigayo-minimal-amd64.tar",
    "asset kimigayo-minimal-amd64.spdx.json",
    "asset SHA256SUMS",
    "verified",
  ];
  for (const crashAt of crashPoints) {
    it(`immutable: a crash after "${crashAt}", then a re-run: one published release with every asset, sha256 verified`, async () => {
      const s = await standIn(true);
      const a = assets();
      await assert.rejects(
        publishRelease({
          ...opts(s, a),
          onStep: (x) => {
            if (x === crashAt) throw new Error(`crash after ${x}`);
          },
        }),
        new RegExp(`crash after ${crashAt}`),
      );
      assert.equal(s.state.releases[0]!.draft, true, "nothing published before every asset is there");
      const before = s.requests.length;
      const r = await publishRelease(opts(s, a));
      assert.equal(r.action, "completed");
      assertPublishedWithEverything(s, a);
      // Only what the crashed run had not uploaded went up; nothing was refused (a draft is not found by tag: 404).
      const done = crashPoints.indexOf(crashAt); // 0: the draft only; 1..3: that many assets
      assert.deepEqual(
        r.uploaded,
        a.slice(Math.min(done, 3)).map((x) => x.name),
      );
      assert.ok(
        s.requests.slice(before).every((q) => q.status < 400 || (q.operationId === "repos/get-release-by-tag" && q.status === 404)),
        s.requests.map((q) => `${q.operationId} ${q.status}`).join("\n"),
      );

      // A re-run after publishing changes nothing and says so.
      const third = s.requests.length;
      lines = [];
      const again = await publishRelease(opts(s, a));
      assert.deepEqual([again.action, again.differences, again.uploaded], ["verified", [], []]);
      assert.deepEqual(writes(s, third), []);
      assert.ok(
        lines.some((l) => /is published with every asset, each sha256 as SHA256SUMS says: nothing to do/.test(l)),
        lines.join("\n"),
      );
      assertAllValid(s);
    });
  }

  it("a crash after publishing: the re-run verifies and changes nothing", async () => {
    const s = await standIn(true);
    const a = assets();
    await assert.rejects(
      publishRelease({
        ...opts(s, a),
        onStep: (x) => {
          if (x === "published") throw new Error("crash after published");
        },
      }),
    );
    const before = s.requests.length;
    const r = await publishRelease(opts(s, a));
    assert.equal(r.action, "verified");
    assert.deepEqual(writes(s, before), []);
    assertPublishedWithEverything(s, a);
    assertAllValid(s);
  });

  it("a re-run with other artifacts on a published release replaces nothing and reports each difference", async () => {
    for (const immutable of [true, false]) {
      const s = await standIn(immutable);
      const first = assets("one");
      await publishRelease(opts(s, first));
      const stored = s.state.assets.map((x) => [x.name, x.digest]);
      const before = s.requests.length;
      const other = assets("two").filter((x) => x.name !== "kimigayo-minimal-amd64.spdx.json");
      const extra = join(dir, "kimigayo-extra.tar");
      writeFileSync(extra, "extra");
      const sumsPath = other.find((x) => x.name === "SHA256SUMS")!.path;
      writeFileSync(sumsPath, `${sha("minimal two")}  kimigayo-minimal-amd64.tar\n${sha("extra")}  kimigayo-extra.tar\n`);
      const r = await publishRelease(opts(s, [...other, { name: "kimigayo-extra.tar", path: extra, contentType: "application/x-tar" }]));
      assert.equal(r.action, "verified");
      assert.equal(r.differences.length, 3, r.differences.join("\n"));
      assert.match(
        r.differences.join("\n"),
        /kimigayo-minimal-amd64\.tar: GitHub reports sha256 [0-9a-f]{64}, SHA256SUMS says [0-9a-f]{64}/,
      );
      assert.match(r.differences.join("\n"), /SHA256SUMS: GitHub reports sha256/);
      assert.match(r.differences.join("\n"), /kimigayo-extra\.tar: missing from the release/);
      assert.deepEqual(writes(s, before), [], `immutable: ${immutable}: nothing written`);
      assert.deepEqual(
        s.state.assets.map((x) => [x.name, x.digest]),
        stored,
      );
      assertAllValid(s);
      await s.close();
      si = undefined;
    }
  });

  it("a digest GitHub reports that is not SHA256SUMS's stops before publishing: the draft stays a draft", async () => {
    const s = await standIn(true);
    const a = assets();
    await assert.rejects(
      publishRelease({
        ...opts(s, a),
        onStep: (x) => {
          // GitHub stored other bytes than were sent.
          if (x === "asset kimigayo-minimal-amd64.tar") s.state.assets[0]!.digest = `sha256:${"0".repeat(64)}`;
        },
      }),
      /left as a draft:\n {2}kimigayo-minimal-amd64\.tar: GitHub reports sha256 0{64}, SHA256SUMS says/,
    );
    assert.equal(s.state.releases[0]!.draft, true);
    // The re-run replaces the bad asset on the draft, then publishes.
    const r = await publishRelease(opts(s, a));
    assert.deepEqual(r.uploaded, ["kimigayo-minimal-amd64.tar"]);
    assertPublishedWithEverything(s, a);
    assertAllValid(s);
  });

  it("survives lost answers: a retried draft create leaves one draft; a retried upload keeps its own copy", async () => {
    const s = await standIn(true);
    s.fail({ status: 502, operationId: "repos/create-release", commit: true });
    s.fail({ status: 504, operationId: "repos/upload-release-asset", commit: true });
    const a = assets();
    const r = await publishRelease(opts(s, a));
    assertPublishedWithEverything(s, a);
    assert.equal(r.id, s.state.releases[0]!.id);
    const ops = s.requests.map((q) => `${q.operationId} ${q.status}`);
    assert.equal(ops.filter((o) => o === "repos/create-release 201").length, 1, ops.join("\n"));
    assert.ok(ops.includes("repos/delete-release 204"), "the second draft was deleted");
    assert.ok(ops.includes("repos/upload-release-asset 422"), ops.join("\n"));
    assertAllValid(s);
  });

  it("refuses, before sending anything: asset names GitHub would rename, unreadable files, a SHA256SUMS that does not match its files", async () => {
    const s = await standIn(true);
    const x = join(dir, "x");
    writeFileSync(x, "x");
    await assert.rejects(
      publishRelease(opts(s, [{ name: "my image.tar", path: x, contentType: "application/x-tar" }])),
      (e: unknown) => e instanceof UsageError && /would be renamed by GitHub/.test(e.message),
    );
    await assert.rejects(
      publishRelease(opts(s, [{ name: "a.tar", path: join(dir, "missing"), contentType: "x/y" }])),
      /a\.tar: .*missing cannot be read/,
    );
    await assert.rejects(
      publishRelease(opts(s, assets("one", `${sha("other")}  kimigayo-minimal-amd64.tar\n`))),
      /is not [0-9a-f]{64} as SHA256SUMS says/,
    );
    await assert.rejects(
      publishRelease(opts(s, assets("one", `${sha("minimal one")}  kimigayo-minimal-amd64.tar\n`))),
      /kimigayo-minimal-amd64\.spdx\.json is not listed in SHA256SUMS/,
    );
    await assert.rejects(publishRelease(opts(s, assets("one", "not a sum\n"))), /SHA256SUMS:1: not a sha256sum line/);
    assert.equal(s.requests.length, 0);
  });
});

describe("the stand-in's immutable mode refuses what GitHub refuses", () => {
  it("no asset added, replaced or deleted, no tag moved, no return to draft, a deleted release's tag not reused; notes stay editable", async () => {
    const s = await standIn(true);
    const a = assets();
    const r = await publishRelease(opts(s, a));
    const octokit = client(s).octokit;
    const refused = async (p: Promise<unknown>, message: RegExp) =>
      assert.rejects(p, (e: unknown) => e instanceof GitHubError && e.status === 422 && message.test(e.message));
    await refused(
      octokit.rest.repos.uploadReleaseAsset({
        owner: OWNER,
        repo: REPO,
        release_id: r.id,
        name: "late.txt",
        data: "late",
        headers: { "content-type": "text/plain" },
        baseUrl: s.uploadsUrl,
      }),
      /Cannot upload assets to an immutable release/,
    );
    await refused(octokit.rest.repos.deleteReleaseAsset({ owner: OWNER, repo: REPO, asset_id: r.assets[0]!.id }), /Cannot delete assets/);
    await refused(
      octokit.rest.repos.updateReleaseAsset({ owner: OWNER, repo: REPO, asset_id: r.assets[0]!.id, name: "renamed.tar" }),
      /Cannot modify assets/,
    );
    await refused(
      octokit.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: r.id, tag_name: "v9.9.9" }),
      /Cannot change the tag/,
    );
    await refused(octokit.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: r.id, draft: true }), /back to a draft/);
    await octokit.rest.repos.updateRelease({ owner: OWNER, repo: REPO, release_id: r.id, body: "edited notes", prerelease: true });
    assert.equal(s.state.releases[0]!.body, "edited notes");
    await octokit.rest.repos.deleteRelease({ owner: OWNER, repo: REPO, release_id: r.id });
    await refused(
      octokit.rest.repos.createRelease({ owner: OWNER, repo: REPO, tag_name: TAG, draft: true }),
      /tag_name was used by an immutable release/,
    );
    assert.equal(s.state.assets.length, 0);
    assertAllValid(s);
  });

  it("without immutable mode, the same calls go through (the mode is what refuses)", async () => {
    const s = await standIn(false);
    const r = await publishRelease(opts(s, assets()));
    const octokit = client(s).octokit;
    await octokit.rest.repos.deleteReleaseAsset({ owner: OWNER, repo: REPO, asset_id: r.assets[0]!.id });
    assert.equal(s.state.assets.length, 2);
    assert.equal((await octokit.rest.repos.getRelease({ owner: OWNER, repo: REPO, release_id: r.id })).data.immutable, false);
    assertAllValid(s);
  });
});
