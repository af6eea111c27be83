/**
 * Action inputs -> a typed object (getInputs) -> CLI argv (toArgv), which the command's own
 * parser turns into its typed options. The action runs the same commands as the CLI, in-process,
 * so the table in test/unit/action-inputs.test.ts covers the whole mapping.
 */
import { z } from "zod";
import { imageFlag, outputFolder } from "../cli/args.js";
import { UsageError } from "../lib/errors.js";
import { parseReleaseVersion } from "../lib/version.js";

export const ACTION_COMMANDS = ["build", "size-check", "bench", "publish", "merge", "release", "doctor", "changelog", "verify"] as const;

const list = z.string().transform((s) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean),
);

const bool = (name: string) => z.enum(["true", "false"], { error: (i) => `${name}: "${String(i.input)}" must be true or false` });

export const inputSchema = z.object({
  command: z
    .enum(ACTION_COMMANDS, {
      error: (i) => `command: "${String(i.input)}" is not a command; allowed: ${ACTION_COMMANDS.join(", ")}`,
    })
    .default("build"),
  config: z.string().min(1).default("configs/kimigayo.yml"),
  variants: list.default([]),
  platforms: list.default([]),
  engine: z.enum(["auto", "oci", "buildx"], { error: (i) => `engine: "${String(i.input)}" must be auto, oci or buildx` }).default("auto"),
  out: z.string().min(1).default("out"),
  image: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  "github-token": z.string().optional(),
  push: bool("push").default("true"),
  "by-digest": bool("by-digest").default("false"),
  smoke: bool("smoke").default("false"),
  digests: z.string().optional(),
  "defer-tags": bool("defer-tags").default("false"),
  "from-published": z.string().optional(),
  only: list.default([]),
  version: z.string().optional(),
  tag: z.string().optional(),
  baseline: z.string().optional(),
  "bench-runs": z
    .string()
    .regex(/^\d+$/, { error: (i) => `bench-runs: "${String(i.input)}" must be a whole number (release: 0 skips the benchmark)` })
    .optional(),
  "fail-on-budget": bool("fail-on-budget").default("true"),
  summary: bool("summary").default("true"),
  "dry-run": bool("dry-run").default("false"),
  fix: bool("fix").default("false"),
  reference: z.string().optional(),
  "signer-repository": z.string().optional(),
  "signer-workflow": z.string().optional(),
  "signer-ref": z.string().optional(),
  "trusted-root": z.string().optional(),
});

export type ActionInputs = z.output<typeof inputSchema>;

/** Reads INPUT_* through `get` (core.getInput); empty inputs take their defaults. */
export function getInputs(get: (name: string) => string): ActionInputs {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(inputSchema.shape)) {
    const v = get(key).trim();
    if (v !== "") raw[key] = v;
  }
  const r = inputSchema.safeParse(raw);
  if (!r.success) {
    throw new UsageError(
      `invalid action inputs:\n${r.error.issues.map((i) => `  ${i.message.startsWith(String(i.path[0])) ? i.message : `${i.path.join(".")}: ${i.message}`}`).join("\n")}`,
    );
  }
  checkValues(r.data);
  if (r.data.username && !r.data.password) throw new UsageError("invalid action inputs:\n  username is set but password is not");
  if (r.data.command === "release" && !r.data.tag && r.data["dry-run"] === "false") {
    throw new UsageError("invalid action inputs:\n  release needs tag (e.g. ${{ github.ref_name }}) unless dry-run is true");
  }
  if (r.data.command === "verify" && (!r.data.reference || !r.data["signer-repository"])) {
    throw new UsageError(
      "invalid action inputs:\n  verify needs reference (IMAGE:tag or IMAGE@sha256:…) and signer-repository (e.g. ${{ github.repository }})",
    );
  }
  if (r.data.command === "changelog" && !r.data.tag) {
    throw new UsageError("invalid action inputs:\n  changelog needs tag (e.g. ${{ github.ref_name }})");
  }
  return r.data;
}

