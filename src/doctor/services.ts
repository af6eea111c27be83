/** The two daemons the pipeline talks to: dockerd and a local registry on 127.0.0.1:5000. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { dockerBin, DEFAULT_REGISTRY } from "../lib/docker.js";
import { run, runChecked, spawnDetached, which } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";
import { findProcesses, systemdIsInit, tail, waitFor } from "./host.js";
import type { CheckResult } from "./types.js";

// ---------------------------------------------------------------- dockerd

const DOCKERD_LOG = "/var/log/kimigayo-dockerd.log";
const DOCKERD_WAIT_MS = 30_000;

/**
 * `docker info` through the client the pipeline uses. Plain output, not --format: with a
 * template the 20.10 client hides why it could not reach the daemon.
 */
export async function checkDockerd(): Promise<CheckResult> {
  const bin = dockerBin();
  const r = await run(bin, ["info"], { timeoutMs: 20_000 }).catch((e: NodeJS.ErrnoException) => ({
    code: -1,
    stdout: "",
    stderr: e.code === "ENOENT" ? `no docker client (${bin} not found)` : `${bin}: ${e.code ?? e.message}`,
  }));
  const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.+)$`, "m").exec(r.stdout)?.[1]?.trim();
  const version = field("Server Version");
  if (r.code === 0 && version) {
    const driver = field("Storage Driver");
    return { ok: true, detail: `Docker Engine ${version}${driver ? `, storage ${driver}` : ""} (docker info via ${bin})` };
  }
  const lines = `${r.stdout}\n${r.stderr}`.split("\n").map((l) => l.trim());
  const why =
    lines
      .find((l) => /^ERROR:|Cannot connect|permission denied|error during connect|not found/i.test(l) && !l.startsWith("WARNING"))
      ?.replace(/^ERROR:\s*/, "") ??
    lines.find((l) => l !== "") ??
    `exit ${r.code}`;
  const hint = /permission denied/i.test(why) ? " (run as root, or add this user to the docker group)" : "";
  return { ok: false, detail: `docker info failed: ${why}${hint}` };
}

async function dockerAnswers(): Promise<boolean> {
  return (await checkDockerd()).ok;
}

/** Starts dockerd unless one already runs: through systemd when it is init, else detached. */
export async function startDockerd(log: Logger): Promise<string[]> {
  if (await dockerAnswers()) return [];
  const host = process.env.DOCKER_HOST;
  if (host && host !== "unix:///var/run/docker.sock") {
    throw new Error(`DOCKER_HOST=${host} points at another daemon; doctor starts only the local one (unset DOCKER_HOST to use it)`);
  }
  const running = findProcesses((p) => p.comm === "dockerd");
  if (running.length > 0) {
    const pids = running.map((p) => p.pid).join(", ");
    log.info(`dockerd (pid ${pids}) is running but does not answer yet; waiting up to ${DOCKERD_WAIT_MS / 1000} s`);
    if (await waitFor(dockerAnswers, { timeoutMs: DOCKERD_WAIT_MS })) return [`waited for the running dockerd (pid ${pids})`];
    throw new Error(`dockerd (pid ${pids}) runs but docker info still fails: ${(await checkDockerd()).detail}`);
  }
  if (systemdIsInit()) {
    await runChecked("systemctl", ["start", "docker"]);
    if (await waitFor(dockerAnswers, { timeoutMs: DOCKERD_WAIT_MS })) return ["systemctl start docker"];
    throw new Error(`systemctl start docker ran but docker info still fails; see journalctl -u docker`);
  }
  const dockerd = await which("dockerd");
  if (!dockerd) throw new Error("dockerd is not installed (apt-get install docker.io)");
  const end = log.step(`starting dockerd (log ${DOCKERD_LOG})`);
  const child = await spawnDetached(dockerd, [], { logFile: DOCKERD_LOG, cwd: "/" });
  const up = await waitFor(dockerAnswers, { timeoutMs: DOCKERD_WAIT_MS, stop: () => child.exitStatus() !== undefined });
  end();
  if (!up) {
    const status = child.exitStatus();
    const how = status ? `exited (${status.signal ?? `code ${status.code}`})` : `did not answer within ${DOCKERD_WAIT_MS / 1000} s`;
    throw new Error(`dockerd (pid ${child.pid}) ${how}; last lines of ${DOCKERD_LOG}:\n${tail(DOCKERD_LOG)}`);
  }
  return [`started dockerd (pid ${child.pid}, log ${DOCKERD_LOG})`];
}

// ---------------------------------------------------------------- registry

export const REGISTRY_CONFIG = "/etc/kimigayo/registry.yml";
const REGISTRY_STORAGE = "/var/lib/kimigayo-registry";
const REGISTRY_LOG = "/var/log/kimigayo-registry.log";
const REGISTRY_WAIT_MS = 20_000;

/** The docker-registry (distribution 2.8) configuration doctor writes. */
export function registryConfig(opts: { addr?: string; rootdirectory?: string } = {}): string {
  return [
    "# Written by `kimigayo doctor --fix`: the local registry the pipeline pushes to.",
    "version: 0.1",
    "log:",
    "  level: info",
    "storage:",
    "  filesystem:",
    `    rootdirectory: ${opts.rootdirectory ?? REGISTRY_STORAGE}`,
    "  delete:",
    "    enabled: true",
    "http:",
    `  addr: ${opts.addr ?? DEFAULT_REGISTRY}`,
    "  headers:",
    "    X-Content-Type-Options: [nosniff]",
    "",
  ].join("\n");
}

export type RegistryProbe =
  | { state: "ok"; detail: string }
  /** Nothing listens on the port. */
  | { state: "free"; detail: string }
  /** Something listens that is not an open registry. */
  | { state: "taken"; detail: string };

/** GET http://ADDR/v2/: 200 with a Docker-Distribution-Api-Version header is a usable registry. */
export async function probeRegistry(addr = DEFAULT_REGISTRY, timeoutMs = 3000): Promise<RegistryProbe> {
  const url = `http://${addr}/v2/`;
  let res: Response;
  // A timer of our own, not AbortSignal.timeout: that one is unref'd and would not keep the process alive.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    res = await fetch(url, { signal: abort.signal });
    await res.body?.cancel().catch(() => undefined);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code === "ECONNREFUSED") return { state: "free", detail: `nothing listens on ${addr}` };
    const why = abort.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? String(e));
    return { state: "taken", detail: `port ${addr} is held by something that does not answer like a registry (GET ${url}: ${why})` };
  } finally {
    clearTimeout(timer);
  }
  const api = res.headers.get("docker-distribution-api-version");
  if (res.status === 200 && api) return { state: "ok", detail: `registry (${api}) answers ${url}` };
  if (api && res.status === 401) {
    return {
      state: "taken",
      detail: `a registry on ${addr} requires authentication (GET ${url}: HTTP 401); the pipeline needs an open one`,
    };
  }
  return {
    state: "taken",
    detail: `port ${addr} is held by something that is not a registry (GET ${url}: HTTP ${res.status}${api ? "" : ", no Docker-Distribution-Api-Version header"})`,
  };
}

