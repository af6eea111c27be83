import * as core from "@actions/core";
import { Writable } from "node:stream";
import { main } from "../cli/main.js";
import { exitCodeOf, formatError } from "../lib/errors.js";
import type { Logger } from "../lib/log.js";
import { getInputs, toArgv } from "./inputs.js";

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

/** Runs one CLI command from the action's inputs and maps its JSON result onto outputs. */
export async function run(): Promise<void> {
  try {
    const inputs = getInputs((n) => core.getInput(n));
    let json = "";
    const stdout = new Writable({
      write(chunk: Buffer, _enc, cb) {
        json += chunk.toString();
        cb();
      },
    });
    const code = await main(toArgv(inputs), { stdout, stderr: process.stderr }, actionLogger());
    const result = json.trim() ? (JSON.parse(json) as Record<string, unknown>) : undefined;
    if (result && inputs.command === "build") {
      const images = (result.images ?? []) as {
        variant: string;
        platform: string;
        rootfs: { size: number; tar: string };
        busybox: { size: number };
      }[];
      core.setOutput(
        "sizes",
        JSON.stringify(images.map((i) => ({ variant: i.variant, platform: i.platform, rootfs: i.rootfs.size, busybox: i.busybox.size }))),
      );
      core.setOutput("build-json", `${String(result.out)}/build.json`);
    }
    if (result) core.setOutput("result", JSON.stringify(result));
    if (code !== 0) core.setFailed(`kimigayo ${inputs.command} exited with ${code}`);
    process.exitCode = code;
  } catch (err) {
    core.setFailed(formatError(err));
    process.exitCode = exitCodeOf(err);
  }
}
