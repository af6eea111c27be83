/**
 * The host prerequisites, in the order doctor reports them. Packages are installed by doctor in
 * one apt-get call (see doctor.ts); fix() does what apt cannot (start daemons, register binfmt).
 */
import type { Logger } from "../lib/log.js";
import { addArchitecture, foreignArchitectures, nativeArchitecture } from "./apt.js";
import { entriesOf, readAptSources } from "../lib/apt-sources.js";
import { checkBinfmt, enableBinfmt, mountBinfmt } from "./binfmt.js";
import { BUILDX_FIX_HINT, buildxPackages, checkBuildx, ensureTrixieSource, fixBuildx, isDebian12 } from "./buildx.js";
import { readElfFile } from "../lib/elf.js";
import { hostArchitecture } from "../lib/platform.js";
import { isUbuntu, locate, osRelease, versionOf } from "./host.js";
import { checkDockerd, checkRegistry, REGISTRY_CONFIG, startDockerd, startRegistry } from "./services.js";
import type { CheckResult, Prerequisite } from "./types.js";
import { checkLockedTree, lockedTree } from "../toolchain/fetch.js";
import { lockDigest, readLock } from "../toolchain/lock.js";
import { toolchainRoute } from "../toolchain/route.js";
import { ensureUbuntuPorts, PORTS_SOURCES_FILE, readAptFolder, servesFromPorts } from "./ubuntu-ports.js";

/** Something a prerequisite needs on disk: a command on PATH or an absolute path, and who provides it. */
interface Provided {
  /** Command name or absolute path. */
  what: string;
  /** Debian packages that provide it. */
  packages: string[];
  /** How to ask it for its version, if it can tell. */
  versionArgs?: string[];
  /** A name for the detail line when `what` is a long path. */
  label?: string;
}

async function checkProvided(items: readonly Provided[]): Promise<CheckResult> {
  const found = await Promise.all(
    items.map(async (item) => {
      const path = await locate(item.what);
      const version = path && item.versionArgs ? await versionOf(path, item.versionArgs) : undefined;
      return { item, path, version };
    }),
  );
  const missing = found.filter((f) => !f.path);
  if (missing.length > 0) {
    return {
      ok: false,
      detail: `missing ${missing.map((f) => `${f.item.label ?? f.item.what} (${f.item.packages.join(", ")})`).join(", ")}`,
    };
  }
  return { ok: true, detail: found.map((f) => `${f.item.label ?? f.item.what}${f.version ? ` ${f.version}` : ""}`).join(", ") };
}

async function packagesFor(items: readonly Provided[]): Promise<string[]> {
  const present = await Promise.all(items.map((i) => locate(i.what)));
  return [...new Set(items.filter((_, n) => !present[n]).flatMap((i) => i.packages))];
}

/** A prerequisite met by files that Debian packages provide. */
function providedBy(
  base: Omit<Prerequisite, "check" | "missingPackages" | "fixHint"> & { fixHint?: string },
  items: Provided[],
): Prerequisite {
  const all = [...new Set(items.flatMap((i) => i.packages))];
  return {
    fixHint: `apt-get install -y --no-install-recommends ${all.join(" ")}`,
    ...base,
    check: () => checkProvided(items),
    missingPackages: () => packagesFor(items),
  };
}

// ---------------------------------------------------------------- arm64 on Ubuntu

const ARM64_MUSL = "musl-dev:arm64";
const ARM64_INSTALL =
  "dpkg --add-architecture arm64 && apt-get update && apt-get install -y --no-install-recommends musl-dev:arm64 gcc-aarch64-linux-gnu libc6-dev-arm64-cross linux-libc-dev-arm64-cross";

/** What doctor --fix does on Ubuntu before arm64 packages can be installed, as a recipe for a human. */
function ubuntuPortsHint(): string {
  const codename = osRelease().VERSION_CODENAME ?? "CODENAME";
  return (
    "Ubuntu serves arm64 packages only from its ports mirror (the archive's host with ports. in place of [LABELS.]archive. or security., path /ubuntu-ports/), so musl-dev:arm64 needs a ports entry: " +
    "add `Architectures: amd64` to the archive and security entries in /etc/apt/sources.list.d/ubuntu.sources (or `[arch=amd64]` to the deb lines of /etc/apt/sources.list), " +
    `create /etc/apt/sources.list.d/${PORTS_SOURCES_FILE} with ` +
    `"Types: deb / URIs: <the ports mirror>/ubuntu-ports/ / Suites: ${codename} ${codename}-updates ${codename}-backports ${codename}-security / ` +
    "Components: <the archive entry's components> / Architectures: arm64 / Signed-By: <the archive entry's keyring>\", " +
    `then run ${ARM64_INSTALL}`
  );
}

/**
 * On Ubuntu: adds the ports mirror for arm64 to apt's sources, derived from the archive entry
 * (see ubuntu-ports.ts). Throws the recipe when no entry gives a ports mirror to derive.
 */
