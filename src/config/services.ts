/**
 * A variant's services list (configs/services/*.list): which services start in which runlevel and
 * the BusyBox applets each needs. Read and checked with the configuration; the rootfs stage renders it.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "../lib/errors.js";
import type { VariantConfig } from "./schema.js";

const RUNLEVELS = ["sysinit", "boot", "default", "shutdown"] as const;
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
