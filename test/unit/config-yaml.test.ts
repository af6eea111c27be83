import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { UsageError } from "../../src/lib/errors.js";
import { formatBytes, formatKB, parseGrowth, parseSize } from "../../src/config/units.js";
import { parseYaml } from "../../src/config/yaml.js";

const parse = (text: string) => parseYaml(text, "t.yml").value;

describe("parseYaml: supported constructs", () => {
  const cases: { name: string; text: string; value: unknown }[] = [
    { name: "empty document", text: "", value: null },
    { name: "only comments and ---", text: "# hi\n---\n\n# bye\n", value: null },
    { name: "nested block mappings", text: "a:\n  b:\n    c: 1\n  d: x\ne: y\n", value: { a: { b: { c: 1 }, d: "x" }, e: "y" } },
    { name: "block sequence", text: "- a\n- b\n", value: ["a", "b"] },
    { name: "sequence under a key, indented", text: "k:\n  - a\n  - b\n", value: { k: ["a", "b"] } },
    { name: "sequence under a key, same indent", text: "k:\n- a\n- b\nz: 1\n", value: { k: ["a", "b"], z: 1 } },
    {
      name: "mappings inside a sequence",
      text: "files:\n  - path: /a\n    src: b\n  - path: /c\n",
      value: { files: [{ path: "/a", src: "b" }, { path: "/c" }] },
    },
    { name: "nested sequences", text: "- - a\n  - b\n- c\n", value: [["a", "b"], "c"] },
    { name: "item on the next line", text: "-\n  x: 1\n", value: [{ x: 1 }] },
    { name: "empty values are null", text: "a:\nb: ~\nc: null\n", value: { a: null, b: null, c: null } },
    { name: "flow sequence", text: "p: [linux/amd64, \"linux/arm64\", 'x']", value: { p: ["linux/amd64", "linux/arm64", "x"] } },
    { name: "flow sequence, empty and trailing comma", text: "a: []\nb: [1, 2, ]\n", value: { a: [], b: [1, 2] } },
    {
      name: "nested flow mapping",
      text: 'x: { a: 1, b: [x, y], c: { d: "e" }, f: }\n',
      value: { x: { a: 1, b: ["x", "y"], c: { d: "e" }, f: null } },
    },
    {
      name: "flow mapping in a sequence",
      text: "- { path: /etc/rc.conf, src: openrc/rc.conf }",
      value: [{ path: "/etc/rc.conf", src: "openrc/rc.conf" }],
    },
    {
      name: "colon without space stays in a plain scalar",
      text: "image: 127.0.0.1:5000/kimigayo\nu: [https://x.org/a]",
      value: { image: "127.0.0.1:5000/kimigayo", u: ["https://x.org/a"] },
    },
    {
      name: "comments",
      text: "# top\na: 1 # trailing\nb: x#y\nc: 'q # not a comment'  # c\nd: [1, 2] # e\n",
      value: { a: 1, b: "x#y", c: "q # not a comment", d: [1, 2] },
    },
    {
      name: "double-quoted escapes",
      text: 'a: "t\\tn\\n\\"q\\" \\\\ \\x41\\u00e9\\U0001F600"',
      value: { a: 't\tn\n"q" \\ A\u00e9\u{1F600}' },
    },
    { name: "single-quoted escapes", text: "a: 'it''s \\n'", value: { a: "it's \\n" } },
    { name: "quoted keys", text: "\"a b\": 1\n'c': 2\n", value: { "a b": 1, c: 2 } },
    { name: "CRLF line endings", text: "a: 1\r\nb:\r\n  - x\r\n", value: { a: 1, b: ["x"] } },
    { name: "__proto__ is an ordinary key", text: "__proto__: 1\n", value: JSON.parse('{"__proto__": 1}') },
    { name: "a scalar document", text: "hello world\n", value: "hello world" },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(parse(c.text), c.value));
  }

  const scalars: [string, unknown][] = [
    ["true", true],
    ["false", false],
    ["True", true],
    ["null", null],
    ["~", null],
    ["42", 42],
    ["-7", -7],
    ["0", 0],
    ["1.5", 1.5],
    ["1.38.0", "1.38.0"],
    ["250KB", "250KB"],
    ["34f9ea6ff8636f2c", "34f9ea6ff8636f2c"],
    ["linux/amd64", "linux/amd64"],
    ["5%", "5%"],
    ['"42"', "42"],
    ["'true'", "true"],
    ['""', ""],
    ["yes", "yes"],
  ];
  for (const [text, value] of scalars) {
    test(`scalar ${text} -> ${JSON.stringify(value)}`, () => assert.deepEqual(parse(`v: ${text}`), { v: value }));
  }
});

