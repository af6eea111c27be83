import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { UsageError } from "../../src/lib/errors.js";
import { ConfigError, loadConfig, parseConfig, selectPlatforms, selectVariants } from "../../src/config/load.js";
import { budgetFor, type Config } from "../../src/config/schema.js";

const VALID = `---
# Kimigayo build configuration
version: 2.1.0
busybox:
  version: 1.38.0
  sha256: 34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2
  urls:
    - https://busybox.net/downloads/busybox-1.38.0.tar.bz2
    - mirror/busybox-1.38.0.tar.bz2
  signature:
    key: keys/busybox.asc
  patches: [busybox/patches/x.patch]
platforms: [linux/amd64, linux/arm64]
files:
  - { path: /etc/rc.conf, src: openrc/rc.conf }
  - { path: /sbin/kimigayo-rc, src: rootfs/kimigayo-rc, mode: "0755" }
variants:
  minimal:
    description: Smallest image
    busybox: busybox/minimal.config
    services: openrc/services-minimal.list
    budget:
      size: 250KB
      compressed: 120KB
      growth: 5%
      platforms:
        linux/arm64: { size: 270KB }
  standard:
    busybox: busybox/standard.config
    services: openrc/services-standard.list
    default: true
`;

const FIXTURE_FILES = [
  "keys/busybox.asc",
  "busybox/patches/x.patch",
  "openrc/rc.conf",
  "rootfs/kimigayo-rc",
  "busybox/minimal.config",
  "openrc/services-minimal.list",
  "busybox/standard.config",
  "openrc/services-standard.list",
];

let dir = "";
let file = "";

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "kimigayo-config-"));
  file = join(dir, "kimigayo.yml");
  for (const f of FIXTURE_FILES) {
    await mkdir(dirname(join(dir, f)), { recursive: true });
    // Services lists are read when the config is loaded: these have no service, just a comment.
    await writeFile(join(dir, f), f.endsWith(".list") ? "# no services\n" : "x\n");
  }
  await writeFile(file, VALID);
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Replace exactly one occurrence, so a typo in a test case fails loudly. */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(at >= 0 && text.indexOf(from, at + 1) < 0, `fixture must contain ${JSON.stringify(from)} exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no line contains ${JSON.stringify(needle)}`);
  return i + 1;
}

function lastLineOf(text: string, needle: string): number {
  return text.split("\n").findLastIndex((l) => l.includes(needle)) + 1;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    assert.ok(err instanceof UsageError);
    return err;
  }
  assert.fail("expected an error");
}

