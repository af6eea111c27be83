/**
 * in-toto Statements (v1) about an image: SLSA v1 provenance (how it was built, from what) and
 * the SPDX SBOM (what is in it). One statement per subject: each platform manifest and each index.
 * Everything here is plain data from the build's saved results and the config's files; nothing
 * reads the clock, so the same build gives the same statements.
 */
import { readFile } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import type { Config } from "../config/schema.js";
import { readServices } from "../config/services.js";
import { sha256 } from "../lib/hash.js";
import { z } from "zod";
import { digestHex, isDigest } from "../oci/digest.js";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1";
export const SPDX_PREDICATE = "https://spdx.dev/Document/v2.3";
export const PAYLOAD_TYPE = "application/vnd.in-toto+json";
/** This project's build type: what externalParameters and internalParameters mean. */
export const BUILD_TYPE = "https://github.com/kimigayo/build-action/provenance/v1";

export interface Subject {
  name: string;
  digest: { sha256: string };
}

export interface Statement<P = unknown> {
  _type: typeof STATEMENT_TYPE;
  subject: Subject[];
  predicateType: string;
  predicate: P;
}

export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The inputs a rebuild needs, in externalParameters. */
export interface KimigayoParameters {
  /** The config file, relative to the repository (or absolute when outside it). */
  config: string;
  variant: string;
  /** Absent for an index (every platform of the variant). */
  platform?: string;
  platforms: string[];
  version: string;
  sourceDateEpoch: number;
  engine: string;
  /** "owner/name" on GitHub, else absent. */
  repository?: string;
  /** The workflow file and the git ref that ran it, on GitHub. */
  workflow?: string;
  ref?: string;
  revision?: string;
}

export interface ProvenancePredicate {
  buildDefinition: {
    buildType: typeof BUILD_TYPE;
    externalParameters: KimigayoParameters;
    internalParameters: {
      busybox: { version: string; sha256: string; patches: string[] };
      /** The compilers (musl wrappers) and how they were identified. */
      toolchain: Record<string, string>;
      /** The BusyBox build cache's key (tarball + patch set + config), when known. */
      cacheKey?: string;
    };
    resolvedDependencies: ResourceDescriptor[];
  };
  runDetails: {
    builder: { id: string; version: Record<string, string> };
    metadata: { invocationId?: string; startedOn?: string };
  };
}

/** A statement read back (a bundle's signed payload, a referrer's): the fields a check reads, each checked. */
export const statementSchema = z.looseObject({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(z.looseObject({ name: z.string(), digest: z.looseObject({ sha256: z.string() }) })),
  predicateType: z.string(),
  predicate: z.unknown(),
});

const strings = z.record(z.string(), z.string());

/** Our SLSA provenance predicate, read back for a rebuild (what `provenance` writes). */
export const provenancePredicateSchema = z.looseObject({
  buildDefinition: z.looseObject({
    buildType: z.literal(BUILD_TYPE),
    externalParameters: z.looseObject({
      config: z.string(),
      variant: z.string(),
      platform: z.string().optional(),
      platforms: z.array(z.string()),
      version: z.string(),
      sourceDateEpoch: z.number().int().nonnegative(),
      engine: z.string(),
      repository: z.string().optional(),
      workflow: z.string().optional(),
      ref: z.string().optional(),
      revision: z.string().optional(),
    }),
    internalParameters: z.looseObject({
      busybox: z.looseObject({ version: z.string(), sha256: z.string(), patches: z.array(z.string()) }),
      toolchain: strings,
      cacheKey: z.string().optional(),
    }),
    resolvedDependencies: z.array(
      z.looseObject({ uri: z.string().optional(), name: z.string().optional(), digest: strings, annotations: strings.optional() }),
    ),
  }),
  runDetails: z.looseObject({
    builder: z.looseObject({ id: z.string(), version: strings }),
    metadata: z.looseObject({ invocationId: z.string().optional(), startedOn: z.string().optional() }),
  }),
}) satisfies z.ZodType<ProvenancePredicate>;

export function subjectOf(name: string, digest: string): Subject {
  if (!isDigest(digest)) throw new Error(`attestation subject ${name}: ${JSON.stringify(digest)} is not a sha256 digest`);
  return { name, digest: { sha256: digestHex(digest) } };
}

