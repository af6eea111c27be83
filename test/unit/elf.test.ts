import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ElfError, checkBinary, expectedFor, readElf, readElfFile, type ElfInfo } from "../../src/lib/elf.js";
import { needs, type Need } from "../support/prerequisites.js";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

let work = "";
before(() => {
  work = mkdtempSync(join(tmpdir(), "elf-test-"));
  writeFileSync(join(work, "hello.c"), '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
});
after(() => rmSync(work, { recursive: true, force: true }));

/** Compiles hello.c; returns the output path. */
function compile(name: string, cc: string, flags: string[]): string {
  const out = join(work, name);
  const r = spawnSync(cc, [...flags, "-o", out, join(work, "hello.c")], { encoding: "utf8" });
  assert.equal(r.status, 0, `${cc} ${flags.join(" ")} failed: ${(r.error?.message ?? r.stderr ?? r.stdout).trim().slice(0, 300)}`);
  return out;
}

/** The host tools these tests read binaries with, and the compilers, by doctor's prerequisite ids. */
// readelf (the oracle) and gcc come with musl-amd64, the host compilers for these fixtures.
const buildTools = await needs("build-tools", "musl-amd64");
const staticBusybox = await needs("busybox-static");
const COMPILER_NEEDS: Record<string, Need> = {
  gcc: buildTools,
  "musl-gcc": await needs("musl-amd64"),
  "aarch64-linux-gnu-gcc": await needs("cross-arm64"),
  "aarch64-linux-musl-gcc": await needs("cross-arm64"),
};

interface ReadelfFacts {
  type: string;
  entry: bigint;
  interpreter?: string;
  needed: string[];
  stripped: boolean;
}

/** The same facts according to binutils readelf, as an independent oracle. */
function readelfFacts(path: string): ReadelfFacts {
  const r = spawnSync("readelf", ["-W", "-h", "-l", "-d", "-S", path], { encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
  assert.equal(r.status, 0, `readelf ${path}: ${r.error?.message ?? r.stderr}`);
  const out = r.stdout;
  const facts: ReadelfFacts = {
    type: /^\s*Type:\s+(\w+)/m.exec(out)?.[1] ?? "?",
    entry: BigInt(/Entry point address:\s+(0x[0-9a-f]+)/.exec(out)?.[1] ?? "-1"),
    needed: [...out.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1] ?? ""),
    stripped: !/\]\s+\S+\s+SYMTAB\s/.test(out),
  };
  const interp = /\[Requesting program interpreter: ([^\]]+)\]/.exec(out)?.[1];
  if (interp !== undefined) facts.interpreter = interp;
  return facts;
}

function assertMatchesReadelf(path: string, info: ElfInfo): void {
  const facts = readelfFacts(path);
  assert.equal(info.type, facts.type, "type vs readelf");
  assert.equal(info.entry, facts.entry, "entry vs readelf");
  assert.equal(info.interpreter, facts.interpreter, "interpreter vs readelf");
  assert.deepEqual(info.needed, facts.needed, "needed vs readelf");
  assert.equal(info.stripped, facts.stripped, "stripped vs readelf");
}

