/**
 * busybox stage: verified tarball + variant fragment + platform -> a static, stripped BusyBox
 * and its facts. allnoconfig + the fragment + CONFIG_STATIC=y, compiled against musl with the
 * locked toolchain (configs/toolchain.lock.json; QEMU never compiles), or, where no Debian archive
 * is known to fetch it from, the host's (src/toolchain/route.ts). Results live in a
 * content-addressed cache whose key is source sha256 + patches + fragment + toolchain identity
 * (the lock's digest, or the host toolchain's fingerprint) + platform + this recipe's version; a
 * hit of the locked route needs no toolchain at all.
 */
import { mkdir, mkdtemp, readFile, realpath, symlink, writeFile, copyFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import type { Config, Platform, VariantConfig } from "../config/schema.js";
import { cacheRoot, cachedEntry, exists } from "../lib/cache.js";
import { UsageError, CheckFailure } from "../lib/errors.js";
import { hostArchitecture } from "../lib/platform.js";
import { checkBinary, readElfFile } from "../lib/elf.js";
import { run, runChecked, which } from "../lib/exec.js";
import { sha256, sha256File } from "../lib/hash.js";
import type { Logger } from "../lib/log.js";
import { saveAttributionInputs, ATTRIBUTION_LDFLAGS } from "../size/attribution-inputs.js";
import { FACTS_FILE, readBusyboxFacts, writeBusyboxFacts, type Applet, type BusyboxFacts } from "../results/busybox-facts.js";
import { lockedTree, type MirrorConfig } from "../toolchain/fetch.js";
import { readLock, rolePackages, toolchainRecord } from "../toolchain/lock.js";
import { toolchainRoute, type ToolchainRoute } from "../toolchain/route.js";
import { muslVersion } from "./sbom.js";
import { lockedCompiler, WRAPPERS_VERSION, type LockedCompiler } from "../toolchain/wrappers.js";
import type { SourceResult } from "./source.js";

/** Bump when the way a binary is made changes, so old cache entries are not reused. */
const RECIPE_VERSION = "4";

/** Symbols the build owns; a fragment may not set them. */
const BUILD_OWNED = [
  "CONFIG_STATIC",
  "CONFIG_EXTRA_CFLAGS",
  "CONFIG_EXTRA_LDFLAGS",
  "CONFIG_CROSS_COMPILER_PREFIX",
  "CONFIG_SYSROOT",
  "CONFIG_PREFIX",
];

export type { Applet, BusyboxFacts };

export interface BusyboxBuild extends BusyboxFacts {
  binary: string;
  hit: boolean;
}

interface Toolchain {
  platform: Platform;
  /** The locked toolchain's wrappers (src/toolchain/wrappers.ts). */
  compiler: LockedCompiler;
  cflags: string[];
  /** Kernel headers the musl specs hide: linux/, asm/, asm-generic/, mtd/, scsi/ (of the locked linux-libc-dev). */
  headerLinks: Record<string, string>;
  identity: string;
  /** The lock's digest and the compiler, binutils, musl and kernel-header packages (build.json, provenance). */
  record: Record<string, string>;
}

/**
 * Size flags on top of BusyBox's own -Os: Debian's gcc turns on the stack protector and (on amd64)
 * CET landing pads by default, which a static init system pays for in every function; the
 * linker pads separate code segments to page boundaries (-z noseparate-code saves ~14 KB).
 * --cref adds the cross-reference table to the link map BusyBox's trylink writes (size
 * attribution); it changes the map only, not one byte of the binary. -z common-page-size=64 lets
 * the data segment follow the code in the file instead of starting on the next 4 KiB boundary:
 * 0.6 to 4 KB smaller, and a binary's growth is its code's, not a page-padding jump.
 */
const COMMON_CFLAGS = ["-fno-stack-protector", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-U_FORTIFY_SOURCE"];
const COMMON_LDFLAGS = [
  "-Wl,-z,noseparate-code",
  "-Wl,-z,common-page-size=64",
  "-Wl,--build-id=none",
  "-Wl,-z,norelro",
  ATTRIBUTION_LDFLAGS,
];

const CFLAGS: Record<Platform, string[]> = {
  "linux/amd64": [...COMMON_CFLAGS, "-fcf-protection=none"],
  "linux/arm64": [...COMMON_CFLAGS, "-mbranch-protection=none"],
};

/**
 * The locked packages that build `platform` on this host (configs/toolchain.lock.json). On an
 * amd64 host arm64 is cross-compiled (GNU's aarch64 cross gcc and binutils, musl-dev:arm64); on an
 * arm64 host arm64 is native. amd64 is not built on an arm64 host: nothing cross-compiles to it
 * there. That is bad input, refused before any work.
 */
export function toolchainSpec(platform: Platform, host = hostArchitecture()): ReturnType<typeof rolePackages> {
  if (host === "arm64" && platform === "linux/amd64")
    throw new UsageError(
      "linux/amd64 cannot be built on an arm64 host (no amd64 cross toolchain is set up there): build it on an amd64 machine or runner (ubuntu-24.04), as release.yml's matrix does, or choose --platform linux/arm64",
    );
  return rolePackages(host, platform);
}

/**
 * What identifies a platform's toolchain in the cache key, without fetching it: the lock's digest
 * (every package's sha256), the wrappers' version and the flags. A cached binary is reused without
 * the toolchain being fetched at all.
 */
export function toolchainIdentity(platform: Platform, host = hostArchitecture()): { identity: string; record: Record<string, string> } {
  toolchainSpec(platform, host);
  const lock = readLock();
  const record = toolchainRecord(lock, host, platform);
  const identity = sha256(
    JSON.stringify({ platform, lock: record.lock, wrappers: WRAPPERS_VERSION, cflags: CFLAGS[platform], ldflags: COMMON_LDFLAGS }),
  ).slice(0, 16);
  return { identity, record };
}

const toolchainCache = new Map<string, Promise<Toolchain>>();

/**
 * The platform's toolchain: the lock's packages for this host, fetched and unpacked into the cache
 * on first use (src/toolchain/fetch.ts). Nothing of the host's compiler, binutils, musl or kernel
 * headers is used.
 */
export function detectToolchain(platform: Platform, opts: { log: Logger; cacheDir?: string; mirrors?: MirrorConfig }): Promise<Toolchain> {
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const k = `${platform} ${cacheDir}`;
  let p = toolchainCache.get(k);
  if (!p) {
    p = fetchToolchain(platform, opts.log, cacheDir, opts.mirrors);
    toolchainCache.set(k, p);
    p.catch(() => toolchainCache.delete(k));
  }
  return p;
}

async function fetchToolchain(platform: Platform, log: Logger, cacheDir: string, mirrors?: MirrorConfig): Promise<Toolchain> {
  const host = hostArchitecture();
  const { identity, record } = toolchainIdentity(platform, host);
  const tree = await lockedTree(readLock(), host, { log, cacheDir, ...(mirrors ? { mirrors } : {}) });
  const compiler = await lockedCompiler(tree.root, tree.digest, host, platform, cacheDir);
  return { platform, compiler, cflags: CFLAGS[platform], headerLinks: compiler.headers, identity, record };
}

// ---------------------------------------------------------------- the host route

/** The host's toolchain of a platform, where the route is "host": what doctor installs (musl-amd64, cross-arm64). */
export interface HostToolchainSpec {
  /** The musl wrapper (CC). */
  cc: string;
  /** The gcc driver it runs. */
  gcc: string;
  /** CROSS_COMPILE: "" for the host's own binutils. */
  prefix: string;
  headers: Record<string, string>;
  /** What provides it (Debian packages) and doctor's ids that install it. */
  packages: string;
  doctor: string;
}

const HEADERS = ["linux", "asm-generic", "mtd", "scsi"];
const usrInclude = (triple: string) => ({
  ...Object.fromEntries(HEADERS.map((d) => [d, `/usr/include/${d}`])),
  asm: `/usr/include/${triple}/asm`,
});

export function hostToolchainSpec(platform: Platform, host = hostArchitecture()): HostToolchainSpec {
  toolchainSpec(platform, host);
  if (platform === "linux/amd64")
    return {
      cc: "musl-gcc",
      gcc: "x86_64-linux-gnu-gcc",
      prefix: "",
      headers: usrInclude("x86_64-linux-gnu"),
      packages: "musl-tools gcc binutils make linux-libc-dev",
      doctor: "musl-amd64",
    };
  if (host === "arm64")
    return {
      cc: "aarch64-linux-musl-gcc",
      gcc: "aarch64-linux-gnu-gcc",
      prefix: "",
      headers: usrInclude("aarch64-linux-gnu"),
      packages: "musl-dev gcc binutils make linux-libc-dev",
      doctor: "musl-amd64,cross-arm64",
    };
  return {
    cc: "aarch64-linux-musl-gcc",
    gcc: "aarch64-linux-gnu-gcc",
    prefix: "aarch64-linux-gnu-",
    headers: Object.fromEntries([...HEADERS, "asm"].map((d) => [d, `/usr/aarch64-linux-gnu/include/${d}`])),
    packages: "gcc-aarch64-linux-gnu musl-dev:arm64 libc6-dev-arm64-cross (after dpkg --add-architecture arm64), gcc, make",
    doctor: "musl-amd64,cross-arm64",
  };
}

type Runner = typeof run;

/** "<package> <version>" of the Debian package owning `path` (its arch qualifier dropped), when dpkg knows it. */
export async function ownerPackage(path: string, runner: Runner = run): Promise<string | undefined> {
  const owner = await runner("dpkg-query", ["-S", path]).catch(() => undefined);
  const m = owner?.code === 0 ? /^([a-z0-9][a-z0-9+.-]*)(:[a-z0-9-]+)?: /.exec(owner.stdout.trim()) : null;
  if (!m) return undefined;
  const v = await runner("dpkg-query", ["-W", "-f", "${Version}", `${m[1]}${m[2] ?? ""}`]).catch(() => undefined);
  const version = v?.code === 0 ? v.stdout.trim() : "";
  return version ? `${m[1]} ${version}` : undefined;
}

const firstLine = (s: string) => s.split("\n")[0]?.trim() ?? "";

/** What the probe of a host toolchain found: versions as the programs tell them, and the real paths dpkg is asked about. */
export interface HostProbe {
  /** `cc -dumpfullversion` */
  gcc: string;
  /** `ld --version`'s first line */
  ld: string;
  paths: { gcc: string; ld: string; libc?: string; headers: string };
}

/**
 * What build.json and the provenance record of a host-toolchain build: route "host", and the
 * compiler, binutils, musl and kernel headers as Debian packages where dpkg owns them (named as
 * the lock names them, so a host with the lock's versions differs in the route alone), else as the
 * programs tell their versions.
 */
export async function hostToolchainRecord(
  spec: HostToolchainSpec,
  probe: HostProbe,
  runner: Runner = run,
): Promise<Record<string, string>> {
  const musl = probe.paths.libc ? await ownerPackage(probe.paths.libc, runner) : undefined;
  const headers = await ownerPackage(probe.paths.headers, runner);
  return {
    route: "host",
    compiler: (await ownerPackage(probe.paths.gcc, runner)) ?? `${spec.gcc} ${probe.gcc}`,
    binutils: (await ownerPackage(probe.paths.ld, runner)) ?? probe.ld,
    musl: musl ?? `musl ${(await muslVersion(spec.cc, runner)).version}`,
    ...(headers ? { kernelHeaders: headers } : {}),
  };
}

const hostCache = new Map<Platform, Promise<Toolchain>>();

/** The host's toolchain of a platform, checked complete and fingerprinted (once per process). */
export function hostToolchain(platform: Platform): Promise<Toolchain> {
  let p = hostCache.get(platform);
  if (!p) {
    p = probeHostToolchain(platform);
    hostCache.set(platform, p);
    p.catch(() => hostCache.delete(platform));
  }
  return p;
}

async function probeHostToolchain(platform: Platform): Promise<Toolchain> {
  const t = hostToolchainSpec(platform);
  const missing: string[] = [];
  for (const tool of [t.cc, t.gcc, `${t.prefix}ld`, `${t.prefix}strip`, `${t.prefix}readelf`, `${t.prefix}nm`, "gcc", "make"])
    if (!(await which(tool))) missing.push(tool);
  for (const [name, target] of Object.entries(t.headers)) if (!(await exists(target))) missing.push(`${target} (kernel headers: ${name}/)`);
  if (missing.length > 0)
    throw new UsageError(
      `the host toolchain of ${platform} (used because no Debian archive is known for the locked one) is incomplete: missing ${[...new Set(missing)].join(", ")}.\n` +
        `Install it with \`kimigayo doctor --fix --only ${t.doctor}\` (Debian packages: ${t.packages}), or give a Debian mirror for the locked toolchain (--debian-mirror, the debian-mirror input, KIMIGAYO_DEBIAN_MIRROR).`,
    );
  const cflags = CFLAGS[platform];
  const gcc = firstLine((await runChecked(t.cc, ["-dumpfullversion"])).stdout);
  const version = firstLine((await runChecked(t.cc, ["--version"])).stdout);
  const linked = await linkedFiles(t.cc, cflags);
  const makeVersion = firstLine((await runChecked("make", ["--version"])).stdout);
  const ld = firstLine((await runChecked(`${t.prefix}ld`, ["--version"])).stdout);
  const real = async (p: string) => realpath(p).catch(() => p);
  const libc = Object.keys(linked).find((p) => p.endsWith("/libc.a"));
  const record = await hostToolchainRecord(t, {
    gcc,
    ld,
    paths: {
      gcc: await real((await which(t.gcc)) ?? t.gcc),
      ld: await real((await which(`${t.prefix}ld`)) ?? `${t.prefix}ld`),
      headers: await real(join(t.headers.asm!, "types.h")),
      ...(libc ? { libc } : {}),
    },
  });
  const identity = sha256(
    JSON.stringify({ route: "host", platform, cc: t.cc, cflags, ldflags: COMMON_LDFLAGS, version, linked, makeVersion, ld, record }),
  ).slice(0, 16);
  const compiler: LockedCompiler = { cc: t.cc, prefix: t.prefix, hostcc: "gcc", make: "make", headers: t.headers };
  return { platform, compiler, cflags, headerLinks: t.headers, identity, record };
}

/** The toolchain identity (cache key) and record (build.json, provenance) of a platform on a route. */
export async function routeIdentity(
  platform: Platform,
  route: ToolchainRoute,
): Promise<{ identity: string; record: Record<string, string> }> {
  if (route.kind === "lock") return toolchainIdentity(platform);
  const tc = await hostToolchain(platform);
  return { identity: tc.identity, record: tc.record };
}

/**
 * Every file the linker reads into a static program of this toolchain (crt objects, libgcc, musl's
 * libc.a), from its own `--trace`, each with its sha256. Asking the compiler
 * (`-print-file-name=libc.a`) is wrong for a musl wrapper: the driver answers with glibc's libc.a,
 * because musl's library folder comes from the wrapper's specs file, which that query ignores.
 */
export async function linkedFiles(cc: string, cflags: readonly string[]): Promise<Record<string, string>> {
  const dir = await mkdtemp(join(tmpdir(), "kimigayo-link-probe-"));
  try {
    const object = join(dir, "probe.o");
    await writeFile(join(dir, "probe.c"), "int main(void) { return 0; }\n");
    await runChecked(cc, [...cflags, "-c", join(dir, "probe.c"), "-o", object]);
    const traced = await runChecked(cc, ["-static", object, "-o", join(dir, "probe"), "-Wl,--trace"]);
    const paths = `${traced.stdout}\n${traced.stderr}`
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("/") && l !== object);
    const files: Record<string, string> = {};
    for (const p of [...new Set(await Promise.all(paths.map((p) => realpath(p))))].sort()) files[p] = await sha256File(p);
    if (!Object.keys(files).some((p) => p.endsWith("/libc.a")))
      throw new Error(`${cc} linked no libc.a (its --trace listed: ${paths.join(", ") || "nothing"})`);
    return files;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface FragmentLine {
  symbol: string;
  value: string; // "y", "n" (for "is not set"), a number or a quoted string
  line: number;
}

/** Where line `line` of the fragment a variant builds came from (its file, or for a derived fragment the line's origin). */
function fragmentOrigin(variant: VariantConfig, line: number): { file: string; line: number } {
  return variant.fragment?.origins[line - 1] ?? { file: variant.busyboxConfig, line };
}

/**
 * Parses a fragment: `CONFIG_X=value`, `# CONFIG_X is not set`, comments and blank lines.
 * `origin` places a line in messages when the text was derived (default: `file`, the same line).
 */
export function parseFragment(
  text: string,
  file: string,
  origin: (line: number) => { file: string; line: number } = (line) => ({ file, line }),
): FragmentLine[] {
  const out: FragmentLine[] = [];
  const seen = new Map<string, number>();
  const errors: string[] = [];
  let firstError: number | undefined;
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    if (errors.length === 0) firstError = line; // stays at the line of the first error
    const s = raw.trim();
    if (s === "" || (s.startsWith("#") && !/^# CONFIG_/.test(s))) return;
    const at = origin(line);
    const where = `${at.file}:${at.line}`;
    let m: RegExpExecArray | null;
    let entry: FragmentLine | undefined;
    if ((m = /^(CONFIG_[A-Za-z0-9_]+)=(y|[0-9]+|0x[0-9a-fA-F]+|"(?:[^"\\]|\\.)*")$/.exec(s))) entry = { symbol: m[1]!, value: m[2]!, line };
    else if ((m = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(s))) entry = { symbol: m[1]!, value: "n", line };
    else if (s === "" || s.startsWith("#")) return;
    else {
      errors.push(
        `${where}: "${s}" is not a Kconfig line; write CONFIG_NAME=y, CONFIG_NAME=123, CONFIG_NAME="text" or "# CONFIG_NAME is not set"`,
      );
      return;
    }
    if (BUILD_OWNED.includes(entry.symbol)) {
      errors.push(`${where}: ${entry.symbol} is set by the build (static linking and toolchain flags); remove it from the fragment`);
      return;
    }
    const prev = seen.get(entry.symbol);
    if (prev !== undefined) {
      errors.push(`${where}: ${entry.symbol} is already set on line ${prev}`);
      return;
    }
    seen.set(entry.symbol, line);
    out.push(entry);
  });
  if (errors.length > 0) {
    const first = firstError === undefined ? undefined : origin(firstError);
    throw new UsageError(errors.join("\n"), first ? { file: first.file, line: first.line } : { file });
  }
  return out;
}

/** Replaces or appends the fragment's symbols in a .config text. */
export function mergeConfig(base: string, settings: { symbol: string; value: string }[]): string {
  const want = new Map(settings.map((s) => [s.symbol, s.value]));
  const kept = base.split("\n").filter((l) => {
    const m = /^(?:# )?(CONFIG_[A-Za-z0-9_]+)[= ]/.exec(l);
    return !(m && want.has(m[1]!));
  });
  while (kept.length > 0 && kept[kept.length - 1] === "") kept.pop();
  for (const [symbol, value] of want) kept.push(value === "n" ? `# ${symbol} is not set` : `${symbol}=${value}`);
  return `${kept.join("\n")}\n`;
}

/** Reads the value a .config gives each symbol ("n" for unset or absent). */
export function readConfigValues(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const l of text.split("\n")) {
    let m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(l);
    if (m) values.set(m[1]!, m[2]!);
    else if ((m = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/.exec(l))) values.set(m[1]!, "n");
  }
  return values;
}

/** Extracts (and patches) the source once per tarball + patch set. */
export interface SourceTree {
  dir: string;
  /** Identifies the tarball + patch set; part of every binary's cache key. */
  key: string;
}

export async function prepareSourceTree(cfg: Config, source: SourceResult, log: Logger, cacheDir = cacheRoot()): Promise<SourceTree> {
  const patches = await Promise.all(cfg.busybox.patches.map(async (p) => ({ p, text: await readFile(p, "utf8") })));
  const key = `${source.sha256.slice(0, 32)}-${sha256(patches.map((x) => x.text).join("\0")).slice(0, 12)}`;
  const entry = await cachedEntry(join(cacheDir, "src"), key, async (tmp) => {
    await runChecked("tar", ["-xjf", source.tarball, "-C", tmp]);
    const tree = join(tmp, `busybox-${cfg.busybox.version}`);
    if (!(await exists(tree))) throw new Error(`the tarball does not contain busybox-${cfg.busybox.version}/`);
    for (const { p } of patches) {
      const r = await run("patch", ["-p1", "--batch", "--forward", "-i", p], { cwd: tree });
      if (r.code !== 0)
        throw new UsageError(`patch ${p} does not apply to BusyBox ${cfg.busybox.version}:\n${r.stdout}${r.stderr}`, {
          file: p,
          field: "busybox.patches",
        });
    }
  });
  if (!entry.hit) log.debug(`source tree extracted to ${entry.path}`);
  return { dir: join(entry.path, `busybox-${cfg.busybox.version}`), key };
}

export interface BuildOptions {
  log: Logger;
  cacheDir?: string;
  jobs?: number;
  sourceDateEpoch: number;
  /** Which toolchain (src/toolchain/route.ts); default: this host's route from process.env. */
  route?: ToolchainRoute;
}

export async function buildBusybox(
  cfg: Config,
  variant: VariantConfig,
  platform: Platform,
  tree: SourceTree,
  opts: BuildOptions,
): Promise<BusyboxBuild> {
  const fragmentText = variant.fragment?.text ?? (await readFile(variant.busyboxConfig, "utf8"));
  const fragment = parseFragment(fragmentText, variant.busyboxConfig, (line) => fragmentOrigin(variant, line));
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const route = opts.route ?? toolchainRoute(readLock(), hostArchitecture(), process.env, cacheDir);
  const id = await routeIdentity(platform, route);
  const key = sha256(
    JSON.stringify({
      recipe: RECIPE_VERSION,
      source: tree.key,
      fragment: fragmentText,
      toolchain: id.identity,
      platform,
      epoch: opts.sourceDateEpoch,
    }),
  ).slice(0, 32);
  const label = `${variant.name} ${platform}`;
  const started = Date.now();
  const entry = await cachedEntry(join(cacheDir, "busybox"), key, async (tmp) => {
    const tc =
      route.kind === "lock"
        ? await detectToolchain(platform, { log: opts.log, cacheDir, mirrors: route.mirrors })
        : await hostToolchain(platform);
    const facts = await compile(cfg, variant, platform, fragment, tc, tree.dir, tmp, key, opts);
    facts.buildSeconds = (Date.now() - started) / 1000;
    await writeBusyboxFacts(join(tmp, FACTS_FILE), facts);
  });
  const facts = await readBusyboxFacts(join(entry.path, FACTS_FILE), entry.path);
  opts.log.debug(`${label}: busybox ${entry.hit ? "cache hit" : "built"} (${entry.path})`);
  return { ...facts, binary: join(entry.path, "busybox"), hit: entry.hit };
}

async function compile(
  cfg: Config,
  variant: VariantConfig,
  platform: Platform,
  fragment: FragmentLine[],
  tc: Toolchain,
  tree: string,
  outDir: string,
  key: string,
  opts: BuildOptions,
): Promise<BusyboxFacts> {
  const log = opts.log;
  const obj = join(outDir, "obj");
  const inc = join(outDir, "include");
  await mkdir(obj, { recursive: true });
  await mkdir(inc, { recursive: true });
  for (const [name, target] of Object.entries(tc.headerLinks)) await symlink(target, join(inc, name));
  const env = { ...process.env, SOURCE_DATE_EPOCH: String(opts.sourceDateEpoch), LC_ALL: "C", TZ: "UTC", KBUILD_VERBOSE: "0" };
  const vars = toolVariables(platform, tc.compiler);
  const make = (args: string[], input?: string) =>
    run(tc.compiler.make, ["-s", "-C", obj, ...vars, ...args], { env, ...(input !== undefined ? { input } : {}) });
  const label = `${variant.name} ${platform}`;

  let r = await run(tc.compiler.make, ["-s", "-C", tree, `O=${obj}`, ...vars, "allnoconfig"], { env });
  if (r.code !== 0) throw new Error(`${label}: make allnoconfig failed:\n${tail(r)}`);
  const settings = [
    ...fragment,
    { symbol: "CONFIG_STATIC", value: "y" },
    { symbol: "CONFIG_EXTRA_CFLAGS", value: JSON.stringify([`-isystem ${inc}`, ...tc.cflags].join(" ")) },
    { symbol: "CONFIG_EXTRA_LDFLAGS", value: JSON.stringify(COMMON_LDFLAGS.join(" ")) },
  ];
  await writeFile(join(obj, ".config"), mergeConfig(await readFile(join(obj, ".config"), "utf8"), settings));
  // oldconfig asks only for symbols without a value; answer each with its default.
  r = await make(["oldconfig"], "\n".repeat(2000));
  if (r.code !== 0) throw new Error(`${label}: make oldconfig failed:\n${tail(r)}`);
  const final = readConfigValues(await readFile(join(obj, ".config"), "utf8"));
  const ignored = fragment.filter((f) => (final.get(f.symbol) ?? "n") !== f.value);
  if (ignored.length > 0) {
    const first = fragmentOrigin(variant, ignored[0]!.line);
    throw new UsageError(
      ignored
        .map((f) => {
          const at = fragmentOrigin(variant, f.line);
          return `${at.file}:${at.line}: ${f.symbol}=${f.value} did not take effect (BusyBox ${cfg.busybox.version} gives ${final.get(f.symbol) ?? "no such symbol"}): the symbol is unknown or a symbol it depends on is off`;
        })
        .join("\n"),
      { file: first.file, line: first.line, field: `variants.${variant.name}.${variant.fragment ? "applets" : "busybox"}` },
    );
  }

  const jobs = String(opts.jobs ?? Math.max(1, cpus().length));
  const makeVars = [...vars, `-j${jobs}`];
  log.info(`${label}: compiling BusyBox ${cfg.busybox.version} (${fragment.length} fragment lines, -j${jobs})`);
  let lines = 0;
  r = await run(tc.compiler.make, ["-C", obj, ...makeVars, "busybox", "busybox.links"], {
    env,
    onOutput: (c) => {
      lines += (c.match(/\n/g) ?? []).length;
      log.progress(`${label}: compiling`, lines);
    },
  });
  if (r.code !== 0) throw new CheckFailure(`${label}: the BusyBox compile failed (make exit ${r.code}):\n${tail(r)}`);

  const binary = join(outDir, "busybox");
  await copyFile(join(obj, "busybox"), binary);
  // The busybox target strips already; strip again with the platform's own strip to be sure.
  await runChecked(`${tc.compiler.prefix}strip`, ["--strip-all", "-R", ".comment", "-R", ".note", binary]);
  const elf = await readElfFile(binary);
  const problems = checkBinary(elf, platform);
  if (problems.length > 0) throw new CheckFailure(`${label}: the binary fails the ELF check: ${problems.join("; ")}`);
  const applets = parseLinks(await readFile(join(obj, "busybox.links"), "utf8"));
  const bytes = await readFile(binary);
  // The link map, Kbuild lines and .config, kept next to the binary for size-check's attribution.
  await saveAttributionInputs(obj, outDir, tc.compiler.prefix);
  await rm(obj, { recursive: true, force: true });
  await rm(inc, { recursive: true, force: true });
  return {
    variant: variant.name,
    platform,
    busyboxVersion: cfg.busybox.version,
    key,
    size: bytes.length,
    sha256: sha256(bytes),
    applets,
    elf: { machine: elf.machineName, static: elf.isStatic, stripped: elf.stripped },
    toolchain: tc.identity,
    toolchainPackages: tc.record,
    buildSeconds: 0,
  };
}

/**
 * make's variables for the locked toolchain. ARCH is given, not derived: BusyBox's Makefile takes
 * SUBARCH from CROSS_COMPILE's first dash-separated field, which for a prefix under a folder with a
 * dash in its path (~/.cache/kimigayo/toolchain-bin/…) is part of that path, so arch/x86_64/Makefile
 * (-malign-data=abi) was skipped and the binary depended on where the cache is. The values are what
 * a host's own compiler gives (uname -m), so the bytes are those of a host build.
 */
export function toolVariables(platform: Platform, compiler: Pick<LockedCompiler, "cc" | "prefix" | "hostcc">): string[] {
  return [
    `ARCH=${platform === "linux/amd64" ? "x86_64" : "aarch64"}`,
    `CC=${compiler.cc}`,
    `CROSS_COMPILE=${compiler.prefix}`,
    `HOSTCC=${compiler.hostcc}`,
  ];
}

/** busybox.links lists one install path per applet ("/bin/ls"). */
export function parseLinks(text: string): Applet[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("/"))
    .map((l) => ({ name: l.slice(l.lastIndexOf("/") + 1), path: l.slice(1) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function tail(r: { stdout: string; stderr: string }): string {
  return `${r.stdout}\n${r.stderr}`.trim().split("\n").slice(-20).join("\n");
}
