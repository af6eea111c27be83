/**
 * Two kinds of failure, one per exit code of the CLI contract:
 * - UsageError (exit 2): the input is wrong. The message says what, where and what is allowed.
 * - CheckFailure (exit 1): the input is fine but a build, a budget or a gate failed.
 * Anything else that escapes is a bug or an environment fault and also exits 1.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode = 2;
  constructor(
    message: string,
    /** Where the problem is: a file, optionally with field path and line. */
    readonly where?: { file?: string; field?: string; line?: number; column?: number },
  ) {
    super(message);
  }
}

export class CheckFailure extends Error {
  override readonly name = "CheckFailure";
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof UsageError) return 2;
  return 1;
}

/** `file:line: field: message`, the form editors and GitHub annotations understand. */
export function formatError(err: unknown): string {
  if (err instanceof UsageError && err.where) {
    const w = err.where;
    const loc = [w.file, w.line !== undefined ? String(w.line) : undefined, w.column !== undefined ? String(w.column) : undefined]
      .filter((p) => p !== undefined)
      .join(":");
    // Messages that already start with their own location (one line per problem) print as they are.
    if (w.file && err.message.startsWith(w.file)) return err.message;
    const field = w.field && !err.message.startsWith(w.field) ? `${w.field}: ` : "";
    return `${loc ? `${loc}: ` : ""}${field}${err.message}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
