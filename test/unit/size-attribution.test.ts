/**
 * Size attribution, pure parts: the GNU ld map reader (memory map and cross-reference table, in
 * ld's own layout), Kbuild lines, dominators, the attribution (who owns which bytes, rows that sum
 * to the binary) and the contributors to a change; zstd sizes against the zstd command when the
 * machine has one.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";
import { attribute, contributors, dominators, enabledOptions, objectName, parseKbuild, sharedPlace } from "../../src/size/attribution.js";
import { loadedFiles, parseRelocations } from "../../src/size/attribution-inputs.js";
import { zstdSize } from "../../src/size/compress.js";
import { parseLinkMap } from "../../src/size/linkmap.js";

const LIBC = "/usr/lib/x86_64-linux-musl/libc.a";
const hex = (n: number) => `0x${n.toString(16)}`;
const addr = (n: number) => `0x${n.toString(16).padStart(16, "0")}`;

/** One input section in ld's layout: on one line when the name is short, else the numbers on the next. */
function input(section: string, at: number, size: number, file: string, symbols: string[] = []): string {
  const head =
    section.length < 14
      ? ` ${section.padEnd(14)} ${addr(at)} ${hex(size).padStart(10)} ${file}`
      : ` ${section}\n                ${addr(at)} ${hex(size).padStart(10)} ${file}`;
  return [head, ...symbols.map((s) => `                ${addr(at)}                ${s}`)].join("\n");
}

/**
 * A program: crt1 -> main (appletlib) -> httpd_main (httpd.o) and nc_main (nc.o); httpd alone uses
 * libbb's xconnect.o; both use libbb's xfuncs.o; httpd uses libc's strcpy, nc uses libc's printf;
 * decompress.o is built by two enabled options.
 */
