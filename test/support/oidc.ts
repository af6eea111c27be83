/**
 * A stand-in for GitHub Actions' OIDC token service, for tests only: GitHub cannot exist here.
 *
 * What the runner gives a job whose `permissions:` grant `id-token: write` is two variables:
 * ACTIONS_ID_TOKEN_REQUEST_URL (the job's own idtoken URL, `…/idtoken?api-version=2.0`) and
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN (a bearer token for that job only). A client asks
 * `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD` with `Authorization: Bearer $…_TOKEN` and gets
 * `{"value": JWT}`. This stand-in serves exactly that, as strictly:
 * - the request token must be the one minted for that job's URL (401 otherwise; 404 for a URL no job has);
 * - `api-version` is required; `audience` is optional (GitHub's default is the owner's URL);
 * - the JWT is RS256-signed by this issuer's key (kid in the header, the key in `jwks`), with
 *   GitHub's claims for the job: iss https://token.actions.githubusercontent.com, sub
 *   `repo:OWNER/NAME:ref:REF` (`:pull_request` for a pull request), aud, ref, ref_type, sha,
 *   repository, repository_id, repository_owner, repository_owner_id, repository_visibility,
 *   actor, actor_id, workflow, workflow_ref, workflow_sha, job_workflow_ref, job_workflow_sha,
 *   event_name, head_ref, base_ref, run_id, run_number, run_attempt, runner_environment, jti,
 *   iat, nbf, exp (5 minutes, as GitHub's).
 * `verify` checks a token as Fulcio does before issuing a certificate (signature by the issuer's
 * key, issuer, audience, expiry); test/support/sigstore.ts's Fulcio calls it.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";

export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/** The claims GitHub puts in a job's ID token (less iss, aud and the times, which the service sets). */
export type JobClaims = Record<string, string>;

export interface TokenRequest {
  path: string;
  audience?: string;
  status: number;
  /** Why it was refused; empty when answered. */
  problem?: string;
}

export interface OidcStandIn {
  /** The issuer (iss) of its tokens. */
  issuer: string;
  /** The issuer's public keys, as GitHub serves them at /.well-known/jwks. */
  jwks: JSONWebKeySet;
  requests: TokenRequest[];
  /** A token for these claims, as the service gives it (for tests that sign without a job). */
  token(claims: JobClaims, audience?: string): Promise<string>;
  /** A job's runner variables: its own request URL and request token. */
  forJob(claims: JobClaims): { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string };
  /** Checks a token as Fulcio does; throws naming what does not hold. */
  verify(token: string, audience: string): Promise<JWTPayload>;
  close(): Promise<void>;
}

/** A small stable number for a name (GitHub's ids are numbers; these only need to be consistent). */
const idOf = (name: string) => String(parseInt(createHash("sha256").update(name.toLowerCase()).digest("hex").slice(0, 8), 16));

/**
 * GitHub's claims for a job, from its github context (test/support/runner.ts's Job.github) and
 * its workflow file's path in the repository (".github/workflows/release.yml").
 */
export function claimsForJob(github: Record<string, unknown>, workflowPath: string): JobClaims {
  const g = (k: string) => String(github[k] ?? "");
  const repository = g("repository");
  const ref = g("ref");
  const eventName = g("event_name");
  const workflowRef = `${repository}/${workflowPath}@${ref}`;
  const event = (github.event ?? {}) as { repository?: { private?: boolean } };
  return {
    sub: eventName === "pull_request" ? `repo:${repository}:pull_request` : `repo:${repository}:ref:${ref}`,
    ref,
    ref_type: g("ref_type"),
    ref_protected: String(github.ref_protected ?? false),
    sha: g("sha"),
    repository,
    repository_id: idOf(repository),
    repository_owner: g("repository_owner"),
    repository_owner_id: idOf(g("repository_owner")),
    repository_visibility: event.repository?.private ? "private" : "public",
    actor: g("actor"),
    actor_id: idOf(g("actor")),
    workflow: g("workflow"),
    workflow_ref: workflowRef,
    workflow_sha: g("sha"),
    job_workflow_ref: workflowRef,
    job_workflow_sha: g("sha"),
    event_name: eventName,
    head_ref: g("head_ref"),
    base_ref: g("base_ref"),
    run_id: g("run_id"),
    run_number: g("run_number") || "1",
    run_attempt: g("run_attempt") || "1",
    runner_environment: "github-hosted",
  };
}

/** The claims of a tag-push job of `repository` running `workflow` (for tests that sign without a job). */
export function githubClaims(o: { repository: string; workflow?: string; ref?: string; sha?: string }): JobClaims {
  const ref = o.ref ?? "refs/tags/v2.1.0";
  const owner = o.repository.split("/")[0]!;
  return claimsForJob(
    {
      repository: o.repository,
      repository_owner: owner,
      ref,
      ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
      sha: o.sha ?? "0".repeat(40),
      event_name: "push",
      actor: owner,
      workflow: "Release",
      run_id: "1",
      run_attempt: "1",
    },
    o.workflow ?? ".github/workflows/release.yml",
  );
}

export async function startOidcStandIn(): Promise<OidcStandIn> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const kid = randomBytes(20).toString("hex").toUpperCase();
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] };
  const keySet = createLocalJWKSet(jwks);
  /** Per job: its URL path and request token -> its claims. */
  const jobs = new Map<string, { token: string; claims: JobClaims }>();
  const requests: TokenRequest[] = [];
  const sign = (claims: JobClaims, audience: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid, x5t: kid })
      .setIssuer(GITHUB_ACTIONS_ISSUER)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + 300)
      .sign(privateKey);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const audience = url.searchParams.get("audience") ?? undefined;
    const rec: TokenRequest = { path: url.pathname, status: 0, ...(audience !== undefined ? { audience } : {}) };
    requests.push(rec);
    const refuse = (status: number, problem: string) => {
      rec.status = status;
      rec.problem = problem;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ message: problem }));
    };
    const job = jobs.get(url.pathname);
    if (req.method !== "GET") return refuse(405, `${req.method} is not allowed: the idtoken URL answers GET`);
    if (!job) return refuse(404, `no job has the idtoken URL ${url.pathname}`);
    const auth = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
    if (!auth || auth[1] !== job.token)
      return refuse(401, auth ? "not this job's request token" : "Authorization: Bearer TOKEN is required");
    if (url.searchParams.get("api-version") !== "2.0") return refuse(400, "api-version=2.0 is required");
    sign(job.claims, audience ?? `https://github.com/${job.claims.repository_owner}`).then(
      (value) => {
        rec.status = 200;
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify({ value }));
      },
      (err: Error) => refuse(500, err.message),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer: GITHUB_ACTIONS_ISSUER,
    jwks,
    requests,
    token: (claims, audience = "sigstore") => sign(claims, audience),
    forJob(claims) {
      const path = `/${randomBytes(12).toString("hex")}/00000000-0000-0000-0000-000000000000/_apis/distributedtask/hubs/Actions/plans/${randomUUID()}/jobs/${randomUUID()}/idtoken`;
      const token = randomBytes(32).toString("base64url");
      jobs.set(path, { token, claims });
      return { ACTIONS_ID_TOKEN_REQUEST_URL: `${origin}${path}?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: token };
    },
    async verify(token, audience) {
      const { payload } = await jwtVerify(token, keySet, { issuer: GITHUB_ACTIONS_ISSUER, audience, algorithms: ["RS256"] });
      return payload;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
