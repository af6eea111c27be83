/**
 * The buildx engine without buildx: argv from typed options (a table, as docker/build-push-action
 * tests getArgs), the generated Dockerfile and build context, reading buildx's metadata file and
 * OCI layout back, and engine selection with an injected probe. The real `docker buildx build`
 * runs in test/e2e/buildx.test.ts wherever buildx exists.
 */
import assert from "node:assert/strict";
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import type { Config, Platform, VariantConfig } from "../../src/config/schema.js";
import { dockerBin } from "../../src/lib/docker.js";
import { UsageError } from "../../src/lib/errors.js";
import type { RunOptions, RunResult } from "../../src/lib/exec.js";
import type { Logger } from "../../src/lib/log.js";
import { silentLogger } from "../../src/lib/log.js";
import { writeTar } from "../../src/lib/tar.js";
import { readImage, readJsonBlob, readLayout, writeBlob, writeLayoutIndex } from "../../src/oci/layout.js";
import { ANNOTATIONS, MEDIA_TYPES, type ImageIndex } from "../../src/oci/types.js";
import { OCI } from "../../src/oci/schema.js";
import {
  buildWithBuildx,
  buildxArgs,
  buildxAvailable,
  buildxBuilder,
  buildxUsable,
  csvField,
  dockerfileFor,
  layoutImageResult,
  parseBuildxInspect,
  parseBuildxMetadata,
  parseBuildxVersion,
  prepareContext,
  progressLine,
  type BuildxArgs,
} from "../../src/build/buildx.js";
import { buildWithEngine, parseEngine, resolveEngine } from "../../src/build/engine.js";
import { buildImage, imageAnnotations } from "../../src/build/image.js";

const EPOCH = 1767225600;
const enc = (s: string) => Buffer.from(s, "utf8");

let work = "";
let cfg: Config;
let minimal: VariantConfig;
before(async () => {
  work = mkdtempSync(join(tmpdir(), "buildx-test-"));
  cfg = await loadConfig(join(import.meta.dirname, "../../configs/kimigayo.yml"));
  minimal = cfg.variants.find((v) => v.name === "minimal")!;
});
after(() => rmSync(work, { recursive: true, force: true }));

function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a UsageError, nothing was thrown");
}

async function rejectsUsage(p: Promise<unknown>): Promise<UsageError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a UsageError, nothing was thrown");
}

// ---------------------------------------------------------------------------
// buildxArgs: options in, argv out
// ---------------------------------------------------------------------------

const V = "org.opencontainers.image.version";
const T = "org.opencontainers.image.title";
const BASE: BuildxArgs = {
  variant: "minimal",
  platforms: ["linux/amd64", "linux/arm64"],
  contextDir: "/ctx",
  dockerfile: "/ctx/Dockerfile",
  output: { type: "oci", dest: "/out/oci/minimal" },
  annotations: { [V]: "2.1.0", [T]: "Kimigayo OS minimal" },
  sourceDateEpoch: EPOCH,
};
/** The argv head every row shares: file, both platforms, the epoch. */
const HEAD = [
  "buildx",
  "build",
  "--file",
  "/ctx/Dockerfile",
  "--platform",
  "linux/amd64,linux/arm64",
  "--build-arg",
  "SOURCE_DATE_EPOCH=1767225600",
];
/** Index and manifest annotations of BASE (keys sorted: title before version). */
const ANN2 = [
  ...["--annotation", `index:${T}=Kimigayo OS minimal`, "--annotation", `index:${V}=2.1.0`],
  ...["--annotation", `manifest:${T}=Kimigayo OS minimal`, "--annotation", `manifest:${V}=2.1.0`],
];
const OCI_OUT = ["--output", "type=oci,dest=/out/oci/minimal,tar=false"];

