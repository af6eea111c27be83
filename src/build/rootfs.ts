/**
 * rootfs stage: BusyBox binary + configs/ files + variant -> one deterministic layer tar and
 * its file list. The same inputs give the same bytes: entries sorted, mtime = SOURCE_DATE_EPOCH,
 * uid/gid 0, fixed modes (all normalisation lives in src/lib/tar.ts).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, posix, resolve } from "node:path";
import type { Config, Platform, VariantConfig } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import { sha256 } from "../lib/hash.js";
import { archOf } from "../lib/platform.js";
import type { Logger } from "../lib/log.js";
import { tarEntryBytes, writeTar, TAR_END_BYTES, type TarEntry } from "../lib/tar.js";
import type { BusyboxBuild } from "./busybox.js";

export const RUNLEVELS = ["sysinit", "boot", "default", "shutdown"] as const;
export type Runlevel = (typeof RUNLEVELS)[number];

export interface Service {
  runlevel: Runlevel;
  name: string;
  /** BusyBox applets it needs; empty for shell-only services. */
  applets: string[];
  /** Applets it uses when the variant has them ("name?" in the list). */
  optional: string[];
  /** Set when BusyBox has no equivalent: the reason, shown at build time. */
  unavailable?: string;
  file: string;
  line: number;
}

