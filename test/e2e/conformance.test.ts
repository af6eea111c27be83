/**
 * Conformance, checked against the specifications' own text (test/fixtures/spec, through
 * test/support/spec.ts) rather than against what the code meant to write:
 *
 * - every file a build writes: each is claimed by a rule (an OCI image layout, a layer tar, an
 *   SPDX document, build.json), so a file added later fails here until a rule covers it; every
 *   blob of a layout is validated by the media type its descriptor gives, through the image-spec
 *   schemas, and every annotations map by the image-spec's annotation rules;
 * - org.opencontainers.image.source in real clones whose remote is a local path, an scp-style
 *   remote and an https://user:token@ URL: absent, then the https URL twice, and the token in no
 *   byte of the output (nor of anything the registry returns);
 * - every manifest and blob the real registry returns after a push (tags, the indexes, platform
 *   manifests, configs, layers, the SBOM referrers and their fallback indexes), validated the same
 *   way, every SBOM against the layer the registry holds; and the org.opencontainers.image.* keys
 *   read back from the raw index and manifests at both levels.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { run } from "../../src/lib/exec.js";
import { readTar } from "../../src/lib/tar.js";
import { digestOf } from "../../src/oci/digest.js";
import type { PublishResult } from "../../src/publish/publish.js";
import { buildResultSchema, type BuildResult } from "../../src/results/build.js";
import { needs } from "../support/prerequisites.js";
import {
  allAnnotationViolations,
  annotationViolations,
  OCI_LAYOUT_HEADER,
  ociSchemaViolations,
  PREDEFINED_KEYS,
  spdxViolations,
} from "../support/spec.js";
import { cli, cliAsync, E2E_DIR, ROOT } from "./fixture.js";

const need = await needs("registry", "musl-amd64", "cross-arm64");

const REGISTRY = "127.0.0.1:5000";
const MT = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  layerTar: "application/vnd.oci.image.layer.v1.tar",
  empty: "application/vnd.oci.empty.v1+json",
  spdx: "application/spdx+json",
  inToto: "application/vnd.in-toto+json",
};
const NO_GITHUB = { GITHUB_SERVER_URL: undefined, GITHUB_REPOSITORY: undefined, GITHUB_SHA: undefined, GITHUB_ACTIONS: undefined };

// ---------------------------------------------------------------------------
// Content, whatever its source (a layout's blobs or a registry's), checked by media type
// ---------------------------------------------------------------------------

interface Store {
  /** A blob or manifest's bytes by digest (the caller checks digest and size). */
  get(digest: string, mediaType: string): Promise<Buffer>;
  name: string;
}

interface Walk {
  violations: string[];
  /** Every blob and manifest reached, by digest, with its media type and bytes. */
  seen: Map<string, { mediaType: string; bytes: Buffer }>;
  /** Each image manifest's layer contents (uncompressed tars), by manifest digest. */
  layersOf: Map<string, Buffer[]>;
  /** SPDX documents with the digest of the manifest they describe (their referrer's subject). */
  sboms: { where: string; doc: unknown; subject?: string }[];
}

function newWalk(): Walk {
  return { violations: [], seen: new Map(), layersOf: new Map(), sboms: [] };
}

const parse = (bytes: Buffer, where: string, w: Walk): unknown => {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    w.violations.push(`${where}: not JSON (${(err as Error).message})`);
    return undefined;
  }
};