/** Either an ElfError or a result whose fields are consistent. */
function parseOrElfError(buf: Uint8Array): "ok" | "error" {
  let info: ElfInfo;
  try {
    info = readElf(buf);
  } catch (err) {
    if (!(err instanceof ElfError)) {
      assert.fail(`expected ElfError, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    }
    return "error";
  }
  assert.ok(info.bits === 32 || info.bits === 64);
  assert.ok(info.endian === "little" || info.endian === "big");
  assert.equal(typeof info.entry, "bigint");
  assert.ok(info.needed.every((s) => typeof s === "string"));
  assert.equal(info.isStatic, info.interpreter === undefined && info.needed.length === 0);
  return "ok";
}

function assertElfError(buf: Uint8Array, message?: RegExp): void {
  assert.throws(
    () => readElf(buf),
    (err: unknown) => {
      assert.ok(err instanceof ElfError, `expected ElfError, got ${String(err)}`);
      if (message) assert.match(err.message, message);
      return true;
    },
  );
}

// ---------------------------------------------------------------------------
// A synthetic ELF builder: any class and byte order, with patchable layout
// ---------------------------------------------------------------------------

interface SynthOptions {
  bits: 32 | 64;
  endian: "little" | "big";
  machine: number;
  type?: number;
  interp?: string;
  needed?: string[];
  /** Emit a PT_DYNAMIC even without DT_NEEDED (static-pie). */
  dynamic?: boolean;
  /** Emit section headers with a SHT_SYMTAB. */
  symtab?: boolean;
  /** Emit .dynstr (SHT_STRTAB) and .dynamic (SHT_DYNAMIC, sh_link -> .dynstr) section headers. */
  dynSections?: boolean;
}

interface Synth {
  buf: Uint8Array;
  view: DataView;
  le: boolean;
  is64: boolean;
  /** File offsets of interesting parts. */
  at: { phdrs: number; phentsize: number; interp: number; strtab: number; dynamic: number; shdrs: number };
}

const BASE = 0x400000;

function buildElf(o: SynthOptions): Synth {
  const is64 = o.bits === 64;
  const le = o.endian === "little";
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const dynentsize = is64 ? 16 : 8;
  const needed = o.needed ?? [];
  const hasDyn = needed.length > 0 || o.dynamic === true;

  const enc = new TextEncoder();
  const interpBytes = o.interp !== undefined ? enc.encode(`${o.interp}\0`) : new Uint8Array();
  const strOffsets: number[] = [];
  const strParts = ["\0"];
  let strLen = 1;
  for (const n of needed) {
    strOffsets.push(strLen);
    strParts.push(`${n}\0`);
    strLen += enc.encode(`${n}\0`).length;
  }
  const strtabBytes = enc.encode(strParts.join(""));
  const dynEntries: [number, number][] = [
    ...strOffsets.map((off): [number, number] => [1, off]),
    ...(hasDyn
      ? ([
          [5, 0],
          [10, strtabBytes.length],
          [0, 0],
        ] as [number, number][])
      : []),
  ];

  const phnum = 1 + (o.interp !== undefined ? 1 : 0) + (hasDyn ? 1 : 0);
  const phoff = ehsize;
  const interpOff = phoff + phnum * phentsize;
  const strtabOff = interpOff + interpBytes.length;
  const dynOff = align(strtabOff + strtabBytes.length, 8);
  const shoff = align(dynOff + dynEntries.length * dynentsize, 8);
  // [sh_type, sh_offset, sh_size, sh_link]; section 0 is the null section
  const sections: [number, number, number, number][] = [[0, 0, 0, 0]];
  if (o.dynSections) sections.push([3, strtabOff, strtabBytes.length, 0], [6, dynOff, dynEntries.length * dynentsize, 1]);
  if (o.symtab) sections.push([2, 0, 0, 0]);
  const shnum = sections.length > 1 ? sections.length : 0;
  const total = shoff + shnum * shentsize;

  const buf = new Uint8Array(total);
  const view = new DataView(buf.buffer);
  const u16 = (off: number, v: number) => view.setUint16(off, v, le);
  const u32 = (off: number, v: number) => view.setUint32(off, v, le);
  const word = (off: number, v: number) => (is64 ? view.setBigUint64(off, BigInt(v), le) : view.setUint32(off, v, le));

  buf.set([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, le ? 1 : 2, 1], 0);
  u16(16, o.type ?? 2);
  u16(18, o.machine);
  u32(20, 1);
  word(24, BASE + 0x100);
  const f = is64 ? { ph: 32, sh: 40, eh: 52 } : { ph: 28, sh: 32, eh: 40 };
  word(f.ph, phoff);
  word(f.sh, shnum ? shoff : 0);
  u16(f.eh, ehsize);
  u16(f.eh + 2, phentsize);
  u16(f.eh + 4, phnum);
  u16(f.eh + 6, shentsize);
  u16(f.eh + 8, shnum);

  let ph = phoff;
  const phdr = (type: number, offset: number, size: number) => {
    u32(ph, type);
    if (is64) {
      u32(ph + 4, 4);
      word(ph + 8, offset);
      word(ph + 16, BASE + offset);
      word(ph + 24, BASE + offset);
      word(ph + 32, size);
      word(ph + 40, size);
    } else {
      word(ph + 4, offset);
      word(ph + 8, BASE + offset);
      word(ph + 12, BASE + offset);
      word(ph + 16, size);
      word(ph + 20, size);
    }
    ph += phentsize;
  };
  phdr(1, 0, total);
  if (o.interp !== undefined) phdr(3, interpOff, interpBytes.length);
  if (hasDyn) phdr(2, dynOff, dynEntries.length * dynentsize);

  buf.set(interpBytes, interpOff);
  buf.set(strtabBytes, strtabOff);
  dynEntries.forEach(([tag, val], i) => {
    word(dynOff + i * dynentsize, tag);
    word(dynOff + i * dynentsize + dynentsize / 2, tag === 5 ? BASE + strtabOff : val);
  });
  if (shnum) {
    const sf = is64 ? { offset: 24, size: 32, link: 40 } : { offset: 16, size: 20, link: 24 };
    sections.forEach(([type, offset, size, link], i) => {
      const at = shoff + i * shentsize;
      u32(at + 4, type);
      word(at + sf.offset, offset);
      word(at + sf.size, size);
      u32(at + sf.link, link);
    });
  }
  return { buf, view, le, is64, at: { phdrs: phoff, phentsize, interp: interpOff, strtab: strtabOff, dynamic: dynOff, shdrs: shoff } };
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Writes an ELF word (4 or 8 bytes) into a synthetic file. */
function patchWord(s: Synth, off: number, v: bigint): void {
  if (s.is64) s.view.setBigUint64(off, v, s.le);
  else s.view.setUint32(off, Number(v & 0xffffffffn), s.le);
}

/** Offset of a field inside program header `i`: "offset" | "filesz" | "vaddr". */
function phField(s: Synth, i: number, field: "offset" | "vaddr" | "filesz"): number {
  const base = s.at.phdrs + i * s.at.phentsize;
  const offsets = s.is64 ? { offset: 8, vaddr: 16, filesz: 32 } : { offset: 4, vaddr: 8, filesz: 16 };
  return base + offsets[field];
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// Real binaries
// ---------------------------------------------------------------------------

const X86_64 = { bits: 64, endian: "little", machine: 62, machineName: "x86-64" } as const;
const AARCH64 = { bits: 64, endian: "little", machine: 183, machineName: "AArch64" } as const;

describe("readElf on real binaries", () => {
  test("/bin/ls: dynamic x86-64 PIE with interpreter and libc.so.6", { skip: buildTools.skip }, async () => {
    buildTools.check();
    const info = await readElfFile("/bin/ls");
    assert.deepEqual({ bits: info.bits, endian: info.endian, machine: info.machine, machineName: info.machineName }, X86_64);
    assert.equal(info.type, "DYN");
    assert.equal(info.interpreter, "/lib64/ld-linux-x86-64.so.2");
    assert.ok(info.needed.includes("libc.so.6"), `needed = ${info.needed.join(",")}`);
    assert.equal(info.hasDynamic, true);
    assert.equal(info.isStatic, false);
    assertMatchesReadelf("/bin/ls", info);
    assert.deepEqual(checkBinary(info, "linux/amd64"), [
      "dynamically linked: interpreter /lib64/ld-linux-x86-64.so.2",
      `dynamically linked: needs ${info.needed.join(", ")}`,
    ]);
  });

  test("/bin/busybox (Debian busybox-static): static glibc x86-64, stripped", { skip: staticBusybox.skip || buildTools.skip }, async () => {
    staticBusybox.check();
    buildTools.check();
    const info = await readElfFile("/bin/busybox");
    assert.equal(info.isStatic, true);
    assert.deepEqual({ bits: info.bits, endian: info.endian, machine: info.machine, machineName: info.machineName }, X86_64);
    assert.equal(info.type, "EXEC");
    assert.equal(info.interpreter, undefined);
    assert.deepEqual(info.needed, []);
    assert.equal(info.hasDynamic, false);
    assert.equal(info.stripped, true);
    assertMatchesReadelf("/bin/busybox", info);
    assert.deepEqual(checkBinary(info, "linux/amd64"), []);
    assert.deepEqual(checkBinary(info, "linux/arm64"), ["machine is x86-64, expected AArch64"]);
  });

  interface Case {
    name: string;
    cc: string;
    flags: string[];
    arch: typeof X86_64 | typeof AARCH64;
    platform: "linux/amd64" | "linux/arm64";
    type: "EXEC" | "DYN";
    interpreter?: string;
    needed: string[];
    hasDynamic: boolean;
    stripped: boolean;
  }
  const cases: Case[] = [
    {
      name: "musl-static",
      cc: "musl-gcc",
      flags: ["-static"],
      arch: X86_64,
      platform: "linux/amd64",
      type: "EXEC",
      needed: [],
      hasDynamic: false,
      stripped: false,
    },
    {
      name: "musl-static-stripped",
      cc: "musl-gcc",
      flags: ["-static", "-s"],
      arch: X86_64,
      platform: "linux/amd64",
      type: "EXEC",
      needed: [],
      hasDynamic: false,
      stripped: true,
    },
    {
      name: "gcc-dynamic",
      cc: "gcc",
      flags: [],
      arch: X86_64,
      platform: "linux/amd64",
      type: "DYN",
      interpreter: "/lib64/ld-linux-x86-64.so.2",
      needed: ["libc.so.6"],
      hasDynamic: true,
      stripped: false,
    },
    {
      name: "gcc-dynamic-no-pie",
      cc: "gcc",
      flags: ["-no-pie"],
      arch: X86_64,
      platform: "linux/amd64",
      type: "EXEC",
      interpreter: "/lib64/ld-linux-x86-64.so.2",
      needed: ["libc.so.6"],
      hasDynamic: true,
      stripped: false,
    },
    {
      name: "gcc-static-pie",
      cc: "gcc",
      flags: ["-static-pie"],
      arch: X86_64,
      platform: "linux/amd64",
      type: "DYN",
      needed: [],
      hasDynamic: true,
      stripped: false,
    },
    {
      name: "aarch64-gnu-static",
      cc: "aarch64-linux-gnu-gcc",
      flags: ["-static"],
      arch: AARCH64,
      platform: "linux/arm64",
      type: "EXEC",
      needed: [],
      hasDynamic: false,
      stripped: false,
    },
    {
      name: "aarch64-musl-static",
      cc: "aarch64-linux-musl-gcc",
      flags: ["-static"],
      arch: AARCH64,
      platform: "linux/arm64",
      type: "EXEC",
      needed: [],
      hasDynamic: false,
      stripped: false,
    },
  ];

  for (const c of cases) {
    const need = COMPILER_NEEDS[c.cc]!;
    test(`${c.cc} ${c.flags.join(" ")}`.trim(), { skip: need.skip || buildTools.skip }, async () => {
      need.check();
      buildTools.check();
      const built = compile(c.name, c.cc, c.flags);
      const info = await readElfFile(built);
      assert.deepEqual({ bits: info.bits, endian: info.endian, machine: info.machine, machineName: info.machineName }, c.arch);
      assert.equal(info.type, c.type);
      assert.equal(info.interpreter, c.interpreter);
      assert.deepEqual(info.needed, c.needed);
      assert.equal(info.hasDynamic, c.hasDynamic);
      assert.equal(info.isStatic, c.interpreter === undefined && c.needed.length === 0);
      assert.equal(info.stripped, c.stripped);
      assert.notEqual(info.entry, 0n);
      assertMatchesReadelf(built, info);

      const problems = checkBinary(info, c.platform);
      if (info.isStatic) assert.deepEqual(problems, []);
      else
        assert.ok(
          problems.some((p) => p.startsWith("dynamically linked: interpreter")),
          problems.join("; "),
        );
      const other = c.platform === "linux/amd64" ? "linux/arm64" : "linux/amd64";
      assert.ok(checkBinary(info, other).includes(`machine is ${c.arch.machineName}, expected ${expectedFor(other).machineName}`));
    });
  }
});

// ---------------------------------------------------------------------------
// Synthetic: 32/64-bit, both byte orders
// ---------------------------------------------------------------------------

describe("readElf on synthetic files of every class and byte order", () => {
  const variants = [
    { bits: 32, endian: "little", machine: 3, machineName: "Intel 80386" },
    { bits: 32, endian: "big", machine: 8, machineName: "MIPS" },
    { bits: 64, endian: "little", machine: 62, machineName: "x86-64" },
    { bits: 64, endian: "big", machine: 22, machineName: "IBM S/390" },
  ] as const;

  for (const v of variants) {
    test(`ELF${v.bits} ${v.endian}-endian, dynamic`, () => {
      const s = buildElf({ ...v, interp: "/lib/ld.so.1", needed: ["libfoo.so.1", "libc.so"] });
      const info = readElf(s.buf);
      assert.deepEqual(info, {
        bits: v.bits,
        endian: v.endian,
        machine: v.machine,
        machineName: v.machineName,
        type: "EXEC",
        entry: BigInt(BASE + 0x100),
        interpreter: "/lib/ld.so.1",
        needed: ["libfoo.so.1", "libc.so"],
        hasDynamic: true,
        isStatic: false,
        stripped: true,
      });
    });

    test(`ELF${v.bits} ${v.endian}-endian, static-pie with symtab`, () => {
      const info = readElf(buildElf({ ...v, type: 3, dynamic: true, symtab: true }).buf);
      assert.equal(info.type, "DYN");
      assert.equal(info.hasDynamic, true);
      assert.equal(info.isStatic, true);
      assert.equal(info.stripped, false);
      assert.deepEqual(info.needed, []);
    });
  }

  test("the synthetic builder agrees with readelf", { skip: buildTools.skip }, () => {
    buildTools.check();
    for (const v of variants) {
      const path = join(work, `synth-${v.bits}-${v.endian}`);
      const s = buildElf({ ...v, interp: "/lib/ld.so.1", needed: ["libfoo.so.1"], dynSections: true, symtab: true });
      writeFileSync(path, s.buf);
      assertMatchesReadelf(path, readElf(s.buf));
    }
  });

  test("checkBinary lists every problem", () => {
    const info = readElf(buildElf({ bits: 32, endian: "big", machine: 8, type: 1, interp: "/lib/ld.so.1", needed: ["libc.so"] }).buf);
    assert.deepEqual(checkBinary(info, "linux/amd64"), [
      "ELF class is 32-bit, expected 64-bit",
      "byte order is big-endian, expected little-endian",
      "machine is MIPS, expected x86-64",
      "ELF type is REL, expected EXEC or DYN",
      "dynamically linked: interpreter /lib/ld.so.1",
      "dynamically linked: needs libc.so",
    ]);
  });

  test("expectedFor", () => {
    assert.deepEqual(expectedFor("linux/amd64"), { bits: 64, endian: "little", machine: 62, machineName: "x86-64" });
    assert.deepEqual(expectedFor("linux/arm64"), { bits: 64, endian: "little", machine: 183, machineName: "AArch64" });
    assert.throws(() => expectedFor("linux/riscv64" as "linux/amd64"), /unsupported platform/);
  });

  test("unknown machine and type", () => {
    const info = readElf(buildElf({ bits: 64, endian: "little", machine: 0x1234, type: 0xfe00 }).buf);
    assert.equal(info.machineName, "unknown (0x1234)");
    assert.equal(info.type, "UNKNOWN");
  });
});

// ---------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------

describe("readElf on hostile input", () => {
  const ls = new Uint8Array(readFileSync("/bin/ls"));
  const dyn64 = () => buildElf({ bits: 64, endian: "little", machine: 62, interp: "/lib/ld.so", needed: ["libc.so"] });
  const dyn32be = () => buildElf({ bits: 32, endian: "big", machine: 8, interp: "/lib/ld.so", needed: ["libc.so"] });

  test("every truncation of a real binary throws ElfError", () => {
    const lengths = new Set<number>();
    for (let n = 0; n <= 4096; n++) lengths.add(n);
    for (let n = 4096; n < ls.length; n += 509) lengths.add(n);
    for (const n of [ls.length - 1, ls.length - 64, ls.length - 1000]) lengths.add(n);
    for (const n of lengths) {
      assert.throws(() => readElf(ls.subarray(0, n)), ElfError, `length ${n}`);
    }
    assert.equal(parseOrElfError(ls), "ok");
  });

  test("every truncation of synthetic files throws ElfError", () => {
    for (const s of [dyn64(), dyn32be()]) {
      for (let n = 0; n < s.buf.length; n++) assert.throws(() => readElf(s.buf.subarray(0, n)), ElfError, `length ${n}`);
      assert.equal(parseOrElfError(s.buf), "ok");
    }
  });

  test("a Uint8Array view with a non-zero byteOffset", () => {
    const s = dyn64();
    const padded = new Uint8Array(s.buf.length + 3);
    padded.set(s.buf, 3);
    assert.deepEqual(readElf(padded.subarray(3)).needed, ["libc.so"]);
  });

  test("bad magic, class and data bytes", () => {
    const base = dyn64().buf;
    const mutate = (i: number, v: number) => {
      const b = base.slice();
      b[i] = v;
      return b;
    };
    assertElfError(mutate(0, 0x7e), /bad magic/);
    assertElfError(mutate(3, 0x47), /bad magic/);
    assertElfError(mutate(4, 0), /class/);
    assertElfError(mutate(4, 3), /class/);
    assertElfError(mutate(5, 0), /byte order/);
    assertElfError(new TextEncoder().encode("#!/bin/sh\necho hello, this is not ELF\n"), /bad magic/);
    assertElfError(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), /too short/);
    // ELF64 ident but only a 52-byte header
    assertElfError(base.slice(0, 52), /too short/);
  });

  test("e_phoff past EOF or absurd", () => {
    for (const v of [BigInt(dyn64().buf.length + 1000), 0xffffffffffffffffn, 0x7fffffffffffffffn]) {
      const s = dyn64();
      patchWord(s, 32, v);
      assertElfError(s.buf, /program header table/);
    }
    const s = dyn32be();
    patchWord(s, 28, 0xfffffff0n);
    assertElfError(s.buf, /program header table/);
  });

  test("huge e_phnum with a tiny file", () => {
    const s = dyn64();
    s.view.setUint16(56, 0xfffe, true);
    assertElfError(s.buf, /program header table/);
    s.view.setUint16(56, 0xffff, true); // PN_XNUM without section headers
    assertElfError(s.buf, /PN_XNUM/);
    // a header only, phnum 65535
    assertElfError(s.buf.slice(0, 64), /PN_XNUM/);
  });

  test("extended numbering through section 0 with absurd counts", () => {
    const s = buildElf({ bits: 64, endian: "little", machine: 62, symtab: true });
    s.view.setUint16(60, 0, true); // e_shnum = 0: real count in section 0's sh_size
    s.view.setBigUint64(s.at.shdrs + 32, 1n << 40n, true);
    assertElfError(s.buf, /section header table has \d+ entries/);
    s.view.setBigUint64(s.at.shdrs + 32, 2n, true);
    assert.equal(readElf(s.buf).stripped, false);
    s.view.setUint16(56, 0xffff, true); // PN_XNUM: real count in sh_info (0 here)
    assert.equal(readElf(s.buf).isStatic, true);
    s.view.setUint32(s.at.shdrs + 44, 0xffffffff, true);
    assertElfError(s.buf, /program header table has \d+ entries/);
  });

  test("e_phentsize / e_shentsize too small", () => {
    const s = dyn64();
    s.view.setUint16(54, 8, true);
    assertElfError(s.buf, /entry size 8 is smaller than 56/);
    const t = buildElf({ bits: 32, endian: "little", machine: 3, symtab: true });
    t.view.setUint16(46, 0, true);
    assertElfError(t.buf, /section header table entry size 0/);
  });

  test("section header table past EOF", () => {
    const s = buildElf({ bits: 64, endian: "little", machine: 62, symtab: true });
    patchWord(s, 40, 0xfffffffffffff000n);
    assertElfError(s.buf, /section header table/);
  });

  test("PT_DYNAMIC / PT_INTERP / PT_LOAD out of range", () => {
    const dynIndex = 2;
    let s = dyn64();
    patchWord(s, phField(s, dynIndex, "offset"), BigInt(s.buf.length));
    assertElfError(s.buf, /PT_DYNAMIC/);
    s = dyn64();
    patchWord(s, phField(s, dynIndex, "filesz"), 0xffffffffffffffffn);
    assertElfError(s.buf, /PT_DYNAMIC/);
    s = dyn32be();
    patchWord(s, phField(s, dynIndex, "offset"), 0xffffff00n);
    assertElfError(s.buf, /PT_DYNAMIC/);
    s = dyn64();
    patchWord(s, phField(s, 1, "offset"), 0x8000000000000000n);
    assertElfError(s.buf, /PT_INTERP/);
    s = dyn64();
    patchWord(s, phField(s, 0, "filesz"), BigInt(s.buf.length + 1));
    assertElfError(s.buf, /PT_LOAD/);
  });

  test("a PT_DYNAMIC smaller than one entry, or without DT_NULL, stays in bounds", () => {
    let s = dyn64();
    patchWord(s, phField(s, 2, "filesz"), 3n);
    assert.deepEqual(readElf(s.buf).needed, []);
    s = dyn64();
    // drop the DT_NULL: the segment ends exactly after DT_STRSZ
    patchWord(s, phField(s, 2, "filesz"), 3n * 16n);
    assert.deepEqual(readElf(s.buf).needed, ["libc.so"]);
  });

  test("DT_STRTAB outside every PT_LOAD segment", () => {
    for (const make of [dyn64, dyn32be]) {
      const s = make();
      const entsize = s.is64 ? 16 : 8;
      patchWord(s, s.at.dynamic + entsize + entsize / 2, 0xdead0000n); // entry 1 is DT_STRTAB
      assertElfError(s.buf, /DT_STRTAB address 0xdead0000 is not inside/);
    }
  });

  test("DT_STRSZ past its segment and DT_NEEDED offset past DT_STRSZ", () => {
    let s = dyn64();
    patchWord(s, s.at.dynamic + 2 * 16 + 8, 0xffffffffffffn); // entry 2 is DT_STRSZ
    assertElfError(s.buf, /DT_STRSZ/);
    s = dyn64();
    patchWord(s, s.at.dynamic + 8, 0x7fffffffffffffffn); // entry 0 is DT_NEEDED
    assertElfError(s.buf, /DT_NEEDED string offset/);
  });

  test("unterminated strings", () => {
    let s = dyn64();
    s.buf[s.at.strtab + "\0libc.so".length] = 0x41; // the NUL ending "libc.so" becomes 'A'
    assertElfError(s.buf, /DT_NEEDED name .* is not NUL-terminated/);
    s = dyn64();
    s.buf[s.at.interp + "/lib/ld.so".length] = 0x41;
    assertElfError(s.buf, /PT_INTERP path .* is not NUL-terminated/);
    s = dyn64();
    patchWord(s, phField(s, 1, "filesz"), 0n);
    assertElfError(s.buf, /PT_INTERP segment .* is empty/);
  });

  test("DT_NEEDED without DT_STRTAB falls back to the .dynstr section, else ElfError", () => {
    for (const bits of [32, 64] as const) {
      const s = buildElf({ bits, endian: "big", machine: 8, needed: ["libz.so.1", "libc.so"], dynSections: true });
      const entsize = s.is64 ? 16 : 8;
      patchWord(s, s.at.dynamic + 2 * entsize, 0x7fff0000n); // entry 2 (DT_STRTAB) -> unknown tag
      assert.deepEqual(readElf(s.buf).needed, ["libz.so.1", "libc.so"]);
    }
    const s = dyn64();
    s.view.setBigUint64(s.at.dynamic + 16, 0x7fff0000n, true); // DT_STRTAB -> unknown tag, no sections
    assertElfError(s.buf, /no DT_STRTAB and no \.dynstr/);
    const t = buildElf({ bits: 64, endian: "little", machine: 62, needed: ["libc.so"], dynSections: true });
    t.view.setBigUint64(t.at.dynamic + 16, 0x7fff0000n, true);
    t.view.setBigUint64(t.at.shdrs + 64 + 24, 0xffffffffffn, true); // .dynstr sh_offset past EOF
    assertElfError(t.buf, /\.dynstr section/);
  });

  test("deterministic fuzz: random mutations and truncations only ever give ElfError", (t) => {
    const seeds: [string, Uint8Array][] = [
      ["synthetic ELF64 LE", dyn64().buf],
      ["synthetic ELF32 BE", dyn32be().buf],
      ["synthetic static-pie", buildElf({ bits: 64, endian: "big", machine: 22, type: 3, dynamic: true, symtab: true }).buf],
      [
        "synthetic with sections",
        buildElf({ bits: 32, endian: "little", machine: 40, needed: ["a", "b"], dynSections: true, symtab: true }).buf,
      ],
    ];
    if (ls) seeds.push(["/bin/ls", ls]);
    else t.diagnostic("/bin/ls not present: fuzzing synthetic files only");
    const rand = prng(0x5eed);
    const int = (n: number) => Math.floor(rand() * n);
    const started = Date.now();
    for (const [name, original] of seeds) {
      const tally = { ok: 0, error: 0 };
      const window = Math.min(original.length, 4096);
      for (let i = 0; i < 2000; i++) {
        const buf = original.slice();
        const flips = 1 + int(8);
        for (let k = 0; k < flips; k++) {
          const pos = int(window);
          buf[pos] = [0x00, 0xff, 0x7f, 0x80, int(256)][int(5)] ?? 0;
        }
        const data = rand() < 0.2 ? buf.subarray(0, int(buf.length + 1)) : buf;
        try {
          tally[parseOrElfError(data)]++;
        } catch (err) {
          const hexdump = Buffer.from(data.subarray(0, 64)).toString("hex");
          throw new Error(`${name} iteration ${i}: ${String(err)}\nfirst 64 bytes: ${hexdump}`);
        }
      }
      t.diagnostic(`${name}: ${tally.ok} parsed, ${tally.error} ElfError`);
      assert.ok(tally.ok > 0 && tally.error > 0, `${name}: fuzz should hit both outcomes (${JSON.stringify(tally)})`);
    }
    assert.ok(Date.now() - started < 20_000, "fuzzing took too long");
  });
});
