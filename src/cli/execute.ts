/** Runs one command: parse, run, --json on stdout, and the exit code of the CLI contract (0, 1 or 2). */
import { exitCodeOf, formatError, UsageError } from "../lib/errors.js";
import { checkEnvironment } from "./args.js";
import type { Command, CommandContext, CommandOptions } from "./command.js";

export interface Execution<R> {
  code: number;
  /** Present when the command ran to its end (also when its check failed). */
  result?: R;
}

export async function execute<O extends CommandOptions, R>(
  cmd: Command<O, R>,
  argv: string[],
  ctx: CommandContext,
  opts: { stdout?: NodeJS.WritableStream; verbose?: boolean; inputNames?: Record<string, string> } = {},
): Promise<Execution<R>> {
  try {
    const options = cmd.parse(argv);
    checkEnvironment(ctx.env);
    const result = await cmd.run(ctx, options);
    if (options.json && opts.stdout) opts.stdout.write(`${JSON.stringify(cmd.json(result), null, 2)}\n`);
    const failure = cmd.failure?.(result);
    if (failure !== undefined) {
      if (failure) ctx.log.error(failure);
      return { code: 1, result };
    }
    return { code: 0, result };
  } catch (err) {
    reportError(ctx, opts.inputNames ? inInputTerms(err, opts.inputNames) : err, opts.verbose === true);
    return { code: exitCodeOf(err) };
  }
}

/**
 * A bad-input message told in the action's terms: each CLI flag named as the input it came from
 * (`names`, from the action's one input-to-flag table), without the CLI's usage text.
 */
export function inInputTerms(err: unknown, names: Record<string, string>): unknown {
  if (!(err instanceof UsageError)) return err;
  let message = err.message.replace(/\n\nusage: [\s\S]*$/, "");
  // Longest first, so --report is not read as a prefix of anything longer.
  for (const flag of Object.keys(names).sort((a, b) => b.length - a.length)) {
    message = message.replace(new RegExp(`(?<![\\w-])${flag.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`, "g"), names[flag]!);
  }
  if (message !== err.message) Object.defineProperty(err, "message", { value: message, configurable: true, writable: true });
  return err;
}

export function reportError(ctx: Pick<CommandContext, "log">, err: unknown, verbose: boolean): void {
  const where = err instanceof UsageError ? err.where : undefined;
  ctx.log.error(formatError(err), where?.file ? { file: where.file, ...(where.line ? { line: where.line } : {}) } : undefined);
  if (verbose && err instanceof Error && !(err instanceof UsageError)) ctx.log.debug(err.stack ?? "");
}