/** Follows a descriptor: its bytes match its digest and size, its content conforms to its media type; children followed. */
async function follow(
  store: Store,
  d: { mediaType: string; digest: string; size: number },
  where: string,
  w: Walk,
  context: { subject?: string } = {},
): Promise<void> {
  if (w.seen.has(d.digest)) return;
  const at = `${store.name} ${where} ${d.digest}`;
  let bytes: Buffer;
  try {
    bytes = await store.get(d.digest, d.mediaType);
  } catch (err) {
    w.violations.push(`${at}: cannot be read: ${(err as Error).message}`);
    return;
  }
  w.seen.set(d.digest, { mediaType: d.mediaType, bytes });
  if (digestOf(bytes) !== d.digest) w.violations.push(`${at}: its bytes hash to ${digestOf(bytes)}`);
  if (bytes.length !== d.size) w.violations.push(`${at}: ${bytes.length} bytes, its descriptor says ${d.size}`);

  switch (d.mediaType) {
    case MT.index: {
      const doc = parse(bytes, at, w) as { mediaType?: string; manifests?: { mediaType: string; digest: string; size: number }[] };
      if (!doc) return;
      w.violations.push(...ociSchemaViolations(MT.index, doc, at)!, ...allAnnotationViolations(doc, at));
      // image-index.md: "the mediaType of this image index" when used MUST be the descriptor's.
      if (doc.mediaType !== undefined && doc.mediaType !== d.mediaType)
        w.violations.push(`${at}: mediaType ${doc.mediaType} in a ${d.mediaType}`);
      for (const m of doc.manifests ?? []) await follow(store, m, `${where} > manifest`, w);
      return;
    }
    case MT.manifest: {
      const doc = parse(bytes, at, w) as {
        mediaType?: string;
        artifactType?: string;
        config: { mediaType: string; digest: string; size: number };
        layers: { mediaType: string; digest: string; size: number }[];
        subject?: { mediaType: string; digest: string; size: number };
      };
      if (!doc) return;
      w.violations.push(...ociSchemaViolations(MT.manifest, doc, at)!, ...allAnnotationViolations(doc, at));
      if (doc.mediaType !== undefined && doc.mediaType !== d.mediaType)
        w.violations.push(`${at}: mediaType ${doc.mediaType} in a ${d.mediaType}`);
      // manifest.md: when config is the empty descriptor, artifactType MUST be set.
      if (doc.config?.mediaType === MT.empty && !doc.artifactType) w.violations.push(`${at}: the empty config without artifactType`);
      await follow(store, doc.config, `${where} > config`, w);
      const tars: Buffer[] = [];
      for (const l of doc.layers ?? []) {
        await follow(store, l, `${where} > layer`, w, doc.subject ? { subject: doc.subject.digest } : {});
        const b = w.seen.get(l.digest)?.bytes;
        if (b && l.mediaType === MT.layerGzip) tars.push(gunzipSync(b));
        if (b && l.mediaType === MT.layerTar) tars.push(b);
      }
      w.layersOf.set(d.digest, tars);
      if (doc.subject) await follow(store, doc.subject, `${where} > subject`, w);
      return;
    }
    case MT.config: {
      const doc = parse(bytes, at, w) as { config?: { Labels?: Record<string, string> }; rootfs?: { diff_ids?: string[] } };
      if (!doc) return;
      w.violations.push(...ociSchemaViolations(MT.config, doc, at)!);
      // The Labels carry the same keys as the annotations: the same rules, and no ref.name.
      w.violations.push(...annotationViolations(doc.config?.Labels, `${at} config.Labels`));
      return;
    }
    case MT.empty:
      // manifest.md, "Guidance for an Empty Descriptor": the content is {} (2 bytes).
      if (bytes.toString() !== "{}") w.violations.push(`${at}: the empty blob is ${JSON.stringify(bytes.toString())}, not {}`);
      return;
    case MT.layerGzip:
      try {
        readTar(gunzipSync(bytes));
      } catch (err) {
        w.violations.push(`${at}: not a gzip-compressed tar (${(err as Error).message})`);
      }
      return;
    case MT.layerTar:
      try {
        readTar(bytes);
      } catch (err) {
        w.violations.push(`${at}: not a tar (${(err as Error).message})`);
      }
      return;
    case MT.spdx: {
      const doc = parse(bytes, at, w);
      if (doc) w.sboms.push({ where: at, doc, ...(context.subject ? { subject: context.subject } : {}) });
      return;
    }
    case MT.inToto: {
      // in-toto Statement v1: _type, a non-empty subject list with digests, a predicateType URI.
      const doc = parse(bytes, at, w) as { _type?: string; subject?: { digest?: Record<string, string> }[]; predicateType?: string };
      if (!doc) return;
      if (doc._type !== "https://in-toto.io/Statement/v1") w.violations.push(`${at}: _type ${doc._type}`);
      if (!doc.subject?.length || doc.subject.some((s) => !s.digest || Object.keys(s.digest).length === 0))
        w.violations.push(`${at}: subject`);
      if (!doc.predicateType || !/^[a-z][a-z0-9+.-]*:/.test(doc.predicateType))
        w.violations.push(`${at}: predicateType ${doc.predicateType}`);
      return;
    }
    default:
      if (d.mediaType.startsWith("application/vnd.dev.sigstore.bundle")) {
        const doc = parse(bytes, at, w) as { mediaType?: string };
        if (doc && !doc.mediaType?.startsWith("application/vnd.dev.sigstore.bundle")) w.violations.push(`${at}: not a Sigstore bundle`);
        return;
      }
      w.violations.push(`${at}: media type ${d.mediaType} has no conformance rule here; add one to test/e2e/conformance.test.ts`);
  }
}