function ensureUbuntuArm64Source(architectures: readonly string[]): string[] {
  const actions = ensureUbuntuPorts({ architectures, foreign: "arm64" });
  if (actions) return actions;
  const uris = [...new Set(readAptSources().flatMap((e) => e.uris))];
  throw new Error(
    `no apt entry of Ubuntu's archive to derive its ports mirror from (entries: ${uris.join(", ") || "none"}); ${ubuntuPortsHint()}`,
  );
}

export function arm64PackageMissingHint(): string {
  if (!isUbuntu()) return "check that an apt source for Debian main serves arm64 (dpkg --add-architecture arm64; apt-get update)";
  const folder = readAptFolder();
  const ports = servesFromPorts(folder.sources.flatMap(entriesOf), "arm64", folder.mirrorLists);
  return ports
    ? `${ports.file} names Ubuntu's ports mirror for arm64 (${ports.uris.join(" ")}), but apt has no candidate from it: check apt-get update's output for that mirror (doctor --verbose)`
    : ubuntuPortsHint();
}

// ---------------------------------------------------------------- Debian's static BusyBox

/** Where Debian's busybox-static puts its glibc-static BusyBox (the busybox-glibc benchmark reference). */
export const GLIBC_BUSYBOX = "/bin/busybox";

/** /bin/busybox must be the static build: Debian's dynamic `busybox` package puts its own binary there. */
async function checkStaticBusybox(): Promise<CheckResult> {
  const info = await readElfFile(GLIBC_BUSYBOX).catch(() => undefined);
  if (!info) return { ok: false, detail: `missing ${GLIBC_BUSYBOX} (busybox-static)` };
  if (!info.isStatic)
    return { ok: false, detail: `${GLIBC_BUSYBOX} is dynamically linked (the busybox package); busybox-static replaces it` };
  return { ok: true, detail: `${GLIBC_BUSYBOX} static ${info.machineName}` };
}

// ---------------------------------------------------------------- the table

/** On an arm64 host the arm64 toolchain is the native musl wrapper, binutils and kernel headers (see toolchainSpec). */
const NATIVE_ARM64 = providedBy(
  {
    id: "cross-arm64",
    title: "arm64 host toolchain (native musl): builds where no Debian archive is known, the ELF tests",
    needs: ["build-tools"],
  },
  [
    { what: "aarch64-linux-musl-gcc", packages: ["musl-dev"] },
    { what: "make", packages: ["make"], versionArgs: ["--version"] },
    { what: "strip", packages: ["binutils"], versionArgs: ["--version"] },
    {
      what: "/usr/include/aarch64-linux-gnu/asm",
      label: "kernel headers /usr/include/aarch64-linux-gnu/asm",
      packages: ["linux-libc-dev"],
    },
  ],
);

const CROSS_ARM64 = providedBy(
  {
    id: "cross-arm64",
    title: "arm64 host cross toolchain: builds where no Debian archive is known, the ELF tests",
    needs: ["build-tools"],
    get fixHint(): string {
      return isUbuntu()
        ? `kimigayo doctor --fix --only cross-arm64 (it adds Ubuntu's ports mirror to apt's sources first), or by hand: ${ubuntuPortsHint()}`
        : ARM64_INSTALL;
    },
    /** dpkg --add-architecture arm64 and, on Ubuntu, the ports mirror; doctor runs apt-get update after this. */
    async beforeInstall(_log: Logger, packages: readonly string[]): Promise<string[]> {
      if (!packages.some((p) => p.endsWith(":arm64"))) return [];
      const native = await nativeArchitecture();
      if (native === "arm64") return [];
      const foreign = await foreignArchitectures();
      const actions = isUbuntu() ? ensureUbuntuArm64Source([native, ...foreign]) : [];
      if (!foreign.includes("arm64")) {
        await addArchitecture("arm64");
        actions.push("dpkg --add-architecture arm64");
      }
      return actions;
    },
  },
  [
    { what: "aarch64-linux-musl-gcc", packages: [ARM64_MUSL] },
    { what: "aarch64-linux-gnu-gcc", packages: ["gcc-aarch64-linux-gnu"], versionArgs: ["-dumpfullversion"] },
    {
      what: "/usr/aarch64-linux-gnu/include/asm",
      label: "arm64 kernel headers /usr/aarch64-linux-gnu/include/asm",
      packages: ["libc6-dev-arm64-cross", "linux-libc-dev-arm64-cross"],
    },
  ],
);

/**
 * The compiler, binutils, musl, kernel headers and make of a build are the lock's
 * (configs/toolchain.lock.json), fetched into the cache by the build itself; the host lends only
 * the base tools below. Where no Debian archive is known to fetch it from (GitHub's Ubuntu
 * runners without a debian-mirror), builds fall back to the host toolchain further down
 * (musl-amd64, cross-arm64: what the toolchain item then names), which also makes the ELF tests'
 * fixture programs.
 */
