/**
 * source stage: busybox.{urls, sha256} -> a verified tarball in the content-addressed cache.
 * The sha256 is checked before anything is unpacked; mirrors are tried in order; http(s),
 * file:// URLs and local paths all work. With busybox.signature, the detached signature is
 * checked with gpgv against the configured key as well.
 */
import { fetchWithTimeout } from "../lib/keep-alive.js";
import { createWriteStream } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Config } from "../config/schema.js";
import { cacheRoot, exists } from "../lib/cache.js";
import { UsageError } from "../lib/errors.js";
import { sha256File } from "../lib/hash.js";
import type { Logger } from "../lib/log.js";
import { run } from "../lib/exec.js";
import { dearmor } from "../lib/openpgp.js";
import { RetryableError, withRetry } from "../lib/retry.js";

export interface SourceResult {
  tarball: string;
  sha256: string;
  hit: boolean;
  /** Where it came from on a miss. */
  url?: string;
  signature: "verified" | "not configured";
}

export interface SourceOptions {
  log: Logger;
  cacheDir?: string;
  /** Per-mirror attempts on transient errors (5xx, 429, resets). */
  attempts?: number;
}

export function sourceCachePath(sha256: string, cacheDir = cacheRoot()): string {
  return join(cacheDir, "sources", "sha256", sha256);
}

export async function fetchSource(cfg: Config, opts: SourceOptions): Promise<SourceResult> {
  const { busybox } = cfg;
  const target = sourceCachePath(busybox.sha256, opts.cacheDir);
  if (await exists(target)) {
    const got = await sha256File(target);
    if (got === busybox.sha256) {
      const signature = await checkSignature(cfg, target, undefined, opts);
      return { tarball: target, sha256: got, hit: true, signature };
    }
    opts.log.warn(`cached source ${target} is corrupt (sha256 ${got}); fetching it again`);
    await rm(target, { force: true });
  }
  await mkdir(dirname(target), { recursive: true });
  const failures: string[] = [];
  let mismatch = false;
  for (const url of busybox.urls) {
    const tmp = `${target}.tmp-${process.pid}`;
    try {
      const got = await withRetry(() => download(url, cfg.dir, tmp, opts.log), {
        attempts: opts.attempts ?? 3,
        onRetry: (e, n, ms) => opts.log.warn(`${url}: ${(e as Error).message}; retry ${n} in ${ms} ms`),
      });
      if (got !== busybox.sha256) {
        mismatch = true;
        failures.push(`${url}: sha256 is ${got}, expected ${busybox.sha256}`);
        await rm(tmp, { force: true });
        continue;
      }
      const signature = await checkSignature(cfg, tmp, url, opts);
      await rename(tmp, target);
      opts.log.info(`source: ${url} (sha256 ${got.slice(0, 12)}…, verified)`);
      return { tarball: target, sha256: got, hit: false, url, signature };
    } catch (e) {
      await rm(tmp, { force: true });
      if (e instanceof UsageError) throw e;
      failures.push(`${url}: ${(e as Error).message}`);
    }
  }
  const line = cfg.locations["busybox.urls"]?.line;
  const hint = mismatch
    ? `If the pin is wrong, correct busybox.sha256; otherwise the mirror serves a different file: remove it from busybox.urls.`
    : `Add a reachable mirror, a file:// URL or a local path to busybox.urls. On a machine without internet access to busybox.net, run \`kimigayo doctor --fix\`, which seeds the cache from Debian's identical orig tarball.`;
  throw new UsageError(
    `could not obtain BusyBox ${busybox.version} from any of ${busybox.urls.length} URL(s):\n  ${failures.join("\n  ")}\n${hint}`,
    {
      file: cfg.file,
      field: mismatch ? "busybox.sha256" : "busybox.urls",
      ...(line !== undefined ? { line } : {}),
    },
  );
}

/** Copies or downloads `url` to `dest`, hashing as it goes; returns the sha256. */
async function download(url: string, baseDir: string, dest: string, log: Logger): Promise<string> {
  const hash = createHash("sha256");
  if (/^https?:\/\//.test(url)) {
    const res = await fetchWithTimeout(url, {}, 60_000).catch((e: unknown) => {
      throw Object.assign(
        new Error(
          `cannot connect (${(e as Error).cause ? String((e as Error & { cause: Error }).cause.message ?? (e as Error).cause) : (e as Error).message})`,
        ),
        {
          code: ((e as Error & { cause?: { code?: string } }).cause?.code ?? "ECONNRESET") as string,
        },
      );
    });
    if (res.status >= 500 || res.status === 429) {
      const ra = Number(res.headers.get("retry-after"));
      throw new RetryableError(`HTTP ${res.status}`, Number.isFinite(ra) && ra > 0 ? ra * 1000 : undefined);
    }
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    const total = Number(res.headers.get("content-length")) || undefined;
    let done = 0;
    const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
    body.on("data", (b: Buffer) => {
      hash.update(b);
      done += b.length;
      log.progress(`downloading ${url}`, done, total);
    });
    await pipeline(body, createWriteStream(dest));
    return hash.digest("hex");
  }
  const path = url.startsWith("file://") ? fileURLToPath(url) : isAbsolute(url) ? url : resolve(baseDir, url);
  if (!(await exists(path))) throw new Error(`no such file: ${path}`);
  await copyFile(path, dest);
  return sha256File(dest);
}

/** Verifies the detached signature when busybox.signature is configured. */
async function checkSignature(
  cfg: Config,
  tarball: string,
  fromUrl: string | undefined,
  opts: SourceOptions,
): Promise<SourceResult["signature"]> {
  const sig = cfg.busybox.signature;
  if (!sig) return "not configured";
  const keyArmored = await readFile(sig.key, "utf8");
  const tmpDir = `${tarball}.sig-${process.pid}`;
  await mkdir(tmpDir, { recursive: true });
  try {
    const keyring = join(tmpDir, "keyring.gpg");
    let key: Buffer;
    try {
      key = dearmor(keyArmored);
    } catch {
      throw new UsageError(`${sig.key} is not an ASCII-armored OpenPGP public key`, { file: cfg.file, field: "busybox.signature.key" });
    }
    await writeFile(keyring, key);
    const candidates = sig.urls.length > 0 ? sig.urls : [...(fromUrl ? [fromUrl] : []), ...cfg.busybox.urls].map((u) => `${u}.asc`);
    const errors: string[] = [];
    for (const url of [...new Set(candidates)]) {
      const sigFile = join(tmpDir, "sig");
      try {
        await download(url, cfg.dir, sigFile, opts.log);
      } catch (e) {
        errors.push(`${url}: ${(e as Error).message}`);
        continue;
      }
      const r = await run("gpgv", ["--keyring", keyring, sigFile, tarball], { env: { ...process.env, LC_ALL: "C" } });
      if (r.code === 0) {
        opts.log.info(`source: signature verified (${url})`);
        return "verified";
      }
      throw new UsageError(`the signature ${url} does not verify the BusyBox tarball with key ${sig.key}:\n${r.stderr.trim()}`, {
        file: cfg.file,
        field: "busybox.signature",
      });
    }
    throw new UsageError(`no signature could be read:\n  ${errors.join("\n  ")}`, { file: cfg.file, field: "busybox.signature.urls" });
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
}
