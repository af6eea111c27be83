import * as core from "@actions/core";
import { readFile } from "node:fs/promises";
import { benchCommand } from "../cli/bench.js";
import { buildCommand } from "../cli/build.js";
import { changelogCommand } from "../cli/changelog.js";
import type { CommandContext } from "../cli/command.js";
import { doctorCommand } from "../cli/doctor.js";
import { execute, inInputTerms } from "../cli/execute.js";
import { checkEnvironment } from "../cli/args.js";
import { COMMANDS } from "../cli/commands.js";
import { commandContext } from "../cli/main.js";
import { mergeCommand, publishCommand } from "../cli/publish.js";
import { releaseCommand } from "../cli/release.js";
import { sizeCheckCommand } from "../cli/size-check.js";
import { verifyCommand, verifyMarkdown } from "../cli/verify.js";
import type { PublishResult } from "../publish/publish.js";
import type { BuildResult } from "../results/build.js";
import { readGitHubEvent } from "../results/github-event.js";
import { exitCodeOf, formatError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { restoreBuildCache, restoreToolchainCache, saveBuildCache, saveToolchainCache } from "./cache.js";
import { ensureBuildxBuilder, ensurePrerequisites, installCliLauncher } from "./setup.js";
import { githubClient, githubToken as githubTokenOf } from "../github/client.js";
import { upsertStickyComment } from "../github/comments.js";
import { SIZE_CHECK_MARKER } from "../size/markdown.js";
import { getInputs, inputNames, toArgv, type ActionInputs } from "./inputs.js";

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
  };
}

/** What a command gives the action: its outputs and its part of the job summary. */
export interface ActionReport {
  outputs: Record<string, string>;
  summary: string[];
}

const readOr = (file: string) => readFile(file, "utf8").catch(() => "");

export function buildReport(r: BuildResult): ActionReport {
  return {
    outputs: {
      sizes: JSON.stringify(
        r.images.map((x) => ({ variant: x.variant, platform: x.platform, rootfs: x.rootfs.size, busybox: x.busybox.size })),
      ),
      "build-json": `${r.out}/build.json`,
    },
    summary: [
      "## Kimigayo build",
      "",
      "| Variant | Platform | BusyBox | Rootfs |",
      "|---|---|--:|--:|",
      ...r.images.map(
        (x) =>
          `| ${x.variant} | ${x.platform} | ${x.busybox.size.toLocaleString("en-US")} B | ${x.rootfs.size.toLocaleString("en-US")} B |`,
      ),
    ],
  };
}

export function publishedOutputs(p: PublishResult): Record<string, string> {
  return {
    digests: JSON.stringify(Object.fromEntries(p.variants.map((v) => [v.variant, v.index]))),
    tags: JSON.stringify(Object.fromEntries(p.variants.map((v) => [v.variant, v.tags]))),
  };
}

