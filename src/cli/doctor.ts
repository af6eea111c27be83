import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Config } from "../config/schema.js";
import { doctor, formatDoctor, debianOrigTarball, type DoctorItem, type DoctorResult } from "../doctor/index.js";
import { exists } from "../lib/cache.js";
import { run } from "../lib/exec.js";
import { selfCommand } from "../lib/self.js";
import { sha256File } from "../lib/hash.js";
import type { Logger } from "../lib/log.js";
import { fetchSource, sourceCachePath } from "../build/source.js";
import { parseDoctorResult } from "../doctor/child-result.js";
import { commonOptions, parseCommandArgs, str } from "./args.js";
import type { Command, CommandContext, CommandOptions } from "./command.js";

const USAGE = `usage: kimigayo doctor [--fix] [--only ID,...] [--config FILE] [--json]

Checks each host prerequisite (cross toolchains, musl, QEMU binfmt, dockerd, the local
registry at 127.0.0.1:5000, skopeo, gpgv, the pinned BusyBox source) and prints ✓ or ✗ with the fix.
  --fix   install the Debian/Ubuntu packages and start what is missing (idempotent; needs root)
  --only  check only these prerequisites (and what they need)`;

/** Debian's source package that carries each upstream BusyBox release as its orig tarball. */
const DEBIAN_SOURCE_VERSIONS: Record<string, string> = { "1.38.0": "1:1.38.0-3" };

export interface DoctorOptions extends CommandOptions {
  fix: boolean;
  only?: string[];
}

function parseDoctorOptions(argv: string[]): DoctorOptions {
  const o = parseCommandArgs("doctor", argv, { fix: { type: "boolean" }, only: { type: "string" } }, USAGE);
  const only = str(o.only)
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return { ...commonOptions(o), fix: o.fix === true, ...(only ? { only } : {}) };
}

/** `kimigayo doctor`: each host prerequisite, and the pinned BusyBox source; --fix installs what is missing. */
async function checkHost(ctx: CommandContext, o: DoctorOptions): Promise<DoctorResult> {
  const wantSource = !o.only || o.only.includes("busybox-source");
  const only = o.only?.filter((id) => id !== "busybox-source");
  const host = await doctor({ fix: o.fix, log: ctx.log, elevate: (ids) => doctorAsRoot(ids, ctx.log), ...(only ? { only } : {}) });
  const items = [...host.items];
  if (wantSource) items.push(await busyboxSource(await ctx.config(o.config), o.fix, ctx.log));
  const result: DoctorResult = { ok: items.every((i) => i.ok), items };
  ctx.log.info(formatDoctor(result));
  return result;
}

export const doctorCommand: Command<DoctorOptions, DoctorResult> = {
  name: "doctor",
  summary: "check host prerequisites; --fix installs and starts what is missing",
  usage: USAGE,
  parse: parseDoctorOptions,
  run: checkHost,
  json: (r) => r,
  // The list above already says what is missing and how to fix it.
  failure: (r) => (r.ok ? undefined : ""),
};

/**
 * A non-root user's --fix: the host part runs as `sudo -n kimigayo doctor --fix --only IDS --json`
 * (this CLI again; its log streams through), the BusyBox source stays in this user's cache.
 */
async function doctorAsRoot(ids: string[], log: Logger): Promise<Map<string, string[]>> {
  const argv = ["-n", "-E", ...selfCommand(), "doctor", "--fix", "--only", ids.join(","), "--json"];
  const end = log.step(`sudo kimigayo doctor --fix --only ${ids.join(",")}`);
  let pending = "";
  const r = await run("sudo", argv, {
    onOutput: (text, stream) => {
      if (stream !== "stderr") return;
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) log.info(`  ${line}`);
    },
  });
  end();
  let result: DoctorResult;
  try {
    result = parseDoctorResult(r.stdout, "the output of sudo kimigayo doctor --fix --json");
  } catch (err) {
    // No JSON at all: the child failed before it could print its result; its last lines say why.
    if (!r.stdout.trim().startsWith("{"))
      throw new Error(`sudo kimigayo doctor --fix exited with ${r.code}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
    throw err;
  }
  return new Map(result.items.map((i) => [i.id, i.fixed]));
}

/**
 * The pinned BusyBox tarball, in the cache. --fix fetches it from the configured mirrors, and on a
 * machine that cannot reach them, from Debian's source package, whose orig tarball is the
 * upstream release byte for byte (the sha256 pin is checked either way).
 */
async function busyboxSource(cfg: Config, fix: boolean, log: Logger): Promise<DoctorItem> {
  const { version, sha256 } = cfg.busybox;
  const path = sourceCachePath(sha256);
  const debVersion = DEBIAN_SOURCE_VERSIONS[version];
  const item: DoctorItem = {
    id: "busybox-source",
    title: `BusyBox ${version} source`,
    ok: false,
    detail: "",
    fixHint: `kimigayo doctor --fix (fetches ${cfg.busybox.urls[0] ?? "the configured URL"}${debVersion ? `, or apt-get source busybox=${debVersion}` : ""})`,
    fixed: [],
  };
  const cached = async () => (await exists(path)) && (await sha256File(path)) === sha256;
  if (await cached()) return { ...item, ok: true, detail: `cached, sha256 ${sha256.slice(0, 12)}… verified (${path})` };
  if (!fix) return { ...item, detail: `not in the cache (${path})` };
  try {
    const r = await fetchSource(cfg, { log, attempts: 1 });
    return { ...item, ok: true, detail: `cached from ${r.url ?? "the cache"}`, fixed: [`fetched ${r.url}`] };
  } catch (e) {
    log.info(
      `busybox-source: the configured URLs failed (${(e as Error).message.split("\n")[1]?.trim() ?? ""}); trying Debian's source package`,
    );
  }
  if (!debVersion) return { ...item, detail: `no configured URL answered, and no Debian source version is known for BusyBox ${version}` };
  const dir = await mkdtemp(join(tmpdir(), "kimigayo-debsrc-"));
  try {
    const deb = await debianOrigTarball({ sourcePackageVersion: debVersion, dest: dir, log });
    const r = await fetchSource({ ...cfg, busybox: { ...cfg.busybox, urls: [deb.tarball] } }, { log, attempts: 1 });
    return {
      ...item,
      ok: true,
      detail: `cached from Debian's busybox ${debVersion} orig tarball, sha256 verified`,
      fixed: [`apt-get source busybox=${debVersion}`, `cached ${r.tarball}`],
    };
  } catch (e) {
    return { ...item, detail: `could not obtain it: ${(e as Error).message}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
