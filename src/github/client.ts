/**
 * The one home for GitHub REST calls: an Octokit (from @actions/github) with Octokit's own plugins
 * for what goes wrong between us and GitHub, and one translation of what still fails:
 * - @octokit/plugin-retry retries 5xx answers (not 501) and dropped connections, a bounded number
 *   of times, after 1, 4, 9 s (its schedule) or the Retry-After GitHub gives;
 * - @octokit/plugin-throttling spaces writes out as GitHub asks and owns rate limits: a secondary
 *   limit is waited out as long as GitHub says (Retry-After, else its 60 s default), a primary limit
 *   (x-ratelimit-remaining: 0) until x-ratelimit-reset, when that is within `maxWaitS`; both a
 *   bounded number of times. Every wait is logged, so a user sees why the run pauses;
 * - what still fails is a GitHubError whose message names the call and GitHub's reasons (for a rate
 *   limit: when it resets), with the token scrubbed from it; a 401 (bad or expired token) fails as a
 *   UsageError.
 * A missing token fails before any request, as a UsageError naming where a token comes from.
 *
 * The plugins are told to wait 0 ms themselves: the waits happen in this file, through
 * `retry.sleep`, so that they are logged where they start and tests can spend them without a clock.
 */
import { getOctokit } from "@actions/github";
import { retry as retryPlugin } from "@octokit/plugin-retry";
import { throttling, type ThrottlingOptions } from "@octokit/plugin-throttling";
import { UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { isTransient, parseRetryAfter } from "../lib/retry.js";
import { redact } from "../oci/credentials.js";

export type Octokit = ReturnType<typeof getOctokit>;

/** Where a token comes from: the action's input, else the environment. */
const TOKEN_INPUT = "github-token";
const TOKEN_ENV = "GITHUB_TOKEN";

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
  /** Bounds of the retries and waits; which failures are retried is decided here. */
  retry?: GitHubRetryOptions;
  env?: NodeJS.ProcessEnv;
}

interface GitHubRetryOptions {
  /** Retries of a 5xx answer or a dropped connection, after the first try (default 3). */
  retries?: number;
  /** Waits for a rate limit (secondary or primary) per request (default 3). */
  rateLimitWaits?: number;
  /**
   * The longest single wait, in seconds (default 600): a rate limit that resets later, or a
   * Retry-After asking for longer, fails the call with a message naming when to come back.
   */
  maxWaitS?: number;
  /**
   * Space writes out as GitHub asks: 1 s between writes, 3 s between writes that notify someone
   * (default true; plugin-throttling's groups, shared by every client in the process).
   */
  pace?: boolean;
  /** How a wait is spent (default a timer). Tests record the waits instead of spending them. */
  sleep?: (ms: number) => Promise<void>;
}

/** Statuses plugin-retry leaves alone: client errors, and 403/429, which are plugin-throttling's. */
const DO_NOT_RETRY = [400, 401, 403, 404, 405, 409, 410, 422, 429, 451, 501];

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

/** One entry of a GitHub error body's `errors`: its string fields (anything else in it is left out). */
function errorDetail(x: unknown): GitHubErrorDetail {
  if (typeof x !== "object" || x === null) return {};
  return Object.fromEntries(Object.entries(x).filter(([, v]) => typeof v === "string"));
}

function describe(e: HttpErrorLike): { text: string; errors: GitHubErrorDetail[] } {
  const data = e.response?.data as { message?: unknown; errors?: unknown } | string | undefined;
  if (data && typeof data === "object") {
    const errors: GitHubErrorDetail[] = Array.isArray(data.errors)
      ? data.errors.map((x: unknown) => (typeof x === "string" ? { message: x } : errorDetail(x)))
      : [];
    const reasons = errors.map((x) => x.message ?? [x.resource, x.field, x.code].filter(Boolean).join(" ")).filter(Boolean);
    const text = [typeof data.message === "string" ? data.message : "", reasons.length ? `(${reasons.join("; ")})` : ""].filter(Boolean);
    return { text: text.join(" "), errors };
  }
  if (typeof data === "string" && data.trim()) return { text: data.trim().slice(0, 300), errors: [] };
  const cause = e.cause as { message?: string; cause?: { message?: string; code?: string } } | undefined;
  return { text: cause?.cause?.message ?? cause?.message ?? e.message ?? "", errors: [] };
}