describe("buildxArgs", () => {
  const rows: { name: string; opts: Partial<BuildxArgs>; want: string[] }[] = [
    {
      name: "OCI layout, two platforms: index and manifest annotations",
      opts: {},
      want: [...HEAD, ...ANN2, ...OCI_OUT, "/ctx"],
    },
    {
      name: "one platform: manifest annotations only (BuildKit refuses index annotations without an index)",
      opts: { platforms: ["linux/arm64"] },
      want: [
        ...["buildx", "build", "--file", "/ctx/Dockerfile", "--platform", "linux/arm64", "--build-arg", "SOURCE_DATE_EPOCH=1767225600"],
        ...["--annotation", `manifest:${T}=Kimigayo OS minimal`, "--annotation", `manifest:${V}=2.1.0`],
        ...OCI_OUT,
        "/ctx",
      ],
    },
    {
      name: "platforms come out in the config's order, whatever order they come in",
      opts: { platforms: ["linux/arm64", "linux/amd64"] },
      want: [...HEAD, ...ANN2, ...OCI_OUT, "/ctx"],
    },
    {
      name: "a destination with a comma is quoted as a CSV field",
      opts: { output: { type: "oci", dest: "/out/a,b" } },
      want: [...HEAD, ...ANN2, "--output", 'type=oci,"dest=/out/a,b",tar=false', "/ctx"],
    },
    {
      name: "registry with tags: image exporter with OCI media types, one --tag per tag",
      opts: { output: { type: "registry", image: "127.0.0.1:5000/kimigayo", tags: ["2.1.0-minimal", "minimal"] } },
      want: [
        ...[...HEAD, ...ANN2, "--output", "type=image,push=true,oci-mediatypes=true"],
        ...["--tag", "127.0.0.1:5000/kimigayo:2.1.0-minimal", "--tag", "127.0.0.1:5000/kimigayo:minimal", "/ctx"],
      ],
    },
    {
      name: "registry by digest (for a later merge): canonical name, no tags",
      opts: { platforms: ["linux/arm64"], output: { type: "registry", image: "ghcr.io/owner/kimigayo", tags: [], byDigest: true } },
      want: [
        ...["buildx", "build", "--file", "/ctx/Dockerfile", "--platform", "linux/arm64", "--build-arg", "SOURCE_DATE_EPOCH=1767225600"],
        ...["--annotation", `manifest:${T}=Kimigayo OS minimal`, "--annotation", `manifest:${V}=2.1.0`, "--output"],
        "type=image,name=ghcr.io/owner/kimigayo,push-by-digest=true,name-canonical=true,push=true,oci-mediatypes=true",
        "/ctx",
      ],
    },
    {
      name: "load into the Docker engine: one platform, --tag",
      opts: { platforms: ["linux/amd64"], output: { type: "docker", tag: "kimigayo:minimal" } },
      want: [
        ...["buildx", "build", "--file", "/ctx/Dockerfile", "--platform", "linux/amd64", "--build-arg", "SOURCE_DATE_EPOCH=1767225600"],
        ...["--annotation", `manifest:${T}=Kimigayo OS minimal`, "--annotation", `manifest:${V}=2.1.0`],
        ...["--output", "type=docker", "--tag", "kimigayo:minimal", "/ctx"],
      ],
    },
    { name: "provenance off", opts: { provenance: false }, want: [...HEAD, ...ANN2, ...OCI_OUT, "--provenance=false", "/ctx"] },
    { name: "provenance on", opts: { provenance: true }, want: [...HEAD, ...ANN2, ...OCI_OUT, "--provenance=true", "/ctx"] },
    { name: "provenance mode=min", opts: { provenance: "min" }, want: [...HEAD, ...ANN2, ...OCI_OUT, "--provenance=mode=min", "/ctx"] },
    {
      name: "provenance mode=max and an SBOM attestation",
      opts: { provenance: "max", sbom: true },
      want: [...HEAD, ...ANN2, ...OCI_OUT, "--provenance=mode=max", "--sbom=true", "/ctx"],
    },
    { name: "SBOM attestation off", opts: { sbom: false }, want: [...HEAD, ...ANN2, ...OCI_OUT, "--sbom=false", "/ctx"] },
    {
      name: "caches, in the order given",
      opts: { cacheFrom: ["type=gha,scope=minimal", "type=local,src=/c"], cacheTo: ["type=gha,scope=minimal,mode=max"] },
      want: [
        ...[...HEAD, ...ANN2, ...OCI_OUT],
        ...["--cache-from", "type=gha,scope=minimal", "--cache-from", "type=local,src=/c", "--cache-to", "type=gha,scope=minimal,mode=max"],
        "/ctx",
      ],
    },
    {
      name: "builder, progress and metadata file",
      opts: { builder: "kimigayo", progress: "plain", metadataFile: "/w/metadata.json" },
      want: [...HEAD, ...ANN2, ...OCI_OUT, "--builder", "kimigayo", "--progress", "plain", "--metadata-file", "/w/metadata.json", "/ctx"],
    },
    {
      name: "rewrite-timestamp joins the output options",
      opts: { rewriteTimestamp: true },
      want: [...HEAD, ...ANN2, "--output", "type=oci,dest=/out/oci/minimal,tar=false,rewrite-timestamp=true", "/ctx"],
    },
    {
      name: "annotation values pass verbatim (commas and = included); keys sorted",
      opts: { annotations: { "z.last": "a=b, c", "a.first": "x" } },
      want: [
        ...HEAD,
        ...["--annotation", "index:a.first=x", "--annotation", "index:z.last=a=b, c"],
        ...["--annotation", "manifest:a.first=x", "--annotation", "manifest:z.last=a=b, c"],
        ...OCI_OUT,
        "/ctx",
      ],
    },
  ];
  for (const r of rows) {
    it(r.name, () => {
      assert.deepEqual(buildxArgs({ ...BASE, ...r.opts }), r.want);
    });
  }

  const errors: { name: string; opts: Partial<BuildxArgs>; message: RegExp }[] = [
    { name: "no platform", opts: { platforms: [] }, message: /no platform given/ },
    { name: "a platform twice", opts: { platforms: ["linux/amd64", "linux/amd64"] }, message: /listed twice/ },
    {
      name: "an unsupported platform",
      opts: { platforms: ["linux/s390x" as Platform] },
      message: /unsupported platform "linux\/s390x"; allowed/,
    },
    {
      name: "docker output with two platforms",
      opts: { output: { type: "docker", tag: "kimigayo:x" } },
      message: /docker output .* takes one platform/,
    },
    { name: "registry without tags", opts: { output: { type: "registry", image: "r.example/k", tags: [] } }, message: /no tag given/ },
    {
      name: "registry by digest with tags",
      opts: { output: { type: "registry", image: "r.example/k", tags: ["x"], byDigest: true } },
      message: /takes no tags/,
    },
    { name: "image with a tag", opts: { output: { type: "registry", image: "r.example/k:1", tags: ["x"] } }, message: /leave out the tag/ },
    { name: "a bad tag", opts: { output: { type: "registry", image: "r.example/k", tags: ["-x"] } }, message: /"-x" is not a valid tag/ },
    { name: "a bad image", opts: { output: { type: "registry", image: "R.example/K K", tags: ["x"] } }, message: /not an image reference/ },
    { name: "a negative epoch", opts: { sourceDateEpoch: -1 }, message: /SOURCE_DATE_EPOCH -1/ },
  ];
  for (const e of errors) {
    it(`refuses ${e.name}`, () => {
      const err = usageError(() => buildxArgs({ ...BASE, ...e.opts }));
      assert.match(err.message, /^buildx minimal: /);
      assert.match(err.message, e.message);
    });
  }

  it("csvField quotes only what Go's encoding/csv needs quoted", () => {
    assert.equal(csvField("dest=/a/b"), "dest=/a/b");
    assert.equal(csvField("dest=/a,b"), '"dest=/a,b"');
    assert.equal(csvField('dest=/a"b'), '"dest=/a""b"');
  });
});

