import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { mergeConfig, parseFragment, parseLinks, readConfigValues, type FragmentLine } from "../../src/build/busybox.js";
import { UsageError } from "../../src/lib/errors.js";

const FILE = "frag.config";

/** Runs `fn`, asserts it throws a UsageError, and returns it. */
function usageError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a UsageError, nothing was thrown");
}

describe("parseFragment: valid lines", () => {
  const cases: { name: string; text: string; want: Omit<FragmentLine, "line">[] }[] = [
    { name: "bool", text: "CONFIG_LS=y", want: [{ symbol: "CONFIG_LS", value: "y" }] },
    { name: "lowercase letters in the symbol", text: "CONFIG_INCLUDE_SUSv2=y", want: [{ symbol: "CONFIG_INCLUDE_SUSv2", value: "y" }] },
    { name: "int", text: "CONFIG_FEATURE_EDITING_MAX_LEN=1024", want: [{ symbol: "CONFIG_FEATURE_EDITING_MAX_LEN", value: "1024" }] },
    { name: "int zero", text: "CONFIG_GZIP_FAST=0", want: [{ symbol: "CONFIG_GZIP_FAST", value: "0" }] },
    { name: "hex", text: "CONFIG_SOME_ADDR=0x1Fa0", want: [{ symbol: "CONFIG_SOME_ADDR", value: "0x1Fa0" }] },
    { name: "string", text: 'CONFIG_PID_FILE_PATH="/var/run"', want: [{ symbol: "CONFIG_PID_FILE_PATH", value: '"/var/run"' }] },
    { name: "empty string", text: 'CONFIG_EMPTY=""', want: [{ symbol: "CONFIG_EMPTY", value: '""' }] },
    {
      name: "string with escaped quote",
      text: 'CONFIG_MSG="say \\"hi\\""',
      want: [{ symbol: "CONFIG_MSG", value: '"say \\"hi\\""' }],
    },
    { name: "is not set", text: "# CONFIG_FEATURE_LS_COLOR is not set", want: [{ symbol: "CONFIG_FEATURE_LS_COLOR", value: "n" }] },
    { name: "surrounding whitespace and CRLF", text: "  CONFIG_LS=y \r\n", want: [{ symbol: "CONFIG_LS", value: "y" }] },
    { name: "comments and blank lines only", text: "# a comment\n\n   \n#CONFIG_X=y\n", want: [] },
    { name: "empty text", text: "", want: [] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = parseFragment(c.text, FILE).map(({ symbol, value }) => ({ symbol, value }));
      assert.deepEqual(got, c.want);
    });
  }

  test("keeps file order and 1-based line numbers", () => {
    const text = ["# header", "CONFIG_B=y", "", "# CONFIG_A is not set", 'CONFIG_C="x"'].join("\n");
    assert.deepEqual(parseFragment(text, FILE), [
      { symbol: "CONFIG_B", value: "y", line: 2 },
      { symbol: "CONFIG_A", value: "n", line: 4 },
      { symbol: "CONFIG_C", value: '"x"', line: 5 },
    ]);
  });
});

