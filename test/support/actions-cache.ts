/**
 * A stand-in for GitHub's Actions cache service, v2 (the one @actions/cache 6 speaks when the
 * runner sets ACTIONS_CACHE_SERVICE_V2), for tests only: the service cannot exist on this machine.
 * Its blob storage is real: Azurite (Microsoft's Azure Storage emulator, the npm package
 * `azurite`), run as `azurite-blob` on a free loopback port with a temporary folder. The stand-in
 * hands out SAS URLs signed with Azurite's well-known development account key, so
 * @actions/cache's own Azure SDK upload (and download, see `blobHost`) runs against Azurite,
 * which checks each URL's signature, permissions and expiry itself.
 *
 * What it serves: the Twirp JSON API under ACTIONS_RESULTS_URL,
 * POST /twirp/github.actions.results.api.v1.CacheService/{CreateCacheEntry,
 * FinalizeCacheEntryUpload, GetCacheEntryDownloadURL}. What it enforces, as GitHub's does:
 * - `Authorization: Bearer <ACTIONS_RUNTIME_TOKEN>`, a JWT this stand-in signed for one job
 *   (`jobEnv`), unexpired; otherwise 401 `unauthenticated`;
 * - the cache scopes in the token's `ac` claim ([{Scope, Permission}], Permission 1 read, 2 write):
 *   a job writes only to its own ref's scope (a push: refs/heads/X or refs/tags/X; a pull request:
 *   refs/pull/N/merge) and reads its own, then its base branch's, then the default branch's;
 *   no readable scope answers 403 `cache read denied: …`, no writable one 403 `cache write denied: …`;
 * - request bodies as protobuf JSON: an object whose fields are the message's (proto or JSON
 *   names), of the right types (strings; repeated strings; int64 as a number or a decimal
 *   string); anything else is 400 `malformed`; a missing key or version, a key over 512
 *   characters or with a comma, more than 10 keys in all: 400 `invalid_argument`;
 * - Content-Type application/json (protobuf is GitHub's too, but not this stand-in's: 501);
 *   another method than POST or an unknown path: 404 `bad_route`;
 * - CreateCacheEntry of a key + version its scope already holds (finalized or being uploaded):
 *   409 `already_exists`, "cache entry with the same key, version, and scope already exists";
 * - FinalizeCacheEntryUpload only of an entry created in the job's scope and not finalized
 *   (else 404 `not_found` / 409 `already_exists`), whose blob Azurite holds (else 412
 *   `failed_precondition`) with exactly size_bytes bytes (else 400 `invalid_argument`);
 * - GetCacheEntryDownloadURL: finalized entries of the same version only; per scope in the
 *   token's order, the key exactly, then the key as a prefix, then each restore key as a prefix,
 *   the newest entry first; a miss is 200 with ok false.
 * Responses are protobuf JSON with proto field names and every field (int64 as a string), as
 * Twirp's Go server writes them; errors are Twirp's `{code, msg}` with its HTTP status.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  BlobSASPermissions,
  BlobServiceClient,
  SASProtocol,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from "@azure/storage-blob";
import type { EventSpec } from "./runner.js";

/** Azurite's development account and key: public, documented, accepted by Azurite only. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const CONTAINER = "actions-cache";
const SERVICE = "github.actions.results.api.v1.CacheService";

export const READ = 1;
export const WRITE = 2;

export interface CacheScope {
  scope: string;
  /** READ, WRITE or both. */
  permission: number;
}

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  scope: string;
  blob: string;
  finalized: boolean;
  size?: number;
  /** Order of finalizing: the larger, the newer. */
  seq: number;
}

export interface CacheCall {
  method: string;
  status: number;
  /** The Twirp error code, or "ok". */
  code: string;
  key?: string;
}

/** The Twirp error codes this stand-in answers with, and their HTTP status (twirp's spec). */
const STATUS = {
  malformed: 400,
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
  unimplemented: 501,
  internal: 500,
} as const;
type TwirpCode = keyof typeof STATUS;

class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    msg: string,
  ) {
    super(msg);
  }
}

// ------------------------------------------------------------------------------------------------
// Messages: protobuf JSON, as protojson reads it (proto name or lowerCamelCase JSON name)

