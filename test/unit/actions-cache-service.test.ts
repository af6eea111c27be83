/**
 * The Actions cache service stand-in (test/support/actions-cache.ts) is as strict as GitHub's:
 * Twirp routes, content type, the runtime token, request bodies, duplicate entries, finalizing
 * only an uploaded entry of the declared size, the scopes a job may read and write, and the order
 * of matches. Uploads and downloads go to Azurite through the SAS URLs handed out, which Azurite
 * itself checks. Then @actions/cache 6 itself, in processes of its own, saves and restores through
 * it. Every file is written under a mkdtemp folder.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BlockBlobClient } from "@azure/storage-blob";
import { READ, WRITE, scopesFor, startActionsCache, type ActionsCacheService, type CacheScope } from "../support/actions-cache.js";

const SERVICE = "/twirp/github.actions.results.api.v1.CacheService";
const V1 = createHash("sha256").update("v1").digest("hex");
const V2 = createHash("sha256").update("v2").digest("hex");
const MAIN: CacheScope[] = scopesFor({ branch: "main" });

let svc: ActionsCacheService;
const tmp = mkdtempSync(join(tmpdir(), "kimigayo-actions-cache-"));
before(async () => {
  svc = await startActionsCache();
});
after(async () => {
  await svc?.close();
  rmSync(tmp, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(method: string, body: unknown, o: { token?: string | null; type?: string; http?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": o.type ?? "application/json" };
  const token = o.token === undefined ? svc.token(MAIN) : o.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const r = await fetch(new URL(`${SERVICE}/${method}`, svc.url), {
    method: o.http ?? "POST",
    headers,
    ...(o.http === "GET" ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

/** Creates, uploads `data` through the SAS URL with the Azure SDK, and finalizes an entry. */
async function save(key: string, scopes: CacheScope[], data = `data of ${key}`, version = V1): Promise<void> {
  const token = svc.token(scopes);
  const created = await call("CreateCacheEntry", { key, version }, { token });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  await new BlockBlobClient(created.body.signed_upload_url as string).upload(data, Buffer.byteLength(data));
  const done = await call("FinalizeCacheEntryUpload", { key, version, size_bytes: String(Buffer.byteLength(data)) }, { token });
  assert.equal(done.status, 200, JSON.stringify(done.body));
}