describe("parseFragment: errors", () => {
  const cases: { name: string; text: string; line: number; includes: string[] }[] = [
    { name: "garbage line", text: "CONFIG_A=y\nhello world\n", line: 2, includes: [`${FILE}:2:`, '"hello world" is not a Kconfig line'] },
    { name: "=n is not Kconfig syntax", text: "CONFIG_A=n", line: 1, includes: [`${FILE}:1:`, "is not a Kconfig line"] },
    { name: "trailing comment", text: "CONFIG_A=y # on", line: 1, includes: [`${FILE}:1:`] },
    { name: "unquoted string", text: "CONFIG_A=/var/run", line: 1, includes: [`${FILE}:1:`] },
    { name: "missing CONFIG_ prefix", text: "\n\nLS=y", line: 3, includes: [`${FILE}:3:`] },
    {
      name: "duplicate names the first line",
      text: "CONFIG_LS=y\nCONFIG_CAT=y\n# CONFIG_LS is not set\n",
      line: 3,
      includes: [`${FILE}:3: CONFIG_LS is already set on line 1`],
    },
    { name: "CONFIG_STATIC is build-owned", text: "CONFIG_STATIC=y", line: 1, includes: [`${FILE}:1: CONFIG_STATIC is set by the build`] },
    {
      name: "CONFIG_STATIC is build-owned even when unset",
      text: "# CONFIG_STATIC is not set",
      line: 1,
      includes: ["CONFIG_STATIC is set by the build"],
    },
    {
      name: "CONFIG_EXTRA_CFLAGS is build-owned",
      text: 'CONFIG_LS=y\nCONFIG_EXTRA_CFLAGS="-O2"',
      line: 2,
      includes: [`${FILE}:2: CONFIG_EXTRA_CFLAGS is set by the build`],
    },
    {
      name: "CONFIG_EXTRA_LDFLAGS is build-owned",
      text: 'CONFIG_EXTRA_LDFLAGS="-s"',
      line: 1,
      includes: [`${FILE}:1: CONFIG_EXTRA_LDFLAGS is set by the build`],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const err = usageError(() => parseFragment(c.text, FILE));
      assert.equal(err.exitCode, 2);
      assert.deepEqual(err.where, { file: FILE, line: c.line });
      for (const s of c.includes) assert.ok(err.message.includes(s), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(s)}`);
    });
  }

  test("reports every problem, one per line, positioned at the first", () => {
    const err = usageError(() => parseFragment("CONFIG_A=y\nbad one\nCONFIG_STATIC=y\nCONFIG_A=y\n", FILE));
    const lines = err.message.split("\n");
    assert.equal(lines.length, 3);
    assert.ok(lines[0]!.startsWith(`${FILE}:2:`));
    assert.ok(lines[1]!.startsWith(`${FILE}:3:`));
    assert.ok(lines[2]!.startsWith(`${FILE}:4:`));
    assert.equal(err.where?.line, 2);
  });
});

describe("mergeConfig", () => {
  const BASE = [
    "#",
    "# Automatically generated make config: don't edit",
    "#",
    "CONFIG_HAVE_DOT_CONFIG=y",
    "# CONFIG_LS is not set",
    "CONFIG_CAT=y",
    'CONFIG_PREFIX="./_install"',
    "# CONFIG_LS_COLOR is not set",
    "CONFIG_FEATURE_EDITING_MAX_LEN=0",
    "",
    "",
  ].join("\n");

  const cases: { name: string; settings: { symbol: string; value: string }[]; want: string[] }[] = [
    {
      name: "no settings keeps the text (trailing blank lines trimmed)",
      settings: [],
      want: BASE.trimEnd().split("\n"),
    },
    {
      name: 'replaces an "is not set" line, moving it to the end',
      settings: [{ symbol: "CONFIG_LS", value: "y" }],
      want: [
        ...BASE.trimEnd()
          .split("\n")
          .filter((l) => l !== "# CONFIG_LS is not set"),
        "CONFIG_LS=y",
      ],
    },
    {
      name: 'replaces a "=y" line with "is not set"',
      settings: [{ symbol: "CONFIG_CAT", value: "n" }],
      want: [
        ...BASE.trimEnd()
          .split("\n")
          .filter((l) => l !== "CONFIG_CAT=y"),
        "# CONFIG_CAT is not set",
      ],
    },
    {
      name: "replaces a value line, and does not touch symbols that share a prefix",
      settings: [
        { symbol: "CONFIG_FEATURE_EDITING_MAX_LEN", value: "1024" },
        { symbol: "CONFIG_LS_COLOR", value: "y" },
      ],
      want: [
        "#",
        "# Automatically generated make config: don't edit",
        "#",
        "CONFIG_HAVE_DOT_CONFIG=y",
        "# CONFIG_LS is not set",
        "CONFIG_CAT=y",
        'CONFIG_PREFIX="./_install"',
        "CONFIG_FEATURE_EDITING_MAX_LEN=1024",
        "CONFIG_LS_COLOR=y",
      ],
    },
    {
      name: "appends new symbols in settings order",
      settings: [
        { symbol: "CONFIG_ZZZ", value: "y" },
        { symbol: "CONFIG_AAA", value: '"text"' },
        { symbol: "CONFIG_MMM", value: "n" },
      ],
      want: [...BASE.trimEnd().split("\n"), "CONFIG_ZZZ=y", 'CONFIG_AAA="text"', "# CONFIG_MMM is not set"],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(mergeConfig(BASE, c.settings), `${c.want.join("\n")}\n`);
    });
  }

  test("the merged text reads back with the fragment's values, and nothing else changes", () => {
    const settings = [
      { symbol: "CONFIG_LS", value: "y" },
      { symbol: "CONFIG_CAT", value: "n" },
      { symbol: "CONFIG_NEW", value: "0x10" },
    ];
    const before = readConfigValues(BASE);
    const after = readConfigValues(mergeConfig(BASE, settings));
    for (const s of settings) assert.equal(after.get(s.symbol), s.value);
    for (const [k, v] of before) if (!settings.some((s) => s.symbol === k)) assert.equal(after.get(k), v, k);
  });

  test("a symbol set twice in the base collapses to one line", () => {
    const out = mergeConfig("CONFIG_A=y\n# CONFIG_A is not set\nCONFIG_B=y\n", [{ symbol: "CONFIG_A", value: "n" }]);
    assert.equal(out, "CONFIG_B=y\n# CONFIG_A is not set\n");
  });
});

describe("readConfigValues", () => {
  test("reads =values verbatim and unset symbols as n; ignores comments", () => {
    const text = [
      "# Busybox Settings",
      "CONFIG_LS=y",
      "# CONFIG_CAT is not set",
      'CONFIG_PREFIX="./_install"',
      "CONFIG_FEATURE_EDITING_MAX_LEN=1024",
      "CONFIG_ADDR=0x10",
      "#CONFIG_NOSPACE is not set",
      "",
    ].join("\n");
    assert.deepEqual(
      [...readConfigValues(text)],
      [
        ["CONFIG_LS", "y"],
        ["CONFIG_CAT", "n"],
        ["CONFIG_PREFIX", '"./_install"'],
        ["CONFIG_FEATURE_EDITING_MAX_LEN", "1024"],
        ["CONFIG_ADDR", "0x10"],
      ],
    );
  });

  test("the last line wins for a repeated symbol", () => {
    assert.equal(readConfigValues("CONFIG_A=y\n# CONFIG_A is not set\n").get("CONFIG_A"), "n");
  });
});

describe("parseLinks", () => {
  test("one applet per absolute path, sorted by path, other lines ignored", () => {
    const text = ["/usr/bin/wget", "/bin/sh", "  /sbin/init  ", "", "garbage", "/bin/ls", "/usr/sbin/crond", "/bin/["].join("\n");
    assert.deepEqual(parseLinks(text), [
      { name: "[", path: "bin/[" },
      { name: "ls", path: "bin/ls" },
      { name: "sh", path: "bin/sh" },
      { name: "init", path: "sbin/init" },
      { name: "wget", path: "usr/bin/wget" },
      { name: "crond", path: "usr/sbin/crond" },
    ]);
  });

  test("empty input gives no applets", () => {
    assert.deepEqual(parseLinks(""), []);
    assert.deepEqual(parseLinks("\n\n"), []);
  });
});

describe("the product's fragments (configs/busybox)", () => {
  const VARIANTS = ["minimal", "standard", "extended"] as const;
  const fragmentPath = (v: string) => fileURLToPath(new URL(`../../configs/busybox/${v}.config`, import.meta.url));
  const parsed = Object.fromEntries(
    VARIANTS.map((v) => {
      const file = fragmentPath(v);
      return [v, parseFragment(readFileSync(file, "utf8"), file)];
    }),
  ) as Record<(typeof VARIANTS)[number], FragmentLine[]>;
  const enabled = (v: (typeof VARIANTS)[number]) => new Set(parsed[v].filter((f) => f.value === "y").map((f) => f.symbol));

  for (const v of VARIANTS) {
    test(`${v}.config parses, is non-empty and enables BusyBox, init and ash`, () => {
      assert.ok(parsed[v].length > 0);
      for (const s of ["CONFIG_BUSYBOX", "CONFIG_INIT", "CONFIG_ASH", "CONFIG_LS"]) assert.ok(enabled(v).has(s), `${v} lacks ${s}`);
    });
  }

  test("minimal enables the shell, init and core tools, not the standard extras", () => {
    const min = enabled("minimal");
    for (const s of ["CONFIG_INIT", "CONFIG_ASH", "CONFIG_LS", "CONFIG_DMESG", "CONFIG_MDEV", "CONFIG_BB_SYSCTL", "CONFIG_KILLALL5"])
      assert.ok(min.has(s), s);
    for (const s of ["CONFIG_SYSLOGD", "CONFIG_CROND", "CONFIG_WGET", "CONFIG_VI", "CONFIG_AWK", "CONFIG_TAR"]) assert.ok(!min.has(s), s);
  });

  test("standard enables networking, logging, cron, an editor, text tools and archives", () => {
    const std = enabled("standard");
    for (const s of ["CONFIG_SYSLOGD", "CONFIG_KLOGD", "CONFIG_CROND", "CONFIG_WGET", "CONFIG_IP", "CONFIG_VI", "CONFIG_AWK", "CONFIG_TAR"])
      assert.ok(std.has(s), s);
  });

  test("minimal ⊂ standard: every minimal setting is in standard with the same value", () => {
    const std = new Map(parsed.standard.map((f) => [f.symbol, f.value]));
    const missing = parsed.minimal.filter((f) => std.get(f.symbol) !== f.value).map((f) => f.symbol);
    assert.deepEqual(missing, []);
    assert.ok(parsed.standard.length > parsed.minimal.length);
  });

  test("standard ⊂ extended for enabled symbols", () => {
    const ext = enabled("extended");
    assert.deepEqual(
      [...enabled("standard")].filter((s) => !ext.has(s)),
      [],
    );
  });

  test("no fragment sets a symbol the build owns", () => {
    for (const v of VARIANTS) {
      for (const s of ["CONFIG_STATIC", "CONFIG_EXTRA_CFLAGS", "CONFIG_EXTRA_LDFLAGS", "CONFIG_PREFIX"])
        assert.ok(!parsed[v].some((f) => f.symbol === s), `${v} sets ${s}`);
    }
  });
});
