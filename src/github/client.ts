/**
 * The one home for GitHub REST calls: an Octokit (from @actions/github) whose every request
 * - is retried on 5xx answers, on rate limits that say when to come back (403/429 with Retry-After,
 *   or x-ratelimit-remaining: 0 with x-ratelimit-reset) and on dropped connections, through
 *   lib/retry.ts (bounded in attempts and total time);
 * - fails as a GitHubError whose message names the call and GitHub's reasons, with the token
 *   scrubbed from it; a 401 (bad or expired token) fails as a UsageError.
 * A missing token fails before any request, as a UsageError naming where a token comes from.
 */
import { getOctokit } from "@actions/github";
import { UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { isTransient, parseRetryAfter, withRetry, type RetryOptions } from "../lib/retry.js";
import { redact } from "../oci/credentials.js";

export type Octokit = ReturnType<typeof getOctokit>;

/** Where a token comes from: the action's input, else the environment. */
export const TOKEN_INPUT = "github-token";
export const TOKEN_ENV = "GITHUB_TOKEN";

export interface GitHubClientOptions {
  /** A token (GITHUB_TOKEN, a PAT, an app token). Missing or blank: UsageError, nothing is sent. */
  token: string | undefined;
  /** The REST API root; default $GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string;
  /**
   * The uploads root (https://uploads.github.com, GHES: https://HOST/api/uploads). When unset, release
   * assets go to the `upload_url` GitHub gives in the release object.
   */
  uploadsUrl?: string;
  log: Logger;
  /** What the token is needed for, for the missing-token message ("the release", "the PR comment"). */
  purpose?: string;
  /** Backoff tuning (attempts, delays, budget, sleep); which errors are retried is decided here. */
  retry?: Omit<RetryOptions, "retryable" | "onRetry">;
  env?: NodeJS.ProcessEnv;
}

export interface GitHubClient {
  readonly octokit: Octokit;
  readonly apiUrl: string;
  readonly uploadsUrl: string | undefined;
  readonly log: Logger;
  /** `text` with the token replaced by "***". */
  redact(text: string): string;
}

/** One of GitHub's reasons in a 422 answer. */
export interface GitHubErrorDetail {
  resource?: string;
  field?: string;
  code?: string;
  message?: string;
}

export class GitHubError extends Error {
  override readonly name = "GitHubError";
  constructor(
    message: string,
    /** The HTTP status; 0 when no answer came (connection refused, reset, timeout). */
    readonly status: number,
    readonly method: string,
    /** The request URL, token-free. */
    readonly url: string,
    readonly errors: GitHubErrorDetail[] = [],
  ) {
    super(message);
  }

  /** Whether GitHub gave this reason, e.g. hasError("already_exists", "tag_name"). */
  hasError(code: string, field?: string): boolean {
    return this.errors.some((e) => e.code === code && (field === undefined || e.field === field));
  }
}

/** The token from the action's input, else $GITHUB_TOKEN; undefined when neither is set. */
export function githubToken(input: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return input?.trim() || env[TOKEN_ENV]?.trim() || undefined;
}

/** The uploads root that goes with an API root, when it can be told: github.com, GHES, GHE.com. */
export function defaultUploadsUrl(apiUrl: string): string | undefined {
  const u = new URL(apiUrl);
  if (u.hostname === "api.github.com") return "https://uploads.github.com";
  if (/^api\.[^.]+\.ghe\.com$/.test(u.hostname)) return `${u.protocol}//uploads.${u.hostname.slice("api.".length)}`;
  if (/\/api\/v3\/?$/.test(u.pathname)) return `${u.origin}${u.pathname.replace(/\/api\/v3\/?$/, "/api/uploads")}`;
  return undefined;
}

interface HttpErrorLike {
  name?: string;
  message?: string;
  status?: number;
  cause?: unknown;
  request?: { method?: string; url?: string };
  response?: { status: number; headers: Record<string, string | number | undefined>; data?: unknown };
}

const header = (e: HttpErrorLike, name: string): string | undefined => {
  const v = e.response?.headers[name];
  return v === undefined ? undefined : String(v);
};

/**
 * Whether a failed request is worth another try, and when. Octokit reports dropped connections as
 * status 500 without a response; those are retried when the cause is transient.
 */
export function githubRetryVerdict(err: unknown, now: number = Date.now()): boolean | { retryAfterMs: number } {
  const e = err as HttpErrorLike;
  if (e?.name !== "HttpError" || typeof e.status !== "number") return isTransient(err);
  if (!e.response) return isTransient(e.cause);
  const status = e.status;
  const retryAfter = parseRetryAfter(header(e, "retry-after"), now);
  if (status === 403 || status === 429) {
    if (retryAfter !== undefined) return { retryAfterMs: retryAfter };
    const reset = Number(header(e, "x-ratelimit-reset"));
    if (header(e, "x-ratelimit-remaining") === "0" && reset > 0) return { retryAfterMs: Math.max(0, reset * 1000 - now) + 1000 };
    // A secondary rate limit without a hint: GitHub asks for at least a minute (the budget decides).
    if (status === 429 || /secondary rate limit/i.test(e.message ?? "")) return { retryAfterMs: 60_000 };
    return false; // a permission problem: another try changes nothing
  }
  if (status >= 500 && status !== 501) return retryAfter !== undefined ? { retryAfterMs: retryAfter } : true;
  return false;
}

function describe(e: HttpErrorLike): { text: string; errors: GitHubErrorDetail[] } {
  const data = e.response?.data as { message?: unknown; errors?: unknown } | string | undefined;
  if (data && typeof data === "object") {
    const errors: GitHubErrorDetail[] = Array.isArray(data.errors)
      ? data.errors.map((x: unknown) => (typeof x === "string" ? { message: x } : (x as GitHubErrorDetail)))
      : [];
    const reasons = errors.map((x) => x.message ?? [x.resource, x.field, x.code].filter(Boolean).join(" ")).filter(Boolean);
    const text = [typeof data.message === "string" ? data.message : "", reasons.length ? `(${reasons.join("; ")})` : ""].filter(Boolean);
    return { text: text.join(" "), errors };
  }
  if (typeof data === "string" && data.trim()) return { text: data.trim().slice(0, 300), errors: [] };
  const cause = e.cause as { message?: string; cause?: { message?: string; code?: string } } | undefined;
  return { text: cause?.cause?.message ?? cause?.message ?? e.message ?? "", errors: [] };
}

/** An Octokit for `opts.apiUrl` with retries and token-free errors on every request. */
export function githubClient(opts: GitHubClientOptions): GitHubClient {
  const env = opts.env ?? process.env;
  const token = opts.token?.trim();
  if (!token) {
    throw new UsageError(
      `a GitHub token is needed${opts.purpose ? ` for ${opts.purpose}` : ""}: set the ${TOKEN_INPUT} input (the action) or ${TOKEN_ENV} in the environment (the CLI)`,
    );
  }
  const apiUrl = (opts.apiUrl ?? env.GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "");
  const uploadsUrl = opts.uploadsUrl?.replace(/\/+$/, "");
  for (const [what, url] of [
    ["API URL", apiUrl],
    ["uploads URL", uploadsUrl],
  ] as const) {
    if (url !== undefined && !URL.canParse(url)) throw new UsageError(`the GitHub ${what} "${url}" is not a URL`);
  }
  const scrub = (text: string) => redact(text, [token]);
  const log = opts.log;
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(new URL(apiUrl).hostname);
  const octokit = getOctokit(token, {
    baseUrl: apiUrl,
    userAgent: "kimigayo-build-action",
    log: {
      debug: (m: string) => log.debug(scrub(m)),
      info: (m: string) => log.debug(scrub(m)),
      warn: (m: string) => log.warn(scrub(m)),
      error: (m: string) => log.error(scrub(m)),
    },
    // @actions/github's fetch goes through the runner's proxy settings; a loopback API (a local
    // GitHub stand-in, a tunnel) is never reached through a proxy.
    ...(loopback ? { request: { fetch: globalThis.fetch } } : {}),
  });

  octokit.hook.wrap("request", async (request, options) => {
    const method = String(options.method ?? "GET").toUpperCase();
    const route = `${method} ${String(options.url)}`;
    const started = Date.now();
    try {
      const res = await withRetry(async () => request(options), {
        ...opts.retry,
        retryable: githubRetryVerdict,
        onRetry: (err, attempt, delayMs) => {
          const e = err as HttpErrorLike;
          const why = e.response ? `${e.status} ${describe(e).text}` : describe(e).text || String(err);
          log.warn(scrub(`GitHub ${route}: ${why}; try ${attempt + 1} in ${(delayMs / 1000).toFixed(1)} s`));
        },
      });
      log.debug(`GitHub ${route} -> ${res.status} (${Date.now() - started} ms)`);
      return res;
    } catch (err) {
      const e = err as HttpErrorLike;
      if (e?.name !== "HttpError" || typeof e.status !== "number") {
        const inner = err instanceof Error ? err : new Error(String(err));
        if (inner.name === "AbortError") throw inner;
        throw new GitHubError(scrub(`GitHub ${route} failed: ${inner.message}`), 0, method, scrub(String(options.url)));
      }
      const url = scrub(e.request?.url ?? String(options.url));
      const path = url.replace(/^[a-z]+:\/\/[^/]+/i, "");
      const { text, errors } = describe(e);
      if (!e.response) throw new GitHubError(scrub(`GitHub ${method} ${path}: no answer (${text})`), 0, method, url);
      if (e.status === 401) {
        throw new UsageError(
          scrub(
            `GitHub refused the token (401 ${text || "Bad credentials"}) on ${method} ${path}: check the ${TOKEN_INPUT} input or ${TOKEN_ENV}`,
          ),
        );
      }
      const hint = e.status === 403 ? `; the token may lack a permission this call needs` : "";
      throw new GitHubError(scrub(`GitHub ${method} ${path}: ${e.status} ${text}${hint}`.trim()), e.status, method, url, errors);
    }
  });

  return { octokit, apiUrl, uploadsUrl, log, redact: scrub };
}

/** Whether `err` is GitHub's "no such thing" (404). */
export function isNotFound(err: unknown): boolean {
  return err instanceof GitHubError && err.status === 404;
}