/** Each SBOM against the layer of the manifest it describes: schema, prose rules and every checksum recomputed. */
function checkSboms(w: Walk, sbomFiles?: Map<string, Buffer>): number {
  let n = 0;
  for (const s of w.sboms) {
    const tars = s.subject ? w.layersOf.get(s.subject) : undefined;
    if (!tars) {
      w.violations.push(`${s.where}: its subject ${s.subject ?? "(none)"} was not reached`);
      continue;
    }
    w.violations.push(...spdxViolations(s.doc, s.where, filesOf(tars)));
    n++;
  }
  for (const [where, doc] of sbomFiles ?? []) w.violations.push(...spdxViolations(JSON.parse(doc.toString()), where));
  return n;
}

/** A layer's regular files by SPDX fileName ("./bin/busybox"). */
function filesOf(tars: Buffer[]): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const tar of tars) for (const e of readTar(tar)) if (e.type === "file") files.set(`./${e.path}`, e.data);
  return files;
}

// ---------------------------------------------------------------------------
// The output folder of a build
// ---------------------------------------------------------------------------

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Walks a build's output folder: every file must be claimed by a rule, and conform to it. */
async function checkOutDir(out: string): Promise<{ walk: Walk; claimed: Map<string, string>; build: BuildResult }> {
  const w = newWalk();
  const claimed = new Map<string, string>();
  const build = buildResultSchema.parse(JSON.parse(readFileSync(join(out, "build.json"), "utf8")));
  claimed.set(join(out, "build.json"), "build.json (src/results/build.ts)");

  for (const l of build.layouts ?? []) {
    const dir = l.layout;
    const header = JSON.parse(readFileSync(join(dir, "oci-layout"), "utf8"));
    w.violations.push(...ociSchemaViolations(OCI_LAYOUT_HEADER, header, `${dir}/oci-layout`)!);
    claimed.set(join(dir, "oci-layout"), "OCI image layout header");
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as {
      manifests: { mediaType: string; digest: string; size: number }[];
    };
    w.violations.push(...ociSchemaViolations(MT.index, index, `${dir}/index.json`)!);
    w.violations.push(...allAnnotationViolations(index, `${dir}/index.json`, { layoutIndexJson: true }));
    claimed.set(join(dir, "index.json"), "OCI image layout index.json");
    const store: Store = {
      name: `layout ${relative(out, dir)}`,
      get: async (digest) => readFileSync(join(dir, "blobs", ...digest.split(":"))),
    };
    for (const m of index.manifests) await follow(store, m, "index.json", w);
    // image-layout.md: blobs/<alg>/<encoded>, and the blob's content MUST match its digest.
    for (const f of filesUnder(join(dir, "blobs"))) {
      const [alg, encoded] = relative(join(dir, "blobs"), f).split("/");
      const digest = `${alg}:${encoded}`;
      if (w.seen.has(digest)) claimed.set(f, "OCI blob");
      if (digestOf(readFileSync(f)) !== digest) w.violations.push(`${f}: content does not match its digest`);
    }
  }
  const sbomFiles = new Map<string, Buffer>();
  for (const i of build.images) {
    claimed.set(i.rootfs.tar, "layer tar (the uncompressed layer of an image manifest)");
    const tar = readFileSync(i.rootfs.tar);
    readTar(tar);
    if (i.sbom) {
      claimed.set(i.sbom, "SPDX 2.3 document");
      const doc = JSON.parse(readFileSync(i.sbom, "utf8"));
      w.violations.push(...spdxViolations(doc, i.sbom, filesOf([tar])));
      sbomFiles.set(i.sbom, readFileSync(i.sbom));
      // The layout's layer for this platform is this tar (layer.md: the diff_id is its digest).
      const layout = build.layouts?.find((l) => l.variant === i.variant);
      const m = layout?.manifests.find((x) => x.platform === i.platform);
      if (layout && !m?.layers.some((x) => x.diffId === digestOf(tar)))
        w.violations.push(`${i.rootfs.tar}: no layer of its image has it as diff_id`);
    }
  }
  for (const f of filesUnder(out)) if (!claimed.has(f)) w.violations.push(`${f}: the build wrote it, but no conformance rule claims it`);
  return { walk: w, claimed, build };
}

