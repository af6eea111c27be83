import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../lib/errors.js";
import { isRepositoryReference } from "../oci/reference.js";

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. */
export const COMMON: OptionSpec = {
  config: { type: "string", short: "c" },
  json: { type: "boolean" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
};

/** Strict parsing: an unknown flag or a missing value is a UsageError naming the flag and the usage. */
export function parseCommandArgs(command: string, argv: string[], options: OptionSpec, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON, ...options }, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | string[] | undefined
    >;
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, "")}\n\n${usage}`);
  }
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
  return s;
}
