/**
 * src/github against the GitHub stand-in (test/support/github-api.ts), which checks every request
 * against GitHub's OpenAPI description. Each test ends with assertAllValid.
 */
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exitCodeOf, UsageError } from "../../src/lib/errors.js";
import type { Logger } from "../../src/lib/log.js";
import { GitHubError, githubClient, githubToken, type GitHubClientOptions } from "../../src/github/client.js";
import { upsertStickyComment } from "../../src/github/comments.js";
import { readPullRequest } from "../../src/github/pulls.js";
import { assertAllValid, startGitHubStandIn, type GitHubStandIn } from "../support/github-api.js";

const TOKEN = "ghs_kimigayoStandInToken0123456789";
const OWNER = "kimigayo-os";
const REPO = "kimigayo";

function recordingLogger() {
  const lines: string[] = [];
  const log: Logger = {
    info: (m) => lines.push(`info: ${m}`),
    warn: (m) => lines.push(`warn: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    debug: (m) => lines.push(`debug: ${m}`),
    step: () => () => {},
    progress: () => {},
  };
  return { log, lines };
}

let si: GitHubStandIn;
let sleeps: number[];
let lines: string[];
let dir: string;

function client(extra: Partial<GitHubClientOptions> = {}) {
  const rec = recordingLogger();
  lines = rec.lines;
  return githubClient({
    token: TOKEN,
    apiUrl: si.url,
    log: rec.log,
    // Unpaced writes; waits are recorded, not spent (a fake clock for the retries and rate limits).
    retry: { pace: false, sleep: async (ms) => void sleeps.push(ms) },
    ...extra,
  });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "kimigayo-github-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  si = await startGitHubStandIn({ token: TOKEN });
  sleeps = [];
});
afterEach(async () => {
  await si.close();
});

describe("github client", () => {
  it("refuses to start without a token: UsageError (exit 2) naming github-token and GITHUB_TOKEN, nothing sent", () => {
    for (const token of [undefined, "", "  \n"]) {
      let caught: unknown;
      try {
        client({ token, purpose: "the release" });
      } catch (err) {
        caught = err;
      }
      assert.ok(caught instanceof UsageError, String(caught));
      assert.equal(exitCodeOf(caught), 2);
      assert.match(caught.message, /GitHub token is needed for the release: set the github-token input .* or GITHUB_TOKEN/);
    }
    assert.equal(si.requests.length, 0);
    assertAllValid(si);
  });

  it("takes the token from the input, else GITHUB_TOKEN", () => {
    assert.equal(githubToken(" abc ", { GITHUB_TOKEN: "env" }), "abc");
    assert.equal(githubToken("", { GITHUB_TOKEN: "env" }), "env");
    assert.equal(githubToken(undefined, {}), undefined);
  });

  it("retries a 502 and succeeds", async () => {
    si.seedPull({ owner: OWNER, repo: REPO, number: 4, head_sha: "a".repeat(40), head_ref: "feat" });
    si.fail({ status: 502, operationId: "pulls/get" });
    const { head } = await readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 });
    assert.deepEqual(head, { sha: "a".repeat(40), ref: "feat" });
    assert.deepEqual(
      si.requests.map((r) => [r.operationId, r.status, r.injected ?? false]),
      [
        ["pulls/get", 502, true],
        ["pulls/get", 200, false],
      ],
    );
    assert.equal(sleeps.length, 1);
    assert.ok(
      lines.some((l) => /^warn: GitHub GET .*: 502 .*try 2/.test(l)),
      lines.join("\n"),
    );
    assertAllValid(si);
  });

  it("waits as long as a secondary rate limit says (429 / 403 with Retry-After)", async () => {
    si.seedPull({ owner: OWNER, repo: REPO, number: 4, head_sha: "b".repeat(40) });
    si.fail({ status: 429, headers: { "retry-after": "2" } });
    si.fail({ status: 403, headers: { "retry-after": "1" }, message: "You have exceeded a secondary rate limit." });
    await readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 });
    assert.deepEqual(sleeps, [2000, 1000]);
    assert.equal(si.requests.length, 3);
    assertAllValid(si);
  });

  it("does not retry a plain 403, and says the token may lack a permission", async () => {
    si.fail({ status: 403, message: "Resource not accessible by integration" });
    await assert.rejects(readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 }), (err: unknown) => {
      assert.ok(err instanceof GitHubError);
      assert.equal(err.status, 403);
      assert.match(
        err.message,
        /GitHub GET \/repos\/kimigayo-os\/kimigayo\/pulls\/4: 403 Resource not accessible by integration; the token may lack/,
      );
      return true;
    });
    assert.equal(si.requests.length, 1);
    assert.deepEqual(sleeps, []);
    assertAllValid(si);
  });

  it("gives up after its attempts, with GitHub's status", async () => {
    si.fail({ status: 503, times: 10 });
    await assert.rejects(
      readPullRequest({
        client: client({ retry: { retries: 2, pace: false, sleep: async () => {} } }),
        owner: OWNER,
        repo: REPO,
        pullNumber: 4,
      }),
      (err: unknown) => err instanceof GitHubError && err.status === 503,
    );
    assert.equal(si.requests.length, 3);
    assertAllValid(si);
  });

  it("retries a refused connection, then reports no answer", async () => {
    const port = new URL(si.url).port;
    await si.close();
    const c = client({ apiUrl: `http://127.0.0.1:${port}`, retry: { retries: 1, pace: false, sleep: async (ms) => void sleeps.push(ms) } });
    await assert.rejects(readPullRequest({ client: c, owner: OWNER, repo: REPO, pullNumber: 1 }), (err: unknown) => {
      assert.ok(err instanceof GitHubError, String(err));
      assert.equal(err.status, 0);
      assert.match(err.message, /no answer/);
      return true;
    });
    assert.equal(sleeps.length, 1);
    si = await startGitHubStandIn({ token: TOKEN }); // for afterEach
  });

  it("turns a 401 into a UsageError and never shows the token", async () => {
    const wrong = "ghs_wrongTokenThatMustNotLeak42";
    await assert.rejects(readPullRequest({ client: client({ token: wrong }), owner: OWNER, repo: REPO, pullNumber: 1 }), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.match(err.message, /GitHub refused the token \(401 Bad credentials\).*github-token/);
      assert.ok(!err.message.includes(wrong));
      return true;
    });
    assert.ok(!lines.join("\n").includes(wrong));
    // The refused request is recorded as such by the stand-in; nothing else was sent.
    assert.equal(si.requests.length, 1);
    assert.equal(si.requests[0]!.status, 401);
  });

  it("scrubs the token from errors raised before a request leaves", async () => {
    const bad = "ghs_tokenWith\u0001ControlChar";
    await assert.rejects(readPullRequest({ client: client({ token: bad }), owner: OWNER, repo: REPO, pullNumber: 1 }), (err: unknown) => {
      assert.ok(err instanceof GitHubError);
      assert.ok(!err.message.includes(bad) && !err.message.includes("ghs_tokenWith"), err.message);
      return true;
    });
    assert.equal(si.requests.length, 0);
    assertAllValid(si);
  });

  it("knows which failures are worth another try: 5xx but not 501, and no client error", async () => {
    si.seedPull({ owner: OWNER, repo: REPO, number: 4, head_sha: "c".repeat(40) });
    for (const status of [501, 404, 422]) {
      si.fail({ status, operationId: "pulls/get" });
      await assert.rejects(
        readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 }),
        (err: unknown) => err instanceof GitHubError && err.status === status,
      );
    }
    assert.deepEqual(
      si.requests.map((r) => r.status),
      [501, 404, 422],
    );
    assert.deepEqual(sleeps, []);
    // A 5xx that says when to come back is retried then, not on the 1 s schedule.
    si.fail({ status: 503, operationId: "pulls/get", headers: { "retry-after": "3" } });
    await readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 });
    assert.deepEqual(sleeps, [3000]);
    assert.deepEqual(
      si.requests.slice(3).map((r) => r.status),
      [503, 200],
    );
    assertAllValid(si);
  });

  it("waits GitHub's 60 s for a secondary rate limit that gives no Retry-After (403 or a bare 429)", async () => {
    si.seedPull({ owner: OWNER, repo: REPO, number: 4, head_sha: "d".repeat(40) });
    si.fail({ status: 403, message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." });
    si.fail({ status: 429 });
    const { head } = await readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 });
    assert.equal(head.sha, "d".repeat(40));
    assert.deepEqual(sleeps, [60_000, 60_000]);
    assert.deepEqual(
      si.requests.map((r) => r.status),
      [403, 429, 200],
    );
    const waits = lines.filter((l) =>
      /^warn: GitHub GET \/repos\/kimigayo-os\/kimigayo\/pulls\/4: secondary rate limit; waiting 60 s/.test(l),
    );
    assert.equal(waits.length, 2, lines.join("\n"));
    assertAllValid(si);
  });

  it("bounds the waits for a secondary rate limit, and says so", async () => {
    si.fail({ status: 403, times: 3, message: "You have exceeded a secondary rate limit." });
    await assert.rejects(
      readPullRequest({
        client: client({ retry: { rateLimitWaits: 2, pace: false, sleep: async (ms) => void sleeps.push(ms) } }),
        owner: OWNER,
        repo: REPO,
        pullNumber: 4,
      }),
      (err: unknown) => {
        assert.ok(err instanceof GitHubError);
        assert.equal(err.status, 403);
        assert.match(err.message, /403 You have exceeded a secondary rate limit.*; still limited after 2 wait\(s\)$/);
        assert.doesNotMatch(err.message, /lack a permission/);
        return true;
      },
    );
    assert.deepEqual(sleeps, [60_000, 60_000]);
    assert.equal(si.requests.length, 3);
    // A Retry-After longer than the run waits fails at once, naming it.
    si.fail({ status: 429, headers: { "retry-after": "3600" }, message: "You have exceeded a secondary rate limit." });
    await assert.rejects(
      readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 }),
      /asks to wait 60 min, longer than this run waits \(10 min\)/,
    );
    assert.equal(si.requests.length, 4);
    assert.equal(sleeps.length, 2);
    assertAllValid(si);
  });

  it("waits for a primary rate limit's reset when it is within the bound", async () => {
    si.seedPull({ owner: OWNER, repo: REPO, number: 4, head_sha: "e".repeat(40) });
    const reset = Math.floor(Date.now() / 1000) + 300;
    si.fail({
      status: 403,
      message: "API rate limit exceeded for installation ID 1.",
      headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
    });
    await readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 });
    assert.equal(sleeps.length, 1);
    // Until the reset, plus the second GitHub asks for.
    assert.ok(sleeps[0]! >= 300_000 && sleeps[0]! <= 302_000, String(sleeps[0]));
    assert.ok(
      lines.some((l) =>
        /^warn: GitHub GET \/repos\/.*\/pulls\/4: rate limit used up until its reset; waiting 5 min as GitHub asks \(wait 1 of 3\)/.test(l),
      ),
      lines.join("\n"),
    );
    assert.deepEqual(
      si.requests.map((r) => r.status),
      [403, 200],
    );
    assertAllValid(si);
  });

  it("fails clearly on a primary rate limit that resets beyond the bound, naming the reset", async () => {
    const reset = Math.floor(Date.now() / 1000) + 3600;
    const limited = {
      status: 403,
      message: "API rate limit exceeded for installation ID 1.",
      headers: { "x-ratelimit-limit": "5000", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
    };
    si.fail(limited);
    await assert.rejects(readPullRequest({ client: client(), owner: OWNER, repo: REPO, pullNumber: 4 }), (err: unknown) => {
      assert.ok(err instanceof GitHubError);
      assert.equal(err.status, 403);
      assert.ok(err.message.includes(`resets at ${new Date(reset * 1000).toISOString()} (in 60 min)`), err.message);
      assert.match(err.message, /API rate limit exceeded.*later than this run waits \(10 min\)$/);
      return true;
    });
    assert.deepEqual(sleeps, []);
    assert.equal(si.requests.length, 1);
    // The bound is an option: a run allowed to wait two hours waits for this reset.
    si.seedPull({ owner: OWNER, repo: REPO, number: 4, head_sha: "f".repeat(40) });
    si.fail(limited);
    await readPullRequest({
      client: client({ retry: { maxWaitS: 7200, pace: false, sleep: async (ms) => void sleeps.push(ms) } }),
      owner: OWNER,
      repo: REPO,
      pullNumber: 4,
    });
    assert.equal(sleeps.length, 1);
    assert.ok(sleeps[0]! > 3_590_000 && sleeps[0]! <= 3_602_000, String(sleeps[0]));
    assertAllValid(si);
  });
});

