import * as core from "@actions/core";
import { readFile } from "node:fs/promises";
import { Writable } from "node:stream";
import { main } from "../cli/main.js";
import { exitCodeOf, formatError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { restoreBuildCache, saveBuildCache } from "./cache.js";
import { ensureBuildxBuilder, ensureQemu } from "./setup.js";
import { githubClient } from "../github/client.js";
import { upsertStickyComment } from "../github/comments.js";
import { SIZE_CHECK_MARKER } from "../size/markdown.js";
import { getInputs, toArgv, type ActionInputs } from "./inputs.js";

/** The pipeline's logger on top of @actions/core: groups for steps, annotations for errors. */
export function actionLogger(): Logger {
  return {
    info: (m) => core.info(m),
    warn: (m, w) => core.warning(m, w?.file ? { file: w.file, ...(w.line ? { startLine: w.line } : {}) } : {}),
    error: (m, w) => core.error(m, w?.file ? { file: w.file, ...(w.line ? { startLine: w.line } : {}) } : {}),
    debug: (m) => core.debug(m),
    step: (title) => {
      core.startGroup(title);
      return () => core.endGroup();
    },
    progress: (label, done, total) => core.debug(total ? `${label}: ${done}/${total}` : `${label}: ${done}`),
  };
}

/** Secrets are masked before anything can print them, and reach the CLI through its environment. */
function exportCredentials(i: ActionInputs): void {
  for (const s of [i.password, i["github-token"]]) if (s) core.setSecret(s);
  if (i.username && i.password) {
    process.env.KIMIGAYO_REGISTRY_USER = i.username;
    process.env.KIMIGAYO_REGISTRY_PASSWORD = i.password;
  }
  if (i["github-token"]) process.env.GITHUB_TOKEN = i["github-token"];
}

type Json = Record<string, unknown>;

/** Maps a command's JSON result onto the action's outputs and the job summary. */
async function report(i: ActionInputs, result: Json): Promise<void> {
  core.setOutput("result", JSON.stringify(result));
  const images = (result.images ?? []) as { variant: string; platform: string; rootfs: { size: number }; busybox: { size: number } }[];
  const summary: string[] = [];
  if (i.command === "build" || i.command === "release") {
    const build = i.command === "build" ? result : undefined;
    if (build) {
      core.setOutput(
        "sizes",
        JSON.stringify(images.map((x) => ({ variant: x.variant, platform: x.platform, rootfs: x.rootfs.size, busybox: x.busybox.size }))),
      );
      core.setOutput("build-json", `${String(result.out)}/build.json`);
      summary.push(
        "## Kimigayo build",
        "",
        "| Variant | Platform | BusyBox | Rootfs |",
        "|---|---|--:|--:|",
        ...images.map(
          (x) =>
            `| ${x.variant} | ${x.platform} | ${x.busybox.size.toLocaleString("en-US")} B | ${x.rootfs.size.toLocaleString("en-US")} B |`,
        ),
      );
    }
  }
  if (i.command === "size-check") {
    core.setOutput("report", `${i.out}/size-report.json`);
    core.setOutput("markdown", `${i.out}/size-report.md`);
    const markdown = await readFile(`${i.out}/size-report.md`, "utf8").catch(() => "");
    summary.push(markdown);
    if (markdown) await commentOnPullRequest(i, markdown);
  }
  const published = (i.command === "publish" ? result : i.command === "release" ? result.images : undefined) as
    { variants: { variant: string; index: string; tags: string[] }[] } | undefined;
  if (published) {
    core.setOutput("digests", JSON.stringify(Object.fromEntries(published.variants.map((v) => [v.variant, v.index]))));
    core.setOutput("tags", JSON.stringify(Object.fromEntries(published.variants.map((v) => [v.variant, v.tags]))));
  }
  if (i.command === "release") {
    const rel = result.release as { url?: string } | undefined;
    if (rel?.url) core.setOutput("release-url", rel.url);
    core.setOutput("notes", `${i.out}/RELEASE_NOTES.md`);
    summary.push(await readFile(`${i.out}/RELEASE_NOTES.md`, "utf8").catch(() => ""));
  }
  if (i.command === "bench") {
    core.setOutput("bench", JSON.stringify(result));
    summary.push(await readFile(`${i.out}/bench-summary.md`, "utf8").catch(() => ""));
  }
  if (i.summary === "true" && summary.some((s) => s.trim()) && process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(summary.join("\n")).write();
  }
}

/**
 * On a pull request with a token, the size report becomes one sticky comment (found by its
 * hidden marker, updated on every push). A fork's PR has no token: the report still goes to the
 * job summary and the check still passes or fails; the comment is left to the workflow_run
 * workflow (.github/workflows/pr-size-comment.yml).
 */
async function commentOnPullRequest(i: ActionInputs, markdown: string): Promise<void> {
  const event = process.env.GITHUB_EVENT_NAME;
  if (event !== "pull_request" && event !== "pull_request_target") return;
  const token = i["github-token"] ?? process.env.GITHUB_TOKEN;
  if (!token) {
    core.info("no github-token: the size report is in the job summary (a fork's PR gets its comment from pr-size-comment.yml)");
    return;
  }
  const payload = JSON.parse(await readFile(process.env.GITHUB_EVENT_PATH ?? "", "utf8").catch(() => "{}")) as {
    pull_request?: { number?: number };
  };
  const number = payload.pull_request?.number;
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? "").split("/");
  if (!number || !owner || !repo) {
    core.warning("size-check: cannot tell the pull request (GITHUB_EVENT_PATH, GITHUB_REPOSITORY); no comment posted");
    return;
  }
  try {
    const client = githubClient({ token, log: actionLogger(), purpose: "the size comment" });
    const r = await upsertStickyComment({ client, owner, repo, issueNumber: number, marker: SIZE_CHECK_MARKER, body: markdown });
    core.info(`size report comment ${r.action}: ${r.url}`);
  } catch (e) {
    // A read-only token (a fork's PR) cannot comment; the check's result does not depend on it.
    core.warning(`size-check: could not post the PR comment: ${(e as Error).message}`);
  }
}

/** Runs one CLI command from the action's inputs and maps its JSON result onto outputs. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs((n) => core.getInput(n));
    exportCredentials(inputs);
    const log = actionLogger();
    log.debug(`setup: qemu ${await ensureQemu(inputs, log)}, buildx ${await ensureBuildxBuilder(inputs, log)}`);
    const cached = inputs.command === "build" || inputs.command === "release" ? await restoreBuildCache(inputs.config, log) : undefined;
    let json = "";
    const stdout = new Writable({
      write(chunk: Buffer, _enc, cb) {
        json += chunk.toString();
        cb();
      },
    });
    const code = await main(toArgv(inputs), { stdout, stderr: process.stderr }, log);
    const result = json.trim() ? (JSON.parse(json) as Json) : undefined;
    if (result) await report(inputs, result);
    if (cached && code === 0) await saveBuildCache(cached, log);
    const budgetOnly = inputs.command === "size-check" && code === 1 && inputs["fail-on-budget"] === "false";
    if (code !== 0 && !budgetOnly) core.setFailed(`kimigayo ${inputs.command} exited with ${code}`);
    process.exitCode = budgetOnly ? 0 : code;
  } catch (err) {
    core.setFailed(formatError(err));
    process.exitCode = exitCodeOf(err);
  }
}
