/**
 * The `buildx` prerequisite: `docker buildx` 0.12+ whose builder can export an OCI layout (what
 * the buildx engine, src/build/buildx.ts, asks for).
 *
 * - Where buildx already works (GitHub's runners), nothing is installed.
 * - On Debian 12, whose own docker.io (20.10) has no buildx package: Debian 13's docker.io,
 *   docker-cli and docker-buildx, from a trixie entry of the same mirror apt already uses and an
 *   apt pin that lets only those three packages come from trixie (everything else from trixie
 *   has priority -1, so libc, containerd, runc and the rest stay Debian 12's).
 * - The docker driver exports OCI layouts and multi-platform images only with the containerd
 *   image store: `features.containerd-snapshotter` is merged into /etc/docker/daemon.json (other
 *   keys kept) and dockerd is restarted when it runs without it, or runs an older engine than the
 *   one installed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildxAvailable, buildxBuilder, buildxUsable } from "../build/buildx.js";
import { dockerBin } from "../lib/docker.js";
import { run } from "../lib/exec.js";
import type { Logger } from "../lib/log.js";
import { debianArchiveEntry } from "./debian-source.js";
import { findProcesses, osRelease, versionOf, waitFor } from "./host.js";
import { startDockerd } from "./services.js";
import type { CheckResult } from "./types.js";

export const TRIXIE_SOURCES_FILE = "kimigayo-trixie.sources";
export const TRIXIE_PIN_FILE = "kimigayo-trixie";
/** What buildx needs from Debian 13: the engine (containerd image store), its client (split out in 13) and the plugin. */
export const BUILDX_PACKAGES = ["docker.io", "docker-cli", "docker-buildx"] as const;
export const DAEMON_JSON = "/etc/docker/daemon.json";
const SNAPSHOTTER = "containerd-snapshotter";

/** Debian 12 (bookworm): the one host where the packages come from the next release through a pin. */
export function isDebian12(release: Record<string, string> = osRelease()): boolean {
  return release.ID === "debian" && (release.VERSION_CODENAME === "bookworm" || release.VERSION_ID === "12");
}

/** The deb822 trixie entry: the system's Debian archive entry (its mirror and keyring), suite trixie. */
export function trixieSourcesEntry(aptDir = "/etc/apt"): string {
  const template = debianArchiveEntry(
    aptDir,
    `write ${join(aptDir, "sources.list.d", TRIXIE_SOURCES_FILE)} by hand: Types: deb / URIs: <your Debian mirror>/debian / Suites: trixie / Components: main / Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg, and the pin of ${join(aptDir, "preferences.d", TRIXIE_PIN_FILE)}`,
  );
  const signedBy = template.options["signed-by"];
  return [
    `# Written by kimigayo doctor (buildx): Debian 13, pinned by ../preferences.d/${TRIXIE_PIN_FILE} to ${BUILDX_PACKAGES.join(", ")} only.`,
    "Types: deb",
    `URIs: ${template.uris.join(" ")}`,
    "Suites: trixie",
    "Components: main",
    ...(signedBy ? [`Signed-By: ${signedBy}`] : []),
    "",
  ].join("\n");
}

/** apt_preferences(5): the named packages from trixie at the default priority, everything else from trixie never. */
export function trixiePin(packages: readonly string[] = BUILDX_PACKAGES): string {
  return [
    "# Written by kimigayo doctor (buildx): from Debian 13 only these packages; nothing else on this machine moves to it.",
    `Package: ${packages.join(" ")}`,
    "Pin: release n=trixie",
    "Pin-Priority: 500",
    "",
    "Package: *",
    "Pin: release n=trixie",
    "Pin-Priority: -1",
    "",
  ].join("\n");
}

function writeIfChanged(file: string, text: string): boolean {
  if (existsSync(file) && readFileSync(file, "utf8") === text) return false;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return true;
}

/** Writes the trixie entry and its pin where they differ; returns the actions taken (doctor runs apt-get update next). */
export function ensureTrixieSource(aptDir = "/etc/apt"): string[] {
  const actions: string[] = [];
  const pin = join(aptDir, "preferences.d", TRIXIE_PIN_FILE);
  // The pin first: a trixie entry without it would offer all of Debian 13 to the next upgrade.
  if (writeIfChanged(pin, trixiePin())) actions.push(`wrote ${pin} (from trixie only ${BUILDX_PACKAGES.join(", ")})`);
  const sources = join(aptDir, "sources.list.d", TRIXIE_SOURCES_FILE);
  if (writeIfChanged(sources, trixieSourcesEntry(aptDir))) actions.push(`wrote ${sources}`);
  return actions;
}

/**
 * daemon.json with `features.containerd-snapshotter: true` merged in, every other key kept; `changed`
 * false when it is already on. Throws, naming the file, on text that is not a JSON object.
 */
