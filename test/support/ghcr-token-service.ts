/**
 * The token service of the GHCR stand-in (test/support/ghcr-registry.ts), run in a worker thread:
 * GET /token?service=…&scope=repository:NAME:ACTIONS… with optional Basic credentials, answered
 * with an ES256 JWT (`x5c`: the self-signed certificate the registry trusts) granting what the
 * credentials' grant allows. Grants are read from a file on every request (the test may change
 * them between jobs); every request is appended to a JSON-lines file.
 */
import { randomUUID, sign, X509Certificate, createPrivateKey } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isMainThread, parentPort, workerData } from "node:worker_threads";

/** The `packages:` permission of the job the credentials belong to. */
export type PackagesPermission = "none" | "read" | "write";

export interface Grant {
  /** The password (a job's GITHUB_TOKEN); any non-empty user name goes with it. */
  token: string;
  /** The owner whose packages it reaches, lower-case: repositories `owner/…`. */
  owner: string;
  packages: PackagesPermission;
}

export interface TokenRequest {
  /** The Basic user name, or undefined for an anonymous request. */
  account?: string;
  scopes: string[];
  /** "name:actions" granted, e.g. "octo/kimigayo:pull,push"; [] for none. */
  granted: string[];
  status: number;
}

export interface TokenServiceData {
  keyPem: string;
  certPem: string;
  service: string;
  issuer: string;
  grantsFile: string;
  requestsFile: string;
}

interface Access {
  type: "repository";
  name: string;
  actions: string[];
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** What `packages` allows of the requested actions. */
export function allowedActions(requested: string[], packages: PackagesPermission): string[] {
  const may = packages === "write" ? ["pull", "push"] : packages === "read" ? ["pull"] : [];
  return requested.filter((a) => may.includes(a));
}

function serve(d: TokenServiceData): void {
  const key = createPrivateKey(d.keyPem);
  const x5c = [new X509Certificate(d.certPem).raw.toString("base64")];
  const jwt = (account: string, access: Access[]) => {
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: "JWT", alg: "ES256", x5c }));
    const claims = b64url(
      JSON.stringify({ iss: d.issuer, sub: account, aud: d.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }),
    );
    const signature = sign("sha256", Buffer.from(`${header}.${claims}`), { key, dsaEncoding: "ieee-p1363" });
    return `${header}.${claims}.${b64url(signature)}`;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const scopes = url.searchParams.getAll("scope").flatMap((s) => s.split(" "));
    const answer = (status: number, body: unknown, account: string | undefined, granted: string[]) => {
      const seen: TokenRequest = { ...(account !== undefined ? { account } : {}), scopes, granted, status };
      appendFileSync(d.requestsFile, `${JSON.stringify(seen)}\n`);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (req.method !== "GET" || url.pathname !== "/token")
      return answer(404, { errors: [{ code: "NOT_FOUND", message: "no such endpoint" }] }, undefined, []);
    if (url.searchParams.get("service") !== d.service)
      return answer(
        400,
        { errors: [{ code: "UNSUPPORTED", message: `unknown service ${url.searchParams.get("service")}` }] },
        undefined,
        [],
      );
    const grants = JSON.parse(readFileSync(d.grantsFile, "utf8")) as Grant[];
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? "");
    let account: string | undefined;
    let grant: Grant | undefined;
    if (basic) {
      const plain = Buffer.from(basic[1]!, "base64").toString("utf8");
      const colon = plain.indexOf(":");
      account = colon > 0 ? plain.slice(0, colon) : "";
      const password = colon > 0 ? plain.slice(colon + 1) : "";
      grant = grants.find((g) => g.token === password);
      if (!grant) return answer(401, { errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }, account, []);
    }
    const access: Access[] = [];
    for (const scope of scopes) {
      const m = /^repository:([^:]+):([a-z,*]+)$/.exec(scope);
      if (!m || !grant) continue; // anonymous: no repository at all (every new package is private)
      const [, name, actions] = m as unknown as [string, string, string];
      if (!name.startsWith(`${grant.owner}/`)) continue;
      const ok = allowedActions(actions.split(","), grant.packages);
      if (ok.length > 0) access.push({ type: "repository", name, actions: ok });
    }
    const token = jwt(account ?? "", access);
    answer(
      200,
      { token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() },
      account,
      access.map((a) => `${a.name}:${a.actions.join(",")}`),
    );
  });
  server.listen(0, "127.0.0.1", () => parentPort!.postMessage({ port: (server.address() as AddressInfo).port }));
}

if (!isMainThread && (workerData as Partial<TokenServiceData> | undefined)?.grantsFile) serve(workerData as TokenServiceData);
