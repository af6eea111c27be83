/**
 * Turning an unpacked locked toolchain into commands the BusyBox build can call, with nothing of
 * the host's toolchain in the way: per target platform a folder of small sh wrappers
 *   <triple>-gcc       the locked gcc driver + `-B <folder>/` (so it runs the folder's as and ld)
 *                      + a musl specs file pointing at the unpacked musl (what musl-gcc does)
 *   <triple>-as, -ld, -strip, -readelf, -nm, -objcopy, -objdump, -ar, -ranlib, as, ld
 *   hostcc             the host architecture's locked gcc + musl, static, for the build's own helper programs
 *   make               the locked make
 * each setting LD_LIBRARY_PATH to the unpacked libraries (cc1 needs libisl, libmpc, …; as and ld
 * libbfd, libctf, …) for itself only. GCC finds cc1, collect2 and its own headers relative to
 * its driver. The folders live in their own cache entry, keyed by the tree's path (the wrappers
 * name it).
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cacheRoot, cachedEntry } from "../lib/cache.js";
import type { Arch, Platform } from "../lib/platform.js";
import { sha256 } from "../lib/hash.js";

/** Bump when the wrappers change. */
export const WRAPPERS_VERSION = "1";

const GNU: Record<Arch, string> = { amd64: "x86_64-linux-gnu", arm64: "aarch64-linux-gnu" };
const MUSL: Record<Arch, string> = { amd64: "x86_64-linux-musl", arm64: "aarch64-linux-musl" };
const BINUTILS = ["as", "ld", "strip", "readelf", "nm", "objcopy", "objdump", "ar", "ranlib", "size"];

export interface LockedCompiler {
  /** CC for make: <dir>/<triple>-gcc */
  cc: string;
  /** CROSS_COMPILE for make: <dir>/<triple>- (strip, readelf, nm, … by that prefix) */
  prefix: string;
  /** HOSTCC for make. */
  hostcc: string;
  make: string;
  /** linux/, asm/, asm-generic/, mtd/, scsi/ of the locked kernel headers. */
  headers: Record<string, string>;
}

const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** The musl specs file Debian's musl-dev ships, pointed at the unpacked tree. */
export function relocateSpecs(specs: string, root: string, arch: Arch): string {
  const m = MUSL[arch];
  return specs.replaceAll(`/usr/lib/${m}`, join(root, "usr/lib", m)).replaceAll(`/usr/include/${m}`, join(root, "usr/include", m));
}

function wrapper(libs: string, exe: string, before: string[] = [], after: string[] = []): string {
  return [
    "#!/bin/sh",
    "# Written by kimigayo: the locked toolchain's program, with its own libraries.",
    `LD_LIBRARY_PATH=${shq(libs)}; export LD_LIBRARY_PATH`,
    `exec ${[shq(exe), ...before.map(shq), '"$@"', ...after.map(shq)].join(" ")}`,
    "",
  ].join("\n");
}

export function compilerPaths(binRoot: string, root: string, host: Arch, platform: Platform): LockedCompiler {
  const target: Arch = platform === "linux/amd64" ? "amd64" : "arm64";
  const dir = join(binRoot, target);
  return {
    cc: join(dir, `${GNU[target]}-gcc`),
    prefix: join(dir, `${GNU[target]}-`),
    hostcc: join(binRoot, host, "hostcc"),
    make: join(root, "usr/bin/make"),
    headers: {
      linux: join(root, "usr/include/linux"),
      "asm-generic": join(root, "usr/include/asm-generic"),
      mtd: join(root, "usr/include/mtd"),
      scsi: join(root, "usr/include/scsi"),
      asm: join(root, "usr/include", GNU[target], "asm"),
    },
  };
}

/** The wrapper folders of an unpacked tree (made once per tree path). */
export async function lockedCompiler(
  root: string,
  digest: string,
  host: Arch,
  platform: Platform,
  cacheDir = cacheRoot(),
): Promise<LockedCompiler> {
  const key = sha256(JSON.stringify({ v: WRAPPERS_VERSION, root, digest, host })).slice(0, 32);
  const entry = await cachedEntry(join(cacheDir, "toolchain-bin"), key, async (tmp) => {
    const libs = [`usr/lib/${GNU[host]}`, `lib/${GNU[host]}`].map((d) => join(root, d)).join(":");
    const targets: Arch[] = host === "amd64" ? ["amd64", "arm64"] : ["arm64"];
    for (const t of targets) {
      const dir = join(tmp, t);
      const final = join(cacheDir, "toolchain-bin", key, t);
      await mkdir(dir);
      const specs = await readFile(join(root, "usr/lib", MUSL[t], "musl-gcc.specs"), "utf8");
      await writeFile(join(dir, "musl-gcc.specs"), relocateSpecs(specs, root, t));
      const files: Record<string, string> = {
        [`${GNU[t]}-gcc`]: wrapper(
          libs,
          join(root, "usr/bin", `${GNU[t]}-gcc-12`),
          ["-B", `${final}/`],
          ["-specs", join(final, "musl-gcc.specs")],
        ),
      };
      for (const tool of BINUTILS) {
        const exe = join(root, "usr/bin", `${GNU[t]}-${tool === "ld" ? "ld.bfd" : tool}`);
        files[`${GNU[t]}-${tool}`] = wrapper(libs, exe);
        if (tool === "as" || tool === "ld") files[tool] = wrapper(libs, exe);
      }
      if (t === host)
        files.hostcc = wrapper(
          libs,
          join(root, "usr/bin", `${GNU[t]}-gcc-12`),
          ["-B", `${final}/`, "-static"],
          ["-specs", join(final, "musl-gcc.specs")],
        );
      for (const [name, text] of Object.entries(files)) {
        await writeFile(join(dir, name), text);
        await chmod(join(dir, name), 0o755);
      }
    }
  });
  return compilerPaths(entry.path, root, host, platform);
}
