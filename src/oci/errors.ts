/**
 * Registry failures and which of them are worth another try: 408, 429 and 5xx answers (but not
 * 501/505, which will not change), connection resets and timeouts. A Retry-After header on the
 * answer is honoured.
 */
import { isTransient } from "../lib/retry.js";

export class RegistryError extends Error {
  override readonly name = "RegistryError";
  constructor(
    message: string,
    readonly info: {
      status?: number;
      /** The first error code of an OCI error body, e.g. "BLOB_UNKNOWN". */
      code?: string;
      /** Every error code of the body, in its order. */
      codes?: string[];
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, info.cause !== undefined ? { cause: info.cause } : undefined);
  }

  get status(): number | undefined {
    return this.info.status;
  }
}

const RETRY_STATUS = (s: number) => s === 408 || s === 429 || (s >= 500 && s !== 501 && s !== 505);
const NETWORK_CODES = ["UND_ERR_CLOSED", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ECONNABORTED", "ENETUNREACH", "EHOSTUNREACH"];

function errorCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = e?.cause?.code ?? e?.code;
  return typeof code === "string" ? code : undefined;
}

/** The retry policy for registry requests (a `retryable` for withRetry). */
export function registryRetryable(err: unknown): boolean | { retryAfterMs: number } {
  if (err instanceof RegistryError) {
    if (err.status === undefined) return registryRetryable(err.cause);
    if (!RETRY_STATUS(err.status)) return false;
    return err.info.retryAfterMs !== undefined ? { retryAfterMs: err.info.retryAfterMs } : true;
  }
  const name = (err as { name?: unknown } | undefined)?.name;
  if (name === "TimeoutError") return true;
  if (NETWORK_CODES.includes(errorCode(err) ?? "")) return true;
  return isTransient(err);
}

/** Each network failure code (of a fetch error's cause) in words. */
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (nothing listens on that port)",
  ECONNRESET: "connection reset by the other side",
  EPIPE: "connection closed by the other side while sending",
  ETIMEDOUT: "connect timed out",
  UND_ERR_CONNECT_TIMEOUT: "connect timed out",
  UND_ERR_SOCKET: "connection closed by the other side before an answer",
  UND_ERR_CLOSED: "connection closed before an answer",
  UND_ERR_HEADERS_TIMEOUT: "no answer (headers) in time",
  UND_ERR_BODY_TIMEOUT: "the answer's body stalled",
  ECONNABORTED: "connection aborted",
  ENETUNREACH: "network unreachable",
  EHOSTUNREACH: "host unreachable",
  ENOTFOUND: "host name not found (DNS)",
  EAI_AGAIN: "host name lookup failed for now (DNS)",
};

/**
 * Why a request never got an answer, in words, with the code: "connection refused (nothing
 * listens on that port) (ECONNREFUSED)"; fetch's own refusal of a blocked port ("bad port") is
 * named as such. Undefined when `err` is not a network failure (an HTTP answer, a bug).
 */
export function networkReason(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown } | undefined)?.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? cause.code : errorCode(err);
  if (code && NETWORK_REASONS[code]) return `${NETWORK_REASONS[code]} (${code})`;
  if (cause?.message === "bad port")
    return "the port is blocked: fetch refuses it (the Fetch standard's list of bad ports); use another port";
  if (err instanceof TypeError && err.message === "fetch failed") {
    const why = typeof cause?.message === "string" && cause.message ? cause.message : "no reason given";
    return code ? `${why} (${code})` : why;
  }
  return undefined;
}

/** A short reason for logs: "503 Service Unavailable", "ECONNRESET", or the message. */
export function describeFailure(err: unknown): string {
  if (err instanceof RegistryError && err.status !== undefined) return err.message;
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${message} (${code})` : message;
}
