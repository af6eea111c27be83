/**
 * The toolchain lock: its file, how it is regenerated from apt's answers, which URL each package is
 * fetched from, that a package whose sha256 is not the lock's is never unpacked, and that a failed
 * fetch leaves no cache entry. The fetch runs against a real HTTP server serving real .deb files
 * made with dpkg-deb.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { UsageError } from "../../src/lib/errors.js";
import { silentLogger } from "../../src/lib/log.js";
import { FetchError, checkLockedTree, debUrls, fetchDeb, lockedTree, mirrorConfig, snapshotBaseOf } from "../../src/toolchain/fetch.js";
import { listPrefix, releaseDates } from "../../src/toolchain/generate.js";
import {
  LOCK_FILE,
  LOCK_PACKAGES,
  aptName,
  diffLocks,
  lockDigest,
  parseLock,
  parsePrintUris,
  snapshotTimestamp,
  toolchainRecord,
  type LockedPackage,
  type ToolchainLock,
} from "../../src/toolchain/lock.js";
import { relocateSpecs } from "../../src/toolchain/wrappers.js";
import { toolchainIdentity, toolVariables } from "../../src/build/busybox.js";
import { close, listen } from "../support/registry-proxy.js";
import { ROOT } from "../e2e/fixture.js";

const MIRROR = "http://mirror.test/debian";
const SECURITY = "http://mirror.test/debian-security";
const pkg = (over: Partial<LockedPackage> = {}): LockedPackage => ({
  name: "gcc-12",
  version: "12.2.0-14+deb12u1",
  architecture: "amd64",
  sha256: "a".repeat(64),
  size: 10,
  archive: "debian",
  path: "pool/main/g/gcc-12/gcc-12_12.2.0-14+deb12u1_amd64.deb",
  ...over,
});
const lockOf = (amd64: LockedPackage[], arm64: LockedPackage[] = []): ToolchainLock => ({
  release: "bookworm",
  snapshot: { debian: "20250520T000000Z", "debian-security": "20250521T120000Z" },
  hosts: { amd64, arm64 },
});
const SOURCES = {
  file: "/etc/apt/sources.list.d/debian.sources",
  text: [
    "Types: deb",
    "# http://snap.test/archive/debian/20250520T000000Z",
    `URIs: ${MIRROR}`,
    "Suites: bookworm bookworm-updates",
    "Components: main",
    "",
    "Types: deb",
    `URIs: ${SECURITY}/`,
    "Suites: bookworm-security",
    "Components: main",
    "",
    "Types: deb-src",
    "URIs: http://src.test/debian",
    "Suites: sid",
    "Components: main",
    "",
  ].join("\n"),
};

describe("the committed lock", () => {
  const lock = parseLock(readFileSync(join(ROOT, LOCK_FILE), "utf8"));

  it("names every package each host needs, from one release, each once", () => {
    for (const host of ["amd64", "arm64"] as const) {
      const names = lock.hosts[host].map(aptName);
      assert.equal(new Set(names).size, names.length, `${host}: a package twice`);
      for (const want of LOCK_PACKAGES[host]) {
        const [n, a] = want.split(":");
        assert.ok(
          lock.hosts[host].some((p) => p.name === n && (p.architecture === a || p.architecture === "all")),
          `${host} host lacks ${want}`,
        );
      }
      assert.equal(lock.hosts[host].length, LOCK_PACKAGES[host].length);
    }
    assert.equal(lock.release, "bookworm");
    for (const p of [...lock.hosts.amd64, ...lock.hosts.arm64]) assert.ok(lock.snapshot[p.archive], `no snapshot date for ${p.archive}`);
  });

  it("has one digest per host, which any change of a package changes", () => {
    const amd = lockDigest(lock, "amd64");
    assert.match(amd, /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(amd, lockDigest(lock, "arm64"));
    assert.equal(lockDigest(structuredClone(lock), "amd64"), amd, "not stable");
    const other = structuredClone(lock);
    other.hosts.amd64[0]!.sha256 = "0".repeat(64);
    assert.notEqual(lockDigest(other, "amd64"), amd);
    assert.equal(lockDigest(other, "arm64"), lockDigest(lock, "arm64"), "the other host's digest moved");
  });

  it("records what made each platform: cross gcc for arm64 on amd64, native gcc on arm64", () => {
    const table: ["amd64" | "arm64", "linux/amd64" | "linux/arm64", RegExp, RegExp][] = [
      ["amd64", "linux/amd64", /^gcc-12 12\./, /^binutils-x86-64-linux-gnu /],
      ["amd64", "linux/arm64", /^gcc-12-aarch64-linux-gnu 12\./, /^binutils-aarch64-linux-gnu /],
      ["arm64", "linux/arm64", /^gcc-12 12\./, /^binutils-aarch64-linux-gnu /],
    ];
    for (const [host, platform, compiler, binutils] of table) {
      const r = toolchainRecord(lock, host, platform);
      assert.equal(r.lock, lockDigest(lock, host));
      assert.match(r.compiler!, compiler);
      assert.match(r.binutils!, binutils);
      assert.match(r.musl!, /^musl-dev 1\.2\./);
    }
  });

  it("gives each platform a cache-key identity from the lock alone (no fetch), the build.json record beside it", () => {
    const amd = toolchainIdentity("linux/amd64", "amd64");
    const arm = toolchainIdentity("linux/arm64", "amd64");
    assert.match(amd.identity, /^[0-9a-f]{16}$/);
    assert.notEqual(amd.identity, arm.identity);
    assert.notEqual(toolchainIdentity("linux/arm64", "arm64").identity, arm.identity, "another host's lock, another identity");
    assert.deepEqual(amd.record, toolchainRecord(lock, "amd64", "linux/amd64"));
  });

  it("refuses a file that is not a lock, naming the field", () => {
    const bad: [string, RegExp][] = [
      ["{", /is not JSON/],
      [JSON.stringify({ ...lock, release: undefined }), /release/],
      [JSON.stringify(lockOf([pkg({ sha256: "xyz" })])), /hosts\.amd64\.0\.sha256/],
      [JSON.stringify(lockOf([pkg({ path: "../etc/passwd" })])), /hosts\.amd64\.0\.path/],
      [JSON.stringify({ ...lockOf([]), extra: 1 }), /extra|Unrecognized/],
    ];
    for (const [text, re] of bad) assert.throws(() => parseLock(text, "x.json"), re, text);
  });
});

describe("regenerating the lock", () => {
  it("reads apt-get download --print-uris: archive, pool path, version with epoch, sha256", () => {
    const out = [
      `'${MIRROR}/pool/main/g/gcc-12/gcc-12_12.2.0-14%2bdeb12u1_amd64.deb' gcc-12_12.2.0-14+deb12u1_amd64.deb 19268852 SHA256:${"b".repeat(64)}`,
      `'${SECURITY}/pool/updates/main/z/zlib/zlib1g_1.2.13.dfsg-1%2bdeb12u1_amd64.deb' zlib1g_1%3a1.2.13.dfsg-1+deb12u1_amd64.deb 86880 SHA256:${"c".repeat(64)}`,
      `'${MIRROR}/pool/main/g/gcc-12-cross/libgcc-12-dev-arm64-cross_12.2.0-14cross1_all.deb' libgcc-12-dev-arm64-cross_12.2.0-14cross1_all.deb 5 SHA256:${"d".repeat(64)}`,
      "Reading package lists...",
    ].join("\n");
    assert.deepEqual(parsePrintUris(out, [MIRROR, `${SECURITY}/`]), [
      pkg({ sha256: "b".repeat(64), size: 19268852 }),
      {
        name: "zlib1g",
        version: "1:1.2.13.dfsg-1+deb12u1",
        architecture: "amd64",
        sha256: "c".repeat(64),
        size: 86880,
        archive: "debian-security",
        path: "pool/updates/main/z/zlib/zlib1g_1.2.13.dfsg-1+deb12u1_amd64.deb",
      },
      {
        name: "libgcc-12-dev-arm64-cross",
        version: "12.2.0-14cross1",
        architecture: "all",
        sha256: "d".repeat(64),
        size: 5,
        archive: "debian",
        path: "pool/main/g/gcc-12-cross/libgcc-12-dev-arm64-cross_12.2.0-14cross1_all.deb",
      },
    ]);
    assert.throws(
      () => parsePrintUris(`'http://elsewhere.test/x/pool/a_1_amd64.deb' a_1_amd64.deb 1 SHA256:${"e".repeat(64)}`, [MIRROR]),
      /none of apt's sources/,
    );
  });

  it("prints what changed: added, removed, new version, same version with other bytes", () => {
    const before = lockOf([pkg(), pkg({ name: "make", version: "4.3-4.1" }), pkg({ name: "musl" })]);
    const after = lockOf([
      pkg({ version: "12.2.0-15" }),
      pkg({ name: "make", version: "4.3-4.1", sha256: "f".repeat(64) }),
      pkg({ name: "zlib1g" }),
    ]);
    assert.deepEqual(diffLocks(before, after), [
      "amd64 host: gcc-12:amd64 12.2.0-14+deb12u1 -> 12.2.0-15",
      "amd64 host: make:amd64 4.3-4.1: other bytes (sha256 aaaaaaaaaaaa -> ffffffffffff)",
      "amd64 host: + zlib1g:amd64 12.2.0-14+deb12u1",
      "amd64 host: - musl:amd64 12.2.0-14+deb12u1",
    ]);
    assert.deepEqual(diffLocks(before, before), []);
  });

  it("dates the snapshot a day after the archive's Release, from apt's lists", () => {
    const lists = mkdtempSync(join(tmpdir(), "kimigayo-lists-"));
    try {
      assert.equal(listPrefix(`${SECURITY}/`), "mirror.test_debian-security");
      writeFileSync(join(lists, "mirror.test_debian_dists_bookworm_InRelease"), "Origin: Debian\nDate: Sat, 11 Jul 2026 10:16:37 UTC\n");
      writeFileSync(join(lists, "mirror.test_debian_dists_bookworm-updates_InRelease"), "Date: Fri, 04 Dec 2026 02:09:32 UTC\n");
      writeFileSync(join(lists, "mirror.test_debian_dists_sid_InRelease"), "Date: Fri, 25 Dec 2026 02:09:32 UTC\n");
      const d = releaseDates([MIRROR, SECURITY], "bookworm", lists);
      assert.deepEqual(Object.keys(d), ["debian"]);
      assert.equal(snapshotTimestamp(d.debian!), "20261205T020932Z");
    } finally {
      rmSync(lists, { recursive: true, force: true });
    }
  });
});

describe("where a package is fetched from", () => {
  const lock = lockOf([]);
  const cases: { name: string; env: NodeJS.ProcessEnv; sources: (typeof SOURCES)[]; p: LockedPackage; want: string[] }[] = [
    {
      name: "the host's Debian mirror first, then the snapshot at the lock's date (the base from the sources' comment)",
      env: {},
      sources: [SOURCES],
      p: pkg(),
      want: [
        `${MIRROR}/pool/main/g/gcc-12/gcc-12_12.2.0-14%2Bdeb12u1_amd64.deb`,
        "http://snap.test/archive/debian/20250520T000000Z/pool/main/g/gcc-12/gcc-12_12.2.0-14%2Bdeb12u1_amd64.deb",
      ],
    },
    {
      name: "a security package from the security archive and its snapshot",
      env: {},
      sources: [SOURCES],
      p: pkg({ archive: "debian-security", path: "pool/updates/main/z/zlib/zlib1g_1.2.13_amd64.deb" }),
      want: [
        `${SECURITY}/pool/updates/main/z/zlib/zlib1g_1.2.13_amd64.deb`,
        "http://snap.test/archive/debian-security/20250521T120000Z/pool/updates/main/z/zlib/zlib1g_1.2.13_amd64.deb",
      ],
    },
    {
      name: "KIMIGAYO_DEBIAN_MIRROR before the sources, KIMIGAYO_DEBIAN_SNAPSHOT over the comment",
      env: { KIMIGAYO_DEBIAN_MIRROR: "https://m.test/", KIMIGAYO_DEBIAN_SNAPSHOT: "https://s.test/archive" },
      sources: [SOURCES],
      p: pkg({ path: "pool/main/m/make/make_4.3_amd64.deb" }),
      want: [
        "https://m.test/debian/pool/main/m/make/make_4.3_amd64.deb",
        `${MIRROR}/pool/main/m/make/make_4.3_amd64.deb`,
        "https://s.test/archive/debian/20250520T000000Z/pool/main/m/make/make_4.3_amd64.deb",
      ],
    },
    {
      name: "a host without Debian sources (Ubuntu): the snapshot only",
      env: { KIMIGAYO_DEBIAN_SNAPSHOT: "https://s.test/archive" },
      sources: [{ file: "/etc/apt/sources.list", text: "deb http://archive.ubuntu.test/ubuntu noble main\n" }],
      p: pkg({ path: "pool/main/m/make/make_4.3_amd64.deb" }),
      want: ["https://s.test/archive/debian/20250520T000000Z/pool/main/m/make/make_4.3_amd64.deb"],
    },
    { name: "nothing configured: no URL", env: {}, sources: [], p: pkg(), want: [] },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(debUrls(c.p, lock, mirrorConfig(c.env, c.sources)), c.want));

  it("finds the snapshot base only in a snapshot comment", () => {
    assert.equal(snapshotBaseOf([SOURCES]), "http://snap.test/archive");
    assert.equal(snapshotBaseOf([{ file: "x.list", text: "# http://snap.test/other/debian/20250520T000000Z\n" }]), undefined);
  });
});

describe("fetching and unpacking the locked packages", () => {
  let server: Server;
  let base = "";
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-toolchain-fetch-"));
  const served = new Map<string, Buffer>();
  const hits: string[] = [];
  /** A real .deb holding one file. */
  const deb = (name: string, file: string, text: string): LockedPackage & { bytes: Buffer } => {
    const tree = join(dir, `${name}-tree`);
    mkdirSync(join(tree, "DEBIAN"), { recursive: true });
    mkdirSync(join(tree, "usr/share", name), { recursive: true });
    writeFileSync(
      join(tree, "DEBIAN/control"),
      `Package: ${name}\nVersion: 1.0-1\nArchitecture: amd64\nMaintainer: t <t@t.test>\nDescription: t\n`,
    );
    writeFileSync(join(tree, "usr/share", name, file), text);
    const out = join(dir, `${name}.deb`);
    execFileSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "-b", tree, out], { stdio: "ignore" });
    const bytes = readFileSync(out);
    return {
      ...pkg({ name, version: "1.0-1", path: `pool/main/t/${name}/${name}_1.0-1_amd64.deb`, size: bytes.length }),
      sha256: createHash("sha256").update(bytes).digest("hex"),
      bytes,
    };
  };
  let a: ReturnType<typeof deb>;
  let b: ReturnType<typeof deb>;
  before(async () => {
    a = deb("alpha", "a.txt", "alpha\n");
    b = deb("beta", "b.txt", "beta\n");
    server = createServer((req, res) => {
      hits.push(req.url ?? "");
      const body = served.get(decodeURIComponent(req.url ?? ""));
      if (!body) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-length": body.length }).end(body);
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  after(async () => {
    await close(server);
    rmSync(dir, { recursive: true, force: true });
  });
  const strip = ({ bytes: _b, ...p }: LockedPackage & { bytes: Buffer }) => p;
  const mirrors = (env: NodeJS.ProcessEnv = {}) =>
    mirrorConfig({ KIMIGAYO_DEBIAN_MIRROR: `${base}/m1`, KIMIGAYO_DEBIAN_SNAPSHOT: `${base}/snap/archive`, ...env }, []);

  it("takes the first URL whose bytes match the lock: skips a 404 and a tampered copy", async () => {
    served.clear();
    served.set(`/m1/debian/${a.path}`, Buffer.concat([a.bytes, Buffer.from("x")]));
    served.set(`/snap/archive/debian/20250520T000000Z/${a.path}`, a.bytes);
    const urls = [`${base}/gone/${a.path}`, ...debUrls(strip(a), lockOf([]), mirrors())];
    const got = await fetchDeb(strip(a), urls);
    assert.ok(got.equals(a.bytes));
  });

  it("fails naming every URL and the sha256 it got when no copy matches", async () => {
    served.clear();
    served.set(`/m1/debian/${a.path}`, b.bytes);
    await assert.rejects(fetchDeb(strip(a), debUrls(strip(a), lockOf([]), mirrors())), (e: Error) => {
      assert.ok(e instanceof FetchError);
      assert.match(e.message, new RegExp(`sha256 ${b.sha256}.*the lock says ${a.sha256}`));
      assert.match(e.message, /HTTP 404/);
      return true;
    });
    await assert.rejects(fetchDeb(strip(a), []), /KIMIGAYO_DEBIAN_MIRROR or KIMIGAYO_DEBIAN_SNAPSHOT/);
  });

  it("unpacks every package into one cache entry keyed by the lock's digest; the second call is a hit", async () => {
    served.clear();
    served.set(`/m1/debian/${a.path}`, a.bytes);
    served.set(`/m1/debian/${b.path}`, b.bytes);
    const cache = join(dir, "cache-ok");
    const lock = lockOf([strip(a), strip(b)]);
    const t = await lockedTree(lock, "amd64", { log: silentLogger, cacheDir: cache, mirrors: mirrors() });
    assert.equal(t.hit, false);
    assert.equal(t.digest, lockDigest(lock, "amd64"));
    assert.ok(t.root.startsWith(join(cache, "toolchain", t.digest.slice(7, 39))));
    assert.equal(readFileSync(join(t.root, "usr/share/alpha/a.txt"), "utf8"), "alpha\n");
    assert.equal(readFileSync(join(t.root, "usr/share/beta/b.txt"), "utf8"), "beta\n");
    assert.ok(!existsSync(join(t.root, "..", "debs")), "the .debs are not kept");
    hits.length = 0;
    const again = await lockedTree(lock, "amd64", { log: silentLogger, cacheDir: cache, mirrors: mirrors() });
    assert.deepEqual([again.hit, again.root, hits.length], [true, t.root, 0]);
  });

  it("doctor's check: unreachable packages named, then reachable but not fetched, then unpacked", async () => {
    served.clear();
    served.set(`/m1/debian/${a.path}`, a.bytes);
    const cache = join(dir, "cache-doctor");
    const lock = lockOf([strip(a), strip(b)]);
    const missing = await checkLockedTree(lock, "amd64", { cacheDir: cache, mirrors: mirrors() });
    assert.equal(missing.ok, false);
    assert.match(missing.detail, /cannot fetch 1 of 2 locked packages: beta:amd64 \(.*HTTP 404/);
    served.set(`/m1/debian/${b.path}`, b.bytes);
    const reachable = await checkLockedTree(lock, "amd64", { cacheDir: cache, mirrors: mirrors() });
    assert.deepEqual(
      [reachable.ok, /not fetched yet; 2 packages .* all reachable/.test(reachable.detail)],
      [false, true],
      reachable.detail,
    );
    await lockedTree(lock, "amd64", { log: silentLogger, cacheDir: cache, mirrors: mirrors() });
    const done = await checkLockedTree(lock, "amd64", { cacheDir: cache, mirrors: mirrors() });
    assert.deepEqual([done.ok, done.detail.includes(join(cache, "toolchain"))], [true, true], done.detail);
  });

  it("without dpkg-deb: bad input naming it and the doctor fix, before any download, no entry", async () => {
    const path = process.env.PATH;
    const cache = join(dir, "cache-no-dpkg");
    hits.length = 0;
    process.env.PATH = join(dir, "empty-bin");
    try {
      await assert.rejects(
        lockedTree(lockOf([strip(a)]), "amd64", { log: silentLogger, cacheDir: cache, mirrors: mirrors() }),
        (e: Error) =>
          e instanceof UsageError && /dpkg-deb is not on PATH/.test(e.message) && /doctor --fix --only build-tools/.test(e.message),
      );
    } finally {
      process.env.PATH = path;
    }
    assert.deepEqual([readdirSync(join(cache, "toolchain")), hits.length], [[], 0]);
  });

  it("unpacks nothing and leaves no entry when one package's sha256 is not the lock's", async () => {
    served.clear();
    served.set(`/m1/debian/${a.path}`, a.bytes);
    served.set(`/m1/debian/${b.path}`, a.bytes); // the wrong bytes under beta's name
    const cache = join(dir, "cache-bad");
    await assert.rejects(
      lockedTree(lockOf([strip(a), strip(b)]), "amd64", { log: silentLogger, cacheDir: cache, mirrors: mirrors() }),
      /beta:amd64 1\.0-1 could not be fetched/,
    );
    assert.deepEqual(readdirSync(join(cache, "toolchain")), [], "a half entry was left");
  });
});

describe("make's variables for the locked toolchain", () => {
  it("gives ARCH as a host compiler would (uname -m), whatever dashes the wrappers' folder has", () => {
    // BusyBox would take SUBARCH from CROSS_COMPILE's first dash-separated field: "/root/.cache/kimigayo/toolchain".
    const table: ["linux/amd64" | "linux/arm64", string, string][] = [
      ["linux/amd64", "/root/.cache/kimigayo/toolchain-bin/k/amd64/x86_64-linux-gnu-", "x86_64"],
      ["linux/amd64", "/tmp/plain/x86_64-linux-gnu-", "x86_64"],
      ["linux/arm64", "/tmp/kimigayo-e2e-1/cache/toolchain-bin/k/arm64/aarch64-linux-gnu-", "aarch64"],
    ];
    for (const [platform, prefix, arch] of table) {
      const vars = toolVariables(platform, { cc: `${prefix}gcc`, prefix, hostcc: "/w/hostcc" });
      assert.deepEqual(vars, [`ARCH=${arch}`, `CC=${prefix}gcc`, `CROSS_COMPILE=${prefix}`, "HOSTCC=/w/hostcc"], prefix);
    }
  });
});

describe("the musl specs, pointed at the unpacked tree", () => {
  it("replaces musl's library and include folders and nothing else", () => {
    const specs =
      "*cc1:\n%(cc1_cpu) -nostdinc -isystem /usr/include/x86_64-linux-musl -isystem include%s\n*link_libgcc:\n-L/usr/lib/x86_64-linux-musl -L .%s\n*startfile:\n%{!shared: /usr/lib/x86_64-linux-musl/Scrt1.o} crtbeginS.o%s\n*link:\n-dynamic-linker /lib/ld-musl-x86_64.so.1 -nostdlib\n";
    const out = relocateSpecs(specs, "/c/root", "amd64");
    assert.doesNotMatch(out, /[ L]\/usr\//);
    assert.match(out, /-isystem \/c\/root\/usr\/include\/x86_64-linux-musl -isystem include%s/);
    assert.match(out, /-L\/c\/root\/usr\/lib\/x86_64-linux-musl -L \.%s/);
    assert.match(out, /\/c\/root\/usr\/lib\/x86_64-linux-musl\/Scrt1\.o\} crtbeginS\.o%s/);
    assert.match(out, /-dynamic-linker \/lib\/ld-musl-x86_64\.so\.1/);
  });
});