async function lookup(key: string, restoreKeys: string[], scopes: CacheScope[], version = V1): Promise<string | undefined> {
  const r = await call("GetCacheEntryDownloadURL", { key, restore_keys: restoreKeys, version }, { token: svc.token(scopes) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  if (!r.body.ok) {
    assert.deepEqual(r.body, { ok: false, signed_download_url: "", matched_key: "" });
    return undefined;
  }
  // The download URL reads the matched entry's bytes.
  const got = await fetch(r.body.signed_download_url as string);
  assert.equal(got.status, 200);
  assert.equal(await got.text(), `data of ${r.body.matched_key as string}`);
  return r.body.matched_key as string;
}

describe("refused requests: Twirp's error JSON and HTTP status", () => {
  const ok = { key: "k", version: V1 };
  const cases: {
    name: string;
    method?: string;
    body?: unknown;
    opts?: Parameters<typeof call>[2];
    status: number;
    code: string;
    msg?: RegExp;
  }[] = [
    { name: "no Authorization header", body: ok, opts: { token: null }, status: 401, code: "unauthenticated" },
    {
      name: "a token this service did not sign",
      body: ok,
      opts: { token: "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl" },
      status: 401,
      code: "unauthenticated",
    },
    { name: "a token that is not a JWT", body: ok, opts: { token: "ghs_0123456789" }, status: 401, code: "unauthenticated" },
    { name: "an expired token", body: ok, opts: { token: "expired" }, status: 401, code: "unauthenticated", msg: /expired/ },
    { name: "GET", body: ok, opts: { http: "GET" }, status: 404, code: "bad_route" },
    { name: "an unknown method", method: "DeleteCacheEntry", body: ok, status: 404, code: "bad_route" },
    { name: "Content-Type text/plain", body: ok, opts: { type: "text/plain" }, status: 404, code: "bad_route" },
    { name: "protobuf", body: ok, opts: { type: "application/protobuf" }, status: 501, code: "unimplemented" },
    { name: "a body that is not JSON", body: "{key:", status: 400, code: "malformed" },
    { name: "a JSON array", body: [ok], status: 400, code: "malformed" },
    { name: "an unknown field", body: { ...ok, scope: "refs/heads/main" }, status: 400, code: "malformed", msg: /unknown field "scope"/ },
    { name: "a key that is a number", body: { key: 1, version: V1 }, status: 400, code: "malformed" },
    {
      name: "restore_keys as a string",
      method: "GetCacheEntryDownloadURL",
      body: { ...ok, restore_keys: "k-" },
      status: 400,
      code: "malformed",
    },
    {
      name: "size_bytes that is not an int64",
      method: "FinalizeCacheEntryUpload",
      body: { ...ok, size_bytes: "12a" },
      status: 400,
      code: "malformed",
    },
    { name: "no key", body: { version: V1 }, status: 400, code: "invalid_argument", msg: /key is required/ },
    { name: "no version", body: { key: "k" }, status: 400, code: "invalid_argument", msg: /version is required/ },
    { name: "a version that is no sha256", body: { key: "k", version: "1.0" }, status: 400, code: "invalid_argument" },
    { name: "a key with a comma", body: { key: "a,b", version: V1 }, status: 400, code: "invalid_argument", msg: /commas/ },
    { name: "a key over 512 characters", body: { key: "k".repeat(513), version: V1 }, status: 400, code: "invalid_argument" },
    {
      name: "more than 10 keys",
      method: "GetCacheEntryDownloadURL",
      body: { ...ok, restore_keys: Array.from({ length: 10 }, (_, i) => `r${i}`) },
      status: 400,
      code: "invalid_argument",
    },
    { name: "no size_bytes", method: "FinalizeCacheEntryUpload", body: ok, status: 400, code: "invalid_argument" },
    {
      name: "a write with a read-only token",
      body: ok,
      opts: { token: "read-only" },
      status: 403,
      code: "permission_denied",
      msg: /^cache write denied:/,
    },
    {
      name: "a read with a token without readable scope",
      method: "GetCacheEntryDownloadURL",
      body: ok,
      opts: { token: "none" },
      status: 403,
      code: "permission_denied",
      msg: /^cache read denied:/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const tokens: Record<string, string> = {
        expired: svc.token(MAIN, -60),
        "read-only": svc.token([{ scope: "refs/heads/main", permission: READ }]),
        none: svc.token([]),
      };
      const opts = { ...c.opts, ...(c.opts?.token && tokens[c.opts.token] ? { token: tokens[c.opts.token] } : {}) };
      const r = await call(c.method ?? "CreateCacheEntry", c.body, opts);
      assert.equal(r.status, c.status, JSON.stringify(r.body));
      assert.equal(r.body.code, c.code);
      assert.equal(typeof r.body.msg, "string");
      if (c.msg) assert.match(r.body.msg as string, c.msg);
    });
  }
  test("none of them created an entry", () => assert.deepEqual(svc.entries, []));
});

describe("an entry's life: create once, upload to Azurite, finalize at the uploaded size", () => {
  test("duplicate creation, finalize before upload, a wrong size, a second finalize, an unknown entry", async () => {
    const key = "life-1";
    const created = await call("CreateCacheEntry", { key, version: V1 });
    assert.equal(created.status, 200);
    assert.deepEqual(Object.keys(created.body).sort(), ["message", "ok", "signed_upload_url"]);
    const url = created.body.signed_upload_url as string;
    assert.equal(
      (await call("CreateCacheEntry", { key, version: V1 })).body.code,
      "already_exists",
      "the same key + version + scope, being uploaded",
    );
    assert.equal((await call("CreateCacheEntry", { key, version: V2 })).status, 200, "another version is another entry");

    let r = await call("FinalizeCacheEntryUpload", { key, version: V1, size_bytes: "5" });
    assert.deepEqual([r.status, r.body.code], [412, "failed_precondition"], "nothing uploaded yet");
    await new BlockBlobClient(url).upload("12345", 5);
    // Azurite checks the SAS: the upload URL cannot read.
    assert.equal((await fetch(url)).status, 403);
    assert.equal(await lookup(key, [], MAIN), undefined, "not visible before it is finalized");

    r = await call("FinalizeCacheEntryUpload", { key, version: V1, size_bytes: "6" });
    assert.deepEqual([r.status, r.body.code], [400, "invalid_argument"]);
    assert.match(r.body.msg as string, /size_bytes 6 does not match the 5 bytes/);
    r = await call("FinalizeCacheEntryUpload", { key, version: V1, size_bytes: 5 });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { ok: true, entry_id: String(svc.entries.find((e) => e.key === key && e.version === V1)!.id), message: "" });
    r = await call("FinalizeCacheEntryUpload", { key, version: V1, size_bytes: "5" });
    assert.deepEqual([r.status, r.body.code], [409, "already_exists"]);
    assert.deepEqual((await call("CreateCacheEntry", { key, version: V1 })).status, 409, "finalized: still exists");
    r = await call("FinalizeCacheEntryUpload", { key: "never-created", version: V1, size_bytes: "5" });
    assert.deepEqual([r.status, r.body.code], [404, "not_found"]);
  });

  test("a download URL of another version, or of an entry not finalized, is not handed out", async () => {
    await save("ver-a", MAIN, "data of ver-a", V1);
    assert.equal(await lookup("ver-a", [], MAIN, V1), "ver-a");
    assert.equal(await lookup("ver-a", [], MAIN, V2), undefined);
  });
});

