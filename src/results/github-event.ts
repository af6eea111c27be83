/**
 * The parts of GitHub's event payload (the file named by GITHUB_EVENT_PATH) that tags and the
 * size comment use. Payloads carry much more; only these fields are read, and checked.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { parseSaved } from "../lib/saved.js";

export const githubEventSchema = z.looseObject({
  pull_request: z
    .looseObject({
      number: z.number().int().positive().optional(),
      head: z.looseObject({ sha: z.string().optional() }).optional(),
    })
    .optional(),
  repository: z.looseObject({ default_branch: z.string().optional() }).optional(),
});

export type GitHubEvent = z.infer<typeof githubEventSchema>;

/** The event payload; none (no path, or no file there, as outside GitHub) is an empty event. */
export async function readGitHubEvent(path: string | undefined): Promise<GitHubEvent> {
  if (!path) return {};
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return {};
  }
  return parseSaved(text, path, githubEventSchema, {
    what: "a GitHub event payload (GITHUB_EVENT_PATH)",
    remedy: "GITHUB_EVENT_PATH should name the event file the runner wrote",
  });
}