export function statement<P>(subject: Subject[], predicateType: string, predicate: P): Statement<P> {
  if (subject.length === 0) throw new Error("an in-toto statement needs at least one subject");
  return { _type: STATEMENT_TYPE, subject, predicateType, predicate };
}

/**
 * The files a build reads from its config: the config and its bases, the BusyBox patches and
 * signing key, each variant's fragment and services lists (with their includes), and every file
 * copied into an image. Only those: a config at a repository's root must not pull in the rest of
 * the repository (its .git, its build outputs).
 */
export async function configInputs(cfg: Config, repoDir: string): Promise<ResourceDescriptor[]> {
  const files = new Set<string>([cfg.file, ...(cfg.bases ?? []), ...cfg.busybox.patches]);
  if (cfg.busybox.signature) files.add(cfg.busybox.signature.key);
  for (const f of cfg.files) files.add(f.src);
  for (const v of cfg.variants) {
    files.add(v.busyboxConfig);
    for (const o of v.fragment?.origins ?? []) files.add(o.file);
    for (const s of await readServices(v.services)) files.add(s.file);
    files.add(v.services);
    for (const f of v.files ?? []) files.add(f.src);
  }
  const out: ResourceDescriptor[] = [];
  for (const f of [...files].sort()) {
    const data = await readFile(f).catch(() => undefined);
    if (data === undefined) continue;
    out.push({ uri: `file:${repoPath(f, repoDir)}`, digest: { sha256: sha256(data) } });
  }
  return out;
}

/** A path relative to the repository when inside it ("configs/kimigayo.yml"), else absolute. */
export function repoPath(file: string, repoDir: string): string {
  const rel = relative(repoDir, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel.split("\\").join("/");
}

export interface ProvenanceInput {
  parameters: KimigayoParameters;
  busybox: { version: string; sha256: string; url?: string; patches: ResourceDescriptor[] };
  configFiles: ResourceDescriptor[];
  toolchain: Record<string, string>;
  cacheKey?: string;
  builder: { id: string; version: string };
  invocationId?: string;
  startedOn?: string;
}

export function provenancePredicate(i: ProvenanceInput): ProvenancePredicate {
  const source: ResourceDescriptor = {
    name: `busybox-${i.busybox.version}.tar.bz2`,
    ...(i.busybox.url ? { uri: i.busybox.url } : {}),
    digest: { sha256: i.busybox.sha256 },
  };
  return {
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: i.parameters,
      internalParameters: {
        busybox: { version: i.busybox.version, sha256: i.busybox.sha256, patches: i.busybox.patches.map((p) => p.uri ?? p.name ?? "") },
        toolchain: i.toolchain,
        ...(i.cacheKey ? { cacheKey: i.cacheKey } : {}),
      },
      resolvedDependencies: [source, ...i.busybox.patches, ...i.configFiles],
    },
    runDetails: {
      builder: { id: i.builder.id, version: { "kimigayo-build-action": i.builder.version } },
      metadata: { ...(i.invocationId ? { invocationId: i.invocationId } : {}), ...(i.startedOn ? { startedOn: i.startedOn } : {}) },
    },
  };
}

/**
 * The builder's identity: on GitHub the workflow that ran (https://github.com/OWNER/REPO/
 * .github/workflows/FILE@REF, as Fulcio certifies it), elsewhere this tool on this host.
 */
export function builderId(env: NodeJS.ProcessEnv): string {
  const server = env.GITHUB_SERVER_URL ?? "https://github.com";
  const wf = env.GITHUB_WORKFLOW_REF;
  if (wf) return `${server}/${wf}`;
  return "https://github.com/kimigayo/build-action/local";
}

/** Repository, workflow file, ref and revision from GitHub's environment (absent off GitHub). */
export function githubParameters(env: NodeJS.ProcessEnv): Pick<KimigayoParameters, "repository" | "workflow" | "ref" | "revision"> {
  const wf = env.GITHUB_WORKFLOW_REF; // owner/repo/.github/workflows/release.yml@refs/tags/v2.1.0
  const m = wf ? /^[^/]+\/[^/]+\/(.+)@(.+)$/.exec(wf) : null;
  return {
    ...(env.GITHUB_REPOSITORY ? { repository: env.GITHUB_REPOSITORY } : {}),
    ...(m ? { workflow: m[1]! } : {}),
    ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : m ? { ref: m[2]! } : {}),
    ...(env.GITHUB_SHA ? { revision: env.GITHUB_SHA } : {}),
  };
}
