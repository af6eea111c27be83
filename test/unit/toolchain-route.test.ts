/**
 * The toolchain's route: the locked toolchain wherever a Debian archive is known (or it is already
 * unpacked), the host's where none is (GitHub's Ubuntu runners), and what a host-toolchain build
 * records (route "host", the compiler, binutils and musl as the packages that own them) and keys
 * its cache by.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { hostToolchainRecord, hostToolchainSpec, ownerPackage, routeIdentity, toolchainIdentity } from "../../src/build/busybox.js";
import { UsageError } from "../../src/lib/errors.js";
import type { RunResult } from "../../src/lib/exec.js";
import { hostArchitecture } from "../../src/lib/platform.js";
import { mirrorConfig } from "../../src/toolchain/fetch.js";
import { lockDigest, readLock, type LockedPackage, type ToolchainLock } from "../../src/toolchain/lock.js";
import { checkArchiveUrl, chooseRoute, hostRouteWarning, lockedTreeDir, MIRROR_FORM, toolchainRoute } from "../../src/toolchain/route.js";

const pkg = (archive: string, name: string): LockedPackage => ({
  name,
  version: "1",
  architecture: "amd64",
  sha256: "a".repeat(64),
  size: 1,
  archive,
  path: `pool/main/${name[0]}/${name}/${name}_1_amd64.deb`,
});
const LOCK: ToolchainLock = {
  release: "bookworm",
  snapshot: { debian: "20250520T000000Z", "debian-security": "20250521T120000Z" },
  hosts: { amd64: [pkg("debian", "gcc-12"), pkg("debian-security", "zlib1g")], arm64: [pkg("debian", "gcc-12")] },
};
const source = (file: string, ...uris: string[]) => ({ file, text: uris.map((u) => `deb ${u} bookworm main\n`).join("") });
const DEBIAN = source("/etc/apt/sources.list", "http://mirror.test/debian", "http://mirror.test/debian-security");
const UBUNTU = {
  file: "/etc/apt/sources.list.d/ubuntu.sources",
  text: "Types: deb\nURIs: http://archive.ubuntu.test/ubuntu/\nSuites: noble noble-updates\nComponents: main universe\n",
};

describe("the route: locked where a Debian archive is known, the host's where none is", () => {
  const table: {
    name: string;
    env: NodeJS.ProcessEnv;
    sources: (typeof DEBIAN)[];
    cached?: boolean;
    want: "lock" | "host";
    why?: RegExp;
  }[] = [
    { name: "Debian's sources (debian and debian-security)", env: {}, sources: [DEBIAN], want: "lock" },
    {
      name: "Ubuntu's sources only (GitHub's runners)",
      env: {},
      sources: [UBUNTU],
      want: "host",
      why: /^no URL is known for Debian's debian and debian-security archives: apt's sources \(\/etc\/apt\/sources\.list\.d\/ubuntu\.sources\) name none, and neither --debian-mirror \(the debian-mirror input\), KIMIGAYO_DEBIAN_MIRROR nor KIMIGAYO_DEBIAN_SNAPSHOT is set$/,
    },
    { name: "no sources at all", env: {}, sources: [], want: "host", why: /apt's sources \(none\) name none/ },
    {
      name: "Debian without its security archive",
      env: {},
      sources: [source("/etc/apt/sources.list", "http://mirror.test/debian")],
      want: "host",
      why: /^no URL is known for Debian's debian-security archive:/,
    },
    {
      name: "Ubuntu + KIMIGAYO_DEBIAN_MIRROR (--debian-mirror, the input)",
      env: { KIMIGAYO_DEBIAN_MIRROR: "http://m.test/" },
      sources: [UBUNTU],
      want: "lock",
    },
    {
      name: "Ubuntu + KIMIGAYO_DEBIAN_SNAPSHOT",
      env: { KIMIGAYO_DEBIAN_SNAPSHOT: "http://s.test/archive" },
      sources: [UBUNTU],
      want: "lock",
    },
    { name: "Ubuntu, the locked tree already unpacked (restored from a cache)", env: {}, sources: [UBUNTU], cached: true, want: "lock" },
  ];
  for (const c of table)
    it(c.name, () => {
      const r = chooseRoute(LOCK, "amd64", mirrorConfig(c.env, c.sources), c.cached ?? false);
      assert.equal(r.kind, c.want);
      if (r.kind === "host") assert.match(r.why, c.why!);
    });

  it("the warning says host, why, that the bytes may differ, and how to get the locked toolchain", () => {
    const r = chooseRoute(LOCK, "amd64", mirrorConfig({}, [UBUNTU]), false);
    assert.equal(r.kind, "host");
    if (r.kind !== "host") return;
    const w = hostRouteWarning(r, LOCK, "amd64");
    for (const p of [
      /^compiling with the HOST toolchain, not the locked one \(sha256:[0-9a-f]{12}…, Debian bookworm\)/,
      /no URL is known for Debian's/,
      /may differ from the locked build's bytes/,
      /toolchain route: host/,
      /--debian-mirror URL, the action's debian-mirror input, or KIMIGAYO_DEBIAN_MIRROR/,
    ])
      assert.match(w, p);
  });
});

describe("the route of this host, from KIMIGAYO_APT_DIR and the cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-route-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const lock = readLock();
  const host = hostArchitecture();

  it("an apt folder with Ubuntu's sources: host; with Debian's: lock; an unpacked tree: lock whatever the sources", () => {
    const apt = join(dir, "apt");
    const cache = join(dir, "cache");
    mkdirSync(join(apt, "sources.list.d"), { recursive: true });
    writeFileSync(join(apt, "sources.list.d", "ubuntu.sources"), UBUNTU.text);
    assert.equal(toolchainRoute(lock, host, { KIMIGAYO_APT_DIR: apt }, cache).kind, "host");
    assert.equal(toolchainRoute(lock, host, { KIMIGAYO_APT_DIR: apt, KIMIGAYO_DEBIAN_MIRROR: "http://127.0.0.1:9/" }, cache).kind, "lock");
    writeFileSync(join(apt, "sources.list"), DEBIAN.text);
    assert.equal(toolchainRoute(lock, host, { KIMIGAYO_APT_DIR: apt }, cache).kind, "lock");
    rmSync(join(apt, "sources.list"));
    mkdirSync(join(lockedTreeDir(lock, host, cache), "root"), { recursive: true });
    const cached = toolchainRoute(lock, host, { KIMIGAYO_APT_DIR: apt }, cache);
    assert.deepEqual([cached.kind, cached.kind === "lock" && cached.cached], ["lock", true]);
    assert.ok(lockedTreeDir(lock, host, cache).endsWith(lockDigest(lock, host).slice(7, 39)));
  });
});

describe("a mirror given by a person", () => {
  const table: [string, RegExp | undefined][] = [
    ["http://127.0.0.1:8080/debian-mirror", undefined],
    ["https://mirror.test/", undefined],
    ["ftp://mirror.test/", /ftp: is not fetched \(http or https only\)/],
    ["file:///srv/mirror", /file: is not fetched/],
    ["mirror.test/debian", /not a URL/],
    ["http://mirror.test/?a=1", /no \?query or #fragment/],
    ["http://mirror.test/#x", /no \?query or #fragment/],
    ["https://u:p@mirror.test/", /credentials do not belong in the URL/],
  ];
  for (const [value, refused] of table)
    it(`${value}: ${refused ? "refused" : "taken"}`, () => {
      if (!refused) return assert.equal(checkArchiveUrl("--debian-mirror", value, MIRROR_FORM), value);
      assert.throws(
        () => checkArchiveUrl("--debian-mirror", value, MIRROR_FORM),
        (e: Error) =>
          e instanceof UsageError &&
          e.message.startsWith(`--debian-mirror ${JSON.stringify(value)} is not allowed: `) &&
          refused.test(e.message),
      );
    });
});

/** A runner answering dpkg-query from a table of paths to packages and packages to versions. */
function dpkg(owners: Record<string, string>, versions: Record<string, string>) {
  return async (cmd: string, args: readonly string[]): Promise<RunResult> => {
    const no = { code: 1, stdout: "", stderr: "no" };
    if (cmd === "dpkg-query" && args[0] === "-S")
      return owners[args[1]!] ? { code: 0, stdout: `${owners[args[1]!]}: ${args[1]}\n`, stderr: "" } : no;
    if (cmd === "dpkg-query" && args[0] === "-W") return versions[args[3]!] ? { code: 0, stdout: versions[args[3]!]!, stderr: "" } : no;
    return { code: 127, stdout: "", stderr: `${cmd}: not found` };
  };
}

