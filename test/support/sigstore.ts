/**
 * A local Sigstore for tests: @sigstore/mock's Fulcio, Rekor and timestamp authority, served by an
 * in-process HTTP server on 127.0.0.1, and the trusted root (Sigstore's trusted_root.json format)
 * that verifies what they sign. Stand-in for what cannot exist here (the public-good instance and
 * GitHub's OIDC tokens): identity tokens are unsigned JWTs whose claims become the certificate's
 * subject and GitHub extensions, as Fulcio does for a GitHub Actions token.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  initializeTSA,
  rekorHandler,
  tsaHandler,
  type HandlerFn,
} from "@sigstore/mock";
import type { SigstoreEndpoints } from "../../src/attest/sign.js";

export interface LocalSigstore extends SigstoreEndpoints {
  /** trusted_root.json content for these services. */
  trustedRoot: object;
  close(): Promise<void>;
}

const keyPair = (): { publicKey: KeyObject; privateKey: KeyObject } => generateKeyPairSync("ec", { namedCurve: "P-256" });
const b64 = (b: ArrayBufferView | ArrayBuffer): string =>
  (b instanceof ArrayBuffer ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString("base64");

/** GitHub Actions-like OIDC claims for a workflow run; `sub` becomes the certificate's SAN. */
export function githubClaims(o: { repository: string; workflow?: string; ref?: string; sha?: string }): Record<string, string> {
  const workflow = o.workflow ?? ".github/workflows/release.yml";
  const ref = o.ref ?? "refs/tags/v2.1.0";
  return {
    iss: "https://token.actions.githubusercontent.com",
    sub: `https://github.com/${o.repository}/${workflow}@${ref}`,
    repository: o.repository,
    ref,
    sha: o.sha ?? "0".repeat(40),
    workflow: "Release",
    event_name: "push",
    job_workflow_ref: `${o.repository}/${workflow}@${ref}`,
  };
}

/** An unsigned JWT with these claims (the mock Fulcio reads it without checking a signature). */
export function unsignedJwt(claims: Record<string, string>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ aud: "sigstore", iat: now, exp: now + 600, ...claims })}.`;
}

export async function startLocalSigstore(): Promise<LocalSigstore> {
  const routes = new Map<string, HandlerFn>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const fn = req.method === "POST" ? routes.get(req.url ?? "") : undefined;
      if (!fn) {
        res.writeHead(404).end();
        return;
      }
      fn(Buffer.concat(chunks).toString()).then(
        ({ statusCode, response, contentType }) => {
          res.writeHead(statusCode, { "content-type": contentType ?? "text/plain" });
          res.end(typeof response === "string" ? response : Buffer.from(response.buffer, response.byteOffset, response.byteLength));
        },
        (err: Error) => res.writeHead(500).end(err.message),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const ctKeys = keyPair();
  const ctLog = await initializeCTLog(ctKeys);
  const ca = await initializeCA(keyPair(), ctLog);
  const tlogKeys = keyPair();
  const tlog = await initializeTLog(base, tlogKeys);
  const tsa = await initializeTSA(keyPair());
  // The mock writes genTime with milliseconds trimmed of trailing zeros (".25"), which
  // @sigstore/core reads only as three digits: whole seconds avoid the mismatch (1 signature in 10).
  (tsa as unknown as { getCurrentTime: () => Date }).getCurrentTime = () => new Date(Math.floor(Date.now() / 1000) * 1000);
  for (const h of [fulcioHandler(ca), rekorHandler(tlog), tsaHandler(tsa)]) routes.set(h.path, h.fn);

  const validFor = { start: new Date(Date.now() - 3600_000).toISOString() };
  const spki = (k: KeyObject) => b64(k.export({ format: "der", type: "spki" }));
  const trustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: base,
        hashAlgorithm: "SHA2_256",
        publicKey: { rawBytes: b64(tlog.publicKey), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor },
        logId: { keyId: b64(Buffer.from(await crypto.subtle.digest("SHA-256", tlog.publicKey))) },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "local", commonName: "local" },
        uri: base,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor,
      },
    ],
    ctlogs: [
      {
        baseUrl: base,
        hashAlgorithm: "SHA2_256",
        publicKey: { rawBytes: spki(ctKeys.publicKey), keyDetails: "PKIX_ECDSA_P256_SHA_256", validFor },
        logId: { keyId: b64(ctLog.logID) },
      },
    ],
    timestampAuthorities: [
      {
        subject: { organization: "local", commonName: "local" },
        uri: base,
        certChain: { certificates: [{ rawBytes: b64(tsa.intCertificate) }, { rawBytes: b64(tsa.rootCertificate) }] },
        validFor,
      },
    ],
  };
  return {
    fulcioURL: base,
    rekorURL: base,
    tsaURL: base,
    trustedRoot,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
