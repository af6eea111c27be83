import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config/load.js";

const configsPath = (p: string) => fileURLToPath(new URL(`../../configs/${p}`, import.meta.url));
const read = (p: string) => readFileSync(configsPath(p), "utf8");

/** Non-blank lines that are not comments, trimmed. */
const contentLines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));

describe("configs/openrc/rc.conf", () => {
  const settings = new Map(
    contentLines(read("openrc/rc.conf")).map((l) => {
      const m = /^([a-z_]+)="([^"]*)"$/.exec(l);
      assert.ok(m, `not a shell assignment: ${l}`);
      return [m[1]!, m[2]!];
    }),
  );

  const want: [string, string][] = [
    ["rc_parallel", "YES"],
    ["rc_log_level", "warn"],
    ["rc_depend_strict", "NO"],
    ["rc_hotplug", "hwclock net.lo"],
  ];
  for (const [key, value] of want) {
    test(`${key}="${value}"`, () => assert.equal(settings.get(key), value));
  }

  test("sets nothing else", () => assert.deepEqual([...settings.keys()].sort(), want.map(([k]) => k).sort()));

  test("is valid sh, as kimigayo-rc sources it", () => {
    const r = spawnSync("sh", ["-n", configsPath("openrc/rc.conf")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });
});

describe("configs/openrc/inittab", () => {
  const lines = contentLines(read("openrc/inittab"));

  test("uses BusyBox's form without runlevel fields: every entry starts with '::'", () => {
    assert.ok(lines.length > 0);
    for (const l of lines) assert.match(l, /^::[a-z]+:\S/, l);
  });

  test("has sysinit, respawn and shutdown entries running kimigayo-rc", () => {
    const actions = new Map(lines.map((l) => [l.split(":")[2], l.split(":").slice(3).join(":")]));
    assert.equal(actions.get("sysinit"), "/sbin/kimigayo-rc start");
    assert.equal(actions.get("respawn"), "/sbin/kimigayo-rc console");
    assert.equal(actions.get("shutdown"), "/sbin/kimigayo-rc stop");
  });

  test("uses only actions BusyBox init knows", () => {
    const known = ["sysinit", "wait", "once", "respawn", "askfirst", "shutdown", "restart", "ctrlaltdel"];
    for (const l of lines) assert.ok(known.includes(l.split(":")[2] ?? ""), l);
  });
});

describe("configs/sysctl/99-kimigayo-performance.conf", () => {
  test("has exactly the product's ten settings", () => {
    const entries = contentLines(read("sysctl/99-kimigayo-performance.conf")).map((l) => {
      const m = /^([a-z0-9_.-]+) = (\S+)$/.exec(l);
      assert.ok(m, `not a "key = value" line: ${l}`);
      return [m[1]!, m[2]!] as const;
    });
    assert.deepEqual(Object.fromEntries(entries), {
      "vm.swappiness": "0",
      "vm.dirty_ratio": "10",
      "vm.dirty_background_ratio": "5",
      "vm.overcommit_memory": "1",
      "net.core.rmem_max": "16777216",
      "net.core.wmem_max": "16777216",
      "net.ipv4.tcp_window_scaling": "1",
      "net.ipv4.tcp_tw_reuse": "1",
      "fs.file-max": "65536",
      "vm.vfs_cache_pressure": "50",
    });
    assert.equal(entries.length, 10, "a key is set twice");
  });
});

describe("configs/kimigayo.yml", () => {
  test("loads, with the three variants, standard the default, and their budgets", async () => {
    const cfg = await loadConfig(configsPath("kimigayo.yml"));
    assert.deepEqual(
      cfg.variants.map((v) => [v.name, v.default, v.budget.size]),
      [
        ["minimal", false, 250_000],
        ["standard", true, 600_000],
        ["extended", false, 1_300_000],
      ],
    );
    assert.deepEqual(cfg.platforms, ["linux/amd64", "linux/arm64"]);
    for (const v of cfg.variants) {
      assert.equal(v.busyboxConfig, configsPath(`busybox/${v.name}.config`));
      assert.equal(v.services, configsPath(`openrc/services-${v.name}.list`));
    }
  });

  test("installs rc.conf, inittab, the sysctl file and an executable kimigayo-rc", async () => {
    const cfg = await loadConfig(configsPath("kimigayo.yml"));
    assert.deepEqual(
      cfg.files.map((f) => [f.path, f.src, f.mode]),
      [
        ["/etc/rc.conf", configsPath("openrc/rc.conf"), 0o644],
        ["/etc/inittab", configsPath("openrc/inittab"), 0o644],
        ["/etc/sysctl.d/99-kimigayo-performance.conf", configsPath("sysctl/99-kimigayo-performance.conf"), 0o644],
        ["/sbin/kimigayo-rc", configsPath("rootfs/kimigayo-rc"), 0o755],
      ],
    );
  });
});

describe("configs/rootfs/kimigayo-rc", () => {
  const script = configsPath("rootfs/kimigayo-rc");

  test("starts with #!/bin/sh", () => assert.ok(read("rootfs/kimigayo-rc").startsWith("#!/bin/sh\n")));

  const shells: [string, string, string[]][] = [["/bin/sh -n", "/bin/sh", ["-n", script]]];
  if (existsSync("/bin/busybox")) shells.push(["busybox sh -n (ash)", "/bin/busybox", ["sh", "-n", script]]);
  for (const [name, cmd, args] of shells) {
    test(`${name}: no syntax errors`, () => {
      const r = spawnSync(cmd, args, { encoding: "utf8" });
      assert.equal(r.error, undefined);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, "");
    });
  }

  test("svc_start has a case for every service the lists start", () => {
    const text = read("rootfs/kimigayo-rc");
    const names = new Set(
      ["minimal", "standard", "extended"].flatMap((v) =>
        contentLines(read(`openrc/services-${v}.list`))
          .map((l) => l.split(/\s+/))
          .filter((p) => p[0] !== "include" && p[2] !== "none" && p[0] !== "shutdown")
          .map((p) => p[1]!),
      ),
    );
    assert.ok(names.size > 0);
    for (const n of names) assert.match(text, new RegExp(`^\\t${n.replace(/[.-]/g, "\\$&")}\\)`, "m"), n);
  });
});
