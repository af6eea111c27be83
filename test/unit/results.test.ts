/**
 * Saved results read back through the zod schemas their types are inferred from: build.json,
 * digest files, benchmark.json and GitHub event payloads. Each problem names the file, the
 * field path, the bad value and what is allowed, and exits 2.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { UsageError, formatError } from "../../src/lib/errors.js";
import { silentLogger } from "../../src/lib/log.js";
import { merge, tagSourceFrom } from "../../src/publish/publish.js";
import { parseBenchmarkEntries } from "../../src/results/benchmark.js";
import { readBuildResult, type BuildResult } from "../../src/results/build.js";
import { readDigestFile } from "../../src/results/digests.js";
import { readGitHubEvent } from "../../src/results/github-event.js";

let work: string;
before(() => (work = mkdtempSync(join(tmpdir(), "kimigayo-results-"))));
after(() => rmSync(work, { recursive: true, force: true }));

const VALID: BuildResult = {
  config: "/p/configs/kimigayo.yml",
  version: "2.1.0",
  sourceDateEpoch: 1767225600,
  busybox: { version: "1.38.0", sha256: "34f9ea6f".padEnd(64, "0"), source: { cache: "hit", signature: "not configured" } },
  out: "/p/out",
  images: [
    {
      variant: "minimal",
      platform: "linux/amd64",
      busybox: {
        binary: "/c/busybox",
        size: 300000,
        sha256: "a".repeat(64),
        applets: ["sh"],
        static: true,
        stripped: true,
        machine: "x86-64",
        cache: "miss",
      },
      rootfs: {
        tar: "/p/out/rootfs/kimigayo-minimal-amd64.tar",
        size: 4096,
        sha256: "b".repeat(64),
        files: [{ path: "bin", type: "dir", size: 0, tarBytes: 512 }],
      },
      services: { started: [], unavailable: [], notes: [] },
      sbom: "/p/out/sbom/kimigayo-minimal-amd64.spdx.json",
      seconds: { busybox: 12.5, rootfs: 0.1 },
    },
  ],
  seconds: { source: 0.2, total: 13 },
};

/** Writes `value` as <dir>/build.json and returns the folder. */
function buildDir(name: string, value: unknown): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "build.json"), typeof value === "string" ? value : JSON.stringify(value));
  return dir;
}