describe("scopes, as GitHub's: write to the job's own ref, read it, then its base, then the default branch", () => {
  test("the scopes of a job, by event", () => {
    assert.deepEqual(scopesFor({ branch: "main" }), [{ scope: "refs/heads/main", permission: READ | WRITE }]);
    assert.deepEqual(scopesFor({ branch: "dev" }), [
      { scope: "refs/heads/dev", permission: READ | WRITE },
      { scope: "refs/heads/main", permission: READ },
    ]);
    assert.deepEqual(scopesFor({ tag: "v1.0.0" }), [
      { scope: "refs/tags/v1.0.0", permission: READ | WRITE },
      { scope: "refs/heads/main", permission: READ },
    ]);
    assert.deepEqual(scopesFor({ pullRequest: 7, base: "release" }), [
      { scope: "refs/pull/7/merge", permission: READ | WRITE },
      { scope: "refs/heads/release", permission: READ },
      { scope: "refs/heads/main", permission: READ },
    ]);
  });

  test("a pull request restores from main, saves only into its own scope; main and other pull requests do not see it", async () => {
    const pr7 = scopesFor({ pullRequest: 7 });
    const pr8 = scopesFor({ pullRequest: 8 });
    await save("scope-1", MAIN);
    assert.equal(await lookup("scope-2", ["scope-"], pr7), "scope-1", "the base branch's entry");
    await save("scope-2", pr7);
    assert.equal(svc.entries.find((e) => e.key === "scope-2")?.scope, "refs/pull/7/merge");
    assert.equal(await lookup("scope-2", ["scope-"], pr7), "scope-2", "its own first");
    assert.equal(await lookup("scope-2", ["scope-"], MAIN), "scope-1", "main cannot see the pull request's entry");
    assert.equal(await lookup("scope-2", ["scope-"], pr8), "scope-1", "nor can another pull request");
    // Its own scope holds scope-1 no more than main's did: saving it again from the pull request is no duplicate.
    await save("scope-1", pr7);
    assert.equal(svc.entries.filter((e) => e.key === "scope-1").length, 2);
  });

  test("a branch reads the default branch, not another branch", async () => {
    await save("branch-x", scopesFor({ branch: "dev" }));
    assert.equal(await lookup("branch-x", [], scopesFor({ branch: "feature" })), undefined);
    await save("branch-y", MAIN);
    assert.equal(await lookup("branch-", [], scopesFor({ branch: "feature" })), "branch-y");
  });

  test("within a scope: the key exactly, then the key as a prefix, then each restore key; the newest first", async () => {
    await save("order-a-1", MAIN);
    await save("order-a-2", MAIN);
    await save("order-b", MAIN);
    await save("order-a", MAIN);
    const cases: [string, string[], string | undefined][] = [
      ["order-a", [], "order-a"], // exact, though not the newest prefix match
      ["order-a-", [], "order-a-2"], // prefix: the newest
      ["order-c", ["order-b", "order-"], "order-b"], // restore keys in order
      ["order-c", ["order-"], "order-a"], // the newest of all
      ["order-c", ["nothing-"], undefined],
    ];
    for (const [key, restore, want] of cases) assert.equal(await lookup(key, restore, MAIN), want, `${key} [${restore.join(", ")}]`);
  });
});

