/**
 * The key under which the action saves its BusyBox builds (src/action/cache.ts): it changes with
 * what decides the binaries, wherever that is written (a base config too), not with file paths or
 * with what only the rootfs uses; a miss restores from entries of the same OS and architecture.
 * Every tree is written under a mkdtemp folder.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { cacheKeys } from "../../src/action/cache.js";

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
