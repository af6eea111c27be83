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

/**
 * GitHub stores no attestation for this repository at all (its owner's plan has no artifact
 * attestations for private repositories): trying the other statements would only sign them in vain.
 */
export class AttestationsUnavailable extends Error {}

/** What to do about GitHub's refusal to store attestations of a private repository. */
export const PRIVATE_ATTESTATIONS_HINT =
  "GitHub stores artifact attestations of private and internal repositories only on GitHub Enterprise Cloud (on Free, Pro and Team plans, of public repositories only): make the repository public, or release without attestations by leaving `id-token: write` out of the release job's permissions (the attest stage is then skipped, saying why)";

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
      if (typeof s.predicate !== "object" || s.predicate === null) throw new Error(`the ${s.predicateType} predicate is not an object`);
      const { attest } = await import("@actions/attest");
      try {
        const r = await attest({
          subjects: s.subject,
          predicateType: s.predicateType,
          predicate: s.predicate,
          token: opts.token,
          sigstore: opts.sigstore ?? "public-good",
        });
        return r.bundle;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // GitHub's 403 on create-attestation for a private repository its plan does not cover.
        if (/\bFeature not available\b/i.test(message)) throw new AttestationsUnavailable(`${message}; ${PRIVATE_ATTESTATIONS_HINT}`);
        throw err;
      }
    },
  };
}
