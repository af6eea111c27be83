/** Retries with exponential backoff and full jitter, bounded in attempts and in total time. */
export interface RetryOptions {
  attempts?: number; // total tries, default 4
  baseMs?: number; // first delay, default 250
  maxDelayMs?: number; // cap per delay, default 8000
  budgetMs?: number; // give up when the next delay would pass this, default 60000
  /** Whether this error is worth another try, and an optional server-requested delay (Retry-After). */
  retryable?: (err: unknown) => boolean | { retryAfterMs: number };
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class RetryableError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Connection resets, timeouts and RetryableError are retried by default; anything else fails at once. */
export function isTransient(err: unknown): boolean | { retryAfterMs: number } {
  if (err instanceof RetryableError) return err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : true;
  const code = (err as { code?: string; cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
  return ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "UND_ERR_SOCKET", "UND_ERR_CONNECT_TIMEOUT"].includes(
    code ?? "",
  );
}

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 4;
  const base = opts.baseMs ?? 250;
  const cap = opts.maxDelayMs ?? 8000;
  const budget = opts.budgetMs ?? 60000;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const retryable = opts.retryable ?? isTransient;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const verdict = retryable(err);
      if (!verdict || attempt >= attempts) throw err;
      const backoff = Math.min(cap, base * 2 ** (attempt - 1));
      const delay = typeof verdict === "object" ? verdict.retryAfterMs : Math.floor(random() * backoff);
      if (Date.now() - started + delay > budget) throw err;
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}

/**
 * A Retry-After header value in milliseconds: delay-seconds ("120") or an HTTP date. Undefined
 * when absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
