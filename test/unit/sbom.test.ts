/**
 * SPDX 2.3 SBOM per image: the document's essential structure (the SPDX 2.3 spec's required
 * fields, SPDXID syntax and uniqueness, relationships that resolve, checksum lengths),
 * determinism, the musl version probe, and the OCI artifact that carries the document as a
 * referrer of the image manifest.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { RunResult } from "../../src/lib/exec.js";
import { run, which } from "../../src/lib/exec.js";
import { readTar, writeTar } from "../../src/lib/tar.js";
import { digestOf } from "../../src/oci/digest.js";
import { canonicalJsonBytes } from "../../src/oci/json.js";
import { MEDIA_TYPES } from "../../src/oci/types.js";
import { rfc3339 } from "../../src/build/image.js";
import { EMPTY_DESCRIPTOR, referrersTag } from "../../src/oci/referrers.js";
import {
  fileSpdxId,
  muslVersion,
  packageVerificationCode,
  rootfsFiles,
  sbomArtifact,
  spdxFor,
  upstreamVersion,
  type SpdxOptions,
} from "../../src/build/sbom.js";
import type { SpdxDocument } from "../../src/results/spdx.js";
import { spdxViolations } from "../support/spec.js";

const EPOCH = 1767225600;
const CONFIGS = join(import.meta.dirname, "../../configs");
const BUSYBOX_SOURCE_SHA256 = "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2";
const BINARY = Buffer.from("\x7fELF fake static busybox\n".repeat(64));
const hex = (alg: string, data: Uint8Array) => createHash(alg).update(data).digest("hex");

/** A layer tar like the rootfs stage's: the binary, applet links, the config files, a symlink. */
function layerTar(): Buffer {
  const file = (path: string, src: string, mode = 0o644) => ({ type: "file" as const, path, mode, data: readFileSync(join(CONFIGS, src)) });
  return writeTar(
    [
      ...["bin", "etc", "etc/sysctl.d", "sbin"].map((path) => ({ type: "dir" as const, path, mode: 0o755 })),
      { type: "file", path: "bin/busybox", mode: 0o755, data: BINARY },
      { type: "hardlink", path: "bin/sh", target: "bin/busybox" },
      { type: "symlink", path: "sbin/init", target: "../bin/busybox" },
      file("etc/rc.conf", "openrc/rc.conf"),
      file("etc/inittab", "openrc/inittab"),
      file("etc/sysctl.d/99-kimigayo-performance.conf", "sysctl/99-kimigayo-performance.conf"),
      file("sbin/kimigayo-rc", "rootfs/kimigayo-rc", 0o755),
    ],
    { mtime: EPOCH },
  );
}

function options(over: Partial<SpdxOptions> = {}): SpdxOptions {
  return {
    variant: "minimal",
    platform: "linux/amd64",
    version: "2.1.0",
    busybox: {
      version: "1.38.0",
      sha256: BUSYBOX_SOURCE_SHA256,
      binarySha256: hex("sha256", BINARY),
      applets: ["sh", "ls", "init", "cat"],
    },
    musl: { version: "1.2.3" },
    files: rootfsFiles(layerTar()),
    created: rfc3339(EPOCH),
    namespace: "https://github.com/kimigayo/kimigayo/spdx",
    ...over,
  };
}

// ---------------------------------------------------------------------------
// SPDX 2.3: its JSON schema and its prose rules (test/support/spec.ts), plus the purls
// ---------------------------------------------------------------------------

