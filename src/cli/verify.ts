/** `kimigayo verify IMAGE[:tag|@digest]`: an image in a registry checked end to end (src/verify/verify.ts). */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { TrustMaterial } from "@sigstore/verify";
import { UsageError } from "../lib/errors.js";
import { mdCode, mdText } from "../lib/markdown.js";
import { networkReason } from "../oci/errors.js";
import { parseReference } from "../oci/reference.js";
import { RegistryClient } from "../oci/registry.js";
import { publicGoodTrust, readTrustedRoot, trustFromFile, type IdentityPolicy } from "../verify/signature.js";
import { verifyImage, type VerifyResult } from "../verify/verify.js";
import { commonOptions, outputFile, parseCommandLine, str } from "./args.js";
import type { Command, CommandContext, CommandOptions } from "./command.js";

const USAGE = `usage: kimigayo verify IMAGE[:tag|@digest] --repository OWNER/NAME [--workflow FILE] [--ref REF]
                       [--trusted-root FILE] [--issuer URL] [--markdown FILE] [--json]

Checks a published image end to end: every manifest and blob re-hashed, the SBOM referrer of each
platform present and listing exactly the layer's files, and a signed provenance attestation for each
platform manifest and the index, verified against the trust root and signed by the expected identity.
  --repository    the GitHub repository whose workflow must have signed (required)
  --workflow      the workflow file that must have signed, e.g. .github/workflows/release.yml
  --ref           the git ref it ran on, e.g. refs/tags/v2.1.0 (a trailing * matches a prefix: refs/tags/v*)
  --trusted-root  Sigstore trusted_root.json to verify against (default: Sigstore's public-good root, through TUF)
  --issuer        the OIDC issuer (default: GitHub Actions')
  --markdown      write the report as GitHub markdown to FILE
Exit 0 when everything holds, 1 naming each failure, 2 on bad input.`;

export interface VerifyOptions extends CommandOptions {
  image: string;
  identity: IdentityPolicy;
  trustedRoot?: string;
  markdown?: string;
}

