/**
 * The action's BusyBox build cache through @actions/cache, for real: the same build job (command
 * build, minimal, linux/amd64) on the imitated runner (test/support/runner.ts), twice, each time
 * with an empty runner cache, against the Actions cache service stand-in
 * (test/support/actions-cache.ts) whose blobs are in Azurite. The first run compiles and saves
 * (the entry uploaded to Azurite through the Azure SDK and finalized); the second restores it
 * (downloaded through the Azure SDK: the blob URLs name an Azure-looking host that resolves to
 * loopback here) and compiles nothing, nor saves again. Then a pull request's job restores the
 * default branch's entry from its own scope and compiles nothing either. The workspace has no
 * configs/kimigayo.yml, so the action builds its built-in config, and the key is that config's.
 * The unpacked locked toolchain travels the same way under the lock's digest: the first run fetches
 * and saves it, the later ones restore it before setup.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { cacheKeys, toolchainCacheKey } from "../../src/action/cache.js";
import { ensureAzureBlobHostName, startActionsCache, type ActionsCacheService } from "../support/actions-cache.js";
import { needs } from "../support/prerequisites.js";
import {
  RUNNER_HOME,
  cleanRunnerWork,
  ensureRunnerUser,
  newJob,
  newWorkspace,
  node24,
  resetRunnerCache,
  runAction,
  seedSourceCache,
  unpackAction,
  type EventSpec,
  type StepResult,
  type Workspace,
} from "../support/runner.js";

const need = await needs("root", "dockerd", "musl-amd64");
const STEP_TIMEOUT = 20 * 60_000;
const INPUTS = { command: "build", variants: "minimal", platforms: "linux/amd64" };

function tail(r: StepResult): string {
  return `exit ${r.code}; log:\n${r.log.replace(/^::debug::.*\n/gm, "").slice(-4000)}`;
}

/** How many BusyBox compiles a step's log reports. */
const compiles = (r: StepResult) => (r.log.match(/: compiling BusyBox /g) ?? []).length;