// ---------------------------------------------------------------------------
// Dockerfile and context
// ---------------------------------------------------------------------------

describe("dockerfileFor", () => {
  it("writes the oci engine's config as instructions, labels from imageAnnotations", () => {
    const got = dockerfileFor({
      config: cfg,
      variant: minimal,
      sourceDateEpoch: EPOCH,
      revision: "0123abc",
      source: "https://example.com/k",
    });
    assert.equal(
      got,
      [
        "# Generated by kimigayo build (engine buildx) for the minimal variant; do not edit.",
        "# No syntax directive: BuildKit's built-in frontend, so nothing is pulled.",
        "FROM scratch",
        "ARG TARGETARCH",
        "ADD rootfs/kimigayo-minimal-${TARGETARCH}.tar /",
        'ENV PATH="/usr/sbin:/usr/bin:/sbin:/bin"',
        'LABEL "org.opencontainers.image.created"="2026-01-01T00:00:00Z" \\',
        `      "org.opencontainers.image.description"="${minimal.description}" \\`,
        '      "org.opencontainers.image.licenses"="GPL-2.0-only" \\',
        '      "org.opencontainers.image.revision"="0123abc" \\',
        '      "org.opencontainers.image.source"="https://example.com/k" \\',
        '      "org.opencontainers.image.title"="Kimigayo OS minimal" \\',
        '      "org.opencontainers.image.version"="2.1.0"',
        "STOPSIGNAL SIGTERM",
        'CMD ["/bin/sh"]',
        "",
      ].join("\n"),
    );
  });

  it("has one LABEL per annotation except ref.name, the same set the oci engine puts in the config", () => {
    const labels = [...dockerfileFor({ config: cfg, variant: minimal, sourceDateEpoch: EPOCH }).matchAll(/"([^"]+)"="/g)].map((m) => m[1]);
    const { [ANNOTATIONS.refName]: _ref, ...want } = imageAnnotations({ config: cfg, variant: minimal, sourceDateEpoch: EPOCH });
    assert.deepEqual(labels, Object.keys(want).sort());
  });

  it("escapes quotes, backslashes and $ (LABEL expands variables), and refuses line breaks", () => {
    const tricky = { ...minimal, description: 'say "hi" \\ to $HOME' };
    assert.match(dockerfileFor({ config: cfg, variant: tricky, sourceDateEpoch: EPOCH }), /"say \\"hi\\" \\\\ to \\\$HOME"/);
    const err = usageError(() =>
      dockerfileFor({ config: cfg, variant: { ...minimal, description: "two\nlines" }, sourceDateEpoch: EPOCH }),
    );
    assert.match(err.message, /org\.opencontainers\.image\.description contains a line break/);
  });
});

