/**
 * Action inputs -> a typed object (getInputs) -> CLI argv (toArgv). The action runs the same
 * commands as the CLI, so the table in test/unit/action-inputs.test.ts covers the whole mapping.
 */
import { z } from "zod";
import { UsageError } from "../lib/errors.js";

export const ACTION_COMMANDS = ["build", "doctor"] as const;

const list = z.string().transform((s) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean),
);

export const inputSchema = z.object({
  command: z
    .enum(ACTION_COMMANDS, {
      error: (i) => `command: "${String(i.input)}" is not a command; allowed: ${ACTION_COMMANDS.join(", ")}`,
    })
    .default("build"),
  config: z.string().min(1).default("configs/kimigayo.yml"),
  variants: list.default([]),
  platforms: list.default([]),
  out: z.string().min(1).default("out"),
  fix: z.enum(["true", "false"], { error: (i) => `fix: "${String(i.input)}" must be true or false` }).default("false"),
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
  return r.data;
}

export function toArgv(i: ActionInputs): string[] {
  const argv: string[] = [i.command, "--config", i.config, "--json"];
  switch (i.command) {
    case "build":
      if (i.variants.length > 0) argv.push("--variant", i.variants.join(","));
      if (i.platforms.length > 0) argv.push("--platform", i.platforms.join(","));
      argv.push("--out", i.out);
      break;
    case "doctor":
      if (i.fix === "true") argv.push("--fix");
      break;
  }
  return argv;
}
