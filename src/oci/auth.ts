/**
 * Registry authentication: parsing WWW-Authenticate challenges (RFC 7235) and the Docker token
 * flow (a Bearer challenge names a realm to GET a token from, with service and scope).
 */
import { fetchWithTimeout } from "../lib/keep-alive.js";
import { basicAuthorization, redact, secretsOf, type Credentials } from "./credentials.js";
import { OCI, parseOci } from "./schema.js";

export interface Challenge {
  /** Lower-cased auth scheme: "bearer", "basic", ... */
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses a WWW-Authenticate value into its challenges, e.g.
 * `Bearer realm="https://a/token",service="reg",scope="repository:x:pull,push"`.
 * Several challenges may share one header, separated by commas; param names are lower-cased.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const out: Challenge[] = [];
  let s = header;
  const skip = (re: RegExp) => {
    s = s.replace(re, "");
  };
  while (s.length > 0) {
    skip(/^[\s,]+/);
    const scheme = TOKEN.exec(s)?.[0];
    if (!scheme) break;
    s = s.slice(scheme.length);
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    out.push(challenge);
    for (;;) {
      const m = /^[\s,]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(s);
      if (!m) break; // the next token starts a new challenge (or a token68, which we do not use)
      s = s.slice(m[0].length);
      let value: string;
      if (s.startsWith('"')) {
        const q = /^"((?:[^"\\]|\\.)*)"/.exec(s);
        if (!q) throw new Error(`WWW-Authenticate: unterminated quoted string in ${JSON.stringify(header)}`);
        value = q[1]!.replace(/\\(.)/g, "$1");
        s = s.slice(q[0].length);
      } else {
        value = TOKEN.exec(s)?.[0] ?? "";
        s = s.slice(value.length);
      }
      challenge.params[m[1]!.toLowerCase()] = value;
    }
    if (Object.keys(challenge.params).length === 0) skip(/^[^,]*/); // token68 or junk: skip to the next comma
  }
  return out;
}

export interface TokenResult {
  /** The Authorization header value to send. */
  authorization: string;
  /** The bare token, to redact from messages. */
  token: string;
  expiresAt: number;
}

/**
 * GETs a token from a Bearer challenge's realm, with Basic credentials when there are any
 * (anonymous otherwise). `scopes` are added to the challenge's own scope.
 */
export async function fetchToken(
  challenge: Challenge,
  scopes: readonly string[],
  credentials: Credentials | undefined,
  timeoutMs: number,
): Promise<TokenResult> {
  const realm = challenge.params.realm;
  if (!realm) throw new Error("registry sent a Bearer challenge without a realm");
  const url = new URL(realm);
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  const all = new Set([...(challenge.params.scope?.split(" ") ?? []), ...scopes].filter((x) => x !== ""));
  for (const scope of all) url.searchParams.append("scope", scope);
  const headers: Record<string, string> = { accept: "application/json" };
  if (credentials) headers.authorization = basicAuthorization(credentials);
  const res = await fetchWithTimeout(url, { headers }, timeoutMs);
  const body = await res.text();
  if (!res.ok) {
    const who = credentials ? `as ${credentials.username}` : "anonymously";
    throw new Error(
      `token request to ${url.origin}${url.pathname} ${who} failed: ${res.status} ${redact(body.slice(0, 300), secretsOf(credentials))}`,
    );
  }
  const json = parseOci(body, OCI.tokenAnswer, `token answer from ${url.origin}${url.pathname}`);
  const token = json.token ?? json.access_token;
  if (!token) throw new Error(`token response from ${url.origin}${url.pathname} has no token`);
  // Treat tokens as expiring a little early; the spec's default lifetime is 60 s.
  const lifetime = Math.max(10, (json.expires_in ?? 60) - 10);
  return { authorization: `Bearer ${token}`, token, expiresAt: Date.now() + lifetime * 1000 };
}
