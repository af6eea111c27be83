/**
 * A client for the OCI distribution API (distribution-spec v1.1), enough to push and inspect
 * images: ping, blob HEAD/GET/upload (cross-repo mount, monolithic POST+PUT, chunked PATCH+PUT),
 * manifest HEAD/GET/PUT and tag listing.
 *
 * - Auth: on a 401 the WWW-Authenticate challenge decides: Bearer fetches a token from the
 *   realm (with Basic credentials when there are any), Basic sends the credentials. Tokens are
 *   cached per scope. Credentials and tokens never appear in logs or error messages.
 * - Retries: each operation (a HEAD, a whole blob upload, a manifest PUT) is retried with
 *   exponential backoff and jitter on 408/429/5xx, connection failures and stalled attempts (a
 *   per-attempt timeout well below the operation's budget), honouring Retry-After, bounded in
 *   attempts and total time (src/lib/retry.ts). A failed upload restarts from a new upload session.
 * - Stats count requests, retries and blob bytes the registry accepted, so a caller can assert
 *   that a re-push uploads nothing.
 */
import { fetchWithTimeout } from "../lib/keep-alive.js";
import type { z } from "zod";
import { UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { parseRetryAfter, withRetry, type RetryOptions } from "../lib/retry.js";
import { fetchToken, parseWwwAuthenticate, type Challenge, type TokenResult } from "./auth.js";
import type { BlobSource } from "./blob-source.js";
import {
  basicAuthorization,
  CREDENTIALS_HINT,
  ENV_PASSWORD,
  ENV_USER,
  redact,
  resolveCredentials,
  secretsOf,
  type CredentialSources,
  type Credentials,
} from "./credentials.js";
import { digestOf, isDigest, verifyDigest } from "./digest.js";
import { describeFailure, networkReason, RegistryError, registryRetryable } from "./errors.js";
import { isRepositoryName, isTag, parseReference, registryBaseUrl, formatReference, imageAt } from "./reference.js";
import { errorBodySchema, OCI, parseOci, type OciDocument } from "./schema.js";
import { MANIFEST_ACCEPT, type ImageIndex } from "./types.js";

const DEFAULT_CHUNK_THRESHOLD = 5 * 1024 * 1024;
const DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;
const USER_AGENT = "kimigayo-build-action";
/** The default time one attempt (one request) may take, and the whole operation's retry budget. */
const DEFAULT_ATTEMPT_TIMEOUT_MS = 30_000;
const DEFAULT_BUDGET_MS = 120_000;
/** Seconds per attempt, overriding the default (whole or decimal seconds, > 0). */
const ENV_TIMEOUT = "KIMIGAYO_REGISTRY_TIMEOUT";

/**
 * KIMIGAYO_REGISTRY_TIMEOUT as milliseconds, undefined when unset; a UsageError (bad input) when it
 * is not a positive number of seconds.
 */
export function attemptTimeoutFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[ENV_TIMEOUT];
  if (raw === undefined || raw === "") return undefined;
  const v = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(v) || Math.round(Number(v) * 1000) < 1 || Number(v) > 3600) {
    throw new UsageError(
      `${ENV_TIMEOUT}=${JSON.stringify(raw)} is not a timeout: expected seconds per registry request, a number above 0 and at most 3600, at least 0.001 (1 ms) (e.g. 30)`,
    );
  }
  return Math.round(Number(v) * 1000);
}

/** The first retry's delay ceiling, doubling per retry (full jitter), overriding the default 0.5 s. */
export const ENV_BACKOFF = "KIMIGAYO_REGISTRY_BACKOFF";
export const DEFAULT_BACKOFF_MS = 500;

/**
 * KIMIGAYO_REGISTRY_BACKOFF as milliseconds, undefined when unset; a UsageError (bad input) when it
 * is not a number of seconds from 0 to 60.
 */
