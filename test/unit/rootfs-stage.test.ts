import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../../src/config/load.js";
import type { Config, VariantConfig } from "../../src/config/schema.js";
import { UsageError } from "../../src/lib/errors.js";
import { sha256 } from "../../src/lib/hash.js";
import { silentLogger } from "../../src/lib/log.js";
import { readTar, writeTar, type TarEntry } from "../../src/lib/tar.js";
import { parseFragment, type Applet, type BusyboxBuild } from "../../src/build/busybox.js";
import { buildRootfs, renderServices, rootfsEntries } from "../../src/build/rootfs.js";
import { checkServices, readServices, type Runlevel, type Service } from "../../src/config/services.js";

const CONFIGS = fileURLToPath(new URL("../../configs/", import.meta.url));

let work = "";
before(async () => {
  work = await mkdtemp(join(tmpdir(), "kimigayo-rootfs-"));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Writes `files` (relative path -> text) under a fresh directory and returns it. */
let dirCount = 0;
async function tree(files: Record<string, string>): Promise<string> {
  const dir = join(work, `t${dirCount++}`);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function rejectsUsage(p: Promise<unknown>): Promise<UsageError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a UsageError, nothing was thrown");
}

const brief = (services: Service[]) => services.map((s) => `${s.runlevel} ${s.name}`);

describe("readServices", () => {
  test("parses applets, optional applets, '-' and 'none <reason>', with positions", async () => {
    const dir = await tree({
      "s.list": [
        "# comment line",
        "sysinit   devfs      mount?",
        "boot      bootmisc   mkdir,rm   # trailing comment",
        "boot      loopback   ip?,ifconfig",
        "boot      hostname   -",
        "",
        "default   sshd       none BusyBox has   no SSH server",
        "shutdown  bootmisc   -",
      ].join("\n"),
    });
    const file = join(dir, "s.list");
    const services = await readServices(file);
    assert.deepEqual(services, [
      { runlevel: "sysinit", name: "devfs", applets: [], optional: ["mount"], file, line: 2 },
      { runlevel: "boot", name: "bootmisc", applets: ["mkdir", "rm"], optional: [], file, line: 3 },
      { runlevel: "boot", name: "loopback", applets: ["ifconfig"], optional: ["ip"], file, line: 4 },
      { runlevel: "boot", name: "hostname", applets: [], optional: [], file, line: 5 },
      { runlevel: "default", name: "sshd", applets: [], optional: [], unavailable: "BusyBox has no SSH server", file, line: 7 },
      { runlevel: "shutdown", name: "bootmisc", applets: [], optional: [], file, line: 8 },
    ]);
  });

  test("applet names may contain [ . _ - and digits", async () => {
    const dir = await tree({ "s.list": "default x [,[[,run-parts,ipv6.tool,sha256sum,a_b?\n" });
    const [s] = await readServices(join(dir, "s.list"));
    assert.deepEqual(s?.applets, ["[", "[[", "run-parts", "ipv6.tool", "sha256sum"]);
    assert.deepEqual(s?.optional, ["a_b"]);
  });

  test("include is resolved relative to the including file, depth first, in place", async () => {
    const dir = await tree({
      "top.list": "sysinit first -\ninclude sub/mid.list\ndefault last -\n",
      "sub/mid.list": "include ../base.list\nboot mid -\n",
      "base.list": "sysinit base -\n",
    });
    const services = await readServices(join(dir, "top.list"));
    assert.deepEqual(
      services.map((s) => [s.name, s.file, s.line]),
      [
        ["first", join(dir, "top.list"), 1],
        ["base", join(dir, "base.list"), 1],
        ["mid", join(dir, "sub/mid.list"), 2],
        ["last", join(dir, "top.list"), 3],
      ],
    );
  });

  const errors: { name: string; files: Record<string, string>; line?: number; errorFile?: string; includes: string[] }[] = [
    {
      name: "include cycle",
      files: { "s.list": "include a.list\n", "a.list": "include b.list\n", "b.list": "boot x -\ninclude a.list\n" },
      errorFile: "a.list",
      includes: ["include cycle:", "s.list -> ", "a.list -> ", "b.list -> ", "a.list"],
    },
    {
      name: "a file including itself",
      files: { "s.list": "boot x -\ninclude s.list\n" },
      errorFile: "s.list",
      includes: ["include cycle:"],
    },
    { name: "missing include", files: { "s.list": "include nope.list\n" }, errorFile: "nope.list", includes: ["services list not found:"] },
    {
      name: "bad runlevel, with its line",
      files: { "s.list": "# header\nboot x -\nboto hostname -\n" },
      line: 3,
      includes: ['"boto" is not a runlevel', "sysinit, boot, default, shutdown"],
    },
    { name: "include with two arguments is not an include", files: { "s.list": "include a b\n" }, line: 1, includes: ['"include"'] },
    { name: "bad service name", files: { "s.list": "boot Hostname -\n" }, line: 1, includes: ['service name "Hostname"'] },
    {
      name: "missing applet column",
      files: { "s.list": "boot\thostname\n" },
      line: 1,
      includes: ["service hostname: name the BusyBox applets"],
    },
    { name: "none without a reason", files: { "s.list": "\ndefault dbus none\n" }, line: 2, includes: ["service dbus: say why"] },
    { name: "text after the applet list", files: { "s.list": "boot x ls extra words\n" }, line: 1, includes: ['unexpected "extra words"'] },
    { name: "bad applet name", files: { "s.list": "boot x ls,Ip\n" }, line: 1, includes: ['"Ip" is not an applet name'] },
    { name: "empty applet in the list", files: { "s.list": "boot x ls,,rm\n" }, line: 1, includes: ['"" is not an applet name'] },
    { name: "double question mark", files: { "s.list": "boot x ip??\n" }, line: 1, includes: ['"ip??" is not an applet name'] },
    {
      name: "duplicate service in a runlevel, at the second occurrence",
      files: { "s.list": "boot x -\nboot y -\nboot x mkdir\n" },
      line: 3,
      includes: ["service x is listed twice in runlevel boot"],
    },
    {
      name: "duplicate service across an include, at the including file",
      files: { "s.list": "include base.list\nboot x -\n", "base.list": "boot x -\n" },
      line: 2,
      includes: ["service x is listed twice in runlevel boot"],
    },
  ];
  for (const c of errors) {
    test(`error: ${c.name}`, async () => {
      const dir = await tree(c.files);
      const err = await rejectsUsage(readServices(join(dir, "s.list")));
      assert.equal(err.where?.file, join(dir, c.errorFile ?? "s.list"));
      assert.equal(err.where?.line, c.line);
      for (const s of c.includes) assert.ok(err.message.includes(s), `message ${JSON.stringify(err.message)} lacks ${JSON.stringify(s)}`);
    });
  }

  test("the same service in two runlevels is allowed", async () => {
    const dir = await tree({ "s.list": "boot urandom -\nshutdown urandom -\n" });
    assert.deepEqual(brief(await readServices(join(dir, "s.list"))), ["boot urandom", "shutdown urandom"]);
  });
});

const VARIANT: VariantConfig = {
  name: "minimal",
  description: "",
  busyboxConfig: "/cfg/busybox/minimal.config",
  services: "/cfg/openrc/services-minimal.list",
  default: false,
  budget: { platforms: {} },
};

const svc = (over: Partial<Service> & Pick<Service, "name">): Service => ({
  runlevel: "boot",
  applets: [],
  optional: [],
  file: "/cfg/s.list",
  line: 1,
  ...over,
});

describe("checkServices", () => {
  test("all required applets present: optional ones missing become notes", () => {
    const services = [
      svc({ name: "devfs", runlevel: "sysinit", optional: ["mount"] }),
      svc({ name: "loopback", applets: ["sh"], optional: ["ip", "ifconfig"] }),
      svc({ name: "sshd", unavailable: "no SSH server" }),
    ];
    assert.deepEqual(checkServices(services, new Set(["sh", "ifconfig"]), VARIANT), [
      "service devfs runs without mount (not in this variant)",
      "service loopback runs without ip (not in this variant)",
    ]);
    assert.deepEqual(checkServices(services, new Set(["sh", "ifconfig", "ip", "mount"]), VARIANT), []);
  });

  test("a missing required applet is a UsageError naming file:line, the service and the applet", () => {
    const services = [
      svc({ name: "bootmisc", applets: ["mkdir", "rm"], line: 4 }),
      svc({ name: "syslog", runlevel: "default", applets: ["syslogd", "klogd"], file: "/cfg/std.list", line: 9 }),
    ];
    let err: unknown;
    try {
      checkServices(services, new Set(["mkdir", "rm", "syslogd"]), VARIANT);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof UsageError);
    assert.deepEqual(err.where, { file: "/cfg/std.list", line: 9 });
    assert.equal(
      err.message,
      "/cfg/std.list:9: service syslog needs the klogd applet, which the minimal BusyBox (/cfg/busybox/minimal.config) does not include; enable it there or drop the service",
    );
  });

  test("every missing applet is reported, positioned at the first", () => {
    const services = [svc({ name: "a", applets: ["x"], line: 2 }), svc({ name: "b", applets: ["y", "z"], line: 5 })];
    assert.throws(
      () => checkServices(services, new Set(["z"]), VARIANT),
      (e: unknown) =>
        e instanceof UsageError &&
        e.where?.line === 2 &&
        e.message.split("\n").length === 2 &&
        e.message.includes("/cfg/s.list:2: service a needs the x applet") &&
        e.message.includes("/cfg/s.list:5: service b needs the y applet"),
    );
  });
});

describe("renderServices", () => {
  test("one '<runlevel> <service>' line each; unavailable services as comments", () => {
    const out = renderServices([
      svc({ name: "devfs", runlevel: "sysinit" }),
      svc({ name: "hostname" }),
      svc({ name: "dbus", runlevel: "default", unavailable: "BusyBox has no message bus" }),
      svc({ name: "killprocs", runlevel: "shutdown" }),
    ]);
    assert.equal(
      out,
      [
        "# Generated by kimigayo build from the variant's services list.",
        "# <runlevel> <service>",
        "sysinit devfs",
        "boot hostname",
        "# default dbus: not available (BusyBox has no message bus)",
        "shutdown killprocs",
        "",
      ].join("\n"),
    );
  });

  test("no services: only the header", () => {
    assert.equal(renderServices([]), "# Generated by kimigayo build from the variant's services list.\n# <runlevel> <service>\n");
  });
});

describe("the product's services lists (configs/openrc)", () => {
  const load = (v: string) => readServices(join(CONFIGS, "openrc", `services-${v}.list`));
  const byLevel = (services: Service[], level: Runlevel) => services.filter((s) => s.runlevel === level).map((s) => s.name);

  const MINIMAL: Record<Runlevel, string[]> = {
    sysinit: ["devfs", "dmesg", "mdev"],
    boot: ["bootmisc", "hostname", "loopback", "sysctl", "urandom"],
    default: [],
    shutdown: ["killprocs", "mount-ro", "savecache"],
  };
  const STANDARD: Record<Runlevel, string[]> = { ...MINIMAL, default: ["networking", "syslog", "crond", "local"] };
  const EXTENDED: Record<Runlevel, string[]> = { ...STANDARD, default: [...STANDARD.default, "udev", "dbus", "iptables", "sshd"] };

  for (const [variant, want] of [
    ["minimal", MINIMAL],
    ["standard", STANDARD],
    ["extended", EXTENDED],
  ] as const) {
    test(`${variant}: the product's service set per runlevel`, async () => {
      const services = await load(variant);
      for (const level of ["sysinit", "boot", "default", "shutdown"] as const)
        assert.deepEqual(byLevel(services, level), want[level], level);
    });
  }

  test("minimal: only savecache is unavailable; optional applets as designed", async () => {
    const services = await load("minimal");
    assert.deepEqual(
      services.filter((s) => s.unavailable).map((s) => s.name),
      ["savecache"],
    );
    const get = (name: string) => services.find((s) => s.name === name)!;
    assert.deepEqual(get("devfs").optional, ["mount"]);
    assert.deepEqual(get("loopback").optional, ["ip"]);
    assert.deepEqual(get("mount-ro").optional, ["mount"]);
    assert.deepEqual(get("sysctl").applets, ["sysctl"]);
    assert.deepEqual(get("killprocs").applets, ["killall5"]);
  });

  test("standard: networking needs ip, syslog needs syslogd and klogd, crond needs crond", async () => {
    const services = await load("standard");
    const get = (name: string) => services.find((s) => s.name === name)!;
    assert.deepEqual(get("networking").applets, ["ip"]);
    assert.deepEqual(get("syslog").applets, ["syslogd", "klogd"]);
    assert.deepEqual(get("crond").applets, ["crond"]);
    assert.deepEqual(get("local").applets, []);
    assert.ok(get("networking").file.endsWith("services-standard.list"));
    assert.ok(get("devfs").file.endsWith("services-minimal.list"), "minimal's services come from the included file");
  });

  test("extended: udev is mdev; dbus, iptables and sshd are unavailable with a reason", async () => {
    const services = await load("extended");
    const get = (name: string) => services.find((s) => s.name === name)!;
    assert.deepEqual(get("udev").applets, ["mdev"]);
    assert.equal(get("udev").unavailable, undefined);
    for (const name of ["dbus", "iptables", "sshd"]) {
      assert.match(get(name).unavailable ?? "", /^BusyBox has no /, name);
      assert.equal(get(name).runlevel, "default");
    }
    assert.deepEqual(
      services.filter((s) => s.unavailable).map((s) => s.name),
      ["savecache", "dbus", "iptables", "sshd"],
    );
    const rendered = renderServices(services);
    assert.ok(rendered.includes("\ndefault udev\n"));
    assert.ok(rendered.includes("\n# default sshd: not available (BusyBox has no SSH server (use docker exec, or add dropbear))\n"));
  });

  test("each variant's fragment enables every applet its services require", async () => {
    for (const variant of ["minimal", "standard", "extended"]) {
      const fragmentFile = join(CONFIGS, "busybox", `${variant}.config`);
      const fragment = parseFragment(await readFile(fragmentFile, "utf8"), fragmentFile);
      // CONFIG_FOO / CONFIG_BB_FOO -> "foo": close enough to BusyBox's applet names for these services.
      const applets = new Set(fragment.filter((f) => f.value === "y").map((f) => f.symbol.replace(/^CONFIG_(BB_)?/, "").toLowerCase()));
      const v = { ...VARIANT, name: variant, busyboxConfig: fragmentFile };
      const notes = checkServices(await load(variant), applets, v);
      if (variant === "minimal") {
        assert.deepEqual(notes, [
          "service devfs runs without mount (not in this variant)",
          "service loopback runs without ip (not in this variant)",
          "service mount-ro runs without mount (not in this variant)",
        ]);
      } else {
        assert.deepEqual(notes, [], variant);
      }
    }
  });
});

// ---------------------------------------------------------------------------
// rootfsEntries + writeTar
// ---------------------------------------------------------------------------

const FILE_LINES = [
  "  - { path: /etc/rc.conf, src: openrc/rc.conf }",
  "  - { path: /etc/inittab, src: openrc/inittab }",
  "  - { path: /etc/sysctl.d/99-kimigayo-performance.conf, src: sysctl/99-kimigayo-performance.conf }",
  '  - { path: /sbin/kimigayo-rc, src: rootfs/kimigayo-rc, mode: "0755" }',
];

function yaml(fileLines: string[], epoch = 1767225600): string {
  return [
    "version: 2.1.0",
    `source_date_epoch: ${epoch}`,
    "busybox:",
    "  version: 1.38.0",
    "  sha256: 34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2",
    "  urls:",
    "    - https://busybox.net/downloads/busybox-1.38.0.tar.bz2",
    "platforms: [linux/amd64, linux/arm64]",
    "files:",
    ...fileLines,
    "variants:",
    "  minimal:",
    "    busybox: busybox/minimal.config",
    "    services: openrc/services-minimal.list",
    "    budget: { size: 250KB }",
    "  standard:",
    "    busybox: busybox/standard.config",
    "    services: openrc/services-standard.list",
    "    default: true",
    "",
  ].join("\n");
}

const APPLETS: Applet[] = [
  { name: "sh", path: "bin/sh" },
  { name: "init", path: "sbin/init" },
  { name: "ls", path: "bin/ls" },
];

describe("rootfsEntries and the layer tar", () => {
  let dir = "";
  let cfg: Config;
  let bb: BusyboxBuild;
  let services: Service[];
  const BINARY = Buffer.from("\x7fELF fake busybox\n".repeat(40));

  before(async () => {
    dir = await tree({
      "openrc/rc.conf": 'rc_parallel="YES"\n',
      "openrc/inittab": "::sysinit:/sbin/kimigayo-rc start\n",
      "sysctl/99-kimigayo-performance.conf": "vm.swappiness = 0\n",
      "rootfs/kimigayo-rc": "#!/bin/sh\necho rc\n",
      "busybox/minimal.config": "CONFIG_LS=y\n",
      "busybox/standard.config": "CONFIG_LS=y\n",
      "openrc/services-minimal.list": "sysinit devfs mount?\nboot hostname -\ndefault dbus none no bus\n",
      "openrc/services-standard.list": "include services-minimal.list\n",
      "busybox.bin": "",
    });
    await writeFile(join(dir, "busybox.bin"), BINARY);
    cfg = parseConfig(yaml(FILE_LINES), join(dir, "kimigayo.yml"));
    services = await readServices(cfg.variants[0]!.services);
    bb = {
      variant: "minimal",
      platform: "linux/amd64",
      busyboxVersion: "1.38.0",
      key: "0".repeat(32),
      size: BINARY.length,
      sha256: sha256(BINARY),
      applets: APPLETS,
      elf: { machine: "x86-64", static: true, stripped: true },
      toolchain: "test",
      toolchainPackages: {},
      buildSeconds: 0,
      binary: join(dir, "busybox.bin"),
      hit: true,
    };
  });

  const minimal = () => cfg.variants.find((v) => v.name === "minimal")!;
  const entries = () => rootfsEntries(cfg, minimal(), bb, services);
  const text = (e: TarEntry | undefined) => (e?.type === "file" ? new TextDecoder().decode(e.data) : assert.fail(`not a file: ${e?.path}`));

  test("the base directories, with their modes, plus parents of configured files", async () => {
    const dirs = new Map((await entries()).flatMap((e) => (e.type === "dir" ? [[e.path, e.mode] as const] : [])));
    const want: [string, number][] = [
      ["bin", 0o755],
      ["dev", 0o755],
      ["etc", 0o755],
      ["etc/kimigayo", 0o755],
      ["etc/sysctl.d", 0o755],
      ["proc", 0o555],
      ["root", 0o700],
      ["run", 0o755],
      ["sbin", 0o755],
      ["sys", 0o555],
      ["tmp", 0o1777],
      ["usr", 0o755],
      ["usr/bin", 0o755],
      ["usr/sbin", 0o755],
      ["var", 0o755],
      ["var/log", 0o755],
    ];
    assert.deepEqual(
      [...dirs].sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      want,
    );
  });

  test("files: busybox, the configured files with their modes, and the generated /etc files", async () => {
    const files = new Map((await entries()).flatMap((e) => (e.type === "file" ? [[e.path, e] as const] : [])));
    assert.deepEqual([...files.keys()].sort(), [
      "bin/busybox",
      "etc/group",
      "etc/hostname",
      "etc/inittab",
      "etc/kimigayo/services",
      "etc/os-release",
      "etc/passwd",
      "etc/rc.conf",
      "etc/sysctl.d/99-kimigayo-performance.conf",
      "sbin/kimigayo-rc",
    ]);
    const mode = (p: string) => (files.get(p) as { mode: number }).mode;
    assert.equal(mode("bin/busybox"), 0o755);
    assert.equal(mode("sbin/kimigayo-rc"), 0o755);
    assert.equal(mode("etc/rc.conf"), 0o644);
    assert.equal(mode("etc/passwd"), 0o644);
    assert.deepEqual(Buffer.from((files.get("bin/busybox") as { data: Uint8Array }).data), BINARY);
    assert.equal(text(files.get("etc/rc.conf")), 'rc_parallel="YES"\n');

    const osRelease = text(files.get("etc/os-release"));
    for (const line of [
      'NAME="Kimigayo OS"',
      "ID=kimigayo",
      "VERSION_ID=2.1.0",
      'PRETTY_NAME="Kimigayo OS 2.1.0 (minimal)"',
      'VARIANT="minimal"',
      "VARIANT_ID=minimal",
      "BUSYBOX_VERSION=1.38.0",
    ])
      assert.ok(osRelease.split("\n").includes(line), `os-release lacks ${line}`);

    const passwd = text(files.get("etc/passwd")).trimEnd().split("\n");
    assert.deepEqual(
      passwd.map((l) => l.split(":").slice(0, 4).join(":")),
      ["root:x:0:0", "nobody:x:65534:65534"],
    );
    assert.ok(passwd[0]!.endsWith(":/root:/bin/sh"));
    assert.equal(text(files.get("etc/group")), "root:x:0:\nnobody:x:65534:\n");
    assert.equal(text(files.get("etc/hostname")), "kimigayo\n");
    assert.equal(text(files.get("etc/kimigayo/services")), renderServices(services));
  });

  test("each applet is a hard link to bin/busybox", async () => {
    const links = (await entries()).filter((e) => e.type === "hardlink");
    assert.deepEqual(
      links.map((e) => [e.path, e.type === "hardlink" ? e.target : ""]),
      [
        ["bin/sh", "bin/busybox"],
        ["sbin/init", "bin/busybox"],
        ["bin/ls", "bin/busybox"],
      ],
    );
  });

  test("applets at bin/busybox or at a configured file's path get no link; new applet dirs are created", async () => {
    const more: BusyboxBuild = {
      ...bb,
      applets: [
        ...APPLETS,
        { name: "busybox", path: "bin/busybox" },
        { name: "kimigayo-rc", path: "sbin/kimigayo-rc" },
        { name: "x", path: "usr/local/bin/x" },
      ],
    };
    const list = await rootfsEntries(cfg, minimal(), more, services);
    const byPath = new Map(list.map((e) => [e.path, e]));
    assert.equal(byPath.get("bin/busybox")?.type, "file");
    assert.equal(byPath.get("sbin/kimigayo-rc")?.type, "file");
    assert.equal(byPath.get("usr/local/bin/x")?.type, "hardlink");
    assert.deepEqual(byPath.get("usr/local"), { type: "dir", path: "usr/local", mode: 0o755 });
    assert.deepEqual(byPath.get("usr/local/bin"), { type: "dir", path: "usr/local/bin", mode: 0o755 });
    assert.doesNotThrow(() => writeTar(list, { mtime: cfg.sourceDateEpoch }));
  });

  test("a configured file at a generated path is a UsageError", async () => {
    const clash: Config = { ...cfg, files: [...cfg.files, { path: "/etc/passwd", src: join(dir, "openrc/rc.conf"), mode: 0o644 }] };
    const err = await rejectsUsage(rootfsEntries(clash, minimal(), bb, services));
    assert.match(err.message, /two files want etc\/passwd in the minimal rootfs/);
  });

  test("the tar holds what the entries say: modes, hard links after their target", async () => {
    const tar = writeTar(await entries(), { mtime: cfg.sourceDateEpoch });
    const read = readTar(tar);
    const at = (p: string) => read.find((e) => e.path === p);
    const modeOf = (p: string) => {
      const e = at(p);
      return e?.type === "dir" || e?.type === "file" ? `${e.type} ${e.mode.toString(8)}` : `${e?.type}`;
    };
    assert.equal(modeOf("tmp"), "dir 1777");
    assert.equal(modeOf("root"), "dir 700");
    assert.equal(modeOf("proc"), "dir 555");
    assert.equal(modeOf("bin/busybox"), "file 755");
    assert.equal(modeOf("sbin/kimigayo-rc"), "file 755");
    assert.equal(modeOf("etc/os-release"), "file 644");
    const busybox = read.findIndex((e) => e.path === "bin/busybox");
    assert.deepEqual(
      read.slice(busybox + 1, busybox + 4).map((e) => [e.type, e.path]),
      [
        ["hardlink", "bin/ls"],
        ["hardlink", "bin/sh"],
        ["hardlink", "sbin/init"],
      ],
    );
    for (const p of ["bin/ls", "bin/sh", "sbin/init"]) {
      const e = at(p);
      assert.deepEqual(e?.type === "hardlink" && { target: e.target, size: e.size }, { target: "bin/busybox", size: 0 }, p);
    }
  });

  test("the tar is byte-identical across runs, config file order and applet order", async () => {
    const first = writeTar(await entries(), { mtime: cfg.sourceDateEpoch });
    const again = writeTar(await entries(), { mtime: cfg.sourceDateEpoch });
    assert.ok(first.equals(again), "two runs differ");

    // The same config with its files listed in another order.
    const shuffled = parseConfig(yaml([FILE_LINES[2]!, FILE_LINES[0]!, FILE_LINES[3]!, FILE_LINES[1]!]), join(dir, "kimigayo.yml"));
    assert.notDeepEqual(
      shuffled.files.map((f) => f.path),
      cfg.files.map((f) => f.path),
    );
    const bbShuffled = { ...bb, applets: [...APPLETS].reverse() };
    const v = shuffled.variants.find((x) => x.name === "minimal")!;
    const other = writeTar(await rootfsEntries(shuffled, v, bbShuffled, services), { mtime: shuffled.sourceDateEpoch });
    assert.equal(sha256(other), sha256(first));

    // Reversing the entry list itself changes nothing either.
    assert.ok(writeTar((await entries()).reverse(), { mtime: cfg.sourceDateEpoch }).equals(first));
  });

  test("the epoch and the variant change the bytes", async () => {
    const base = writeTar(await entries(), { mtime: cfg.sourceDateEpoch });
    const later = parseConfig(yaml(FILE_LINES, cfg.sourceDateEpoch + 1), join(dir, "kimigayo.yml"));
    assert.equal(later.sourceDateEpoch, cfg.sourceDateEpoch + 1);
    assert.ok(!writeTar(await rootfsEntries(later, minimal(), bb, services), { mtime: later.sourceDateEpoch }).equals(base));
    const standard = cfg.variants.find((x) => x.name === "standard")!;
    assert.ok(!writeTar(await rootfsEntries(cfg, standard, bb, services), { mtime: cfg.sourceDateEpoch }).equals(base));
  });

  test("buildRootfs writes that tar and a file list that accounts for every byte", async () => {
    const outDir = join(dir, "out");
    const r = await buildRootfs(cfg, minimal(), bb, { log: silentLogger, outDir, sourceDateEpoch: cfg.sourceDateEpoch });
    const tar = await readFile(r.tar);
    assert.equal(r.tar, join(outDir, "rootfs", "kimigayo-minimal-amd64.tar"));
    assert.ok(tar.equals(writeTar(await entries(), { mtime: cfg.sourceDateEpoch })));
    assert.equal(r.size, tar.length);
    assert.equal(r.sha256, sha256(tar));
    assert.deepEqual(r.services, {
      started: ["devfs", "hostname"],
      unavailable: [{ name: "dbus", reason: "no bus" }],
      notes: ["service devfs runs without mount (not in this variant)"],
    });
    assert.deepEqual(
      r.files.filter((f) => f.type === "hardlink").map((f) => f.path),
      ["bin/ls", "bin/sh", "sbin/init"],
    );
  });
});
