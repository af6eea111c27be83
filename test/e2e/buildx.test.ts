/**
 * The buildx engine for real, compared with the native oci engine.
 *
 * Driver: every test here runs on buildx's **docker** driver, the builder this machine has after
 * `kimigayo doctor --fix --only buildx` (Debian 13's Docker Engine 26 with the containerd image
 * store, which lets the docker driver export OCI layouts and multi-platform images). GitHub's
 * docker/setup-buildx-action makes a **docker-container** builder instead (the action does the
 * same where the current builder cannot export OCI, src/action/setup.ts); that driver runs the
 * moby/buildkit image, which cannot be pulled here, so no test covers it on this machine.
 *
 * The BusyBox builds come from the shared content-addressed cache (seconds when another file or
 * an earlier run built them); only the minimal variant is built, for both platforms.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import type { BuildResult, LayoutBuild } from "../../src/results/build.js";
import type { PublishResult } from "../../src/publish/publish.js";
import { BUILDX_PACKAGES, DAEMON_JSON, isDebian12, TRIXIE_SOURCES_FILE } from "../../src/doctor/buildx.js";
import { dockerBin, READY_LINE } from "../../src/lib/docker.js";
import { fileDifferences, manifestFiles } from "../../src/oci/layer-files.js";
import { readBlob, readJsonBlob } from "../../src/oci/layout.js";
import { OCI } from "../../src/oci/schema.js";
import { needs } from "../support/prerequisites.js";
import { cli, E2E_DIR, ROOT } from "./fixture.js";

const EPOCH = "1767225600";
const REGISTRY = "127.0.0.1:5000";
const run = `e2e-buildx-${process.pid}-${Date.now().toString(36)}`;
const need = await needs("buildx", "dockerd", "registry", "binfmt", "root");

function build(engine: "buildx" | "oci", out: string): { result: BuildResult; stderr: string } {
  const r = cli(
    ["build", "--verbose", "--variant", "minimal", "--platform", "linux/amd64,linux/arm64", "--engine", engine, "--out", out, "--json"],
    {
      SOURCE_DATE_EPOCH: EPOCH,
    },
  );
  assert.equal(r.code, 0, `kimigayo build --engine ${engine}: ${r.stderr.slice(-3000)}`);
  return { result: JSON.parse(r.stdout) as BuildResult, stderr: r.stderr };
}

function only(b: BuildResult): LayoutBuild {
  assert.equal(b.layouts?.length, 1);
  return b.layouts[0]!;
}

describe("engine buildx (docker driver) beside engine oci: the same config through both", { skip: need.skip }, () => {
  beforeEach(need.check);
  const outBuildx = join(E2E_DIR, "buildx-out");
  const outOci = join(E2E_DIR, "oci-out");
  let bx: { result: BuildResult; stderr: string };
  let oci: BuildResult;

  before(() => {
    if (need.missing.length > 0) return;
    bx = build("buildx", outBuildx);
    oci = build("oci", outOci).result;
  });

  it("one `docker buildx build --platform linux/amd64,linux/arm64` (docker driver) writes the variant's OCI layout", async () => {
    assert.equal(bx.result.engine?.engine, "buildx");
    assert.match(bx.result.engine?.reason ?? "", /driver docker\)/, "the docker driver built it");
    const calls = bx.stderr.split("\n").filter((l) => / buildx build /.test(l));
    assert.equal(calls.length, 1, `one buildx build for the variant:\n${calls.join("\n")}`);
    assert.match(calls[0]!, / --platform linux\/amd64,linux\/arm64 /);
    const l = only(bx.result);
    assert.equal(l.engine, "buildx");
    const index = await readJsonBlob(l.layout, l.index.digest, OCI.index);
    assert.deepEqual(
      index.manifests.map((m) => [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join("/")),
      ["linux/amd64", "linux/arm64/v8"],
      "the platforms as the oci engine and merge write them",
    );
    const ociIndex = await readJsonBlob(only(oci).layout, only(oci).index.digest, OCI.index);
    assert.deepEqual(index.annotations, ociIndex.annotations);
    assert.deepEqual(readdirSync(l.layout).sort(), ["blobs", "index.json", "oci-layout"]);
  });

  for (const [n, platform] of ["linux/amd64", "linux/arm64"].entries()) {
    it(`${platform}: the same files in the rootfs as the oci engine (path, type, size, mode, sha256)`, async () => {
      const a = only(bx.result).manifests[n]!;
      const b = only(oci).manifests[n]!;
      assert.equal(a.platform, platform);
      const files = await manifestFiles(only(bx.result).layout, a.digest);
      const want = await manifestFiles(only(oci).layout, b.digest);
      assert.ok(want.length > 40, `the minimal rootfs has its files (${want.length})`);
      assert.deepEqual(fileDifferences(files, want, ["buildx", "oci"]), []);
    });

    it(`${platform}: the bytes differ only where the README says (layer order of hard links, gzip, config history)`, async () => {
      const lx = only(bx.result);
      const lo = only(oci);
      const a = lx.manifests[n]!;
      const b = lo.manifests[n]!;
      // The same uncompressed size: the same entries and headers, only the hard-link groups ordered otherwise.
      assert.equal(a.uncompressedSize, b.uncompressedSize);
      const tarX = gunzipSync(await readBlob(lx.layout, a.layers[0]!.digest));
      const tarO = gunzipSync(await readBlob(lo.layout, b.layers[0]!.digest));
      assert.equal(tarX.length, tarO.length);
      assert.notEqual(a.layers[0]!.diffId, b.layers[0]!.diffId, "if this now holds, README's engine table must say the diff_ids are equal");
      const cx = await readJsonBlob(lx.layout, a.config, OCI.config);
      const co = await readJsonBlob(lo.layout, b.config, OCI.config);
      for (const k of ["Env", "Cmd", "Labels", "StopSignal"] as const) assert.deepEqual(cx.config?.[k], co.config?.[k], k);
      assert.equal(cx.created, co.created, "SOURCE_DATE_EPOCH reaches BuildKit");
      assert.ok(
        cx.history?.every((h) => h.created === co.created),
        "every history entry at the epoch",
      );
      assert.equal(cx.architecture, co.architecture);
      const mx = await readJsonBlob(lx.layout, a.digest, OCI.manifest);
      const mo = await readJsonBlob(lo.layout, b.digest, OCI.manifest);
      assert.deepEqual(mx.annotations, mo.annotations);
    });
  }

  it("buildx is reproducible too: a second (warm) build gives the same index digest", () => {
    const again = build("buildx", join(E2E_DIR, "buildx-out-2")).result;
    assert.equal(only(again).index.digest, only(bx.result).index.digest);
  });

  it("publish --smoke of the buildx layout: the arm64 image boots under QEMU to the ready line", () => {
    const image = `${REGISTRY}/${run}/kimigayo`;
    const r = cli(["publish", "--out", outBuildx, "--image", image, "--version", "2.1.0", "--smoke", "--json"]);
    assert.equal(r.code, 0, r.stderr.slice(-3000));
    const published = JSON.parse(r.stdout) as PublishResult & { smoke?: { platform: string; boot: { line: string } }[] };
    assert.equal(published.variants[0]?.index, only(bx.result).index.digest, "the registry holds the buildx layout's index");
    const arm = published.smoke?.find((s) => s.platform === "linux/arm64");
    assert.ok(arm, `a smoke run for linux/arm64: ${JSON.stringify(published.smoke)}`);
    assert.match(arm.boot.line, READY_LINE);
    assert.equal(published.smoke?.length, 2);
  });
});

describe("what `kimigayo doctor --fix --only buildx` left on this machine", { skip: need.skip }, () => {
  beforeEach(need.check);
  it("Debian 12: only docker.io, docker-cli and docker-buildx from trixie; apt offers nothing else from it; the containerd image store is on", () => {
    const daemon = JSON.parse(readFileSync(DAEMON_JSON, "utf8")) as { features?: Record<string, unknown> };
    assert.equal(daemon.features?.["containerd-snapshotter"], true, DAEMON_JSON);
    const info = spawnSync(dockerBin(), ["info", "--format", "{{json .DriverStatus}}"], { encoding: "utf8" });
    assert.match(info.stdout, /io\.containerd\.snapshotter/, "dockerd runs with the containerd image store");
    if (!isDebian12()) {
      assert.ok(!existsSync(join("/etc/apt/sources.list.d", TRIXIE_SOURCES_FILE)), "no trixie entry off Debian 12");
      return;
    }
    // apt-cache policy: the installed version (***) and the archives that offer it.
    const policy = spawnSync("apt-cache", ["policy", ...BUILDX_PACKAGES, "libc6", "containerd", "runc"], { encoding: "utf8" });
    const from13 = policy.stdout
      .split(/^(?=\S+:$)/m)
      .filter((block) => {
        const installed = /^ \*\*\* .*\n((?: {8}.*\n)*)/m.exec(block);
        return / trixie\//.test(installed?.[1] ?? "");
      })
      .map((block) => block.split(":")[0])
      .sort();
    assert.deepEqual(from13, [...BUILDX_PACKAGES].sort(), policy.stdout);
    const upgrade = spawnSync("apt-get", ["-s", "dist-upgrade"], { encoding: "utf8" });
    assert.equal(upgrade.status, 0, upgrade.stderr);
    const offered = upgrade.stdout.split("\n").filter((l) => l.startsWith("Inst ") && /Debian:13/.test(l));
    assert.deepEqual(offered, [], "the pin keeps every other package on Debian 12");
  });
});

/**
 * A real machine without buildx: the same docker client and daemon, with the plugin folder hidden
 * under an empty tmpfs in a private mount namespace (unshare -m), so `docker buildx` is "not a
 * docker command" for this process only.
 */