export const PREREQUISITES: Prerequisite[] = [
  providedBy({ id: "build-tools", title: "build tools" }, [
    { what: "dpkg-deb", packages: ["dpkg"], versionArgs: ["--version"] },
    { what: "bzip2", packages: ["bzip2"], versionArgs: ["--version"] },
    { what: "xz", packages: ["xz-utils"], versionArgs: ["--version"] },
    { what: "patch", packages: ["patch"], versionArgs: ["--version"] },
    { what: "file", packages: ["file"], versionArgs: ["--version"] },
    { what: "tar", packages: ["tar"], versionArgs: ["--version"] },
  ]),
  {
    id: "toolchain",
    title: "locked toolchain (configs/toolchain.lock.json)",
    needs: ["build-tools"],
    fixHint: "kimigayo doctor --fix --only toolchain (fetches the lock's Debian packages into the cache; the first build does the same)",
    async check() {
      const lock = readLock();
      const route = toolchainRoute(lock, hostArchitecture());
      if (route.kind === "host")
        return {
          ok: true,
          detail:
            `builds use the HOST toolchain (musl-amd64, cross-arm64 below), not the lock ${lockDigest(lock, hostArchitecture()).slice(0, 19)}…: ${route.why}. ` +
            "Their bytes may differ from the locked build's; for the locked toolchain set KIMIGAYO_DEBIAN_MIRROR (or --debian-mirror, the debian-mirror input)",
        };
      return checkLockedTree(lock, hostArchitecture(), { mirrors: route.mirrors });
    },
    async fix(log: Logger): Promise<string[]> {
      const t = await lockedTree(readLock(), hostArchitecture(), { log });
      return t.hit ? [] : [`fetched the locked toolchain ${t.digest.slice(0, 19)}… into ${t.root}`];
    },
  },
  providedBy(
    { id: "musl-amd64", title: "host toolchain (musl): builds where no Debian archive is known, the ELF tests", needs: ["build-tools"] },
    [
      { what: "gcc", packages: ["gcc"], versionArgs: ["-dumpfullversion"] },
      { what: "make", packages: ["make"], versionArgs: ["--version"] },
      { what: "/usr/include/stdio.h", label: "libc headers", packages: ["libc6-dev"] },
      { what: "readelf", packages: ["binutils"], versionArgs: ["--version"] },
      { what: "musl-gcc", packages: ["musl-tools"] },
    ],
  ),
  hostArchitecture() === "arm64" ? NATIVE_ARM64 : CROSS_ARM64,
  {
    ...providedBy({ id: "binfmt", title: "QEMU binfmt for arm64" }, [
      { what: "/usr/bin/qemu-aarch64-static", packages: ["qemu-user-static"] },
      { what: "update-binfmts", packages: ["binfmt-support"] },
    ]),
    fixHint:
      "mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc; apt-get install -y --no-install-recommends qemu-user-static binfmt-support; update-binfmts --enable",
    check: checkBinfmt,
    beforeInstall: () => mountBinfmt(),
    fix: enableBinfmt,
  },
  providedBy(
    {
      id: "docker-client",
      title: "Debian docker client",
      fixHint: "apt-get install -y --no-install-recommends docker.io (provides /usr/bin/docker, which matches the engine)",
    },
    [{ what: "/usr/bin/docker", packages: ["docker.io"], versionArgs: ["--version"] }],
  ),
  {
    id: "dockerd",
    title: "Docker daemon",
    needs: ["docker-client"],
    fixHint: "dockerd >/var/log/kimigayo-dockerd.log 2>&1 &   (or: systemctl start docker)",
    check: checkDockerd,
    missingPackages: () => packagesFor([{ what: "dockerd", packages: ["docker.io"] }]),
    fix: startDockerd,
  },
  {
    id: "buildx",
    title: "docker buildx (OCI export, multi-platform)",
    needs: ["dockerd", "binfmt"],
    fixHint: BUILDX_FIX_HINT,
    check: checkBuildx,
    missingPackages: buildxPackages,
    /** On Debian 12: the trixie entry and its pin; doctor runs apt-get update after this. */
    beforeInstall: async () => (isDebian12() ? ensureTrixieSource() : []),
    fix: fixBuildx,
  },
  {
    id: "registry",
    title: "local registry 127.0.0.1:5000",
    fixHint: `apt-get install -y --no-install-recommends docker-registry; docker-registry serve ${REGISTRY_CONFIG} >/var/log/kimigayo-registry.log 2>&1 &   (config: storage /var/lib/kimigayo-registry, http addr 127.0.0.1:5000, delete enabled)`,
    check: checkRegistry,
    missingPackages: () => packagesFor([{ what: "docker-registry", packages: ["docker-registry"] }]),
    fix: startRegistry,
  },
  providedBy({ id: "skopeo", title: "skopeo" }, [{ what: "skopeo", packages: ["skopeo"], versionArgs: ["--version"] }]),
  providedBy({ id: "gpgv", title: "gpgv (BusyBox signatures)" }, [{ what: "gpgv", packages: ["gpgv"], versionArgs: ["--version"] }]),
  {
    ...providedBy({ id: "busybox-static", title: "Debian's static BusyBox (benchmark reference)" }, [
      { what: GLIBC_BUSYBOX, packages: ["busybox-static"] },
    ]),
    check: checkStaticBusybox,
    missingPackages: async () => ((await checkStaticBusybox()).ok ? [] : ["busybox-static"]),
  },
];