type FieldType = "string" | "strings" | "int64" | "metadata";
const MESSAGES: Record<string, Record<string, FieldType>> = {
  CreateCacheEntry: { metadata: "metadata", key: "string", version: "string" },
  FinalizeCacheEntryUpload: { metadata: "metadata", key: "string", size_bytes: "int64", version: "string" },
  GetCacheEntryDownloadURL: { metadata: "metadata", key: "string", restore_keys: "strings", version: "string" },
};

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

function isInt64(v: unknown): boolean {
  if (typeof v === "number") return Number.isSafeInteger(v);
  return typeof v === "string" && /^-?\d{1,19}$/.test(v);
}

function checkMetadata(v: unknown, where: string): void {
  // results.entities.v1.CacheMetadata { int64 repository_id; repeated CacheScope scope }
  if (v === null) return;
  if (typeof v !== "object" || Array.isArray(v)) throw new TwirpError("malformed", `${where}: an object is expected`);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k === "repository_id" || k === "repositoryId") {
      if (x !== null && !isInt64(x)) throw new TwirpError("malformed", `${where}.${k}: an int64 is expected`);
    } else if (k === "scope") {
      if (x !== null && !Array.isArray(x)) throw new TwirpError("malformed", `${where}.scope: an array is expected`);
      for (const s of (x ?? []) as unknown[]) {
        if (typeof s !== "object" || s === null || Array.isArray(s))
          throw new TwirpError("malformed", `${where}.scope[]: an object is expected`);
        for (const [sk, sv] of Object.entries(s as Record<string, unknown>)) {
          const ok = sk === "scope" ? typeof sv === "string" : sk === "permission" ? isInt64(sv) : false;
          if (!ok) throw new TwirpError("malformed", `${where}.scope[].${sk}: unknown field or wrong type`);
        }
      }
    } else throw new TwirpError("malformed", `${where}: unknown field "${k}"`);
  }
}

/** The request as {proto_name: value}, or a `malformed` error naming the first fault. */
export function parseRequest(method: string, body: string): Record<string, unknown> {
  const fields = MESSAGES[method]!;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new TwirpError("malformed", `the json request could not be decoded: ${(e as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new TwirpError("malformed", "the json request could not be decoded: an object is expected");
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
    const name = Object.keys(fields).find((f) => f === k || camel(f) === k);
    if (!name) throw new TwirpError("malformed", `the json request could not be decoded: unknown field "${k}" in ${method}Request`);
    if (name in out) throw new TwirpError("malformed", `the json request could not be decoded: duplicate field "${k}"`);
    if (v === null) continue; // protojson: null is the field's default
    const type = fields[name]!;
    const bad = () =>
      new TwirpError(
        "malformed",
        `the json request could not be decoded: ${k}: a${type === "int64" ? "n int64" : type === "strings" ? "n array of strings" : " string"} is expected, not ${JSON.stringify(v)}`,
      );
    if (type === "string" && typeof v !== "string") throw bad();
    if (type === "strings" && !(Array.isArray(v) && v.every((x) => typeof x === "string"))) throw bad();
    if (type === "int64" && !isInt64(v)) throw bad();
    if (type === "metadata") checkMetadata(v, k);
    out[name] = v;
  }
  return out;
}

function checkKey(key: unknown, what: string): string {
  if (typeof key !== "string" || key === "") throw new TwirpError("invalid_argument", `${what} is required`);
  if (key.length > 512) throw new TwirpError("invalid_argument", `${what} cannot be longer than 512 characters`);
  if (key.includes(",")) throw new TwirpError("invalid_argument", `${what} cannot contain commas`);
  return key;
}

function checkVersion(v: unknown): string {
  if (typeof v !== "string" || v === "") throw new TwirpError("invalid_argument", "version is required");
  if (!/^[0-9a-f]{64}$/.test(v)) throw new TwirpError("invalid_argument", `version must be a sha256 in hex, not ${JSON.stringify(v)}`);
  return v;
}

// ------------------------------------------------------------------------------------------------
// Tokens: the runtime token the runner hands a job, a JWT naming its cache scopes

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** The scopes GitHub gives a job of `event`: its own ref read-write, then its base and the default branch read-only. */
export function scopesFor(event: EventSpec, defaultBranch = "main"): CacheScope[] {
  const own =
    "pullRequest" in event
      ? `refs/pull/${event.pullRequest}/merge`
      : "tag" in event
        ? `refs/tags/${event.tag}`
        : `refs/heads/${event.branch}`;
  const reads = ["pullRequest" in event ? `refs/heads/${event.base ?? "main"}` : "", `refs/heads/${defaultBranch}`].filter(Boolean);
  const scopes: CacheScope[] = [{ scope: own, permission: READ | WRITE }];
  for (const s of reads) if (!scopes.some((x) => x.scope === s)) scopes.push({ scope: s, permission: READ });
  return scopes;
}

// ------------------------------------------------------------------------------------------------
// Azurite

const require = createRequire(import.meta.url);

interface Azurite {
  url: string;
  port: number;
  child: ChildProcess;
  dir: string;
}

async function startAzurite(): Promise<Azurite> {
  const main = join(dirname(require.resolve("azurite/package.json")), "dist/src/blob/main.js");
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-azurite-"));
  // Port 0: the kernel picks a free one, and Azurite says which. Telemetry off: no network here.
  const args = ["--blobHost", "127.0.0.1", "--blobPort", "0", "--location", dir, "--silent", "--disableTelemetry", "--skipApiVersionCheck"];
  // Azurite outlives a test process that is killed; this preload ends it (and removes its folder)
  // once its parent is gone.
  const watch = `import{rmSync}from"node:fs";const p=process.ppid;setInterval(()=>{if(process.ppid!==p){rmSync(${JSON.stringify(dir)},{recursive:true,force:true});process.exit(0)}},500).unref();`;
  const child = spawn(process.execPath, ["--import", `data:text/javascript,${encodeURIComponent(watch)}`, main, ...args], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`azurite-blob did not start in 30 s:\n${out}`)), 30_000);
    const take = (b: Buffer) => {
      out += b.toString();
      const m = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(Number(m[1]));
      }
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`azurite-blob exited with ${code}:\n${out}`));
    });
  });
  child.removeAllListeners("exit");
  return { url: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`, port, child, dir };
}