describe("@actions/cache 6 itself, saving and restoring through the stand-in", () => {
  const client = join(import.meta.dirname, "../support/actions-cache-client.ts");
  const TSX = import.meta.resolve("tsx");

  async function actionsCache(env: Record<string, string>, req: object): Promise<{ result: Record<string, unknown>; log: string }> {
    const work = join(tmp, "ws");
    mkdirSync(join(tmp, "runner-temp"), { recursive: true });
    mkdirSync(work, { recursive: true });
    // Async: the stand-in answers from this process.
    const child = spawn(process.execPath, ["--import", TSX, client, JSON.stringify(req)], {
      cwd: work,
      env: { PATH: process.env.PATH, HOME: tmp, RUNNER_TEMP: join(tmp, "runner-temp"), GITHUB_WORKSPACE: work, ...env },
    });
    let log = "";
    child.stdout.on("data", (b: Buffer) => (log += b.toString()));
    child.stderr.on("data", (b: Buffer) => (log += b.toString()));
    const code = await new Promise<number | null>((done) => child.on("close", done));
    const m = /^RESULT (.*)$/m.exec(log);
    assert.ok(code === 0 && m, `the client exited ${code}:\n${log}`);
    return { result: JSON.parse(m[1]!) as Record<string, unknown>, log };
  }

  test("save; save again (already exists: not saved, a note); a pull request's job restores it by restore key", async () => {
    const data = join(tmp, "data");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "a.txt"), "hello ".repeat(1000));
    const main = svc.jobEnv({ branch: "main" });
    const first = await actionsCache(main, { op: "save", paths: [data], key: "client-1" });
    const entry = svc.entries.find((e) => e.key === "client-1");
    assert.ok(entry?.finalized, first.log);
    assert.equal(first.result.id, entry.id);
    assert.equal(await svc.blobSize(entry), entry.size);

    const again = await actionsCache(main, { op: "save", paths: [data], key: "client-1" });
    assert.equal(again.result.id, -1);
    assert.match(again.log, /Failed to save: Unable to reserve cache with key client-1, another job may be creating this cache/);
    assert.equal(svc.calls.filter((c) => c.key === "client-1" && c.code === "already_exists").length, 1);

    rmSync(data, { recursive: true });
    const pr = await actionsCache(svc.jobEnv({ pullRequest: 3 }), {
      op: "restore",
      paths: [data],
      key: "client-2",
      restoreKeys: ["client-"],
    });
    assert.equal(pr.result.matched, "client-1", pr.log);
    assert.match(pr.log, /Cache hit for restore-key: client-1/);
    assert.equal(readFileSync(join(data, "a.txt"), "utf8"), "hello ".repeat(1000));
  });

  test("a job whose runtime token the service did not sign: restore warns and misses, save warns and saves nothing", async () => {
    const env = { ...svc.jobEnv({ branch: "main" }), ACTIONS_RUNTIME_TOKEN: "not-a-token" };
    const data = join(tmp, "data-unsigned");
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, "b.txt"), "b");
    const count = svc.entries.length;
    const r = await actionsCache(env, { op: "restore", paths: [data], key: "client-1" });
    assert.equal(r.result.matched, null);
    assert.match(r.log, /^::warning::Failed to restore: .*\(401\) Unauthorized: the Authorization header is not a bearer JWT$/m);
    const s = await actionsCache(env, { op: "save", paths: [data], key: "client-3" });
    assert.equal(s.result.id, -1);
    assert.match(s.log, /^Failed to save: Unable to reserve cache with key client-3/m);
    assert.equal(svc.entries.length, count);
  });
});
