/**
 * The Docker engine as the bench uses it: timed `docker` invocations, containers it names and
 * always removes, and the stop of a boot (the boot itself is bootToReady in src/lib/docker.ts).
 */
import { spawnSync } from "node:child_process";
import { dockerBin, dockerRunArgs, type Booted } from "../lib/docker.js";
import { UsageError } from "../lib/errors.js";
import { run, type RunResult } from "../lib/exec.js";
import { z } from "zod";
import { parseDocument } from "../lib/saved.js";

export interface Timed extends RunResult {
  ms: number;
}

/** Runs `docker ARGS` and measures its wall time with the monotonic clock. */
export async function timedDocker(args: readonly string[], opts: { timeoutMs?: number; input?: Buffer } = {}): Promise<Timed> {
  const t0 = process.hrtime.bigint();
  const r = await run(dockerBin(), args, { timeoutMs: opts.timeoutMs ?? 120_000, ...(opts.input ? { input: opts.input } : {}) });
  return { ...r, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function firstLine(s: string): string {
  return (
    s
      .trim()
      .split("\n")
      .find((l) => l.trim() !== "")
      ?.trim() ?? ""
  );
}

/** The engine's version and cgroup version; a UsageError naming DOCKER_HOST when no daemon answers. */
export async function checkDaemon(): Promise<{ version: string; cgroup: "v1" | "v2" | "unknown" }> {
  let r: RunResult;
  try {
    r = await run(dockerBin(), ["version", "--format", "{{.Server.Version}}"], { timeoutMs: 30_000 });
  } catch (e) {
    throw new UsageError(`cannot run the docker client ${dockerBin()}: ${(e as Error).message}; install docker.io (kimigayo doctor --fix)`);
  }
  const version = r.stdout.trim();
  if (r.code !== 0 || version === "") {
    const host = process.env.DOCKER_HOST ? `DOCKER_HOST=${process.env.DOCKER_HOST}` : "the default socket /var/run/docker.sock";
    const why = firstLine(r.stderr) || `docker version exited with ${r.code}`;
    throw new UsageError(
      `cannot reach the Docker daemon at ${host}: ${why} Start dockerd (kimigayo doctor --fix) or point DOCKER_HOST at a running one.`,
    );
  }
  const info = await run(dockerBin(), ["info", "--format", "{{.CgroupVersion}}"], { timeoutMs: 30_000 });
  const cg = info.stdout.trim();
  return { version, cgroup: cg === "1" ? "v1" : cg === "2" ? "v2" : "unknown" };
}

export interface ImageInfo {
  id: string;
  os: string;
  architecture: string;
  variant?: string;
}

/** The fields of `docker image inspect`'s JSON read here. */
const imageInspectSchema = z.looseObject({
  Id: z.string().optional(),
  Os: z.string().optional(),
  Architecture: z.string().optional(),
  Variant: z.string().optional(),
});

/** The local image `ref` (tag or ID), or undefined when the engine does not have it. */
export async function inspectImage(ref: string): Promise<ImageInfo | undefined> {
  // {{.Variant}} is not in engine 20.10's image inspect; the JSON has it when the engine records it.
  const r = await run(dockerBin(), ["image", "inspect", "--format", "{{json .}}", ref], { timeoutMs: 30_000 });
  if (r.code !== 0) return undefined;
  const j = parseDocument(r.stdout, imageInspectSchema, { where: `docker image inspect ${ref}`, what: "an image's JSON" });
  if (!j.Id || !j.Os || !j.Architecture) return undefined;
  return { id: j.Id, os: j.Os, architecture: j.Architecture, ...(j.Variant ? { variant: j.Variant } : {}) };
}

/** `docker load` of a docker-archive tar. */
export async function loadArchive(archive: Buffer): Promise<void> {
  const r = await run(dockerBin(), ["load", "--quiet"], { input: archive, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`docker load failed: ${firstLine(r.stderr) || r.stdout.trim()}`);
}

/** Names for the containers this process starts; each one is removed at the end (or on Ctrl-C). */
export class ContainerNames {
  private n = 0;
  private readonly live = new Set<string>();
  private readonly onSignal = () => {
    this.removeAllSync();
    process.exit(130);
  };

  constructor(private readonly prefix = `kimigayo-bench-${process.pid}`) {
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  next(): string {
    const name = `${this.prefix}-${++this.n}`;
    this.live.add(name);
    return name;
  }

  /** The container is gone (--rm after its exit, or removed). */
  gone(name: string): void {
    this.live.delete(name);
  }

  async remove(name: string): Promise<void> {
    await run(dockerBin(), ["rm", "-f", name], { timeoutMs: 60_000 }).catch(() => undefined);
    this.live.delete(name);
  }

  async removeAll(): Promise<void> {
    for (const name of [...this.live]) await this.remove(name);
    process.removeListener("SIGINT", this.onSignal);
    process.removeListener("SIGTERM", this.onSignal);
  }

  private removeAllSync(): void {
    for (const name of this.live) spawnSync(dockerBin(), ["rm", "-f", name], { stdio: "ignore", timeout: 30_000 });
    this.live.clear();
  }
}

/** `docker stop -t 10 NAME`, timed; then waits for the attached `docker run` to exit and returns its code. */
export async function stopBooted(b: Booted): Promise<{ stopMs: number; exitCode: number }> {
  const stop = await timedDocker(["stop", "-t", "10", b.name], { timeoutMs: 60_000 });
  if (stop.code !== 0) throw new Error(`docker stop ${b.name} failed: ${firstLine(stop.stderr)}`);
  const exitCode = await Promise.race([b.exited, new Promise<number>((res) => setTimeout(() => res(-1), 30_000))]);
  if (exitCode === -1) b.child.kill("SIGKILL");
  return { stopMs: stop.ms, exitCode };
}

/** `docker run -d` of an idle container (for docker exec), waiting until it runs. */
export async function startIdle(image: string, name: string, opts: { platform?: string; extra?: string[] } = {}): Promise<void> {
  const args = dockerRunArgs(image, name, { ...opts, detach: true, remove: true, command: ["sleep", "3600"] });
  const r = await run(dockerBin(), args, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`docker run -d ${image} sleep 3600 failed: ${firstLine(r.stderr)}`);
}

/** The container's full ID and its init's PID on the host. */
export async function containerIds(name: string): Promise<{ id: string; pid: number }> {
  const r = await run(dockerBin(), ["inspect", "--format", "{{.Id}} {{.State.Pid}}", name], { timeoutMs: 30_000 });
  const [id, pid] = r.stdout.trim().split(/\s+/);
  if (r.code !== 0 || !id || !pid) throw new Error(`docker inspect ${name} failed: ${firstLine(r.stderr)}`);
  return { id, pid: Number(pid) };
}

export { firstLine };