/** Parses a services list, following `include <file>` lines (relative to the including file). */
export async function readServices(path: string, seen: string[] = []): Promise<Service[]> {
  const file = resolve(path);
  if (seen.includes(file)) throw new UsageError(`include cycle: ${[...seen, file].join(" -> ")}`, { file });
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new UsageError(`services list not found: ${file}`, { file });
  }
  const out: Service[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    const s = lines[i]!.replace(/#.*$/, "").trim();
    if (s === "") continue;
    const parts = s.split(/\s+/);
    if (parts[0] === "include" && parts.length === 2) {
      out.push(...(await readServices(resolve(dirname(file), parts[1]!), [...seen, file])));
      continue;
    }
    const [runlevel, name, need, ...why] = parts;
    const where = { file, line };
    if (!RUNLEVELS.includes(runlevel as Runlevel)) {
      throw new UsageError(`"${runlevel}" is not a runlevel; allowed: ${RUNLEVELS.join(", ")} (or "include <file>")`, where);
    }
    if (!name || !/^[a-z][a-z0-9.-]*$/.test(name)) throw new UsageError(`service name "${name ?? ""}" must match [a-z][a-z0-9.-]*`, where);
    if (!need) throw new UsageError(`service ${name}: name the BusyBox applets it needs ("-" for none, or "none <reason>")`, where);
    if (need === "none") {
      if (why.length === 0) throw new UsageError(`service ${name}: say why BusyBox has no equivalent after "none"`, where);
      out.push({ runlevel: runlevel as Runlevel, name, applets: [], optional: [], unavailable: why.join(" "), file, line });
      continue;
    }
    if (why.length > 0) throw new UsageError(`service ${name}: unexpected "${why.join(" ")}" after the applet list`, where);
    const names = need === "-" ? [] : need.split(",");
    const bad = names.find((a) => !/^[a-z0-9_.[-]+\??$/.test(a));
    if (bad !== undefined)
      throw new UsageError(`service ${name}: "${bad}" is not an applet name (write name or name?, comma-separated)`, where);
    const applets = names.filter((a) => !a.endsWith("?"));
    const optional = names.filter((a) => a.endsWith("?")).map((a) => a.slice(0, -1));
    out.push({ runlevel: runlevel as Runlevel, name, applets, optional, file, line });
  }
  const dup = out.find((s, i) => out.findIndex((o) => o.runlevel === s.runlevel && o.name === s.name) !== i);
  if (dup) throw new UsageError(`service ${dup.name} is listed twice in runlevel ${dup.runlevel}`, { file: dup.file, line: dup.line });
  return out;
}

/**
 * Services whose applets the variant's BusyBox lacks are a configuration error. Returns what the
 * build should report: optional applets the variant does not have.
 */
export function checkServices(services: Service[], applets: Set<string>, variant: VariantConfig): string[] {
  const problems = services.flatMap((s) =>
    s.applets
      .filter((a) => !applets.has(a))
      .map((a) => ({
        s,
        msg: `${s.file}:${s.line}: service ${s.name} needs the ${a} applet, which the ${variant.name} BusyBox (${variant.busyboxConfig}) does not include; enable it there or drop the service`,
      })),
  );
  if (problems.length > 0) {
    throw new UsageError(problems.map((p) => p.msg).join("\n"), { file: problems[0]!.s.file, line: problems[0]!.s.line });
  }
  return services.flatMap((s) =>
    s.optional.filter((a) => !applets.has(a)).map((a) => `service ${s.name} runs without ${a} (not in this variant)`),
  );
}

/** /etc/kimigayo/services as kimigayo-rc reads it: "<runlevel> <service>"; unavailable ones as comments. */
export function renderServices(services: Service[]): string {
  const lines = ["# Generated by kimigayo build from the variant's services list.", "# <runlevel> <service>"];
  for (const s of services) {
    lines.push(s.unavailable ? `# ${s.runlevel} ${s.name}: not available (${s.unavailable})` : `${s.runlevel} ${s.name}`);
  }
  return `${lines.join("\n")}\n`;
}

export interface RootfsFileInfo {
  path: string;
  type: TarEntry["type"];
  /** Content bytes (0 for directories and links). */
  size: number;
  /** Bytes in the layer tar: headers plus padded content. */
  tarBytes: number;
}

export interface RootfsResult {
  variant: string;
  platform: Platform;
  tar: string;
  /** Uncompressed size: the layer tar's bytes. */
  size: number;
  sha256: string;
  files: RootfsFileInfo[];
  services: { started: string[]; unavailable: { name: string; reason: string }[]; notes: string[] };
}

const BASE_DIRS: [string, number][] = [
  ["bin", 0o755],
  ["dev", 0o755],
  ["etc", 0o755],
  ["etc/kimigayo", 0o755],
  ["proc", 0o555],
  ["root", 0o700],
  ["run", 0o755],
  ["sbin", 0o755],
  ["sys", 0o555],
  ["tmp", 0o1777],
  ["usr", 0o755],
  ["usr/bin", 0o755],
  ["usr/sbin", 0o755],
  ["var", 0o755],
  ["var/log", 0o755],
];

export function osRelease(cfg: Config, variant: VariantConfig): string {
  return [
    `NAME="Kimigayo OS"`,
    `ID=kimigayo`,
    `VERSION_ID=${cfg.version}`,
    `VERSION="${cfg.version} (${variant.name})"`,
    `PRETTY_NAME="Kimigayo OS ${cfg.version} (${variant.name})"`,
    `VARIANT="${variant.name}"`,
    `VARIANT_ID=${variant.name}`,
    `BUSYBOX_VERSION=${cfg.busybox.version}`,
    "",
  ].join("\n");
}

/** Assembles the layer's entries (pure: no I/O besides reading the configured files). */
export async function rootfsEntries(cfg: Config, variant: VariantConfig, bb: BusyboxBuild, services: Service[]): Promise<TarEntry[]> {
  const enc = (s: string) => new TextEncoder().encode(s);
  const files = new Map<string, TarEntry>();
  const add = (e: TarEntry) => {
    if (files.has(e.path))
      throw new UsageError(`two files want ${e.path} in the ${variant.name} rootfs`, { file: cfg.file, field: "files" });
    files.set(e.path, e);
  };
  const dirs = new Map<string, number>(BASE_DIRS);
  const needDir = (p: string) => {
    for (let d = posix.dirname(p); d !== "." && d !== "/"; d = posix.dirname(d)) if (!dirs.has(d)) dirs.set(d, 0o755);
  };

  add({ type: "file", path: "bin/busybox", mode: 0o755, data: await readFile(bb.binary) });
  for (const f of [...cfg.files, ...(variant.files ?? [])]) {
    const path = f.path.replace(/^\/+/, "");
    add({ type: "file", path, mode: f.mode, data: await readFile(f.src) });
    needDir(path);
  }
  add({ type: "file", path: "etc/os-release", mode: 0o644, data: enc(osRelease(cfg, variant)) });
  add({
    type: "file",
    path: "etc/passwd",
    mode: 0o644,
    data: enc("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
  });
  add({ type: "file", path: "etc/group", mode: 0o644, data: enc("root:x:0:\nnobody:x:65534:\n") });
  add({ type: "file", path: "etc/hostname", mode: 0o644, data: enc("kimigayo\n") });
  add({ type: "file", path: "etc/kimigayo/services", mode: 0o644, data: enc(renderServices(services)) });
  // Applet links: hard links to bin/busybox. In the layer tar a hard link and a symlink
  // each take one header; unpacked, a hard link takes no inode, so it is the smaller form.
  for (const a of bb.applets) {
    if (a.path === "bin/busybox" || files.has(a.path)) continue;
    add({ type: "hardlink", path: a.path, target: "bin/busybox" });
    needDir(a.path);
  }
  const entries: TarEntry[] = [...dirs].map(([path, mode]) => ({ type: "dir", path, mode }));
  return [...entries, ...files.values()];
}

export interface RootfsOptions {
  log: Logger;
  outDir: string;
  sourceDateEpoch: number;
}

export async function buildRootfs(cfg: Config, variant: VariantConfig, bb: BusyboxBuild, opts: RootfsOptions): Promise<RootfsResult> {
  const services = await readServices(variant.services);
  const notes = checkServices(services, new Set(bb.applets.map((a) => a.name)), variant);
  const entries = await rootfsEntries(cfg, variant, bb, services);
  const tar = writeTar(entries, { mtime: opts.sourceDateEpoch });
  const arch = archOf(bb.platform);
  const path = join(opts.outDir, "rootfs", `kimigayo-${variant.name}-${arch}.tar`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, tar);
  const files: RootfsFileInfo[] = entries
    .map((e) => ({ path: e.path, type: e.type, size: e.type === "file" ? e.data.length : 0, tarBytes: tarEntryBytes(e) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const accounted = files.reduce((n, f) => n + f.tarBytes, TAR_END_BYTES);
  if (accounted !== tar.length) throw new Error(`internal: file list accounts for ${accounted} bytes, the tar has ${tar.length}`);
  return {
    variant: variant.name,
    platform: bb.platform,
    tar: path,
    size: tar.length,
    sha256: sha256(tar),
    files,
    services: {
      started: services.filter((s) => !s.unavailable && s.runlevel !== "shutdown").map((s) => s.name),
      unavailable: services.filter((s) => s.unavailable).map((s) => ({ name: s.name, reason: s.unavailable! })),
      notes,
    },
  };
}
