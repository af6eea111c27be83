import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { formatError, UsageError } from "../../src/lib/errors.js";
import { ConfigError, parseConfig } from "../../src/config/load.js";
import { parseGrowth, parseSize } from "../../src/config/units.js";
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

describe("parseYaml: ordinary YAML is accepted, with positions", () => {
  // The first rows were refused by the hand-written reader; they are valid YAML and now read.
  const cases: { name: string; text: string; value: unknown; at?: [string, number, number][] }[] = [
    { name: "anchor", text: "a: 1\nb: &x 2\n", value: { a: 1, b: 2 }, at: [["b", 2, 7]] },
    { name: "alias", text: "a: &x 1\nb: *x\n", value: { a: 1, b: 1 }, at: [["b", 2, 4]] },
    { name: "anchor on a key", text: "&x a: 1\n", value: { a: 1 } },
    { name: "standard tag", text: "a: !!str 1\nb: !!int '7'\n", value: { a: "1", b: 7 } },
    { name: "literal block scalar", text: "a: 1\nb: |\n  text\n   more\n", value: { a: 1, b: "text\n more\n" }, at: [["b", 2, 4]] },
    { name: "folded block scalar", text: "b: >-\n  text\n  more\nc: 1\n", value: { b: "text more", c: 1 }, at: [["c", 4, 4]] },
    { name: "block scalar keeping its end", text: "b: |+\n  x\n\nc: |-\n  y\n", value: { b: "x\n\n", c: "y" } },
    { name: "document end", text: "a: 1\n...\n", value: { a: 1 } },
    { name: "directive before ---", text: "%YAML 1.2\n---\na: 1\n", value: { a: 1 }, at: [["a", 3, 4]] },
    { name: "multi-line plain scalar", text: "a:\n  one\n  two\nb: 1\n", value: { a: "one two", b: 1 }, at: [["a", 2, 3]] },
    { name: "multi-line double-quoted scalar", text: 'a: "one\n  two"\n', value: { a: "one two" } },
    { name: "multi-line single-quoted scalar", text: "a: 'one\n\n  two'\n", value: { a: "one\ntwo" } },
    {
      name: "multi-line flow mapping",
      text: "a: { x: 1,\n  y: 2 }\n",
      value: { a: { x: 1, y: 2 } },
      at: [
        ["a", 1, 4],
        ["a.y", 2, 6],
      ],
    },
    { name: "flow sequence closed at its key's column", text: "a: [\n  x,\n]\n", value: { a: ["x"] }, at: [["a.0", 2, 3]] },
    { name: "pair in flow sequence", text: "a: [x: 1]\n", value: { a: [{ x: 1 }] } },
    { name: "complex key", text: "? a\n: b\n", value: { a: "b" }, at: [["a", 2, 3]] },
    {
      name: "comments anywhere",
      text: "# top\na: # after a key\n  # between\n  - x # after an item\n  # before an item\n  - y\nb: |\n  # text, not a comment\n",
      value: { a: ["x", "y"], b: "# text, not a comment\n" },
    },
    { name: "tab between key and value", text: "a:\tb\n", value: { a: "b" } },
    {
      name: "an anchored mapping: fields inside it point at where they are written",
      text: "defaults: &d\n  size: 1KB\nv:\n  budget: *d\n",
      value: { defaults: { size: "1KB" }, v: { budget: { size: "1KB" } } },
      at: [
        ["v.budget", 4, 11],
        ["v.budget.size", 2, 9],
      ],
    },
    {
      name: "merge key: written keys win, merged keys keep their place",
      text: "base: &b\n  x: 1\n  y: 2\nv:\n  y: 3\n  <<: *b\n",
      value: { base: { x: 1, y: 2 }, v: { y: 3, x: 1 } },
      at: [
        ["v.x", 2, 6],
        ["v.y", 5, 6],
      ],
    },
    {
      name: "merge key with a list: the earlier source wins",
      text: "a: &a { x: 1 }\nb: &b { x: 2, y: 2 }\nc:\n  <<: [*a, *b]\n",
      value: { a: { x: 1 }, b: { x: 2, y: 2 }, c: { x: 1, y: 2 } },
      at: [
        ["c.x", 1, 12],
        ["c.y", 2, 18],
      ],
    },
    { name: "an empty item is placed at its dash", text: "l:\n  - x\n  -\n", value: { l: ["x", null] }, at: [["l.1", 3, 3]] },
    {
      name: "an empty value is placed at its key",
      text: "a:\nb: { c: }\n",
      value: { a: null, b: { c: null } },
      at: [
        ["a", 1, 1],
        ["b.c", 2, 6],
      ],
    },
    { name: "a byte order mark does not shift columns", text: "\uFEFFa: 1\n", value: { a: 1 }, at: [["a", 1, 4]] },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const doc = parseYaml(c.text, "t.yml");
      assert.deepEqual(doc.value, c.value);
      for (const [path, line, column] of c.at ?? []) assert.deepEqual(doc.locations.get(path), { line, column }, path);
    });
  }
});