// ---------------------------------------------------------------------------
// The registry, read raw
// ---------------------------------------------------------------------------

const ACCEPT = [
  MT.index,
  MT.manifest,
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

async function registryGet(path: string, accept?: string): Promise<{ status: number; bytes: Buffer; type: string | null }> {
  const res = await fetch(`http://${REGISTRY}/v2/${path}`, accept ? { headers: { Accept: accept } } : {});
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") };
}

function registryStore(repo: string): Store {
  return {
    name: `registry ${repo}`,
    get: async (digest, mediaType) => {
      const manifest = mediaType === MT.index || mediaType === MT.manifest;
      const r = await registryGet(`${repo}/${manifest ? "manifests" : "blobs"}/${digest}`, manifest ? ACCEPT : undefined);
      if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
      if (manifest && r.type !== mediaType) throw new Error(`served as ${r.type}, its descriptor says ${mediaType}`);
      return r.bytes;
    },
  };
}

/** Every tag of `repo`, each manifest behind it followed; and the referrers API where the registry has one. */
async function checkRegistry(repo: string): Promise<{ walk: Walk; tags: string[] }> {
  const w = newWalk();
  const list = await registryGet(`${repo}/tags/list`);
  assert.equal(list.status, 200, list.bytes.toString());
  const tags = ((JSON.parse(list.bytes.toString()) as { tags: string[] }).tags ?? []).sort();
  const store = registryStore(repo);
  for (const tag of tags) {
    const r = await registryGet(`${repo}/manifests/${tag}`, ACCEPT);
    if (r.status !== 200 || !r.type) {
      w.violations.push(`${repo}:${tag}: HTTP ${r.status}`);
      continue;
    }
    await follow(store, { mediaType: r.type, digest: digestOf(r.bytes), size: r.bytes.length }, `tag ${tag}`, w);
  }
  for (const [digest, { mediaType }] of [...w.seen]) {
    if (mediaType !== MT.manifest && mediaType !== MT.index) continue;
    const r = await registryGet(`${repo}/referrers/${digest}`, MT.index);
    if (r.status === 404) continue; // no referrers API (distribution 2.8): the fallback tags above hold them
    if (r.status !== 200) w.violations.push(`${repo} referrers of ${digest}: HTTP ${r.status}`);
    else {
      const index = JSON.parse(r.bytes.toString()) as { manifests: { mediaType: string; digest: string; size: number }[] };
      w.violations.push(
        ...ociSchemaViolations(MT.index, index, `referrers of ${digest}`)!,
        ...allAnnotationViolations(index, `referrers of ${digest}`),
      );
      for (const m of index.manifests) await follow(store, m, `referrers of ${digest}`, w);
    }
  }
  return { walk: w, tags };
}

// ---------------------------------------------------------------------------
// Clones
// ---------------------------------------------------------------------------

async function git(cwd: string, ...args: string[]): Promise<string> {
  const r = await run("git", args, { cwd });
  assert.equal(r.code, 0, `git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/** Every byte under `dir`, gzip members uncompressed as well, searched for `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const f of filesUnder(dir)) {
    const bytes = readFileSync(f);
    if (bytes.includes(needle)) hits.push(f);
    else if (bytes[0] === 0x1f && bytes[1] === 0x8b && gunzipSync(bytes).includes(needle)) hits.push(`${f} (uncompressed)`);
  }
  return hits;
}

const TOKEN = `ghp_${randomBytes(18).toString("hex")}`;
const SOURCE_KEY = "org.opencontainers.image.source";

describe("conformance: every file a build writes", { skip: need.skip }, () => {
  let out: string;
  let build: BuildResult;
  before(() => {
    need.check();
    // Its own output folder: the shared one also holds what other commands wrote (bench, size-check).
    out = join(E2E_DIR, "conformance-out");
    const r = cli(["build", "--variant", "all", "--platform", "linux/amd64,linux/arm64", "--out", out, "--json"]);
    assert.equal(r.code, 0, r.stderr.slice(-4000));
    build = JSON.parse(r.stdout) as BuildResult;
  });

  it("is claimed by a rule and conforms: layouts (schemas, digests, annotations), layer tars, SPDX documents, build.json", async () => {
    const { walk, claimed, build } = await checkOutDir(out);
    assert.deepEqual(walk.violations, []);
    assert.equal(build.images.length, 6);
    assert.equal(build.layouts?.length, 3);
    const kinds = new Set(claimed.values());
    for (const k of ["OCI image layout header", "OCI image layout index.json", "OCI blob", "SPDX 2.3 document"]) assert.ok(kinds.has(k), k);
    const types = [...walk.seen.values()].map((s) => s.mediaType);
    for (const t of [MT.index, MT.manifest, MT.config, MT.layerGzip]) assert.ok(types.includes(t), `reached a ${t}`);
  });

  it("puts ref.name only on the descriptors of a layout's index.json", async () => {
    for (const l of build.layouts ?? []) {
      const index = JSON.parse(readFileSync(join(l.layout, "index.json"), "utf8")) as {
        manifests: { annotations?: Record<string, string> }[];
      };
      assert.equal(index.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"], "2.1.0");
      for (const f of filesUnder(join(l.layout, "blobs"))) {
        const text = readFileSync(f)
          .subarray(0, 1 << 20)
          .toString("latin1");
        assert.ok(!text.includes("org.opencontainers.image.ref.name"), `${f} names ref.name`);
      }
    }
  });

  it("fails a planted fault: the walk is not blind", async () => {
    const w = newWalk();
    const bad = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MT.index,
        manifests: [],
        annotations: { "org.opencontainers.image.ref.name": "x y", "org.opencontainers.image.source": "git@host:o/r" },
      }),
    );
    await follow(
      { name: "planted", get: async () => bad },
      { mediaType: MT.index, digest: digestOf(bad), size: bad.length + 1 },
      "index",
      w,
    );
    const text = w.violations.join("\n");
    assert.match(text, /bytes, its descriptor says/);
    assert.match(text, /ref\.name SHOULD only be considered valid/);
    assert.match(text, /does not match the ref grammar/);
    assert.match(text, /image\.source: "git@host:o\/r" is not a URL/);
    const unknown = Buffer.from("x");
    await follow(
      { name: "planted", get: async () => unknown },
      { mediaType: "application/x-new", digest: digestOf(unknown), size: 1 },
      "blob",
      w,
    );
    assert.match(w.violations.join("\n"), /application\/x-new has no conformance rule here/);
  });
});

