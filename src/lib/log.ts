/**
 * The pipeline reports through this interface only. The CLI writes it to stderr,
 * the action maps it onto @actions/core (groups, annotations). Stages never print.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string, where?: { file?: string; line?: number }): void;
  error(message: string, where?: { file?: string; line?: number }): void;
  debug(message: string): void;
  /** A named long step; the returned function ends it. */
  /** Starts a step; call the result when it ends, with the failure when it failed (✘, never ✔). */
  step(title: string): (failure?: unknown) => void;
  /** Progress of a long step, e.g. bytes downloaded or run i/N. */
  progress(label: string, done: number, total?: number): void;
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  step() {
    return () => {};
  },
  progress() {},
};

/** A logger that writes human lines to a stream (stderr for the CLI). */
export function streamLogger(out: NodeJS.WritableStream, opts: { verbose?: boolean } = {}): Logger {
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  let lastProgress = 0;
  // A location prefix, unless the message already starts with it (formatError puts it there).
  const at = (m: string, w?: { file?: string; line?: number }) =>
    w?.file && !m.startsWith(w.file) ? `${w.file}${w.line ? `:${w.line}` : ""}: ` : "";
  return {
    info: (m) => out.write(`${m}\n`),
    warn: (m, w) => out.write(`warning: ${at(m, w)}${m}\n`),
    error: (m, w) => out.write(`error: ${at(m, w)}${m}\n`),
    debug: (m) => {
      if (opts.verbose) out.write(`debug: ${m}\n`);
    },
    step: (title) => {
      const start = Date.now();
      out.write(`▶ ${title}\n`);
      return (failure) =>
        out.write(
          `${failure === undefined ? "✔" : "✘"} ${title}${failure === undefined ? "" : " failed"} (${((Date.now() - start) / 1000).toFixed(1)} s)\n`,
        );
    },
    progress: (label, done, total) => {
      const now = Date.now();
      const finished = total !== undefined && done >= total;
      // Throttle: at most one line every 2 s unless on a TTY (where we redraw in place).
      if (!tty && !finished && now - lastProgress < 2000) return;
      lastProgress = now;
      const text = total ? `${label}: ${done}/${total} (${Math.floor((done / total) * 100)}%)` : `${label}: ${done}`;
      out.write(tty ? `\r${text}${finished ? "\n" : ""}` : `${text}\n`);
    },
  };
}