describe("parseConfig: a valid config", () => {
  test("resolves to the expected Config", () => {
    const c = parseConfig(VALID, file);
    const { locations, ...rest } = c;
    const expected: Omit<Config, "locations"> = {
      file,
      dir,
      version: "2.1.0",
      sourceDateEpoch: 1767225600,
      busybox: {
        version: "1.38.0",
        sha256: "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2",
        urls: ["https://busybox.net/downloads/busybox-1.38.0.tar.bz2", join(dir, "mirror/busybox-1.38.0.tar.bz2")],
        signature: {
          key: join(dir, "keys/busybox.asc"),
          urls: ["https://busybox.net/downloads/busybox-1.38.0.tar.bz2.asc", join(dir, "mirror/busybox-1.38.0.tar.bz2.asc")],
        },
        patches: [join(dir, "busybox/patches/x.patch")],
      },
      platforms: ["linux/amd64", "linux/arm64"],
      image: "127.0.0.1:5000/kimigayo",
      files: [
        { path: "/etc/rc.conf", src: join(dir, "openrc/rc.conf"), mode: 0o644 },
        { path: "/sbin/kimigayo-rc", src: join(dir, "rootfs/kimigayo-rc"), mode: 0o755 },
      ],
      variants: [
        {
          name: "minimal",
          description: "Smallest image",
          busyboxConfig: join(dir, "busybox/minimal.config"),
          services: join(dir, "openrc/services-minimal.list"),
          default: false,
          budget: { size: 250_000, compressed: 120_000, growth: { percent: 5 }, platforms: { "linux/arm64": { size: 270_000 } } },
        },
        {
          name: "standard",
          description: "",
          busyboxConfig: join(dir, "busybox/standard.config"),
          services: join(dir, "openrc/services-standard.list"),
          default: true,
          budget: { platforms: {} },
        },
      ],
    };
    assert.deepEqual(rest, expected);
    assert.deepEqual(locations["variants.minimal.budget.size"], { line: lineOf(VALID, "size: 250KB"), column: 13 });
    assert.deepEqual(locations["busybox.sha256"], { line: 6, column: 11 });
  });

  test("explicit optional fields override the defaults", () => {
    let text = edit(VALID, "version: 2.1.0\n", "version: 2.1.0-rc.1\nsource_date_epoch: 0\nimage: ghcr.io/kimigayo/os\n");
    text = edit(text, "    key: keys/busybox.asc\n", "    key: keys/busybox.asc\n    urls: [https://example.org/sig.asc]\n");
    const c = parseConfig(text, file);
    assert.equal(c.version, "2.1.0-rc.1");
    assert.equal(c.sourceDateEpoch, 0);
    assert.equal(c.image, "ghcr.io/kimigayo/os");
    assert.deepEqual(c.busybox.signature?.urls, ["https://example.org/sig.asc"]);
  });

  test("signature, patches and files are optional", () => {
    let text = edit(VALID, "  signature:\n    key: keys/busybox.asc\n  patches: [busybox/patches/x.patch]\n", "");
    text = text.replace(/^files:\n(?: {2}- .*\n)+/m, "");
    const c = parseConfig(text, file);
    assert.equal(c.busybox.signature, undefined);
    assert.deepEqual(c.busybox.patches, []);
    assert.deepEqual(c.files, []);
  });

  test("budgetFor merges the platform override", () => {
    const [minimal, standard] = parseConfig(VALID, file).variants;
    assert.ok(minimal && standard);
    assert.deepEqual(budgetFor(minimal, "linux/amd64"), { size: 250_000, compressed: 120_000, growth: { percent: 5 } });
    assert.deepEqual(budgetFor(minimal, "linux/arm64"), { size: 270_000, compressed: 120_000, growth: { percent: 5 } });
    assert.deepEqual(budgetFor(standard, "linux/arm64"), {});
  });

  test("loadConfig reads the file", async () => {
    const c = await loadConfig(file);
    assert.equal(c.file, file);
    assert.deepEqual(
      c.variants.map((v) => v.name),
      ["minimal", "standard"],
    );
  });

  test("loadConfig: a missing file is a UsageError naming the path", async () => {
    const missing = join(dir, "nope.yml");
    await assert.rejects(loadConfig(missing), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.ok(err.message.includes(missing), err.message);
      assert.match(err.message, /does not exist/);
      return true;
    });
  });
});

