/**
 * A stage of the pipeline: a name, a rule that says why it does not run, and a run on a shared
 * context. The build and the release are ordered lists of stages (src/pipeline/stages.ts), and
 * one runner (src/pipeline/runner.ts) logs, times and explains each skip.
 */
export interface Stage<C> {
  /** Kebab-case, as in the README's pipeline line and the log. */
  readonly name: string;
  /** Why this stage does not run for `ctx` (one line for the log), or false. */
  skip?(ctx: C): string | false;
  /** The title of its log step, when the name alone says too little (e.g. "source: BusyBox 1.38.0"). */
  title?(ctx: C): string;
  run(ctx: C): Promise<void>;
}
