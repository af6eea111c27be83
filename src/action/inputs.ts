/**
 * Action inputs -> a typed object (getInputs) -> CLI argv (toArgv), which the command's own
 * parser turns into its typed options. The action runs the same commands as the CLI, in-process,
 * so the table in test/unit/action-inputs.test.ts covers the whole mapping.
 */
import { z } from "zod";
import { imageFlag, outputFolder } from "../cli/args.js";
import { UsageError } from "../lib/errors.js";
import { parseReleaseVersion } from "../lib/version.js";

const ACTION_COMMANDS = ["build", "size-check", "bench", "publish", "merge", "release", "doctor", "changelog", "verify"] as const;

const list = z.string().transform((s) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean),
);

/** The spellings GitHub's own boolean inputs accept (core.getBooleanInput, YAML 1.2 core schema), read as "true" or "false". */
const BOOLEAN = ["true", "True", "TRUE", "false", "False", "FALSE"] as const;
const bool = (name: string) =>
  z
    .enum(BOOLEAN, { error: (i) => `${name}: "${String(i.input)}" must be true or false (or True, TRUE, False, FALSE)` })
    .transform((v) => v.toLowerCase() as "true" | "false");

export const inputSchema = z.object({
  command: z
    .enum(ACTION_COMMANDS, {
      error: (i) => `command: "${String(i.input)}" is not a command; allowed: ${ACTION_COMMANDS.join(", ")}`,
    })
    .default("build"),
  config: z.string().min(1).default("configs/kimigayo.yml"),
  variants: list.default([]),
  platforms: list.default([]),
  engine: z.enum(["auto", "oci", "buildx"], { error: (i) => `engine: "${String(i.input)}" must be auto, oci or buildx` }).default("oci"),
  out: z.string().min(1).default("out"),
  image: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  "github-token": z.string().optional(),
  /** Deprecated (action.yml's deprecationMessage warns): accepted, unused; removed in v3. */
  push: bool("push").optional(),
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
  "debian-mirror": z.string().optional(),
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

export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/**
 * The one mapping between the action's inputs and the CLI's flags, per command: toArgv builds
 * the command line from it, and the action tells a command's bad-input message in input names
 * through it (inputNames), so the two cannot drift. An input feeding several flags (out: --out,
 * --report and --markdown of size-check) is named for each.
 */
const INPUT_FLAGS: Record<ActionCommand, Partial<Record<keyof ActionInputs, readonly string[]>>> = {
  build: {
    config: ["--config"],
    variants: ["--variant"],
    platforms: ["--platform"],
    engine: ["--engine"],
    out: ["--out"],
    "debian-mirror": ["--debian-mirror"],
  },
  "size-check": {
    config: ["--config"],
    out: ["--out", "--report", "--markdown"],
    baseline: ["--baseline"],
    image: ["--image"],
    "fail-on-budget": ["--warn-only"],
  },
  bench: {
    config: ["--config"],
    variants: ["--variant"],
    out: ["--out"],
    "bench-runs": ["--runs"],
    only: ["--only"],
    baseline: ["--baseline"],
  },
  publish: {
    config: ["--config"],
    image: ["--image"],
    out: ["--out"],
    "by-digest": ["--by-digest"],
    platforms: ["--platform"],
    version: ["--version"],
    smoke: ["--smoke"],
  },
  merge: {
    config: ["--config"],
    image: ["--image"],
    out: ["--out"],
    digests: ["--digests"],
    version: ["--version"],
    "defer-tags": ["--defer-tags"],
  },
  release: {
    config: ["--config"],
    image: ["--image"],
    out: ["--out"],
    engine: ["--engine"],
    tag: ["--tag"],
    "dry-run": ["--dry-run"],
    baseline: ["--baseline"],
    "from-published": ["--from-published"],
    "bench-runs": ["--bench-runs"],
    "debian-mirror": ["--debian-mirror"],
  },
  changelog: { config: ["--config"], tag: ["--tag"] },
  verify: {
    config: ["--config"],
    "signer-repository": ["--repository"],
    "signer-workflow": ["--workflow"],
    "signer-ref": ["--ref"],
    "trusted-root": ["--trusted-root"],
  },
  doctor: { config: ["--config"], fix: ["--fix"], only: ["--only"] },
};

/** Each CLI flag of `command` and the action input it comes from: "--repository" -> "signer-repository". */
export function inputNames(command: ActionCommand): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [input, flags] of Object.entries(INPUT_FLAGS[command])) for (const f of flags ?? []) names[f] = input;
  return names;
}