describe("parseConfig: each broken field is reported at its path and line", () => {
  // `to` is put in place of `from`; the error must name `field` and point at the line containing `at`
  // (default: the last line of `to`), or at the line number `at` computes.
  const cases: { name: string; from: string; to: string; field: string; message: RegExp; at?: string | ((text: string) => number) }[] = [
    {
      name: "version not semver",
      from: "version: 2.1.0",
      to: "version: v2.1.0",
      field: "version",
      message: /"v2\.1\.0" is not a semantic version/,
    },
    {
      name: "version as a number",
      from: "version: 2.1.0",
      to: "version: 2.1",
      field: "version",
      message: /expected a string, got number 2\.1; quote/,
    },
    { name: "missing version", from: "version: 2.1.0\n", to: "", field: "version", message: /required field is missing/, at: "busybox:" },
    {
      name: "negative epoch",
      from: "version: 2.1.0",
      to: "version: 2.1.0\nsource_date_epoch: -1",
      field: "source_date_epoch",
      message: /-1 is not a valid timestamp/,
    },
    {
      name: "bad busybox version",
      from: "version: 1.38.0",
      to: "version: latest",
      field: "busybox.version",
      message: /"latest" is not a BusyBox version/,
    },
    {
      name: "uppercase sha256",
      from: "sha256: 34f9ea",
      to: "sha256: 34F9EA",
      field: "busybox.sha256",
      message: /is not a sha256; expected exactly 64 lowercase hex/,
      at: "sha256:",
    },
    {
      name: "short sha256",
      from: "sha256: 34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2",
      to: "sha256: abc",
      field: "busybox.sha256",
      message: /"abc" is not a sha256/,
    },
    {
      name: "empty urls",
      from: "  urls:\n    - https://busybox.net/downloads/busybox-1.38.0.tar.bz2\n    - mirror/busybox-1.38.0.tar.bz2\n",
      to: "  urls: []\n",
      field: "busybox.urls",
      message: /must not be empty/,
    },
    {
      name: "ftp url",
      from: "    - https://busybox.net/",
      to: "    - ftp://busybox.net/",
      field: "busybox.urls.0",
      message: /"ftp:.*" is not supported; expected an http:\/\/, https:\/\/ or file:\/\/ URL or a local path/,
    },
    {
      name: "missing signature key",
      from: "key: keys/busybox.asc",
      to: "key: keys/missing.asc",
      field: "busybox.signature.key",
      message: /file "keys\/missing\.asc" does not exist: .*keys\/missing\.asc/,
    },
    {
      name: "missing patch",
      from: "patches: [busybox/patches/x.patch]",
      to: "patches: [busybox/patches/x.patch, nope.patch]",
      field: "busybox.patches.1",
      message: /"nope\.patch" does not exist/,
    },
    {
      name: "patch is a directory",
      from: "patches: [busybox/patches/x.patch]",
      to: "patches: [busybox/patches]",
      field: "busybox.patches.0",
      message: /is not a regular file/,
    },
    {
      name: "unknown platform",
      from: "platforms: [linux/amd64, linux/arm64]",
      to: "platforms: [linux/amd64, linux/s390x]",
      field: "platforms.1",
      message: /"linux\/s390x" is not a supported platform; allowed: linux\/amd64, linux\/arm64/,
    },
    {
      name: "duplicate platform",
      from: "platforms: [linux/amd64, linux/arm64]",
      to: "platforms: [linux/amd64, linux/amd64]",
      field: "platforms.1",
      message: /"linux\/amd64" is listed twice \(first at platforms\.0\)/,
    },
    {
      name: "empty platforms",
      from: "platforms: [linux/amd64, linux/arm64]",
      to: "platforms: []",
      field: "platforms",
      message: /must not be empty/,
    },
    {
      name: "platforms not a list",
      from: "platforms: [linux/amd64, linux/arm64]",
      to: "platforms: linux/amd64",
      field: "platforms",
      message: /expected a list, got "linux\/amd64"/,
    },
    {
      name: "image with a tag",
      from: "version: 2.1.0",
      to: "version: 2.1.0\nimage: 127.0.0.1:5000/kimigayo:latest",
      field: "image",
      message: /not a valid OCI repository reference.*leave out the tag/,
    },
    {
      name: "image in uppercase",
      from: "version: 2.1.0",
      to: "version: 2.1.0\nimage: Kimigayo/OS",
      field: "image",
      message: /not a valid OCI repository reference/,
    },
    {
      name: "unknown top-level key",
      from: "version: 2.1.0",
      to: "version: 2.1.0\nextra: 1",
      field: "extra",
      message: /unknown key "extra"; allowed keys: version, source_date_epoch, busybox, platforms, image, files, variants/,
    },
    {
      name: "unknown busybox key",
      from: "  version: 1.38.0",
      to: "  version: 1.38.0\n  sha: x",
      field: "busybox.sha",
      message: /unknown key "sha"; allowed keys: version, sha256, urls, signature, patches/,
    },
    {
      name: "unknown variant key",
      from: "    default: true",
      to: "    default: true\n    budgte: {}",
      field: "variants.standard.budgte",
      message: /unknown key "budgte"; allowed keys: description, busybox, services, default, budget/,
    },
    {
      name: "relative image path",
      from: "path: /etc/rc.conf",
      to: "path: etc/rc.conf",
      field: "files.0.path",
      message: /"etc\/rc\.conf" is not an absolute, normalized path/,
    },
    {
      name: "image path with ..",
      from: "path: /etc/rc.conf",
      to: "path: /etc/../rc.conf",
      field: "files.0.path",
      message: /is not an absolute, normalized path/,
    },
    {
      name: "duplicate image path",
      from: "path: /sbin/kimigayo-rc",
      to: "path: /etc/rc.conf",
      field: "files.1.path",
      message: /image path "\/etc\/rc\.conf" is listed twice \(first at files\.0\.path\)/,
      at: (t) => lastLineOf(t, "/etc/rc.conf"),
    },
    {
      name: "missing file src",
      from: "src: openrc/rc.conf",
      to: "src: openrc/nope.conf",
      field: "files.0.src",
      message: /"openrc\/nope\.conf" does not exist/,
    },
    {
      name: "non-octal mode",
      from: 'mode: "0755"',
      to: 'mode: "0799"',
      field: "files.1.mode",
      message: /"0799" is not a file mode; expected a quoted octal string/,
    },
    {
      name: "unquoted mode",
      from: 'mode: "0755"',
      to: "mode: 0755",
      field: "files.1.mode",
      message: /got the number 755; write the mode as a quoted octal string, e.g. mode: "0755"/,
    },
    {
      name: "bad variant name",
      from: "  standard:",
      to: "  Standard:",
      field: "variants.Standard",
      message: /"Standard" is not a valid variant name/,
    },
    {
      name: "missing busybox config",
      from: "busybox: busybox/minimal.config",
      to: "busybox: busybox/tiny.config",
      field: "variants.minimal.busybox",
      message: /file "busybox\/tiny\.config" does not exist/,
    },
    {
      name: "missing services",
      from: "    services: openrc/services-minimal.list\n",
      to: "",
      field: "variants.minimal.services",
      message: /required field is missing/,
      at: "  minimal:",
    },
    {
      name: "default not a boolean",
      from: "default: true",
      to: "default: yes",
      field: "variants.standard.default",
      message: /expected true or false, got "yes"/,
    },
    {
      name: "no default",
      from: "    default: true\n",
      to: "",
      field: "variants",
      message: /no variant has default: true; mark exactly one of: minimal, standard/,
      at: "variants:",
    },
    {
      name: "two defaults",
      from: "    description: Smallest image",
      to: "    description: Smallest image\n    default: true",
      field: "variants.standard.default",
      message: /2 variants have default: true \(minimal, standard\)/,
      at: (t) => lastLineOf(t, "default: true"),
    },
    {
      name: "no variants",
      from: /variants:\n[\s\S]*$/.exec(VALID)?.[0] ?? "",
      to: "variants: {}\n",
      field: "variants",
      message: /at least one variant/,
    },
    {
      name: "bad budget unit",
      from: "size: 250KB",
      to: "size: 250KX",
      field: "variants.minimal.budget.size",
      message: /invalid size "250KX": unknown unit "KX"; allowed units: B, kB, KB/,
    },
    {
      name: "negative budget",
      from: "compressed: 120KB",
      to: "compressed: -120KB",
      field: "variants.minimal.budget.compressed",
      message: /must not be negative/,
    },
    {
      name: "zero budget",
      from: "compressed: 120KB",
      to: "compressed: 0",
      field: "variants.minimal.budget.compressed",
      message: /must be greater than 0/,
    },
    {
      name: "negative growth",
      from: "growth: 5%",
      to: "growth: -5%",
      field: "variants.minimal.budget.growth",
      message: /invalid growth "-5%": must not be negative/,
    },
    {
      name: "unknown budget key",
      from: "growth: 5%",
      to: "growth: 5%\n      ratio: 2",
      field: "variants.minimal.budget.ratio",
      message: /unknown key "ratio"; allowed keys: size, compressed, growth, platforms/,
    },
    {
      name: "override for an unknown platform",
      from: "linux/arm64: { size: 270KB }",
      to: "linux/s390x: { size: 270KB }",
      field: "variants.minimal.budget.platforms.linux/s390x",
      message: /unknown key "linux\/s390x"; allowed keys: linux\/amd64, linux\/arm64/,
    },
    {
      name: "bad size in override",
      from: "linux/arm64: { size: 270KB }",
      to: "linux/arm64: { size: 1.5 }",
      field: "variants.minimal.budget.platforms.linux/arm64.size",
      message: /whole number/,
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const text = edit(VALID, c.from, c.to);
      const err = configError(() => parseConfig(text, file));
      const expectedLine = typeof c.at === "function" ? c.at(text) : lineOf(text, c.at ?? c.to.trimEnd().split("\n").at(-1) ?? "");
      assert.equal(err.problems.length, 1, err.message);
      assert.equal(err.where?.field, c.field, err.message);
      assert.equal(err.where?.file, file);
      assert.equal(err.where?.line, expectedLine, err.message);
      assert.ok(err.message.startsWith(`${c.field} (line ${expectedLine}): `), err.message);
      assert.match(err.message, c.message);
    });
  }
});

