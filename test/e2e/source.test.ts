/**
 * The source stage with real files: Debian's orig tarball (the upstream release byte for byte),
 * its upstream detached signature and the upstream signing key, verified by the real gpgv.
 */
import assert from "node:assert/strict";
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseConfig } from "../../src/config/load.js";
import { debianOrigTarball } from "../../src/doctor/index.js";
import { UsageError } from "../../src/lib/errors.js";
import { silentLogger } from "../../src/lib/log.js";
import { fetchSource, sourceCachePath } from "../../src/build/source.js";
import { ROOT } from "./fixture.js";

const SHA = "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2";
let work: string;
let deb: Awaited<ReturnType<typeof debianOrigTarball>>;

function config(signature: string): ReturnType<typeof parseConfig> {
  const yml = readFileSync(join(ROOT, "configs/kimigayo.yml"), "utf8")
    .replace(/urls:\n(\s+- .*\n)+/, `urls:\n    - file://${deb.tarball}\n${signature}`)
    .replace(/busybox: busybox\//g, `busybox: ${ROOT}/configs/busybox/`)
    .replace(/services: openrc\//g, `services: ${ROOT}/configs/openrc/`)
    .replace(/\[busybox\/patches\//g, `[${ROOT}/configs/busybox/patches/`);
  // Files copied into the image must come from inside the config's folder: copy them there.
  cpSync(join(ROOT, "configs"), work, { recursive: true });
  const file = join(work, "kimigayo.yml");
  writeFileSync(file, yml);
  return parseConfig(yml, file);
}

describe("source stage: sha256 and signature", () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "kimigayo-src-"));
    deb = await debianOrigTarball({ sourcePackageVersion: "1:1.38.0-3", dest: join(work, "deb"), log: silentLogger });
    assert.ok(deb.signature && deb.signingKey, "Debian ships the upstream signature and key");
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it("verifies sha256 and the upstream signature with the configured key", async () => {
    const cfg = config(`  signature:\n    key: ${deb.signingKey}\n    urls: [${deb.signature}]\n`);
    const cache = join(work, "cache-ok");
    const r = await fetchSource(cfg, { log: silentLogger, cacheDir: cache });
    assert.equal(r.sha256, SHA);
    assert.equal(r.signature, "verified");
    assert.equal(r.hit, false);
    assert.equal(r.tarball, sourceCachePath(SHA, cache));
    const again = await fetchSource(cfg, { log: silentLogger, cacheDir: cache });
    assert.equal(again.hit, true);
    assert.equal(again.signature, "verified");
  });

  it("a signature that does not match: exit-2 error naming busybox.signature, nothing cached", async () => {
    const bad = join(work, "bad.asc");
    const sig = readFileSync(deb.signature!);
    sig[sig.length - 5] = sig[sig.length - 5]! ^ 0xff;
    writeFileSync(bad, sig);
    const cfg = config(`  signature:\n    key: ${deb.signingKey}\n    urls: [${bad}]\n`);
    const cache = join(work, "cache-bad");
    await assert.rejects(fetchSource(cfg, { log: silentLogger, cacheDir: cache }), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.where?.field, "busybox.signature");
      assert.match(e.message, /does not verify/);
      return true;
    });
    assert.throws(() => readFileSync(sourceCachePath(SHA, cache)), /ENOENT/);
  });

  it("a corrupt cache entry is detected and fetched again", async () => {
    const cfg = config("");
    const cache = join(work, "cache-corrupt");
    const path = sourceCachePath(SHA, cache);
    await fetchSource(cfg, { log: silentLogger, cacheDir: cache });
    writeFileSync(path, "truncated");
    const r = await fetchSource(cfg, { log: silentLogger, cacheDir: cache });
    assert.equal(r.hit, false);
    assert.equal(r.sha256, SHA);
    copyFileSync(path, join(work, "check"));
  });
});