export function mergeDaemonJson(text: string | undefined, file = DAEMON_JSON): { text: string; changed: boolean } {
  let config: Record<string, unknown> = {};
  if (text !== undefined && text.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`${file} is not valid JSON (${(e as Error).message}); fix it by hand, then rerun doctor --fix --only buildx`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${file} is not a JSON object`);
    config = parsed as Record<string, unknown>;
  }
  const features = config.features ?? {};
  if (typeof features !== "object" || features === null || Array.isArray(features))
    throw new Error(`${file}: "features" is not an object (got ${JSON.stringify(features)})`);
  if ((features as Record<string, unknown>)[SNAPSHOTTER] === true) return { text: text ?? "", changed: false };
  const merged = { ...config, features: { ...features, [SNAPSHOTTER]: true } };
  return { text: `${JSON.stringify(merged, null, 2)}\n`, changed: true };
}

export async function checkBuildx(): Promise<CheckResult> {
  const b = await buildxUsable();
  if (!b.ok) return { ok: false, detail: b.reason ?? "docker buildx does not work" };
  const builder = b.builder?.name ? `, builder ${b.builder.name} (${b.builder.driver ?? "?"} driver)` : "";
  return { ok: true, detail: `docker buildx ${b.version ?? "(version unknown)"}${builder}` };
}

/**
 * The packages to install: none where the plugin already works; Debian 13's three on Debian 12 (doctor
 * leaves out the installed docker.io, but docker-cli Breaks docker.io << 26.1.4, so apt upgrades it with
 * them); elsewhere docker-buildx.
 */
export async function buildxPackages(): Promise<string[]> {
  if ((await buildxAvailable()).ok) return [];
  return isDebian12() ? [...BUILDX_PACKAGES] : ["docker-buildx"];
}

export const BUILDX_FIX_HINT =
  `kimigayo doctor --fix --only buildx; by hand on Debian 12: copy the Debian entry of /etc/apt/sources.list.d/debian.sources into ${TRIXIE_SOURCES_FILE} with Suites: trixie, ` +
  `write /etc/apt/preferences.d/${TRIXIE_PIN_FILE} (Package: ${BUILDX_PACKAGES.join(" ")} / Pin: release n=trixie / Pin-Priority: 500, then Package: * / Pin: release n=trixie / Pin-Priority: -1), ` +
  `apt-get update && apt-get install -y --no-install-recommends ${BUILDX_PACKAGES.join(" ")}; ` +
  `set "features": {"${SNAPSHOTTER}": true} in ${DAEMON_JSON} and restart dockerd`;

/** The running engine's version and the installed dockerd's, to see whether an upgrade still waits for a restart. */
async function engineVersions(): Promise<{ running?: string; installed?: string }> {
  const r = await run(dockerBin(), ["version", "--format", "{{.Server.Version}}"], { timeoutMs: 20_000 }).catch(() => undefined);
  // "26.1.5+dfsg1" from the daemon, "26.1.5" from `dockerd --version`: compare the dotted numbers.
  const running = r?.code === 0 ? /\d+(?:\.\d+)+/.exec(r.stdout)?.[0] : undefined;
  const installed = await versionOf("dockerd", ["--version"]);
  return { ...(running ? { running } : {}), ...(installed ? { installed } : {}) };
}

/** Stops the running dockerd (SIGTERM, then waits for it to go) and starts it again (services.ts). */
async function restartDockerd(log: Logger): Promise<string[]> {
  const running = findProcesses((p) => p.comm === "dockerd");
  for (const p of running) process.kill(p.pid, "SIGTERM");
  const gone = await waitFor(async () => findProcesses((p) => running.some((r) => r.pid === p.pid)).length === 0, {
    timeoutMs: 60_000,
  });
  if (!gone) throw new Error(`dockerd (pid ${running.map((p) => p.pid).join(", ")}) did not stop within 60 s of SIGTERM`);
  const started = await startDockerd(log);
  return [...(running.length > 0 ? [`stopped dockerd (pid ${running.map((p) => p.pid).join(", ")})`] : []), ...started];
}

/** After the packages: the containerd image store in daemon.json, and a dockerd that runs with it. */
export async function fixBuildx(log: Logger, daemonJson = DAEMON_JSON): Promise<string[]> {
  const plugin = await buildxAvailable();
  if (!plugin.ok) throw new Error(`docker buildx still does not work after the install: ${plugin.reason ?? "unknown reason"}`);
  const actions: string[] = [];
  const before = existsSync(daemonJson) ? readFileSync(daemonJson, "utf8") : undefined;
  const merged = mergeDaemonJson(before, daemonJson);
  if (merged.changed) {
    mkdirSync(dirname(daemonJson), { recursive: true });
    writeFileSync(daemonJson, merged.text);
    actions.push(`set features.${SNAPSHOTTER} in ${daemonJson} (the containerd image store)`);
  }
  const versions = await engineVersions();
  const stale = versions.running !== undefined && versions.installed !== undefined && versions.running !== versions.installed;
  if (merged.changed || stale || !(await buildxBuilder()).ok) {
    if (stale) log.info(`dockerd runs engine ${versions.running}, ${versions.installed} is installed: restarting it`);
    actions.push(...(await restartDockerd(log)));
  }
  return actions;
}