type OctokitPlugin = NonNullable<Parameters<typeof getOctokit>[2]>;
type RequestOptions = { method?: string; url?: string; request?: { retries?: number; retryCount?: number } };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** "45 s", "12 min", "2 h 5 min". */
function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

const isSecondary = (e: HttpErrorLike) => /\bsecondary rate\b/i.test(e.message ?? "");
const isPrimary = (e: HttpErrorLike) => header(e, "x-ratelimit-remaining") === "0" && Number(header(e, "x-ratelimit-reset")) > 0;

/**
 * A 5xx answer (not 501, "not implemented", which another try does not change) or a dropped
 * connection. Octokit reports a request that got no answer as status 500 without a response; only
 * transient causes (reset, refused, timeout) count, not a request that could not be sent at all.
 */
function worthRetrying(e: HttpErrorLike): boolean {
  if (!e.response) return isTransient(e.cause) !== false;
  return e.status !== undefined && e.status >= 500 && e.status !== 501;
}

/** An Octokit for `opts.apiUrl` with retries, rate-limit waits and token-free errors on every request. */
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
  const retries = opts.retry?.retries ?? 3;
  const rateLimitWaits = opts.retry?.rateLimitWaits ?? 3;
  const maxWaitS = opts.retry?.maxWaitS ?? 600;
  const sleep = opts.retry?.sleep ?? defaultSleep;
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(new URL(apiUrl).hostname);
  const pathOf = (url: string) =>
    scrub(url)
      .replace(/^[a-z]+:\/\/[^/]+/i, "")
      .replace(/\?.*$/, "");

  // Innermost, it sees every failed try before plugin-retry does: it tells plugin-retry not to
  // retry what another try cannot fix, and spends (and logs) the wait before each retry it makes.
  const watch: OctokitPlugin = (octokit) => {
    octokit.hook.error("request", async (err, options) => {
      const e = err as HttpErrorLike;
      const o = options as RequestOptions;
      if (e?.name !== "HttpError" || typeof e.status !== "number" || !o.request) throw err;
      // GitHub's 429 is always a rate limit; plugin-throttling knows a secondary one by its message.
      if (e.status === 429 && !isSecondary(e) && !isPrimary(e)) e.message = `${e.message ?? ""} (secondary rate limit)`;
      if (e.response && (e.status === 403 || e.status === 429)) throw err; // plugin-throttling's
      const done = o.request.retryCount ?? 0;
      const limit = o.request.retries ?? retries;
      const asked = parseRetryAfter(header(e, "retry-after"));
      if (!worthRetrying(e) || (asked !== undefined && asked > maxWaitS * 1000)) o.request.retries = 0;
      else if (done < limit) {
        const waitMs = asked ?? (done + 1) ** 2 * 1000;
        const why = e.response ? `${e.status} ${describe(e).text}` : `no answer (${describe(e).text})`;
        const method = String(o.method ?? "GET").toUpperCase();
        log.warn(
          scrub(
            `GitHub ${method} ${pathOf(e.request?.url ?? String(o.url))}: ${why}; try ${done + 2} of ${limit + 1} in ${duration(waitMs)}`,
          ),
        );
        await sleep(waitMs);
      }
      throw err;
    });
    return {};
  };

  // plugin-throttling asks before each rate-limit retry; the answer is yes within the bounds.
  const rateLimited =
    (kind: string) =>
    async (
      afterS: number,
      options: RequestOptions,
      octokit: { request: { endpoint: { parse(o: object): { url: string } } } },
      count: number,
    ) => {
      if (afterS > maxWaitS || count >= rateLimitWaits) return false; // the error says why
      let where = String(options.url);
      try {
        where = octokit.request.endpoint.parse(options).url;
      } catch {
        // the template then
      }
      const method = String(options.method ?? "GET").toUpperCase();
      log.warn(
        scrub(
          `GitHub ${method} ${pathOf(where)}: ${kind}; waiting ${duration(afterS * 1000)} as GitHub asks (wait ${count + 1} of ${rateLimitWaits})`,
        ),
      );
      await sleep(afterS * 1000);
      return true;
    };
  // A group that runs its jobs at once, for `pace: false`: plugin-throttling schedules through
  // group.key(id).schedule(jobOptions, fn, ...args).
  const unpaced = { key: () => ({ schedule: (_o: unknown, fn: (...a: unknown[]) => unknown, ...args: unknown[]) => fn(...args) }) };
  const throttle = {
    onSecondaryRateLimit: rateLimited("secondary rate limit"),
    onRateLimit: rateLimited("rate limit used up until its reset"),
    retryAfterBaseValue: 0,
    ...(opts.retry?.pace === false ? { write: unpaced, notifications: unpaced, search: unpaced } : {}),
  } as unknown as ThrottlingOptions;

  const octokit = getOctokit(
    token,
    {
      baseUrl: apiUrl,
      userAgent: "kimigayo-build-action",
      log: {
        debug: (m: string) => log.debug(scrub(m)),
        info: (m: string) => log.debug(scrub(m)),
        warn: (m: string) => log.warn(scrub(m)),
        error: (m: string) => log.error(scrub(m)),
      },
      retry: { retries, doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: 0 },
      throttle,
      // @actions/github's fetch goes through the runner's proxy settings; a loopback API (a local
      // GitHub stand-in, a tunnel) is never reached through a proxy.
      ...(loopback ? { request: { fetch: globalThis.fetch } } : {}),
    },
    watch,
    retryPlugin,
    throttling,
  );

  // Outermost: one translation of what still fails after the plugins' retries and waits.
  octokit.hook.wrap("request", async (request, options) => {
    const method = String(options.method ?? "GET").toUpperCase();
    const route = `${method} ${String(options.url)}`;
    const started = Date.now();
    try {
      // The options object is this call's, but its `request` is shared between calls, and the
      // plugins keep their counts in it: each call gets its own copy (every hook sees this object).
      options.request = { ...options.request };
      const res = await request(options);
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
      let hint = "";
      if (e.status === 403 || e.status === 429) {
        const asked = parseRetryAfter(header(e, "retry-after"));
        if (isSecondary(e)) {
          hint =
            asked !== undefined && asked > maxWaitS * 1000
              ? `; GitHub asks to wait ${duration(asked)}, longer than this run waits (${duration(maxWaitS * 1000)})`
              : `; still limited after ${rateLimitWaits} wait(s)`;
        } else if (isPrimary(e)) {
          const reset = Number(header(e, "x-ratelimit-reset")) * 1000;
          const left = reset - Date.now(); // plugin-throttling waits a second past the reset
          hint =
            `; the rate limit resets at ${new Date(reset).toISOString()} (in ${duration(left)})` +
            (left + 1000 > maxWaitS * 1000
              ? `, later than this run waits (${duration(maxWaitS * 1000)})`
              : `, still limited after ${rateLimitWaits} wait(s)`);
        } else if (e.status === 403) hint = `; the token may lack a permission this call needs`;
      }
      throw new GitHubError(scrub(`GitHub ${method} ${path}: ${e.status} ${text}${hint}`.trim()), e.status, method, url, errors);
    }
  });

  return { octokit, apiUrl, uploadsUrl, log, redact: scrub };
}

/** Whether `err` is GitHub's "no such thing" (404). */
export function isNotFound(err: unknown): boolean {
  return err instanceof GitHubError && err.status === 404;
}
