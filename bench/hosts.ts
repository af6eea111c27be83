/**
 * npm run bench:hosts [-- --variant minimal,standard --platform linux/amd64,linux/arm64 --arm64 --no-trixie --host-route]
 *
 * Same bytes on other hosts: builds the variants cold (empty cache, toolchain fetch included) on
 * this host and in a Debian 13 (trixie) chroot made with mmdebstrap that has none of this host's
 * toolchain packages (no gcc, binutils, musl; its own Node, coreutils, glibc), and, with --arm64,
 * in an arm64 Debian 12 chroot run under QEMU user mode (binfmt), which builds linux/arm64 natively
 * with the arm64 host's lock. With --host-route, also on this host with apt's sources hidden
 * (KIMIGAYO_APT_DIR, no mirror): the host toolchain's route (src/toolchain/route.ts). Prints each image's manifest digest per host side by side: "same"
 * or "differs". Needs root (chroot, mounts) and mmdebstrap. Slow (a cold build per host; under
 * QEMU much slower), so a benchmark, not a test. The chroots are kept in $KIMIGAYO_BENCH_HOSTS
 * (default /var/tmp/kimigayo-bench-hosts) for the next run.
 *
 * The chroots use this host's Debian mirror (from apt's sources) and its CA bundle.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { readAptSources } from "../src/lib/apt-sources.js";
import { table } from "../src/cli/table.js";

const ROOT = resolve(import.meta.dirname, "..");
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? dflt) : dflt;
};
const variants = arg("--variant", "minimal");
const platforms = arg("--platform", "linux/amd64,linux/arm64");
const withArm64 = process.argv.includes("--arm64");
const home = process.env.KIMIGAYO_BENCH_HOSTS ?? "/var/tmp/kimigayo-bench-hosts";
const hostCache = join(process.env.HOME ?? "/root", ".cache/kimigayo");

function sh(cmd: string, args: string[], opts: { quiet?: boolean } = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", opts.quiet ? "pipe" : "inherit"], maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr ?? ""}${r.stdout.slice(-4000)}`);
  return r.stdout;
}

/** The host's Debian mirror: the folder holding its debian and debian-security archives. */
function mirror(): { debian: string; root: string } {
  const uris = readAptSources()
    .filter((e) => e.types.includes("deb"))
    .flatMap((e) => e.uris)
    .map((u) => u.replace(/\/+$/, ""));
  const debian = uris.find((u) => u.endsWith("/debian"));
  if (!debian) throw new Error("apt's sources name no Debian archive (…/debian) to make the chroots from");
  return { debian, root: debian.slice(0, -"/debian".length) };
}

interface Host {
  name: string;
  dir?: string;
  platforms: string;
  /** Build with the host's toolchain: no Debian archive known. */
  hostRoute?: boolean;
}

function makeChroot(dir: string, suite: string, arch: string, m: { debian: string }): void {
  if (existsSync(join(dir, "usr/bin/node"))) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.log(`mmdebstrap: Debian ${suite} ${arch} in ${dir}`);
  sh("mmdebstrap", [
    "--variant=minbase",
    `--architectures=${arch}`,
    "--include=nodejs,bzip2,patch,ca-certificates",
    suite,
    dir,
    `deb ${m.debian} ${suite} main`,
  ]);
}

/** Node for the chroot from the npm package node-linux-<arch> when its own is older than the CLI needs (Debian 12 has 18). */
const NODE_PACKAGE_VERSION = "20.19.6";
function ensureNode(dir: string, arch: string): void {
  const own = spawnSync("chroot", [dir, "node", "--version"], { encoding: "utf8" }).stdout.trim();
  const [major, minor] = own.replace(/^v/, "").split(".").map(Number);
  if ((major ?? 0) > 20 || ((major ?? 0) === 20 && (minor ?? 0) >= 19)) return;
  const tmp = sh("mktemp", ["-d"], { quiet: true }).trim();
  const tgz = sh("npm", ["pack", "--silent", "--pack-destination", tmp, `node-linux-${arch}@${NODE_PACKAGE_VERSION}`], { quiet: true })
    .trim()
    .split("\n")
    .pop()!;
  sh("tar", ["-xzf", join(tmp, tgz), "-C", join(dir, "usr/local"), "--strip-components=1", "package/bin/node"]);
  rmSync(tmp, { recursive: true, force: true });
  console.log(`${dir}: node ${own || "(none)"} is too old; using node-linux-${arch} ${NODE_PACKAGE_VERSION} from npm`);
}

function inChroot(dir: string, script: string): string {
  const mounts = ["proc", "sys", "dev"];
  mkdirSync(join(dir, "kimigayo"), { recursive: true });
  const done: string[] = [];
  try {
    for (const m of mounts) {
      sh("mount", ["--rbind", `/${m}`, join(dir, m)]);
      done.push(join(dir, m));
    }
    sh("mount", ["--bind", ROOT, join(dir, "kimigayo")]);
    done.push(join(dir, "kimigayo"));
    // The host's CA bundle, so Node trusts what this host trusts.
    copyFileSync("/etc/ssl/certs/ca-certificates.crt", join(dir, "etc/ssl/certs/ca-certificates.crt"));
    return sh("chroot", [dir, "/bin/sh", "-ec", script]);
  } finally {
    for (const m of done.reverse()) spawnSync("umount", ["-R", m]);
  }
}

type Digests = Map<string, { manifest: string; busybox: string; lock: string }>;