/** An Azure-looking blob host name for Azurite (see ActionsCacheOptions.blobHost). */
export const AZURE_BLOB_HOST = `${AZURITE_ACCOUNT}.blob.core.windows.net`;

/**
 * Makes AZURE_BLOB_HOST resolve to loopback on this machine (a line in /etc/hosts, as root;
 * idempotent), so @actions/cache's Azure SDK download runs against Azurite. Nothing here can reach
 * the real host anyway (no network but the package registries).
 */
export function ensureAzureBlobHostName(): string {
  const hosts = readFileSync("/etc/hosts", "utf8");
  if (!hosts.split("\n").some((l) => l.split(/\s+/).slice(1).includes(AZURE_BLOB_HOST))) {
    appendFileSync("/etc/hosts", `${hosts.endsWith("\n") || hosts === "" ? "" : "\n"}127.0.0.1 ${AZURE_BLOB_HOST}\n`);
  }
  return AZURE_BLOB_HOST;
}

// ------------------------------------------------------------------------------------------------
// The service

export interface ActionsCacheOptions {
  defaultBranch?: string;
  /**
   * The host name in the SAS URLs handed out (default 127.0.0.1, path-style). @actions/cache
   * downloads through the Azure SDK only from a host ending in .blob.core.windows.net, and with
   * plain HTTP from any other; a name like devstoreaccount1.blob.core.windows.net that resolves
   * to loopback here (/etc/hosts) makes the SDK's download run too (Azurite reads the account
   * from such a host).
   */
  blobHost?: string;
}

export interface ActionsCacheService {
  /** ACTIONS_RESULTS_URL. */
  url: string;
  /** Azurite's blob endpoint (path-style, the account in the path). */
  blobUrl: string;
  entries: CacheEntry[];
  calls: CacheCall[];
  /** A runtime token with these scopes (for tests of the scope rules); `ttlSeconds` may be negative. */
  token(scopes: CacheScope[], ttlSeconds?: number): string;
  /** The variables the runner sets for a job of `event` that may use the cache (JobOptions.serviceEnv). */
  jobEnv(event: EventSpec): Record<string, string>;
  /** The bytes of a finalized entry's blob, from Azurite. */
  blobSize(entry: CacheEntry): Promise<number | undefined>;
  close(): Promise<void>;
}

