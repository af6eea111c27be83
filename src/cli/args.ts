import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { MAX_EPOCH } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import { isRepositoryReference, parseReference } from "../oci/reference.js";
import { attemptTimeoutFromEnv, backoffFromEnv } from "../oci/registry.js";
import { checkArchiveUrl, MIRROR_FORM, SNAPSHOT_FORM } from "../toolchain/route.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. */
const COMMON: OptionSpec = {
  config: { type: "string", short: "c" },
  json: { type: "boolean" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
};

/**
 * Strict parsing: an unknown flag, a missing value or an empty one (`--digests ""`, which would
 * otherwise read as the current folder or be dropped silently) is a UsageError naming the flag
 * and the usage.
 */
export function parseCommandArgs(command: string, argv: string[], options: OptionSpec, usage: string) {
  return parseCommandLine(command, argv, options, usage).values;
}

/** parseCommandArgs for commands that also take positionals (verify IMAGE, rebuild IMAGE). */
export function parseCommandLine(
  command: string,
  argv: string[],
  options: OptionSpec,
  usage: string,
  allowPositionals = false,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON, ...options }, strict: true, allowPositionals });
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, "")}\n\n${usage}`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  for (const [name, v] of Object.entries(values)) {
    const given = Array.isArray(v) ? v : [v];
    if (given.some((x) => typeof x === "string" && x.trim() === "")) {
      throw new UsageError(`${command}: --${name} was given an empty value; give a value or leave the flag out\n\n${usage}`);
    }
  }
  return { values, positionals: parsed.positionals };
}

/** The options every command takes, typed. */
export function commonOptions(o: Record<string, string | boolean | string[] | undefined>): { config?: string; json: boolean } {
  const config = str(o.config);
  return { ...(config !== undefined ? { config } : {}), json: o.json === true };
}

export function str(v: string | boolean | string[] | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/**
 * An --image value: a repository without tag or digest (REGISTRY/NAME, lower-case, as the
 * distribution spec allows). Anything else is bad input naming the flag, the value and the form.
 */
export function imageFlag(v: string | boolean | string[] | undefined, flag = "--image"): string | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  if (!isRepositoryReference(s)) {
    const why = /[A-Z]/.test(s)
      ? "repository names are lower-case (GitHub owners with capitals: lower-case them, e.g. ${GITHUB_REPOSITORY_OWNER,,})"
      : /[@:][^/]*$/.test(s.replace(/^[^/]*\//, ""))
        ? "give the repository only; tags and digests come from the release"
        : "expected REGISTRY/NAME such as ghcr.io/owner/kimigayo or 127.0.0.1:5000/kimigayo";
    throw new UsageError(`${flag} ${JSON.stringify(s)} is not an image repository: ${why}`);
  }
  const port = /:(\d+)$/.exec(parseReference(s).registry)?.[1];
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) {
    throw new UsageError(`${flag} ${JSON.stringify(s)} names port ${port}; a registry port is 1 to 65535`);
  }
  return s;
}

/** The nearest existing path at or above `abs`, and what it is. */
function nearestExisting(abs: string): { path: string; isDir: boolean } {
  for (let p = abs; ; p = dirname(p)) {
    let st;
    try {
      st = statSync(p, { throwIfNoEntry: false });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOTDIR") throw err; // a file above it: look further up
    }
    if (st) return { path: p, isDir: st.isDirectory() };
    if (dirname(p) === p) return { path: p, isDir: true };
  }
}

/**
 * A folder the command writes into (--out, --digests-dir, KIMIGAYO_CACHE): fine when it is a
 * folder or does not exist yet; bad input when it, or something above it, is a file. `name` is
 * how the user gave it ("--out", "KIMIGAYO_CACHE").
 */
export function outputFolder(name: string, path: string): string {
  const abs = resolve(path);
  const at = nearestExisting(abs);
  if (!at.isDir) {
    const what = at.path === abs ? "is a file" : `lies under ${at.path}, which is a file`;
    throw new UsageError(`${name} ${JSON.stringify(path)} ${what}; expected a folder (existing, or one that can be made)`);
  }
  return path;
}

/** A file the command writes (--report, --markdown): bad input when it is a folder, or something above it is a file. */
export function outputFile(name: string, path: string): string {
  const abs = resolve(path);
  const at = nearestExisting(abs);
  if (at.path === abs && at.isDir)
    throw new UsageError(`${name} ${JSON.stringify(path)} is a folder; expected the path of a file to write`);
  if (at.path !== abs && !at.isDir) {
    throw new UsageError(`${name} ${JSON.stringify(path)} lies under ${at.path}, which is a file; expected a path inside a folder`);
  }
  return path;
}

/** A folder the command reads (--from-published): it must exist and be a folder. */
export function inputFolder(name: string, path: string): string {
  const st = statOf(path);
  if (!st) throw new UsageError(`${name} ${JSON.stringify(path)}: no such folder`);
  if (!st.isDirectory()) throw new UsageError(`${name} ${JSON.stringify(path)} is a file; expected a folder`);
  return path;
}

function statOf(path: string) {
  try {
    return statSync(resolve(path), { throwIfNoEntry: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOTDIR") return undefined; // a file above it
    throw err;
  }
}

/**
 * A whole number flag within bounds; the message shows the value as typed (not reformatted:
 * 100000000000000000000000, not 1e+23).
 */
export function wholeNumber(name: string, v: string, min: number, max: number, note = ""): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${name} ${JSON.stringify(v)} is not allowed: expected a whole number from ${min} to ${max}${note}`);
  }
  return Number(v);
}

