import { resolve } from "node:path";
import { loadConfig } from "../config/load.js";
import { UsageError } from "../lib/errors.js";
import { streamLogger, type Logger } from "../lib/log.js";
import { ENV_PASSWORD, ENV_USER } from "../oci/credentials.js";
import type { CommandContext } from "./command.js";
import { COMMANDS } from "./commands.js";
import { execute, reportError } from "./execute.js";

export type { Command, CommandContext } from "./command.js";
export { COMMANDS } from "./commands.js";

export const DEFAULT_CONFIG = "configs/kimigayo.yml";

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: kimigayo <command> [options]",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Every command takes --config FILE (default configs/kimigayo.yml), --json and --verbose.",
    "Exit codes: 0 success, 1 a failed check or build, 2 bad input.",
  ].join("\n");
}

/** A command's context in this process: the config loader, the environment, and the credentials it holds. */
export function commandContext(log: Logger, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CommandContext {
  const username = env[ENV_USER];
  const password = env[ENV_PASSWORD];
  const githubToken = env.GITHUB_TOKEN?.trim();
  return {
    log,
    config: (p) => loadConfig(resolve(p ?? DEFAULT_CONFIG)),
    env,
    cwd,
    credentials: {
      ...(username && password ? { registry: { username, password } } : {}),
      ...(githubToken ? { githubToken } : {}),
    },
  };
}

/** The CLI: human output on stderr, --json results on stdout. */
export async function main(
  argv: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream } = process,
  logger?: Logger,
): Promise<number> {
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  const log = logger ?? streamLogger(io.stderr, { verbose });
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    io.stderr.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  const ctx = commandContext(log);
  if (!cmd) {
    reportError(ctx, new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}`), verbose);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stderr.write(`${cmd.usage}\n`);
    return 0;
  }
  return (await execute(cmd, rest, ctx, { stdout: io.stdout, verbose })).code;
}