function writeTars(dir: string, marker = ""): { platform: Platform; tar: string }[] {
  return (["linux/amd64", "linux/arm64"] as const).map((platform) => {
    const tar = join(dir, `${platform.replace("/", "-")}.tar`);
    const data = writeTar(
      [
        { type: "dir", path: "bin", mode: 0o755 },
        { type: "file", path: "bin/busybox", mode: 0o755, data: enc(`fake busybox ${platform}${marker}\n`.repeat(100)) },
        { type: "hardlink", path: "bin/sh", target: "bin/busybox" },
        { type: "dir", path: "etc", mode: 0o755 },
        { type: "file", path: "etc/os-release", mode: 0o644, data: enc("ID=kimigayo\n") },
      ],
      { mtime: EPOCH },
    );
    writeFileSync(tar, data);
    return { platform, tar };
  });
}

describe("prepareContext", () => {
  it("writes the Dockerfile and puts each tar where the ADD line looks, and nothing else", async () => {
    const dir = join(work, "ctx");
    await mkdir(dir, { recursive: true });
    const rootfs = writeTars(dir);
    const ctxDir = join(dir, "context");
    await mkdir(join(ctxDir, "rootfs"), { recursive: true });
    await writeFile(join(ctxDir, "rootfs", "stale.tar"), "old");
    const ctx = await prepareContext(ctxDir, { config: cfg, variant: minimal, sourceDateEpoch: EPOCH, rootfs });
    assert.equal(ctx.dockerfile, join(ctxDir, "Dockerfile"));
    assert.equal(await readFile(ctx.dockerfile, "utf8"), dockerfileFor({ config: cfg, variant: minimal, sourceDateEpoch: EPOCH }));
    assert.deepEqual((await readdir(join(ctxDir, "rootfs"))).sort(), ["kimigayo-minimal-amd64.tar", "kimigayo-minimal-arm64.tar"]);
    for (const r of rootfs) {
      const inCtx = join(ctxDir, "rootfs", `kimigayo-minimal-${r.platform.split("/")[1]}.tar`);
      assert.deepEqual(await readFile(inCtx), await readFile(r.tar));
      assert.equal((await stat(inCtx)).ino, (await stat(r.tar)).ino, "hard-linked, not copied, on the same file system");
    }
    assert.equal(await readFile(join(ctxDir, ".dockerignore"), "utf8"), "*\n!Dockerfile\n!rootfs/*.tar\n");
  });
});

// ---------------------------------------------------------------------------
// Probing and engine selection
// ---------------------------------------------------------------------------

const result = (code: number, stdout: string, stderr = ""): RunResult => ({ code, stdout, stderr });