const MAP = [
  "Archive member included to satisfy reference by file (symbol)",
  "",
  `${LIBC}(printf.lo)`,
  "                              networking/lib.a(nc.o) (printf)",
  "",
  "Discarded input sections",
  "",
  " .text.unused   0x0000000000000000       0x40 networking/lib.a(httpd.o)",
  "",
  "Memory Configuration",
  "",
  "Name             Origin             Length             Attributes",
  "*default*        0x0000000000000000 0xffffffffffffffff",
  "",
  "Linker script and memory map",
  "",
  "LOAD /usr/lib/x86_64-linux-musl/crt1.o",
  "START GROUP",
  "LOAD networking/lib.a",
  "LOAD linker stubs",
  '                [!provide]                PROVIDE (__executable_start = SEGMENT_START ("text-segment", 0x400000))',
  '                0x0000000000400190                . = (SEGMENT_START ("text-segment", 0x400000) + SIZEOF_HEADERS)',
  "",
  ".interp",
  " *(.interp)",
  "",
  ".text           0x0000000000401000      0x400",
  " *(SORT_BY_ALIGNMENT(.text) SORT_BY_ALIGNMENT(.text.*))",
  input(".text._start", 0x401000, 0x20, "/usr/lib/x86_64-linux-musl/crt1.o", ["_start"]),
  input(".text.main", 0x401020, 0x40, "libbb/lib.a(appletlib.o)", ["main"]),
  input(".text.httpd_main", 0x401060, 0x100, "networking/lib.a(httpd.o)", ["httpd_main"]),
  input(".text.nc_main", 0x401160, 0x80, "networking/lib.a(nc.o)", ["nc_main"]),
  " *fill*         0x00000000004011e0        0x20 ",
  input(".text.xconnect", 0x401200, 0x60, "libbb/lib.a(xconnect.o)", ["xconnect"]),
  input(".text.xmalloc", 0x401260, 0x30, "libbb/lib.a(xfuncs.o)", ["xmalloc"]),
  input(".text.strcpy", 0x401290, 0x10, `${LIBC}(strcpy.lo)`, ["strcpy"]),
  input(".text.printf", 0x4012a0, 0x50, `${LIBC}(printf.lo)`, ["printf"]),
  input(".text.unzip", 0x4012f0, 0x90, "archival/libarchive/lib.a(decompress.o)", ["unzip"]),
  input(".text.gunzip_main", 0x401380, 0x40, "archival/lib.a(gunzip.o)", ["gunzip_main"]),
  input(".text.stub", 0x4013c0, 0x8, "linker stubs"),
  " *fill*         0x00000000004013c8       0x38 ",
  "",
  ".rodata         0x0000000000401400       0x48",
  input(".rodata.str1.1", 0x401400, 0x28, "networking/lib.a(httpd.o)"),
  input(".rodata.str1.1", 0x401428, 0x20, "networking/lib.a(nc.o)"),
  "                0x0000000000402000                . = DATA_SEGMENT_ALIGN (CONSTANT (MAXPAGESIZE), CONSTANT (COMMONPAGESIZE))",
  "",
  ".data           0x0000000000402000       0x10",
  input(".data.applet_main", 0x402000, 0x10, "libbb/lib.a(appletlib.o)", ["applet_main"]),
  "",
  ".bss            0x0000000000402010      0x800",
  input(".bss.buffer", 0x402010, 0x800, "networking/lib.a(httpd.o)"),
  "",
  ".comment        0x0000000000000000       0x1b",
  input(".comment", 0, 0x1b, "/usr/lib/x86_64-linux-musl/crt1.o"),
  "OUTPUT(busybox_unstripped elf64-x86-64)",
  "",
  "Cross Reference Table",
  "",
  "Symbol                                            File",
  "_start                                            /usr/lib/x86_64-linux-musl/crt1.o",
  "main                                              libbb/lib.a(appletlib.o)",
  "                                                  /usr/lib/x86_64-linux-musl/crt1.o",
  "httpd_main                                        networking/lib.a(httpd.o)",
  "                                                  libbb/lib.a(appletlib.o)",
  "nc_main                                           networking/lib.a(nc.o)",
  "                                                  libbb/lib.a(appletlib.o)",
  "gunzip_main                                       archival/lib.a(gunzip.o)",
  "                                                  libbb/lib.a(appletlib.o)",
  "xconnect                                          libbb/lib.a(xconnect.o)",
  "                                                  networking/lib.a(httpd.o)",
  "xmalloc                                           libbb/lib.a(xfuncs.o)",
  "                                                  networking/lib.a(httpd.o)",
  "                                                  networking/lib.a(nc.o)",
  "strcpy                                            " + `${LIBC}(strcpy.lo)`,
  "                                                  networking/lib.a(httpd.o)",
  "printf                                            " + `${LIBC}(printf.lo)`,
  "                                                  networking/lib.a(nc.o)",
  "a_symbol_name_far_too_long_for_the_fifty_character_column",
  "                                                  archival/libarchive/lib.a(decompress.o)",
  "                                                  archival/lib.a(gunzip.o)",
  "unzip                                             archival/libarchive/lib.a(decompress.o)",
  "                                                  archival/lib.a(gunzip.o)",
  "",
].join("\n");

const KBUILD = [
  ...parseKbuild("lib-y:=\nlib-$(CONFIG_HTTPD) += httpd.o\nlib-$(CONFIG_NC) += nc.o # netcat\n", "networking"),
  ...parseKbuild("lib-y += appletlib.o\nlib-y += xconnect.o xfuncs.o\n", "libbb"),
  ...parseKbuild("lib-$(CONFIG_GUNZIP) += gunzip.o\n", "archival"),
  ...parseKbuild("lib-$(CONFIG_GUNZIP) += decompress.o\nlib-$(CONFIG_FEATURE_SEAMLESS_GZ) += decompress.o\n", "archival/libarchive"),
];
const ENABLED = enabledOptions("CONFIG_HTTPD=y\nCONFIG_NC=y\nCONFIG_GUNZIP=y\nCONFIG_FEATURE_SEAMLESS_GZ=y\n# CONFIG_PING is not set\n");