/**
 * Values the commands would refuse later, refused here under the input's own name: image (a
 * repository, no tag, port 1-65535), out (a folder), variants and platforms ("all" or names, not
 * both), version and tag (vX.Y.Z[-pre]).
 */
function checkValues(i: ActionInputs): void {
  const problems: string[] = [];
  const check = (f: () => void) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      problems.push(err.message);
    }
  };
  if (i.image !== undefined) check(() => imageFlag(i.image, "image"));
  check(() => outputFolder("out", i.out));
  for (const name of ["variants", "platforms"] as const) {
    if (i[name].includes("all") && i[name].length > 1) {
      problems.push(`${name} ${JSON.stringify(i[name].join(","))} mixes "all" with names; give either all or a list of names, not both`);
    }
  }
  for (const name of ["version", "tag"] as const) {
    const v = i[name];
    if (v !== undefined && !parseReleaseVersion(v)) {
      problems.push(
        `${name} ${JSON.stringify(v)} is not a release version; expected vX.Y.Z[-pre] (SemVer 2.0, e.g. v2.1.0 or v2.1.0-rc.1)`,
      );
    }
  }
  if (problems.length > 0) throw new UsageError(`invalid action inputs:\n${problems.map((p) => `  ${p}`).join("\n")}`);
}

/** The CLI arguments of the command the inputs ask for, as `kimigayo` on the runner would take them (with --json). */
export function toArgv(i: ActionInputs): string[] {
  const argv: string[] = [i.command, "--config", i.config, "--json"];
  const variants = i.variants.length > 0 ? ["--variant", i.variants.join(",")] : [];
  const platforms = i.platforms.length > 0 ? ["--platform", i.platforms.join(",")] : [];
  const image = i.image ? ["--image", i.image] : [];
  switch (i.command) {
    case "build":
      argv.push(...variants, ...platforms, "--engine", i.engine, "--out", i.out);
      break;
    case "size-check":
      argv.push("--out", i.out, "--report", `${i.out}/size-report.json`, "--markdown", `${i.out}/size-report.md`);
      if (i.baseline) argv.push("--baseline", i.baseline);
      argv.push(...image);
      if (i["fail-on-budget"] === "false") argv.push("--warn-only");
      break;
    case "bench":
      argv.push(...variants, "--out", i.out);
      if (i["bench-runs"]) argv.push("--runs", i["bench-runs"]);
      if (i.baseline) argv.push("--baseline", i.baseline);
      break;
    case "publish":
      argv.push(...image, "--out", i.out);
      if (i["by-digest"] === "true") argv.push("--by-digest", ...platforms);
      else if (i.version) argv.push("--version", i.version);
      if (i.smoke === "true") argv.push("--smoke");
      break;
    case "merge":
      argv.push(...image, "--out", i.out, "--digests", i.digests ?? `${i.out}/digests`);
      if (i.version) argv.push("--version", i.version);
      if (i["defer-tags"] === "true") argv.push("--defer-tags");
      break;
    case "release":
      argv.push(...image, "--out", i.out, "--engine", i.engine);
      if (i.tag) argv.push("--tag", i.tag);
      if (i["dry-run"] === "true") argv.push("--dry-run");
      if (i.baseline) argv.push("--baseline", i.baseline);
      if (i["from-published"]) argv.push("--from-published", i["from-published"]);
      if (i["bench-runs"]) argv.push("--bench-runs", i["bench-runs"]);
      break;
    case "changelog":
      if (i.tag) argv.push("--tag", i.tag);
      break;
    case "verify":
      argv.push(i.reference ?? "", "--repository", i["signer-repository"] ?? "");
      if (i["signer-workflow"]) argv.push("--workflow", i["signer-workflow"]);
      if (i["signer-ref"]) argv.push("--ref", i["signer-ref"]);
      if (i["trusted-root"]) argv.push("--trusted-root", i["trusted-root"]);
      break;
    case "doctor":
      if (i.fix === "true") argv.push("--fix");
      if (i.only.length > 0) argv.push("--only", i.only.join(","));
      break;
  }
  return argv;
}