describe("buildxAvailable", () => {
  const rows: { name: string; runner: () => Promise<RunResult>; want: { ok: boolean; version?: string; reason?: RegExp } }[] = [
    {
      name: "a release",
      runner: async () => result(0, "github.com/docker/buildx v0.17.1 257815a6fb95ae0b7e9a3a8a3f3d0e1c2d3b4a5f\n"),
      want: { ok: true, version: "v0.17.1" },
    },
    {
      name: "a distribution build",
      runner: async () => result(0, "github.com/docker/buildx 0.13.1+ds1-3 0.13.1+ds1-3\n"),
      want: { ok: true, version: "0.13.1+ds1-3" },
    },
    {
      name: "too old for --annotation",
      runner: async () => result(0, "github.com/docker/buildx v0.11.2 9872040\n"),
      want: { ok: false, version: "v0.11.2", reason: /v0\.11\.2 is older than 0\.12\.0/ },
    },
    {
      name: "no plugin (Debian's docker 20.10 client, as here)",
      runner: async () => result(1, "", "docker: 'buildx' is not a docker command.\nSee 'docker --help'\n"),
      want: { ok: false, reason: /buildx version` exited with 1: docker: 'buildx' is not a docker command\.$/ },
    },
    {
      name: "no docker at all",
      runner: () => Promise.reject(Object.assign(new Error("spawn docker ENOENT"), { code: "ENOENT" })),
      want: { ok: false, reason: /cannot be run: spawn docker ENOENT/ },
    },
  ];
  for (const r of rows) {
    it(r.name, async () => {
      const calls: string[][] = [];
      const got = await buildxAvailable((cmd, args) => {
        calls.push([cmd, ...args]);
        return r.runner();
      });
      assert.deepEqual(
        calls.map((c) => c.slice(1)),
        [["buildx", "version"]],
      );
      assert.equal(got.ok, r.want.ok);
      assert.equal(got.version, r.want.version);
      if (r.want.reason) assert.match(got.reason ?? "", r.want.reason);
      else assert.equal(got.reason, undefined);
    });
  }

  it("parseBuildxVersion reads the version word", () => {
    assert.equal(parseBuildxVersion("github.com/docker/buildx v0.12.1 30feaa1\n"), "v0.12.1");
    assert.equal(parseBuildxVersion("garbage"), undefined);
  });
});

const INSPECT = (driver: string) =>
  [
    "Name:          kimigayo",
    `Driver:        ${driver}`,
    "Last Activity: 2026-05-01 10:00:00 +0000 UTC",
    "",
    "Nodes:",
    "Name:             kimigayo0",
    "Endpoint:         unix:///var/run/docker.sock",
    "Status:           running",
    "Platforms:        linux/amd64, linux/arm64",
    "",
  ].join("\n");

describe("buildxBuilder and buildxUsable", () => {
  /** A stand-in docker answering `buildx version`, `buildx inspect` and `info` from a table. */
  const docker =
    (answers: Record<string, RunResult>, calls: string[] = []) =>
    async (_cmd: string, args: readonly string[]): Promise<RunResult> => {
      const key = args.slice(0, 2).join(" ");
      calls.push(args.join(" "));
      const a = answers[key];
      if (!a) assert.fail(`unexpected docker ${args.join(" ")}`);
      return a;
    };
  const VERSION = { "buildx version": result(0, "github.com/docker/buildx v0.17.1 257815a\n") };
  const rows: {
    name: string;
    answers: Record<string, RunResult>;
    want: { ok: boolean; name?: string; driver?: string; reason?: RegExp };
  }[] = [
    {
      name: "docker-container driver",
      answers: { "buildx inspect": result(0, INSPECT("docker-container")) },
      want: { ok: true, name: "kimigayo", driver: "docker-container" },
    },
    {
      name: "docker driver with the containerd image store",
      answers: {
        "buildx inspect": result(0, INSPECT("docker")),
        "info --format": result(0, '[["driver-type","io.containerd.snapshotter.v1"]]\n'),
      },
      want: { ok: true, name: "kimigayo", driver: "docker" },
    },
    {
      name: "docker driver on the classic image store",
      answers: { "buildx inspect": result(0, INSPECT("docker")), "info --format": result(0, '[["Backing Filesystem","extfs"]]\n') },
      want: {
        ok: false,
        name: "kimigayo",
        driver: "docker",
        reason: /uses the docker driver, which cannot export an OCI layout.*docker buildx create --use --driver docker-container/,
      },
    },
    {
      name: "no such builder",
      answers: { "buildx inspect": result(1, "", 'ERROR: no builder "nope" found\n') },
      want: { ok: false, reason: /buildx inspect nope` failed: ERROR: no builder "nope" found$/ },
    },
  ];
  for (const r of rows) {
    it(r.name, async () => {
      const calls: string[] = [];
      const got = await buildxBuilder(docker(r.answers, calls), r.name === "no such builder" ? "nope" : undefined);
      assert.equal(got.ok, r.want.ok);
      assert.equal(got.name, r.want.name);
      assert.equal(got.driver, r.want.driver);
      if (r.want.reason) assert.match(got.reason ?? "", r.want.reason);
      assert.equal(calls[0], r.name === "no such builder" ? "buildx inspect nope" : "buildx inspect");
    });
  }

  it("parseBuildxInspect takes the builder's name and driver, not a node's", () => {
    assert.deepEqual(parseBuildxInspect(INSPECT("docker-container")), { name: "kimigayo", driver: "docker-container" });
    assert.deepEqual(parseBuildxInspect(""), {});
  });

  it("buildxUsable: the plugin first, then the builder", async () => {
    const calls: string[] = [];
    const usable = await buildxUsable(docker({ ...VERSION, "buildx inspect": result(0, INSPECT("docker-container")) }, calls));
    assert.deepEqual(usable, { ok: true, version: "v0.17.1", builder: { ok: true, name: "kimigayo", driver: "docker-container" } });
    assert.deepEqual(calls, ["buildx version", "buildx inspect"]);
    const classic = await buildxUsable(
      docker({ ...VERSION, "buildx inspect": result(0, INSPECT("docker")), "info --format": result(0, "[]") }),
    );
    assert.equal(classic.ok, false);
    assert.equal(classic.version, "v0.17.1");
    assert.match(classic.reason ?? "", /uses the docker driver/);
    const none = await buildxUsable(docker({ "buildx version": result(1, "", "docker: 'buildx' is not a docker command.") }));
    assert.deepEqual(none, {
      ok: false,
      reason: `\`${dockerBin()} buildx version\` exited with 1: docker: 'buildx' is not a docker command.`,
    });
  });

  it("the reason names the builder when buildx is picked", async () => {
    const probe = async () => ({ ok: true, version: "v0.17.1", builder: { ok: true, name: "kimigayo", driver: "docker-container" } });
    assert.equal(
      (await resolveEngine("auto", probe)).reason,
      "--engine auto: docker buildx v0.17.1 (builder kimigayo, driver docker-container) works",
    );
  });
});

