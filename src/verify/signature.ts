/**
 * Checks one signed attestation (a Sigstore bundle): the signature, certificate chain, Rekor entry
 * (public-good) or RFC 3161 timestamp (GitHub's instance) against a trust root (@sigstore/verify), then the signer's identity (the GitHub
 * workflow in the certificate) against what the caller expects, then the in-toto statement inside.
 * Each failure is returned as a sentence naming what did not match; nothing here throws for a bad
 * attestation.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier, type TrustMaterial } from "@sigstore/verify";
import { UsageError } from "../lib/errors.js";
import { issueLines, parseSaved, type SavedKind } from "../lib/saved.js";
import { PAYLOAD_TYPE, STATEMENT_TYPE, statementSchema, type Statement } from "../attest/statement.js";

const GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com";

export interface IdentityPolicy {
  /** "owner/name": the repository whose workflow signed. */
  repository?: string;
  /** The workflow file, e.g. ".github/workflows/release.yml". */
  workflow?: string;
  /** The git ref, e.g. "refs/tags/v2.1.0"; a trailing "*" matches any ref with that prefix. */
  ref?: string;
  /** The OIDC issuer; default GitHub Actions'. */
  issuer?: string;
}

export interface SignerIdentity {
  san: string;
  issuer?: string;
  repository?: string;
  workflow?: string;
  ref?: string;
}

export type SignatureCheck =
  { ok: true; statement: Statement; identity: SignerIdentity } | { ok: false; problem: string; identity?: SignerIdentity };

/**
 * The shape of Sigstore's trusted_root.json (dev.sigstore.trustroot.v1.TrustedRoot as JSON): the
 * fields verification needs, so that another JSON (a TUF root.json, an object of the wrong shape,
 * null) is refused as bad input instead of failing inside @sigstore/verify.
 */
const publicKey = z.looseObject({ rawBytes: z.string().min(1) });
const transparencyLog = z.looseObject({ hashAlgorithm: z.string().min(1), publicKey, logId: z.looseObject({ keyId: z.string().min(1) }) });
const authority = z.looseObject({
  certChain: z.looseObject({ certificates: z.array(z.looseObject({ rawBytes: z.string().min(1) })).min(1) }),
});
const trustedRootSchema = z.looseObject({
  mediaType: z.string().regex(/^application\/vnd\.dev\.sigstore\.trustedroot(\.v[\d.]+)?\+json(;version=[\d.]+)?$/, {
    error: "expected application/vnd.dev.sigstore.trustedroot+json;version=0.1 (or a later version)",
  }),
  tlogs: z.array(transparencyLog).min(1, { error: "expected at least one transparency log" }),
  certificateAuthorities: z.array(authority).min(1, { error: "expected at least one certificate authority" }),
  ctlogs: z.array(transparencyLog).optional(),
  timestampAuthorities: z.array(authority).optional(),
});

const TRUSTED_ROOT: SavedKind = {
  what: "Sigstore's trusted_root.json",
  remedy:
    "give the trusted_root.json of the Sigstore instance that signed (for a private instance, its trusted root; leave the flag out for Sigstore's public-good root)",
};

/**
 * A trusted_root.json's content, checked before any network work: JSON, then the shape above.
 * `name` is how the user gave it ("--trusted-root"); the message names it, the file and each bad field.
 */
export function readTrustedRoot(name: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : `cannot be read (${code ?? String(err)})`;
    throw new UsageError(`${name} ${JSON.stringify(file)}: ${why}; expected ${TRUSTED_ROOT.what}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${name} ${JSON.stringify(file)}: not JSON (${(err as Error).message}); expected ${TRUSTED_ROOT.what}`);
  }
  if (raw !== null && typeof raw === "object" && "signed" in raw && "signatures" in raw) {
    throw new UsageError(
      `${name} ${JSON.stringify(file)} is a TUF root.json (signed, signatures), not ${TRUSTED_ROOT.what}: ${TRUSTED_ROOT.remedy}`,
    );
  }
  try {
    return parseSaved(text, file, trustedRootSchema, TRUSTED_ROOT);
  } catch (err) {
    const m = (err as Error).message;
    throw new UsageError(`${name} ${JSON.stringify(file)} ${m.startsWith(`${file} `) ? m.slice(file.length + 1) : m}`);
  }
}

/** Trust material from a trusted_root.json file (Sigstore's format), checked as readTrustedRoot does. */
export function trustFromFile(file: string, name = "--trusted-root"): Promise<TrustMaterial> {
  return new Promise((resolveTrust) => {
    const json = readTrustedRoot(name, file);
    try {
      resolveTrust(trustFromRoot(json));
    } catch (err) {
      throw new UsageError(`${name} ${JSON.stringify(file)}: not a usable ${TRUSTED_ROOT.what} (${(err as Error).message})`);
    }
  });
}

