/**
 * The build uses only the locked toolchain: minimal for linux/amd64 and linux/arm64, cold (an empty
 * cache, so the lock's packages are fetched, checked and unpacked), with a PATH that hides every
 * compiler, assembler, linker, binutils program, musl wrapper and make of the host. The binaries
 * are static and of the right machine, build.json records the lock's digest and versions, and
 * every file the linker loaded (its map) is under the unpacked toolchain.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, it } from "node:test";
import { loadConfig } from "../../src/config/load.js";
import type { BuildResult } from "../../src/pipeline/build.js";
import { sourceCachePath } from "../../src/build/source.js";
import { lockDigest, readLock, toolchainRecord } from "../../src/toolchain/lock.js";
import { cli, E2E_DIR, ROOT } from "./fixture.js";

/** Host programs a compile could reach by name; all of them are left out of the test's PATH. */
const HIDDEN =
  /(^|-)(gcc|g\+\+|cc|c\+\+|cpp|c89|c99|as|ld|ld\.bfd|ld\.gold|strip|readelf|objcopy|objdump|nm|ar|ranlib|make|gmake)(-\d+)?$|musl/;

/** A folder of links to the host's programs, without the toolchain's. */
function pathWithoutToolchain(dir: string): { path: string; hidden: string[] } {
  mkdirSync(dir, { recursive: true });
  const hidden: string[] = [];
  for (const from of ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
    if (!existsSync(from)) continue;
    for (const name of readdirSync(from)) {
      if (HIDDEN.test(name)) {
        hidden.push(name);
        continue;
      }
      if (!existsSync(join(dir, name))) symlinkSync(join(from, name), join(dir, name));
    }
  }
  return { path: dir, hidden };
}

describe("the locked toolchain, and nothing of the host's", () => {
  it("builds static amd64 and arm64 binaries with a PATH that has no compiler, binutils, musl or make", async () => {
    const work = mkdtempSync(join(E2E_DIR, "locked-"));
    const cache = join(work, "cache");
    const cfg = await loadConfig(join(ROOT, "configs/kimigayo.yml"));
    mkdirSync(dirname(sourceCachePath(cfg.busybox.sha256, cache)), { recursive: true });
    copyFileSync(sourceCachePath(cfg.busybox.sha256), sourceCachePath(cfg.busybox.sha256, cache));
    const { path, hidden } = pathWithoutToolchain(join(work, "bin"));
    // The host does have a toolchain to hide (doctor installs it): otherwise this proves less.
    for (const name of ["gcc", "musl-gcc", "aarch64-linux-gnu-gcc", "make"])
      assert.ok(hidden.includes(name), `${name} is not on this host`);

    const out = join(work, "out");
    const r = cli(
      ["build", "--variant", "minimal", "--platform", "linux/amd64,linux/arm64", "--engine", "none", "--out", out, "--json"],
      { PATH: path, KIMIGAYO_CACHE: cache },
      30 * 60_000,
    );
    assert.equal(r.code, 0, r.stderr.slice(-4000));
    const build = JSON.parse(r.stdout) as BuildResult;
    const lock = readLock();
    const toolchainRoot = join(cache, "toolchain");
    for (const [platform, machine] of [
      ["linux/amd64", "x86-64"],
      ["linux/arm64", "AArch64"],
    ] as const) {
      const img = build.images.find((i) => i.platform === platform);
      assert.ok(img, platform);
      assert.deepEqual([img.busybox.static, img.busybox.stripped, img.busybox.machine, img.busybox.cache], [true, true, machine, "miss"]);
      assert.deepEqual(img.busybox.toolchain, toolchainRecord(lock, "amd64", platform));
      assert.equal(img.busybox.toolchain?.lock, lockDigest(lock, "amd64"));
      // Every file the linker loaded by absolute path (crt objects, libgcc, musl's libc.a) is the lock's.
      const map = gunzipSync(readFileSync(join(dirname(img.busybox.binary), "busybox.map.gz"))).toString();
      const loaded = [...map.matchAll(/^LOAD (\/\S+)$/gm)].map((m) => m[1]!);
      assert.ok(
        loaded.some((p) => p.endsWith("/libc.a")),
        `${platform}: no libc.a in the link map`,
      );
      assert.ok(
        loaded.some((p) => /crtbegin/.test(p)),
        `${platform}: no crtbegin in the link map`,
      );
      for (const p of loaded)
        assert.ok(p.startsWith(`${toolchainRoot}/`), `${platform}: the linker loaded ${p}, outside the locked toolchain`);
    }
  });
});
