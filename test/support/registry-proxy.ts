/**
 * A proxy in front of the real registry (127.0.0.1:5000) that injects faults: 500 and 503 answers, 429
 * with Retry-After, dropped connections, requests that never get an answer (a stall), and OCI
 * error bodies with several codes; or demands authentication. The Host header is passed through,
 * so upload Locations point back at the proxy.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const UPSTREAM = { host: "127.0.0.1", port: 5000 };

export type Fault = "500" | "503" | "429" | "429-long" | "reset" | "stall" | "multi-error";

export interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  contentRange: string | undefined;
  outcome: Fault | "401" | "forwarded";
}

export interface Proxy {
  /** host:port, to use as the registry name. */
  registry: string;
  seen: Seen[];
  close(): Promise<void>;
}

export interface ProxyOptions {
  /** The fault for the n-th request (1-based), or undefined to forward it. */
  fault?: (req: IncomingMessage, n: number) => Fault | undefined;
  /** A WWW-Authenticate challenge when the request is not authorised, else undefined. */
  gate?: (req: IncomingMessage) => string | undefined;
}

export function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function answer(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  req.resume();
  req.on("end", () => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  });
}

/** The two codes distribution can give one failed manifest PUT under concurrent pushes. */
export const MULTI_ERROR_BODY = JSON.stringify({
  errors: [
    { code: "MANIFEST_INVALID", message: "manifest invalid" },
    { code: "MANIFEST_BLOB_UNKNOWN", message: "blob unknown to registry" },
  ],
});

export async function startProxy(opts: ProxyOptions = {}): Promise<Proxy> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const entry: Seen = {
      method: req.method ?? "",
      path: req.url ?? "",
      authorization: req.headers.authorization,
      contentRange: req.headers["content-range"] as string | undefined,
      outcome: "forwarded",
    };
    seen.push(entry);
    const challenge = opts.gate?.(req);
    if (challenge) {
      entry.outcome = "401";
      const body = JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] });
      return answer(req, res, 401, { "www-authenticate": challenge }, body);
    }
    const fault = opts.fault?.(req, seen.length);
    if (fault) entry.outcome = fault;
    if (fault === "reset") return req.socket.destroy();
    if (fault === "stall") return req.resume(); // read the request, never answer; close() ends it
    if (fault === "500") return answer(req, res, 500, {}, JSON.stringify({ errors: [{ code: "UNKNOWN", message: "injected" }] }));
    if (fault === "503") return answer(req, res, 503, {}, JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "injected" }] }));
    if (fault === "multi-error") return answer(req, res, 400, {}, MULTI_ERROR_BODY);
    if (fault === "429")
      return answer(req, res, 429, { "retry-after": "1" }, JSON.stringify({ errors: [{ code: "TOOMANYREQUESTS", message: "slow down" }] }));
    if (fault === "429-long") return answer(req, res, 429, { "retry-after": "30" }, "{}");
    const up = request({ ...UPSTREAM, method: req.method, path: req.url, headers: req.headers }, (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.pipe(res);
    });
    up.on("error", (err) => res.destroy(err));
    req.pipe(up);
  });
  const port = await listen(server);
  return { registry: `127.0.0.1:${port}`, seen, close: () => close(server) };
}