describe("the link map", () => {
  const map = parseLinkMap(MAP);

  test("output sections with their input sections, fill and symbols; nothing from before the memory map", () => {
    assert.deepEqual(
      map.outputs.map((o) => [o.name, o.size, o.inputs.length, o.fill]),
      [
        [".text", 0x400, 11, 0x58],
        [".rodata", 0x48, 2, 0],
        [".data", 0x10, 1, 0],
        [".bss", 0x800, 1, 0],
        [".comment", 0x1b, 1, 0],
      ],
    );
    const text = map.outputs[0]!;
    assert.deepEqual(text.inputs[2], {
      section: ".text.httpd_main",
      size: 0x100,
      file: "networking/lib.a(httpd.o)",
      symbols: ["httpd_main"],
    });
    assert.equal(
      text.inputs.find((i) => i.section === ".text.unused"),
      undefined,
      "discarded sections are not kept",
    );
  });

  test("the cross-reference table, a name too long for its column included", () => {
    const by = new Map(map.crossReferences.map((x) => [x.symbol, x]));
    assert.deepEqual(by.get("xmalloc"), {
      symbol: "xmalloc",
      definedIn: "libbb/lib.a(xfuncs.o)",
      referencedBy: ["networking/lib.a(httpd.o)", "networking/lib.a(nc.o)"],
    });
    assert.deepEqual(by.get("a_symbol_name_far_too_long_for_the_fifty_character_column")?.referencedBy, ["archival/lib.a(gunzip.o)"]);
    assert.deepEqual(by.get("_start")?.referencedBy, []);
  });

  test("refuses text that is not a link map", () => {
    assert.throws(() => parseLinkMap("hello\n"), /not a GNU ld link map/);
  });
});

describe("Kbuild, object names and places", () => {
  test("lib-$(CONFIG_X), lib-y, obj-y, several objects on a line, comments", () => {
    assert.deepEqual(parseKbuild("obj-y :=\nobj-y += applets.o\nlib-$(CONFIG_A) += a.o b.o # c.o\nlib-y += x.o\n", "d"), [
      { object: "d/applets.o", option: null },
      { object: "d/a.o", option: "CONFIG_A" },
      { object: "d/b.o", option: "CONFIG_A" },
      { object: "d/x.o", option: null },
    ]);
  });
  test("archive members become their object; libc and libgcc keep their archive", () => {
    assert.equal(objectName("networking/lib.a(httpd.o)"), "networking/httpd.o");
    assert.equal(objectName(`${LIBC}(printf.lo)`), `${LIBC}(printf.lo)`);
    assert.equal(sharedPlace(`${LIBC}(printf.lo)`), "musl libc");
    assert.equal(sharedPlace("/usr/lib/x86_64-linux-musl/crt1.o"), "musl libc");
    assert.equal(sharedPlace("/usr/lib/gcc/x86_64-linux-gnu/14/libgcc.a(_udivti3.o)"), "libgcc");
    assert.equal(sharedPlace("libbb/xfuncs.o"), "libbb");
  });
});

describe("dominators", () => {
  test("a diamond and a chain", () => {
    const g = new Map<string, Set<string>>([
      ["r", new Set(["a", "b"])],
      ["a", new Set(["c"])],
      ["b", new Set(["c"])],
      ["c", new Set(["d"])],
    ]);
    const idom = dominators(g, "r");
    assert.deepEqual(
      ["a", "b", "c", "d"].map((n) => idom.get(n)),
      ["r", "r", "r", "c"],
    );
  });
});