describe("parseConfig: reporting", () => {
  test("all problems are reported in file order, the first one in `where`", () => {
    let text = edit(VALID, "size: 250KB", "size: 250KX");
    text = edit(text, "sha256: 34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2", "sha256: nope");
    text = edit(text, "platforms: [linux/amd64, linux/arm64]", "platforms: [linux/amd64, linux/amd64]");
    const err = configError(() => parseConfig(text, file));
    assert.deepEqual(
      err.problems.map((p) => [p.field, p.line]),
      [
        ["busybox.sha256", 6],
        ["platforms.1", 13],
        ["variants.minimal.budget.size", lineOf(text, "size: 250KX")],
      ],
    );
    assert.deepEqual(err.where, { file, field: "busybox.sha256", line: 6, column: 11 });
    assert.equal(err.message.split("\n").length, 3);
    assert.equal(err.exitCode, 2);
  });

  test("YAML errors come through as UsageErrors with a line", () => {
    assert.throws(
      () => parseConfig(edit(VALID, "  version: 1.38.0", "\tversion: 1.38.0"), file),
      (err: unknown) => err instanceof UsageError && err.where?.line === 5 && /tab/.test(err.message),
    );
  });

  test("a document that is not a mapping", () => {
    const err = configError(() => parseConfig("- a\n- b\n", file));
    assert.match(err.message, /expected a mapping, got a list/);
    assert.equal(err.where?.line, 1);
  });
});

