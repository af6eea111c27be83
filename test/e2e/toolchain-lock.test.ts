/**
 * The build uses only the locked toolchain: minimal for linux/amd64 and linux/arm64, cold (an empty
 * cache, so the lock's packages are fetched, checked and unpacked), with a PATH that hides every
 * compiler, assembler, linker, binutils program, musl wrapper and make of the host. The binaries
 * are static and of the right machine, build.json records the lock's digest and versions, and
 * every file the linker loaded (its map) is under the unpacked toolchain.
 *
 * Then the fallback for hosts that know no Debian archive (GitHub's Ubuntu runners): with apt's
 * sources hidden (KIMIGAYO_APT_DIR, an empty folder) and no mirror given, the build says it
 * compiles with the HOST toolchain and why, records route host with the host's packages, links
 * the host's musl, fetches nothing, and its cache entries are not the locked build's.
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

/** The locked build's results (the first test), for the fallback's comparison. */
const locked: { cache?: string; sha256: Record<string, string> } = { sha256: {} };

/** A new cache folder holding the BusyBox source already (no download in these tests). */
async function newCache(dir: string): Promise<string> {
  const cfg = await loadConfig(join(ROOT, "configs/kimigayo.yml"));
  mkdirSync(dirname(sourceCachePath(cfg.busybox.sha256, dir)), { recursive: true });
  copyFileSync(sourceCachePath(cfg.busybox.sha256), sourceCachePath(cfg.busybox.sha256, dir));
  return dir;
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
      locked.sha256[platform] = img.busybox.sha256;
    }
    locked.cache = cache;
  });
});

describe("no Debian archive known: the host's toolchain, said and recorded", () => {
  it("compiles with the host toolchain, warns why and how to get the locked one, records route host, fetches nothing", async (t) => {
    const work = mkdtempSync(join(E2E_DIR, "host-route-"));
    const cache = await newCache(join(work, "cache"));
    const apt = join(work, "apt");
    mkdirSync(apt);
    // No apt source names a Debian archive, and no mirror or snapshot is given.
    const noDebian = { KIMIGAYO_CACHE: cache, KIMIGAYO_APT_DIR: apt, KIMIGAYO_DEBIAN_MIRROR: "", KIMIGAYO_DEBIAN_SNAPSHOT: "" };
    const args = (out: string) => [
      "build",
      "--variant",
      "minimal",
      "--platform",
      "linux/amd64,linux/arm64",
      "--engine",
      "none",
      "--out",
      out,
      "--json",
    ];

    // Without the host toolchain either: bad input naming what is missing and doctor's fix, before any compile.
    const { path } = pathWithoutToolchain(join(work, "bin"));
    const bare = cli(args(join(work, "out-bare")), { ...noDebian, PATH: path });
    assert.equal(bare.code, 2, bare.stderr.slice(-3000));
    assert.match(
      bare.stderr,
      /the host toolchain of linux\/(amd64|arm64) \(used because no Debian archive is known for the locked one\) is incomplete: missing (musl-gcc|aarch64-linux-musl-gcc)/,
    );
    assert.match(bare.stderr, /kimigayo doctor --fix --only (musl-amd64|cross-arm64)/);
    assert.ok(!existsSync(join(cache, "busybox")) || readdirSync(join(cache, "busybox")).length === 0, "nothing compiled");

    const out = join(work, "out");
    const t0 = Date.now();
    const r = cli(args(out), noDebian, 30 * 60_000);
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(r.code, 0, r.stderr.slice(-4000));
    assert.match(
      r.stderr,
      /compiling with the HOST toolchain, not the locked one \(sha256:[0-9a-f]{12}…, Debian bookworm\): no URL is known for Debian's debian and debian-security archives/,
    );
    assert.match(r.stderr, /may differ from the locked build's bytes/);
    assert.match(r.stderr, /--debian-mirror URL, the action's debian-mirror input, or KIMIGAYO_DEBIAN_MIRROR/);
    assert.equal(r.stderr.match(/compiling with the HOST toolchain/g)?.length, 1, "warned once per build");
    assert.ok(!existsSync(join(cache, "toolchain")), "no locked toolchain fetched");
    const build = JSON.parse(r.stdout) as BuildResult;
    for (const [platform, machine] of [
      ["linux/amd64", "x86-64"],
      ["linux/arm64", "AArch64"],
    ] as const) {
      const img = build.images.find((i) => i.platform === platform);
      assert.ok(img, platform);
      assert.deepEqual([img.busybox.static, img.busybox.machine, img.busybox.cache], [true, machine, "miss"]);
      const tc = img.busybox.toolchain ?? {};
      assert.equal(tc.route, "host");
      assert.equal(tc.lock, undefined, "no lock digest for a host build");
      assert.match(tc.compiler ?? "", platform === "linux/amd64" ? /^gcc-\d+ \S+$/ : /^gcc-\d+-aarch64-linux-gnu \S+$/);
      assert.match(tc.binutils ?? "", /^binutils-/);
      assert.match(tc.musl ?? "", /^musl-dev \d/);
      // The host's musl, not anything in the cache.
      const map = gunzipSync(readFileSync(join(dirname(img.busybox.binary), "busybox.map.gz"))).toString();
      const libc = [...map.matchAll(/^LOAD (\/\S+libc\.a)$/gm)].map((m) => m[1]!);
      assert.ok(
        libc.length > 0 && libc.every((p) => p.startsWith("/usr/") && !p.startsWith(cache)),
        `${platform}: libc.a from ${libc.join(", ")}`,
      );
      t.diagnostic(
        `${platform}: host toolchain ${tc.compiler} / ${tc.musl}: busybox ${img.busybox.size} B sha256 ${img.busybox.sha256.slice(0, 12)}` +
          (locked.sha256[platform]
            ? `; the locked build's sha256 ${locked.sha256[platform]!.slice(0, 12)} (${locked.sha256[platform] === img.busybox.sha256 ? "the same bytes" : "other bytes"})`
            : ""),
      );
    }
    t.diagnostic(`host-route cold build of minimal amd64+arm64: ${seconds.toFixed(1)} s`);
    // Another toolchain, another cache key: none of the locked build's entries is this build's.
    if (locked.cache) {
      const mine = readdirSync(join(cache, "busybox"));
      const theirs = new Set(readdirSync(join(locked.cache, "busybox")));
      assert.equal(mine.length, 2);
      assert.deepEqual(
        mine.filter((k) => theirs.has(k)),
        [],
        "a host build shares no cache entry with the locked build",
      );
    }
  });
});
