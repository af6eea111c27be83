/**
 * The one runner of the stage lists: each stage in order, logged as a step and timed; a stage that
 * does not run says why. Stages whose results were restored from saved files are skipped (the
 * release job of a spread-out workflow starts from published digests and a build).
 */
import { UsageError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import type { Stage } from "../stages/stage.js";

export interface StageRun {
  name: string;
  /** Why it did not run; absent when it ran. */
  skipped?: string;
  seconds: number;
}

export interface RunOptions {
  /** Stages whose results the context already holds (restored from saved files), each with why. */
  restored?: Readonly<Record<string, string>>;
}

export async function runStages<C extends { log: Logger }>(
  stages: readonly Stage<C>[],
  ctx: C,
  opts: RunOptions = {},
): Promise<StageRun[]> {
  const unknown = Object.keys(opts.restored ?? {}).filter((n) => !stages.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new UsageError(`no stage named ${JSON.stringify(unknown[0])}; the stages are: ${stages.map((s) => s.name).join(", ")}`);
  }
  const runs: StageRun[] = [];
  for (const stage of stages) {
    const skipped = opts.restored?.[stage.name] ?? stage.skip?.(ctx);
    if (skipped) {
      ctx.log.info(`⏭ ${stage.name}: skipped (${skipped})`);
      runs.push({ name: stage.name, skipped, seconds: 0 });
      continue;
    }
    const t0 = Date.now();
    const end = ctx.log.step(stage.title?.(ctx) ?? stage.name);
    try {
      await stage.run(ctx);
    } catch (e) {
      end(e);
      throw e;
    }
    end();
    runs.push({ name: stage.name, seconds: (Date.now() - t0) / 1000 });
  }
  return runs;
}
