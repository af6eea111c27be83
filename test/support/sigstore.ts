/**
 * A local Sigstore for tests: @sigstore/mock's Fulcio, Rekor and timestamp authority, served by an
 * in-process HTTP server on 127.0.0.1, and the trusted root (Sigstore's trusted_root.json format)
 * that verifies what they sign. Stand-in for what cannot exist here (the public-good instance,
 * GitHub's instance and GitHub's OIDC tokens).
 *
 * Fulcio is as strict as it is with GitHub Actions' tokens, which the mock alone is not: the
 * token's signature (by the OIDC stand-in, test/support/oidc.ts: the one given, else one of its
 * own, `oidc`), issuer, audience `sigstore` and expiry are checked (401 otherwise), then the proof
 * of possession (the request's key signed the token's `sub`; 400 otherwise), and the certificate
 * names the workflow as Fulcio does for this issuer (SAN https://github.com/JOB_WORKFLOW_REF,
 * extensions from the claims). Rekor checks and canonicalises `dsse` entries (dsseEntry).
 *
 * `listener(service)` answers one service only, for the host names @actions/attest signs at
 * (ACTIONS_ATTEST_HOSTS), reached through test/support/tls-proxy.ts.
 */
import { createHash, createPublicKey, generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
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
import { bundleToJSON } from "@sigstore/bundle";
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness, type Witness } from "@sigstore/sign";
import type { StatementSigner } from "../../src/attest/sign.js";
import { PAYLOAD_TYPE } from "../../src/attest/statement.js";
import { startOidcStandIn, type OidcStandIn } from "./oidc.js";

export interface SigstoreEndpoints {
  fulcioURL: string;
  rekorURL: string;
  tsaURL?: string;
}

/** A signer for explicit Sigstore endpoints and an identity token (an OIDC JWT). */
export function sigstoreSigner(endpoints: SigstoreEndpoints, identityToken: () => Promise<string>): StatementSigner {
  const witnesses: Witness[] = [new RekorWitness({ rekorBaseURL: endpoints.rekorURL, entryType: "intoto" })];
  if (endpoints.tsaURL) witnesses.push(new TSAWitness({ tsaBaseURL: endpoints.tsaURL }));
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({ fulcioBaseURL: endpoints.fulcioURL, identityProvider: { getToken: identityToken } }),
    witnesses,
  });
  return {
    describe: `Sigstore at ${endpoints.fulcioURL}`,
    async sign(s) {
      // The DSSE payload: the statement as JSON, as @actions/attest signs it.
      const bundle = await builder.create({ data: Buffer.from(JSON.stringify(s), "utf8"), type: PAYLOAD_TYPE });
      return bundleToJSON(bundle);
    },
  };
}

export type SigstoreService = "fulcio" | "rekor" | "tsa";

/** The host names @actions/attest signs at (its endpoints.js): public-good for public repositories, GitHub's for private ones. */
export const ACTIONS_ATTEST_HOSTS: Record<string, SigstoreService> = {
  "fulcio.sigstore.dev": "fulcio",
  "rekor.sigstore.dev": "rekor",
  "fulcio.githubapp.com": "fulcio",
  "timestamp.githubapp.com": "tsa",
};

const SERVICE_PATHS: Record<SigstoreService, string> = {
  fulcio: "/api/v2/signingCert",
  rekor: "/api/v1/log/entries",
  tsa: "/api/v1/timestamp",
};

export interface LocalSigstoreOptions {
  /** The OIDC token service whose tokens Fulcio accepts (default: one of its own). */
  issuer?: OidcStandIn;
}

export interface LocalSigstore extends SigstoreEndpoints {
  /** trusted_root.json content for these services. */
  trustedRoot: object;
  /** Answers one service's requests (any other path is 404). */
  listener(service: SigstoreService): RequestListener;
  /** The OIDC token service whose tokens Fulcio accepts. */
  oidc: OidcStandIn;
  /** Fulcio's answers so far: status and, when refused, why. */
  fulcioAnswers: { status: number; message?: string }[];
  close(): Promise<void>;
}

const keyPair = (): { publicKey: KeyObject; privateKey: KeyObject } => generateKeyPairSync("ec", { namedCurve: "P-256" });
const b64 = (b: ArrayBufferView | ArrayBuffer): string =>
  (b instanceof ArrayBuffer ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength)).toString("base64");

/** An unsigned JWT with these claims: what the strict Fulcio hands the mock once it has checked the token. */
function unsignedJwt(claims: Record<string, string>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none", typ: "JWT" })}.${part({ aud: "sigstore", iat: now, exp: now + 600, ...claims })}.`;
}

/**
 * What Rekor does with a proposed `dsse` entry and the mock does not (it logs any body as given):
 * checks every signature of the envelope with the verifiers given (400 otherwise) and logs the
 * canonical entry (envelope and payload hashes, signatures with their verifier), the body
 * verifiers compare a bundle with. Undefined for another kind (left to the mock), a string for a
 * refusal.
 */