export function backoffFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[ENV_BACKOFF];
  if (raw === undefined || raw === "") return undefined;
  const v = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(v) || Number(v) > 60) {
    throw new UsageError(
      `${ENV_BACKOFF}=${JSON.stringify(raw)} is not a backoff: expected the seconds of the first retry's delay (it doubles per retry, each drawn at random below it), a number from 0 to 60 (default 0.5)`,
    );
  }
  return Math.round(Number(v) * 1000);
}

export interface RegistryClientOptions extends CredentialSources {
  /** Use http even for a non-loopback registry. */
  insecure?: boolean;
  /** Blobs larger than this are uploaded in chunks (PATCH); default 5 MiB. */
  chunkThreshold?: number;
  /** Bytes per PATCH; default 5 MiB. */
  chunkSize?: number;
  /** Retry bounds; defaults: 5 attempts, 500 ms base (or KIMIGAYO_REGISTRY_BACKOFF), 10 s cap per delay, 120 s in all. */
  retry?: Pick<RetryOptions, "attempts" | "baseMs" | "maxDelayMs" | "budgetMs" | "sleep" | "random">;
  /**
   * Per-attempt timeout: one request (headers and body) that takes longer is abandoned and
   * retried like a dropped connection. Default: KIMIGAYO_REGISTRY_TIMEOUT (seconds) in `env`,
   * else 30 s, well below the operation's 120 s budget so that a stall leaves room for retries.
   */
  timeoutMs?: number;
  log?: Logger;
}

export interface RegistryStats {
  requests: number;
  retries: number;
  blobsUploaded: number;
  /** Blob bytes the registry acknowledged (a retried upload counts again). */
  blobBytesUploaded: number;
  blobsSkipped: number;
  blobsMounted: number;
  manifestsPut: number;
  manifestBytesUploaded: number;
}

function emptyStats(): RegistryStats {
  return {
    requests: 0,
    retries: 0,
    blobsUploaded: 0,
    blobBytesUploaded: 0,
    blobsSkipped: 0,
    blobsMounted: 0,
    manifestsPut: 0,
    manifestBytesUploaded: 0,
  };
}

/** after - before, field by field. */
export function statsSince(before: RegistryStats, after: RegistryStats): RegistryStats {
  const out = emptyStats();
  for (const k of Object.keys(out) as (keyof RegistryStats)[]) out[k] = after[k] - before[k];
  return out;
}

export interface ManifestInfo {
  mediaType: string;
  digest: string;
  size: number;
}

export interface FetchedManifest extends ManifestInfo {
  bytes: Buffer;
}

interface Request {
  method: "GET" | "HEAD" | "POST" | "PUT" | "PATCH";
  /** A path under the registry ("/v2/...") or an absolute URL (an upload Location). */
  url: string;
  scopes: string[];
  headers?: Record<string, string>;
  body?: Buffer;
  /** Statuses that are not an error; anything else throws a RegistryError. */
  ok: number[];
}

const pull = (repo: string) => `repository:${repo}:pull`;
const push = (repo: string) => `repository:${repo}:pull,push`;

async function drain(res: Response): Promise<void> {
  await res.arrayBuffer().catch(() => undefined);
}

function checkRepo(repo: string): string {
  if (!isRepositoryName(repo))
    throw new Error(`${JSON.stringify(repo)} is not a repository name (lowercase path like owner/name, no host or tag)`);
  return repo;
}

function checkDigest(digest: string): string {
  if (!isDigest(digest)) throw new Error(`${JSON.stringify(digest)} is not a sha256 digest`);
  return digest;
}

function checkRef(ref: string): string {
  if (!isTag(ref) && !isDigest(ref)) throw new Error(`${JSON.stringify(ref)} is neither a tag nor a sha256 digest`);
  return ref;
}

export class RegistryClient {
  readonly baseUrl: string;
  readonly stats: RegistryStats = emptyStats();
  private readonly credentials: Credentials | undefined;
  private readonly secrets: string[];
  private readonly tokens = new Map<string, TokenResult>();
  private readonly pendingTokens = new Map<string, Promise<TokenResult>>();
  private useBasic = false;
  /** The per-attempt timeout in ms. */
  readonly timeoutMs: number;
  /** The first retry's delay ceiling (KIMIGAYO_REGISTRY_BACKOFF, else 500 ms). */
  readonly backoffMs: number;