/** The CLI arguments of the command the inputs ask for, as `kimigayo` on the runner would take them (with --json). */
export function toArgv(i: ActionInputs): string[] {
  const map = INPUT_FLAGS[i.command];
  /** The flag an input becomes; the n-th when it feeds several. */
  const flag = (input: keyof ActionInputs, n = 0): string => {
    const f = map[input]?.[n];
    if (!f) throw new Error(`INPUT_FLAGS has no flag for input ${input} of ${i.command}`);
    return f;
  };
  const argv: string[] = [i.command, flag("config"), i.config, "--json"];
  const variants = () => (i.variants.length > 0 ? [flag("variants"), i.variants.join(",")] : []);
  const platforms = () => (i.platforms.length > 0 ? [flag("platforms"), i.platforms.join(",")] : []);
  const image = () => (i.image ? [flag("image"), i.image] : []);
  const mirror = () => (i["debian-mirror"] ? [flag("debian-mirror"), i["debian-mirror"]] : []);
  switch (i.command) {
    case "build":
      argv.push(...variants(), ...platforms(), flag("engine"), i.engine, flag("out"), i.out, ...mirror());
      break;
    case "size-check":
      argv.push(flag("out"), i.out, flag("out", 1), `${i.out}/size-report.json`, flag("out", 2), `${i.out}/size-report.md`);
      if (i.baseline) argv.push(flag("baseline"), i.baseline);
      argv.push(...image());
      if (i["fail-on-budget"] === "false") argv.push(flag("fail-on-budget"));
      break;
    case "bench":
      argv.push(...variants(), flag("out"), i.out);
      if (i["bench-runs"]) argv.push(flag("bench-runs"), i["bench-runs"]);
      if (i.only.length > 0) argv.push(flag("only"), i.only.join(","));
      if (i.baseline) argv.push(flag("baseline"), i.baseline);
      break;
    case "publish":
      argv.push(...image(), flag("out"), i.out);
      if (i["by-digest"] === "true") argv.push(flag("by-digest"), ...platforms());
      else if (i.version) argv.push(flag("version"), i.version);
      if (i.smoke === "true") argv.push(flag("smoke"));
      break;
    case "merge":
      argv.push(...image(), flag("out"), i.out, flag("digests"), i.digests ?? `${i.out}/digests`);
      if (i.version) argv.push(flag("version"), i.version);
      if (i["defer-tags"] === "true") argv.push(flag("defer-tags"));
      break;
    case "release":
      argv.push(...image(), flag("out"), i.out, flag("engine"), i.engine);
      if (i.tag) argv.push(flag("tag"), i.tag);
      if (i["dry-run"] === "true") argv.push(flag("dry-run"));
      if (i.baseline) argv.push(flag("baseline"), i.baseline);
      if (i["from-published"]) argv.push(flag("from-published"), i["from-published"]);
      if (i["bench-runs"]) argv.push(flag("bench-runs"), i["bench-runs"]);
      argv.push(...mirror());
      break;
    case "changelog":
      if (i.tag) argv.push(flag("tag"), i.tag);
      break;
    case "verify":
      argv.push(i.reference ?? "", flag("signer-repository"), i["signer-repository"] ?? "");
      if (i["signer-workflow"]) argv.push(flag("signer-workflow"), i["signer-workflow"]);
      if (i["signer-ref"]) argv.push(flag("signer-ref"), i["signer-ref"]);
      if (i["trusted-root"]) argv.push(flag("trusted-root"), i["trusted-root"]);
      break;
    case "doctor":
      if (i.fix === "true") argv.push(flag("fix"));
      if (i.only.length > 0) argv.push(flag("only"), i.only.join(","));
      break;
  }
  return argv;
}
