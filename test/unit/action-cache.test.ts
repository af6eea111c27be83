/**
 * The key under which the action saves its BusyBox builds (src/action/cache.ts): it changes with
 * what decides the binaries, wherever that is written (a base config too), not with file paths or
 * with what only the rootfs uses; a miss restores from entries of the same OS and architecture.
 * Then restore and save for real, through @actions/cache, against the cache service stand-in
 * (test/support/actions-cache.ts): what they log and when they save. Every tree is written under a
 * mkdtemp folder.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  cacheKeys,
  restoreBuildCache,
  restoreToolchainCache,
  saveBuildCache,
  saveToolchainCache,
  toolchainCacheKey,
} from "../../src/action/cache.js";
import { hostArchitecture } from "../../src/lib/platform.js";
import { lockDigest, readLock } from "../../src/toolchain/lock.js";
import { toolchainRoute } from "../../src/toolchain/route.js";
import type { Logger } from "../../src/lib/log.js";
import { startActionsCache, type ActionsCacheService } from "../support/actions-cache.js";

const ROOT = join(import.meta.dirname, "../..");
const SHA = "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2";
const tmp = mkdtempSync(join(tmpdir(), "kimigayo-action-cache-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

let trees = 0;
function tree(files: Record<string, string>): string {
  const dir = join(tmp, `t${++trees}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const yml = (o: { epoch?: number; patches?: string; image?: string } = {}) => `version: 1.0.0
source_date_epoch: ${o.epoch ?? 100}
busybox:
  version: 1.38.0
  sha256: ${SHA}
  urls: [https://busybox.net/downloads/busybox-1.38.0.tar.bz2]
  patches: [${o.patches ?? "p/x.patch"}]
platforms: [linux/amd64]
image: ${o.image ?? "127.0.0.1:5000/base"}
files:
  - { path: /etc/rc.conf, src: etc/rc.conf }
variants:
  small:
    description: the small one
    busybox: bb/small.config
    services: svc/small.list
    default: true
    budget: { size: 200KB }
`;
const FILES = {
  "kimigayo.yml": yml(),
  "p/x.patch": "--- a\n+++ b\n",
  "etc/rc.conf": "rc\n",
  "bb/small.config": "CONFIG_ASH=y\n",
  "svc/small.list": "boot urandom -\n",
};

const keyOf = async (dir: string, file = "kimigayo.yml", env: NodeJS.ProcessEnv = {}) => (await cacheKeys(file, env, dir)).key;

const base = await keyOf(tree(FILES));

describe("the BusyBox cache key", () => {
  test("is this runner's OS and architecture, then a digest; a miss restores only from the same OS and architecture", async () => {
    const prefix = `kimigayo-busybox-v1-${platform()}-${arch()}-`;
    const { key, restoreKeys } = await cacheKeys("kimigayo.yml", {}, tree(FILES));
    assert.match(key, new RegExp(`^${prefix}[0-9a-f]{24}$`));
    assert.deepEqual(restoreKeys, [prefix]);
  });

  test("the same inputs in other folders (another workspace, another ref of the action): the same key", async () => {
    const a = tree(FILES);
    const b = join(tmp, "elsewhere", "deeper");
    cpSync(a, b, { recursive: true });
    assert.equal(await keyOf(b), await keyOf(a));
  });

  const cases: { name: string; files: Record<string, string>; env?: NodeJS.ProcessEnv; same: boolean }[] = [
    { name: "a fragment's text", files: { ...FILES, "bb/small.config": "CONFIG_ASH=y\nCONFIG_LS=y\n" }, same: false },
    { name: "a patch's text", files: { ...FILES, "p/x.patch": "--- a\n+++ c\n" }, same: false },
    { name: "the config's epoch", files: { ...FILES, "kimigayo.yml": yml({ epoch: 200 }) }, same: false },
    { name: "SOURCE_DATE_EPOCH", files: FILES, env: { SOURCE_DATE_EPOCH: "200" }, same: false },
    {
      name: "a patch moved to another path, same text",
      files: { ...FILES, "kimigayo.yml": yml({ patches: "q/y.patch" }), "q/y.patch": FILES["p/x.patch"] },
      same: true,
    },
    {
      name: "what only the rootfs and image use (rootfs file, image)",
      files: { ...FILES, "etc/rc.conf": "other\n", "kimigayo.yml": yml({ image: "ghcr.io/acme/x" }) },
      same: true,
    },
  ];
  for (const c of cases) {
    test(`${c.same ? "keeps" : "changes"} with ${c.name}`, async () => {
      const key = await keyOf(tree(c.files), "kimigayo.yml", c.env ?? {});
      if (c.same) assert.equal(key, base);
      else assert.notEqual(key, base);
    });
  }

  test("a base config's fragment counts, though it lives outside the user's folder", async () => {
    const baseA = tree(FILES);
    const baseB = tree({ ...FILES, "bb/small.config": "CONFIG_ASH=y\nCONFIG_VI=y\n" });
    const user = (b: string) => tree({ "kimigayo.yml": `base: ${join(b, "kimigayo.yml")}\nimage: ghcr.io/acme/user\n` });
    assert.notEqual(await keyOf(user(baseA)), await keyOf(user(baseB)));
    assert.equal(await keyOf(user(baseA)), await keyOf(user(baseA)));
  });

  test("the default config input without that file in the workspace: the key of the action's built-in config", async () => {
    const empty = tree({ "README.md": "no config here\n" });
    assert.equal(await keyOf(empty, "configs/kimigayo.yml"), await keyOf(ROOT, join(ROOT, "configs/kimigayo.yml")));
  });
});

describe("restore and save through @actions/cache, against the cache service stand-in", () => {
  let svc: ActionsCacheService;
  const saved = { ...process.env };
  const cache = join(tmp, "runner-cache");
  let config = "";
  before(async () => {
    svc = await startActionsCache();
    config = join(tree(FILES), "kimigayo.yml");
    const work = join(tmp, "workspace");
    mkdirSync(join(tmp, "runner-temp"), { recursive: true });
    mkdirSync(work, { recursive: true });
    // @actions/cache reads the runner's variables from this process's environment.
    Object.assign(process.env, svc.jobEnv({ branch: "main" }), {
      RUNNER_TEMP: join(tmp, "runner-temp"),
      GITHUB_WORKSPACE: work,
      GITHUB_SERVER_URL: "https://github.com",
      KIMIGAYO_CACHE: cache,
    });
  });
  after(async () => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    await svc?.close();
  });

  function logger(): Logger & { lines: string[] } {
    const lines: string[] = [];
    const add = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
    return {
      lines,
      info: add("info"),
      warn: add("warn"),
      error: add("error"),
      debug: add("debug"),
      step: () => () => {},
      progress: () => {},
    };
  }

  test("a miss, a save; saving the same key again says it did not save; a fresh cache restores it; a hit saves nothing", async () => {
    mkdirSync(join(cache, "busybox", "k1"), { recursive: true });
    mkdirSync(join(cache, "sources", "sha256"), { recursive: true });
    writeFileSync(join(cache, "busybox", "k1", "busybox"), "binary");
    writeFileSync(join(cache, "sources", "sha256", "abc"), "tarball");
    const { key } = await cacheKeys(config, {});
    let log = logger();
    const miss = await restoreBuildCache(config, log);
    assert.deepEqual([miss?.key, miss?.hit], [key, false]);
    assert.deepEqual(log.lines, [`info build cache: nothing restored for ${key}`]);

    log = logger();
    await saveBuildCache(miss!, log);
    assert.deepEqual(log.lines, [`info build cache saved as ${key}`]);
    assert.ok(svc.entries.find((e) => e.key === key)?.finalized);
    log = logger();
    await saveBuildCache(miss!, log);
    assert.deepEqual(log.lines, [`info build cache not saved as ${key} (see above)`], "the service answered: already exists");

    rmSync(cache, { recursive: true });
    log = logger();
    const hit = await restoreBuildCache(config, log);
    assert.deepEqual([hit?.key, hit?.hit], [key, true]);
    assert.deepEqual(log.lines, [`info build cache restored (${key})`]);
    assert.equal(readFileSync(join(cache, "busybox", "k1", "busybox"), "utf8"), "binary");
    assert.equal(readFileSync(join(cache, "sources", "sha256", "abc"), "utf8"), "tarball");
    const calls = svc.calls.length;
    await saveBuildCache(hit!, logger());
    assert.equal(svc.calls.length, calls, "an exact hit calls the service no more");
  });

  test("the unpacked locked toolchain: keyed by the lock's digest; nothing saved without a tree; saved, restored into a fresh cache, then the lock's route", async () => {
    const lock = readLock();
    const host = hostArchitecture();
    const { key, path } = toolchainCacheKey();
    assert.equal(key, `kimigayo-toolchain-v1-${platform()}-${host}-${lockDigest(lock, host).slice(7)}`);
    assert.equal(path, join(cache, "toolchain", lockDigest(lock, host).slice(7, 39)));

    let log = logger();
    const miss = await restoreToolchainCache(log);
    assert.deepEqual([miss?.key, miss?.hit], [key, false]);
    assert.deepEqual(log.lines, [`info toolchain cache: nothing restored for ${key}`]);
    // A host-toolchain build unpacked nothing: nothing to save, no call to the service.
    let calls = svc.calls.length;
    log = logger();
    await saveToolchainCache(miss!, log);
    assert.equal(svc.calls.length, calls);
    assert.match(log.lines.join("\n"), /^debug toolchain cache: no locked toolchain was unpacked in this job/);

    mkdirSync(join(path, "root", "usr", "bin"), { recursive: true });
    writeFileSync(join(path, "root", "usr", "bin", "x86_64-linux-gnu-gcc-12"), "gcc");
    log = logger();
    await saveToolchainCache(miss!, log);
    assert.deepEqual(log.lines, [`info toolchain cache saved as ${key}`]);
    assert.ok(svc.entries.find((e) => e.key === key)?.finalized);

    rmSync(cache, { recursive: true });
    const apt = mkdtempSync(join(tmp, "apt-")); // no Debian archive named: without the tree, the host's route
    assert.equal(toolchainRoute(lock, host, { KIMIGAYO_APT_DIR: apt }, cache).kind, "host");
    log = logger();
    const hit = await restoreToolchainCache(log);
    assert.deepEqual([hit?.hit, log.lines], [true, [`info toolchain cache restored (${key})`]]);
    assert.equal(readFileSync(join(path, "root", "usr", "bin", "x86_64-linux-gnu-gcc-12"), "utf8"), "gcc");
    assert.equal(toolchainRoute(lock, host, { KIMIGAYO_APT_DIR: apt }, cache).kind, "lock", "a restored tree is the lock's route");
    calls = svc.calls.length;
    await saveToolchainCache(hit!, logger());
    const again = await restoreToolchainCache(logger());
    assert.deepEqual([again?.hit, svc.calls.length], [true, calls], "a tree on disk: no call to the service");
  });

  test("a config that does not load: no cache and no warning (the command reports it as bad input)", async () => {
    const log = logger();
    assert.equal(await restoreBuildCache(join(tmp, "no-such", "kimigayo.yml"), log), undefined);
    assert.equal(log.lines.length, 1);
    assert.match(log.lines[0]!, /^debug build cache skipped: config file .* does not exist$/);
  });
});