describe("YAML error table", () => {
  // Each row: the input, where the error is (file:line:column) and a fragment of what it says.
  const rows: { name: string; text: string; at: string; message: RegExp }[] = [
    { name: "tab indentation", text: "a:\n\tb: 1\n", at: "cfg.yml:2:1", message: /tab character in indentation; indent with spaces/ },
    { name: "tab after spaces", text: "a:\n  \tb: 1\n", at: "cfg.yml:2:3", message: /tab/ },
    {
      name: "alias to no anchor",
      text: "a: 1\nb: *x\n",
      at: "cfg.yml:2:4",
      message: /unknown alias `\*x`: aliases refer to an anchor `&x` defined earlier/,
    },
    {
      name: "alias inside its own anchor",
      text: "a: &x [*x]\n",
      at: "cfg.yml:1:8",
      message: /alias `\*x` refers to a collection that contains it/,
    },
    {
      name: "custom tag",
      text: "a: [1, !x 2]\n",
      at: "cfg.yml:1:8",
      message: /unknown tag `!x`; tags are limited to the standard ones \(!!str/,
    },
    { name: "YAML 1.1 tag", text: "a: !!binary aGk=\n", at: "cfg.yml:1:4", message: /tag `!!binary` is not supported; tags are limited/ },
    { name: "second document", text: "a: 1\n---\nb: 2\n", at: "cfg.yml:2:1", message: /several documents in one file/ },
    { name: "content after the document end", text: "a: 1\n...\nb: 2\n", at: "cfg.yml:3:1", message: /several documents/ },
    {
      name: "directive without ---",
      text: "%YAML 1.2\na: 1\n",
      at: "cfg.yml:1:1",
      message: /directives \(`%YAML`, `%TAG`\) must be followed by a `---` line/,
    },
    {
      name: "YAML 1.1",
      text: "%YAML 1.1\n---\na: yes\n",
      at: "cfg.yml:1:1",
      message: /`%YAML 1.1` is not supported: the config is read as YAML 1.2/,
    },
    { name: "duplicate key", text: "a: 1\nb: 2\na: 3\n", at: "cfg.yml:3:1", message: /duplicate key "a" \(first defined on line 1\)/ },
    {
      name: "duplicate nested key",
      text: "a:\n  x: 1\n  x: 2\n",
      at: "cfg.yml:3:3",
      message: /duplicate key "x" \(first defined on line 2\)/,
    },
    { name: "duplicate flow key", text: "a: { x: 1, x: 2 }\n", at: "cfg.yml:1:12", message: /duplicate key "x"/ },
    {
      name: "duplicate key spelt two ways",
      text: "1: a\n'1': b\n",
      at: "cfg.yml:2:1",
      message: /duplicate key "1" \(first defined on line 1\)/,
    },
    {
      name: "dedent to an unknown level",
      text: "a:\n    b: 1\n  c: 2\n",
      at: "cfg.yml:3:3",
      message: /bad indentation: all mapping items must start at the same column/,
    },
    {
      name: "over-indented sibling",
      text: "a: 1\n  b: 2\n",
      at: "cfg.yml:2:3",
      message: /bad indentation: .*value already began on line 1/,
    },
    {
      name: "sequence items at two columns",
      text: "a:\n  - x\n - y\n",
      at: "cfg.yml:3:2",
      message: /bad indentation: this `- ` item lines up with no sequence/,
    },
    { name: "sequence item among keys", text: "a: 1\n- b\n", at: "cfg.yml:2:1", message: /a sequence item `- ` is not allowed here/ },
    { name: "a line that is not key: value", text: "a: 1\njust text\n", at: "cfg.yml:2:1", message: /expected `key: value`/ },
    {
      name: "unclosed flow sequence",
      text: "a: [x, y\n",
      at: "cfg.yml:1:4",
      message: /unterminated flow sequence: the `\[` on line 1 has no matching `\]`/,
    },
    {
      name: "unclosed flow mapping over lines",
      text: "a: { x: 1,\n  y: 2\nb: 1\n",
      at: "cfg.yml:1:4",
      message: /unterminated flow mapping: the `\{` on line 1 has no matching `\}`/,
    },
    { name: "junk after flow", text: "a: [x] y\n", at: "cfg.yml:1:8", message: /unexpected `y` after the value/ },
    { name: "junk after quoted", text: 'a: "x" y\n', at: "cfg.yml:1:8", message: /unexpected `y`/ },
    { name: "unclosed double quote", text: 'a: 1\nb: "abc\n', at: "cfg.yml:2:4", message: /unterminated double-quoted string/ },
    { name: "unclosed single quote over lines", text: "b: 'abc\n  def\n", at: "cfg.yml:1:4", message: /unterminated single-quoted string/ },
    { name: "unknown escape", text: 'a: "x\\qy"\n', at: "cfg.yml:1:6", message: /unknown escape `\\q`/ },
    {
      name: "colon-space in plain value",
      text: "a: b: c\n",
      at: "cfg.yml:1:5",
      message: /unexpected `: ` inside a plain value; quote the value/,
    },
    { name: "reserved indicator", text: "a: @x\n", at: "cfg.yml:1:4", message: /cannot start with `@`; quote it/ },
    { name: "stray bracket", text: "a: ]\n", at: "cfg.yml:1:4", message: /cannot start with `\]`/ },
    { name: "collection as a key", text: "? [a]\n: b\n", at: "cfg.yml:1:3", message: /a key must be a scalar/ },
    { name: "empty key", text: "? a\n: b\n: c\n", at: "cfg.yml:3:1", message: /empty key/ },
    { name: "alias as a key", text: "a: &k x\n*k : 1\n", at: "cfg.yml:2:1", message: /an alias cannot be a key/ },
    {
      name: "merge of a scalar",
      text: "a: &x 1\nb:\n  <<: *x\n",
      at: "cfg.yml:3:3",
      message: /a merge key `<<` takes a mapping or a list of mappings/,
    },
    { name: "integer too large", text: "a: 123456789012345678901\n", at: "cfg.yml:1:4", message: /too large/ },
    {
      name: "aliases that expand without bound",
      text: [
        "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]",
        ..."bcdef".split("").map((x, i) => `${x}: &${x} [${Array(10).fill(`*${"abcdef"[i]}`).join(", ")}]`),
      ].join("\n"),
      at: "cfg.yml:5",
      message: /expands to more than 100000 values/,
    },
  ];
  for (const r of rows) {
    test(r.name, () => {
      assert.throws(
        () => parseYaml(r.text, "cfg.yml"),
        (err: unknown) => {
          assert.ok(err instanceof UsageError, `expected UsageError, got ${String(err)}`);
          assert.match(err.message, /^invalid YAML: /);
          assert.match(err.message, r.message);
          const at = [err.where?.file, err.where?.line, err.where?.column].join(":");
          assert.ok(at === r.at || at.startsWith(`${r.at}:`), `at ${at}, expected ${r.at}`);
          assert.ok(formatError(err).startsWith(`${at}: invalid YAML: `), formatError(err));
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

describe("the config through parseConfig: YAML the schema allows", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "kimigayo-yaml-"));
    for (const f of ["busybox/minimal.config", "busybox/standard.config", "openrc/services.list"]) {
      await mkdir(dirname(join(dir, f)), { recursive: true });
      await writeFile(join(dir, f), "x\n");
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const config = (budget: string) =>
    [
      "version: 2.1.0", // 1
      "busybox:", // 2
      "  version: 1.38.0", // 3
      "  sha256: >-", // 4
      "    34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2", // 5
      "  urls:", // 6
      "    - https://busybox.net/downloads/busybox-1.38.0.tar.bz2 # comment", // 7
      "platforms: [", // 8
      "  linux/amd64,", // 9
      "  linux/arm64,", // 10
      "]", // 11
      "x-budget: &budget", // 12 (not a config key: refused below unless removed)
      `  size: ${budget}`, // 13
      "variants:", // 14
      "  minimal: &variant", // 15
      "    description: |", // 16
      "      The smallest image,", // 17
      "      two lines.", // 18
      "    busybox: busybox/minimal.config", // 19
      "    services: openrc/services.list", // 20
      "    budget: *budget", // 21
      "  standard:", // 22
      "    <<: *variant", // 23
      "    description: The standard", // 24
      "      image", // 25
      "    busybox: busybox/standard.config", // 26
      "    default: true", // 27
    ].join("\n");

  test("block scalars, anchors, merge keys and multi-line values are read", () => {
    const file = join(dir, "kimigayo.yml");
    const text = config("250KB")
      .replace(/^x-budget: &budget\n {2}size: 250KB\n/m, "")
      .replace("budget: *budget", "budget: { size: 250KB }");
    const c = parseConfig(text, file);
    assert.equal(c.busybox.sha256, "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2");
    assert.deepEqual(c.platforms, ["linux/amd64", "linux/arm64"]);
    const [minimal, standard] = c.variants;
    assert.equal(minimal?.description, "The smallest image,\ntwo lines.\n");
    assert.equal(standard?.description, "The standard image");
    assert.equal(standard?.budget.size, 250_000, "merged from the minimal variant");
    assert.equal(standard?.services, join(dir, "openrc/services.list"), "merged from the minimal variant");
    assert.equal(standard?.default, true);
    assert.equal(minimal?.default, false);
  });

  test("an error in an anchored value names the field and the line where the value is written", () => {
    const err = (() => {
      try {
        parseConfig(config("250XB"), join(dir, "kimigayo.yml"));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof ConfigError, String(err));
    const fields = err.problems.map((p) => `${p.field}@${p.line}:${p.column}`);
    assert.ok(fields.includes("x-budget@12:1"), fields.join(", "));
    assert.ok(fields.includes("variants.minimal.budget.size@13:9"), fields.join(", "));
    assert.ok(fields.includes("variants.standard.budget.size@13:9"), fields.join(", "));
    assert.match(err.message, /variants\.minimal\.budget\.size \(line 13\): .*unknown unit "XB"/);
  });
});
