/**
 * A malformed saved file or OCI document is an error naming the file (or URL) and the field, not a
 * TypeError later: each of the program's own files (src/results) and each OCI document read from
 * an image layout or a registry (src/oci/schema.ts), with one bad field planted. And what each
 * writer in src/results writes, its reader reads back unchanged.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { UsageError } from "../../src/lib/errors.js";
import { parseDocument } from "../../src/lib/saved.js";
import type { z } from "zod";
import { bufferBlob } from "../../src/oci/blob-source.js";
import { digestOf } from "../../src/oci/digest.js";
import { readImage, readLayout } from "../../src/oci/layout.js";
import { RegistryClient } from "../../src/oci/registry.js";
import { OCI, parseOci, type OciDocument } from "../../src/oci/schema.js";
import { loadAttribution } from "../../src/size/attribution-inputs.js";
import { readBuildResult, writeBuildResult, type BuildResult } from "../../src/results/build.js";
import { readBusyboxFacts, writeBusyboxFacts, type BusyboxFacts } from "../../src/results/busybox-facts.js";
import { readDigestFile, writeDigestFile, type DigestFile } from "../../src/results/digests.js";
import { parseDoctorResult } from "../../src/doctor/child-result.js";
import { readPublished, writePublished, type PublishResult } from "../../src/results/published.js";
import { readSbom } from "../../src/results/sbom.js";
import { statementSchema } from "../../src/attest/statement.js";
import { startMemoryRegistry, type MemoryRegistry } from "../support/oci-registry.js";

let work: string;
before(() => (work = mkdtempSync(join(tmpdir(), "kimigayo-malformed-"))));
after(() => rmSync(work, { recursive: true, force: true }));

const D = (c: string) => `sha256:${c.repeat(64)}`;

const FACTS: BusyboxFacts = {
  variant: "minimal",
  platform: "linux/amd64",
  busyboxVersion: "1.37.0",
  key: "k",
  size: 1000,
  sha256: "a".repeat(64),
  applets: [{ name: "sh", path: "bin/sh" }],
  elf: { machine: "x86-64", static: true, stripped: true },
  toolchain: "musl-gcc",
  toolchainPackages: { lock: "sha256:" + "c".repeat(64) },
  buildSeconds: 1.5,
};

const DIGEST_FILE: DigestFile = {
  image: "127.0.0.1:5000/kimigayo",
  variant: "minimal",
  platform: "linux/arm64",
  digest: D("b"),
  size: 500,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  annotations: { "org.opencontainers.image.version": "2.1.0" },
};

const PUBLISHED: PublishResult = {
  image: "127.0.0.1:5000/kimigayo",
  version: "2.1.0",
  prerelease: false,
  variants: [
    {
      variant: "minimal",
      index: D("c"),
      manifests: [{ platform: "linux/amd64", digest: D("d") }],
      tags: ["2.1.0-minimal"],
      references: [],
      stats: { blobsUploaded: 1, blobBytesUploaded: 2, blobsSkipped: 0, blobsMounted: 0, manifestsPut: 1 },
    },
  ],
};

function buildResult(out: string): BuildResult {
  return {
    config: "configs/kimigayo.yml",
    version: "2.1.0",
    sourceDateEpoch: 1,
    busybox: { version: "1.37.0", sha256: "a".repeat(64), source: { cache: "hit", signature: "ok" } },
    out,
    images: [],
    seconds: { source: 0, total: 0 },
  };
}

describe("each writer in src/results, read back by its reader", () => {
  test("build.json, a digest file, published.json and facts.json round-trip", async () => {
    const dir = join(work, "round-trip");
    const build = buildResult(dir);
    await writeBuildResult(dir, build);
    assert.deepEqual((await readBuildResult(dir)).build, build);
    const digestFile = await writeDigestFile(join(dir, "digests"), DIGEST_FILE);
    assert.equal(digestFile, join(dir, "digests", "minimal-arm64.json"), "the name merge looks for: <variant>-<arch>.json");
    assert.deepEqual(await readDigestFile(digestFile), DIGEST_FILE);
    assert.deepEqual(await readPublished(await writePublished(dir, PUBLISHED)), PUBLISHED);
    const facts = join(dir, "facts.json");
    await writeBusyboxFacts(facts, FACTS);
    assert.deepEqual(await readBusyboxFacts(facts, dir), FACTS);
  });
});

describe("a malformed saved file names the file and the field", () => {
  const cases: { name: string; text: string; read: (file: string) => Promise<unknown>; field: RegExp }[] = [
    {
      name: "facts.json of a cache entry: size is a string",
      text: JSON.stringify({ ...FACTS, size: "1000" }),
      read: (f) => readBusyboxFacts(f, "/cache/busybox/k"),
      field: /size: expected a number, got "1000"[\s\S]*remove the cache entry \/cache\/busybox\/k/,
    },
    {
      name: "facts.json of a cache entry: an applet without a path",
      text: JSON.stringify({ ...FACTS, applets: [{ name: "sh" }] }),
      read: (f) => readBusyboxFacts(f, "/cache/busybox/k"),
      field: /applets\[0\]\.path: required field is missing/,
    },
    {
      name: "an SBOM whose file has no checksums",
      text: JSON.stringify({
        spdxVersion: "SPDX-2.3",
        dataLicense: "CC0-1.0",
        SPDXID: "SPDXRef-DOCUMENT",
        name: "n",
        documentNamespace: "ns",
        creationInfo: { created: "2026-01-01T00:00:00Z", creators: [] },
        packages: [],
        files: [{ SPDXID: "SPDXRef-F", fileName: "./bin/sh", licenseConcluded: "NOASSERTION", copyrightText: "NOASSERTION" }],
        relationships: [],
      }),
      read: (f) => readSbom(f),
      field: /files\[0\]\.checksums: required field is missing/,
    },
    {
      name: "a digest file with a short digest",
      text: JSON.stringify({ ...DIGEST_FILE, digest: "sha256:abc" }),
      read: (f) => readDigestFile(f),
      field: /digest: expected a digest sha256:<64 hex digits>/,
    },
    {
      name: "published.json with no variants",
      text: JSON.stringify({ ...PUBLISHED, variants: [] }),
      read: (f) => readPublished(f),
      field: /variants: /,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const file = join(work, `${c.name.replace(/\W+/g, "-")}.json`);
      writeFileSync(file, c.text);
      await assert.rejects(c.read(file), (err: Error) => {
        assert.ok(err instanceof UsageError, `a UsageError (exit 2), got ${err.name}: ${err.message}`);
        assert.ok(err.message.startsWith(`${file} is not `), err.message);
        assert.match(err.message, c.field);
        return true;
      });
    });
  }

  test("the doctor child's output: a fix list that is not a list", () => {
    const out = JSON.stringify({ ok: true, items: [{ id: "musl", title: "t", ok: true, detail: "", fixHint: "", fixed: "apt-get" }] });
    assert.throws(() => parseDoctorResult(out, "the output of sudo kimigayo doctor"), {
      message:
        /^the output of sudo kimigayo doctor is not a `kimigayo doctor --json` result:\n {2}items\[0\]\.fixed: expected a list, got "apt-get"/,
    });
  });

  test("attribution inputs beside the binary: a relocation entry that is not a symbol list", async () => {
    const dir = join(work, "attribution");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "busybox.map.gz"), gzipSync(""));
    writeFileSync(join(dir, "kbuild.json"), JSON.stringify({ objects: [] }));
    writeFileSync(join(dir, "busybox.config"), "");
    writeFileSync(join(dir, "relocations.json.gz"), gzipSync(JSON.stringify({ "a.o": { ".text": "x" } })));
    const r = await loadAttribution(join(dir, "busybox"), 0, []);
    assert.ok("missing" in r);
    assert.match(
      r.missing,
      /relocations\.json\.gz is not a relocation list \(file -> section -> symbols\): a\.o\.\.text: expected a list, got "x"/,
    );
  });

  test("a signed statement without a subject list", () => {
    const text = JSON.stringify({ _type: "https://in-toto.io/Statement/v1", subject: {}, predicateType: "p", predicate: {} });
    assert.throws(() => parseDocument(text, statementSchema, { where: "payload", what: "an in-toto statement" }), {
      message: /^payload is not an in-toto statement:\n {2}subject: expected a list, got an object/,
    });
  });
});

const MANIFEST = {
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: D("1"), size: 2 },
  layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: D("2"), size: 3 }],
};

describe("a malformed OCI document names where it came from and the field", () => {
  const cases: { name: string; doc: unknown; kind: OciDocument<z.ZodType>; field: RegExp }[] = [
    {
      name: "a manifest whose layer size is a string",
      doc: { ...MANIFEST, layers: [{ ...MANIFEST.layers[0], size: "3" }] },
      kind: OCI.manifest,
      field: /layers\[0\]\.size: expected a number, got "3"/,
    },
    {
      name: "a manifest without a config",
      doc: { ...MANIFEST, config: undefined },
      kind: OCI.manifest,
      field: /config: required field is missing/,
    },
    {
      name: "a manifest of schemaVersion 1",
      doc: { ...MANIFEST, schemaVersion: 1 },
      kind: OCI.manifest,
      field: /schemaVersion: expected 2, got 1/,
    },
    {
      name: "an index entry with a bad digest",
      doc: { schemaVersion: 2, manifests: [{ mediaType: "m", digest: "nope", size: 1 }] },
      kind: OCI.index,
      field: /manifests\[0\]\.digest: expected a digest/,
    },
    {
      name: "a config without rootfs",
      doc: { architecture: "amd64", os: "linux" },
      kind: OCI.config,
      field: /rootfs: required field is missing/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => parseOci(JSON.stringify(c.doc), c.kind, "https://r.example/v2/x/manifests/t"),
        (err: Error) => {
          assert.ok(err.message.startsWith(`https://r.example/v2/x/manifests/t is not ${c.kind.what}:`), err.message);
          assert.match(err.message, c.field);
          return true;
        },
      );
    });
  }

  test("an image layout: index.json and a manifest blob, each named by its path", async () => {
    const dir = join(work, "layout");
    mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
    writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: {} }));
    await assert.rejects(readLayout(dir), {
      message: new RegExp(`^${join(dir, "index.json")} is not an OCI image index:\\n  manifests: expected a list`),
    });
    const bad = Buffer.from(JSON.stringify({ ...MANIFEST, layers: "none" }));
    const digest = digestOf(bad);
    writeFileSync(join(dir, "blobs", "sha256", digest.slice(7)), bad);
    writeFileSync(
      join(dir, "index.json"),
      JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: MANIFEST.mediaType, digest, size: bad.length }] }),
    );
    await assert.rejects(readImage(dir), {
      message: new RegExp(
        `^${join(dir, "blobs", "sha256", digest.slice(7))} is not an OCI image manifest:\\n  layers: expected a list, got "none"`,
      ),
    });
  });

  describe("from a registry", () => {
    let reg: MemoryRegistry;
    before(async () => (reg = await startMemoryRegistry()));
    after(() => reg.close());

    test("a manifest is named by its URL", async () => {
      const client = new RegistryClient(reg.registry);
      const bytes = Buffer.from(JSON.stringify({ ...MANIFEST, layers: [{ ...MANIFEST.layers[0], digest: 7 }] }));
      await client.putManifest("malformed/a", "bad", bytes, MANIFEST.mediaType);
      await assert.rejects(client.getManifestAs("malformed/a", "bad", OCI.manifest), {
        message: new RegExp(
          `^${client.baseUrl.replace(/[.]/g, "\\.")}/v2/malformed/a/manifests/bad is not an OCI image manifest:\\n  layers\\[0\\]\\.digest: expected a string, got 7`,
        ),
      });
    });

    test("a config blob is named by its URL", async () => {
      const client = new RegistryClient(reg.registry);
      const config = Buffer.from(JSON.stringify({ architecture: "amd64", os: "linux", rootfs: { type: "layers", diff_ids: "none" } }));
      const digest = digestOf(config);
      await client.pushBlob("malformed/b", bufferBlob(config));
      await assert.rejects(client.getBlobAs("malformed/b", digest, OCI.config), {
        message: new RegExp(
          `/v2/malformed/b/blobs/${digest} is not an OCI image config:\\n  rootfs\\.diff_ids: expected a list, got "none"`,
        ),
      });
    });
  });
});
