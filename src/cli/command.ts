/**
 * A command of the CLI (and of the action, which runs the same commands in-process): it parses
 * its flags into typed options, runs on a context, and returns a typed result. The adapters
 * print it (--json on stdout, human lines on stderr) or map it onto the action's outputs.
 */
import type { Config } from "../config/schema.js";
import type { Logger } from "../lib/log.js";
import type { Credentials } from "../oci/credentials.js";

export interface CommandContext {
  log: Logger;
  /** Loads --config (default configs/kimigayo.yml). */
  config(path: string | undefined): Promise<Config>;
  /** The environment (GITHUB_REF, GITHUB_EVENT_PATH, GITHUB_REPOSITORY, …). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Secrets the caller holds (the action's inputs; the CLI's environment), never read from process.env by commands. */
  credentials: {
    registry?: Credentials;
    githubToken?: string;
    /** The action's github-token input was given (not only GITHUB_TOKEN in the environment): a PR comment is asked for. */
    githubTokenInput?: boolean;
  };
}

/** Options every command takes. */
export interface CommandOptions {
  config?: string;
  json: boolean;
}

export interface Command<O extends CommandOptions = CommandOptions, R = unknown> {
  name: string;
  summary: string;
  usage: string;
  /** The command's flags as typed options; a bad flag is a UsageError naming it. */
  parse(argv: string[]): O;
  run(ctx: CommandContext, options: O): Promise<R>;
  /** The --json document of a result. */
  json(result: R): unknown;
  /** A result that failed its check (exit 1): the error line to log ("" for none); undefined when it passed. */
  failure?(result: R): string | undefined;
  /**
   * What the action makes of a result: its outputs besides `result` (the --json document) and its
   * part of the job summary, from the result itself (no file is read back).
   */
  action?(result: R, options: O, ctx: CommandContext): ActionReport | Promise<ActionReport>;
}

/** What a command gives the action: its outputs and its part of the job summary. */
export interface ActionReport {
  outputs: Record<string, string>;
  summary: string[];
}