export async function startActionsCache(opts: ActionsCacheOptions = {}): Promise<ActionsCacheService> {
  const defaultBranch = opts.defaultBranch ?? "main";
  const secret = randomBytes(32);
  const azurite = await startAzurite();
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  const blobs = new BlobServiceClient(azurite.url, credential);
  const container = blobs.getContainerClient(CONTAINER);
  await container.create();
  const entries: CacheEntry[] = [];
  const calls: CacheCall[] = [];
  let nextId = 1;
  let seq = 0;

  const token = (scopes: CacheScope[], ttlSeconds = 6 * 3600) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "HS256" }));
    const claims = {
      scp: "Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:run:job",
      ac: JSON.stringify(scopes.map((s) => ({ Scope: s.scope, Permission: s.permission }))),
      iat: now,
      nbf: now - 60,
      exp: now + ttlSeconds,
    };
    const body = `${header}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${b64url(createHmac("sha256", secret).update(body).digest())}`;
  };

  const scopesOf = (req: IncomingMessage): CacheScope[] => {
    const auth = req.headers.authorization ?? "";
    const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(auth);
    if (!m) throw new TwirpError("unauthenticated", auth ? "the Authorization header is not a bearer JWT" : "no Authorization header");
    const want = createHmac("sha256", secret).update(`${m[1]}.${m[2]}`).digest();
    const got = Buffer.from(m[3]!, "base64url");
    if (got.length !== want.length || !timingSafeEqual(got, want))
      throw new TwirpError("unauthenticated", "the token's signature is not valid");
    const claims = JSON.parse(Buffer.from(m[2]!, "base64url").toString()) as { exp?: number; scp?: string; ac?: string };
    if (!claims.exp || claims.exp * 1000 < Date.now()) throw new TwirpError("unauthenticated", "the token has expired");
    if (!claims.scp?.split(" ").some((s) => s.startsWith("Actions.Results:")))
      throw new TwirpError("unauthenticated", "the token has no Actions.Results scope");
    const ac = JSON.parse(claims.ac ?? "[]") as { Scope: string; Permission: number }[];
    return ac.map((s) => ({ scope: s.Scope, permission: s.Permission }));
  };

  const sas = (blob: string, permissions: string, minutes: number) => {
    const q = generateBlobSASQueryParameters(
      {
        containerName: CONTAINER,
        blobName: blob,
        permissions: BlobSASPermissions.parse(permissions),
        startsOn: new Date(Date.now() - 60_000),
        expiresOn: new Date(Date.now() + minutes * 60_000),
        protocol: SASProtocol.HttpsAndHttp,
      },
      credential,
    ).toString();
    const base = opts.blobHost ? `http://${opts.blobHost}:${azurite.port}/${CONTAINER}/${blob}` : `${azurite.url}/${CONTAINER}/${blob}`;
    return `${base}?${q}`;
  };

  const methods: Record<string, (r: Record<string, unknown>, scopes: CacheScope[]) => Promise<Record<string, unknown>>> = {
    async CreateCacheEntry(r, scopes) {
      const key = checkKey(r.key, "key");
      const version = checkVersion(r.version);
      const own = scopes.find((s) => s.permission & WRITE);
      if (!own) throw new TwirpError("permission_denied", "cache write denied: the token has no writable cache scope");
      if (entries.some((e) => e.key === key && e.version === version && e.scope === own.scope))
        throw new TwirpError("already_exists", "cache entry with the same key, version, and scope already exists");
      const id = nextId++;
      const entry: CacheEntry = {
        id,
        key,
        version,
        scope: own.scope,
        blob: `${id}-${randomBytes(8).toString("hex")}`,
        finalized: false,
        seq: 0,
      };
      entries.push(entry);
      return { ok: true, signed_upload_url: sas(entry.blob, "cw", 60), message: "" };
    },
    async FinalizeCacheEntryUpload(r, scopes) {
      const key = checkKey(r.key, "key");
      const version = checkVersion(r.version);
      if (r.size_bytes === undefined) throw new TwirpError("invalid_argument", "size_bytes is required");
      const size = Number(r.size_bytes);
      if (size < 0) throw new TwirpError("invalid_argument", `size_bytes ${size} is negative`);
      const own = scopes.find((s) => s.permission & WRITE);
      if (!own) throw new TwirpError("permission_denied", "cache write denied: the token has no writable cache scope");
      const entry = entries.find((e) => e.key === key && e.version === version && e.scope === own.scope);
      if (!entry) throw new TwirpError("not_found", `no cache entry ${key} (version ${version}) was created in scope ${own.scope}`);
      if (entry.finalized) throw new TwirpError("already_exists", "cache entry with the same key, version, and scope already exists");
      const props = await container
        .getBlobClient(entry.blob)
        .getProperties()
        .catch((e: { statusCode?: number }) => {
          if (e.statusCode === 404) return undefined;
          throw e;
        });
      if (!props) throw new TwirpError("failed_precondition", `nothing was uploaded for cache entry ${key}`);
      if (props.contentLength !== size)
        throw new TwirpError("invalid_argument", `size_bytes ${size} does not match the ${props.contentLength} bytes uploaded for ${key}`);
      Object.assign(entry, { finalized: true, size, seq: ++seq });
      return { ok: true, entry_id: String(entry.id), message: "" };
    },
    async GetCacheEntryDownloadURL(r, scopes) {
      const key = checkKey(r.key, "key");
      const restoreKeys = ((r.restore_keys ?? []) as string[]).map((k, i) => checkKey(k, `restore_keys[${i}]`));
      if (restoreKeys.length > 9) throw new TwirpError("invalid_argument", `at most 10 keys in all, not ${restoreKeys.length + 1}`);
      const version = checkVersion(r.version);
      const readable = scopes.filter((s) => s.permission & READ);
      if (readable.length === 0) throw new TwirpError("permission_denied", "cache read denied: the token has no readable cache scope");
      for (const { scope } of readable) {
        const here = entries.filter((e) => e.finalized && e.scope === scope && e.version === version).sort((a, b) => b.seq - a.seq);
        const found =
          here.find((e) => e.key === key) ?? [key, ...restoreKeys].map((k) => here.find((e) => e.key.startsWith(k))).find(Boolean);
        if (found) return { ok: true, signed_download_url: sas(found.blob, "r", 10), matched_key: found.key };
      }
      return { ok: false, signed_download_url: "", matched_key: "" };
    },
  };

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const m = new RegExp(`^/twirp/${SERVICE.replace(/\./g, "\\.")}/(\\w+)$`).exec(path);
    const method = m?.[1] ?? path;
    let key: string | undefined;
    try {
      if (req.method !== "POST") throw new TwirpError("bad_route", `unsupported method ${req.method} (only POST is allowed)`);
      if (!m || !(m[1]! in methods)) throw new TwirpError("bad_route", `no handler for path ${JSON.stringify(path)}`);
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (type === "application/protobuf") throw new TwirpError("unimplemented", "this stand-in speaks Twirp's JSON only");
      if (type !== "application/json")
        throw new TwirpError("bad_route", `unexpected Content-Type: ${JSON.stringify(req.headers["content-type"] ?? "")}`);
      const scopes = scopesOf(req);
      const body = parseRequest(m[1]!, Buffer.concat(chunks).toString("utf8"));
      key = typeof body.key === "string" ? body.key : undefined;
      const out = await methods[m[1]!]!(body, scopes);
      calls.push({ method, status: 200, code: "ok", ...(key ? { key } : {}) });
      answer(res, 200, out);
    } catch (e) {
      const err = e instanceof TwirpError ? e : new TwirpError("internal", String((e as Error).stack ?? e));
      calls.push({ method, status: STATUS[err.code], code: err.code, ...(key ? { key } : {}) });
      answer(res, STATUS[err.code], { code: err.code, msg: err.message });
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url,
    blobUrl: azurite.url,
    entries,
    calls,
    token,
    jobEnv: (event) => ({
      ACTIONS_RESULTS_URL: url,
      ACTIONS_RUNTIME_TOKEN: token(scopesFor(event, defaultBranch)),
      ACTIONS_CACHE_SERVICE_V2: "True",
    }),
    blobSize: async (entry) =>
      (
        await container
          .getBlobClient(entry.blob)
          .getProperties()
          .catch(() => undefined)
      )?.contentLength,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await new Promise<void>((done) => {
        if (azurite.child.exitCode !== null) return done();
        azurite.child.once("exit", () => done());
        azurite.child.kill("SIGTERM");
      });
      rmSync(azurite.dir, { recursive: true, force: true });
    },
  };
}
