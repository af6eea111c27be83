/**
 * Bad input and failed builds through the real CLI: each names what is wrong, where and how to
 * fix it; exit 2 for bad input, 1 for a failed build; nothing is left in the cache.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sourceCachePath } from "../../src/build/source.js";
import { cli, ROOT } from "./fixture.js";

const SHA = "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2";
let work: string;
let tarball: string;

/** A copy of configs/ whose kimigayo.yml is edited by `edit`; the source comes from a local path. */
function project(name: string, edit: (yml: string) => string): string {
  const dir = join(work, name);
  cpSync(join(ROOT, "configs"), dir, { recursive: true });
  const yml = readFileSync(join(dir, "kimigayo.yml"), "utf8").replace(/urls:\n(\s+- .*\n)+/, `urls:\n    - ${tarball}\n`);
  writeFileSync(join(dir, "kimigayo.yml"), edit(yml));
  return join(dir, "kimigayo.yml");
}

function cacheEntries(cache: string): string[] {
  const dir = join(cache, "busybox");
  return existsSync(dir) ? readdirSync(dir) : [];
}

describe("bad input and failed builds", () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), "kimigayo-bad-"));
    tarball = sourceCachePath(SHA);
    assert.ok(existsSync(tarball), `the BusyBox source is not cached at ${tarball}: run \`kimigayo doctor --fix\` first`);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("an unknown variant: exit 2, lists the known ones", () => {
    const r = cli(["build", "--variant", "tiny"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown variant "tiny".*minimal, standard, extended/);
  });

  it("an unknown platform: exit 2, lists the allowed ones", () => {
    const r = cli(["build", "--platform", "linux/riscv64"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /linux\/riscv64/);
    assert.match(r.stderr, /linux\/amd64/);
  });

  it("a malformed config: exit 2 with file, line and field", () => {
    const cfg = project("malformed", (y) => y.replace("budget: { size: 250KB", "budget: { size: 250QB"));
    const r = cli(["build", "--config", cfg, "--variant", "minimal"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /kimigayo\.yml:\d+:\d+: variants\.minimal\.budget\.size/);
    assert.match(r.stderr, /250QB/);
  });

  // Files copied into an image come from inside the config's folder, after resolving symlinks.
  const escapes: { name: string; src: (dir: string) => string; why: RegExp }[] = [
    {
      name: "an absolute path",
      src: () => "/etc/hostname",
      why: /is an absolute path; files copied into the image must be given relative to/,
    },
    { name: "a path climbing out with ..", src: () => "../outside.txt", why: /leads out of the config's folder/ },
    {
      name: "a symlink leading out",
      src: (dir) => {
        symlinkSync(join(work, "outside.txt"), join(dir, "link.txt"));
        return "link.txt";
      },
      why: /is a symlink \(or lies under one\) leading out of the config's folder/,
    },
  ];
  for (const [i, e] of escapes.entries()) {
    it(`a files entry that is ${e.name}: exit 2 naming files.N.src, before any work`, () => {
      writeFileSync(join(work, "outside.txt"), "a host file\n");
      const cache = join(work, `cache-escape-${i}`);
      const name = `escape-${i}`;
      const cfg = project(name, (y) => y);
      const src = e.src(join(work, name));
      writeFileSync(
        cfg,
        readFileSync(cfg, "utf8").replace("{ path: /etc/rc.conf, src: openrc/rc.conf }", `{ path: /etc/rc.conf, src: ${src} }`),
      );
      const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64", "--out", join(work, `out-${name}`)], {
        KIMIGAYO_CACHE: cache,
      });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /kimigayo\.yml:\d+:\d+: files\.0\.src/);
      assert.match(r.stderr, e.why);
      assert.doesNotMatch(r.stderr, /▶ source/, "nothing ran");
      assert.equal(existsSync(cache), false, "the cache was not touched");
    });
  }

  it("a services list with a bad line: exit 2 at its line, before anything is compiled", () => {
    const cache = join(work, "cache-services");
    const cfg = project("services", (y) => y);
    const list = join(work, "services", "openrc", "services-minimal.list");
    writeFileSync(list, `${readFileSync(list, "utf8")}runlevel3 sshd -\n`);
    const line = readFileSync(list, "utf8").trimEnd().split("\n").length;
    const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64"], { KIMIGAYO_CACHE: cache });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`services-minimal\\.list:${line}: "runlevel3" is not a runlevel; allowed: sysinit, boot, default, shutdown`),
    );
    assert.doesNotMatch(r.stderr, /▶ source/, "nothing ran");
    assert.equal(existsSync(cache), false);
  });

  it("a service whose applet the variant's BusyBox will lack: exit 2 at its line, before anything is compiled", () => {
    // Known from the variant's fragment and the pinned release's applet table (appletsOf), so no
    // compile is needed to refuse it: the cache stays untouched and no stage runs.
    const cache = join(work, "cache-service-applet");
    const cfg = project("service-applet", (y) => y);
    const list = join(work, "service-applet", "openrc", "services-minimal.list");
    writeFileSync(list, `${readFileSync(list, "utf8")}default webserver httpd\n`);
    const line = readFileSync(list, "utf8").trimEnd().split("\n").length;
    const r = cli(["build", "--config", cfg, "--variant", "minimal,standard", "--platform", "amd64"], { KIMIGAYO_CACHE: cache });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`services-minimal\\.list:${line}: service webserver needs the httpd applet, which the minimal BusyBox`),
    );
    assert.doesNotMatch(r.stderr, /▶ source|▶ busybox/, "nothing ran");
    assert.equal(existsSync(cache), false, "nothing was compiled or cached");
  });

  it("a malformed SOURCE_DATE_EPOCH: exit 2 naming it, not silently replaced by the config's", () => {
    const cache = join(work, "cache-epoch");
    const r = cli(["build", "--variant", "minimal", "--platform", "amd64"], { KIMIGAYO_CACHE: cache, SOURCE_DATE_EPOCH: "2026-01-01" });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /SOURCE_DATE_EPOCH="2026-01-01" is not a timestamp/);
    assert.equal(existsSync(cache), false);
  });

  it("a wrong sha256: exit 2, names busybox.sha256 and both hashes, caches nothing", () => {
    const cache = join(work, "cache-sha");
    const wrong = "ab".repeat(32);
    const cfg = project("sha", (y) => y.replace(SHA, wrong));
    const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64"], { KIMIGAYO_CACHE: cache });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /busybox\.sha256/);
    assert.match(r.stderr, new RegExp(`sha256 is ${SHA}, expected ${wrong}`));
    assert.equal(existsSync(sourceCachePath(wrong, cache)), false);
    assert.deepEqual(readdirSync(join(cache, "sources", "sha256")), []);
  });

  it("unreachable mirrors: exit 2, each URL with its error and the fix", () => {
    const cache = join(work, "cache-mirrors");
    const cfg = project("mirrors", (y) =>
      y.replace(`    - ${tarball}\n`, "    - http://127.0.0.1:9/busybox-1.38.0.tar.bz2\n    - /nonexistent/busybox-1.38.0.tar.bz2\n"),
    );
    const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64"], { KIMIGAYO_CACHE: cache });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /http:\/\/127\.0\.0\.1:9\/busybox-1\.38\.0\.tar\.bz2: cannot connect/);
    assert.match(r.stderr, /\/nonexistent\/busybox-1\.38\.0\.tar\.bz2: no such file/);
    assert.match(r.stderr, /busybox\.urls/);
    assert.match(r.stderr, /doctor --fix/);
  });

  it("a fragment symbol that does not take effect: exit 2 at the fragment's line", () => {
    const cache = join(work, "cache-frag");
    const cfg = project("fragment", (y) => y);
    const frag = join(work, "fragment", "busybox", "minimal.config");
    writeFileSync(frag, `${readFileSync(frag, "utf8")}CONFIG_NO_SUCH_APPLET=y\n`);
    const line = readFileSync(frag, "utf8").trimEnd().split("\n").length;
    const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64"], { KIMIGAYO_CACHE: cache });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`minimal\\.config:${line}: CONFIG_NO_SUCH_APPLET=y did not take effect`));
    assert.deepEqual(cacheEntries(cache), []);
  });

  it("no dpkg-deb to unpack the locked toolchain: exit 2, names the tool and the fix, no cache entry", () => {
    // A PATH without dpkg-deb: every other tool of /usr/bin and /bin stays reachable.
    const bin = join(work, "bin-no-dpkg-deb");
    mkdirSync(bin, { recursive: true });
    for (const dir of ["/usr/bin", "/bin"]) {
      for (const f of readdirSync(dir)) {
        if (f === "dpkg-deb" || existsSync(join(bin, f))) continue;
        symlinkSync(join(dir, f), join(bin, f));
      }
    }
    const cfg = project("toolchain", (y) => y);
    const cache = join(work, "cache-tc");
    const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64"], {
      PATH: `${bin}:/usr/local/bin`,
      KIMIGAYO_CACHE: cache,
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /dpkg-deb is not on PATH/);
    assert.match(r.stderr, /kimigayo doctor --fix --only build-tools/);
    assert.deepEqual(cacheEntries(cache), []);
  });

  it("a failing compile: exit 1 with the compiler's error, no cache entry left", () => {
    const cache = join(work, "cache-fail");
    const cfg = project("compile", (y) => y.replace(/patches: \[([^\]]*)\]/, "patches: [$1, busybox/break.patch]"));
    writeFileSync(
      join(work, "compile", "busybox", "break.patch"),
      [
        "--- a/include/libbb.h",
        "+++ b/include/libbb.h",
        "@@ -10,2 +10,3 @@",
        " #ifndef LIBBB_H",
        "+#error kimigayo test: this patch breaks the build",
        " #define LIBBB_H 1",
        "",
      ].join("\n"),
    );
    const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64"], { KIMIGAYO_CACHE: cache });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the BusyBox compile failed/);
    assert.match(r.stderr, /kimigayo test: this patch breaks the build/);
    assert.deepEqual(cacheEntries(cache), [], "no entry and no temporary folder");
  });

  it("an interrupted build leaves no cache entry, and the next run sweeps its temporary folder", async () => {
    const cache = join(work, "cache-int");
    const cfg = project("interrupt", (y) => y);
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(ROOT, "src/cli.ts"), "build", "--config", cfg, "--variant", "minimal", "--platform", "amd64"],
      {
        cwd: ROOT,
        env: { ...process.env, KIMIGAYO_CACHE: cache },
        stdio: "ignore",
      },
    );
    // Wait until the compile is under way (its temporary folder exists), then kill hard.
    for (let i = 0; i < 300 && !cacheEntries(cache).some((e) => e.startsWith(".tmp-")); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(
      cacheEntries(cache).some((e) => e.startsWith(".tmp-")),
      "the build started",
    );
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    assert.deepEqual(
      cacheEntries(cache).filter((e) => !e.startsWith(".tmp-")),
      [],
      "no complete entry after the kill",
    );
    // A new build in the same cache sweeps the dead process's folder before it starts its own.
    const r = cli(["build", "--config", cfg, "--variant", "minimal", "--platform", "amd64", "--out", join(work, "out-int")], {
      KIMIGAYO_CACHE: cache,
    });
    assert.equal(r.code, 0, r.stderr);
    const left = cacheEntries(cache);
    assert.equal(left.filter((e) => e.startsWith(".tmp-")).length, 0, `left: ${left.join(", ")}`);
    assert.equal(left.length, 1);
  });
});