describe("engine selection", () => {
  const present = async () => ({ ok: true, version: "v0.17.1" });
  const missing = async () => ({
    ok: false,
    reason: "`/usr/bin/docker buildx version` exited with 1: docker: 'buildx' is not a docker command.",
  });
  const never = async (): Promise<{ ok: boolean }> => assert.fail("oci must not probe for buildx");

  it("auto picks buildx where it works", async () => {
    assert.deepEqual(await resolveEngine("auto", present), { engine: "buildx", reason: "--engine auto: docker buildx v0.17.1 works" });
  });

  it("auto falls back to oci where buildx is missing, and says why", async () => {
    const r = await resolveEngine("auto", missing);
    assert.equal(r.engine, "oci");
    assert.match(r.reason, /buildx is not available \(`\/usr\/bin\/docker buildx version` exited with 1.*\); using the native oci engine/);
  });

  it("buildx where it works", async () => {
    assert.deepEqual(await resolveEngine("buildx", present), { engine: "buildx", reason: "--engine buildx: docker buildx v0.17.1" });
  });

  it("buildx where it is missing is a usage error (exit 2) naming doctor --fix --only buildx and the oci engine", async () => {
    const err = await rejectsUsage(resolveEngine("buildx", missing));
    assert.equal(err.exitCode, 2);
    assert.match(err.message, /^--engine buildx: buildx is not available here \(.*not a docker command\.\)/);
    assert.match(err.message, /Install it with `kimigayo doctor --fix --only buildx`/);
    assert.match(err.message, /or use the oci engine \(native: no daemon, no buildx\)/);
  });

  it("oci never probes", async () => {
    assert.equal((await resolveEngine("oci", never)).engine, "oci");
  });

  it("parseEngine accepts oci, buildx and auto and lists them otherwise", () => {
    for (const e of ["oci", "buildx", "auto"]) assert.equal(parseEngine(e), e);
    const err = usageError(() => parseEngine("kaniko"));
    assert.equal(err.message, '--engine "kaniko" is not an image engine; allowed: oci, buildx, auto');
  });
});

// ---------------------------------------------------------------------------
// Reading buildx's results
// ---------------------------------------------------------------------------

describe("parseBuildxMetadata", () => {
  const digest = `sha256:${"a".repeat(64)}`;
  it("reads the digest, descriptor, name and build ref", () => {
    const text = JSON.stringify({
      "buildx.build.ref": "kimigayo/kimigayo0/x1y2",
      "containerimage.descriptor": { mediaType: MEDIA_TYPES.ociIndex, digest, size: 856 },
      "containerimage.digest": digest,
      "image.name": "127.0.0.1:5000/kimigayo:minimal",
    });
    const m = parseBuildxMetadata(text);
    assert.equal(m.digest, digest);
    assert.deepEqual(m.descriptor, { mediaType: MEDIA_TYPES.ociIndex, digest, size: 856 });
    assert.equal(m.imageName, "127.0.0.1:5000/kimigayo:minimal");
    assert.equal(m.buildRef, "kimigayo/kimigayo0/x1y2");
  });
  it("refuses a file without an image digest, or not JSON", () => {
    assert.throws(() => parseBuildxMetadata('{"buildx.build.ref":"x"}', "m.json"), /m\.json has no containerimage\.digest/);
    assert.throws(() => parseBuildxMetadata("[1]", "m.json"), /not a JSON object/);
    assert.throws(() => parseBuildxMetadata("{", "m.json"), /m\.json is not JSON/);
  });
});

/** A layout as BuildKit's oci exporter writes it: our image plus an attestation manifest, index.json without our ref.name. */
async function buildkitStyleLayout(name: string): Promise<{ layout: string; oci: Awaited<ReturnType<typeof buildImage>>; root: string }> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  const oci = await buildImage({
    config: cfg,
    variant: minimal,
    rootfs: writeTars(dir),
    outDir: join(dir, "out"),
    sourceDateEpoch: EPOCH,
    log: silentLogger,
  });
  const layout = join(dir, "buildkit");
  await cp(oci.layout, layout, { recursive: true });
  const index = await readJsonBlob(layout, oci.index.digest, OCI.index);
  const statement = await writeBlob(layout, enc('{"_type":"https://in-toto.io/Statement/v0.1"}'));
  const attConfig = await writeBlob(layout, enc("{}"));
  const att = await writeBlob(
    layout,
    enc(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...attConfig },
        layers: [{ mediaType: "application/vnd.in-toto+json", ...statement }],
      }),
    ),
  );
  const withAtt: ImageIndex = {
    ...index,
    manifests: [
      ...index.manifests,
      {
        mediaType: MEDIA_TYPES.ociManifest,
        ...att,
        platform: { architecture: "unknown", os: "unknown" },
        annotations: { "vnd.docker.reference.digest": index.manifests[0]!.digest, "vnd.docker.reference.type": "attestation-manifest" },
      },
    ],
  };
  const root = await writeBlob(layout, enc(JSON.stringify(withAtt)));
  await writeLayoutIndex(layout, [
    { mediaType: MEDIA_TYPES.ociIndex, ...root, annotations: { "io.containerd.image.name": "docker.io/library/x:y" } },
  ]);
  await rm(join(layout, "oci-layout")); // buildx < 0.11 with tar=false
  return { layout, oci, root: root.digest };
}

