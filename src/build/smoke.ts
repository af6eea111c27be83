/**
 * smoke: an image, run for real. Pull by digest (logged in with the step's credentials: a new
 * package is private), `busybox true`, and a boot of /sbin/init to the ready line followed by
 * `docker stop` (arm64 under QEMU on an amd64 host).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootToReady, dockerBin, dockerRunArgs, type Booted } from "../lib/docker.js";
import { run } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";
import { CREDENTIALS_HINT, redact, resolveCredentials, secretsOf, type Credentials, type CredentialSources } from "../oci/credentials.js";
import { DOCKER_HUB, parseReference } from "../oci/reference.js";

/** A boot as the smoke result records it (plain data). */
type BootResult = Pick<Booted, "line" | "readyMs" | "services" | "wallMs">;

export interface SmokeResult {
  image: string;
  platform: string;
  busyboxTrue: boolean;
  boot: BootResult;
  stopMs: number;
  exitCode: number;
}

/**
 * `docker pull --platform P IMAGE`. With credentials (the step's: a private package needs them;
 * the action's own registry client holds them, docker does not) docker logs in first, into a
 * temporary DOCKER_CONFIG folder of its own (the password on stdin, never in argv), which is
 * removed afterwards: the user's docker config is neither read nor changed. Without credentials,
 * docker's own config decides (an earlier `docker login`, or anonymous).
 */
async function dockerPull(image: string, platform: string, credentials?: Credentials): Promise<void> {
  const d = dockerBin();
  const secrets = secretsOf(credentials);
  const config = credentials ? await mkdtemp(join(tmpdir(), "kimigayo-docker-config-")) : undefined;
  try {
    const args = config ? ["--config", config] : [];
    if (config && credentials) {
      const host = parseReference(image).registry;
      // Docker Hub's login server is the client's default; any other registry is named.
      const server = host === DOCKER_HUB ? [] : [host];
      const login = await run(d, [...args, "login", "--username", credentials.username, "--password-stdin", ...server], {
        input: credentials.password,
      });
      if (login.code !== 0)
        throw new Error(
          redact(`docker login ${host} as ${credentials.username} failed (for docker pull ${image}): ${login.stderr.trim()}`, secrets),
        );
    }
    const pull = await run(d, [...args, "pull", "--platform", platform, image]);
    if (pull.code !== 0) {
      const why = pull.stderr.trim();
      const denied = /denied|unauthori[sz]ed|authentication required|no basic auth credentials/i.test(why);
      const hint = !denied
        ? ""
        : credentials
          ? `; the credentials for user ${credentials.username} give no read access to it (on GitHub: the job needs \`permissions: packages: read\`)`
          : `; the package is private (every new GHCR package is) or does not exist: ${CREDENTIALS_HINT}`;
      throw new Error(redact(`docker pull ${image} failed: ${why}${hint}`, secrets));
    }
  } finally {
    if (config) await rm(config, { recursive: true, force: true });
  }
}

/**
 * Pulls `image` (a reference by digest) for `platform` with the credentials the registry client
 * gets from `registry` (explicit, the environment's, docker's config.json), runs `busybox true`,
 * boots it and stops it.
 */
export async function smoke(image: string, platform: string, log: Logger, registry: CredentialSources = {}): Promise<SmokeResult> {
  const d = dockerBin();
  await dockerPull(image, platform, resolveCredentials(parseReference(image).registry, registry));
  const t = await run(d, dockerRunArgs(image, undefined, { remove: true, pull: "missing", platform, command: ["busybox", "true"] }));
  if (t.code !== 0) throw new Error(`${image} (${platform}): busybox true exited ${t.code}: ${t.stderr.trim()}`);
  const name = `kimigayo-smoke-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const booted = await bootToReady(image, name, { platform });
    const boot: BootResult = { line: booted.line, readyMs: booted.readyMs, services: booted.services, wallMs: Math.round(booted.wallMs) };
    const t0 = Date.now();
    const stop = await run(d, ["stop", "-t", "10", name]);
    const stopMs = Date.now() - t0;
    if (stop.code !== 0) throw new Error(`docker stop ${name} failed: ${stop.stderr.trim()}`);
    const code = Number((await run(d, ["inspect", "-f", "{{.State.ExitCode}}", name])).stdout.trim());
    log.info(`smoke ${platform} ${image}: busybox true ✓, ${boot.line} (${boot.wallMs} ms from docker run), docker stop ${stopMs} ms`);
    return { image, platform, busyboxTrue: true, boot, stopMs, exitCode: code };
  } finally {
    await run(d, ["rm", "-f", name]);
  }
}