describe("github client: pacing", () => {
  it("spaces writes out by default, as GitHub asks (1 s between writes)", async () => {
    const marker = "<!-- kimigayo:paced -->";
    si.seedComment({ owner: OWNER, repo: REPO, issue_number: 3, body: `${marker}\nold` });
    const c = githubClient({ token: TOKEN, apiUrl: si.url, log: recordingLogger().log });
    const started = performance.now();
    await upsertStickyComment({ client: c, owner: OWNER, repo: REPO, issueNumber: 3, marker, body: "one" });
    await upsertStickyComment({ client: c, owner: OWNER, repo: REPO, issueNumber: 3, marker, body: "two" });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 900, `two writes took ${Math.round(elapsed)} ms`);
    assert.deepEqual(
      si.requests.map((r) => r.operationId),
      ["issues/list-comments", "issues/update-comment", "issues/list-comments", "issues/update-comment"],
    );
    assertAllValid(si);
  });
});

describe("sticky comment", () => {
  const marker = "<!-- kimigayo:report -->";

  it("run twice: one comment, created then updated in place", async () => {
    const c = client();
    const first = await upsertStickyComment({ client: c, owner: OWNER, repo: REPO, issueNumber: 9, marker, body: "size: 1 MiB" });
    const second = await upsertStickyComment({ client: c, owner: OWNER, repo: REPO, issueNumber: 9, marker, body: "size: 2 MiB" });
    assert.equal(first.action, "created");
    assert.equal(second.action, "updated");
    assert.equal(second.id, first.id);
    assert.equal(second.url, first.url);
    assert.equal(si.state.comments.length, 1);
    assert.equal(si.state.comments[0]!.body, `${marker}\nsize: 2 MiB`);
    assertAllValid(si);
  });

  it("finds its comment past the first page among others", async () => {
    for (let i = 0; i < 130; i++) si.seedComment({ owner: OWNER, repo: REPO, issue_number: 9, body: `chatter ${i}`, user: "someone" });
    const mine = si.seedComment({ owner: OWNER, repo: REPO, issue_number: 9, body: `${marker}\nold` });
    const r = await upsertStickyComment({ client: client(), owner: OWNER, repo: REPO, issueNumber: 9, marker, body: "new" });
    assert.deepEqual([r.action, r.id], ["updated", mine.id]);
    assert.equal(si.state.comments.length, 131);
    assert.ok(si.requests.some((q) => q.operationId === "issues/list-comments" && /page=2/.test(q.query)));
    assertAllValid(si);
  });

  it("cleans duplicates from a race: updates the oldest, deletes the rest", async () => {
    si.seedComment({ owner: OWNER, repo: REPO, issue_number: 9, body: "unrelated" });
    const a = si.seedComment({ owner: OWNER, repo: REPO, issue_number: 9, body: `${marker}\nrun A` });
    si.seedComment({ owner: OWNER, repo: REPO, issue_number: 9, body: `${marker}\nrun B` });
    si.seedComment({ owner: OWNER, repo: REPO, issue_number: 9, body: `run C\n${marker}` });
    si.seedComment({ owner: OWNER, repo: REPO, issue_number: 10, body: `${marker}\nother PR` });
    const r = await upsertStickyComment({ client: client(), owner: OWNER, repo: REPO, issueNumber: 9, marker, body: "run D" });
    assert.deepEqual([r.action, r.id, r.duplicatesDeleted], ["updated", a.id, 2]);
    assert.deepEqual(
      si.state.comments.map((k) => [k.issue_number, k.body]),
      [
        [9, "unrelated"],
        [9, `${marker}\nrun D`],
        [10, `${marker}\nother PR`],
      ],
    );
    assertAllValid(si);
  });

  it("wants a hidden marker", async () => {
    await assert.rejects(
      upsertStickyComment({ client: client(), owner: OWNER, repo: REPO, issueNumber: 9, marker: "report", body: "x" }),
      /hidden HTML comment/,
    );
    assert.equal(si.requests.length, 0);
    assertAllValid(si);
  });
});

// The GitHub Release (draft, assets, sha256 check, publish; immutable releases): test/unit/github-release.test.ts
