import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { actionRoot, BUILTIN_CONFIG } from "../config/builtin.js";
import { loadConfig } from "../config/load.js";
import { UsageError } from "../lib/errors.js";
import { streamLogger, type Logger } from "../lib/log.js";
import { ENV_PASSWORD, ENV_USER } from "../oci/credentials.js";
import type { CommandContext } from "./command.js";
import { COMMANDS } from "./commands.js";
import { execute, reportError } from "./execute.js";

export type { CommandContext } from "./command.js";

const DEFAULT_CONFIG = BUILTIN_CONFIG;

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

/**
 * The config a command reads: the one given, else configs/kimigayo.yml here, else (in a
 * repository that has none, such as a user's workspace with only the action) the action's own.
 */
export function configPath(given: string | undefined, cwd: string, log: Logger): string {
  const path = resolve(cwd, given ?? DEFAULT_CONFIG);
  if ((given !== undefined && given !== DEFAULT_CONFIG) || existsSync(path)) return path;
  const root = actionRoot();
  if (!root) return path;
  const builtin = join(root, BUILTIN_CONFIG);
  log.info(`no ${DEFAULT_CONFIG} in ${cwd}: using the action's built-in configuration ${builtin}`);
  return builtin;
}

/** A command's context in this process: the config loader, the environment, and the credentials it holds. */
export function commandContext(log: Logger, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): CommandContext {
  const username = env[ENV_USER];
  const password = env[ENV_PASSWORD];
  const githubToken = env.GITHUB_TOKEN?.trim();
  return {
    log,
    config: (p) => loadConfig(configPath(p, cwd, log)),
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
