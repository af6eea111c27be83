import { run } from "./exec.js";

/** A git query in `cwd`; undefined when git or the repository is missing. */
async function git(cwd: string, args: string[]): Promise<string | undefined> {
  const r = await run("git", args, { cwd }).catch(() => undefined);
  return r && r.code === 0 ? r.stdout.trim() : undefined;
}

export const headSha = (cwd: string) => git(cwd, ["rev-parse", "HEAD"]);
export const currentBranch = (cwd: string) => git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]);
/** Release tags (v*) that point at HEAD. */
export const tagsAtHead = async (cwd: string) =>
  ((await git(cwd, ["tag", "--points-at", "HEAD", "--list", "v*"])) ?? "").split("\n").filter(Boolean);
/** Every release tag (v*) in the repository. */
export const releaseTags = async (cwd: string) => ((await git(cwd, ["tag", "--list", "v*"])) ?? "").split("\n").filter(Boolean);
export const tagExists = async (cwd: string, tag: string) =>
  (await git(cwd, ["rev-parse", "-q", "--verify", `refs/tags/${tag}`])) !== undefined;
export const remoteUrl = (cwd: string) => git(cwd, ["config", "--get", "remote.origin.url"]);
