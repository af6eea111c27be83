/**
 * Configs with a base: the action's folder found from the running module, the merge rules,
 * variants derived with `from:` and `applets`, paths resolved against the file that wrote them,
 * files copied into an image kept inside their config's folder, and errors that name the file
 * and line the bad value came from. Every tree is written under a mkdtemp folder.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readAppletTable, closest } from "../../src/config/applets.js";
import { actionRoot, appletTableFile, findActionRoot, isActionsOwn } from "../../src/config/builtin.js";
import { ConfigError, parseConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { formatError, UsageError } from "../../src/lib/errors.js";
import { parseFragment } from "../../src/build/busybox.js";

const ROOT = join(import.meta.dirname, "../..");
const SHA = "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2";

let tmp = "";
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "kimigayo-config-base-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes files (text) under a fresh folder and returns it. */
let trees = 0;
function tree(files: Record<string, string>): string {
  const dir = join(tmp, `t${++trees}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function load(file: string): Config {
  return parseConfig(readFileSync(file, "utf8"), file);
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return err;
  }
  assert.fail("expected an error");
}

const lineOf = (text: string, needle: string) => {
  const i = text.split("\n").findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `no line has ${JSON.stringify(needle)}`);
  return i + 1;
};

/** A small plain base config with its own fragments, services lists and files. */
const BASE_YML = `version: 1.0.0
source_date_epoch: 100
busybox:
  version: 1.38.0
  sha256: ${SHA}
  urls: [https://busybox.net/downloads/busybox-1.38.0.tar.bz2]
  patches: [p/x.patch]
platforms: [linux/amd64, linux/arm64]
image: 127.0.0.1:5000/base
files:
  - { path: /etc/rc.conf, src: etc/rc.conf }
  - { path: /etc/inittab, src: etc/inittab }
variants:
  small:
    description: the small one
    busybox: bb/small.config
    services: svc/small.list
    budget: { size: 200KB, platforms: { linux/arm64: { size: 220KB } } }
  big:
    description: the big one
    busybox: bb/big.config
    services: svc/big.list
    default: true
    budget: { size: 500KB }
    files: [{ path: /etc/big.conf, src: etc/big.conf }]
`;
const BASE_FILES = {
  "kimigayo.yml": BASE_YML,
  "p/x.patch": "",
  "etc/rc.conf": "rc\n",
  "etc/inittab": "::sysinit:/sbin/kimigayo-rc start\n",
  "etc/big.conf": "big\n",
  "bb/small.config": "CONFIG_ASH=y\nCONFIG_LS=y\n",
  "bb/big.config": "# big\nCONFIG_ASH=y\nCONFIG_LS=y\nCONFIG_VI=y\nCONFIG_WGET=y\n",
  "svc/small.list": "boot urandom -\n",
  "svc/big.list": "boot urandom -\n",
};

describe("the action's folder, found from the running module", () => {
  test("walks up from a bundle or a source file to the folder with action.yml and configs/kimigayo.yml", () => {
    const root = tree({
      "action.yml": "name: x\n",
      "configs/kimigayo.yml": "x: 1\n",
      "dist/index.js": "",
      "dist/cli/index.js": "",
      "src/config/builtin.ts": "",
      "dist/nested/action.yml": "name: not this one, it has no configs/\n",
      "dist/nested/deeper/index.js": "",
    });
    const cases: [string, string | undefined][] = [
      [join(root, "dist/index.js"), root],
      [join(root, "dist/cli/index.js"), root],
      [join(root, "src/config/builtin.ts"), root],
      [join(root, "dist/nested/deeper/index.js"), root],
      [join(root, "dist"), root],
      [root, root],
      [tmp, undefined],
    ];
    for (const [start, want] of cases) assert.equal(findActionRoot(start), want, start);
  });

  test("from this module (under tsx) it is the repository, which has the applet table of the configured BusyBox", () => {
    assert.equal(actionRoot(), ROOT);
    const table = readAppletTable(appletTableFile(ROOT, "1.38.0"));
    assert.equal(table.busybox, "1.38.0");
    assert.deepEqual(table.applets.httpd?.[0]?.if, ["CONFIG_HTTPD"]);
    assert.deepEqual(
      table.applets.sh?.map((d) => d.if),
      [["CONFIG_SH_IS_ASH"], ["CONFIG_SH_IS_HUSH"]],
    );
    assert.ok(Object.keys(table.applets).length > 400);
  });

  test("a value is the action's own (inherited, not written by the user) only from another repository", () => {
    const action = join(tmp, "_actions", "kimigayo", "build-action", "v2");
    const builtin = join(action, "configs", "kimigayo.yml");
    const workspace = join(tmp, "work", "downstream");
    // From a downstream workspace: the built-in file is the action's; the user's own file is not.
    assert.equal(isActionsOwn(builtin, workspace, action), true);
    assert.equal(isActionsOwn(join(workspace, "kimigayo.yml"), workspace, action), false);
    // In the action's own repository (a clone, or uses: ./), the built-in file is the user's own.
    assert.equal(isActionsOwn(builtin, action, action), false);
    assert.equal(isActionsOwn(builtin, join(action, "configs"), action), false);
    // A sibling whose name starts like the action's folder is another folder.
    assert.equal(isActionsOwn(join(`${action}-fork`, "configs", "kimigayo.yml"), workspace, action), false);
    // Outside any action folder nothing is inherited.
    assert.equal(isActionsOwn(builtin, workspace, undefined), false);
  });

  test("did you mean: close names first", () => {
    const known = ["httpd", "ftpd", "ntpd", "tftpd", "vi", "wget"];
    assert.equal(closest("htttpd", known)[0], "httpd");
    assert.deepEqual(closest("wgte", known), ["wget"]);
    assert.deepEqual(closest("zzzzzz", known), []);
  });
});

describe("merge rules", () => {
  let base = "";
  before(() => {
    base = tree(BASE_FILES);
  });
  /** A user config in its own folder, with base: pointing at the base tree. */
  const user = (yml: string, files: Record<string, string> = {}) => {
    const dir = tree({ "kimigayo.yml": `base: ../${basename(base)}/kimigayo.yml\n${yml}`, ...files });
    return join(dir, "kimigayo.yml");
  };

  const cases: { name: string; yml: string; files?: Record<string, string>; check: (c: Config, userDir: string) => void }[] = [
    {
      name: "no variants: the base's, with its default; scalars not given stay the base's",
      yml: "image: ghcr.io/acme/os\n",
      check: (c) => {
        assert.deepEqual(
          c.variants.map((v) => [v.name, v.default]),
          [
            ["small", false],
            ["big", true],
          ],
        );
        assert.equal(c.image, "ghcr.io/acme/os");
        assert.equal(c.version, "1.0.0");
        assert.equal(c.sourceDateEpoch, 100);
        assert.deepEqual(c.platforms, ["linux/amd64", "linux/arm64"]);
        assert.deepEqual(c.busybox.patches, [join(base, "p/x.patch")]);
        assert.deepEqual(c.bases, [join(base, "kimigayo.yml")]);
        assert.equal(c.variants[1]!.busyboxConfig, join(base, "bb/big.config"));
      },
    },
    {
      name: "top-level scalars override the base",
      yml: "version: 3.0.0\nsource_date_epoch: 5\nplatforms: [linux/arm64]\nimage: ghcr.io/acme/os\n",
      check: (c) => {
        assert.equal(c.version, "3.0.0");
        assert.equal(c.sourceDateEpoch, 5);
        assert.deepEqual(c.platforms, ["linux/arm64"]);
        assert.equal(c.image, "ghcr.io/acme/os");
      },
    },
    {
      name: "busybox given by the user replaces the base's, its paths against the user's folder",
      yml: `busybox: { version: 1.38.0, sha256: ${SHA}, urls: [dl/busybox.tar.bz2] }\n`,
      check: (c, dir) => {
        assert.deepEqual(c.busybox.urls, [join(dir, "dl/busybox.tar.bz2")]);
        assert.deepEqual(c.busybox.patches, []);
      },
    },
    {
      name: "files are added to the base's; one for an image path the base has replaces it",
      yml: "files:\n  - { path: /etc/motd, src: motd }\n  - { path: /etc/inittab, src: my-inittab }\n",
      files: { motd: "hi\n", "my-inittab": "::sysinit:/bin/true\n" },
      check: (c, dir) => {
        assert.deepEqual(
          c.files.map((f) => [f.path, f.src]),
          [
            ["/etc/rc.conf", join(base, "etc/rc.conf")],
            ["/etc/inittab", join(dir, "my-inittab")],
            ["/etc/motd", join(dir, "motd")],
          ],
        );
      },
    },
    {
      name: "from: inherits fragment, services, description, budget and files; the first variant is the default",
      yml: "variants:\n  web:\n    from: big\n  tiny:\n    from: small\n    budget: { size: 150KB }\n",
      check: (c) => {
        assert.deepEqual(
          c.variants.map((v) => [v.name, v.default]),
          [
            ["web", true],
            ["tiny", false],
          ],
        );
        const [web, tiny] = c.variants as [Config["variants"][0], Config["variants"][0]];
        assert.equal(web.busyboxConfig, join(base, "bb/big.config"));
        assert.equal(web.services, join(base, "svc/big.list"));
        assert.equal(web.description, "the big one");
        assert.deepEqual(web.budget, { size: 500_000, platforms: {} });
        assert.deepEqual(web.files, [{ path: "/etc/big.conf", src: join(base, "etc/big.conf"), mode: 0o644 }]);
        assert.equal(web.fragment, undefined);
        // A budget given replaces the base's as a whole: no arm64 override left behind.
        assert.deepEqual(tiny.budget, { size: 150_000, platforms: {} });
      },
    },
    {
      name: "a variant named like a base variant changes only the fields given; default: true picks the default",
      yml: "variants:\n  small:\n    description: mine\n  big:\n    services: my.list\n    default: true\n",
      files: { "my.list": "boot urandom -\n" },
      check: (c, dir) => {
        const [small, big] = c.variants as [Config["variants"][0], Config["variants"][0]];
        assert.equal(small.description, "mine");
        assert.equal(small.busyboxConfig, join(base, "bb/small.config"));
        assert.deepEqual(small.budget, { size: 200_000, platforms: { "linux/arm64": { size: 220_000 } } });
        assert.equal(small.default, false);
        assert.equal(big.services, join(dir, "my.list"));
        assert.equal(big.busyboxConfig, join(base, "bb/big.config"));
        assert.equal(big.default, true);
      },
    },
    {
      name: "a new variant with its own fragment and services, and files of its own",
      yml: "variants:\n  own:\n    busybox: own.config\n    services: own.list\n    files: [{ path: /etc/own, src: own.txt }]\n",
      files: { "own.config": "CONFIG_ASH=y\n", "own.list": "boot urandom -\n", "own.txt": "own\n" },
      check: (c, dir) => {
        assert.deepEqual(
          c.variants.map((v) => [v.name, v.busyboxConfig, v.services, v.default]),
          [["own", join(dir, "own.config"), join(dir, "own.list"), true]],
        );
        assert.deepEqual(c.variants[0]!.files, [{ path: "/etc/own", src: join(dir, "own.txt"), mode: 0o644 }]);
      },
    },
    {
      name: "applets add and remove edit the inherited fragment; each new line remembers its list item",
      yml: "variants:\n  web:\n    from: big\n    applets:\n      add: [httpd, ls]\n      remove: [vi]\n",
      check: (c, dir) => {
        const f = c.variants[0]!.fragment!;
        const lines = f.text.trimEnd().split("\n");
        assert.deepEqual(lines, ["# big", "CONFIG_ASH=y", "CONFIG_WGET=y", "CONFIG_HTTPD=y", "CONFIG_LS=y", "# CONFIG_VI is not set"]);
        const file = join(dir, "kimigayo.yml");
        assert.deepEqual(f.origins, [
          { file: join(base, "bb/big.config"), line: 1 },
          { file: join(base, "bb/big.config"), line: 2 },
          { file: join(base, "bb/big.config"), line: 5 },
          { file, line: 6 },
          { file, line: 6 },
          { file, line: 7 },
        ]);
        // The busybox stage reads the derived text with these origins.
        assert.deepEqual(
          parseFragment(f.text, c.variants[0]!.busyboxConfig).map((l) => `${l.symbol}=${l.value}`),
          ["CONFIG_ASH=y", "CONFIG_WGET=y", "CONFIG_HTTPD=y", "CONFIG_LS=y", "CONFIG_VI=n"],
        );
      },
    },
    {
      name: "locations: the user's values in the user's file, inherited ones with the base's file and line",
      yml: "variants:\n  web:\n    from: small\n",
      check: (c) => {
        assert.deepEqual(c.locations["variants.web"], { line: 3, column: 3 });
        assert.deepEqual(c.locations["variants.web.budget.size"], {
          line: lineOf(BASE_YML, "size: 200KB"),
          column: BASE_YML.split("\n")[lineOf(BASE_YML, "size: 200KB") - 1]!.indexOf("200KB") + 1,
          file: join(base, "kimigayo.yml"),
        });
        assert.equal(c.locations["variants.small.budget.size"], undefined);
        assert.equal(c.locations["busybox.sha256"]?.file, join(base, "kimigayo.yml"));
      },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const file = user(c.yml, c.files);
      c.check(load(file), dirname(file));
    });
  }

  test("bases chain: each layer's applets are applied in turn", () => {
    const mid = tree({
      "kimigayo.yml": `base: ../${basename(base)}/kimigayo.yml\nvariants:\n  web:\n    from: big\n    applets: { add: [httpd] }\n`,
    });
    const top = tree({
      "kimigayo.yml": `base: ../${basename(mid)}/kimigayo.yml\nvariants:\n  web2:\n    from: web\n    applets: { remove: [wget] }\n`,
    });
    const c = load(join(top, "kimigayo.yml"));
    assert.deepEqual(c.bases, [join(mid, "kimigayo.yml"), join(base, "kimigayo.yml")]);
    const f = c.variants[0]!.fragment!;
    assert.match(f.text, /^CONFIG_HTTPD=y$/m);
    assert.match(f.text, /^# CONFIG_WGET is not set$/m);
    assert.doesNotMatch(f.text, /^CONFIG_WGET=y$/m);
    const httpd = f.text.split("\n").indexOf("CONFIG_HTTPD=y");
    assert.deepEqual(f.origins[httpd], { file: join(mid, "kimigayo.yml"), line: 5 });
  });
});

/** "standard plus httpd" on the action's own config, as a downstream repository writes it. */
const DOWNSTREAM = `# the action's standard variant plus httpd
base: builtin
image: ghcr.io/acme/kimigayo-web
variants:
  web:
    from: standard
    applets: { add: [httpd], remove: [] }
    budget: { size: 700KB }
    files: [{ path: /etc/httpd.conf, src: httpd.conf }]
`;

describe("a downstream config: standard plus httpd on base: builtin", () => {
  test("at most 15 lines; one variant web with the base's services, a fragment with CONFIG_HTTPD=y and its own budget", () => {
    assert.ok(DOWNSTREAM.trimEnd().split("\n").length <= 15);
    const dir = tree({ "kimigayo.yml": DOWNSTREAM, "httpd.conf": "H\n" });
    const c = load(join(dir, "kimigayo.yml"));
    assert.equal(c.variants.length, 1);
    const web = c.variants[0]!;
    assert.equal(web.name, "web");
    assert.equal(web.default, true);
    assert.equal(web.services, join(ROOT, "configs/openrc/services-standard.list"));
    assert.equal(web.busyboxConfig, join(ROOT, "configs/busybox/standard.config"));
    assert.deepEqual(web.budget, { size: 700_000, platforms: {} });
    assert.deepEqual(web.files, [{ path: "/etc/httpd.conf", src: join(dir, "httpd.conf"), mode: 0o644 }]);
    const standard = readFileSync(join(ROOT, "configs/busybox/standard.config"), "utf8");
    assert.doesNotMatch(standard, /CONFIG_HTTPD=y/, "the test means something only if standard lacks httpd");
    const lines = web.fragment!.text.trimEnd().split("\n");
    assert.deepEqual(lines, [...standard.trimEnd().split("\n"), "CONFIG_HTTPD=y"]);
    assert.deepEqual(web.fragment!.origins.at(-1), { file: join(dir, "kimigayo.yml"), line: 7 });
    assert.equal(c.image, "ghcr.io/acme/kimigayo-web");
    assert.deepEqual(
      c.files.map((f) => f.src),
      load(join(ROOT, "configs/kimigayo.yml")).files.map((f) => f.src),
    );
  });
});

describe("release_notes.types: the notes' sections, in the user's order, inherited from a base", () => {
  test("set in a base, kept by a config on it; set again, replaced; absent everywhere, none (the notes' defaults)", () => {
    const dir = tree({
      "base/kimigayo.yml": `base: builtin\nrelease_notes:\n  types: [{ type: feat, title: New things }, { type: fix, title: Repairs }, { type: chore, title: Chores, folded: true }]\n`,
      "on-base/kimigayo.yml": "base: ../base/kimigayo.yml\nimage: ghcr.io/acme/x\n",
      "own/kimigayo.yml": "base: ../base/kimigayo.yml\nrelease_notes: { types: [{ type: perf, title: Faster }] }\n",
      "plain/kimigayo.yml": "base: builtin\n",
    });
    const want = [
      { type: "feat", title: "New things" },
      { type: "fix", title: "Repairs" },
      { type: "chore", title: "Chores", folded: true },
    ];
    assert.deepEqual(load(join(dir, "base/kimigayo.yml")).noteTypes, want);
    assert.deepEqual(load(join(dir, "on-base/kimigayo.yml")).noteTypes, want);
    assert.deepEqual(load(join(dir, "own/kimigayo.yml")).noteTypes, [{ type: "perf", title: "Faster" }]);
    assert.equal(load(join(dir, "plain/kimigayo.yml")).noteTypes, undefined);
  });

  test("a type listed twice is bad input", () => {
    const dir = tree({ "kimigayo.yml": "base: builtin\nrelease_notes: { types: [{ type: feat, title: A }, { type: feat, title: B }] }\n" });
    // Named at the repeat's own entry and line, with the type and the entry it repeats.
    assert.match(
      configError(() => load(join(dir, "kimigayo.yml"))).message,
      /release_notes\.types\.1\.type \(line 2\): type "feat" is listed twice \(first as types\[0\]\)/,
    );
  });
});

describe("bad input: exit 2 naming the file and line the value came from", () => {
  let base = "";
  before(() => {
    base = tree(BASE_FILES);
  });
  const rel = () => `../${basename(base)}/kimigayo.yml`;
  const cases: {
    name: string;
    yml: () => string;
    files?: () => Record<string, string>;
    /** The line in the user's file, or [file relative to the base tree, line] for a base value. */
    at: number | ((user: string) => { file: string; line: number });
    message: RegExp;
  }[] = [
    {
      name: "a base that does not exist",
      yml: () => "image: ghcr.io/acme/x\nbase: ../nowhere/kimigayo.yml\n",
      at: 2,
      message: /base config "\.\.\/nowhere\/kimigayo\.yml" does not exist: .*nowhere\/kimigayo\.yml \(resolved against /,
    },
    {
      name: "a release notes type that is not a commit type",
      yml: () => `base: ${rel()}\nrelease_notes:\n  types:\n    - { type: feat, title: New }\n    - { type: "Fix!", title: Fixes }\n`,
      at: 5,
      message: /"Fix!" is not a commit type like feat or fix/,
    },
    {
      name: "from: an unknown base variant lists the allowed ones",
      yml: () => `base: ${rel()}\nvariants:\n  web:\n    from: bigg\n`,
      at: 4,
      message: /"bigg" is not a variant of the base config .*; allowed: small, big$/,
    },
    {
      name: "an applet BusyBox does not have, with a did-you-mean",
      yml: () => `base: ${rel()}\nvariants:\n  web:\n    from: big\n    applets:\n      add:\n        - httpd\n        - htttpd\n`,
      at: 8,
      message: /"htttpd" is not an applet of BusyBox 1\.38\.0; did you mean httpd\b/,
    },
    {
      name: "an applet in remove, without a close name",
      yml: () => `base: ${rel()}\nvariants:\n  web: { from: big, applets: { remove: [qqqqqqqqqq] } }\n`,
      at: 3,
      message: /"qqqqqqqqqq" is not an applet of BusyBox 1\.38\.0 \(the applets are listed in/,
    },
    {
      name: "no applet table for the configured BusyBox says how to make one",
      yml: () =>
        `base: ${rel()}\nbusybox: { version: 1.37.0, sha256: ${SHA}, urls: [x.tar.bz2] }\nvariants:\n  web: { from: big, applets: { add: [httpd] } }\n`,
      at: 4,
      message:
        /no applet table for BusyBox 1\.37\.0 \(.*applets-1\.37\.0\.json\); generate it .*node scripts\/gen-applets\.mjs <busybox-1\.37\.0\.tar\.bz2>/,
    },
    {
      name: "an applet both added and removed",
      yml: () => `base: ${rel()}\nvariants:\n  web:\n    from: big\n    applets:\n      add: [httpd]\n      remove: [httpd]\n`,
      at: 7,
      message: /applet "httpd" is both added \(applets\.add\.0\) and removed/,
    },
    {
      name: "a new variant without busybox or services",
      yml: () => `base: ${rel()}\nvariants:\n  web:\n    description: x\n`,
      at: 3,
      message: /needs busybox and services, or from: one of the base's variants \(small, big\)/,
    },
    {
      name: "from: without a base",
      yml: () => BASE_YML.replace("  small:\n", "  small:\n    from: big\n"),
      files: () => BASE_FILES,
      at: (u) => ({ file: u, line: lineOf(BASE_YML, "  small:") + 1 }),
      message: /this config has no base; add base: builtin/,
    },
    {
      name: "a base that leads back to the user's file",
      yml: () => "base: kimigayo.yml\n",
      at: 1,
      message: /leads back to a config that is already being read: .*kimigayo\.yml -> .*kimigayo\.yml/,
    },
    {
      name: "a problem in the base is reported at the base's file and line",
      yml: () => `base: broken/kimigayo.yml\n`,
      files: () => ({ "broken/kimigayo.yml": `base: ../${rel()}\nimage: Not/An/Image\n` }),
      at: (u) => ({ file: join(dirname(u), "broken/kimigayo.yml"), line: 2 }),
      message: /is not a valid OCI repository reference/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const dir = tree({ ...c.files?.(), "kimigayo.yml": c.yml() });
      const file = join(dir, "kimigayo.yml");
      const err = configError(() => load(file));
      const want = typeof c.at === "number" ? { file, line: c.at } : c.at(file);
      assert.equal(err.where?.file, want.file, err.message);
      assert.equal(err.where?.line, want.line, err.message);
      assert.match(err.message, c.message);
      // As the CLI prints it: file:line first.
      assert.ok(formatError(err).startsWith(`${want.file}:${want.line}:`), formatError(err));
    });
  }

  test("too many bases", () => {
    const dir = tree(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`c${i}.yml`, `base: c${i + 1}.yml\n`])));
    writeFileSync(join(dir, "c12.yml"), BASE_YML.replace(/(?<=src: )(etc|bb|svc|p)\//g, `${base}/$1/`));
    const err = configError(() => load(join(dir, "c0.yml")));
    assert.match(err.message, /too many bases: .*at most 8 configs may stand on each other/);
    assert.match(err.where?.file ?? "", /c\d+\.yml$/);
  });

  test("a YAML error in the base names the base", () => {
    const dir = tree({ "kimigayo.yml": "base: b.yml\n", "b.yml": "version: 1.0.0\n\tbad: tab\n" });
    const err = configError(() => load(join(dir, "kimigayo.yml")));
    assert.equal(err.where?.file, join(dir, "b.yml"));
    assert.equal(err.where?.line, 2);
    assert.ok(err instanceof UsageError);
  });
});

describe("files copied into an image come from inside their config's folder", () => {
  const escapes: { name: string; src: string; message: RegExp }[] = [
    {
      name: "an absolute path",
      src: "/etc/passwd",
      message: /"\/etc\/passwd" is an absolute path; files copied into the image must be given relative to /,
    },
    {
      name: "a .. escape",
      src: "../outside.txt",
      message: /"\.\.\/outside\.txt" leads out of the config's folder .* \(to .*outside\.txt\)/,
    },
    {
      name: "a symlink leading out",
      src: "link.txt",
      message: /"link\.txt" is a symlink \(or lies under one\) leading out of the config's folder .* \(to .*outside\.txt\)/,
    },
    {
      name: "a file under a symlinked folder leading out",
      src: "linkdir/outside.txt",
      message: /is a symlink \(or lies under one\) leading out/,
    },
  ];
  /** A folder `cfg` beside outside.txt, with symlinks out of it, and the config written by `yml`. */
  function setup(yml: string): string {
    const root = tree({ "outside.txt": "secret\n", "cfg/inside.txt": "ok\n", "cfg/kimigayo.yml": yml });
    symlinkSync(join(root, "outside.txt"), join(root, "cfg/link.txt"));
    symlinkSync(root, join(root, "cfg/linkdir"));
    symlinkSync(join(root, "cfg/inside.txt"), join(root, "cfg/inlink.txt"));
    return join(root, "cfg/kimigayo.yml");
  }

  let base = "";
  before(() => {
    base = tree(BASE_FILES);
  });
  const plain = (src: string) =>
    BASE_YML.replace(/(?<=src: )(etc|bb|svc|p)\//g, `${base}/$1/`)
      .replace(/(?<=(busybox|services|patches): \[?)(bb|svc|p)\//g, `${base}/$2/`)
      .replace(`src: ${base}/etc/rc.conf`, `src: ${src}`)
      .replace(`src: ${base}/etc/inittab`, "src: inside.txt")
      .replace(`src: ${base}/etc/big.conf`, "src: inlink.txt");
  const based = (src: string) =>
    `base: ${base}/kimigayo.yml\nvariants:\n  web:\n    from: big\n    files:\n      - { path: /etc/x, src: ${src} }\n`;

  for (const [kind, make, field] of [
    ["a plain config (files)", plain, "files.0.src"],
    ["a based config (variant files)", based, "variants.web.files.0.src"],
  ] as const) {
    for (const e of escapes) {
      test(`${kind}: ${e.name}`, () => {
        const text = make(e.src);
        const file = setup(text);
        const err = configError(() => load(file));
        assert.equal(err.problems.length, 1, err.message);
        assert.equal(err.where?.field, field);
        assert.equal(err.where?.file, file);
        assert.equal(err.where?.line, lineOf(text, `src: ${e.src}`));
        assert.match(err.message, e.message);
      });
    }
    test(`${kind}: files inside, and symlinks that stay inside, are fine`, () => {
      const c = load(setup(make("inlink.txt")));
      assert.ok([...c.files, ...c.variants.flatMap((v) => v.files ?? [])].some((f) => f.src.endsWith("inlink.txt")));
    });
  }

  test("a base's file escaping its folder is the base's error, at the base's line", () => {
    const root = tree({ "outside.txt": "x\n", "b/kimigayo.yml": "", "u/kimigayo.yml": "base: ../b/kimigayo.yml\n" });
    const baseText = BASE_YML.replace(/(?<=(busybox|services|patches): \[?)(bb|svc|p)\//g, `${base}/$2/`)
      .replace(/(?<=src: )etc\//g, `${base}/etc/`)
      .replace(`src: ${base}/etc/inittab`, "src: ../outside.txt")
      .replace(`src: ${base}/etc/rc.conf`, "src: rc.conf")
      .replace(`src: ${base}/etc/big.conf`, "src: rc.conf");
    writeFileSync(join(root, "b/kimigayo.yml"), baseText);
    writeFileSync(join(root, "b/rc.conf"), "rc\n");
    const err = configError(() => load(join(root, "u/kimigayo.yml")));
    assert.equal(err.where?.file, join(root, "b/kimigayo.yml"));
    assert.equal(err.where?.line, lineOf(baseText, "../outside.txt"));
    assert.match(err.message, /leads out of the config's folder/);
  });
});

describe("the busybox stage reads a derived fragment by its origins", () => {
  test("a bad line is reported at the file and line it came from", () => {
    const origins = [
      { file: "/base/standard.config", line: 4 },
      { file: "/user/kimigayo.yml", line: 7 },
    ];
    assert.throws(
      () => parseFragment("CONFIG_ASH=y\nnot kconfig\n", "/base/standard.config", (line) => origins[line - 1]!),
      (err: unknown) =>
        err instanceof UsageError &&
        err.where?.file === "/user/kimigayo.yml" &&
        err.where.line === 7 &&
        err.message.startsWith("/user/kimigayo.yml:7: "),
    );
  });
});