/** Runs one command in this process from the action's inputs; its typed result becomes the outputs. */
async function runCommand(i: ActionInputs, ctx: CommandContext): Promise<{ code: number; report?: ActionReport }> {
  // The inputs map onto the CLI's own flags (toArgv, tested as a table), parsed by the command itself.
  const argv = toArgv(i).slice(1);
  const names = { inputNames: inputNames(i.command) };
  const result = (json: unknown) => ({ result: JSON.stringify(json) });
  switch (i.command) {
    case "build": {
      const x = await execute(buildCommand, argv, ctx, names);
      if (!x.result) return x;
      const r = buildReport(x.result);
      return { code: x.code, report: { outputs: { ...result(buildCommand.json(x.result)), ...r.outputs }, summary: r.summary } };
    }
    case "size-check": {
      const x = await execute(sizeCheckCommand, argv, ctx, names);
      if (!x.result) return x;
      const markdown = await readOr(`${i.out}/size-report.md`);
      if (markdown) await commentOnPullRequest(i, ctx, markdown);
      return {
        code: x.code,
        report: {
          outputs: {
            ...result(sizeCheckCommand.json(x.result)),
            report: `${i.out}/size-report.json`,
            markdown: `${i.out}/size-report.md`,
          },
          summary: [markdown],
        },
      };
    }
    case "bench": {
      const x = await execute(benchCommand, argv, ctx, names);
      if (!x.result) return x;
      const json = JSON.stringify(benchCommand.json(x.result));
      return { code: x.code, report: { outputs: { result: json, bench: json }, summary: [await readOr(`${i.out}/bench-summary.md`)] } };
    }
    case "publish": {
      const x = await execute(publishCommand, argv, ctx, names);
      if (!x.result) return x;
      const published = x.result.kind === "published" ? publishedOutputs(x.result.result) : {};
      return { code: x.code, report: { outputs: { ...result(publishCommand.json(x.result)), ...published }, summary: [] } };
    }
    case "merge": {
      const x = await execute(mergeCommand, argv, ctx, names);
      if (!x.result) return x;
      return {
        code: x.code,
        report: {
          outputs: { ...result(mergeCommand.json(x.result)), ...publishedOutputs(x.result), published: `${i.out}/published.json` },
          summary: [],
        },
      };
    }
    case "release": {
      const x = await execute(releaseCommand, argv, ctx, names);
      if (!x.result) return x;
      return {
        code: x.code,
        report: {
          outputs: {
            ...result(releaseCommand.json(x.result)),
            ...publishedOutputs(x.result.images),
            ...(x.result.release?.url ? { "release-url": x.result.release.url } : {}),
            notes: `${i.out}/RELEASE_NOTES.md`,
          },
          summary: [await readOr(`${i.out}/RELEASE_NOTES.md`)],
        },
      };
    }
    case "changelog": {
      const x = await execute(changelogCommand, argv, ctx, names);
      if (!x.result) return x;
      return { code: x.code, report: { outputs: result(changelogCommand.json(x.result)), summary: [] } };
    }
    case "verify": {
      const x = await execute(verifyCommand, argv, ctx, names);
      if (!x.result) return x;
      return { code: x.code, report: { outputs: result(verifyCommand.json(x.result)), summary: [verifyMarkdown(x.result)] } };
    }
    case "doctor": {
      const x = await execute(doctorCommand, argv, ctx, names);
      if (!x.result) return x;
      return { code: x.code, report: { outputs: result(doctorCommand.json(x.result)), summary: [] } };
    }
  }
}

/**
 * On a pull request with a token, the size report becomes one sticky comment (found by its
 * hidden marker, updated on every push). A fork's PR has no token: the report still goes to the
 * job summary and the check still passes or fails; the comment is left to the workflow_run
 * workflow (.github/workflows/pr-size-comment.yml).
 */
async function commentOnPullRequest(i: ActionInputs, ctx: CommandContext, markdown: string): Promise<void> {
  const event = ctx.env.GITHUB_EVENT_NAME;
  if (event !== "pull_request" && event !== "pull_request_target") return;
  const token = ctx.credentials.githubToken;
  if (!token) {
    core.info("no github-token: the size report is in the job summary (a fork's PR gets its comment from pr-size-comment.yml)");
    return;
  }
  const number = (await readGitHubEvent(ctx.env.GITHUB_EVENT_PATH)).pull_request?.number;
  const [owner, repo] = (ctx.env.GITHUB_REPOSITORY ?? "").split("/");
  if (!number || !owner || !repo) {
    core.warning("size-check: cannot tell the pull request (GITHUB_EVENT_PATH, GITHUB_REPOSITORY); no comment posted");
    return;
  }
  try {
    const client = githubClient({ token, log: ctx.log, purpose: "the size comment" });
    const r = await upsertStickyComment({ client, owner, repo, issueNumber: number, marker: SIZE_CHECK_MARKER, body: markdown });
    core.info(`size report comment ${r.action}: ${r.url}`);
  } catch (e) {
    // A read-only token (a fork's PR) cannot comment; the check's result does not depend on it.
    core.warning(`size-check: could not post the PR comment: ${(e as Error).message}`);
  }
}

/** Runs one command from the action's inputs and maps its typed result onto outputs and the job summary. */
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
    // The toolchain first: a restored locked tree is the lock's route, which needs no host compiler from setup.
    const toolchain = compilesBusybox(inputs) ? await restoreToolchainCache(log) : undefined;
    log.debug(`setup: prerequisites ${await ensurePrerequisites(inputs, log)}, buildx ${await ensureBuildxBuilder(inputs, log)}`);
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