describe("layoutImageResult", () => {
  it("reads a BuildKit layout into the oci engine's result shape, skipping attestations, and names the image", async () => {
    const { layout, oci, root } = await buildkitStyleLayout("read");
    const got = await layoutImageResult(layout, "2.1.0", root);
    assert.equal(got.index.digest, root);
    assert.deepEqual(
      got.manifests,
      oci.manifests,
      "platform manifests, configs, layers, diff_ids and sizes as the oci engine reports them",
    );
    assert.deepEqual((await readLayout(layout)).manifests, [
      { mediaType: MEDIA_TYPES.ociIndex, digest: root, size: got.index.size, annotations: { [ANNOTATIONS.refName]: "2.1.0" } },
    ]);
    assert.equal((await readImage(layout, "2.1.0")).manifests.length, 3, "the attestation stays in the index");
  });

  it("refuses a layout that does not hold the digest buildx reported", async () => {
    const { layout } = await buildkitStyleLayout("wrong-digest");
    await assert.rejects(layoutImageResult(layout, "2.1.0", `sha256:${"0".repeat(64)}`), /does not list the built image sha256:0000/);
  });
});

// ---------------------------------------------------------------------------
// buildWithBuildx, with a stand-in for the docker binary (buildx cannot exist here)
// ---------------------------------------------------------------------------

function recordingLogger(): Logger & { lines: { level: string; text: string }[] } {
  const lines: { level: string; text: string }[] = [];
  return {
    lines,
    info: (m) => lines.push({ level: "info", text: m }),
    warn: (m) => lines.push({ level: "warn", text: m }),
    error: (m) => lines.push({ level: "error", text: m }),
    debug: (m) => lines.push({ level: "debug", text: m }),
    step: (t) => {
      lines.push({ level: "step", text: t });
      return () => lines.push({ level: "end", text: t });
    },
    progress: () => {},
  };
}

/**
 * Stands in for `docker buildx build --output type=oci,dest=…,tar=false`: checks the argv and
 * the context, writes what BuildKit would (the image built by the oci engine from the tars in
 * the context, index.json without ref.name, no oci-layout), prints plain progress in odd-sized
 * chunks, and writes the metadata file.
 */
