import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "../../src/lib/hash.js";
import { TAR_END_BYTES, normalizeTarPath, readTar, tarEntryBytes, writeTar, type TarEntry } from "../../src/lib/tar.js";
import { needs } from "../support/prerequisites.js";

const MTIME = 1700000000; // 2023-11-14 22:13:20 UTC

let work = "";
before(() => {
  work = mkdtempSync(join(tmpdir(), "tar-test-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

const bytes = (s: string) => new TextEncoder().encode(s);

/** A path of exactly `n` bytes made of directory components, ending in a file name. */
function longPath(n: number, tag: string, lastComponent = 40): string {
  const parts: string[] = [];
  let len = 0;
  while (n - len > lastComponent + 1) {
    const seg = `${tag}${parts.length}`.padEnd(Math.min(30, n - len - lastComponent - 2), "x");
    parts.push(seg);
    len += seg.length + 1;
  }
  parts.push("f".repeat(n - len));
  const p = parts.join("/");
  assert.equal(Buffer.byteLength(p), n);
  return p;
}

const P150 = longPath(150, "a");
const P300 = longPath(300, "b");
const NOSLASH150 = "n".repeat(150);
const TARGET200 = `/${"t".repeat(199)}`;
const UTF8_LONG = `日本語/${"ß".repeat(60)}/ファイル-${"é".repeat(20)}`; // > 100 bytes, multibyte

function sampleEntries(): TarEntry[] {
  return [
    { type: "dir", path: "bin", mode: 0o755 },
    { type: "file", path: "bin/busybox", mode: 0o4755, data: bytes("#!busybox\n".repeat(100)) },
    { type: "symlink", path: "bin/sh", target: "busybox" },
    { type: "hardlink", path: "bin/ash", target: "bin/busybox" }, // sorts before its target
    { type: "dir", path: "etc", mode: 0o755 },
    { type: "file", path: "etc/hostname", mode: 0o644, data: bytes("kimigayo\n") },
    { type: "file", path: "etc/empty", mode: 0o600, data: new Uint8Array() },
    { type: "file", path: "etc/exact512", mode: 0o644, data: new Uint8Array(512).fill(0x61) },
    { type: "dir", path: "tmp", mode: 0o1777 },
    { type: "dir", path: "deep", mode: 0o755 },
    ...dirsFor(P150),
    { type: "file", path: `deep/${P150}`, mode: 0o644, data: bytes("150\n") },
    ...dirsFor(P300),
    { type: "file", path: `deep/${P300}`, mode: 0o640, data: bytes("300\n") },
    { type: "file", path: NOSLASH150, mode: 0o644, data: bytes("noslash\n") },
    { type: "symlink", path: "etc/longlink", target: TARGET200 },
    { type: "hardlink", path: `deep/${P300}.hard`, target: `deep/${P150}` },
    { type: "dir", path: "日本語", mode: 0o755 },
    { type: "dir", path: UTF8_LONG.slice(0, UTF8_LONG.lastIndexOf("/")), mode: 0o700 },
    { type: "file", path: UTF8_LONG, mode: 0o644, data: bytes("utf8\n") },
  ];
}

/** The directories above deep/<p>, which the caller must supply. */
function dirsFor(p: string): TarEntry[] {
  const parts = p.split("/").slice(0, -1);
  return parts.map((_, i) => ({ type: "dir", path: `deep/${parts.slice(0, i + 1).join("/")}`, mode: 0o755 }) as const);
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function gnuTar(args: string[]): { stdout: string; stderr: string } {
  const r = spawnSync("tar", args, { encoding: "utf8", env: { ...process.env, LC_ALL: "C.UTF-8", TZ: "UTC" } });
  assert.equal(r.status, 0, `tar ${args.join(" ")} failed: ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** GNU tar comes with doctor's build-tools (Debian's tar package). */
const tarTool = await needs("build-tools");

describe("writeTar", () => {
  test("is independent of input order", () => {
    const entries = sampleEntries();
    const reference = sha256(writeTar(entries, { mtime: MTIME }));
    for (let seed = 1; seed <= 20; seed++) {
      assert.equal(sha256(writeTar(shuffled(entries, seed), { mtime: MTIME })), reference, `seed ${seed}`);
    }
    assert.equal(sha256(writeTar([...entries].reverse(), { mtime: MTIME })), reference);
  });

  test("different mtime gives different bytes", () => {
    const a = writeTar(sampleEntries(), { mtime: MTIME });
    const b = writeTar(sampleEntries(), { mtime: MTIME + 1 });
    assert.equal(a.length, b.length);
    assert.notEqual(sha256(a), sha256(b));
  });

  test("entries are sorted bytewise, hardlinks directly after their target", () => {
    const names = readTar(writeTar(sampleEntries(), { mtime: MTIME })).map((e) => e.path);
    const iBusybox = names.indexOf("bin/busybox");
    assert.equal(names[iBusybox + 1], "bin/ash");
    const iP150 = names.indexOf(`deep/${P150}`);
    assert.equal(names[iP150 + 1], `deep/${P300}.hard`);
    const withoutHardlinks = names.filter((n) => n !== "bin/ash" && n !== `deep/${P300}.hard`);
    const sorted = [...withoutHardlinks].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    assert.deepEqual(withoutHardlinks, sorted);
  });

  test("readTar(writeTar(x)) returns the entries", () => {
    const input = sampleEntries();
    const archive = writeTar(input, { mtime: MTIME });
    const read = readTar(archive);
    assert.equal(read.length, input.length);
    const byPath = new Map(read.map((e) => [e.path, e]));
    for (const e of input) {
      const got = byPath.get(e.path);
      assert.ok(got, `missing ${e.path}`);
      const { size, headerOffset, ...entry } = got;
      assert.ok(headerOffset % 512 === 0 && headerOffset < archive.length);
      if (e.type === "file" && entry.type === "file") {
        assert.equal(size, e.data.length);
        assert.deepEqual(Buffer.from(entry.data), Buffer.from(e.data));
        assert.deepEqual({ ...entry, data: null }, { ...e, data: null });
      } else {
        assert.equal(size, 0);
        assert.deepEqual(entry, e);
      }
    }
  });

  test("sum of tarEntryBytes + TAR_END_BYTES is the archive length, and matches headerOffset deltas", () => {
    const input = sampleEntries();
    const archive = writeTar(input, { mtime: MTIME });
    const total = input.reduce((n, e) => n + tarEntryBytes(e), 0);
    assert.equal(total + TAR_END_BYTES, archive.length);
    const read = readTar(archive);
    read.forEach((e, i) => {
      const end = read[i + 1]?.headerOffset ?? archive.length - TAR_END_BYTES;
      assert.equal(end - e.headerOffset, tarEntryBytes(e), e.path);
    });
  });

  test("ustar headers: magic, owner, no 10 KiB padding, exact end marker", () => {
    const archive = writeTar([{ type: "file", path: "./a", mode: 0o100644, data: bytes("x") }], { mtime: MTIME });
    assert.equal(archive.length, 512 + 512 + 1024);
    const h = archive.subarray(0, 512);
    const field = (off: number, len: number) => h.subarray(off, off + len).toString("latin1");
    assert.equal(field(0, 2), "a\0");
    assert.equal(field(100, 8), "0000644\0");
    assert.equal(field(108, 8), "0000000\0");
    assert.equal(field(116, 8), "0000000\0");
    assert.equal(field(124, 12), "00000000001\0");
    assert.equal(field(136, 12), `${MTIME.toString(8).padStart(11, "0")}\0`);
    assert.equal(field(156, 1), "0");
    assert.equal(field(257, 8), "ustar\x0000");
    assert.equal(field(265, 64), "\0".repeat(64), "uname and gname are empty");
    assert.equal(field(155, 1), " ");
    assert.ok(archive.subarray(1024).every((b) => b === 0));
  });

  test("names: ustar prefix for splittable long names, PAX path/linkpath otherwise", () => {
    const archive = writeTar(
      [
        { type: "file", path: P150, mode: 0o644, data: new Uint8Array() },
        { type: "file", path: P300, mode: 0o644, data: new Uint8Array() },
      ],
      { mtime: MTIME },
    );
    const [a, b] = readTar(archive);
    assert.equal(a?.path, P150);
    assert.equal(b?.path, P300);
    assert.equal(tarEntryBytes({ type: "file", path: P150, mode: 0, data: new Uint8Array() }), 512, "prefix, no PAX");
    // the P300 entry: a PAX header with exactly one path= record
    const pax = archive.subarray(b?.headerOffset ?? 0);
    assert.equal(String.fromCharCode(pax[156] ?? 0), "x");
    const size = parseInt(pax.subarray(124, 135).toString("latin1"), 8);
    const record = pax.subarray(512, 512 + size).toString("utf8");
    assert.equal(record, `${size} path=${P300}\n`);
    assert.equal(pax.subarray(136, 147).toString("latin1"), MTIME.toString(8).padStart(11, "0"), "PAX header mtime is deterministic");

    const link = writeTar([{ type: "symlink", path: "l", target: TARGET200 }], { mtime: MTIME });
    const linkSize = parseInt(link.subarray(124, 135).toString("latin1"), 8);
    assert.equal(link.subarray(512, 512 + linkSize).toString("utf8"), `${linkSize} linkpath=${TARGET200}\n`);
    assert.deepEqual(
      readTar(link).map(({ size: _s, headerOffset: _h, ...e }) => e),
      [{ type: "symlink", path: "l", target: TARGET200 }],
    );
  });

  test("paths are normalised", () => {
    assert.equal(normalizeTarPath("./usr//bin/./busybox/"), "usr/bin/busybox");
    assert.equal(normalizeTarPath("etc"), "etc");
    const read = readTar(
      writeTar(
        [
          { type: "dir", path: "./etc/", mode: 0o755 },
          { type: "file", path: "etc//passwd", mode: 0o644, data: bytes("root:x:0:0::/root:/bin/sh\n") },
          { type: "hardlink", path: "./etc/passwd-", target: "./etc/passwd" },
        ],
        { mtime: 0 },
      ),
    );
    assert.deepEqual(
      read.map((e) => [e.type, e.path]),
      [
        ["dir", "etc"],
        ["file", "etc/passwd"],
        ["hardlink", "etc/passwd-"],
      ],
    );
    assert.equal(Buffer.from(writeTar([{ type: "dir", path: "etc", mode: 0o755 }], { mtime: 0 }).subarray(0, 5)).toString(), "etc/\0");
  });

  test("invalid input is rejected", () => {
    const file = (path: string): TarEntry => ({ type: "file", path, mode: 0o644, data: new Uint8Array() });
    for (const p of ["", ".", "./", "/", "//", "/etc/passwd", "..", "../etc", "a/../b", "a/..", "a\0b"]) {
      assert.throws(() => writeTar([file(p)], { mtime: 0 }), Error, JSON.stringify(p));
      assert.throws(() => tarEntryBytes(file(p)), Error, JSON.stringify(p));
    }
    assert.throws(() => writeTar([file("a"), file("./a")], { mtime: 0 }), /more than once/);
    assert.throws(() => writeTar([{ type: "dir", path: "a", mode: 0o755 }, file("a/")], { mtime: 0 }), /more than once/);
    assert.throws(() => writeTar([{ type: "hardlink", path: "b", target: "missing" }], { mtime: 0 }), /not a regular file/);
    assert.throws(
      () =>
        writeTar(
          [
            { type: "symlink", path: "s", target: "x" },
            { type: "hardlink", path: "h", target: "s" },
          ],
          { mtime: 0 },
        ),
      /not a regular file/,
    );
    assert.throws(
      () =>
        writeTar(
          [
            { type: "dir", path: "d", mode: 0o755 },
            { type: "hardlink", path: "h", target: "d" },
          ],
          { mtime: 0 },
        ),
      /not a regular file/,
    );
    assert.throws(() => writeTar([{ type: "hardlink", path: "h", target: "/abs" }], { mtime: 0 }), /absolute/);
    assert.throws(() => writeTar([{ type: "symlink", path: "s", target: "" }], { mtime: 0 }), /empty link target/);
    assert.throws(() => writeTar([{ type: "dir", path: "d", mode: -1 }], { mtime: 0 }), /mode/);
    assert.throws(() => writeTar([{ type: "dir", path: "d", mode: 1.5 }], { mtime: 0 }), /mode/);
    for (const mtime of [-1, 1.5, 8 ** 11, Number.NaN]) assert.throws(() => writeTar([], { mtime }), /mtime/);
  });

  test("an empty archive is just the end marker", () => {
    const archive = writeTar([], { mtime: MTIME });
    assert.equal(archive.length, TAR_END_BYTES);
    assert.deepEqual(readTar(archive), []);
  });

  test("readTar rejects corrupt archives", () => {
    const archive = writeTar([{ type: "file", path: "a", mode: 0o644, data: bytes("hello") }], { mtime: MTIME });
    const bad = Buffer.from(archive);
    bad[0] = 0x62; // "a" -> "b" without fixing the checksum
    assert.throws(() => readTar(bad), /checksum/);
    assert.throws(() => readTar(archive.subarray(0, 512)), /past the end|end-of-archive/);
    assert.throws(() => readTar(archive.subarray(0, 1024)), /end-of-archive/);
  });
});

describe("GNU tar interoperability", { skip: tarTool.skip }, () => {
  before(() => {
    tarTool.check();
    const r = spawnSync("tar", ["--version"], { encoding: "utf8" });
    assert.match(r.stdout ?? "", /GNU tar/, "tar on PATH is GNU tar");
  });

  test("tar -tvf lists exactly the entries", () => {
    const input = sampleEntries();
    const path = join(work, "list.tar");
    writeFileSync(path, writeTar(input, { mtime: MTIME }));
    const { stdout, stderr } = gnuTar(["--utc", "--full-time", "-tvf", path]);
    assert.equal(stderr, "", "no warnings (checksums, headers)");
    const lines = stdout.trimEnd().split("\n");
    const ordered = readTar(readFileSync(path));
    assert.equal(lines.length, input.length);
    const fileModes = new Map(input.flatMap((e) => (e.type === "file" ? [[e.path, e.mode] as const] : [])));
    const modeString = (e: TarEntry): string => {
      const perms = e.type === "symlink" ? 0o777 : e.type === "hardlink" ? (fileModes.get(e.target) ?? -1) : e.mode;
      const kind = { dir: "d", file: "-", symlink: "l", hardlink: "h" }[e.type];
      const rwx = (bits: number, special: boolean, s: string) =>
        `${bits & 4 ? "r" : "-"}${bits & 2 ? "w" : "-"}${special ? (bits & 1 ? s : s.toUpperCase()) : bits & 1 ? "x" : "-"}`;
      return (
        kind +
        rwx(perms >> 6, (perms & 0o4000) !== 0, "s") +
        rwx(perms >> 3, (perms & 0o2000) !== 0, "s") +
        rwx(perms, (perms & 0o1000) !== 0, "t")
      );
    };
    ordered.forEach((e, i) => {
      const line = lines[i] ?? "";
      const m = /^(\S+) (\S+)\s+(\d+) (\S+ \S+) (.*)$/.exec(line);
      assert.ok(m, line);
      const [, mode, owner, size, date, rest] = m;
      assert.equal(mode, modeString(e), line);
      assert.equal(owner, "0/0", line);
      assert.equal(Number(size), e.size, line);
      assert.equal(date, "2023-11-14 22:13:20", line);
      const name = e.type === "dir" ? `${e.path}/` : e.path;
      const expected = e.type === "symlink" ? `${name} -> ${e.target}` : e.type === "hardlink" ? `${name} link to ${e.target}` : name;
      assert.equal(rest, expected, line);
    });
  });

  test("tar -xf reproduces contents, modes, link targets and mtimes", () => {
    const input = sampleEntries();
    const path = join(work, "extract.tar");
    writeFileSync(path, writeTar(input, { mtime: MTIME }));
    const dest = join(work, "out");
    mkdirSync(dest);
    gnuTar(["-xpf", path, "-C", dest, "--no-same-owner"]);
    const root = process.getuid?.() === 0;
    for (const e of input) {
      const p = join(dest, e.path);
      const st = lstatSync(p);
      assert.equal(st.mtimeMs, MTIME * 1000, `mtime of ${e.path}`);
      switch (e.type) {
        case "dir":
          assert.ok(st.isDirectory(), e.path);
          assert.equal(st.mode & 0o7777, e.mode, e.path);
          break;
        case "file":
          assert.ok(st.isFile(), e.path);
          if (root || (e.mode & 0o6000) === 0) assert.equal(st.mode & 0o7777, e.mode, e.path);
          assert.deepEqual(readFileSync(p), Buffer.from(e.data), e.path);
          break;
        case "symlink":
          assert.ok(st.isSymbolicLink(), e.path);
          assert.equal(readlinkSync(p), e.target, e.path);
          break;
        case "hardlink":
          assert.equal(st.ino, statSync(join(dest, e.target)).ino, `${e.path} is a hardlink of ${e.target}`);
          break;
      }
    }
  });
});
