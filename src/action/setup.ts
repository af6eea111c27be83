/**
 * What the action prepares on the runner before a command, so a workflow needs no separate
 * setup steps: QEMU binfmt for arm64 (from the host's qemu-user-static, through `kimigayo doctor
 * --fix --only binfmt`, as root or through passwordless sudo, as GitHub's runners allow) when a
 * command will run arm64 containers on another architecture, and a buildx builder that can
 * export an OCI layout when the buildx engine is used.
 */
import { arch } from "node:os";
import { dirname, join } from "node:path";
import { checkBinfmt } from "../doctor/binfmt.js";
import { isRoot } from "../doctor/host.js";
import { dockerBin } from "../lib/docker.js";
import { run, type RunOptions, type RunResult } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";
import { buildxAvailable, buildxBuilder } from "../stages/buildx.js";
import type { ActionInputs } from "./inputs.js";

type Runner = (cmd: string, args: readonly string[], opts?: RunOptions) => Promise<RunResult>;

export interface SetupDeps {
  runner: Runner;
  binfmtOk: () => Promise<boolean>;
  root: () => boolean;
  hostArch: string;
  /** The bundled CLI, for `doctor --fix --only binfmt`. */
  cli: string;
}

const defaults = (): SetupDeps => ({
  runner: run,
  binfmtOk: async () => (await checkBinfmt()).ok,
  root: isRoot,
  hostArch: arch(),
  // The action runs as `node dist/index.js`; the bundled CLI sits beside it.
  cli: join(dirname(process.argv[1] ?? "dist/index.js"), "cli", "index.js"),
});

/** Commands that start containers of the images (smoke, bench); builds cross-compile and need no QEMU. */
export function needsQemu(i: ActionInputs, hostArch: string): boolean {
  if (i.command !== "release" && i.command !== "bench") return false;
  const foreign = hostArch === "arm64" ? "linux/amd64" : "linux/arm64";
  return i.platforms.length === 0 || i.platforms.some((p) => p === foreign || p === foreign.split("/")[1]);
}

/** Registers QEMU when it is needed and missing; returns what it did (or why it could not). */
export async function ensureQemu(i: ActionInputs, log: Logger, deps: SetupDeps = defaults()): Promise<string> {
  if (!needsQemu(i, deps.hostArch)) return "not needed";
  if (await deps.binfmtOk()) return "already registered";
  const doctor = [process.execPath, deps.cli, "doctor", "--fix", "--only", "binfmt"];
  let cmd = doctor;
  if (!deps.root()) {
    const sudo = await deps.runner("sudo", ["-n", "true"]).catch(() => undefined);
    if (sudo?.code !== 0) {
      log.warn(
        "QEMU binfmt for arm64 is not registered and this step is not root (no passwordless sudo): arm64 smoke and bench runs will fail. Run `sudo npx kimigayo doctor --fix --only binfmt` first.",
      );
      return "missing (not root)";
    }
    cmd = ["sudo", "-n", "-E", ...doctor];
  }
  const end = log.step("register QEMU binfmt for arm64");
  const r = await deps.runner(cmd[0]!, cmd.slice(1));
  end();
  if (r.code !== 0) {
    log.warn(`registering QEMU failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
    return "failed";
  }
  return `registered (${cmd.join(" ")})`;
}

/** With the buildx engine, makes sure the current builder can export an OCI layout (docker-container driver). */
export async function ensureBuildxBuilder(i: ActionInputs, log: Logger, deps: Pick<SetupDeps, "runner"> = defaults()): Promise<string> {
  if (i.engine === "oci" || (i.command !== "build" && i.command !== "release")) return "not needed";
  const plugin = await buildxAvailable(deps.runner);
  if (!plugin.ok) return i.engine === "buildx" ? `buildx missing: ${plugin.reason}` : "buildx not available; the oci engine will be used";
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