/**
 * The environment variables the commands read, checked before any work: SOURCE_DATE_EPOCH (the
 * reproducible-builds specification asks for an error on a malformed value, not a fallback),
 * KIMIGAYO_CACHE (a folder) and KIMIGAYO_REGISTRY_TIMEOUT (seconds).
 */
export function checkEnvironment(env: NodeJS.ProcessEnv): void {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== "") {
    if (!/^(0|[1-9]\d*)$/.test(epoch) || Number(epoch) > MAX_EPOCH) {
      throw new UsageError(
        `SOURCE_DATE_EPOCH=${JSON.stringify(epoch)} is not a timestamp: expected a whole number of seconds since 1970 (digits only, no leading zeros), from 0 to ${MAX_EPOCH}; unset it to use the config's source_date_epoch`,
      );
    }
  }
  if (env.KIMIGAYO_CACHE) outputFolder("KIMIGAYO_CACHE", env.KIMIGAYO_CACHE);
  if (env.KIMIGAYO_DEBIAN_MIRROR) checkArchiveUrl("KIMIGAYO_DEBIAN_MIRROR", env.KIMIGAYO_DEBIAN_MIRROR, MIRROR_FORM);
  if (env.KIMIGAYO_DEBIAN_SNAPSHOT) checkArchiveUrl("KIMIGAYO_DEBIAN_SNAPSHOT", env.KIMIGAYO_DEBIAN_SNAPSHOT, SNAPSHOT_FORM);
  attemptTimeoutFromEnv(env);
  backoffFromEnv(env);
}

/** The --debian-mirror flag of the commands that compile (build, release, rebuild): where the locked toolchain is fetched from. */
export const DEBIAN_MIRROR_OPTION: OptionSpec = { "debian-mirror": { type: "string" } };
export const DEBIAN_MIRROR_USAGE =
  "  --debian-mirror  where the locked toolchain's Debian packages are fetched from: a folder holding debian/ and\n" +
  "              debian-security/ (default: KIMIGAYO_DEBIAN_MIRROR, else apt's sources); with none known the\n" +
  "              host's toolchain compiles, with a warning (README: the locked toolchain)";

export function debianMirrorFlag(v: string | boolean | string[] | undefined): { debianMirror?: string } {
  const s = str(v);
  return s === undefined ? {} : { debianMirror: checkArchiveUrl("--debian-mirror", s, MIRROR_FORM) };
}

/** The environment a command compiles in: --debian-mirror given is KIMIGAYO_DEBIAN_MIRROR (the one place the route reads it). */
export function withDebianMirror(env: NodeJS.ProcessEnv, o: { debianMirror?: string }): NodeJS.ProcessEnv {
  return o.debianMirror ? { ...env, KIMIGAYO_DEBIAN_MIRROR: o.debianMirror } : env;
}