function spdxProblems(doc: SpdxDocument, fileBytes?: Map<string, Uint8Array>): string[] {
  const p = spdxViolations(doc, "spdx", fileBytes);
  for (const pkg of doc.packages)
    for (const r of pkg.externalRefs ?? [])
      if (!/^pkg:[a-z]+\/[^@\s]+(@[^\s?#]+)?$/.test(r.referenceLocator)) p.push(`package ${pkg.name}: purl ${r.referenceLocator}`);
  return p;
}

/** Each regular file of a layer tar by its SPDX fileName ("./etc/rc.conf"). */
function layerFiles(tar: Buffer): Map<string, Uint8Array> {
  return new Map(readTar(tar).flatMap((e) => (e.type === "file" ? [[`./${e.path}`, e.data] as const] : [])));
}

describe("spdxFor", () => {
  it("passes the SPDX 2.3 schema and prose rules, checksums and verification code recomputed from the layer", () => {
    const doc = spdxFor(options());
    assert.deepEqual(spdxProblems(doc, layerFiles(layerTar())), []);
    assert.equal(doc.name, "kimigayo-minimal-2.1.0-linux-amd64");
    const version = (JSON.parse(readFileSync(join(import.meta.dirname, "../../package.json"), "utf8")) as { version: string }).version;
    assert.deepEqual(doc.creationInfo, { created: "2026-01-01T00:00:00Z", creators: [`Tool: kimigayo-build-action-${version}`] });
    // The checker itself catches what it should.
    const mutations: { change: (d: SpdxDocument) => void; problem: RegExp }[] = [
      {
        change: (d) => (d.files[0]!.checksums = [{ algorithm: "SHA1", checksumValue: "abc" }, d.files[0]!.checksums[1]!]),
        problem: /SHA1 abc is not 40 lowercase hex digits/,
      },
      { change: (d) => (d.files[0]!.checksums = d.files[0]!.checksums.slice(1)), problem: /§8\.4 no SHA1 checksum/ },
      {
        change: (d) =>
          d.relationships.push({ spdxElementId: "SPDXRef-Package-musl", relationshipType: "CONTAINS", relatedSpdxElement: "SPDXRef-nope" }),
        problem: /SPDXRef-nope is no element/,
      },
      { change: (d) => (d.packages[2]!.SPDXID = d.packages[1]!.SPDXID), problem: /SPDXID SPDXRef-Package-busybox is not unique/ },
      { change: (d) => d.packages.push({ ...d.packages[2]!, SPDXID: "SPDXRef-Package_x" }), problem: /SPDXID "SPDXRef-Package_x"/ },
      { change: (d) => (d.relationships = d.relationships.slice(1)), problem: /DESCRIBES no element/ },
      { change: (d) => Object.assign(d.files[0]!, { licence: "MIT" }), problem: /must NOT have additional properties/ },
      {
        change: (d) => (d.creationInfo.creators = ["Tool: kimigayo-build-action"]),
        problem: /§6\.8 creator "Tool: kimigayo-build-action"/,
      },
      {
        change: (d) => {
          delete d.packages[0]!.packageVerificationCode;
          d.packages[0]!.filesAnalyzed = false;
        },
        problem: /§7\.8\.1 filesAnalyzed is false, yet it contains 5 file\(s\)/,
      },
      {
        change: (d) => delete d.packages[0]!.packageVerificationCode,
        problem: /§7\.9 filesAnalyzed is true but there is no packageVerificationCode/,
      },
      {
        change: (d) => (d.packages[0]!.packageVerificationCode = { packageVerificationCodeValue: "0".repeat(40) }),
        problem: /§7\.9 packageVerificationCode 0{40} is not [0-9a-f]{40}, computed from its 5 file\(s\)/,
      },
      { change: (d) => (d.files[1]!.fileName = "/etc/inittab"), problem: /§8\.1 fileName is not relative/ },
      { change: (d) => (d.creationInfo.created = "2026-01-01 00:00:00"), problem: /§6\.9 created/ },
    ];
    for (const m of mutations) {
      const broken = structuredClone(doc);
      m.change(broken);
      const problems = spdxProblems(broken);
      assert.ok(
        problems.some((x) => m.problem.test(x)),
        `${m.problem} not among: ${problems.join("; ")}`,
      );
    }
    const changed = layerFiles(layerTar());
    changed.set("./etc/rc.conf", Buffer.from("tampered\n"));
    assert.match(spdxProblems(doc, changed).join("\n"), /file \.\/etc\/rc\.conf: SHA1 [0-9a-f]{40} is not the file's/);
  });

  it("computes the package verification code as SPDX 2.3 §7.9 defines it (checked with sha1sum, sort and tr)", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "sbom-pvc-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    for (const [name, data] of layerFiles(layerTar())) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), data);
    }
    const r = await run(
      "sh",
      ["-c", "find . -type f -exec sha1sum {} + | cut -c1-40 | LC_ALL=C sort | tr -d '\\n' | sha1sum | cut -c1-40"],
      {
        cwd: dir,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = spdxFor(options());
    assert.equal(doc.packages[0]!.filesAnalyzed, true);
    assert.deepEqual(doc.packages[0]!.packageVerificationCode, { packageVerificationCodeValue: r.stdout.trim() });
    assert.equal(packageVerificationCode(options().files.map((f) => f.sha1)), r.stdout.trim());
    assert.equal(packageVerificationCode([]), hex("sha1", Buffer.alloc(0)), "no files: the SHA1 of the empty string");
    assert.throws(() => packageVerificationCode(["ABC"]), /is not 40 lowercase hex/);
    for (const p of doc.packages.slice(1)) {
      assert.equal(p.filesAnalyzed, false, `${p.name} contains no file of this document`);
      assert.equal(p.packageVerificationCode, undefined);
    }
  });

  it("lists the image, busybox and musl with versions, licences, checksums and purls", () => {
    const doc = spdxFor(options());
    const [image, busybox, musl] = doc.packages;
    assert.deepEqual(image, {
      SPDXID: "SPDXRef-Package-kimigayo-minimal",
      name: "kimigayo-minimal",
      versionInfo: "2.1.0",
      downloadLocation: "NOASSERTION",
      filesAnalyzed: true,
      packageVerificationCode: { packageVerificationCodeValue: packageVerificationCode(options().files.map((f) => f.sha1)) },
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "GPL-2.0-only",
      copyrightText: "NOASSERTION",
      primaryPackagePurpose: "CONTAINER",
      summary: "Kimigayo OS minimal container image for linux/amd64",
    });
    assert.equal(busybox?.versionInfo, "1.38.0");
    assert.equal(busybox?.downloadLocation, "https://busybox.net/downloads/busybox-1.38.0.tar.bz2");
    assert.deepEqual(busybox?.checksums, [{ algorithm: "SHA256", checksumValue: BUSYBOX_SOURCE_SHA256 }]);
    assert.equal(busybox?.licenseConcluded, "GPL-2.0-only");
    assert.equal(busybox?.licenseDeclared, "GPL-2.0-only");
    assert.deepEqual(busybox?.externalRefs, [
      { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: "pkg:generic/busybox@1.38.0" },
    ]);
    assert.equal(busybox?.comment, `/bin/busybox sha256 ${hex("sha256", BINARY)}; 4 applets: cat init ls sh`);
    assert.equal(musl?.versionInfo, "1.2.3");
    assert.equal(musl?.licenseDeclared, "MIT");
    assert.equal(musl?.downloadLocation, "https://musl.libc.org/releases/musl-1.2.3.tar.gz");
    assert.equal(musl?.externalRefs?.[0]?.referenceLocator, "pkg:generic/musl@1.2.3");
  });

  it("relates them: document DESCRIBES image; image CONTAINS busybox, musl and each file; busybox STATIC_LINK musl", () => {
    const doc = spdxFor(options());
    const rel = doc.relationships.map((r) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);
    assert.deepEqual(rel, [
      "SPDXRef-DOCUMENT DESCRIBES SPDXRef-Package-kimigayo-minimal",
      "SPDXRef-Package-kimigayo-minimal CONTAINS SPDXRef-Package-busybox",
      "SPDXRef-Package-kimigayo-minimal CONTAINS SPDXRef-Package-musl",
      "SPDXRef-Package-busybox STATIC_LINK SPDXRef-Package-musl",
      "SPDXRef-Package-kimigayo-minimal CONTAINS SPDXRef-File-bin-busybox",
      "SPDXRef-File-bin-busybox GENERATED_FROM SPDXRef-Package-busybox",
      "SPDXRef-Package-kimigayo-minimal CONTAINS SPDXRef-File-etc-inittab",
      "SPDXRef-Package-kimigayo-minimal CONTAINS SPDXRef-File-etc-rc.conf",
      "SPDXRef-Package-kimigayo-minimal CONTAINS SPDXRef-File-etc-sysctl.d-99-kimigayo-performance.conf",
      "SPDXRef-Package-kimigayo-minimal CONTAINS SPDXRef-File-sbin-kimigayo-rc",
    ]);
  });

  it("gives each config file its SHA1 and SHA256, computed from the layer", () => {
    const doc = spdxFor(options());
    const rc = doc.files.find((f) => f.fileName === "./etc/rc.conf")!;
    const data = readFileSync(join(CONFIGS, "openrc/rc.conf"));
    assert.deepEqual(rc.checksums, [
      { algorithm: "SHA1", checksumValue: hex("sha1", data) },
      { algorithm: "SHA256", checksumValue: hex("sha256", data) },
    ]);
  });

  it("is deterministic: the same input gives the same bytes, whatever the file order", () => {
    const a = canonicalJsonBytes(spdxFor(options()));
    const b = canonicalJsonBytes(spdxFor(options({ files: [...options().files].reverse() })));
    assert.ok(a.equals(b));
    assert.ok(canonicalJsonBytes(spdxFor(options())).equals(a));
  });

  it("derives the namespace from name, version, platform and a hash of the content", () => {
    const doc = spdxFor(options());
    assert.match(
      doc.documentNamespace,
      /^https:\/\/github\.com\/kimigayo\/kimigayo\/spdx\/kimigayo-minimal-2\.1\.0-linux-amd64-[0-9a-f]{64}$/,
    );
    assert.equal(spdxFor(options({ namespace: "https://github.com/kimigayo/kimigayo/spdx/" })).documentNamespace, doc.documentNamespace);
    const other = (o: Partial<SpdxOptions>) => spdxFor(options(o)).documentNamespace;
    assert.notEqual(other({ platform: "linux/arm64" }), doc.documentNamespace);
    assert.notEqual(other({ musl: { version: "1.2.4" } }), doc.documentNamespace);
    const files = options().files.map((f) => (f.path === "/etc/rc.conf" ? { ...f, sha1: "0".repeat(40) } : f));
    assert.notEqual(other({ files }), doc.documentNamespace, "any content change changes the namespace");
  });

  it("leaves musl's version out when it is unknown", () => {
    const doc = spdxFor(options({ musl: { version: "unknown" } }));
    const musl = doc.packages.find((p) => p.name === "musl")!;
    assert.equal(musl.versionInfo, undefined);
    assert.equal(musl.downloadLocation, "NOASSERTION");
    assert.equal(musl.externalRefs?.[0]?.referenceLocator, "pkg:generic/musl");
    assert.deepEqual(spdxProblems(doc), []);
  });

  it("keeps file ids unique when paths differ only in characters SPDX ids cannot hold", () => {
    const f = { sha256: "a".repeat(64), sha1: "b".repeat(40) };
    const doc = spdxFor(
      options({
        files: [
          { path: "/etc/a_b", ...f },
          { path: "/etc/a-b", ...f },
          { path: "/etc/a b", ...f },
        ],
      }),
    );
    assert.deepEqual(
      doc.files.map((x) => [x.fileName, x.SPDXID]),
      [
        ["./etc/a b", "SPDXRef-File-etc-a-b"],
        ["./etc/a-b", "SPDXRef-File-etc-a-b-2"],
        ["./etc/a_b", "SPDXRef-File-etc-a-b-3"],
      ],
    );
    assert.deepEqual(spdxProblems(doc), []);
    assert.equal(fileSpdxId("/etc/sysctl.d/99-x.conf"), "SPDXRef-File-etc-sysctl.d-99-x.conf");
  });

  const bad: { name: string; over: Partial<SpdxOptions>; message: RegExp }[] = [
    { name: "a local time", over: { created: "2026-01-01T09:00:00+09:00" }, message: /created .* is not an RFC 3339 UTC time/ },
    { name: "a short source sha256", over: { busybox: { ...options().busybox, sha256: "abc" } }, message: /busybox\.sha256 "abc"/ },
    {
      name: "a namespace with #",
      over: { namespace: "https://example.com/spdx#x" },
      message: /namespace .* is not an absolute URI without "#"/,
    },
    { name: "a relative namespace", over: { namespace: "spdx/kimigayo" }, message: /not an absolute URI/ },
    { name: "a file twice", over: { files: [...options().files, options().files[0]!] }, message: /file \/bin\/busybox is listed twice/ },
    { name: "a file without SHA1", over: { files: [{ path: "/etc/x", sha256: "a".repeat(64), sha1: "" }] }, message: /sha1 "" is not 40/ },
    {
      name: "a /bin/busybox that is not the built binary",
      over: { files: [{ path: "/bin/busybox", sha256: "c".repeat(64), sha1: "d".repeat(40) }] },
      message: /\/bin\/busybox has sha256 c+, but busybox\.binarySha256 is/,
    },
  ];
  for (const b of bad) {
    it(`refuses ${b.name}`, () => {
      assert.throws(() => spdxFor(options(b.over)), b.message);
    });
  }
});

describe("rootfsFiles", () => {
  it("lists the layer's regular files, sorted, with SHA1 and SHA256 (no links, no directories)", () => {
    const files = rootfsFiles(layerTar());
    assert.deepEqual(
      files.map((f) => f.path),
      ["/bin/busybox", "/etc/inittab", "/etc/rc.conf", "/etc/sysctl.d/99-kimigayo-performance.conf", "/sbin/kimigayo-rc"],
    );
    assert.deepEqual(files[0], { path: "/bin/busybox", sha1: hex("sha1", BINARY), sha256: hex("sha256", BINARY) });
  });
});

// ---------------------------------------------------------------------------
// musl version
// ---------------------------------------------------------------------------

describe("muslVersion", () => {
  it("strips the Debian epoch and revision", () => {
    assert.equal(upstreamVersion("1.2.3-1"), "1.2.3");
    assert.equal(upstreamVersion("1:1.2.5-3+b1"), "1.2.5");
    assert.equal(upstreamVersion("1.2.5"), "1.2.5");
  });

  it("reads the toolchains on this machine (dpkg: musl-dev:<arch>)", async (t) => {
    for (const cc of ["musl-gcc", "aarch64-linux-musl-gcc"]) {
      if (!(await which(cc))) {
        t.diagnostic(`${cc} is not installed; not checked`);
        continue;
      }
      const v = await muslVersion(cc);
      assert.match(v.version, /^\d+\.\d+\.\d+$/, JSON.stringify(v));
      t.diagnostic(`${cc}: musl ${v.version} (${v.source})`);
    }
  });

  const res = (code: number, stdout = ""): RunResult => ({ code, stdout, stderr: "" });
  it("asks dpkg for the package that owns the wrapper", async () => {
    const calls: string[] = [];
    const v = await muslVersion("sh", async (cmd, args) => {
      calls.push([cmd, ...args].join(" "));
      if (cmd === "sh") return res(0, "/bin/sh\n");
      if (args[0] === "-S") return res(0, `musl-dev:arm64: ${args[1]}\n`);
      if (args[0] === "-W") return res(0, "1.2.5-3");
      return res(1);
    });
    assert.deepEqual(v, { version: "1.2.5", source: "dpkg: musl-dev:arm64 1.2.5-3" });
    assert.equal(calls[2], "dpkg-query -W -f ${Version} musl-dev:arm64");
  });

  it("says why the version is unknown", async () => {
    assert.deepEqual(await muslVersion("no-such-cc", async () => res(1)), { version: "unknown", reason: "no-such-cc is not on PATH" });
    const v = await muslVersion("sh", async (cmd, args) =>
      cmd === "sh" ? res(0, "/bin/sh\n") : args[0] === "-S" ? res(0, "dash: /bin/sh\n") : res(1),
    );
    assert.equal(v.version, "unknown");
    assert.match(v.reason ?? "", /belongs to dash, not musl; .* names no musl specs file/);
  });
});

// ---------------------------------------------------------------------------
// The OCI artifact
// ---------------------------------------------------------------------------

describe("sbomArtifact", () => {
  const subject = { mediaType: MEDIA_TYPES.ociManifest, digest: digestOf("an image manifest"), size: 517 };

  it("is an OCI manifest with artifactType application/spdx+json, the empty config, the SPDX layer and the subject", () => {
    const spdx = spdxFor(options());
    const a = sbomArtifact(spdx, subject);
    assert.deepEqual(EMPTY_DESCRIPTOR, {
      mediaType: "application/vnd.oci.empty.v1+json",
      digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      size: 2,
    });
    assert.equal(a.manifest.schemaVersion, 2);
    assert.equal(a.manifest.mediaType, MEDIA_TYPES.ociManifest);
    assert.equal(a.manifest.artifactType, "application/spdx+json");
    assert.deepEqual(a.manifest.config, EMPTY_DESCRIPTOR);
    assert.deepEqual(a.manifest.subject, subject);
    assert.equal(a.manifest.layers.length, 1);
    const layer = a.manifest.layers[0]!;
    assert.equal(layer.mediaType, "application/spdx+json");
    assert.deepEqual(layer.annotations, { "org.opencontainers.image.title": "kimigayo-minimal-2.1.0-linux-amd64.spdx.json" });
    assert.deepEqual(a.manifest.annotations, { "org.opencontainers.image.created": "2026-01-01T00:00:00Z" });

    const [config, doc] = a.blobs;
    assert.equal(config?.data.toString(), "{}");
    assert.equal(digestOf(config!.data), config?.descriptor.digest);
    assert.equal(doc?.descriptor.digest, layer.digest);
    assert.equal(digestOf(doc!.data), layer.digest);
    assert.equal(doc?.data.length, layer.size);
    assert.deepEqual(JSON.parse(doc!.data.toString()), spdx);

    assert.ok(a.manifestBytes.equals(canonicalJsonBytes(a.manifest)));
    assert.deepEqual(a.descriptor, {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: digestOf(a.manifestBytes),
      size: a.manifestBytes.length,
      artifactType: "application/spdx+json",
      annotations: { "org.opencontainers.image.created": "2026-01-01T00:00:00Z" },
    });
    assert.ok(sbomArtifact(spdxFor(options()), subject).manifestBytes.equals(a.manifestBytes), "deterministic");
  });

  it("refuses a subject that is not a manifest descriptor", () => {
    const spdx = spdxFor(options());
    assert.throws(() => sbomArtifact(spdx, { ...subject, digest: "sha256:nope" }), /is not a sha256 digest/);
    assert.throws(() => sbomArtifact(spdx, { ...subject, size: 0 }), /size 0 is not a positive integer/);
    assert.throws(() => sbomArtifact(spdx, { ...subject, mediaType: "application/spdx+json" }), /not a manifest or index media type/);
  });

  it("referrersTag follows the distribution spec's referrers tag schema", () => {
    assert.equal(referrersTag(subject.digest), `sha256-${subject.digest.slice(7)}`);
  });
});
