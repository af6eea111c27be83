/**
 * size-check: the images of the last build (build.json) against the config's budgets and an
 * optional baseline. Reads, measures and reports; the CLI adapter prints and writes the files.
 */
import { resolve } from "node:path";
import type { Config } from "../config/schema.js";
import type { Logger } from "../lib/log.js";
import type { RegistryClientOptions } from "../oci/registry.js";
import { readBuildResult } from "../results/build.js";
import { readHistory, resolveBaseline } from "./baseline.js";
import { renderMarkdown } from "./markdown.js";
import { measureBuild } from "./measure.js";
import { makeReport } from "./report.js";
import type { HistoryEntry, SizeReport } from "./types.js";

export interface SizeCheckRequest {
  config: Config;
  /** The build's output folder (holds build.json). */
  outDir: string;
  /** --baseline: a report file, an image reference or "last-release". */
  baseline?: string;
  /** The repository's GitHub Releases, for --baseline last-release-report. */
  github?: { repository?: string; token?: string; apiUrl?: string };
  /** --history: earlier report files. */
  history?: readonly string[];
  registry?: RegistryClientOptions;
  log: Logger;
  cwd?: string;
}

export interface SizeCheckResult {
  report: SizeReport;
  markdown: string;
  history: HistoryEntry[];
}

export async function runSizeCheck(req: SizeCheckRequest): Promise<SizeCheckResult> {
  const { config: cfg, log } = req;
  const { file, build } = await readBuildResult(req.outDir);
  if (build.config && resolve(build.config) !== cfg.file) {
    log.warn(`the build used ${build.config}; budgets come from ${cfg.file}`);
  }
  const measures = await measureBuild(build, file);
  const notes: string[] = [];
  let baseline;
  if (req.baseline !== undefined) {
    const r = await resolveBaseline(req.baseline, {
      image: cfg.image,
      variants: cfg.variants.map((v) => ({ name: v.name, default: v.default })),
      wanted: measures.map((m) => ({ variant: m.variant, platform: m.platform })),
      ...(req.registry ? { registry: req.registry } : {}),
      ...(req.github ? { github: req.github } : {}),
      log,
    });
    baseline = r.baseline;
    notes.push(...r.notes);
  }
  const history = await readHistory(req.history ?? []);
  const report = makeReport({
    config: cfg,
    build: { file, version: build.version, busybox: build.busybox?.version ?? "unknown", config: build.config },
    measures,
    ...(baseline ? { baseline } : {}),
    notes,
    ...(req.cwd ? { cwd: req.cwd } : {}),
  });
  return { report, markdown: renderMarkdown(report, history), history };
}
