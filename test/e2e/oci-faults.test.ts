/**
 * The registry client against the real registry (127.0.0.1:5000) through a local proxy that
 * injects faults (503, 429 + Retry-After, dropped connections, stalls, several error codes) or demands authentication
 * (Bearer through a local token server, or Basic). Needs doctor's "registry" prerequisite.
 */
import { after, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.js";
import { needs } from "../support/prerequisites.js";
import { close, listen, startProxy, UPSTREAM, type Proxy } from "../support/registry-proxy.js";
import { silentLogger, streamLogger, type Logger } from "../../src/lib/log.js";
import { UsageError } from "../../src/lib/errors.js";
import { writeTar } from "../../src/lib/tar.js";
import { basicAuthorization } from "../../src/oci/credentials.js";
import { RegistryError } from "../../src/oci/errors.js";
import { pushLayout } from "../../src/oci/push.js";
import { RegistryClient, type RegistryClientOptions } from "../../src/oci/registry.js";
import { buildImage, type ImageResult } from "../../src/build/image.js";

const EPOCH = 1767225600;

const need = await needs("registry");

/** Keeps warnings (retries are logged there) so tests can check that no secret is ever logged. */
function recordingLogger(lines: string[]): Logger {
  return { ...silentLogger, warn: (m) => lines.push(m), info: (m) => lines.push(m), debug: (m) => lines.push(m) };
}

const FAST_RETRY = { attempts: 5, baseMs: 10, maxDelayMs: 100, budgetMs: 20_000 };
const HERMETIC: RegistryClientOptions = { env: {}, dockerConfig: "/nonexistent/config.json" };
const runId = randomBytes(4).toString("hex");
let repoCount = 0;
const newRepo = () => `test-${runId}/faults-${++repoCount}`;
/** A client straight to the registry, to check what a push left behind. */
const direct = () => new RegistryClient(`${UPSTREAM.host}:${UPSTREAM.port}`, HERMETIC);

describe("registry client under faults", { skip: need.skip }, () => {
  beforeEach(need.check);
  let work = "";
  let image: ImageResult;
  /** The largest blob: an incompressible layer of about 200 KB. */
  let bigLayer = { digest: "", size: 0 };

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "oci-faults-"));
    const cfg = await loadConfig(join(import.meta.dirname, "../../configs/kimigayo.yml"));
    const noise = randomBytes(200_000); // random per run: the first push really uploads
    const rootfs = (["linux/amd64", "linux/arm64"] as const).map((platform) => {
      const tar = join(work, `${platform.replace("/", "-")}.tar`);
      mkdirSync(work, { recursive: true });
      const data = platform === "linux/amd64" ? noise : Buffer.from(`arm64 ${runId}\n`);
      writeFileSync(tar, writeTar([{ type: "file", path: "data", mode: 0o644, data }], { mtime: EPOCH }));
      return { platform, tar };
    });
    image = await buildImage({
      config: cfg,
      variant: cfg.variants[0]!,
      rootfs,
      outDir: join(work, "out"),
      sourceDateEpoch: EPOCH,
      log: silentLogger,
    });
    bigLayer = image.manifests[0]!.layers[0]!;
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const pushThrough = async (proxy: Proxy, client: RegistryClient, tags = ["t1"]) => {
    const repo = newRepo();
    const result = await pushLayout(image.layout, repo, tags, client, silentLogger);
    assert.equal(result.indexDigest, image.index.digest);
    const stored = await direct().getManifest(repo, tags[0]!);
    assert.equal(stored.digest, image.index.digest, "the tag resolves to the index on the real registry");
    return { repo, result, proxy };
  };

  it("retries 503 answers and succeeds", async () => {
    const proxy = await startProxy({ fault: (_req, n) => (n <= 3 ? "503" : undefined) });
    try {
      const lines: string[] = [];
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: FAST_RETRY, log: recordingLogger(lines) });
      const { result } = await pushThrough(proxy, client);
      assert.equal(result.stats.retries, 3);
      assert.equal(proxy.seen.filter((s) => s.outcome === "503").length, 3);
      assert.ok(
        lines.some((l) => /: 503 Service Unavailable \(UNAVAILABLE injected\); retrying in 0\.\d s \(attempt 2 of 5\)/.test(l)),
        lines.join("\n"),
      );
    } finally {
      await proxy.close();
    }
  });

  it("honours 429 with Retry-After: 1", async () => {
    const proxy = await startProxy({ fault: (_req, n) => (n <= 2 ? "429" : undefined) });
    try {
      const delays: number[] = [];
      const sleep = (ms: number) => {
        delays.push(ms);
        return new Promise<void>((r) => setTimeout(r, ms));
      };
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: { ...FAST_RETRY, sleep } });
      const t0 = Date.now();
      const { result } = await pushThrough(proxy, client);
      assert.deepEqual(delays, [1000, 1000]);
      assert.ok(Date.now() - t0 >= 1000);
      assert.equal(result.stats.retries, 2);
    } finally {
      await proxy.close();
    }
  });

  it("retries dropped connections and succeeds", async () => {
    const proxy = await startProxy({ fault: (_req, n) => (n <= 3 ? "reset" : undefined) });
    try {
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: FAST_RETRY });
      const { result } = await pushThrough(proxy, client);
      assert.equal(result.stats.retries, 3);
    } finally {
      await proxy.close();
    }
  });

  it("retries a stalled request after the per-attempt timeout and succeeds", async () => {
    // The first HEAD of a blob gets no answer at all; the attempt times out after 1 s and is retried.
    let heads = 0;
    const proxy = await startProxy({
      fault: (req) => (req.method === "HEAD" && /\/blobs\//.test(req.url ?? "") && ++heads === 1 ? "stall" : undefined),
    });
    try {
      const lines: string[] = [];
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, timeoutMs: 1000, retry: FAST_RETRY, log: recordingLogger(lines) });
      const t0 = Date.now();
      const { result } = await pushThrough(proxy, client);
      assert.equal(result.stats.retries, 1);
      assert.equal(proxy.seen.filter((s) => s.outcome === "stall").length, 1);
      assert.ok(Date.now() - t0 >= 1000, "the stalled attempt was waited for");
      assert.ok(
        lines.some((l) =>
          /: no answer within 1 s \(per-attempt timeout, KIMIGAYO_REGISTRY_TIMEOUT\); retrying in .* \(attempt 2 of 5\)/.test(l),
        ),
        lines.join("\n"),
      );
    } finally {
      await proxy.close();
    }
  });

  it("takes the per-attempt timeout from KIMIGAYO_REGISTRY_TIMEOUT, and refuses a bad one as bad input", () => {
    assert.equal(new RegistryClient("127.0.0.1:5000", { ...HERMETIC, env: { KIMIGAYO_REGISTRY_TIMEOUT: "2.5" } }).timeoutMs, 2500);
    assert.equal(new RegistryClient("127.0.0.1:5000", HERMETIC).timeoutMs, 30_000, "well below the 120 s budget");
    for (const bad of ["0", "-1", "ten", "1e3", "5000"]) {
      assert.throws(
        () => new RegistryClient("127.0.0.1:5000", { ...HERMETIC, env: { KIMIGAYO_REGISTRY_TIMEOUT: bad } }),
        (err: unknown) =>
          err instanceof UsageError &&
          err.message.includes(`KIMIGAYO_REGISTRY_TIMEOUT="${bad}"`) &&
          /above 0 and at most 3600/.test(err.message),
      );
    }
  });

  it("gives up on a registry that keeps stalling within the operation's budget, and prints no ✔ for the failed push", async () => {
    const proxy = await startProxy({ fault: (req) => (req.method === "HEAD" ? "stall" : undefined) });
    try {
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, timeoutMs: 300, retry: { ...FAST_RETRY, attempts: 3 } });
      const out: string[] = [];
      const log = streamLogger({ write: (s: string) => out.push(s) } as unknown as NodeJS.WritableStream);
      const repo = newRepo();
      await assert.rejects(
        pushLayout(image.layout, repo, ["t1"], client, log),
        /failed after 3 attempts: HEAD .*: no answer within 0\.3 s/,
      );
      assert.ok(
        out.some((l) => l.startsWith("▶ push")),
        out.join(""),
      );
      assert.ok(!out.some((l) => l.startsWith("✔")), `a failed push printed success:\n${out.join("")}`);
      assert.deepEqual(await direct().listTags(repo), []);
    } finally {
      await proxy.close();
    }
  });

  it("shows every error code and message the registry returned", async () => {
    const proxy = await startProxy({
      fault: (req) => (req.method === "PUT" && /\/manifests\/sha256:/.test(req.url ?? "") ? "multi-error" : undefined),
    });
    try {
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: FAST_RETRY });
      await assert.rejects(pushLayout(image.layout, newRepo(), ["t1"], client, silentLogger), (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(err.status, 400);
        assert.match(err.message, /400 Bad Request \(MANIFEST_INVALID manifest invalid; MANIFEST_BLOB_UNKNOWN blob unknown to registry\)/);
        assert.deepEqual(err.info.codes, ["MANIFEST_INVALID", "MANIFEST_BLOB_UNKNOWN"]);
        return true;
      });
      assert.equal(proxy.seen.filter((s) => s.outcome === "multi-error").length, 1, "a 400 is not retried");
    } finally {
      await proxy.close();
    }
  });

  it("uploads large blobs in chunks and restarts an upload whose PATCH was cut off", async () => {
    let patches = 0;
    const proxy = await startProxy({ fault: (req) => (req.method === "PATCH" && ++patches === 2 ? "reset" : undefined) });
    try {
      const client = new RegistryClient(proxy.registry, {
        ...HERMETIC,
        retry: FAST_RETRY,
        chunkThreshold: 64 * 1024,
        chunkSize: 48 * 1024,
      });
      const { repo, result } = await pushThrough(proxy, client);
      const chunks = Math.ceil(bigLayer.size / (48 * 1024));
      const patched = proxy.seen.filter((s) => s.method === "PATCH");
      assert.equal(patched.length, 2 + chunks, "one PATCH accepted, one cut off, then a whole new upload");
      assert.deepEqual(
        patched.slice(0, 3).map((s) => s.contentRange),
        ["0-49151", "49152-98303", "0-49151"],
      );
      assert.equal(patched.at(-1)?.contentRange, `${(chunks - 1) * 48 * 1024}-${bigLayer.size - 1}`);
      assert.equal(result.stats.retries, 1);
      assert.equal(result.stats.blobsUploaded, 4);
      const blob = await direct().getBlob(repo, bigLayer.digest); // verifies the digest
      assert.equal(blob.length, bigLayer.size);
    } finally {
      await proxy.close();
    }
  });

  it("fails cleanly when uploads keep failing: a clear error and no tag", async () => {
    const proxy = await startProxy({ fault: (req) => (req.method === "POST" ? "503" : undefined) });
    try {
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: { ...FAST_RETRY, attempts: 3 } });
      const repo = newRepo();
      await assert.rejects(pushLayout(image.layout, repo, ["t1"], client, silentLogger), (err: unknown) => {
        assert.ok(err instanceof RegistryError);
        assert.equal(err.status, 503);
        assert.match(
          err.message,
          /^upload blob sha256:[0-9a-f]{64} \(\d+ B\) to test-[0-9a-f]+\/faults-\d+ failed after 3 attempts: POST http:\/\/127\.0\.0\.1:\d+\/v2\/.+\/blobs\/uploads\/: 503/,
        );
        return true;
      });
      assert.deepEqual(await direct().listTags(repo), []);
      assert.equal(await direct().headManifest(repo, image.index.digest), undefined);
      assert.equal(proxy.seen.filter((s) => s.method === "PUT").length, 0, "no manifest was pushed");
    } finally {
      await proxy.close();
    }
  });

  it("gives up at once when Retry-After is beyond the time budget", async () => {
    const proxy = await startProxy({ fault: () => "429-long" });
    try {
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: { ...FAST_RETRY, budgetMs: 2000 } });
      const repo = newRepo();
      const t0 = Date.now();
      await assert.rejects(pushLayout(image.layout, repo, ["t1"], client, silentLogger), /429 Too Many Requests/);
      assert.ok(Date.now() - t0 < 1500, `gave up after ${Date.now() - t0} ms`);
      assert.deepEqual(await direct().listTags(repo), []);
    } finally {
      await proxy.close();
    }
  });

  it("pushes the index by digest before any tag, so a failing tag leaves no tag but a complete image", async () => {
    const proxy = await startProxy({
      fault: (req) => (req.method === "PUT" && /\/manifests\/t1$/.test(req.url ?? "") ? "503" : undefined),
    });
    try {
      const client = new RegistryClient(proxy.registry, { ...HERMETIC, retry: { ...FAST_RETRY, attempts: 2 } });
      const repo = newRepo();
      await assert.rejects(pushLayout(image.layout, repo, ["t1"], client, silentLogger), /put manifest test-.*:t1 failed after 2 attempts/);
      assert.deepEqual(await direct().listTags(repo), []);
      assert.equal((await direct().headManifest(repo, image.index.digest))?.digest, image.index.digest);
      const puts = proxy.seen
        .filter((s) => s.method === "PUT" && s.path.includes("/manifests/"))
        .map((s) => s.path.replace(/^.*\/manifests\//, ""));
      assert.deepEqual(puts, [...image.manifests.map((m) => m.digest), image.index.digest, "t1", "t1"]);
    } finally {
      await proxy.close();
    }
  });

  describe("authentication", () => {
    const user = { username: "alice", password: `pw-${randomBytes(6).toString("hex")}` };

    it("follows a Bearer challenge to the token server and sends the token", async () => {
      const token = `tok-${randomBytes(8).toString("hex")}`;
      const tokenRequests: URL[] = [];
      const tokenServer = createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://x");
        tokenRequests.push(url);
        if (req.headers.authorization !== basicAuthorization(user)) {
          res.writeHead(401, { "content-type": "application/json" });
          return res.end('{"details":"bad credentials"}');
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ token, expires_in: 300 }));
      });
      const tokenPort = await listen(tokenServer);
      const realm = `http://127.0.0.1:${tokenPort}/token`;
      const proxy = await startProxy({
        gate: (req) => {
          if (req.headers.authorization === `Bearer ${token}`) return undefined;
          const repo = /^\/v2\/(.+)\/(?:blobs|manifests|tags)\//.exec(req.url ?? "")?.[1];
          return `Bearer realm="${realm}",service="kimigayo-test"${repo ? `,scope="repository:${repo}:pull"` : ""}`;
        },
      });
      try {
        const lines: string[] = [];
        const client = new RegistryClient(proxy.registry, { ...HERMETIC, explicit: user, log: recordingLogger(lines) });
        await client.ping();
        const { repo } = await pushThrough(proxy, client);
        const forwarded = proxy.seen.filter((s) => s.outcome === "forwarded");
        assert.ok(forwarded.length > 10);
        assert.ok(
          forwarded.every((s) => s.authorization === `Bearer ${token}`),
          "every request that reached the registry carried the token",
        );
        assert.ok(tokenRequests.every((u) => u.searchParams.get("service") === "kimigayo-test"));
        assert.ok(tokenRequests.some((u) => u.searchParams.getAll("scope").includes(`repository:${repo}:pull,push`)));
        assert.equal(
          tokenRequests.length,
          3,
          `one token per scope (none for the ping, pull, pull+push), shared by concurrent requests; got:\n${tokenRequests.join("\n")}`,
        );

        const wrong = new RegistryClient(proxy.registry, {
          ...HERMETIC,
          explicit: { ...user, password: "wrong-password" },
          log: recordingLogger(lines),
        });
        await assert.rejects(wrong.ping(), (err: unknown) => {
          assert.ok(err instanceof RegistryError);
          assert.match(err.message, /token request to http:\/\/127\.0\.0\.1:\d+\/token as alice failed: 401/);
          assert.ok(!err.message.includes("wrong-password"));
          return true;
        });
        for (const l of lines) assert.ok(!l.includes(user.password) && !l.includes(token), `a log line shows a secret: ${l}`);
      } finally {
        await proxy.close();
        await close(tokenServer);
      }
    });

    it("sends Basic credentials from the environment when challenged", async () => {
      const proxy = await startProxy({
        gate: (req) => (req.headers.authorization === basicAuthorization(user) ? undefined : 'Basic realm="kimigayo-test"'),
      });
      try {
        const env = { KIMIGAYO_REGISTRY_USER: user.username, KIMIGAYO_REGISTRY_PASSWORD: user.password };
        const client = new RegistryClient(proxy.registry, { ...HERMETIC, env });
        await pushThrough(proxy, client);
        assert.ok(proxy.seen.filter((s) => s.outcome === "forwarded").every((s) => s.authorization === basicAuthorization(user)));
        assert.equal(proxy.seen.filter((s) => s.outcome === "401").length, 1, "one challenge, then Basic on every request");

        const wrong = new RegistryClient(proxy.registry, { ...HERMETIC, env: { ...env, KIMIGAYO_REGISTRY_PASSWORD: "not-the-password" } });
        await assert.rejects(wrong.ping(), (err: unknown) => {
          assert.ok(err instanceof RegistryError);
          assert.equal(err.status, 401);
          assert.match(err.message, /401 Unauthorized .*the credentials for user alice were not accepted/);
          assert.ok(!err.message.includes("not-the-password"));
          assert.ok(!err.message.includes(basicAuthorization({ ...user, password: "not-the-password" }).slice(6)));
          return true;
        });
        const anonymous = new RegistryClient(proxy.registry, HERMETIC);
        await assert.rejects(anonymous.ping(), /requires credentials: set KIMIGAYO_REGISTRY_USER and KIMIGAYO_REGISTRY_PASSWORD/);
      } finally {
        await proxy.close();
      }
    });
  });
});
