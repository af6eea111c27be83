/**
 * smoke: an image, run for real. Pull by digest, `busybox true`, and a boot of /sbin/init to the
 * ready line followed by `docker stop` (arm64 under QEMU on an amd64 host).
 */
import { spawn } from "node:child_process";
import { dockerBin } from "../lib/docker.js";
import { run } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";

export const READY_LINE = /^kimigayo: ready in (\d+) ms \((\d+) services\)$/;

export interface BootResult {
  line: string;
  readyMs: number;
  services: number;
  /** Wall time from `docker run` to the ready line. */
  wallMs: number;
}

/** Starts `image` with /sbin/init as `name` and resolves at its ready line (the container keeps running). */
export async function bootToReady(image: string, name: string, opts: { platform?: string; timeoutMs?: number } = {}): Promise<BootResult> {
  const t0 = Date.now();
  const args = ["run", "-d", "--name", name, ...(opts.platform ? ["--platform", opts.platform] : []), image, "/sbin/init"];
  const started = await run(dockerBin(), args);
  if (started.code !== 0) throw new Error(`docker ${args.join(" ")} failed: ${started.stderr.trim()}`);
  return new Promise((resolve, reject) => {
    const logs = spawn(dockerBin(), ["logs", "-f", name]);
    let buf = "";
    const timer = setTimeout(() => {
      logs.kill();
      reject(new Error(`${image}: no ready line within ${(opts.timeoutMs ?? 60_000) / 1000} s; output:\n${buf}`));
    }, opts.timeoutMs ?? 60_000);
    const onData = (b: Buffer) => {
      buf += b.toString();
      const line = buf.split("\n").find((l) => READY_LINE.test(l.trim()));
      if (!line) return;
      clearTimeout(timer);
      logs.kill();
      const m = READY_LINE.exec(line.trim())!;
      resolve({ line: line.trim(), readyMs: Number(m[1]), services: Number(m[2]), wallMs: Date.now() - t0 });
    };
    logs.stdout.on("data", onData);
    logs.stderr.on("data", onData);
    logs.on("error", reject);
  });
}

export interface SmokeResult {
  image: string;
  platform: string;
  busyboxTrue: boolean;
  boot: BootResult;
  stopMs: number;
  exitCode: number;
}

/** Pulls `image` (a reference by digest) for `platform`, runs `busybox true`, boots it and stops it. */
export async function smoke(image: string, platform: string, log: Logger): Promise<SmokeResult> {
  const d = dockerBin();
  const pull = await run(d, ["pull", "--platform", platform, image]);
  if (pull.code !== 0) throw new Error(`docker pull ${image} failed: ${pull.stderr.trim()}`);
  const t = await run(d, ["run", "--rm", "--platform", platform, image, "busybox", "true"]);
  if (t.code !== 0) throw new Error(`${image} (${platform}): busybox true exited ${t.code}: ${t.stderr.trim()}`);
  const name = `kimigayo-smoke-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    const boot = await bootToReady(image, name, { platform });
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