export function parseVerifyOptions(argv: string[]): VerifyOptions {
  const { values: o, positionals } = parseCommandLine(
    "verify",
    argv,
    {
      repository: { type: "string" },
      workflow: { type: "string" },
      ref: { type: "string" },
      "trusted-root": { type: "string" },
      issuer: { type: "string" },
      markdown: { type: "string" },
    },
    USAGE,
    true,
  );
  if (positionals.length !== 1)
    throw new UsageError(`verify: expected one image reference (IMAGE[:tag|@digest]), got ${positionals.length}\n\n${USAGE}`);
  const image = positionals[0]!;
  try {
    parseReference(image);
  } catch (e) {
    throw new UsageError(`verify: ${(e as Error).message}`);
  }
  const repository = str(o.repository);
  if (!repository || !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
    throw new UsageError(
      `verify: --repository ${repository === undefined ? "is required" : `${JSON.stringify(repository)} is not OWNER/NAME`}: the GitHub repository whose workflow signed the attestations`,
    );
  const workflow = str(o.workflow);
  if (workflow !== undefined && !/^\.github\/workflows\/[^/]+\.ya?ml$/.test(workflow))
    throw new UsageError(`verify: --workflow ${JSON.stringify(workflow)} is not a workflow file like .github/workflows/release.yml`);
  const ref = str(o.ref);
  if (ref !== undefined && !/^refs\/(heads|tags|pull)\/\S+$/.test(ref))
    throw new UsageError(`verify: --ref ${JSON.stringify(ref)} is not a git ref like refs/tags/v2.1.0 or refs/tags/v*`);
  const issuer = str(o.issuer);
  if (issuer !== undefined && !/^https:\/\/\S+$/.test(issuer))
    throw new UsageError(`verify: --issuer ${JSON.stringify(issuer)} is not an https URL`);
  // Files are checked here, before the trust root or the registry is asked for anything.
  const trustedRoot = str(o["trusted-root"]);
  if (trustedRoot !== undefined) readTrustedRoot("--trusted-root", trustedRoot);
  const markdown = str(o.markdown);
  if (markdown !== undefined) outputFile("--markdown", markdown);
  return {
    ...commonOptions(o),
    image,
    identity: { repository, ...(workflow ? { workflow } : {}), ...(ref ? { ref } : {}), ...(issuer ? { issuer } : {}) },
    ...(trustedRoot ? { trustedRoot } : {}),
    ...(markdown ? { markdown } : {}),
  };
}

function formatVerify(r: VerifyResult): string {
  const lines = [`${r.reference} (${r.digest})`];
  for (const s of r.subjects) {
    const atts = s.attestations.map((a) => a.predicateType.replace(/^https:\/\//, "")).join(", ") || "none";
    const sbom = s.sbom ? `SBOM ${s.sbom.files} files` : "no SBOM";
    lines.push(
      `  ${s.target.padEnd(12)} ${s.digest.slice(0, 19)}…  ${s.target === "index" ? "" : `${s.blobs} blobs re-hashed, ${sbom}, `}attestations: ${atts}`,
    );
  }
  lines.push(r.passed ? "verified: every check holds" : `${r.failures.length} failure(s):`);
  for (const f of r.failures) lines.push(`  ✗ ${f}`);
  return lines.join("\n");
}

export function verifyMarkdown(r: VerifyResult): string {
  const out = [
    `### ${r.passed ? "✅" : "❌"} verify ${mdCode(r.reference)}`,
    "",
    "| subject | digest | blobs | SBOM | attestations |",
    "|---|---|---|---|---|",
  ];
  for (const s of r.subjects) {
    const atts = s.attestations.map((a) => mdText(a.predicateType)).join("<br>") || "none";
    out.push(`| ${mdText(s.target)} | ${mdCode(s.digest, true)} | ${s.blobs} | ${s.sbom ? `${s.sbom.files} files` : "—"} | ${atts} |`);
  }
  if (r.failures.length > 0) out.push("", "**Failures**", "", ...r.failures.map((f) => `- ${mdText(f)}`));
  return `${out.join("\n")}\n`;
}

async function verify(ctx: CommandContext, o: VerifyOptions): Promise<VerifyResult> {
  const ref = parseReference(o.image);
  let trust: TrustMaterial;
  if (o.trustedRoot) trust = await trustFromFile(resolve(ctx.cwd, o.trustedRoot));
  else {
    try {
      trust = await publicGoodTrust();
    } catch (err) {
      // An unreachable service is exit 1 (README, exit codes): the input may be right.
      throw new Error(
        `verify: cannot fetch Sigstore's public-good trust root through TUF (${networkReason(err) ?? (err as Error).message}); pass --trusted-root FILE (Sigstore's trusted_root.json) where it cannot be reached`,
        { cause: err },
      );
    }
  }
  const client = new RegistryClient(ref.registry, {
    log: ctx.log,
    ...(ctx.credentials.registry ? { explicit: ctx.credentials.registry } : {}),
  });
  const result = await verifyImage({
    client,
    repository: ref.repository,
    ref: ref.digest ?? ref.tag ?? "latest",
    trust,
    identity: o.identity,
  });
  ctx.log.info(formatVerify(result));
  if (o.markdown) {
    await writeFile(resolve(ctx.cwd, o.markdown), verifyMarkdown(result));
    ctx.log.info(`wrote the markdown to ${o.markdown}`);
  }
  return result;
}

export const verifyCommand: Command<VerifyOptions, VerifyResult> = {
  name: "verify",
  summary: "check a published image end to end: digests, SBOM referrers, signed provenance and its identity",
  usage: USAGE,
  parse: parseVerifyOptions,
  run: verify,
  json: (r) => r,
  action: (r) => ({ outputs: {}, summary: [verifyMarkdown(r)] }),
  failure: (r) => (r.passed ? undefined : `verify: ${r.failures.length} check(s) failed for ${r.reference}`),
};
