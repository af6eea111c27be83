/**
 * A registry as strict as GitHub's (ghcr.io) about who may read and write: the REAL docker-registry
 * (distribution 2.8, Debian's package) on a free 127.0.0.1 port with its own temporary storage,
 * behind token authentication, with the token service written here.
 *
 * - The registry answers every request without a token 401 with a `WWW-Authenticate: Bearer
 *   realm=…,service=…,scope=…` challenge, and a request whose token lacks the scope 401 again
 *   (`error="insufficient_scope"`): that is distribution's own code, not ours.
 * - The token service (node:http) issues JWTs signed with an ECDSA P-256 key (ES256) whose
 *   self-signed certificate is the registry's `rootcertbundle`; the certificate travels in the
 *   token's `x5c` header, which distribution 2.8 verifies against that bundle.
 * - It grants per repository, like a job's GITHUB_TOKEN on GHCR: only for the configured
 *   credentials (any non-empty user name, as GHCR takes `github.actor`, with the token as the
 *   password), only for repositories under the grant's owner namespace, `pull` with
 *   `packages: read`, `pull,push` with `packages: write`. Anonymous callers get a token with NO
 *   access to any repository: every new package is private, so an anonymous pull or tag list is
 *   refused. Wrong credentials get 401 from the token service itself (as GHCR's does).
 * - Distribution 2.8 has no referrers API (GHCR has none either): clients use the `sha256-…`
 *   fallback tags, which it stores like any tag.
 *
 * Docker's daemon treats 127.0.0.0/8 registries as insecure (plain http), so `docker login` and
 * `docker pull` work against it, through the token service, as against GHCR.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Grant, PackagesPermission, TokenRequest, TokenServiceData } from "./ghcr-token-service.js";

export type { Grant, PackagesPermission, TokenRequest } from "./ghcr-token-service.js";

export interface StrictRegistry {
  /** host:port, e.g. "127.0.0.1:40123". */
  registry: string;
  /** The token service's realm. */
  realm: string;
  /** Every token request so far, in order. */
  tokenRequests(): TokenRequest[];
  /** Adds a grant, or replaces the one for the same token (a new job of the same run gets its own permissions). */
  grant(g: Grant): void;
  /** The registry's own log so far (for a failing test's message). */
  log(): string;
  close(): Promise<void>;
}

const SERVICE = "ghcr-stand-in";
const ISSUER = "ghcr-stand-in-token-service";

/** A port nobody listens on now (the registry binds it itself a moment later). */
async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A key and its self-signed certificate (openssl signs it; node:crypto has no certificate writer). */
function keyAndCertificate(dir: string): { key: KeyObject; certFile: string } {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const keyFile = join(dir, "token-key.pem");
  writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  const certFile = join(dir, "token-cert.pem");
  const r = spawnSync("openssl", ["req", "-x509", "-new", "-key", keyFile, "-subj", `/CN=${ISSUER}`, "-days", "2", "-out", certFile], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`openssl req -x509 failed: ${r.stderr || r.error?.message}`);
  return { key: privateKey, certFile };
}

export async function startStrictRegistry(opts: { grants?: Grant[] } = {}): Promise<StrictRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-ghcr-"));
  const grants = new Map<string, Grant>((opts.grants ?? []).map((g) => [g.token, g]));
  const grantsFile = join(dir, "grants.json");
  const requestsFile = join(dir, "token-requests.jsonl");
  const saveGrants = () => writeFileSync(grantsFile, JSON.stringify([...grants.values()]));
  saveGrants();
  writeFileSync(requestsFile, "");
  const { key, certFile } = keyAndCertificate(dir);
  // The token service runs in a worker thread: a test that blocks its own thread (spawnSync of
  // skopeo, docker) must not block the tokens those programs wait for.
  const data: TokenServiceData = {
    keyPem: key.export({ type: "pkcs8", format: "pem" }).toString(),
    certPem: readFileSync(certFile, "utf8"),
    service: SERVICE,
    issuer: ISSUER,
    grantsFile,
    requestsFile,
  };
  // (A worker does not inherit tsx's loader hooks: the worker registers them before loading the TypeScript.)
  const boot = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
    .then(({ register }) => { register(); return import(${JSON.stringify(new URL("./ghcr-token-service.ts", import.meta.url).href)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: data });
  const tokenPort = await new Promise<number>((resolve, reject) => {
    worker.once("message", (m: { port: number }) => resolve(m.port));
    worker.once("error", reject);
  });
  worker.unref();
  const realm = `http://127.0.0.1:${tokenPort}/token`;

  const port = await freePort();
  const config = join(dir, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log: { level: info, accesslog: { disabled: true } }",
      `storage: { filesystem: { rootdirectory: ${join(dir, "data")} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port}, secret: ${createHash("sha256").update(dir).digest("hex")} }`,
      `auth: { token: { realm: "${realm}", service: ${SERVICE}, issuer: ${ISSUER}, rootcertbundle: ${certFile} } }`,
      "",
    ].join("\n"),
  );
  const logFile = join(dir, "registry.log");
  const out = openSync(logFile, "a");
  const child: ChildProcess = spawn("docker-registry", ["serve", config], { stdio: ["ignore", out, out] });
  closeSync(out);
  const log = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };
  const registry = `127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    await worker.terminate();
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when /v2/ answers with the Bearer challenge.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await fetch(`http://${registry}/v2/`).catch(() => undefined);
    if (res) {
      await res.arrayBuffer();
      const challenge = res.headers.get("www-authenticate") ?? "";
      if (res.status === 401 && challenge.startsWith("Bearer ")) break;
      await stop();
      throw new Error(`docker-registry on ${registry} answered /v2/ ${res.status} (${challenge}), not a token challenge`);
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`docker-registry serve ${config} did not start on ${registry}:\n${text.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    registry,
    realm,
    tokenRequests: () =>
      readFileSync(requestsFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as TokenRequest),
    grant: (g) => {
      grants.set(g.token, g);
      saveGrants();
    },
    log,
    close: stop,
  };
}

/**
 * The `packages:` permission a workflow job's GITHUB_TOKEN holds: the job's `permissions`, else
 * the workflow's; `read-all`/`write-all`; a map without `packages` grants none. A workflow that
 * sets no permissions at all gets the restricted default (GitHub's default for new repositories
 * and organisations): `packages: read`. A fork's pull request never gets more than read.
 */
export function packagesPermission(
  workflow: { permissions?: unknown; jobs: Record<string, { permissions?: unknown }> },
  job: string,
  opts: { fork?: boolean } = {},
): PackagesPermission {
  const p = workflow.jobs[job]?.permissions ?? workflow.permissions;
  let got: PackagesPermission = "none";
  if (p === undefined || p === "read-all") got = "read";
  else if (p === "write-all") got = "write";
  else if (typeof p === "object" && p !== null) {
    const v = (p as Record<string, unknown>).packages;
    got = v === "write" || v === "read" ? v : "none";
  }
  return opts.fork && got === "write" ? "read" : got;
}