describe("parseYaml: locations", () => {
  const text = [
    "---", // 1
    "version: 2.1.0", // 2
    "busybox:", // 3
    "  urls:", // 4
    "    - https://a/b", // 5
    'platforms: [linux/amd64, "linux/arm64"]', // 6
    "files:", // 7
    "  - { path: /etc/rc.conf, src: rc }", // 8
    "  - path: /x", // 9
    '    mode: "0755"', // 10
    "variants:", // 11
    "  minimal:", // 12
    "    budget:", // 13
    "      size: 250KB   # max", // 14
    "      platforms:", // 15
    "        linux/arm64: { size: 270KB }", // 16
  ].join("\n");
  const { locations } = parseYaml(text, "t.yml");
  const expected: [string, number, number][] = [
    ["version", 2, 10],
    ["busybox", 3, 1],
    ["busybox.urls", 4, 3],
    ["busybox.urls.0", 5, 7],
    ["platforms", 6, 12],
    ["platforms.0", 6, 13],
    ["platforms.1", 6, 26],
    ["files.0", 8, 5],
    ["files.0.path", 8, 13],
    ["files.0.src", 8, 32],
    ["files.1.path", 9, 11],
    ["files.1.mode", 10, 11],
    ["variants.minimal", 12, 3],
    ["variants.minimal.budget.size", 14, 13],
    ["variants.minimal.budget.platforms.linux/arm64", 16, 22],
    ["variants.minimal.budget.platforms.linux/arm64.size", 16, 30],
  ];
  for (const [path, line, column] of expected) {
    test(`${path} at ${line}:${column}`, () => assert.deepEqual(locations.get(path), { line, column }));
  }
});

describe("parseYaml: unsupported input is an error with a position", () => {
  const cases: { name: string; text: string; line: number; column?: number; message: RegExp }[] = [
    { name: "tab indentation", text: "a:\n\tb: 1\n", line: 2, column: 1, message: /tab/ },
    { name: "tab after spaces", text: "a:\n  \tb: 1\n", line: 2, column: 3, message: /tab/ },
    { name: "anchor", text: "a: 1\nb: &x 2\n", line: 2, column: 4, message: /anchors/ },
    { name: "alias", text: "a: 1\nb: *x\n", line: 2, column: 4, message: /aliases/ },
    { name: "anchor on a key", text: "&x a: 1\n", line: 1, message: /anchors/ },
    { name: "tag", text: "a: !!str 1\n", line: 1, column: 4, message: /tags/ },
    { name: "tag in flow", text: "a: [1, !x 2]\n", line: 1, column: 8, message: /tags/ },
    { name: "literal block scalar", text: "a: 1\nb: |\n  text\n", line: 2, column: 4, message: /block scalars/ },
    { name: "folded block scalar", text: "b: >-\n  text\n", line: 1, message: /block scalars/ },
    { name: "second document", text: "a: 1\n---\nb: 2\n", line: 2, message: /several documents/ },
    { name: "document end", text: "a: 1\n...\n", line: 2, message: /document end/ },
    { name: "directive", text: "%YAML 1.2\na: 1\n", line: 1, message: /directives/ },
    { name: "duplicate key", text: "a: 1\nb: 2\na: 3\n", line: 3, column: 1, message: /duplicate key "a" \(first defined on line 1\)/ },
    { name: "duplicate nested key", text: "a:\n  x: 1\n  x: 2\n", line: 3, column: 3, message: /duplicate key "x"/ },
    { name: "duplicate flow key", text: "a: { x: 1, x: 2 }\n", line: 1, column: 12, message: /duplicate key "x"/ },
    { name: "dedent to an unknown level", text: "a:\n    b: 1\n  c: 2\n", line: 3, column: 3, message: /bad indentation/ },
    { name: "over-indented sibling", text: "a: 1\n  b: 2\n", line: 2, message: /bad indentation/ },
    { name: "multi-line plain scalar", text: "a:\n  one\n  two\n", line: 3, message: /multi-line plain values are not supported/ },
    { name: "sequence item among keys", text: "a: 1\n- b\n", line: 2, message: /sequence item/ },
    { name: "unterminated flow sequence", text: "a: [x, y\n", line: 1, message: /unterminated flow/ },
    { name: "multi-line flow mapping", text: "a: { x: 1,\n  y: 2 }\n", line: 1, message: /unterminated flow/ },
    { name: "junk after flow", text: "a: [x] y\n", line: 1, column: 8, message: /unexpected `y`/ },
    { name: "junk after quoted", text: 'a: "x" y\n', line: 1, message: /unexpected `y`/ },
    { name: "unterminated double quote", text: 'a: 1\nb: "abc\n', line: 2, column: 4, message: /unterminated double-quoted/ },
    { name: "unterminated single quote", text: "b: 'abc\n", line: 1, message: /unterminated single-quoted/ },
    { name: "unknown escape", text: 'a: "x\\qy"\n', line: 1, column: 6, message: /unknown escape/ },
    { name: "colon-space in plain value", text: "a: b: c\n", line: 1, column: 5, message: /quote the value/ },
    { name: "pair in flow sequence", text: "a: [x: 1]\n", line: 1, message: /flow sequence/ },
    { name: "reserved indicator", text: "a: @x\n", line: 1, column: 4, message: /cannot start with `@`/ },
    { name: "stray bracket", text: "a: ]\n", line: 1, column: 4, message: /cannot start with `]`/ },
    { name: "complex key", text: "? a\n: b\n", line: 1, message: /complex keys/ },
    { name: "integer too large", text: "a: 123456789012345678901\n", line: 1, column: 4, message: /too large/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.throws(
        () => parseYaml(c.text, "cfg.yml"),
        (err: unknown) => {
          assert.ok(err instanceof UsageError, `expected UsageError, got ${String(err)}`);
          assert.match(err.message, c.message);
          assert.equal(err.where?.file, "cfg.yml");
          assert.equal(err.where?.line, c.line);
          if (c.column !== undefined) assert.equal(err.where?.column, c.column);
          return true;
        },
      );
    });
  }
});