async function usageError(p: Promise<unknown>): Promise<UsageError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${String(e)}`);
    assert.equal(e.exitCode, 2);
    return e;
  }
  assert.fail("expected a UsageError");
}

describe("build.json", () => {
  test("a valid one reads back as it was written", async () => {
    const { file, build } = await readBuildResult(buildDir("ok", VALID));
    assert.equal(file, join(work, "ok", "build.json"));
    assert.deepEqual(build, VALID);
  });

  const cases: { name: string; value: unknown; message: RegExp; field?: string }[] = [
    {
      name: "not JSON",
      value: "{",
      message: /build\.json: not JSON \(.*\); expected a build result written by `kimigayo build`: run `kimigayo build` again/,
    },
    {
      name: "a platform that is not one",
      value: { ...VALID, images: [{ ...VALID.images[0], platform: "linux/s390x" }] },
      message:
        /build\.json is not a build result written by `kimigayo build`:\n {2}images\[0\]\.platform: expected "linux\/amd64" or "linux\/arm64", got "linux\/s390x"\nrun `kimigayo build` again/,
      field: "images[0].platform",
    },
    {
      name: "a missing field",
      value: { ...VALID, images: [{ ...VALID.images[0], rootfs: undefined }] },
      message: /images\[0\]\.rootfs: required field is missing; expected an object/,
      field: "images[0].rootfs",
    },
    {
      name: "a size that is not a number",
      value: { ...VALID, images: [{ ...VALID.images[0], busybox: { ...VALID.images[0]!.busybox, size: "300 KB" } }] },
      message: /images\[0\]\.busybox\.size: expected a number, got "300 KB"/,
      field: "images[0].busybox.size",
    },
    {
      name: "a negative size",
      value: { ...VALID, seconds: { source: -1, total: 1 } },
      message: /seconds\.source: Too small: expected number to be >=0, got -1/,
    },
    { name: "a list instead of an object", value: [VALID], message: /\(top level\): expected an object, got a list/ },
  ];
  for (const c of cases) {
    test(`refused: ${c.name}`, async () => {
      const e = await usageError(readBuildResult(buildDir(c.name.replace(/\W+/g, "-"), c.value)));
      assert.match(e.message, c.message);
      assert.equal(e.where?.file, join(work, c.name.replace(/\W+/g, "-"), "build.json"));
      if (c.field) assert.equal(e.where?.field, c.field);
      // The message starts with the file, so the CLI prints it once.
      assert.equal(formatError(e), e.message);
    });
  }

  test("a missing one says to run the build first", async () => {
    const e = await usageError(readBuildResult(join(work, "nothing-here")));
    assert.match(e.message, /^no build result at .*nothing-here\/build\.json: run `kimigayo build` first \(or pass --out\)$/);
  });
});

describe("digest files", () => {
  const valid = {
    image: "127.0.0.1:5000/kimigayo",
    variant: "minimal",
    platform: "linux/arm64",
    digest: `sha256:${"c".repeat(64)}`,
    size: 1234,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    annotations: { "org.opencontainers.image.version": "2.1.0" },
  };
  const write = (name: string, value: unknown) => {
    const f = join(work, `${name}.json`);
    writeFileSync(f, JSON.stringify(value));
    return f;
  };

  test("a valid one reads back", async () => {
    assert.deepEqual(await readDigestFile(write("digest-ok", valid)), valid);
  });

  test("a bad digest, a bad platform and a missing field are each named", async () => {
    const f = write("digest-bad", { ...valid, digest: "sha256:abc", platform: "arm64", size: undefined });
    const e = await usageError(readDigestFile(f));
    assert.match(e.message, /digest-bad\.json is not a digest file written by `kimigayo publish --by-digest`:/);
    assert.match(e.message, /platform: expected "linux\/amd64" or "linux\/arm64", got "arm64"/);
    assert.match(e.message, /digest: expected a digest sha256:<64 hex digits>, got "sha256:abc"/);
    assert.match(e.message, /size: required field is missing; expected a number/);
  });

  test("merge refuses a bad digest file before it contacts the registry", async () => {
    const f = write("digest-merge", { ...valid, annotations: { n: 1 } });
    const e = await usageError(
      merge({ image: "127.0.0.1:9/kimigayo", files: [f], tags: { plans: [], prerelease: false }, log: silentLogger }),
    );
    assert.match(e.message, /annotations\.n: expected a string, got 1/);
  });
});

describe("benchmark.json", () => {
  test("entries are checked field by field, naming the entry", () => {
    assert.deepEqual(parseBenchmarkEntries('[{"name":"a","unit":"ms","value":1.5,"extra":"n=3"}]', "b.json"), [
      { name: "a", unit: "ms", value: 1.5, extra: "n=3" },
    ]);
    assert.throws(() => parseBenchmarkEntries('[{"name":"a","unit":"ms","value":1},{"name":"b","unit":2,"value":1}]', "b.json"), {
      message: 'b.json: entry 1 (b): "unit" must be a string',
    });
    assert.throws(() => parseBenchmarkEntries('[{"name":"","unit":"ms","value":1}]', "b.json"), {
      message: 'b.json: entry 0: "name" must be a non-empty string',
    });
    assert.throws(() => parseBenchmarkEntries("[3]", "b.json"), { message: "b.json: entry 0: expected an object, got 3" });
  });
});

describe("GitHub event payloads", () => {
  test("no path, or no file there, is an empty event", async () => {
    assert.deepEqual(await readGitHubEvent(undefined), {});
    assert.deepEqual(await readGitHubEvent(join(work, "no-event.json")), {});
  });

  test("the fields read are checked; the rest of the payload is kept", async () => {
    const f = join(work, "event.json");
    writeFileSync(f, JSON.stringify({ pull_request: { number: 7, head: { sha: "abc" }, title: "t" }, action: "opened" }));
    const e = await readGitHubEvent(f);
    assert.equal(e.pull_request?.number, 7);
    assert.equal(e.pull_request?.head?.sha, "abc");
    writeFileSync(f, JSON.stringify({ pull_request: { number: "7" } }));
    const bad = await usageError(readGitHubEvent(f));
    assert.match(
      bad.message,
      /event\.json is not a GitHub event payload \(GITHUB_EVENT_PATH\):\n {2}pull_request\.number: expected a number, got "7"/,
    );
  });

  test("a pull request's tags come from the checked payload", async () => {
    const f = join(work, "pr-event.json");
    writeFileSync(f, JSON.stringify({ pull_request: { number: 42, head: { sha: "d".repeat(40) } } }));
    const source = await tagSourceFrom({
      env: { GITHUB_REF: "refs/pull/42/merge", GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: f },
      cwd: work,
    });
    assert.deepEqual(source, { kind: "pr", number: 42, headSha: "d".repeat(40) });
  });
});
