import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../lib/errors.js";

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
