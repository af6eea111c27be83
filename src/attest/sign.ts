/**
 * Signing in-toto statements into Sigstore bundles (DSSE envelope, Fulcio certificate, Rekor
 * entry, RFC 3161 timestamp) behind one interface: @actions/attest with the runner's OIDC token
 * (needs `id-token: write`); it also stores the attestation with GitHub's attestation API (needs
 * `attestations: write`). Only on GitHub. The tests sign with test/support/sigstore.ts's signer.
 */
import type { SerializedBundle } from "@sigstore/bundle";
import { UsageError } from "../lib/errors.js";
import type { Statement } from "./statement.js";

export interface StatementSigner {
  /** Who signs, for logs ("GitHub Actions OIDC via @actions/attest", "Sigstore at URL"). */
  describe: string;
  sign(statement: Statement): Promise<SerializedBundle>;
}

/** Whether this process can sign through GitHub Actions' OIDC (the job has `id-token: write`). */
export function githubSigningAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
}

/**
 * @actions/attest: signs with the runner's OIDC identity (public-good Sigstore for public
 * repositories, GitHub's for private ones) and stores the attestation with GitHub's API.
 */
export function githubSigner(opts: { token: string; sigstore?: "public-good" | "github"; env?: NodeJS.ProcessEnv }): StatementSigner {
  const env = opts.env ?? process.env;
  if (!githubSigningAvailable(env)) {
    throw new UsageError(
      "attestations on GitHub need the job's OIDC token: give the job `permissions: id-token: write` (and `attestations: write`)",
    );
  }
  if (!opts.token) throw new UsageError("attestations on GitHub need a token (github-token) to store them with GitHub's attestation API");
  return {
    describe: `GitHub Actions OIDC via @actions/attest (${opts.sigstore ?? "public-good"} Sigstore)`,
    async sign(s) {
      const { attest } = await import("@actions/attest");
      const r = await attest({
        subjects: s.subject,
        predicateType: s.predicateType,
        predicate: s.predicate as object,
        token: opts.token,
        sigstore: opts.sigstore ?? "public-good",
      });
      return r.bundle;
    },
  };
}