describe("what a host-toolchain build records", () => {
  const spec = hostToolchainSpec("linux/arm64", "amd64");
  const libc = "/usr/lib/aarch64-linux-musl/libc.a";
  const asmTypes = "/usr/aarch64-linux-gnu/include/asm/types.h";

  it("the packages owning the compiler, ld, musl's libc.a and the headers, named as the lock names them (no arch qualifier)", async () => {
    const gccPath = "/usr/bin/aarch64-linux-gnu-gcc-13";
    const ldPath = "/usr/bin/aarch64-linux-gnu-ld.bfd";
    const runner = dpkg(
      {
        [gccPath]: "gcc-13-aarch64-linux-gnu",
        [ldPath]: "binutils-aarch64-linux-gnu",
        [libc]: "musl-dev:arm64",
        [asmTypes]: "linux-libc-dev-arm64-cross",
      },
      {
        "gcc-13-aarch64-linux-gnu": "13.2.0-23ubuntu4cross1",
        "binutils-aarch64-linux-gnu": "2.42-4ubuntu2",
        "musl-dev:arm64": "1.2.4-2",
        "linux-libc-dev-arm64-cross": "6.8.0-25.25cross1",
      },
    );
    const r = await hostToolchainRecord(
      spec,
      { gcc: "13.2.0", ld: "GNU ld 2.42", paths: { gcc: gccPath, ld: ldPath, libc, headers: asmTypes } },
      runner,
    );
    assert.deepEqual(r, {
      route: "host",
      compiler: "gcc-13-aarch64-linux-gnu 13.2.0-23ubuntu4cross1",
      binutils: "binutils-aarch64-linux-gnu 2.42-4ubuntu2",
      musl: "musl-dev 1.2.4-2",
      kernelHeaders: "linux-libc-dev-arm64-cross 6.8.0-25.25cross1",
    });
  });

  it("without dpkg: the versions the programs tell", async () => {
    const none = dpkg({}, {});
    const r = await hostToolchainRecord(
      { ...spec, cc: "/nonexistent/aarch64-linux-musl-gcc" },
      { gcc: "13.2.0", ld: "GNU ld (GNU Binutils) 2.42", paths: { gcc: "/x/gcc", ld: "/x/ld", libc, headers: asmTypes } },
      none,
    );
    assert.deepEqual(r, {
      route: "host",
      compiler: "aarch64-linux-gnu-gcc 13.2.0",
      binutils: "GNU ld (GNU Binutils) 2.42",
      musl: "musl unknown",
    });
  });

  it("ownerPackage reads dpkg-query -S with and without an arch qualifier", async () => {
    const runner = dpkg({ "/a": "gcc-12", "/b": "musl-dev:amd64" }, { "gcc-12": "12.2.0-14", "musl-dev:amd64": "1.2.3-1" });
    assert.deepEqual(
      [await ownerPackage("/a", runner), await ownerPackage("/b", runner), await ownerPackage("/c", runner)],
      ["gcc-12 12.2.0-14", "musl-dev 1.2.3-1", undefined],
    );
  });

  it("the host toolchains: a cross prefix only where amd64 builds arm64; amd64 on an arm64 host refused", () => {
    assert.deepEqual(
      [
        hostToolchainSpec("linux/amd64", "amd64").prefix,
        hostToolchainSpec("linux/arm64", "amd64").prefix,
        hostToolchainSpec("linux/arm64", "arm64").prefix,
      ],
      ["", "aarch64-linux-gnu-", ""],
    );
    assert.throws(() => hostToolchainSpec("linux/amd64", "arm64"), UsageError);
  });

  it("this host's toolchain: route host, its versions, and a cache identity other than the lock's", async (t) => {
    const platform = "linux/amd64";
    const id = await routeIdentity(platform, { kind: "host", why: "test" });
    assert.equal(id.record.route, "host");
    for (const k of ["compiler", "binutils", "musl"]) assert.ok(id.record[k], `${k} recorded: ${JSON.stringify(id.record)}`);
    assert.notEqual(id.identity, toolchainIdentity(platform).identity);
    assert.notEqual(id.identity, (await routeIdentity("linux/arm64", { kind: "host", why: "test" })).identity);
    t.diagnostic(`host record: ${JSON.stringify(id.record)}`);
  });
});