function fakeBuildx(scratch: string, calls: string[][]) {
  return async (cmd: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> => {
    calls.push([cmd, ...args]);
    const value = (flag: string) => args[args.indexOf(flag) + 1]!;
    assert.deepEqual(args.slice(0, 2), ["buildx", "build"]);
    const dest = /^type=oci,dest=(.+),tar=false,rewrite-timestamp=true$/.exec(value("--output"))![1]!;
    const ctx = args[args.length - 1]!;
    const dockerfile = await readFile(value("--file"), "utf8");
    assert.match(dockerfile, /^ADD rootfs\/kimigayo-minimal-\$\{TARGETARCH\}\.tar \/$/m);
    assert.equal(opts?.env?.SOURCE_DATE_EPOCH, String(EPOCH));
    const platforms = value("--platform").split(",") as Platform[];
    const rootfs = platforms.map((platform) => ({ platform, tar: join(ctx, "rootfs", `kimigayo-minimal-${platform.split("/")[1]}.tar`) }));
    const built = await buildImage({ config: cfg, variant: minimal, rootfs, outDir: scratch, sourceDateEpoch: EPOCH, log: silentLogger });
    await cp(built.layout, dest, { recursive: true });
    await writeLayoutIndex(dest, [{ mediaType: MEDIA_TYPES.ociIndex, ...built.index, annotations: { "io.containerd.image.name": "x" } }]);
    await rm(join(dest, "oci-layout"));
    const progress =
      "#1 [internal] load build definition from Dockerfile\n#1 transferring dockerfile: 694B done\n#1 DONE 0.0s\n\n#4 [linux/arm64 1/1] ADD rootfs/kimigayo-minimal-arm64.tar /\n#4 DONE 0.1s\n#6 exporting to oci image format\n";
    for (let i = 0; i < progress.length; i += 17) opts?.onOutput?.(progress.slice(i, i + 17), "stderr");
    const descriptor = { mediaType: MEDIA_TYPES.ociIndex, ...built.index };
    await writeFile(
      value("--metadata-file"),
      JSON.stringify({ "containerimage.descriptor": descriptor, "containerimage.digest": built.index.digest }),
    );
    return result(0, "", progress);
  };
}

describe("buildWithBuildx (stand-in docker)", () => {
  it("prepares the context, runs buildx with the OCI output, and returns what the oci engine would", async () => {
    const dir = join(work, "bwb");
    await mkdir(dir, { recursive: true });
    const rootfs = writeTars(dir);
    const calls: string[][] = [];
    const log = recordingLogger();
    const outDir = join(dir, "out");
    const got = await buildWithBuildx({
      config: cfg,
      variant: minimal,
      rootfs,
      outDir,
      sourceDateEpoch: EPOCH,
      log,
      builder: "kimigayo",
      runner: fakeBuildx(join(dir, "scratch"), calls),
    });
    const direct = await buildImage({
      config: cfg,
      variant: minimal,
      rootfs,
      outDir: join(dir, "direct"),
      sourceDateEpoch: EPOCH,
      log: silentLogger,
    });

    assert.equal(calls.length, 1);
    const [, ...argv] = calls[0]!;
    const ctx = join(outDir, "buildx", "minimal", "context");
    const tmp = join(outDir, "oci", `minimal.tmp-${process.pid}`);
    const ann = imageAnnotations({ config: cfg, variant: minimal, sourceDateEpoch: EPOCH });
    assert.deepEqual(
      argv,
      buildxArgs({
        variant: "minimal",
        platforms: ["linux/amd64", "linux/arm64"],
        contextDir: ctx,
        dockerfile: join(ctx, "Dockerfile"),
        output: { type: "oci", dest: tmp },
        annotations: ann,
        sourceDateEpoch: EPOCH,
        provenance: false,
        sbom: false,
        builder: "kimigayo",
        progress: "plain",
        metadataFile: join(outDir, "buildx", "minimal", "metadata.json"),
        rewriteTimestamp: true,
      }),
    );
    assert.deepEqual(got.buildx.argv, argv);
    assert.equal(got.layout, join(outDir, "oci", "minimal"));
    assert.equal(got.ref, "2.1.0");
    assert.equal(got.index.digest, direct.index.digest);
    assert.equal(got.buildx.metadata.digest, direct.index.digest);
    assert.deepEqual(got.manifests, direct.manifests);
    assert.deepEqual(await readLayout(got.layout), await readLayout(direct.layout), "index.json names the image like the oci engine's");
    assert.deepEqual((await readdir(join(outDir, "oci"))).sort(), ["minimal"], "the temporary layout is gone");

    const info = log.lines.filter((l) => l.level === "info").map((l) => l.text);
    assert.ok(info.includes("buildx minimal: #4 [linux/arm64 1/1] ADD rootfs/kimigayo-minimal-arm64.tar /"), info.join("\n"));
    assert.ok(info.includes("buildx minimal: #1 DONE 0.0s"));
    assert.ok(!info.some((t) => t.includes("transferring dockerfile")), "detail lines go to debug");
    assert.ok(log.lines.some((l) => l.level === "debug" && l.text === "buildx minimal: #1 transferring dockerfile: 694B done"));
    assert.deepEqual(
      log.lines.filter((l) => l.level === "step" || l.level === "end").map((l) => l.level),
      ["step", "end"],
    );

    const again = await buildWithEngine("buildx", {
      config: cfg,
      variant: minimal,
      rootfs,
      outDir,
      sourceDateEpoch: EPOCH,
      log: silentLogger,
      runner: fakeBuildx(join(dir, "scratch2"), []),
    });
    assert.equal(again.index.digest, got.index.digest);
    assert.equal("buildx" in again, false, "buildWithEngine returns the shared result shape");
  });

  it("keeps the previous layout and cleans up when buildx fails", async () => {
    const dir = join(work, "bwb-fail");
    await mkdir(dir, { recursive: true });
    const rootfs = writeTars(dir);
    const outDir = join(dir, "out");
    const ok = await buildWithBuildx({
      config: cfg,
      variant: minimal,
      rootfs,
      outDir,
      sourceDateEpoch: EPOCH,
      log: silentLogger,
      runner: fakeBuildx(join(dir, "s"), []),
    });
    await assert.rejects(
      buildWithBuildx({
        config: cfg,
        variant: minimal,
        rootfs,
        outDir,
        sourceDateEpoch: EPOCH,
        log: silentLogger,
        runner: () => Promise.reject(new Error("docker buildx build … exited with 1:\nERROR: failed to solve")),
      }),
      /failed to solve/,
    );
    assert.deepEqual((await readdir(join(outDir, "oci"))).sort(), ["minimal"]);
    assert.equal((await readLayout(ok.layout)).manifests[0]?.digest, ok.index.digest);
  });

  it("progressLine keeps step lines and errors", () => {
    assert.equal(progressLine("#5 [linux/amd64 1/1] ADD rootfs/x.tar /"), "info");
    assert.equal(progressLine("#5 DONE 0.2s"), "info");
    assert.equal(progressLine("#5 CACHED"), "info");
    assert.equal(progressLine("#7 exporting layers 0.1s done"), "info");
    assert.equal(progressLine("ERROR: failed to solve: x"), "info");
    assert.equal(progressLine("#5 sha256:abc 1.2MB / 3.4MB"), "debug");
    assert.equal(progressLine("#2 transferring context: 2B done"), "debug");
  });
});
