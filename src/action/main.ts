import * as core from "@actions/core";
import { checkEnvironment } from "../cli/args.js";
import type { ActionReport, CommandContext } from "../cli/command.js";
import { COMMANDS } from "../cli/commands.js";
import { execute, inInputTerms } from "../cli/execute.js";
import { commandContext } from "../cli/main.js";
import { githubToken as githubTokenOf } from "../github/client.js";
import { exitCodeOf, formatError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { restoreBuildCache, restoreToolchainCache, saveBuildCache, saveToolchainCache } from "./cache.js";
import { getInputs, inputNames, toArgv, type ActionInputs } from "./inputs.js";
import { ensureBuildxBuilder, ensurePrerequisites, installCliLauncher } from "./setup.js";

/**
 * The pipeline's logger on top of @actions/core: groups for steps, annotations for errors. The log
 * has no nested groups, so a step inside a step (a stage's own steps) is a line in its group.
 */
export function actionLogger(): Logger {
  let depth = 0;
  return {
    info: (m) => core.info(m),
    warn: (m, w) => core.warning(m, w?.file ? { file: w.file, ...(w.line ? { startLine: w.line } : {}) } : {}),
    error: (m, w) => core.error(m, w?.file ? { file: w.file, ...(w.line ? { startLine: w.line } : {}) } : {}),
    debug: (m) => core.debug(m),
    step: (title) => {
      const start = Date.now();
      if (depth++ === 0) core.startGroup(title);
      else core.info(`▶ ${title}`);
      let ended = false;
      return (failure) => {
        if (ended) return;
        ended = true;
        const seconds = ((Date.now() - start) / 1000).toFixed(1);
        if (--depth === 0) core.endGroup();
        if (failure !== undefined) core.info(`✘ ${title} failed (${seconds} s)`);
        else if (depth > 0) core.info(`✔ ${title} (${seconds} s)`);
      };
    },
    progress: (label, done, total) => core.debug(total ? `${label}: ${done}/${total}` : `${label}: ${done}`),
  };
}

/** Secrets are masked before anything can print them, and travel to the command in its context. */
export function actionCredentials(i: ActionInputs): CommandContext["credentials"] {
  for (const s of [i.password, i["github-token"]]) if (s) core.setSecret(s);
  const githubToken = githubTokenOf(i["github-token"], process.env);
  return {
    ...(i.username && i.password ? { registry: { username: i.username, password: i.password } } : {}),
    ...(githubToken ? { githubToken } : {}),
    ...(i["github-token"] ? { githubTokenInput: true } : {}),
  };
}

/**
 * Runs one command in this process from the action's inputs. The inputs map onto the CLI's own
 * flags (toArgv, tested as a table), parsed by the command itself; its typed result becomes the
 * outputs: `result` (the --json document) and whatever the command's own `action` maps it onto.
 */
async function runCommand(i: ActionInputs, ctx: CommandContext): Promise<{ code: number; report?: ActionReport }> {
  const cmd = COMMANDS.find((c) => c.name === i.command);
  if (!cmd) throw new Error(`no command ${i.command}`);
  const x = await execute(cmd, toArgv(i).slice(1), ctx, { inputNames: inputNames(i.command) });
  if (x.result === undefined || x.options === undefined) return { code: x.code };
  const own = (await cmd.action?.(x.result, x.options, ctx)) ?? { outputs: {}, summary: [] };
  return { code: x.code, report: { outputs: { result: JSON.stringify(cmd.json(x.result)), ...own.outputs }, summary: own.summary } };
}

/** Commands that compile BusyBox, and so restore and save its cache (a release from published images compiles nothing). */
export function compilesBusybox(i: Pick<ActionInputs, "command" | "from-published">): boolean {
  return i.command === "build" || i.command === "bench" || (i.command === "release" && !i["from-published"]);
}

/**
 * Every input checked before any work (setup installs packages, the cache is restored): the
 * command parses the flags the inputs become, and the environment is checked, as the CLI does
 * first. A bad value is named as the input it came from.
 */
export function checkInputs(i: ActionInputs, env: NodeJS.ProcessEnv = process.env): void {
  const cmd = COMMANDS.find((c) => c.name === i.command);
  if (!cmd) throw new Error(`no command ${i.command}`);
  try {
    cmd.parse(toArgv(i).slice(1));
    checkEnvironment(env);
  } catch (err) {
    throw inInputTerms(err, inputNames(i.command));
  }
}

export async function run(): Promise<void> {
  try {
    const inputs = getInputs((n) => core.getInput(n));
    checkInputs(inputs);
    const log = actionLogger();
    const ctx: CommandContext = { ...commandContext(log), credentials: actionCredentials(inputs) };
    if (process.env.RUNNER_TEMP) {
      // `kimigayo` for the job's later run: steps (GitHub gives them no path to this action).
      core.addPath(await installCliLauncher(process.env.RUNNER_TEMP));
    }
    // buildx first: `engine: buildx` without it is bad input, refused before anything is installed.
    const buildx = await ensureBuildxBuilder(inputs, log);
    // Then the toolchain: a restored locked tree is the lock's route, which needs no host compiler from setup.
    const toolchain = compilesBusybox(inputs) ? await restoreToolchainCache(log) : undefined;
    log.debug(`setup: buildx ${buildx}, prerequisites ${await ensurePrerequisites(inputs, log)}`);
    const cached = compilesBusybox(inputs) ? await restoreBuildCache(inputs.config, log) : undefined;
    const { code, report } = await runCommand(inputs, ctx);
    if (report) {
      for (const [name, value] of Object.entries(report.outputs)) core.setOutput(name, value);
      if (inputs.summary === "true" && report.summary.some((s) => s.trim()) && process.env.GITHUB_STEP_SUMMARY) {
        await core.summary.addRaw(report.summary.join("\n")).write();
      }
    }
    if (cached && code === 0) await saveBuildCache(cached, log);
    if (toolchain && code === 0) await saveToolchainCache(toolchain, log);
    if (code !== 0) core.setFailed(`kimigayo ${inputs.command} exited with ${code}`);
    process.exitCode = code;
  } catch (err) {
    core.setFailed(formatError(err));
    process.exitCode = exitCodeOf(err);
  }
}