/** Trust material from trusted_root.json's content. */
export function trustFromRoot(json: unknown): TrustMaterial {
  return toTrustMaterial(TrustedRoot.fromJSON(json));
}

/** Sigstore's public-good trust root, fetched and checked through TUF (needs the network). */
export async function publicGoodTrust(): Promise<TrustMaterial> {
  const { getTrustedRoot } = await import("@sigstore/tuf");
  return toTrustMaterial(await getTrustedRoot());
}

/** "https://github.com/OWNER/REPO/.github/workflows/F.yml@refs/tags/v1" -> its parts. */
export function parseWorkflowSan(san: string): Pick<SignerIdentity, "repository" | "workflow" | "ref"> {
  const m = /^https:\/\/[^/]+\/([^/]+\/[^/]+)\/(.+?)@(.+)$/.exec(san);
  return m ? { repository: m[1]!, workflow: m[2]!, ref: m[3]! } : {};
}

function identityProblems(id: SignerIdentity, policy: IdentityPolicy): string[] {
  const out: string[] = [];
  const issuer = policy.issuer ?? GITHUB_OIDC_ISSUER;
  if (id.issuer !== issuer) out.push(`issuer ${id.issuer ?? "(none)"}, expected ${issuer}`);
  if (policy.repository && id.repository?.toLowerCase() !== policy.repository.toLowerCase())
    out.push(`repository ${id.repository ?? "(none)"}, expected ${policy.repository}`);
  if (policy.workflow && id.workflow !== policy.workflow) out.push(`workflow ${id.workflow ?? "(none)"}, expected ${policy.workflow}`);
  if (policy.ref) {
    const ok = policy.ref.endsWith("*") ? id.ref?.startsWith(policy.ref.slice(0, -1)) : id.ref === policy.ref;
    if (!ok) out.push(`ref ${id.ref ?? "(none)"}, expected ${policy.ref}`);
  }
  return out;
}

export function checkBundle(bundleJson: unknown, trust: TrustMaterial, policy: IdentityPolicy): SignatureCheck {
  let bundle;
  try {
    bundle = bundleFromJSON(bundleJson);
  } catch (err) {
    return { ok: false, problem: `not a Sigstore bundle: ${(err as Error).message}` };
  }
  let identity: SignerIdentity | undefined;
  try {
    // Sigstore's public-good instance logs every signature in Rekor; GitHub's own instance (private
    // repositories' attestations) logs none and gives an RFC 3161 timestamp instead. A bundle
    // without a log entry therefore needs a timestamp from a timestamp authority of the trust root.
    const logged = bundle.verificationMaterial.tlogEntries.length > 0;
    const signer = new Verifier(trust, logged ? {} : { tlogThreshold: 0 }).verify(toSignedEntity(bundle));
    const san = signer.identity?.subjectAlternativeName ?? "";
    identity = {
      san,
      ...(signer.identity?.extensions?.issuer ? { issuer: signer.identity.extensions.issuer } : {}),
      ...parseWorkflowSan(san),
    };
  } catch (err) {
    return { ok: false, problem: `signature does not verify against the trust root: ${(err as Error).message}` };
  }
  const wrong = identityProblems(identity, policy);
  if (wrong.length > 0) return { ok: false, identity, problem: `signed by another identity (${identity.san}): ${wrong.join("; ")}` };
  if (bundle.content.$case !== "dsseEnvelope")
    return { ok: false, identity, problem: "the bundle holds no DSSE envelope (no in-toto statement)" };
  const env = bundle.content.dsseEnvelope;
  if (env.payloadType !== PAYLOAD_TYPE)
    return { ok: false, identity, problem: `payload type ${env.payloadType}, expected ${PAYLOAD_TYPE}` };
  let raw: unknown;
  try {
    raw = JSON.parse(env.payload.toString("utf8"));
  } catch {
    return { ok: false, identity, problem: "the signed payload is not JSON" };
  }
  const type = typeof raw === "object" && raw !== null && "_type" in raw ? raw._type : undefined;
  if (type !== STATEMENT_TYPE) return { ok: false, identity, problem: `statement type ${String(type)}, expected ${STATEMENT_TYPE}` };
  const statement = statementSchema.safeParse(raw);
  if (!statement.success)
    return {
      ok: false,
      identity,
      problem: `the signed statement is not an in-toto statement: ${issueLines(statement.error, raw).join("; ")}`,
    };
  return { ok: true, statement: statement.data, identity };
}
