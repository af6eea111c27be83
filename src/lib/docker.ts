import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { StringDecoder } from "node:string_decoder";

/**
 * The docker client to use. Debian's own client (/usr/bin/docker, from docker.io) matches the
 * engine and can build for another platform with BuildKit; a preinstalled newer client without
 * buildx falls back to the legacy builder. KIMIGAYO_DOCKER overrides.
 */
export function dockerBin(): string {
  const forced = process.env.KIMIGAYO_DOCKER;
  if (forced) return forced;
  return existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}

export const DEFAULT_REGISTRY = "127.0.0.1:5000";

/**
 * The line the image's rc prints when every service is up: "kimigayo: ready in 3.412 ms (3 services)"
 * (ash's $MONOTONIC_US, 1 µs), or "kimigayo: ready in 10 ms (3 services)" (/proc/uptime, 10 ms ticks).
 */
export const READY_LINE = /^kimigayo: ready in (\d+(?:\.\d{3})?) ms \((\d+) services\)$/;

export interface Booted {
  name: string;
  /** Wall time from spawning `docker run` to the ready line on its output. */
  wallMs: number;
  /** What the rc printed: boot to ready inside the container (0.001 ms, or 10 ms ticks without $MONOTONIC_US). */
  readyMs: number;
  services: number;
  line: string;
  /** Output so far (for error messages). */
  output(): string;
  /** Resolves with `docker run`'s exit code (the container's) once it has exited. */
  exited: Promise<number>;
  child: ChildProcess;
}

export interface BootOptions {
  platform?: string;
  /** More `docker run` options, before the image. */
  extra?: string[];
  timeoutMs?: number;
  /** What to run instead of /sbin/init. */
  command?: string[];
  /** `--rm`: the container goes when it exits (otherwise it stays for inspect and logs until removed). */
  remove?: boolean;
}

/**
 * The one builder of `docker run` arguments: `run [-d] [--rm] [--pull=never] [--name NAME]
 * [--platform P] [extra] IMAGE COMMAND…`. Never a pull unless `pull: "missing"` (docker's own
 * default, for an image just pulled by digest); a name when one is given.
 */
export function dockerRunArgs(
  image: string,
  name: string | undefined,
  opts: Pick<BootOptions, "platform" | "extra" | "remove"> & { command: string[]; detach?: boolean; pull?: "never" | "missing" },
): string[] {
  return [
    "run",
    ...(opts.detach ? ["-d"] : []),
    ...(opts.remove ? ["--rm"] : []),
    ...(opts.pull === "missing" ? [] : ["--pull=never"]),
    ...(name !== undefined ? ["--name", name] : []),
    ...(opts.platform ? ["--platform", opts.platform] : []),
    ...(opts.extra ?? []),
    image,
    ...opts.command,
  ];
}

/**
 * `docker run [--rm] --pull=never --name NAME [--platform P] [extra] IMAGE /sbin/init`, attached,
 * resolved at the ready line; the container keeps running (stop it with `docker stop NAME`). On a
 * timeout or an exit before the ready line it rejects with the output's tail; the container, if
 * any, is the caller's to remove.
 */
export function bootToReady(image: string, name: string, opts: BootOptions = {}): Promise<Booted> {
  const args = dockerRunArgs(image, name, { ...opts, command: opts.command ?? ["/sbin/init"] });
  const timeoutMs = opts.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(dockerBin(), args, { stdio: ["ignore", "pipe", "pipe"] });
    let buf = "";
    let done = false;
    const exited = new Promise<number>((res) =>
      child.on("close", (code, sig) => res(code ?? (sig ? 128 + (constants.signals[sig] ?? 0) : 1))),
    );
    const finish = (then: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      then();
    };
    const timer = setTimeout(
      () =>
        finish(() => {
          child.kill("SIGKILL");
          reject(new Error(`${image}: no ready line within ${timeoutMs / 1000} s of docker run; output:\n${buf.slice(-2000)}`));
        }),
      timeoutMs,
    );
    const onData = (decoder: StringDecoder) => (b: Buffer) => {
      buf += decoder.write(b);
      if (done) return;
      const line = buf
        .split("\n")
        .map((l) => l.trim())
        .find((l) => READY_LINE.test(l));
      if (!line) return;
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const m = READY_LINE.exec(line)!;
      finish(() => resolve({ name, wallMs, readyMs: Number(m[1]), services: Number(m[2]), line, output: () => buf, exited, child }));
    };
    child.stdout.on("data", onData(new StringDecoder("utf8")));
    child.stderr.on("data", onData(new StringDecoder("utf8")));
    child.on("error", (e) => finish(() => reject(e)));
    void exited.then((code) =>
      finish(() => reject(new Error(`${image}: docker run exited with ${code} before the ready line; output:\n${buf.slice(-2000)}`))),
    );
  });
}