describe("attribution", () => {
  const a = attribute({ map: MAP, kbuild: KBUILD, enabled: ENABLED, binarySize: 0x1000, applets: ["httpd", "nc", "gunzip"] });
  const row = (name: string) => a.rows.find((r) => r.name === name);

  test("the rows sum to the binary; .bss and .comment take no bytes; what the map does not give is reported as such", () => {
    assert.equal(
      a.rows.reduce((n, r) => n + r.bytes, 0),
      0x1000,
    );
    const inMap = 0x400 + 0x48 + 0x10;
    assert.equal(row("ELF headers, section table and file padding")!.bytes, 0x1000 - inMap);
    assert.equal(row("linker: alignment fill")!.bytes, 0x58);
    assert.equal(row("linker: generated sections")!.bytes, 0x8);
    assert.equal(a.unattributed, 0x1000 - inMap + 0x58 + 0x8);
  });

  test("an option owns its objects and what only it uses (libbb, libc); shared code stays shared", () => {
    // httpd.o (0x100 text + 0x28 strings), xconnect.o (0x60) and strcpy (0x10): used by httpd alone.
    assert.deepEqual(row("CONFIG_HTTPD"), {
      name: "CONFIG_HTTPD",
      kind: "option",
      bytes: 0x100 + 0x28 + 0x60 + 0x10,
      objects: 3,
      applet: "httpd",
    });
    assert.deepEqual(row("CONFIG_NC"), { name: "CONFIG_NC", kind: "option", bytes: 0x80 + 0x20 + 0x50, objects: 2, applet: "nc" });
    assert.equal(row("shared: libbb")!.bytes, 0x40 + 0x10 + 0x30, "appletlib.o and xfuncs.o (used by httpd and nc)");
    assert.equal(row("shared: musl libc")!.bytes, 0x20, "crt1.o");
    // decompress.o is built by two enabled options, but only gunzip.o uses it.
    assert.equal(row("CONFIG_GUNZIP")!.bytes, 0x40 + 0x90);
    assert.equal(row("shared: CONFIG_FEATURE_SEAMLESS_GZ, CONFIG_GUNZIP"), undefined);
  });

  test("without an enabled option, its object is shared code", () => {
    const b = attribute({ map: MAP, kbuild: KBUILD, enabled: new Set(["CONFIG_HTTPD", "CONFIG_GUNZIP"]), binarySize: 0x1000 });
    assert.equal(
      b.rows.find((r) => r.name === "CONFIG_NC"),
      undefined,
    );
    assert.equal(b.rows.find((r) => r.name === "shared: networking")!.bytes, 0x80 + 0x20);
    assert.equal(
      b.rows.reduce((n, r) => n + r.bytes, 0),
      0x1000,
    );
  });

  test("contributors: the rows that changed, largest first, new and gone rows included", () => {
    const before = attribute({ map: MAP, kbuild: KBUILD, enabled: new Set(["CONFIG_NC", "CONFIG_GUNZIP"]), binarySize: 0x1000 });
    const after = { ...a, binary: 0x1200, rows: a.rows.map((r) => (r.name.startsWith("ELF") ? { ...r, bytes: r.bytes + 0x200 } : r)) };
    const c = contributors(after, before);
    assert.equal(c[0]!.name, "ELF headers, section table and file padding");
    const httpd = c.find((x) => x.name === "CONFIG_HTTPD")!;
    assert.deepEqual(httpd, {
      name: "CONFIG_HTTPD",
      kind: "option",
      base: 0,
      bytes: row("CONFIG_HTTPD")!.bytes,
      delta: row("CONFIG_HTTPD")!.bytes,
      applet: "httpd",
    });
    assert.equal(c.find((x) => x.name === "shared: networking")!.delta, -(0x100 + 0x28), "httpd.o was shared code before");
    assert.equal(
      c.reduce((n, x) => n + x.delta, 0),
      0x200,
      "all changes together are the binary's change",
    );
    assert.ok(c.every((x, i) => i === 0 || Math.abs(c[i - 1]!.delta) >= Math.abs(x.delta)));
  });
});

/** readelf -rW in its own layout: an archive with two members and a plain object file. */
const READELF = `
File: libbb/lib.a(xconnect.o)

Relocation section '.rela.text.create_and_bind_stream_or_die' at offset 0x220 contains 2 entries:
    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend
0000000000000010  0000000400000004 R_X86_64_PLT32         0000000000000000 create_and_bind_or_die - 4
0000000000000020  0000000500000002 R_X86_64_PC32          0000000000000000 .LC3 - 4

Relocation section '.rela.data.rel.ro.table' at offset 0x260 contains 2 entries:
    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend
0000000000000000  0000000200000001 R_X86_64_64            0000000000000000 .text.helper + 0
0000000000000008  0000000200000001 R_X86_64_64            0000000000000000 .text.helper + 10

File: libbb/lib.a(empty.o)

There are no relocations in this file.
`;

