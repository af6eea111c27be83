import { run } from "./exec.js";

/** The one git runner: `git ARGS` in `cwd`, its stdout; a failure is an error naming the command and git's message. */
export async function git(cwd: string, args: string[]): Promise<string> {
  const r = await run("git", args, { cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** A git query in `cwd`, trimmed; undefined when git or the repository is missing, or git says no. */
const query = (cwd: string, args: string[]): Promise<string | undefined> =>
  git(cwd, args).then(
    (out) => out.trim(),
    () => undefined,
  );

/** Whether `cwd` is inside a git work tree (git installed and a repository found). */
export const isGitRepository = async (cwd: string) => (await query(cwd, ["rev-parse", "--is-inside-work-tree"])) === "true";
export const headSha = (cwd: string) => query(cwd, ["rev-parse", "HEAD"]);
export const currentBranch = (cwd: string) => query(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]);
/** Release tags (v*) that point at HEAD. */
export const tagsAtHead = async (cwd: string) =>
  ((await query(cwd, ["tag", "--points-at", "HEAD", "--list", "v*"])) ?? "").split("\n").filter(Boolean);
/** Every release tag (v*) in the repository. */
export const releaseTags = async (cwd: string) => ((await query(cwd, ["tag", "--list", "v*"])) ?? "").split("\n").filter(Boolean);
export const tagExists = async (cwd: string, tag: string) =>
  (await query(cwd, ["rev-parse", "-q", "--verify", `refs/tags/${tag}`])) !== undefined;

/**
 * The web address of a repository from a git remote, for org.opencontainers.image.source: an
 * http(s) URL with no userinfo (never a credential), no query or fragment, no trailing "/" or
 * ".git". http(s) remotes keep their scheme and port; ssh://, git:// and scp-style
 * ([user@]host:owner/repo) remotes become https://host/owner/repo (their port is not the web
 * server's). Undefined for anything that names no web address: a local path, file://, a remote
 * helper (transport::address), a home-relative path (host:~user/repo).
 */
export function repositoryUrl(remote: string): string | undefined {
  const r = remote.trim();
  if (r === "" || /\s/.test(r) || r.includes("::")) return undefined;
  let address: string;
  let web: boolean;
  const url = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(r);
  if (url) {
    const scheme = url[1]!.toLowerCase();
    if (!["http", "https", "ssh", "git", "git+ssh", "ssh+git"].includes(scheme)) return undefined;
    web = scheme === "http" || scheme === "https";
    address = `${web ? scheme : "https"}://${url[2]}`;
  } else {
    // git's scp-like syntax, [user@]host:path: no slash before the first colon (else a local
    // path), and no second "@" or ":" in the path (a user:password@host would leak into it).
    const scp = /^(?:[^@/:]+@)?([A-Za-z0-9][A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):([^@:]*)$/.exec(r);
    if (!scp) return undefined;
    web = false;
    address = `https://${scp[1]}/${scp[2]!.replace(/^\/+/, "")}`;
  }
  let parsed: URL;
  try {
    parsed = new URL(address);
  } catch {
    return undefined;
  }
  if (!parsed.hostname) return undefined;
  if (!web) parsed.port = ""; // an ssh or git port is not the web server's
  const path = parsed.pathname
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
  if (path === "" || path.startsWith("/~")) return undefined;
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/**
 * org.opencontainers.image.source: GitHub's own variables (GITHUB_SERVER_URL/GITHUB_REPOSITORY)
 * when both are set, else the remote `origin` of the repository at `cwd` (with git's insteadOf
 * rewrites applied), through repositoryUrl. Undefined when there is no web address.
 */
export async function sourceUrl(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY) {
    const fromGitHub = repositoryUrl(`${env.GITHUB_SERVER_URL.replace(/\/+$/, "")}/${env.GITHUB_REPOSITORY}`);
    if (fromGitHub) return fromGitHub;
  }
  const remote = await query(cwd, ["remote", "get-url", "origin"]);
  return remote === undefined ? undefined : repositoryUrl(remote);
}
