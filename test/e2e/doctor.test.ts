import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import { debianOrigTarball, doctor, formatDoctor } from "../../src/doctor/index.js";
import { run } from "../../src/lib/exec.js";
import { sha256File } from "../../src/lib/hash.js";
import { silentLogger, type Logger } from "../../src/lib/log.js";
import { needs } from "../support/prerequisites.js";

/** doctor --fix installs packages and starts daemons, and debianOrigTarball may write an apt source: both need root. */
const root = await needs("root");

const BUSYBOX_1_38_0_SHA256 = "34f9ea6ff8636f2c9241153b9114eefa9e65674a45318ae1ef95bb5f31c53bb2";

/** Keeps the log lines so a failure shows what doctor did. */
function recordingLogger(lines: string[]): Logger {
  return {
    ...silentLogger,
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    step: (title) => {
      const start = Date.now();
      lines.push(`▶ ${title}`);
      return () => lines.push(`✔ ${title} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    },
  };
}

describe("doctor --fix on this machine", { skip: root.skip }, () => {
  beforeEach(root.check);
  it("fixes what is missing, then a second run finds everything in place and does nothing", { timeout: 20 * 60_000 }, async () => {
    const firstLog: string[] = [];
    const first = await doctor({ fix: true, log: recordingLogger(firstLog) });
    assert.ok(first.ok, `first run:\n${formatDoctor(first)}\n${firstLog.join("\n")}`);

    const secondLog: string[] = [];
    const second = await doctor({ fix: true, log: recordingLogger(secondLog) });
    assert.ok(second.ok, `second run:\n${formatDoctor(second)}`);
    for (const item of second.items) assert.deepEqual(item.fixed, [], `${item.id} took no action the second time`);
    assert.deepEqual(secondLog, [], "the second run logged no action");

    const res = await fetch("http://127.0.0.1:5000/v2/", { signal: AbortSignal.timeout(5000) });
    await res.body?.cancel();
    assert.equal(res.status, 200);
    assert.match(res.headers.get("docker-distribution-api-version") ?? "", /^registry\/2\./);
  });
});

describe("debianOrigTarball", { skip: root.skip }, () => {
  beforeEach(root.check);
  it("gets BusyBox 1.38.0's upstream tarball, signature and signing key from Debian sid", { timeout: 10 * 60_000 }, async () => {
    const dest = mkdtempSync(join(tmpdir(), "kimigayo-busybox-src-"));
    try {
      const got = await debianOrigTarball({ sourcePackageVersion: "1:1.38.0-3", dest, log: silentLogger });
      assert.equal(got.tarball, join(dest, "busybox_1.38.0.orig.tar.bz2"));
      assert.equal(await sha256File(got.tarball), BUSYBOX_1_38_0_SHA256);
      assert.equal(got.signature, join(dest, "busybox_1.38.0.orig.tar.bz2.asc"));
      assert.ok(got.signingKey && got.signingKeyring);
      const v = await run("gpgv", ["--keyring", got.signingKeyring, got.signature, got.tarball]);
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stderr, /Good signature from "Denis Vlasenko/);

      // A second call finds the files in place and downloads nothing.
      const started = Date.now();
      assert.deepEqual(await debianOrigTarball({ sourcePackageVersion: "1:1.38.0-3", dest, log: silentLogger }), got);
      assert.ok(Date.now() - started < 1000);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});
