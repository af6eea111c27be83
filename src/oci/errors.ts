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

/** A short reason for logs: "503 Service Unavailable", "ECONNRESET", or the message. */
export function describeFailure(err: unknown): string {
  if (err instanceof RegistryError && err.status !== undefined) return err.message;
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${message} (${code})` : message;
}
