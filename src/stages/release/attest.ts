/**
 * attest: signed provenance (SLSA v1) for every platform manifest and index, and the SBOM as a
 * signed statement for every platform manifest, attached as OCI referrers before any tag moves
 * (src/attest/attest.ts). Signed on GitHub through @actions/attest with the job's OIDC identity,
 * which also stores each attestation with GitHub's attestation API; elsewhere skipped, saying why.
 * A referrer that cannot be attached fails the stage, naming it.
 */
import { attestImages } from "../../attest/attest.js";
import { githubSigner, githubSigningAvailable } from "../../attest/sign.js";
import { CheckFailure } from "../../lib/errors.js";
import { RegistryClient } from "../../oci/registry.js";
import { readGitHubEvent } from "../../results/github-event.js";
import { need } from "../build/context.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";

export const attest: Stage<ReleaseContext> = {
  name: "attest",
  skip(ctx) {
    if (ctx.release.dryRun) return "a dry run signs nothing";
    if (!githubSigningAvailable(ctx.env))
      return "no OIDC identity to sign with: attestations are signed on GitHub by a job with `permissions: id-token: write` and `attestations: write`";
    if (!ctx.release.githubToken) return "no GitHub token to store the attestations with GitHub's attestation API";
    return false;
  },
  async run(ctx) {
    const req = ctx.release;
    const images = need(ctx.untagged ?? ctx.published, "the pushed images", "attest");
    const event = await readGitHubEvent(ctx.env.GITHUB_EVENT_PATH).catch(() => undefined);
    const isPrivate = (event?.repository as { private?: unknown } | undefined)?.private === true;
    const signer = githubSigner({ token: req.githubToken ?? "", sigstore: isPrivate ? "github" : "public-good", env: ctx.env });
    ctx.log.info(`signing with ${signer.describe}`);
    const { client, repository } = RegistryClient.forReference(req.image, { ...req.registry, log: ctx.log });
    const r = await attestImages({
      client,
      repository,
      image: req.image,
      variants: images.variants,
      build: need(ctx.build, "the build", "attest"),
      config: ctx.config,
      signer,
      log: ctx.log,
      repoDir: ctx.repoDir,
      env: ctx.env,
    });
    ctx.log.info(`${r.attestations.length - r.failed.length} of ${r.attestations.length} attestation(s) attached`);
    if (r.stopped !== undefined) {
      throw new CheckFailure(
        `GitHub stores no attestation of ${ctx.env.GITHUB_REPOSITORY ?? "this repository"}${isPrivate ? " (a private repository)" : ""}: the release stops here, before any tag moves (${r.attestations.length - r.failed.length} attached before GitHub refused); ${r.stopped}`,
      );
    }
    if (r.failed.length > 0) {
      throw new CheckFailure(
        `${r.failed.length} attestation(s) not attached:\n${r.failed.map((f) => `  ${f.variant} ${f.target} ${f.predicateType}: ${f.error}`).join("\n")}`,
      );
    }
  },
};