describe("engine buildx on a machine without buildx: exit 2 naming doctor, before any compile", { skip: need.skip }, () => {
  beforeEach(need.check);
  const PLUGINS = "/usr/libexec/docker/cli-plugins";
  let work: string;
  before(() => (work = mkdtempSync(join(tmpdir(), "kimigayo-nobuildx-"))));
  after(() => rmSync(work, { recursive: true, force: true }));

  function withoutBuildx(argv: string[], env: NodeJS.ProcessEnv) {
    const script = `mount -t tmpfs tmpfs ${PLUGINS} && exec "$@"`;
    const r = spawnSync("unshare", ["--mount", "--propagation", "private", "sh", "-c", script, "sh", ...argv], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: "utf8",
      timeout: 120_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  const rows = [
    {
      name: "the CLI flag --engine buildx",
      argv: [process.execPath, "--import", "tsx", join(ROOT, "src/cli.ts"), "build", "--variant", "minimal", "--engine", "buildx"],
      env: {},
      message: /--engine buildx: buildx is not available here \(.*'buildx' is not a docker command/,
    },
    {
      name: "the action input engine: buildx",
      argv: [process.execPath, "--import", "tsx", join(ROOT, "src/index.ts")],
      env: { INPUT_COMMAND: "build", INPUT_ENGINE: "buildx", INPUT_VARIANT: "minimal", INPUT_CONFIG: join(ROOT, "configs/kimigayo.yml") },
      message: /engine: buildx: buildx is not available here \(.*'buildx' is not a docker command/,
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.ok(existsSync(PLUGINS), `${PLUGINS} holds docker-buildx here`);
      const cache = join(work, row.name.replace(/\W+/g, "-"));
      mkdirSync(cache, { recursive: true });
      const out = join(cache, "out");
      const t = Date.now();
      const r = withoutBuildx(row.argv, { ...row.env, KIMIGAYO_CACHE: cache, GITHUB_WORKSPACE: work, INPUT_OUT: out });
      assert.equal(r.code, 2, `exit 2:\n${r.stdout}\n${r.stderr}`);
      const said = `${r.stdout}\n${r.stderr}`;
      assert.match(said, row.message);
      assert.match(said, /kimigayo doctor --fix --only buildx/);
      assert.deepEqual(
        readdirSync(cache).filter((f) => f !== "out"),
        [],
        "nothing downloaded, nothing compiled",
      );
      assert.ok(Date.now() - t < 60_000);
    });
  }
});
