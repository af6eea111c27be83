/**
 * Keeps the process alive while `p` is pending. AbortSignal.timeout's timer is unref'd: when a
 * connection is reset and undici holds no live socket for a moment, nothing keeps the event loop
 * running, and Node exits with code 13 (an unsettled top-level await) before the timeout or the
 * retry can happen. A ref'd interval for exactly as long as the fetch is pending prevents that.
 */
export async function keepAlive<T>(p: Promise<T>): Promise<T> {
  const timer = setInterval(() => undefined, 60_000);
  try {
    return await p;
  } finally {
    clearInterval(timer);
  }
}

/** fetch with a time limit (AbortSignal.timeout's TimeoutError), the process kept alive while it is pending. */
export function fetchWithTimeout(
  url: string | URL,
  init: RequestInit,
  timeoutMs: number,
  fetcher: typeof fetch = fetch,
): Promise<Response> {
  return keepAlive(fetcher(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }));
}
