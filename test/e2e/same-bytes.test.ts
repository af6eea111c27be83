/**
 * Same bytes on any host: what the host lends to a build is either pinned or part of the key.
 *
 * The layer compressors are pinned (src/oci/gzip.ts, src/size/compress.ts): the same layer digest
 * and zstd size under this machine's Node 20 and under Node 24 (the official build, as GitHub's
 * runners have it), each with its own bundled zlib.
 *
 * The toolchain identity in the BusyBox cache key covers what is linked in. The old probe asked the
 * musl wrapper for `-print-file-name=libc.a`, which answers with glibc's archive: a musl swapped
 * under an existing cache was a cache hit that shipped the other musl's binary. linkedFiles reads
 * the linker's own trace instead.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, beforeEach, describe, it } from "node:test";
import { gzipLayer } from "../../src/oci/gzip.js";
import { zstdSize } from "../../src/size/compress.js";
import { linkedFiles } from "../../src/build/busybox.js";
import { node24 } from "../support/runner.js";
import { ROOT } from "./fixture.js";
import { needs } from "../support/prerequisites.js";

const need = await needs("musl-amd64", "cross-arm64");
const MUSL_SPECS = "/usr/lib/x86_64-linux-musl/musl-gcc.specs";
const MUSL_LIB = "/usr/lib/x86_64-linux-musl";

describe("toolchain identity: the files the linker reads", { skip: need.skip }, () => {
  beforeEach(need.check);
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-musl-swap-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("names musl's libc.a for both platforms, not glibc's", async () => {
    const amd64 = Object.keys(await linkedFiles("musl-gcc", []));
    assert.ok(amd64.includes(`${MUSL_LIB}/libc.a`), amd64.join(", "));
    const arm64 = Object.keys(await linkedFiles("aarch64-linux-musl-gcc", []));
    assert.ok(arm64.includes("/usr/lib/aarch64-linux-musl/libc.a"), arm64.join(", "));
    for (const p of [...amd64, ...arm64]) assert.doesNotMatch(p, /-linux-gnu\/(lib\/)?libc\.a$/, `glibc's libc.a in ${p}`);
  });

  it("changes when musl's libc.a changes under the same wrapper and compiler", async () => {
    // A wrapper like Debian's musl-gcc, whose specs file points at a copy of musl's library folder.
    const lib = join(dir, "musl-lib");
    execFileSync("cp", ["-a", MUSL_LIB, lib]);
    const specs = join(dir, "musl-gcc.specs");
    writeFileSync(specs, readFileSync(MUSL_SPECS, "utf8").replaceAll(MUSL_LIB, lib));
    const cc = join(dir, "musl-gcc");
    writeFileSync(cc, `#!/bin/sh\nexec x86_64-linux-gnu-gcc "$@" -specs "${specs}"\n`);
    chmodSync(cc, 0o755);
    const before = await linkedFiles(cc, []);
    assert.ok(before[join(lib, "libc.a")], Object.keys(before).join(", "));
    // Another musl build: the same archive with one more member.
    writeFileSync(join(dir, "extra.c"), "int kimigayo_other_musl = 1;\n");
    execFileSync("x86_64-linux-gnu-gcc", ["-c", join(dir, "extra.c"), "-o", join(dir, "extra.o")]);
    copyFileSync(join(lib, "libc.a"), join(dir, "libc.a.orig"));
    execFileSync("ar", ["r", join(lib, "libc.a"), join(dir, "extra.o")]);
    const after = await linkedFiles(cc, []);
    assert.notEqual(after[join(lib, "libc.a")], before[join(lib, "libc.a")]);
    assert.notDeepEqual(after, before);
  });
});

describe("layer compressors: the same bytes under another Node build", () => {
  it("gives the same gzip layer digest and zstd size under Node 20 and Node 24", async () => {
    const input = "/bin/busybox"; // any fixed bytes; this one is a ~2 MB binary
    const here = {
      node: process.version,
      zlib: process.versions.zlib,
      gzip: gzipLayer(readFileSync(input)).digest,
      zstd: (await zstdSize(readFileSync(input))).bytes,
    };
    const dir = mkdtempSync(join(tmpdir(), "kimigayo-node24-bytes-"));
    try {
      const script = join(dir, "bytes.mts");
      writeFileSync(
        script,
        [
          `import { readFileSync } from "node:fs";`,
          `import { gzipLayer } from ${JSON.stringify(join(ROOT, "src/oci/gzip.ts"))};`,
          `import { zstdSize } from ${JSON.stringify(join(ROOT, "src/size/compress.ts"))};`,
          `const b = readFileSync(${JSON.stringify(input)});`,
          `console.log(JSON.stringify({ node: process.version, zlib: process.versions.zlib, gzip: gzipLayer(b).digest, zstd: (await zstdSize(b)).bytes }));`,
        ].join("\n"),
      );
      const r = spawnSync(node24(), ["--import", "tsx", script], { cwd: ROOT, encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const there = JSON.parse(r.stdout.trim().split("\n").pop()!) as typeof here;
      assert.match(there.node, /^v24\./);
      assert.notEqual(there.zlib, here.zlib, "the two Node builds bundle different zlibs (else this proves nothing)");
      assert.deepEqual({ gzip: there.gzip, zstd: there.zstd }, { gzip: here.gzip, zstd: here.zstd });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
