/** apt-get and dpkg, non-interactive, through src/lib/exec.ts. */
import { run, runChecked, type RunOptions } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
/** Wait for a dpkg lock held by someone else (unattended-upgrades on a fresh VM) instead of failing. */
const APT_OPTS = ["-o", "DPkg::Lock::Timeout=300", "-o", "Dpkg::Use-Pty=0"];

function aptRunOptions(log: Logger): RunOptions {
  return {
    env: APT_ENV,
    onOutput: (chunk) => {
      for (const line of chunk.split("\n")) if (line.trim()) log.debug(line.trimEnd());
    },
  };
}

/** `apt-get update`, restricted to one sources file when `onlySourcesFile` is given. */
export async function aptUpdate(log: Logger, onlySourcesFile?: string): Promise<void> {
  const restrict = onlySourcesFile
    ? ["-o", `Dir::Etc::SourceList=${onlySourcesFile}`, "-o", "Dir::Etc::SourceParts=-", "-o", "APT::Get::List-Cleanup=0"]
    : [];
  try {
    await runChecked("apt-get", [...APT_OPTS, ...restrict, "update"], aptRunOptions(log));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (!/is expired/.test(msg)) throw e;
    throw new Error(
      `${msg}\n(the clock of this machine or the mirror is off; a frozen mirror needs Acquire::Check-Valid-Until "false"; in /etc/apt/apt.conf.d/)`,
    );
  }
}

export async function aptInstall(packages: readonly string[], log: Logger): Promise<void> {
  await runChecked(
    "apt-get",
    [
      ...APT_OPTS,
      "-o",
      "Dpkg::Options::=--force-confdef",
      "-o",
      "Dpkg::Options::=--force-confold",
      "install",
      "-y",
      "--no-install-recommends",
      ...packages,
    ],
    aptRunOptions(log),
  );
}

/** The packages (optionally arch-qualified, "musl-dev:arm64") that dpkg does not have installed. */
export async function notInstalled(packages: readonly string[]): Promise<string[]> {
  const installed = await Promise.all(
    packages.map(async (p) => {
      const r = await run("dpkg-query", ["-W", "-f=${db:Status-Abbrev}", p]).catch(() => undefined);
      return r?.code === 0 && r.stdout.startsWith("ii");
    }),
  );
  return packages.filter((_, i) => !installed[i]);
}

/** The packages for which apt knows no installation candidate (after apt-get update). */
export async function unavailable(packages: readonly string[]): Promise<string[]> {
  const native = await nativeArchitecture().catch(() => "");
  if (packages.length === 0) return [];
  const r = await run("apt-cache", ["policy", ...packages], { env: APT_ENV });
  const candidates = new Map<string, string>();
  let current: string | undefined;
  for (const line of r.stdout.split("\n")) {
    const header = /^(\S+):$/.exec(line);
    if (header?.[1]) {
      current = header[1];
      continue;
    }
    const cand = /^\s+Candidate:\s*(\S+)/.exec(line);
    if (cand?.[1] && current) candidates.set(current, cand[1]);
  }
  // apt-cache lists native packages without their architecture, foreign ones with it.
  return packages.filter((p) => {
    const c = candidates.get(p) ?? (native && p.endsWith(`:${native}`) ? candidates.get(p.slice(0, -native.length - 1)) : undefined);
    return c === undefined || c === "(none)";
  });
}

export async function nativeArchitecture(): Promise<string> {
  return (await runChecked("dpkg", ["--print-architecture"])).stdout.trim();
}

export async function foreignArchitectures(): Promise<string[]> {
  const r = await run("dpkg", ["--print-foreign-architectures"]);
  return r.stdout.split(/\s+/).filter((a) => a !== "");
}

export async function addArchitecture(arch: string): Promise<void> {
  await runChecked("dpkg", ["--add-architecture", arch]);
}