describe("parseSize", () => {
  const ok: [string | number, number][] = [
    ["0", 0],
    ["12", 12],
    [12, 12],
    ["10B", 10],
    ["250KB", 250_000],
    ["1kB", 1000],
    ["1.5MB", 1_500_000],
    ["2GB", 2_000_000_000],
    ["1KiB", 1024],
    ["1.5KiB", 1536],
    ["2MiB", 2 * 1024 * 1024],
    ["1GiB", 1024 ** 3],
    ["0.001KB", 1],
    ["1.1MB", 1_100_000],
  ];
  for (const [input, bytes] of ok) test(`${JSON.stringify(input)} -> ${bytes}`, () => assert.equal(parseSize(input), bytes));

  const bad: [string | number, RegExp][] = [
    ["", /empty; allowed units: B, kB, KB, MB, GB, KiB, MiB, GiB/],
    ["-1KB", /must not be negative/],
    [-5, /must not be negative/],
    ["12KX", /unknown unit "KX"; allowed units: B, kB, KB/],
    ["12kb", /unknown unit "kb"/],
    ["12 kilobytes", /expected a number followed by a unit/],
    ["12 KB", /expected a number followed by a unit/],
    ["1TB", /unknown unit "TB"/],
    ["1.5", /not a whole number of bytes/],
    ["1.5B", /not a whole number of bytes/],
    ["1.0001KB", /not a whole number of bytes/],
    [1.5, /whole number/],
    ["NaN", /unknown unit "NaN"|expected a number/],
    [Number.NaN, /not a finite number/],
    ["1e3", /unknown unit "e"|expected a number/],
    ["KB", /expected a number followed by a unit/],
    ["99999999999GiB", /too large/],
  ];
  for (const [input, message] of bad) test(`${JSON.stringify(input)} is rejected`, () => assert.throws(() => parseSize(input), message));
});

describe("parseGrowth", () => {
  const ok: [string | number, unknown][] = [
    ["5%", { percent: 5 }],
    ["2.5%", { percent: 2.5 }],
    ["0%", { percent: 0 }],
    ["20KB", { bytes: 20_000 }],
    [100, { bytes: 100 }],
  ];
  for (const [input, growth] of ok) test(`${JSON.stringify(input)}`, () => assert.deepEqual(parseGrowth(input), growth));

  const bad: [string, RegExp][] = [
    ["-5%", /must not be negative/],
    ["-1KB", /must not be negative/],
    ["5 %", /percentage like 5%/],
    ["%", /percentage like 5%/],
    ["abc", /allowed units/],
  ];
  for (const [input, message] of bad) test(`${JSON.stringify(input)} is rejected`, () => assert.throws(() => parseGrowth(input), message));
});

describe("formatBytes / formatKB", () => {
  const cases: [number, string, string][] = [
    [0, "0 B", "0.0 KB"],
    [999, "999 B", "1.0 KB"],
    [493_400, "493,400 B", "493.4 KB"],
    [1_234_567, "1,234,567 B", "1,234.6 KB"],
    [-1234, "-1,234 B", "-1.2 KB"],
    [-40, "-40 B", "0.0 KB"],
  ];
  for (const [n, bytes, kb] of cases) {
    test(`${n}`, () => {
      assert.equal(formatBytes(n), bytes);
      assert.equal(formatKB(n), kb);
    });
  }
});
