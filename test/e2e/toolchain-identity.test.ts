/**
 * The toolchain identity in the BusyBox cache key covers what is linked in. The old probe asked the
 * musl wrapper for `-print-file-name=libc.a`, which answers with glibc's archive: a musl swapped
 * under an existing cache was a cache hit that shipped the other musl's binary. linkedFiles reads
 * the linker's own trace instead.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, beforeEach, describe, it } from "node:test";
import { linkedFiles } from "../../src/stages/busybox.js";
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