describe("conformance: org.opencontainers.image.source in clones, and what the registry returns", { skip: need.skip }, () => {
  const work = mkdtempSync(join(E2E_DIR, "clones-"));
  const upstream = join(work, "upstream");
  const run_ = `conformance-${process.pid}-${Date.now().toString(36)}`;
  let cfg: Config;
  const builds = new Map<string, { out: string; head: string; result: BuildResult }>();

  async function cloneAndBuild(name: string, remote: string | undefined, platforms: string, env: NodeJS.ProcessEnv = {}) {
    const dir = join(work, name);
    await git(work, "clone", "-q", upstream, dir);
    if (remote) await git(dir, "remote", "set-url", "origin", remote);
    const out = join(work, `${name}-out`);
    const r = await cliAsync(
      ["build", "--variant", "minimal", "--platform", platforms, "--out", out, "--json"],
      { ...NO_GITHUB, ...env },
      dir,
    );
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    builds.set(name, { out, head: await git(dir, "rev-parse", "HEAD"), result: JSON.parse(r.stdout) as BuildResult });
  }

  /** The annotations of the index and each manifest, and the Labels of each config, of a build's minimal layout. */
  function imageKeys(name: string): {
    index: Record<string, string>;
    manifests: Record<string, string>[];
    labels: Record<string, string>[];
  } {
    const b = builds.get(name)!;
    const l = b.result.layouts!.find((x) => x.variant === "minimal")!;
    const blob = (d: string) => JSON.parse(readFileSync(join(l.layout, "blobs", ...d.split(":")), "utf8"));
    const manifests = l.manifests.map((m) => blob(m.digest));
    return {
      index: blob(l.index.digest).annotations,
      manifests: manifests.map((m) => m.annotations),
      labels: manifests.map((m) => blob(m.config.digest).config.Labels),
    };
  }

  before(async () => {
    need.check();
    cfg = await loadConfig(join(ROOT, "configs/kimigayo.yml"));
    mkdirSync(upstream);
    await git(upstream, "init", "-q", "-b", "main");
    writeFileSync(join(upstream, "README.md"), "a downstream repository\n");
    await git(upstream, "add", "README.md");
    await git(upstream, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "init");
    await cloneAndBuild("local-path", undefined, "linux/amd64");
    await cloneAndBuild("scp", "git@host.example:owner/repo.git", "linux/amd64");
    await cloneAndBuild("token", `https://user:${TOKEN}@host.example/owner/repo.git`, "linux/amd64");
    await cloneAndBuild("github", `https://user:${TOKEN}@host.example/owner/repo.git`, "linux/amd64", {
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_REPOSITORY: "kimigayo/downstream",
    });
  });

  it("a clone of a local path: no source annotation; the remote as git reports it is that path", async () => {
    assert.equal(await git(join(work, "local-path"), "remote", "get-url", "origin"), upstream);
    const k = imageKeys("local-path");
    for (const a of [k.index, ...k.manifests, ...k.labels]) assert.equal(a[SOURCE_KEY], undefined, JSON.stringify(a));
    assert.deepEqual(filesContaining(builds.get("local-path")!.out, upstream), [], "the path appears nowhere");
  });

  it("an scp-style remote and an https://user:token@ remote: https://host.example/owner/repo at both levels and in the labels", () => {
    for (const name of ["scp", "token"]) {
      const k = imageKeys(name);
      for (const a of [k.index, ...k.manifests, ...k.labels]) assert.equal(a[SOURCE_KEY], "https://host.example/owner/repo", name);
    }
    const k = imageKeys("github");
    for (const a of [k.index, ...k.manifests, ...k.labels])
      assert.equal(a[SOURCE_KEY], "https://github.com/kimigayo/downstream", "GitHub's variables win");
  });

  it("the token appears in no byte of the output (layers uncompressed too), nor the userinfo", () => {
    for (const name of ["token", "github"]) {
      const out = builds.get(name)!.out;
      assert.ok(filesUnder(out).length > 5, out);
      assert.deepEqual(filesContaining(out, TOKEN), [], name);
      assert.deepEqual(filesContaining(out, "@host.example"), [], `${name}: no userinfo before the host`);
    }
  });

  it("each clone's output conforms, file by file", async () => {
    for (const [name, b] of builds) {
      const { walk } = await checkOutDir(b.out);
      assert.deepEqual(walk.violations, [], name);
    }
  });

  it("after a push, every manifest and blob the registry returns conforms, every SBOM checked against the registry's layer", async () => {
    const repo = `${run_}/kimigayo`;
    const b = builds.get("token")!;
    const r = await cliAsync(
      ["publish", "--out", b.out, "--image", `${REGISTRY}/${repo}`, "--version", cfg.version, "--json"],
      NO_GITHUB,
      join(work, "token"),
    );
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const published = JSON.parse(r.stdout) as PublishResult;
    const { walk, tags } = await checkRegistry(repo);
    const sboms = checkSboms(walk);
    assert.deepEqual(walk.violations, []);
    const v = published.variants[0]!;
    assert.equal(sboms, v.manifests.length, "one SBOM per platform manifest, each checked against its layer");
    for (const t of v.tags) assert.ok(tags.includes(t), `tag ${t}`);
    assert.ok(walk.seen.has(v.index), "the index was reached through its tags");
    for (const m of v.manifests) assert.ok(walk.seen.has(m.digest), `${m.platform} reached`);

    // Issue 13, "annotations read back": the raw index and manifests carry the keys at both levels.
    const raw = (d: string) =>
      JSON.parse(walk.seen.get(d)!.bytes.toString()) as { annotations?: Record<string, string>; config?: { digest: string } };
    const want: Record<string, string> = {
      "org.opencontainers.image.created": new Date(b.result.sourceDateEpoch * 1000).toISOString().replace(/\.000Z$/, "Z"),
      "org.opencontainers.image.version": cfg.version,
      "org.opencontainers.image.title": "Kimigayo OS minimal",
      "org.opencontainers.image.licenses": "GPL-2.0-only",
      "org.opencontainers.image.revision": b.head,
      "org.opencontainers.image.source": "https://host.example/owner/repo",
    };
    const description = cfg.variants.find((x) => x.name === "minimal")!.description;
    if (description) want["org.opencontainers.image.description"] = description;
    const index = raw(v.index).annotations ?? {};
    assert.deepEqual(index, want, "the index's org.opencontainers.image.* keys, read back raw");
    for (const m of v.manifests) {
      const manifest = raw(m.digest);
      assert.deepEqual(manifest.annotations, index, `${m.platform}: the manifest carries the index's keys`);
      const labels = (
        JSON.parse(walk.seen.get(manifest.config!.digest)!.bytes.toString()) as { config: { Labels: Record<string, string> } }
      ).config.Labels;
      assert.deepEqual(labels, index, `${m.platform}: the config's Labels are the same`);
    }
    for (const k of Object.keys(index)) assert.ok(PREDEFINED_KEYS.includes(k), `${k} is an image-spec key`);
    assert.ok(!("org.opencontainers.image.ref.name" in index), "no ref.name in the registry");

    // Nothing the registry returns holds the token.
    for (const [digest, s] of walk.seen) {
      assert.ok(!s.bytes.includes(TOKEN), `${digest} holds the token`);
      if (s.mediaType === MT.layerGzip) assert.ok(!gunzipSync(s.bytes).includes(TOKEN), `${digest} (uncompressed) holds the token`);
    }
  });
});