  constructor(
    /** host[:port], e.g. "127.0.0.1:5000". */
    readonly registry: string,
    private readonly opts: RegistryClientOptions = {},
  ) {
    this.baseUrl = registryBaseUrl(registry, opts.insecure);
    this.credentials = resolveCredentials(registry, opts);
    this.secrets = secretsOf(this.credentials);
    this.timeoutMs = opts.timeoutMs ?? attemptTimeoutFromEnv(opts.env ?? process.env) ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
    this.backoffMs = backoffFromEnv(opts.env ?? process.env) ?? DEFAULT_BACKOFF_MS;
  }

  /** The user name of the credentials this client sends, undefined when it has none (anonymous). */
  get account(): string | undefined {
    return this.credentials?.username;
  }

  /** A client for the registry of an image reference like "127.0.0.1:5000/kimigayo", and the repository in it. */
  static forReference(ref: string, opts: RegistryClientOptions = {}): { client: RegistryClient; repository: string } {
    const r = parseReference(ref);
    return { client: new RegistryClient(r.registry, opts), repository: r.repository };
  }

  /** GET /v2/: reachable, speaks the API, and (after any auth) lets us in. */
  async ping(): Promise<void> {
    await this.op(`ping ${this.baseUrl}`, async () => drain(await this.send({ method: "GET", url: "/v2/", scopes: [], ok: [200] })));
  }

  async hasBlob(repo: string, digest: string): Promise<boolean> {
    checkRepo(repo);
    checkDigest(digest);
    const res = await this.op(`check blob ${digest} in ${repo}`, () =>
      this.send({ method: "HEAD", url: `/v2/${repo}/blobs/${digest}`, scopes: [pull(repo)], ok: [200, 404] }),
    );
    await drain(res);
    return res.status === 200;
  }

  /**
   * Makes the blob present in `repo`: skipped when it already is, mounted from `mountFrom` (a
   * repository on the same registry) when that works, uploaded otherwise.
   */
  async pushBlob(repo: string, blob: BlobSource, opts: { mountFrom?: string } = {}): Promise<"skipped" | "mounted" | "uploaded"> {
    if (await this.hasBlob(repo, blob.digest)) {
      this.stats.blobsSkipped++;
      return "skipped";
    }
    const mountFrom = opts.mountFrom !== undefined && opts.mountFrom !== repo ? checkRepo(opts.mountFrom) : undefined;
    const outcome = await this.op(`upload blob ${blob.digest} (${blob.size} B) to ${repo}`, () => this.uploadOnce(repo, blob, mountFrom));
    if (outcome === "mounted") this.stats.blobsMounted++;
    else this.stats.blobsUploaded++;
    return outcome;
  }

  async getBlob(repo: string, digest: string): Promise<Buffer> {
    checkRepo(repo);
    checkDigest(digest);
    return this.op(`get blob ${digest} from ${repo}`, async () => {
      const res = await this.send({ method: "GET", url: `/v2/${repo}/blobs/${digest}`, scopes: [pull(repo)], ok: [200] });
      const data = Buffer.from(await res.arrayBuffer());
      verifyDigest(data, digest, `blob from ${formatReference({ registry: this.registry, repository: repo })}`);
      return data;
    });
  }

  /** The manifest's digest, size and media type, or undefined when the registry does not have it. */
  async headManifest(repo: string, ref: string): Promise<ManifestInfo | undefined> {
    checkRepo(repo);
    checkRef(ref);
    const res = await this.op(`check manifest ${repo}:${ref}`, () =>
      this.send({
        method: "HEAD",
        url: `/v2/${repo}/manifests/${ref}`,
        scopes: [pull(repo)],
        headers: { accept: MANIFEST_ACCEPT },
        ok: [200, 404],
      }),
    );
    await drain(res);
    if (res.status === 404) return undefined;
    const digest = res.headers.get("docker-content-digest") ?? (isDigest(ref) ? ref : "");
    return { digest, size: Number(res.headers.get("content-length") ?? NaN), mediaType: mediaTypeOf(res) };
  }