describe("relocations", () => {
  test("readelf -rW: per member and section, the symbols named (each once)", () => {
    assert.deepEqual(parseRelocations(READELF, "libbb/lib.a"), {
      "libbb/lib.a(xconnect.o)": {
        ".text.create_and_bind_stream_or_die": ["create_and_bind_or_die", ".LC3"],
        ".data.rel.ro.table": [".text.helper"],
      },
    });
    const plain = parseRelocations(
      "\nRelocation section '.rela.text' at offset 0x7f8 contains 1 entry:\n    Offset  Info  Type  Value  Name\n0000000000000012  0000000d00000004 R_X86_64_PLT32         0000000000000000 _start_c - 4\n",
      "/usr/lib/crt1.o",
    );
    assert.deepEqual(plain, { "/usr/lib/crt1.o": { ".text": ["_start_c"] } });
  });

  test("the files a map loaded, in order", () => {
    assert.deepEqual(loadedFiles(MAP), ["/usr/lib/x86_64-linux-musl/crt1.o", "networking/lib.a"]);
    // The aarch64 linker lists its own veneers as "LOAD linker stubs": no file to read relocations from.
    assert.deepEqual(loadedFiles(`LOAD crt1.o\nLOAD linker stubs\nLOAD libbb/lib.a\n`), ["crt1.o", "libbb/lib.a"]);
  });

  test("with relocations, a shared file's section used only by one option is that option's", () => {
    // The cross-reference table makes all of xfuncs.o shared (httpd and nc use it); relocations
    // say nc uses xmalloc and httpd does not, and that only strcpy's caller is httpd.
    const relocations = {
      "/usr/lib/x86_64-linux-musl/crt1.o": { ".text._start": ["main"] },
      "libbb/lib.a(appletlib.o)": { ".text.main": ["applet_main"], ".data.applet_main": ["httpd_main", "nc_main", "gunzip_main"] },
      "networking/lib.a(httpd.o)": { ".text.httpd_main": ["xconnect", "strcpy", ".LC0"] },
      "networking/lib.a(nc.o)": { ".text.nc_main": ["xmalloc", "printf", ".LC1"] },
      "archival/lib.a(gunzip.o)": { ".text.gunzip_main": ["unzip"] },
    };
    const a = attribute({ map: MAP, kbuild: KBUILD, enabled: ENABLED, binarySize: 0x1000, relocations });
    const row = (name: string) => a.rows.find((r) => r.name === name);
    assert.equal(row("CONFIG_HTTPD")!.bytes, 0x100 + 0x28 + 0x60 + 0x10);
    assert.equal(row("CONFIG_NC")!.bytes, 0x80 + 0x20 + 0x50 + 0x30, "xmalloc (xfuncs.o) is nc's alone");
    assert.equal(row("shared: libbb")!.bytes, 0x40 + 0x10, "appletlib.o: main and the applet table");
    assert.equal(
      a.rows.reduce((n, r) => n + r.bytes, 0),
      0x1000,
    );
  });
});

describe("zstd", () => {
  test("incompressible bytes stay their size, repeated bytes shrink, and the size matches the zstd command (level 3)", async () => {
    const random = randomBytes(64 * 1024);
    const r = await zstdSize(random);
    assert.ok(r.bytes !== null, "missing" in r ? r.missing : "");
    assert.ok(r.bytes >= random.length && r.bytes < random.length + 200, `${r.bytes}`);
    const text = Buffer.from("kimigayo ".repeat(20_000));
    const t = await zstdSize(text);
    assert.ok(t.bytes !== null && t.bytes < 1000, `${t.bytes}`);
    const cli = spawnSync("zstd", ["-3", "-c", "--no-check", "-q"], { input: text });
    if (cli.status === 0) {
      assert.ok(Math.abs(cli.stdout.length - t.bytes) <= 16, `zstd command ${cli.stdout.length} B, ours ${t.bytes} B`);
    }
  });
});
