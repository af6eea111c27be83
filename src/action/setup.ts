/**
 * What the action prepares on the runner before a command, so a workflow needs no separate
 * setup steps:
 * - the host prerequisites the command uses (doctor's ids: the base build tools — the locked
 *   toolchain the build fetches itself, as the runner user —, the host's compilers only where no
 *   Debian archive is known and the build falls back to them, Docker and QEMU binfmt where it runs
 *   containers of another architecture, Debian's static BusyBox for the bench reference),
 *   installed through `kimigayo doctor --fix --only IDS`,
 *   as root or through passwordless sudo (as GitHub's hosted runners allow);
 * - a buildx builder that can export an OCI layout when the buildx engine is used;
 * - `kimigayo` on PATH for the job's later `run:` steps (the bundled CLI, run by this node).
 */
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { arch } from "node:os";
import { join } from "node:path";
import { isRoot } from "../doctor/host.js";
import { PREREQUISITES } from "../doctor/prerequisites.js";
import { dockerBin } from "../lib/docker.js";
import { run, type RunOptions, type RunResult } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";
import { selfCommand } from "../lib/self.js";
import { buildxAvailable, buildxBuilder } from "../build/buildx.js";
import { buildxMissing } from "../build/engine.js";
import { toolchainSpec } from "../build/busybox.js";
import { hostArchitecture } from "../lib/platform.js";
import { readLock } from "../toolchain/lock.js";
import { toolchainRoute, type ToolchainRoute } from "../toolchain/route.js";
import type { ActionInputs } from "./inputs.js";

type Runner = (cmd: string, args: readonly string[], opts?: RunOptions) => Promise<RunResult>;

export interface SetupDeps {
  runner: Runner;
  /** The ids among `ids` whose check fails on this host. */
  missing: (ids: readonly string[]) => Promise<string[]>;
  root: () => boolean;
  hostArch: string;
  /** argv that runs the bundled CLI. */
  cli: string[];
  /** The toolchain route a build of these inputs takes on this runner (src/toolchain/route.ts). */
  route: (i: ActionInputs) => ToolchainRoute["kind"];
}

/** The route from the runner's apt sources, environment and the debian-mirror input. */
export function routeOnRunner(i: ActionInputs, env: NodeJS.ProcessEnv = process.env): ToolchainRoute["kind"] {
  const withMirror = i["debian-mirror"] ? { ...env, KIMIGAYO_DEBIAN_MIRROR: i["debian-mirror"] } : env;
  return toolchainRoute(readLock(), hostArchitecture(), withMirror).kind;
}

async function missingOnHost(ids: readonly string[]): Promise<string[]> {
  const found = await Promise.all(
    ids.map(async (id) => {
      const p = PREREQUISITES.find((x) => x.id === id);
      return p && !(await p.check().catch(() => ({ ok: false }))).ok ? id : undefined;
    }),
  );
  return found.filter((id): id is string => id !== undefined);
}

const defaults = (): SetupDeps => ({
  runner: run,
  missing: missingOnHost,
  root: isRoot,
  hostArch: arch(),
  route: routeOnRunner,
  // Asked only when something must be installed.
  get cli() {
    return selfCommand();
  },
});

/** The platforms a command works on: the inputs', or both (the config's default). */
function platformsOf(i: ActionInputs): ("amd64" | "arm64")[] {
  if (i.platforms.length === 0) return ["amd64", "arm64"];
  return (["amd64", "arm64"] as const).filter((a) => i.platforms.some((p) => p === a || p === `linux/${a}`));
}

/** Commands that start containers of the images (smoke, bench); builds cross-compile and need no QEMU. */
export function needsQemu(i: ActionInputs, hostArch: string): boolean {
  if (i.command !== "release" && i.command !== "bench") return false;
  if (i["from-published"]) return false;
  const host = hostArch === "arm64" ? "arm64" : "amd64";
  return platformsOf(i).some((a) => a !== host);
}

/**
 * Doctor's prerequisite ids a command uses on this host, in doctor's order. On the locked route no
 * compiler: the build fetches the locked toolchain itself (src/toolchain), as the runner user. On
 * the host route (no Debian archive known) the host's compilers of each platform it builds, as
 * doctor installs them: musl-amd64 (musl-gcc, gcc and make, also the helper programs' HOSTCC) and
 * cross-arm64 for arm64.
 */