describe("doctor's toolchain item follows the route", () => {
  it("no Debian archive known: ✓ saying builds use the host toolchain, why, and how to get the locked one", async () => {
    const { PREREQUISITES } = await import("../../src/doctor/prerequisites.js");
    const item = PREREQUISITES.find((p) => p.id === "toolchain")!;
    const dir = mkdtempSync(join(tmpdir(), "kimigayo-doctor-route-"));
    const saved = { apt: process.env.KIMIGAYO_APT_DIR, cache: process.env.KIMIGAYO_CACHE, mirror: process.env.KIMIGAYO_DEBIAN_MIRROR };
    Object.assign(process.env, { KIMIGAYO_APT_DIR: join(dir, "apt"), KIMIGAYO_CACHE: join(dir, "cache") });
    delete process.env.KIMIGAYO_DEBIAN_MIRROR;
    try {
      const r = await item.check();
      assert.equal(r.ok, true);
      assert.match(
        r.detail,
        /^builds use the HOST toolchain \(musl-amd64, cross-arm64 below\), not the lock sha256:[0-9a-f]{12}…: no URL is known/,
      );
      assert.match(r.detail, /set KIMIGAYO_DEBIAN_MIRROR \(or --debian-mirror, the debian-mirror input\)/);
    } finally {
      for (const [k, v] of [
        ["KIMIGAYO_APT_DIR", saved.apt],
        ["KIMIGAYO_CACHE", saved.cache],
        ["KIMIGAYO_DEBIAN_MIRROR", saved.mirror],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