  async getManifest(repo: string, ref: string): Promise<FetchedManifest> {
    checkRepo(repo);
    checkRef(ref);
    return this.op(`get manifest ${repo}:${ref}`, async () => {
      const res = await this.send({
        method: "GET",
        url: `/v2/${repo}/manifests/${ref}`,
        scopes: [pull(repo)],
        headers: { accept: MANIFEST_ACCEPT },
        ok: [200],
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      const digest = digestOf(bytes);
      if (isDigest(ref)) verifyDigest(bytes, ref, `manifest from ${formatReference({ registry: this.registry, repository: repo })}`);
      return { mediaType: mediaTypeOf(res), digest, size: bytes.length, bytes };
    });
  }

  /** The URL of a manifest, as a message about it names it. */
  manifestUrl(repo: string, ref: string): string {
    return `${this.baseUrl}/v2/${repo}/manifests/${ref}`;
  }

  /** The URL of a blob, as a message about it names it. */
  blobUrl(repo: string, digest: string): string {
    return `${this.baseUrl}/v2/${repo}/blobs/${digest}`;
  }

  /** A fetched manifest parsed as `kind` (src/oci/schema.ts); a malformed one is an error naming its URL and field. */
  parseManifest<S extends z.ZodType>(repo: string, ref: string, m: FetchedManifest, kind: OciDocument<S>): z.output<S> {
    return parseOci(m.bytes, kind, this.manifestUrl(repo, ref));
  }

  /** The manifest `ref`, fetched and parsed as `kind` (OCI.manifest, OCI.index). */
  async getManifestAs<S extends z.ZodType>(
    repo: string,
    ref: string,
    kind: OciDocument<S>,
  ): Promise<{ fetched: FetchedManifest; doc: z.output<S> }> {
    const fetched = await this.getManifest(repo, ref);
    return { fetched, doc: this.parseManifest(repo, ref, fetched, kind) };
  }

  /** A JSON blob (an image config, an SBOM, a Sigstore bundle), its digest verified, parsed as `kind`. */
  async getBlobAs<S extends z.ZodType>(repo: string, digest: string, kind: OciDocument<S>): Promise<z.output<S>> {
    return parseOci(await this.getBlob(repo, digest), kind, this.blobUrl(repo, digest));
  }

  /** PUTs manifest bytes under a digest or a tag; returns their digest. */
  async putManifest(repo: string, ref: string, bytes: Buffer, mediaType: string): Promise<string> {
    checkRepo(repo);
    checkRef(ref);
    const digest = digestOf(bytes);
    if (isDigest(ref) && ref !== digest) throw new Error(`manifest for ${imageAt(repo, ref)} hashes to ${digest}`);
    await this.op(`put manifest ${repo}:${ref}`, async () => {
      const res = await this.send({
        method: "PUT",
        url: `/v2/${repo}/manifests/${ref}`,
        scopes: [push(repo)],
        headers: { "content-type": mediaType },
        body: bytes,
        ok: [201],
      });
      await drain(res);
      const stored = res.headers.get("docker-content-digest");
      if (stored && stored !== digest) throw new RegistryError(`registry stored manifest ${repo}:${ref} as ${stored}, expected ${digest}`);
    });
    this.stats.manifestsPut++;
    this.stats.manifestBytesUploaded += bytes.length;
    return digest;
  }

  /** The repository's tags ([] when the repository does not exist), following pagination. */
  async listTags(repo: string): Promise<string[]> {
    return (await this.tagsOf(repo)) ?? [];
  }

  /** The repository's tags, following pagination; undefined when the repository does not exist (404, NAME_UNKNOWN). */
  async tagsOf(repo: string): Promise<string[] | undefined> {
    checkRepo(repo);
    const tags: string[] = [];
    for (let url: string | undefined = `/v2/${repo}/tags/list`; url;) {
      const page: string = url;
      const res = await this.op(`list tags of ${repo}`, () =>
        this.send({ method: "GET", url: page, scopes: [pull(repo)], ok: [200, 404] }),
      );
      if (res.status === 404) {
        await drain(res);
        return undefined;
      }
      tags.push(...(parseOci(await res.text(), OCI.tagList, new URL(page, this.baseUrl).toString()).tags ?? []));
      url = /<([^>]+)>\s*;\s*rel="?next"?/.exec(res.headers.get("link") ?? "")?.[1];
    }
    return tags;
  }

  /**
   * The subject's referrers through the referrers API (GET /v2/<repo>/referrers/<digest>, an image
   * index), or undefined when the registry answers 404: it has no referrers API (src/oci/referrers.ts).
   */
  async getReferrers(repo: string, digest: string): Promise<ImageIndex | undefined> {
    checkRepo(repo);
    checkDigest(digest);
    const res = await this.op(`get referrers of ${imageAt(repo, digest)}`, () =>
      this.send({ method: "GET", url: `/v2/${repo}/referrers/${digest}`, scopes: [pull(repo)], ok: [200, 404, 405, 501] }),
    );
    // 404 is the spec's "no referrers API"; 405 and 501 are how older registries and proxies say the same.
    if (res.status !== 200) {
      await drain(res);
      return undefined;
    }
    return parseOci(await res.text(), OCI.referrers, this.manifestUrl(repo, digest).replace("/manifests/", "/referrers/"));
  }

  // -------------------------------------------------------------------------
  // Uploads
  // -------------------------------------------------------------------------

  private async uploadOnce(repo: string, blob: BlobSource, mountFrom: string | undefined): Promise<"mounted" | "uploaded"> {
    const start = mountFrom
      ? {
          url: `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(mountFrom)}`,
          scopes: [push(repo), pull(mountFrom)],
        }
      : { url: `/v2/${repo}/blobs/uploads/`, scopes: [push(repo)] };
    const started = await this.send({ method: "POST", ...start, ok: mountFrom ? [201, 202] : [202] });
    await drain(started);
    if (started.status === 201) return "mounted"; // 202 after a mount request: not mountable, upload instead
    let location = this.location(started);
    const octets = { "content-type": "application/octet-stream" };
    const threshold = this.opts.chunkThreshold ?? DEFAULT_CHUNK_THRESHOLD;
    let final: Buffer = Buffer.alloc(0);
    if (blob.size <= threshold) {
      final = await blob.read(0, blob.size);
    } else {
      const chunk = Math.max(1, this.opts.chunkSize ?? DEFAULT_CHUNK_SIZE);
      for (let offset = 0; offset < blob.size; offset += chunk) {
        const body = await blob.read(offset, Math.min(chunk, blob.size - offset));
        const headers = { ...octets, "content-range": `${offset}-${offset + body.length - 1}` };
        const res = await this.send({ method: "PATCH", url: location, scopes: [push(repo)], headers, body, ok: [202] });
        await drain(res);
        this.stats.blobBytesUploaded += body.length;
        location = this.location(res);
      }
    }
    const sep = location.includes("?") ? "&" : "?";
    const done = await this.send({
      method: "PUT",
      url: `${location}${sep}digest=${encodeURIComponent(blob.digest)}`,
      scopes: [push(repo)],
      headers: octets,
      body: final,
      ok: [201],
    });
    await drain(done);
    this.stats.blobBytesUploaded += final.length;
    const stored = done.headers.get("docker-content-digest");
    if (stored && stored !== blob.digest) throw new RegistryError(`registry stored blob ${blob.digest} as ${stored}`);
    return "uploaded";
  }

  private location(res: Response): string {
    const loc = res.headers.get("location");
    if (!loc) throw new RegistryError(`${this.registry}: upload answer ${res.status} has no Location header`, { status: res.status });
    return new URL(loc, res.url || this.baseUrl).toString();
  }

  // -------------------------------------------------------------------------
  // Requests, auth and retries
  // -------------------------------------------------------------------------

  /** Runs one operation under the retry policy; the final error names the operation and the attempts. */
  private async op<T>(what: string, fn: () => Promise<T>): Promise<T> {
    let attempts = 0;
    const limit = this.opts.retry?.attempts ?? 5;
    try {
      return await withRetry(
        (n) => {
          attempts = n;
          return fn();
        },
        {
          attempts: limit,
          baseMs: this.backoffMs,
          maxDelayMs: 10_000,
          budgetMs: DEFAULT_BUDGET_MS,
          ...this.opts.retry,
          retryable: registryRetryable,
          onRetry: (err, attempt, delay) => {
            this.stats.retries++;
            const reason = redact(describeFailure(err), this.secrets);
            this.opts.log?.warn(`${what}: ${reason}; retrying in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${limit})`);
          },
        },
      );
    } catch (err) {
      const tries = attempts > 1 ? ` after ${attempts} attempts` : "";
      const info = err instanceof RegistryError ? err.info : {};
      throw new RegistryError(redact(`${what} failed${tries}: ${describeFailure(err)}`, this.secrets), { ...info, cause: err });
    }
  }

  /** One HTTP exchange, authenticating once on a 401 and resending. */
  private async send(req: Request): Promise<Response> {
    const url = new URL(req.url, this.baseUrl);
    const sameOrigin = url.origin === new URL(this.baseUrl).origin;
    for (let authenticated = false; ; authenticated = true) {
      const headers: Record<string, string> = { "user-agent": USER_AGENT, ...req.headers };
      const authorization = sameOrigin ? this.authorizationFor(req.scopes) : undefined;
      if (authorization) headers.authorization = authorization;
      this.stats.requests++;
      const res = await fetchWithTimeout(
        url,
        { method: req.method, headers, ...(req.body !== undefined ? { body: req.body } : {}) },
        this.timeoutMs,
      ).catch((err: unknown) => {
        throw this.timedOut(req.method, url, err) ?? this.unreachable(req.method, url, err) ?? err;
      });
      if (res.status === 401 && !authenticated && sameOrigin) {
        await drain(res);
        // Another request may have authenticated for this scope meanwhile: resend with that first.
        const current = this.authorizationFor(req.scopes);
        if (current === undefined || current === authorization) {
          await this.authenticate(parseWwwAuthenticate(res.headers.get("www-authenticate") ?? ""), req.scopes);
        }
        continue;
      }
      if (!req.ok.includes(res.status)) throw await this.failure(req, url, res);
      return res;
    }
  }

  private authorizationFor(scopes: string[]): string | undefined {
    if (this.useBasic && this.credentials) return basicAuthorization(this.credentials);
    const token = this.tokens.get(scopes.join(" "));
    if (token && token.expiresAt > Date.now()) return token.authorization;
    return undefined;
  }

  private async authenticate(challenges: Challenge[], scopes: string[]): Promise<void> {
    const bearer = challenges.find((c) => c.scheme === "bearer");
    if (bearer) {
      // Concurrent requests challenged for the same scope share one token request.
      const key = scopes.join(" ");
      let pending = this.pendingTokens.get(key);
      if (!pending) {
        pending = fetchToken(bearer, scopes, this.credentials, this.timeoutMs)
          .then((token) => {
            this.secrets.push(token.token);
            this.tokens.set(key, token);
            return token;
          })
          .catch((err: unknown) => {
            const refused = / failed: 40[13]\b/.test((err as Error).message);
            const why = !refused
              ? ""
              : this.credentials
                ? `; the registry's token service refused the credentials for user ${this.credentials.username} (a wrong or expired token?)`
                : `; ${CREDENTIALS_HINT}`;
            throw new RegistryError(redact(`${this.registry}: ${(err as Error).message}${why}`, this.secrets), { status: 401, cause: err });
          })
          .finally(() => this.pendingTokens.delete(key));
        this.pendingTokens.set(key, pending);
      }
      await pending;
      return;
    }
    if (challenges.some((c) => c.scheme === "basic")) {
      if (!this.credentials) {
        throw new RegistryError(
          `${this.registry} requires credentials: set ${ENV_USER} and ${ENV_PASSWORD}, pass them explicitly, or run docker login ${this.registry}`,
          { status: 401 },
        );
      }
      this.useBasic = true;
      return;
    }
    const schemes = challenges.map((c) => c.scheme).join(", ") || "none";
    throw new RegistryError(`${this.registry} answered 401 with an unsupported authentication challenge (${schemes})`, { status: 401 });
  }

  /** A RegistryError naming the request and the per-attempt timeout when `err` is that timeout; else undefined. */
  private timedOut(method: string, url: URL, err: unknown): RegistryError | undefined {
    if ((err as { name?: unknown } | undefined)?.name !== "TimeoutError") return undefined;
    const seconds = this.timeoutMs / 1000;
    return new RegistryError(
      `${method} ${url.origin}${url.pathname}: no answer within ${seconds} s (per-attempt timeout, ${ENV_TIMEOUT})`,
      {
        cause: err,
      },
    );
  }

  /** A RegistryError naming the registry, the request and the reason when `err` is a network failure; else undefined. */
  private unreachable(method: string, url: URL, err: unknown): RegistryError | undefined {
    const reason = networkReason(err);
    if (reason === undefined) return undefined;
    return new RegistryError(`${method} ${url.origin}${url.pathname}: registry ${url.host} cannot be reached: ${reason}`, { cause: err });
  }

  private async failure(req: Request, url: URL, res: Response): Promise<RegistryError> {
    const method = req.method;
    const text = method === "HEAD" ? "" : await res.text().catch(() => "");
    const { codes, detail } = errorBody(text);
    const code = codes[0];
    let message = `${method} ${url.origin}${url.pathname}: ${res.status} ${res.statusText}${detail ? ` (${detail})` : ""}`;
    if (res.status === 401 || res.status === 403) {
      message += this.credentials
        ? `; the credentials for user ${this.credentials.username} were not accepted or give no ${req.scopes.some((s) => s.endsWith(",push")) ? "push" : "read"} access to it ` +
          "(on GitHub: the job's `permissions:` needs `packages: read`, or `write` to push, and the package must grant the repository access)"
        : `; no credentials were given, and the registry lets nobody in anonymously: the repository is private (every new GHCR package is) or does not exist yet; ${CREDENTIALS_HINT}`;
    }
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"));
    return new RegistryError(redact(message, this.secrets), {
      status: res.status,
      ...(code !== undefined ? { code, codes } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
}

/**
 * Every entry of an OCI error body ({"errors":[{"code","message"}, ...]}): all codes, and each
 * "CODE message" joined by "; " (under concurrent pushes the first is not always the cause).
 * Any other body: its start.
 */
export function errorBody(text: string): { codes: string[]; detail: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { codes: [], detail: text.trim().slice(0, 200) };
  }
  const body = errorBodySchema.safeParse(raw);
  if (!body.success) return { codes: [], detail: "" };
  const entries = body.data.errors.filter((e): e is { code?: unknown; message?: unknown } => e !== null && typeof e === "object");
  const codes = entries.map((e) => (typeof e.code === "string" ? e.code : "")).filter(Boolean);
  const detail = entries
    .map((e) => [e.code, e.message].filter((x) => typeof x === "string" && x !== "").join(" "))
    .filter(Boolean)
    .join("; ");
  return { codes, detail: detail.length > 2000 ? `${detail.slice(0, 2000)}…` : detail };
}

function mediaTypeOf(res: Response): string {
  return (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
}