/** An empty apt folder for the host route's build. */
const noSources = () => sh("mktemp", ["-d", "/tmp/kimigayo-bench-hosts-apt-XXXXXX"], { quiet: true }).trim();

function digestsOf(buildJson: string): Digests {
  const b = JSON.parse(buildJson) as {
    images: {
      variant: string;
      platform: string;
      busybox: { sha256: string; toolchain?: { lock?: string; route?: string; compiler?: string } };
    }[];
    layouts: { variant: string; manifests: { platform: string; digest: string }[] }[];
  };
  const out: Digests = new Map();
  for (const l of b.layouts)
    for (const m of l.manifests) {
      const img = b.images.find((i) => i.variant === l.variant && i.platform === m.platform);
      out.set(`${l.variant} ${m.platform}`, {
        manifest: m.digest,
        busybox: img?.busybox.sha256 ?? "?",
        lock:
          img?.busybox.toolchain?.lock ??
          (img?.busybox.toolchain?.route === "host" ? `the host's (${img.busybox.toolchain.compiler})` : "?"),
      });
    }
  return out;
}

const m = mirror();
// The same revision annotation everywhere (the chroots have no git): what a rebuilder sets too.
const revision = sh("git", ["-C", ROOT, "rev-parse", "HEAD"], { quiet: true }).trim();
const hosts: Host[] = [
  { name: "this host", platforms },
  ...(process.argv.includes("--host-route") ? [{ name: "this host, host route", platforms, hostRoute: true }] : []),
  ...(process.argv.includes("--no-trixie") ? [] : [{ name: "Debian 13 chroot", dir: join(home, "trixie-amd64"), platforms }]),
  ...(withArm64 ? [{ name: "arm64 Debian 12 (QEMU)", dir: join(home, "bookworm-arm64"), platforms: "linux/arm64" }] : []),
];
const results: { host: Host; digests: Digests; seconds: number; tools: string }[] = [];
for (const host of hosts) {
  const t0 = Date.now();
  // From source under tsx where its esbuild binary runs (amd64); elsewhere the bundle (npm run bundle first).
  const entry = host.dir?.endsWith("arm64") ? "dist/cli/index.js" : "--import tsx src/cli.ts";
  const source = host.hostRoute
    ? `KIMIGAYO_APT_DIR=${noSources()} KIMIGAYO_DEBIAN_MIRROR= KIMIGAYO_DEBIAN_SNAPSHOT=`
    : `KIMIGAYO_DEBIAN_MIRROR=${m.root}`;
  const build = (cache: string, out: string) =>
    `GITHUB_SHA=${revision} KIMIGAYO_CACHE=${cache} ${source} node ${entry} build --variant ${variants} --platform ${host.platforms} --engine oci --out ${out} >&2`;
  let buildJson: string;
  let tools: string;
  if (!host.dir) {
    const work = sh("mktemp", ["-d", "/tmp/kimigayo-bench-hosts-XXXXXX"]).trim();
    cpSync(join(hostCache, "sources"), join(work, "cache/sources"), { recursive: true });
    buildJson = sh("sh", ["-ec", `cd ${ROOT} && ${build(`${work}/cache`, `${work}/out`)} && cat ${work}/out/build.json`]);
    tools = sh("sh", ["-c", "for t in gcc musl-gcc aarch64-linux-gnu-gcc; do command -v $t; done; true"]).trim().split("\n").join(", ");
    rmSync(work, { recursive: true, force: true });
  } else {
    const [suite, arch] = host.dir.endsWith("arm64") ? ["bookworm", "arm64"] : ["trixie", "amd64"];
    makeChroot(host.dir, suite!, arch!, m);
    ensureNode(host.dir, arch === "amd64" ? "x64" : arch!);
    rmSync(join(host.dir, "tmp/bench"), { recursive: true, force: true });
    cpSync(join(hostCache, "sources"), join(host.dir, "tmp/bench/cache/sources"), { recursive: true });
    tools = inChroot(
      host.dir,
      "for t in gcc cc musl-gcc aarch64-linux-gnu-gcc x86_64-linux-gnu-gcc as ld; do command -v $t || true; done",
    ).trim();
    buildJson = inChroot(
      host.dir,
      `cd /kimigayo && node --version >&2 && ${build("/tmp/bench/cache", "/tmp/bench/out")} && cat /tmp/bench/out/build.json`,
    );
  }
  results.push({ host, digests: digestsOf(buildJson), seconds: (Date.now() - t0) / 1000, tools: tools || "none" });
}

const keys = [...new Set(results.flatMap((r) => [...r.digests.keys()]))].sort();
const rows = keys.map((k) => {
  const ds = results.map((r) => r.digests.get(k));
  const first = ds[0]?.manifest;
  const verdict = ds.every((d) => d === undefined || d.manifest === first) ? "same" : "differs";
  return [k, ...ds.map((d) => (d ? d.manifest.slice(0, 19) : "—")), verdict];
});
console.log(table(["image", ...results.map((r) => r.host.name), ""], rows));
for (const r of results)
  console.log(
    `${r.host.name}: cold build ${r.seconds.toFixed(0)} s; host compilers on PATH: ${r.tools}; lock ${[...new Set([...r.digests.values()].map((d) => d.lock))].join(", ")}`,
  );
const busybox = keys.map((k) => [k, ...results.map((r) => r.digests.get(k)?.busybox.slice(0, 12) ?? "—")]);
console.log(table(["busybox sha256", ...results.map((r) => r.host.name)], busybox));
process.exit(rows.every((r) => r[r.length - 1] === "same") ? 0 : 1);