describe("the BusyBox build cache through @actions/cache, against the cache service stand-in and Azurite", { skip: need.skip }, () => {
  let svc: ActionsCacheService;
  let actionDir = "";
  let workspace: Workspace | undefined;
  let key = "";
  /** The unpacked locked toolchain's key: the lock's digest of this host's set. */
  const toolchainKey = toolchainCacheKey().key;

  before(async () => {
    need.check();
    ensureRunnerUser();
    node24();
    actionDir = unpackAction("v2");
    svc = await startActionsCache({ blobHost: ensureAzureBlobHostName() });
    workspace = newWorkspace("kimigayo-cache", { "README.md": "# Uses kimigayo/build-action@v2 with its built-in config\n" });
    // The key of the action's built-in config, as the action computes it (paths do not count).
    key = (await cacheKeys(join(actionDir, "configs/kimigayo.yml"), {})).key;
  });

  after(async () => {
    await svc?.close();
    cleanRunnerWork(...(workspace ? [workspace] : []));
  });

  /** The build step as a job of `event` on a fresh runner: an empty ~runner/.cache/kimigayo. */
  async function buildJob(event: EventSpec, seed: boolean): Promise<StepResult> {
    resetRunnerCache();
    if (seed) seedSourceCache(join(actionDir, "configs/kimigayo.yml"));
    const job = newJob({ workspace: workspace!.dir, repository: "octo-org/kimigayo-cache", event, serviceEnv: svc.jobEnv(event) });
    const r = await runAction({ job, actionDir, inputs: INPUTS, timeoutMs: STEP_TIMEOUT });
    assert.equal(r.code, 0, tail(r));
    // A cache failure only warns (@actions/cache's "Failed to save/restore", the action's "build cache … failed").
    assert.deepEqual(
      r.annotations.filter((a) => a.level === "error" || /Failed to (save|restore)|build cache|Cache reservation/.test(a.message)),
      [],
    );
    return r;
  }

  function busyboxCache(r: StepResult): string[] {
    const file = r.outputs["build-json"]!;
    const build = JSON.parse(readFileSync(isAbsolute(file) ? file : resolve(workspace!.dir, file), "utf8")) as {
      images: { busybox: { cache: string; binary: string } }[];
    };
    for (const i of build.images) assert.ok(i.busybox.binary.startsWith(`${RUNNER_HOME}/.cache/kimigayo/`), i.busybox.binary);
    return build.images.map((i) => i.busybox.cache);
  }

  const seconds = (r: StepResult) => `${(r.ms / 1000).toFixed(1)} s`;

  it("first run on main: no entry; compiles once; saves through @actions/cache (uploaded to Azurite, finalized)", async (t) => {
    const r = await buildJob({ branch: "main" }, true);
    t.diagnostic(`first run: ${compiles(r)} compile(s) in ${seconds(r)}`);
    assert.match(r.log, new RegExp(`build cache: nothing restored for ${key}`));
    assert.equal(compiles(r), 1, tail(r));
    assert.deepEqual(busyboxCache(r), ["miss"]);
    assert.match(r.log, new RegExp(`build cache saved as ${key}`), tail(r));
    // The Azure SDK's upload to the signed URL.
    assert.match(r.log, /^Sent \d+ of \d+ \(100\.0%\)/m);
    const entry = svc.entries.find((e) => e.key === key);
    assert.ok(entry?.finalized, `the entry is finalized: ${JSON.stringify(svc.entries)}`);
    assert.equal(entry.scope, "refs/heads/main");
    assert.ok(entry.size! > 100_000, `the archive holds the build and the source tarball (${entry.size} B)`);
    assert.equal(await svc.blobSize(entry), entry.size, "Azurite holds the finalized size");
    // The toolchain: looked up before setup (a miss), fetched by the build, saved after the build's entry.
    assert.match(r.log, new RegExp(`toolchain cache: nothing restored for ${toolchainKey}`));
    assert.match(r.log, new RegExp(`toolchain cache saved as ${toolchainKey}`), tail(r));
    assert.ok(svc.entries.find((e) => e.key === toolchainKey)?.finalized, "the toolchain entry is finalized");
    assert.deepEqual(
      svc.calls.map((c) => `${c.method} ${c.code}`),
      [
        "GetCacheEntryDownloadURL ok",
        "GetCacheEntryDownloadURL ok",
        "CreateCacheEntry ok",
        "FinalizeCacheEntryUpload ok",
        "CreateCacheEntry ok",
        "FinalizeCacheEntryUpload ok",
      ],
    );
  });

  it("second run on main, on a fresh runner without the source tarball: restores through @actions/cache, compiles nothing, saves nothing", async (t) => {
    const before = svc.calls.length;
    const r = await buildJob({ branch: "main" }, false);
    t.diagnostic(`second run: ${compiles(r)} compile(s) in ${seconds(r)}`);
    assert.match(r.log, new RegExp(`^Cache hit for: ${key}$`, "m"), tail(r));
    // The Azure SDK's download (the plain HTTP one prints no such line).
    assert.match(r.log, /^Received \d+ of \d+ \(100\.0%\)/m);
    assert.match(r.log, new RegExp(`build cache restored \\(${key}\\)`));
    assert.match(r.log, new RegExp(`toolchain cache restored \\(${toolchainKey}\\)`));
    assert.equal(compiles(r), 0, tail(r));
    assert.deepEqual(busyboxCache(r), ["hit"]);
    assert.deepEqual(
      svc.calls.slice(before).map((c) => `${c.method} ${c.code}`),
      ["GetCacheEntryDownloadURL ok", "GetCacheEntryDownloadURL ok"],
      "exact hits (the toolchain, the build) are not saved again",
    );
  });

  it("a pull request's job restores the default branch's entry and compiles nothing", async (t) => {
    const before = svc.calls.length;
    const r = await buildJob({ pullRequest: 5 }, false);
    t.diagnostic(`pull request run: ${compiles(r)} compile(s) in ${seconds(r)}`);
    assert.match(r.log, new RegExp(`^Cache hit for: ${key}$`, "m"), tail(r));
    assert.equal(compiles(r), 0, tail(r));
    assert.deepEqual(
      svc.calls.slice(before).map((c) => `${c.method} ${c.code}`),
      ["GetCacheEntryDownloadURL ok", "GetCacheEntryDownloadURL ok"],
    );
    assert.deepEqual(
      svc.entries.map((e) => e.scope),
      ["refs/heads/main", "refs/heads/main"],
    );
  });
});