export async function checkRegistry(): Promise<CheckResult> {
  const p = await probeRegistry();
  return { ok: p.state === "ok", detail: p.detail };
}

async function registryAnswers(): Promise<boolean> {
  return (await probeRegistry()).state === "ok";
}

/** Writes the config file when its content differs; returns the actions taken. */
function writeRegistryConfig(file = REGISTRY_CONFIG): string[] {
  const want = registryConfig();
  if (existsSync(file) && readFileSync(file, "utf8") === want) return [];
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, want);
  return [`wrote ${file}`];
}

/** Starts `docker-registry serve /etc/kimigayo/registry.yml` detached, unless a registry already answers. */
export async function startRegistry(log: Logger): Promise<string[]> {
  const probe = await probeRegistry();
  if (probe.state === "ok") return [];
  if (probe.state === "taken") throw new Error("not started: find what holds the port with ss -ltnp 'sport = :5000', stop it and rerun");
  const actions = writeRegistryConfig();
  mkdirSync(REGISTRY_STORAGE, { recursive: true });
  const ours = findProcesses((p) => p.argv.includes("serve") && p.argv.includes(REGISTRY_CONFIG));
  if (ours.length > 0) {
    const pids = ours.map((p) => p.pid).join(", ");
    log.info(`docker-registry (pid ${pids}) is running but does not answer yet; waiting`);
    if (await waitFor(registryAnswers, { timeoutMs: REGISTRY_WAIT_MS }))
      return [...actions, `waited for the running docker-registry (pid ${pids})`];
    throw new Error(`docker-registry (pid ${pids}) runs but ${DEFAULT_REGISTRY} does not answer; see ${REGISTRY_LOG}`);
  }
  const bin = await which("docker-registry");
  if (!bin) throw new Error("docker-registry is not installed (apt-get install docker-registry)");
  const end = log.step(`starting docker-registry (log ${REGISTRY_LOG})`);
  const child = await spawnDetached(bin, ["serve", REGISTRY_CONFIG], { logFile: REGISTRY_LOG, cwd: "/" });
  const up = await waitFor(registryAnswers, { timeoutMs: REGISTRY_WAIT_MS, intervalMs: 250, stop: () => child.exitStatus() !== undefined });
  end();
  if (!up) {
    const status = child.exitStatus();
    const how = status ? `exited (${status.signal ?? `code ${status.code}`})` : `did not answer within ${REGISTRY_WAIT_MS / 1000} s`;
    throw new Error(`docker-registry (pid ${child.pid}) ${how}; last lines of ${REGISTRY_LOG}:\n${tail(REGISTRY_LOG)}`);
  }
  return [...actions, `started docker-registry (pid ${child.pid}, ${REGISTRY_CONFIG}, log ${REGISTRY_LOG})`];
}