function dsseEntry(body: string): object | string | undefined {
  let proposed: { kind?: string; apiVersion?: string; spec?: { proposedContent?: { envelope?: string; verifiers?: string[] } } };
  try {
    proposed = JSON.parse(body) as typeof proposed;
  } catch {
    return "the proposed entry is not JSON";
  }
  if (proposed.kind !== "dsse") return undefined;
  const content = proposed.spec?.proposedContent;
  if (proposed.apiVersion !== "0.0.1" || !content?.envelope || !content.verifiers?.length)
    return "dsse 0.0.1 needs proposedContent.envelope and verifiers";
  let env: { payload?: string; payloadType?: string; signatures?: { sig?: string }[] };
  try {
    env = JSON.parse(content.envelope) as typeof env;
  } catch {
    return "the envelope is not JSON";
  }
  const payload = Buffer.from(env.payload ?? "", "base64");
  const type = env.payloadType ?? "";
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);
  const signatures: { signature: string; verifier: string }[] = [];
  for (const sig of env.signatures ?? []) {
    const verifier = content.verifiers.find((v) => {
      try {
        return verify("sha256", pae, createPublicKey(Buffer.from(v, "base64").toString()), Buffer.from(sig.sig ?? "", "base64"));
      } catch {
        return false;
      }
    });
    if (!verifier) return "a signature of the envelope does not verify with the verifiers given";
    signatures.push({ signature: sig.sig!, verifier });
  }
  if (signatures.length === 0) return "the envelope has no signature";
  const hex = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");
  return {
    apiVersion: "0.0.1",
    kind: "dsse",
    spec: {
      envelopeHash: { algorithm: "sha256", value: hex(content.envelope) },
      payloadHash: { algorithm: "sha256", value: hex(payload) },
      signatures,
    },
  };
}

/** The claim the mock reads the SAN from, set by the strict Fulcio to what Fulcio derives. */
const SAN_CLAIM = "fulcio_san";

export async function startLocalSigstore(opts: LocalSigstoreOptions = {}): Promise<LocalSigstore> {
  const routes = new Map<string, HandlerFn>();
  const fulcioAnswers: LocalSigstore["fulcioAnswers"] = [];
  const answer = (req: IncomingMessage, res: ServerResponse, allowed?: string) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      const fn = req.method === "POST" && (allowed === undefined || path === allowed) ? routes.get(path) : undefined;
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
  };
  const server: Server = createServer((req, res) => answer(req, res));
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
  routes.set(tsaHandler(tsa).path, tsaHandler(tsa).fn);
  const mockRekor = rekorHandler(tlog).fn;
  routes.set(SERVICE_PATHS.rekor, async (body: string) => {
    const entry = dsseEntry(body);
    if (entry === undefined) return mockRekor(body);
    if (typeof entry === "string")
      return { statusCode: 400, response: JSON.stringify({ code: 400, message: entry }), contentType: "application/json" };
    return mockRekor(JSON.stringify(entry));
  });
  const issuer = opts.issuer ?? (await startOidcStandIn());
  {
    const mock = fulcioHandler(ca, { subjectClaim: SAN_CLAIM }).fn;
    const refuse = (statusCode: number, message: string) => {
      fulcioAnswers.push({ status: statusCode, message });
      return { statusCode, response: JSON.stringify({ code: statusCode === 401 ? 16 : 3, message }), contentType: "application/json" };
    };
    routes.set(SERVICE_PATHS.fulcio, async (body: string) => {
      let req: {
        credentials?: { oidcIdentityToken?: string };
        publicKeyRequest?: { publicKey?: { content?: string }; proofOfPossession?: string };
      };
      try {
        req = JSON.parse(body) as typeof req;
      } catch {
        return refuse(400, "the request is not JSON");
      }
      const token = req.credentials?.oidcIdentityToken;
      if (!token) return refuse(400, "credentials.oidcIdentityToken is required");
      let claims: Record<string, unknown>;
      try {
        claims = await issuer.verify(token, "sigstore");
      } catch (err) {
        return refuse(401, `There was an error processing the identity token: ${(err as Error).message}`);
      }
      const key = req.publicKeyRequest?.publicKey?.content;
      const proof = req.publicKeyRequest?.proofOfPossession;
      if (!key || !proof) return refuse(400, "publicKeyRequest with publicKey and proofOfPossession is required");
      const possessed = (() => {
        try {
          return verify("sha256", Buffer.from(String(claims.sub)), createPublicKey(key), Buffer.from(proof, "base64"));
        } catch {
          return false;
        }
      })();
      if (!possessed) return refuse(400, "The signature supplied in the request could not be verified");
      if (typeof claims.job_workflow_ref !== "string") return refuse(400, "the token has no job_workflow_ref claim");
      const strings = Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, String(v)]));
      const forwarded = {
        ...req,
        credentials: { oidcIdentityToken: unsignedJwt({ ...strings, [SAN_CLAIM]: `https://github.com/${claims.job_workflow_ref}` }) },
      };
      const r = await mock(JSON.stringify(forwarded));
      fulcioAnswers.push({ status: r.statusCode });
      return r;
    });
  }

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
    fulcioAnswers,
    listener: (service) => (req, res) => answer(req, res, SERVICE_PATHS[service]),
    oidc: issuer,
    async close() {
      if (!opts.issuer) await issuer.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