export function neededPrerequisites(i: ActionInputs, hostArch: string, route: ToolchainRoute["kind"] = "lock"): string[] {
  const host = hostArch === "arm64" ? "arm64" : "amd64";
  const compilers = route === "host" ? ["musl-amd64", ...(platformsOf(i).includes("arm64") ? ["cross-arm64"] : [])] : [];
  const ids = new Set<string>();
  const add = (...x: string[]) => x.forEach((id) => ids.add(id));
  // A release from published images builds and runs nothing: notes, assets and the GitHub Release.
  const builds = i.command === "build" || (i.command === "release" && !i["from-published"]);
  // A platform this host cannot build is refused before anything is installed (toolchainSpec says why).
  if (builds || i.command === "bench") for (const a of platformsOf(i)) toolchainSpec(`linux/${a}`, host);
  if (builds) add("build-tools", ...compilers);
  if (builds && i.command === "release") add("docker-client", "dockerd");
  if (i.command === "bench") add("build-tools", "docker-client", "dockerd", "busybox-static");
  if (needsQemu(i, hostArch)) add("binfmt");
  return PREREQUISITES.map((p) => p.id).filter((id) => ids.has(id));
}

/** Installs what the command needs and lacks; returns what it did (or why it could not). */
export async function ensurePrerequisites(i: ActionInputs, log: Logger, deps: SetupDeps = defaults()): Promise<string> {
  const builds = i.command === "build" || (i.command === "release" && !i["from-published"]);
  const needed = neededPrerequisites(i, deps.hostArch, builds ? deps.route(i) : "lock");
  if (needed.length === 0) return "none needed";
  const missing = await deps.missing(needed);
  if (missing.length === 0) return `present: ${needed.join(", ")}`;
  const doctor = [...deps.cli, "doctor", "--fix", "--only", missing.join(",")];
  let cmd = doctor;
  if (!deps.root()) {
    const sudo = await deps.runner("sudo", ["-n", "true"]).catch(() => undefined);
    if (sudo?.code !== 0) {
      log.warn(
        `${i.command} needs ${missing.join(", ")}, which this step cannot install: it is not root and has no passwordless sudo. Run \`sudo kimigayo doctor --fix --only ${missing.join(",")}\` first.`,
      );
      return `missing (not root): ${missing.join(", ")}`;
    }
    cmd = ["sudo", "-n", "-E", ...doctor];
  }
  const end = log.step(`install ${missing.join(", ")} (kimigayo doctor --fix)`);
  const r = await deps.runner(cmd[0]!, cmd.slice(1), { onOutput: (text) => log.debug(text.trimEnd()) });
  end();
  if (r.code !== 0) {
    log.warn(
      `kimigayo doctor --fix --only ${missing.join(",")} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split("\n").slice(-5).join(" | ")}`,
    );
    return `failed: ${missing.join(", ")}`;
  }
  return `installed ${missing.join(", ")} (${cmd.slice(0, cmd.indexOf("doctor")).join(" ")})`;
}

/**
 * A `kimigayo` command for the job's later steps: GitHub gives a JavaScript action's `run:`
 * neighbours no variable naming the action's folder, so the action writes a small launcher into
 * RUNNER_TEMP and adds its folder to PATH (through `addPath`). Returns the folder.
 */
export async function installCliLauncher(runnerTemp: string, cli: string[] = selfCommand()): Promise<string> {
  const dir = join(runnerTemp, "kimigayo-bin");
  await mkdir(dir, { recursive: true });
  const quoted = cli.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const file = join(dir, "kimigayo");
  await writeFile(
    file,
    `#!/bin/sh\n# kimigayo: the CLI bundled with the kimigayo/build-action step that wrote this file.\nexec ${quoted} "$@"\n`,
  );
  await chmod(file, 0o755);
  return dir;
}

/**
 * With the buildx engine, makes sure the current builder can export an OCI layout (else it creates
 * a docker-container builder, as on GitHub's runners). `engine: buildx` where the plugin is missing
 * throws the usage error naming `kimigayo doctor --fix --only buildx`.
 */
export async function ensureBuildxBuilder(i: ActionInputs, log: Logger, deps: Pick<SetupDeps, "runner"> = defaults()): Promise<string> {
  if (i.engine === "oci" || (i.command !== "build" && i.command !== "release")) return "not needed";
  const plugin = await buildxAvailable(deps.runner);
  // engine: buildx without buildx is bad input: exit 2 before any setup (the step runs this first).
  if (!plugin.ok && i.engine === "buildx") throw buildxMissing("engine: buildx", plugin.reason);
  if (!plugin.ok) return "buildx not available; the oci engine will be used";
  const current = await buildxBuilder(deps.runner);
  if (current.ok) return `builder ${current.name ?? "(current)"} (${current.driver ?? "?"})`;
  const args = ["buildx", "create", "--use", "--name", "kimigayo", "--driver", "docker-container"];
  const r = await deps.runner(dockerBin(), args);
  if (r.code !== 0) {
    log.warn(`docker ${args.join(" ")} failed: ${r.stderr.trim()}`);
    return "create failed";
  }
  log.info("created buildx builder kimigayo (docker-container driver, can export OCI layouts)");
  return "created kimigayo";
}