describe("selectVariants / selectPlatforms", () => {
  let config: Config;
  before(() => {
    config = parseConfig(edit(VALID, "platforms: [linux/amd64, linux/arm64]", "platforms: [linux/amd64]"), file);
  });

  const variantCases: [string | undefined, string[]][] = [
    [undefined, ["minimal", "standard"]],
    ["all", ["minimal", "standard"]],
    ["standard", ["standard"]],
    ["standard, minimal", ["minimal", "standard"]],
    ["minimal,minimal", ["minimal"]],
  ];
  for (const [spec, names] of variantCases) {
    test(`variants ${JSON.stringify(spec)}`, () =>
      assert.deepEqual(
        selectVariants(config, spec).map((v) => v.name),
        names,
      ));
  }

  test("an unknown variant lists the known ones", () => {
    assert.throws(
      () => selectVariants(config, "minimal,huge"),
      (err: unknown) => err instanceof UsageError && /unknown variant "huge"; known variants: minimal, standard/.test(err.message),
    );
    assert.throws(
      () => selectVariants(config, ","),
      (err: unknown) => err instanceof UsageError && /no variants selected/.test(err.message),
    );
  });

  const platformCases: [string | undefined, string[]][] = [
    [undefined, ["linux/amd64"]],
    ["all", ["linux/amd64"]],
    ["linux/amd64", ["linux/amd64"]],
    ["amd64", ["linux/amd64"]],
    // Every spelling parsePlatform reads (src/lib/platform.ts), as everywhere else.
    ["x86_64", ["linux/amd64"]],
    ["x86_64,linux/amd64", ["linux/amd64"]],
  ];
  for (const [spec, platforms] of platformCases) {
    test(`platforms ${JSON.stringify(spec)}`, () => assert.deepEqual(selectPlatforms(config, spec), platforms));
  }

  test("an unknown platform lists the allowed ones", () => {
    assert.throws(
      () => selectPlatforms(config, "linux/riscv64"),
      (err: unknown) => err instanceof UsageError && /unknown platform "linux\/riscv64"; allowed: linux\/amd64/.test(err.message),
    );
    assert.throws(
      () => selectPlatforms(config, "linux/arm64"),
      (err: unknown) =>
        err instanceof UsageError && /allowed: linux\/amd64 .*linux\/arm64 must first be added to platforms/.test(err.message),
    );
    // aarch64 is arm64: the same answer, not "unknown".
    assert.throws(
      () => selectPlatforms(config, "aarch64"),
      (err: unknown) =>
        err instanceof UsageError && /unknown platform "aarch64"; .*linux\/arm64 must first be added to platforms/.test(err.message),
    );
  });
});
