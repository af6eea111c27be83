/**
 * GitHub's hosted runner, imitated on this machine (root, Debian 12), for tests of the action as
 * users meet it. What it imitates:
 *
 * - the user: a non-root `runner` with passwordless sudo and the docker group (ensureRunnerUser);
 * - node24: the action's `runs.main` runs under a Node 24 binary (node24), not the machine's Node 20;
 * - the work folder: the hosted runner's (`work` in its home) is here RUNNER_WORK, a new folder of the harness's
 *   own (under TMPDIR, removed at exit), never the runner's real one: on a hosted runner that holds
 *   this repository's own checkout (GITHUB_WORKSPACE) and RUNNER_TEMP (assertApartFromHostRunner);
 * - the download: the action's committed files (`git archive HEAD`) under
 *   RUNNER_WORK/_actions/kimigayo/build-action/<ref>, owned by the runner (unpackAction);
 * - the workspace: another git repository at RUNNER_WORK/<name>/<name> (newWorkspace), or for
 *   this repository's own workflows a clone of this repository (checkoutRepository);
 * - a step: `sudo -u runner -H env -i …` with the runner's variables only (GITHUB_*, RUNNER_*, CI,
 *   INPUT_* from action.yml's inputs and defaults), per-step GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
 *   GITHUB_PATH, GITHUB_ENV and GITHUB_STATE files owned by the runner, whose outputs, PATH and env
 *   additions are read back afterwards and carried to later steps (runAction, runScript);
 * - a workflow job: its steps in order, `${{ }}` expressions, `if:`, `env:`, `defaults.run`,
 *   `continue-on-error`, job outputs, a matrix entry and `needs` (runWorkflowJob); its GITHUB_TOKEN
 *   holding the job's `permissions:` (jobPermissions), issued by the API stand-in when the test
 *   gives `issueToken`; the OIDC token variables only with id-token: write (WorkflowRunContext.idToken); a pull request checked out as
 *   actions/checkout does (refs/remotes/pull/N/merge, HEAD detached).
 *
 * What it does not: no runner process, no log masking (the log is the raw output; `::add-mask::`
 * lines are in it), no cache service (@actions/cache reports itself unavailable), no
 * services or containers, no composite or Docker actions, no `pre`/`post`. A job runs on this
 * machine whatever its `runs-on` says (the log says so). Third-party actions are out of scope: a few
 * have small imitations (checkout, setup-node, upload/download-artifact, see THIRD_PARTY), the
 * others are skipped with a log line, and an unknown one throws. BusyBox's download site cannot be
 * reached from here, so seedSourceCache puts the verified tarball where the action would download it.
 * An expression it does not support throws, naming it; it never guesses.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { sourceCachePath } from "../../src/build/source.js";
import { PERMISSION_SCOPES, tokenPermissions, type Access, type TokenPermissions } from "./github-api.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const RUNNER_USER = "runner";
export const RUNNER_HOME = "/home/runner";

/**
 * Refuses a harness folder that is, contains or lies inside GITHUB_WORKSPACE or RUNNER_TEMP of the
 * runner this process itself runs on (CI's e2e job on a hosted runner): the harness empties and
 * removes what it makes there, and would delete its own checkout.
 */
export function assertApartFromHostRunner(dir: string, env: NodeJS.ProcessEnv = process.env): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const within = (a: string, b: string) => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep);
  const mine = real(dir);
  for (const name of ["GITHUB_WORKSPACE", "RUNNER_TEMP"] as const) {
    const theirs = env[name] ? real(env[name]) : undefined;
    if (!theirs) continue;
    const how = mine === theirs ? "is" : within(mine, theirs) ? "is inside" : within(theirs, mine) ? "contains" : undefined;
    if (how)
      throw new Error(
        `runner harness: its folder ${dir} ${how} ${name} (${env[name]}) of the runner this test runs on; it would remove that runner's files. Point TMPDIR elsewhere (the harness works in a new folder under ${tmpdir()}).`,
      );
  }
}

/** The harness's own stand-in for the runner's work folder (the hosted runner's `work` in its home): a new folder per process, removed at exit. */
function newRunnerWork(): string {
  // A new folder's name is fresh, so it can only be or lie inside theirs through its parent.
  assertApartFromHostRunner(tmpdir());
  const dir = mkdtempSync(join(tmpdir(), "kimigayo-runner-work-"));
  assertApartFromHostRunner(dir);
  chmodSync(dir, 0o755);
  process.once("exit", () => {
    // The runner's files are removable by root; as another user (CI runs the e2e through sudo), sudo.
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      spawnSync("sudo", ["-n", "rm", "-rf", "--", dir]);
    }
  });
  return dir;
}

/** The runner's work folder here: RUNNER_TEMP, the tool cache, the actions and the workspaces are under it. */
export const RUNNER_WORK = newRunnerWork();
/** Outside the repository and /root, so the runner can read it; reused between runs. */
export const NODE24_DIR = "/var/cache/kimigayo-test/node24";
/** The hosted image's PATH for the runner, less tools this machine does not have. */
export const RUNNER_PATH = ["/home/runner/.local/bin", "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"].join(
  ":",
);

// ------------------------------------------------------------------------------------------------
// The machine: as root

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Ran {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: "utf8", maxBuffer: 256 << 20 });
  return { code: r.status ?? 128, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

function must(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = sh(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${r.code}:\n${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

/** Runs a command as the runner with a minimal environment (for git in the runner's repositories). */
function asRunner(args: readonly string[], cwd: string): string {
  return must("sudo", ["-u", RUNNER_USER, "-H", "env", "-i", `HOME=${RUNNER_HOME}`, `PATH=${RUNNER_PATH}`, "LANG=C.UTF-8", ...args], {
    cwd,
  });
}

function chownToRunner(...paths: string[]): void {
  must("chown", ["-R", `${RUNNER_USER}:${RUNNER_USER}`, ...paths]);
}

/** mkdir -p whose new folders (and `path` itself) belong to the runner. */
function runnerDir(path: string): string {
  const created = mkdirSync(path, { recursive: true });
  const top = created ?? path;
  for (let p = path; ; p = dirname(p)) {
    chownToRunnerShallow(p);
    if (p === top || p === RUNNER_HOME || p === "/") break;
  }
  return path;
}

function chownToRunnerShallow(path: string): void {
  must("chown", [`${RUNNER_USER}:${RUNNER_USER}`, path]);
}

function writeRunnerFile(path: string, content: string): string {
  runnerDir(dirname(path));
  writeFileSync(path, content);
  chownToRunnerShallow(path);
  return path;
}

/** The runner user with passwordless sudo and the docker group, and sudo itself. Idempotent. */
export function ensureRunnerUser(): void {
  if (sh("id", ["-u", RUNNER_USER]).code !== 0) must("useradd", ["-m", "-s", "/bin/bash", RUNNER_USER]);
  if (sh("sh", ["-c", "command -v sudo"]).code !== 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const install = ["install", "-y", "--no-install-recommends", "sudo"];
    if (sh("apt-get", install, { env }).code !== 0) {
      must("apt-get", ["update"], { env });
      must("apt-get", install, { env });
    }
  }
  const sudoers = "/etc/sudoers.d/runner";
  const rule = `${RUNNER_USER} ALL=(ALL) NOPASSWD:ALL\n`;
  if (!existsSync(sudoers) || readFileSync(sudoers, "utf8") !== rule) {
    // Checked before it is put in place: a broken file in sudoers.d breaks sudo for everyone.
    const draft = join(mkdtempSync(join(tmpdir(), "kimigayo-sudoers-")), "runner");
    writeFileSync(draft, rule, { mode: 0o440 });
    must("visudo", ["-cf", draft]);
    copyFileSync(draft, sudoers);
    rmSync(dirname(draft), { recursive: true, force: true });
  }
  chmodSync(sudoers, 0o440);
  must("visudo", ["-cf", sudoers]);
  if (sh("getent", ["group", "docker"]).code !== 0) throw new Error("there is no docker group: is docker.io installed?");
  if (!must("id", ["-nG", RUNNER_USER]).split(/\s+/).includes("docker")) must("usermod", ["-aG", "docker", RUNNER_USER]);
  runnerDir(RUNNER_WORK);
  const check = sh("sudo", ["-u", RUNNER_USER, "-H", "sudo", "-n", "true"]);
  if (check.code !== 0) throw new Error(`the runner has no passwordless sudo: ${check.stderr}`);
}

/** A Node 24 binary the runner can run, from the npm package node-linux-<arch>@24 (cached in NODE24_DIR). */
export function node24(): string {
  const pkg = `node-linux-${process.arch === "arm64" ? "arm64" : "x64"}`;
  const bin = join(NODE24_DIR, "node_modules", pkg, "bin", "node");
  if (existsSync(bin) && sh(bin, ["--version"]).stdout.startsWith("v24.")) return bin;
  mkdirSync(NODE24_DIR, { recursive: true });
  must("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--no-package-lock", "--prefix", NODE24_DIR, `${pkg}@24`]);
  must("chmod", ["-R", "a+rX", dirname(NODE24_DIR)]);
  const version = must(bin, ["--version"]).trim();
  if (!version.startsWith("v24.")) throw new Error(`${bin} is ${version}, not Node 24`);
  return bin;
}

/** The action as GitHub downloads it: this repository's committed files, under the runner's _actions. */
export function unpackAction(ref = "v2"): string {
  const dir = join(RUNNER_WORK, "_actions", "kimigayo", "build-action", ref);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  must("bash", ["-o", "pipefail", "-c", 'git -C "$1" archive --format=tar HEAD | tar -x -C "$2"', "_", ROOT, dir]);
  chownToRunner(join(RUNNER_WORK, "_actions"));
  return dir;
}

export interface Workspace {
  name: string;
  /** GITHUB_WORKSPACE: RUNNER_WORK/<name>/<name>. */
  dir: string;
  remove(): void;
}

/** A fresh git repository owned by the runner holding `files`, committed, as actions/checkout leaves it. */
export function newWorkspace(name: string, files: Record<string, string>): Workspace {
  const top = join(RUNNER_WORK, name);
  const dir = join(top, name);
  rmSync(top, { recursive: true, force: true });
  runnerDir(dir);
  for (const [path, content] of Object.entries(files)) {
    if (isAbsolute(path) || path.split("/").includes("..")) throw new Error(`workspace file ${path} is not inside the workspace`);
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  chownToRunner(top);
  asRunner(["git", "init", "-q", "-b", "main"], dir);
  asRunner(["git", "config", "user.name", "Downstream User"], dir);
  asRunner(["git", "config", "user.email", "user@example.com"], dir);
  asRunner(["git", "add", "-A"], dir);
  asRunner(["git", "commit", "-q", "--allow-empty", "-m", "the downstream repository"], dir);
  return { name, dir, remove: () => rmSync(top, { recursive: true, force: true }) };
}

/**
 * actions/checkout, imitated: a clone of `source` (default this repository, its HEAD: committed
 * files only) into `dir`, owned by the runner, shallow unless fetchDepth is 0. A tag the event
 * names that the history lacks is created at HEAD, as if it had been pushed.
 */
export function checkoutRepository(dir: string, opts: { source?: string; fetchDepth?: number; tag?: string } = {}): void {
  rmSync(dir, { recursive: true, force: true });
  runnerDir(dir);
  const depth = opts.fetchDepth === 0 ? [] : ["--depth", String(opts.fetchDepth ?? 1)];
  // file:// so the objects are copied, never hard-linked to (and then chowned in) the source. A
  // source the runner owns (one a job pushes back to) is cloned by the runner, as git's ownership
  // check wants.
  const source = opts.source ?? ROOT;
  const clone = ["clone", "-q", "--no-local", ...depth, `file://${source}`, dir];
  if (statSync(source).uid === Number(must("id", ["-u", RUNNER_USER]).trim())) asRunner(["git", ...clone], dirname(dir));
  else must("git", ["-c", "safe.directory=*", ...clone]);
  chownToRunner(dir);
  if (opts.tag && sh("git", ["-C", dir, "-c", "safe.directory=*", "rev-parse", "-q", "--verify", `refs/tags/${opts.tag}`]).code !== 0) {
    asRunner(["git", "tag", opts.tag], dir);
  }
}

/**
 * Puts the config's verified BusyBox tarball in the runner's own cache (~runner/.cache/kimigayo),
 * where the action would download it on GitHub: busybox.net cannot be reached from here. The
 * tarball comes from root's cache, which `kimigayo doctor --fix` seeds from Debian's orig tarball.
 */
export function seedSourceCache(configFile: string): string {
  const config = parseYaml(readFileSync(configFile, "utf8")) as { busybox?: { sha256?: string } };
  const sha = config.busybox?.sha256;
  if (!sha) throw new Error(`${configFile} names no busybox.sha256 to seed`);
  const from = sourceCachePath(sha);
  if (!existsSync(from)) throw new Error(`${from} is missing: run \`npx kimigayo doctor --fix\` as root first, which seeds it`);
  const to = sourceCachePath(sha, join(RUNNER_HOME, ".cache", "kimigayo"));
  if (!existsSync(to)) {
    runnerDir(dirname(to));
    copyFileSync(from, to);
    chownToRunnerShallow(to);
  }
  return to;
}

/** Empties the runner's own cache (~runner/.cache/kimigayo), as on a fresh hosted runner with no cache service. */
export function resetRunnerCache(): void {
  rmSync(join(RUNNER_HOME, ".cache", "kimigayo"), { recursive: true, force: true });
}

/** Paths under `dir` (itself included) owned by root, not following symlinks. */
export function rootOwned(dir: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.uid === 0) found.push(p);
    if (st.isDirectory()) for (const name of readdirSync(p)) walk(join(p, name));
  };
  walk(dir);
  return found;
}

export function assertNoRootOwned(dir: string): void {
  const found = rootOwned(dir);
  if (found.length > 0) {
    throw new Error(
      `${found.length} root-owned path(s) in ${dir}:\n  ${found.slice(0, 20).join("\n  ")}${found.length > 20 ? "\n  …" : ""}`,
    );
  }
}

/** Removes what the harness made under RUNNER_WORK: _temp, _tool, the unpacked action, workflow jobs' workspace, `workspaces`. */
export function cleanRunnerWork(...workspaces: Workspace[]): void {
  for (const w of workspaces) w.remove();
  for (const p of ["_temp", "_tool", "_actions/kimigayo/build-action", "build-action"])
    rmSync(join(RUNNER_WORK, p), { recursive: true, force: true });
  for (const p of ["_actions/kimigayo", "_actions"]) {
    const dir = join(RUNNER_WORK, p);
    if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  }
}

// ------------------------------------------------------------------------------------------------
// A job and its steps: as the runner

/** What triggered the run: a tag or branch push, or a pull request (from a fork or not). */
export type EventSpec = { tag: string } | { branch: string } | { pullRequest: number; fork?: boolean; headRef?: string; base?: string };

export interface JobOptions {
  /** GITHUB_WORKSPACE; created empty (owned by the runner) when absent. */
  workspace: string;
  event?: EventSpec;
  /** owner/name of the repository the workflow runs in. */
  repository?: string;
  /** GITHUB_SHA; default the workspace's HEAD, else this repository's. */
  sha?: string;
  /** secrets.*; a fork's pull request gets GITHUB_TOKEN only (GitHub withholds the others). */
  secrets?: Record<string, string>;
  jobId?: string;
  workflow?: string;
  /** The workflow's file in the repository (GITHUB_WORKFLOW_REF): default .github/workflows/<workflow>.yml. */
  workflowPath?: string;
  apiUrl?: string;
  runId?: number;
  /**
   * Variables the runner itself sets for services a job can reach (the OIDC token endpoint, the
   * Actions cache and results service, …): given by the test that started those stand-ins, set on
   * every step like the other runner variables.
   */
  serviceEnv?: Record<string, string>;
}

export interface Job {
  id: string;
  workspace: string;
  temp: string;
  toolCache: string;
  /** The github context; the GITHUB_* variables are made from it. */
  github: Record<string, unknown>;
  runner: Record<string, string>;
  secrets: Record<string, string>;
  /** GITHUB_ENV additions so far, for later steps. */
  envAdds: Record<string, string>;
  /** GITHUB_PATH additions so far, in the order they were added. */
  pathAdds: string[];
  steps: number;
  /** JobOptions.serviceEnv. */
  serviceEnv: Record<string, string>;
  /** ACTIONS_RUNTIME_TOKEN: the job's token for the runner's services (artifacts, cache, results). */
  runtimeToken: string;
  /** GITHUB_ACTION names used so far, and how often (__run, __run_2, …). */
  actionNames: Record<string, number>;
  /** The GITHUB_TOKEN's permissions, for a workflow job (runWorkflowJob). */
  permissions?: TokenPermissions;
}

/** Starts a job: an empty RUNNER_TEMP, the event payload in it, the github context. */
export function newJob(o: JobOptions): Job {
  const temp = join(RUNNER_WORK, "_temp");
  rmSync(temp, { recursive: true, force: true });
  runnerDir(temp);
  const toolCache = runnerDir(join(RUNNER_WORK, "_tool"));
  runnerDir(o.workspace);
  const git = (args: string[], cwd: string) => sh("git", ["-c", "safe.directory=*", ...args], { cwd });
  const head = git(["rev-parse", "HEAD"], o.workspace);
  const sha = o.sha ?? (head.code === 0 ? head.stdout.trim() : must("git", ["rev-parse", "HEAD"], { cwd: ROOT }).trim());
  const repository = o.repository ?? `octo-org/${basename(o.workspace)}`;
  const [owner = "", name = ""] = repository.split("/");
  const event = o.event ?? { branch: "main" };
  const server = "https://github.com";
  const repo = {
    name,
    full_name: repository,
    owner: { login: owner, type: "Organization" },
    default_branch: "main",
    private: false,
    fork: false,
  };
  let ref: string, refName: string, refType: string, eventName: string, payload: Record<string, unknown>;
  let headRef = "",
    baseRef = "";
  const secrets = { ...o.secrets };
  if ("pullRequest" in event) {
    const n = event.pullRequest;
    const fork = event.fork ?? false;
    const author = fork ? "contributor" : owner;
    headRef = event.headRef ?? "feature";
    baseRef = event.base ?? "main";
    [eventName, ref, refName, refType] = ["pull_request", `refs/pull/${n}/merge`, `${n}/merge`, "branch"];
    const headRepo = fork ? { ...repo, full_name: `${author}/${name}`, owner: { login: author, type: "User" }, fork: true } : repo;
    payload = {
      action: "synchronize",
      number: n,
      pull_request: {
        number: n,
        state: "open",
        html_url: `${server}/${repository}/pull/${n}`,
        user: { login: author },
        head: { ref: headRef, sha, label: `${author}:${headRef}`, repo: headRepo },
        base: { ref: baseRef, sha, label: `${owner}:${baseRef}`, repo },
      },
      repository: repo,
      sender: { login: author, type: "User" },
    };
    if (fork) for (const k of Object.keys(secrets)) if (k !== "GITHUB_TOKEN") delete secrets[k];
  } else {
    const isTag = "tag" in event;
    refName = isTag ? event.tag : event.branch;
    [eventName, ref, refType] = ["push", `refs/${isTag ? "tags" : "heads"}/${refName}`, isTag ? "tag" : "branch"];
    payload = {
      ref,
      before: "0".repeat(40),
      after: sha,
      created: isTag,
      deleted: false,
      forced: false,
      base_ref: null,
      compare: `${server}/${repository}/compare/${refName}`,
      commits: [],
      head_commit: { id: sha, message: "", timestamp: new Date(0).toISOString() },
      pusher: { name: owner },
      repository: repo,
      sender: { login: owner, type: "User" },
    };
  }
  const eventPath = writeRunnerFile(join(temp, "_github_workflow", "event.json"), JSON.stringify(payload, null, 2));
  const runId = o.runId ?? 1000 + Math.floor(Math.random() * 1e6);
  const github: Record<string, unknown> = {
    event_name: eventName,
    event: payload,
    event_path: eventPath,
    ref,
    ref_name: refName,
    ref_type: refType,
    ref_protected: false,
    sha,
    head_ref: headRef,
    base_ref: baseRef,
    repository,
    repository_owner: owner,
    actor: (payload.sender as { login: string }).login,
    triggering_actor: (payload.sender as { login: string }).login,
    run_id: String(runId),
    run_number: "1",
    run_attempt: "1",
    retention_days: "90",
    server_url: server,
    api_url: o.apiUrl ?? "https://api.github.com",
    graphql_url: "https://api.github.com/graphql",
    workspace: o.workspace,
    job: o.jobId ?? "test",
    workflow: o.workflow ?? "test",
    workflow_ref: `${repository}/${o.workflowPath ?? `.github/workflows/${o.workflow ?? "test"}.yml`}@${ref}`,
    workflow_sha: sha,
    action: "",
    action_path: "",
    token: secrets.GITHUB_TOKEN ?? "",
  };
  const runner = {
    os: "Linux",
    arch: process.arch === "arm64" ? "ARM64" : "X64",
    name: "GitHub Actions 1",
    environment: "github-hosted",
    temp,
    tool_cache: toolCache,
  };
  return {
    id: o.jobId ?? "test",
    workspace: o.workspace,
    temp,
    toolCache,
    github,
    runner,
    secrets,
    envAdds: {},
    pathAdds: [],
    steps: 0,
    serviceEnv: { ...o.serviceEnv },
    runtimeToken: randomUUID(),
    actionNames: {},
  };
}

/** The variables every step starts from, as the runner sets them. */
function runnerEnv(job: Job): Record<string, string> {
  const g = (k: string) => String(job.github[k] ?? "");
  return {
    HOME: RUNNER_HOME,
    USER: RUNNER_USER,
    LOGNAME: RUNNER_USER,
    SHELL: "/bin/bash",
    LANG: "C.UTF-8",
    CI: "true",
    GITHUB_ACTIONS: "true",
    RUNNER_OS: job.runner.os!,
    RUNNER_ARCH: job.runner.arch!,
    RUNNER_NAME: job.runner.name!,
    RUNNER_ENVIRONMENT: job.runner.environment!,
    RUNNER_TEMP: job.temp,
    RUNNER_TOOL_CACHE: job.toolCache,
    RUNNER_WORKSPACE: dirname(job.workspace),
    GITHUB_WORKSPACE: job.workspace,
    GITHUB_REPOSITORY: g("repository"),
    GITHUB_REPOSITORY_OWNER: g("repository_owner"),
    GITHUB_REF: g("ref"),
    GITHUB_REF_NAME: g("ref_name"),
    GITHUB_REF_TYPE: g("ref_type"),
    GITHUB_REF_PROTECTED: "false",
    GITHUB_SHA: g("sha"),
    GITHUB_HEAD_REF: g("head_ref"),
    GITHUB_BASE_REF: g("base_ref"),
    GITHUB_EVENT_NAME: g("event_name"),
    GITHUB_EVENT_PATH: g("event_path"),
    GITHUB_SERVER_URL: g("server_url"),
    GITHUB_API_URL: g("api_url"),
    GITHUB_GRAPHQL_URL: g("graphql_url"),
    GITHUB_RUN_ID: g("run_id"),
    GITHUB_RUN_NUMBER: g("run_number"),
    GITHUB_RUN_ATTEMPT: g("run_attempt"),
    GITHUB_RETENTION_DAYS: g("retention_days"),
    GITHUB_ACTOR: g("actor"),
    GITHUB_TRIGGERING_ACTOR: g("triggering_actor"),
    GITHUB_WORKFLOW: g("workflow"),
    GITHUB_WORKFLOW_REF: g("workflow_ref"),
    GITHUB_WORKFLOW_SHA: g("workflow_sha"),
    GITHUB_JOB: job.id,
    // The hosted image's own variables.
    ImageOS: "ubuntu24",
    ImageVersion: "20260101.1.0",
    // The runner's services: always a token; their URLs (ACTIONS_RESULTS_URL of the cache and
    // results service, ACTIONS_ID_TOKEN_REQUEST_URL with id-token: write) come with serviceEnv,
    // from the test that started them. Without a service, none is set: an unset URL makes
    // @actions/cache report itself unavailable, where a URL to nothing would fail every call.
    ACTIONS_RUNTIME_TOKEN: job.runtimeToken,
    ...job.serviceEnv,
  };
}

export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
}

export interface StepResult {
  code: number;
  /** stdout and stderr as they came, raw (the runner would mask registered secrets). */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  /** What the step added to GITHUB_ENV and GITHUB_PATH. */
  env: Record<string, string>;
  path: string[];
  annotations: Annotation[];
  ms: number;
}

/** The runner's parser of GITHUB_OUTPUT and GITHUB_ENV: `name=value` and `name<<DELIMITER` lines. */
export function parseFileCommand(text: string, file = "file command"): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (eq > 0 && (heredoc < 0 || eq < heredoc)) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
      continue;
    }
    if (heredoc <= 0) throw new Error(`${file}: invalid line ${JSON.stringify(line)}`);
    const delimiter = line.slice(heredoc + 2);
    const end = lines.indexOf(delimiter, i + 1);
    if (delimiter === "" || end < 0)
      throw new Error(`${file}: no closing delimiter ${JSON.stringify(delimiter)} for ${line.slice(0, heredoc)}`);
    out[line.slice(0, heredoc)] = lines.slice(i + 1, end).join("\n");
    i = end;
  }
  return out;
}

function annotationsOf(log: string): Annotation[] {
  const unescape = (s: string) => s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
  return [...log.matchAll(/^::(error|warning|notice)(?: [^\n]*?)?::(.*)$/gm)].map((m) => ({
    level: m[1] as Annotation["level"],
    message: unescape(m[2]!),
  }));
}

/** Runs argv as the runner, in a clean environment, with this step's file commands; applies their additions to the job. */
async function runStep(
  job: Job,
  argv: string[],
  o: { env?: Record<string, string>; cwd?: string; id?: string; action?: string; timeoutMs?: number },
): Promise<StepResult> {
  ++job.steps;
  // GITHUB_ACTION: the step's id, else __run for a script and __owner_repo (__self for ./) for an
  // action, with _2, _3 … for the second and later of the same name in the job.
  const base = o.action ?? "__run";
  const seen = o.id ? 0 : (job.actionNames[base] = (job.actionNames[base] ?? 0) + 1);
  const actionName = o.id ?? (seen === 1 ? base : `${base}_${seen}`);
  const files = join(job.temp, "_runner_file_commands");
  const file = (kind: string) => writeRunnerFile(join(files, `${kind}_${randomUUID()}`), "");
  const [output, summary, path, envFile, state] = ["set_output", "step_summary", "add_path", "set_env", "save_state"].map(file) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const env: Record<string, string> = {
    ...runnerEnv(job),
    ...job.envAdds,
    ...o.env,
    GITHUB_ACTION: actionName,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_PATH: path,
    GITHUB_ENV: envFile,
    GITHUB_STATE: state,
  };
  env.PATH = [...[...job.pathAdds].reverse(), o.env?.PATH ?? RUNNER_PATH].join(":");
  const started = Date.now();
  const verbose = process.env.KIMIGAYO_RUNNER_LOG === "1";
  const { code, log } = await new Promise<{ code: number; log: string }>((done, fail) => {
    const assignments = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const child = spawn("sudo", ["-u", RUNNER_USER, "-H", "env", "-i", ...assignments, ...argv], {
      cwd: o.cwd ?? job.workspace,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    const take = (b: Buffer) => {
      log += b.toString();
      if (verbose) process.stderr.write(b);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const timer = o.timeoutMs ? setTimeout(() => child.kill("SIGTERM"), o.timeoutMs) : undefined;
    child.on("error", fail);
    child.on("close", (c, signal) => {
      if (timer) clearTimeout(timer);
      done({ code: c ?? 128, log: signal ? `${log}\n[harness] step ended by ${signal}` : log });
    });
  });
  const outputs = parseFileCommand(readFileSync(output, "utf8"), "GITHUB_OUTPUT");
  const added = parseFileCommand(readFileSync(envFile, "utf8"), "GITHUB_ENV");
  Object.assign(job.envAdds, added);
  const paths = readFileSync(path, "utf8").split(/\r?\n/).filter(Boolean);
  for (const p of paths) job.pathAdds = [...job.pathAdds.filter((x) => x !== p), p];
  return {
    code,
    log,
    outputs,
    summary: readFileSync(summary, "utf8"),
    env: added,
    path: paths,
    annotations: annotationsOf(log),
    ms: Date.now() - started,
  };
}

interface ActionYaml {
  inputs?: Record<string, { default?: unknown; required?: boolean; deprecationMessage?: string }>;
  runs: { using: string; main?: string; pre?: string; post?: string };
}

function readActionYaml(dir: string): ActionYaml {
  const file = ["action.yml", "action.yaml"].map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new Error(`${dir} has no action.yml`);
  return parseYaml(readFileSync(file, "utf8")) as ActionYaml;
}

/**
 * INPUT_<NAME> for each input given, and each other input with a default in action.yml; the
 * inputs given that action.yml does not declare, and the runner's warning for each one given that
 * it declares with a deprecationMessage.
 */
export function inputVariables(
  declared: ActionYaml["inputs"],
  given: Record<string, string>,
  contexts: Contexts = {},
): { env: Record<string, string>; unexpected: string[]; deprecated: string[] } {
  const env: Record<string, string> = {};
  const name = (k: string) => `INPUT_${k.replace(/ /g, "_").toUpperCase()}`;
  for (const [k, spec] of Object.entries(declared ?? {})) {
    if (k in given || spec?.default === undefined) continue;
    env[name(k)] = interpolate(String(spec.default), contexts);
  }
  for (const [k, v] of Object.entries(given)) env[name(k)] = v;
  return {
    env,
    unexpected: Object.keys(given).filter((k) => !(k in (declared ?? {}))),
    deprecated: Object.keys(given).flatMap((k) => {
      const message = declared?.[k]?.deprecationMessage;
      return message ? [`Input '${k}' has been deprecated with message: ${message}`] : [];
    }),
  };
}

/** The contexts an expression in a step of `job` sees, without workflow-only ones. */
function jobContexts(job: Job): Contexts {
  return { github: job.github, runner: job.runner, env: { ...job.envAdds }, secrets: job.secrets, job: { status: "success" } };
}

/** A JavaScript action's step: its runs.main under node24 from actionDir, with the inputs as INPUT_* variables. */
export async function runAction(o: {
  job: Job;
  actionDir: string;
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  id?: string;
  timeoutMs?: number;
}): Promise<StepResult> {
  const meta = readActionYaml(o.actionDir);
  if (meta.runs.using !== "node24" || !meta.runs.main)
    throw new Error(`${o.actionDir}: runs.using ${meta.runs.using} is not imitated (node24 only)`);
  if (meta.runs.pre || meta.runs.post) throw new Error(`${o.actionDir}: runs.pre and runs.post are not imitated`);
  const { env: inputs, unexpected, deprecated } = inputVariables(meta.inputs, o.inputs ?? {}, jobContexts(o.job));
  // A remote action knows where it came from; a local one (uses: ./) does not.
  const remote = /\/_actions\/([^/]+)\/([^/]+)\/([^/]+)\/?$/.exec(o.actionDir);
  // GITHUB_ACTION_PATH is set for composite actions only (GitHub's docs); this one is a node24 action.
  const r = await runStep(o.job, [node24(), join(o.actionDir, meta.runs.main)], {
    action: remote ? `__${remote[1]}_${remote[2]}` : "__self",
    env: {
      ...o.env,
      ...inputs,
      GITHUB_ACTION_REPOSITORY: remote ? `${remote[1]}/${remote[2]}` : "",
      GITHUB_ACTION_REF: remote ? remote[3]! : "",
    },
    ...(o.id ? { id: o.id } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
  const valid = Object.keys(meta.inputs ?? {}).map((k) => `'${k}'`);
  const warnings = [
    ...(unexpected.length > 0
      ? [`Unexpected input(s) ${unexpected.map((k) => `'${k}'`).join(", ")}, valid inputs are [${valid.join(", ")}]`]
      : []),
    ...deprecated,
  ];
  if (warnings.length === 0) return r;
  return { ...r, log: `${warnings.map((w) => `##[warning]${w}\n`).join("")}${r.log}` };
}

/** The shells GitHub knows, as it runs them ({0} is the script file). */
const SHELLS: Record<string, string[]> = {
  "": ["bash", "-e", "{0}"],
  bash: ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"],
  sh: ["sh", "-e", "{0}"],
};

/** A `run:` step: the script in a file in RUNNER_TEMP, run by the shell as GitHub does. */
export async function runScript(o: {
  job: Job;
  run: string;
  env?: Record<string, string>;
  shell?: string;
  workingDirectory?: string;
  id?: string;
  timeoutMs?: number;
}): Promise<StepResult> {
  const shell = SHELLS[o.shell ?? ""];
  if (!shell) throw new Error(`shell ${JSON.stringify(o.shell)} is not imitated; known: bash, sh (and none: bash -e)`);
  const script = writeRunnerFile(join(o.job.temp, `${randomUUID()}.sh`), o.run);
  const cwd = o.workingDirectory ? resolve(o.job.workspace, o.workingDirectory) : o.job.workspace;
  return runStep(o.job, [...shell.map((a) => (a === "{0}" ? script : a))], {
    cwd,
    ...(o.env ? { env: o.env } : {}),
    ...(o.id ? { id: o.id } : {}),
    ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
  });
}

// ------------------------------------------------------------------------------------------------
// Workflows

type Map = Record<string, unknown>;

interface WorkflowStep {
  id?: string;
  name?: string;
  if?: unknown;
  uses?: string;
  run?: string;
  with?: Map;
  env?: Map;
  shell?: string;
  "working-directory"?: string;
  "continue-on-error"?: unknown;
  "timeout-minutes"?: unknown;
}

interface WorkflowJob {
  name?: string;
  if?: unknown;
  needs?: string | string[];
  permissions?: unknown;
  "runs-on"?: unknown;
  env?: Map;
  defaults?: { run?: { shell?: string; "working-directory"?: string } };
  strategy?: { matrix?: unknown };
  outputs?: Map;
  steps?: WorkflowStep[];
  "timeout-minutes"?: unknown;
}

interface Workflow {
  name?: string;
  permissions?: unknown;
  env?: Map;
  defaults?: { run?: { shell?: string; "working-directory"?: string } };
  jobs?: Record<string, WorkflowJob>;
}

const ACCESS: readonly string[] = ["none", "read", "write"];

/**
 * A job's GITHUB_TOKEN permissions as GitHub computes them: the job's `permissions:`, else the
 * workflow's, else the repository's default (restricted: contents and packages read; permissive:
 * every scope write but id-token). `read-all`/`write-all` set every scope; a map sets those it names
 * and every other scope to none (`{}` is none at all). A pull request from a fork gets at most read,
 * and no id-token. A scope or access GitHub does not know throws, as GitHub refuses the workflow.
 */
export function jobPermissions(
  wf: Pick<Workflow, "permissions" | "jobs">,
  jobId: string,
  o: { fork?: boolean; default?: "restricted" | "permissive" } = {},
): TokenPermissions {
  const where = wf.jobs?.[jobId]?.permissions !== undefined ? `jobs.${jobId}.permissions` : "permissions";
  const block = wf.jobs?.[jobId]?.permissions ?? wf.permissions;
  let p: TokenPermissions;
  if (block === undefined || block === null) {
    p =
      o.default === "permissive"
        ? tokenPermissions(Object.fromEntries(PERMISSION_SCOPES.filter((s) => s !== "id-token").map((s) => [s, "write"])))
        : tokenPermissions({ contents: "read", packages: "read" });
  } else if (block === "read-all" || block === "write-all") {
    const access = block === "read-all" ? "read" : "write";
    p = tokenPermissions(Object.fromEntries(PERMISSION_SCOPES.map((s) => [s, s === "id-token" && access === "read" ? "none" : access])));
  } else if (typeof block === "object" && !Array.isArray(block)) {
    const given: Partial<TokenPermissions> = {};
    for (const [scope, access] of Object.entries(block)) {
      if (!(PERMISSION_SCOPES as readonly string[]).includes(scope))
        throw new Error(`${where}.${scope}: not a permission GitHub knows; known: ${PERMISSION_SCOPES.join(", ")}`);
      if (!ACCESS.includes(String(access)) || (scope === "id-token" && access === "read"))
        throw new Error(
          `${where}.${scope}: ${JSON.stringify(access)} is not one of ${scope === "id-token" ? "write, none" : "read, write, none"}`,
        );
      given[scope as keyof TokenPermissions] = access as Access;
    }
    p = tokenPermissions(given);
  } else {
    throw new Error(`${where}: ${JSON.stringify(block)} is not read-all, write-all or a map of scopes`);
  }
  if (o.fork)
    p = Object.fromEntries(
      Object.entries(p).map(([s, a]) => [s, s === "id-token" ? "none" : a === "write" ? "read" : a]),
    ) as TokenPermissions;
  return p;
}

export function readWorkflow(file: string): Workflow {
  return parseYaml(readFileSync(file, "utf8")) as Workflow;
}

/** The matrix entries of a job (axes crossed, then `include` as GitHub applies it); [{}] without a matrix. */
export function matrixOf(file: string, jobId: string): Record<string, unknown>[] {
  const m = readWorkflow(file).jobs?.[jobId]?.strategy?.matrix;
  if (m === undefined) return [{}];
  if (typeof m !== "object" || m === null) throw new Error(`${file}: jobs.${jobId}.strategy.matrix: only a literal matrix is imitated`);
  const { include = [], exclude, ...axes } = m as Map & { include?: Map[] };
  if (exclude !== undefined) throw new Error(`${file}: jobs.${jobId}.strategy.matrix.exclude is not imitated`);
  let combos: Map[] = Object.keys(axes).length === 0 ? [] : [{}];
  for (const [k, values] of Object.entries(axes)) {
    if (!Array.isArray(values)) throw new Error(`${file}: jobs.${jobId}.strategy.matrix.${k}: only a list is imitated`);
    combos = combos.flatMap((c) => values.map((v: unknown) => ({ ...c, [k]: v })));
  }
  const original = combos.length;
  for (const inc of include) {
    let added = false;
    for (const c of combos.slice(0, original)) {
      if (Object.entries(inc).every(([k, v]) => !(k in axes) || c[k] === v)) {
        Object.assign(c, inc);
        added = true;
      }
    }
    if (!added) combos.push({ ...inc });
  }
  return combos;
}

export interface StepRecord {
  id: string;
  name: string;
  /** action (uses: ./), run, imitated (a third-party action the harness imitates), skipped (its if: or out of scope). */
  kind: "action" | "run" | "imitated" | "skipped";
  outcome: "success" | "failure" | "skipped";
  conclusion: "success" | "failure" | "skipped";
  result?: StepResult;
  note?: string;
}

export interface JobResult {
  result: "success" | "failure" | "skipped";
  outputs: Record<string, string>;
  steps: StepRecord[];
  /** One line per step, then each step's own log. */
  log: string;
  job?: Job;
}

export interface WorkflowRunContext extends Omit<JobOptions, "workspace" | "jobId" | "workflow"> {
  /** Default RUNNER_WORK/build-action/build-action, emptied, filled by the checkout step. */
  workspace?: string;
  /** The run's artifacts: one folder per artifact, shared by its jobs. */
  artifacts: string;
  matrix?: Record<string, unknown>;
  needs?: Record<string, Pick<JobResult, "result" | "outputs">>;
  inputs?: Record<string, unknown>;
  /** The repository's configuration variables (Settings > Variables), the `vars` context; default none. */
  vars?: Record<string, string>;
  /**
   * Actions other than `uses: ./` that run for real: a `uses:` value as written (for example
   * `kimigayo/build-action@v2`, as the README's examples write it) to its unpacked folder.
   */
  actions?: Record<string, string>;
  /**
   * The OIDC token service (test/support/oidc.ts): the variables of one job's ID token requests,
   * from its github context and its workflow file's path in the repository. The runner sets them
   * only on a job whose permissions grant `id-token: write`, as GitHub's does.
   */
  idToken?: (job: Job, workflowPath: string) => Record<string, string>;
  /**
   * Issues the job's GITHUB_TOKEN for its permissions (jobPermissions), as GitHub does before each
   * job: with the API stand-in, `(p) => standIn.issueToken(p)`, so that the stand-in answers what
   * they do not allow with 403. Without it, secrets.GITHUB_TOKEN is used as given.
   */
  issueToken?: (permissions: TokenPermissions) => string;
  /** The repository's default for jobs without `permissions:` (Settings > Actions): default restricted. */
  defaultPermissions?: "restricted" | "permissive";
  /** Replaces the actions/checkout imitation (default: checkoutRepository of this repository). */
  checkout?: (workspace: string, withs: Record<string, string>) => void;
  timeoutMs?: number;
}

type ThirdParty = (w: Record<string, string>, job: Job, ctx: WorkflowRunContext) => string;

const OUT_OF_SCOPE = "skipped: third-party, out of the harness's scope (its pin and inputs are checked statically)";

/** Third-party actions: a small imitation returning its log line, or a skip. Any other throws. */
const THIRD_PARTY: Record<string, ThirdParty | "skip"> = {
  "actions/checkout": (w, job, ctx) => {
    const fetchDepth = Number(w["fetch-depth"] ?? "1");
    const tag = job.github.ref_type === "tag" ? String(job.github.ref_name) : undefined;
    if (ctx.checkout) ctx.checkout(job.workspace, w);
    else checkoutRepository(job.workspace, { fetchDepth, ...(tag ? { tag } : {}) });
    // A pull request's event checks out its merge ref, detached, with no local branch (unless `ref:` names one).
    const pr = /^refs\/pull\/(\d+)\/merge$/.exec(String(job.github.ref));
    if (pr && !w.ref) {
      const merge = `refs/remotes/pull/${pr[1]}/merge`;
      asRunner(["git", "update-ref", merge, "HEAD"], job.workspace);
      asRunner(["git", "checkout", "-q", "--detach", merge], job.workspace);
      for (const b of asRunner(["git", "for-each-ref", "--format=%(refname)", "refs/heads/"], job.workspace).split("\n").filter(Boolean))
        asRunner(["git", "update-ref", "-d", b], job.workspace);
    }
    return `imitated: cloned ${ctx.checkout ? "(by the test's checkout)" : ROOT} into ${job.workspace} (fetch-depth ${fetchDepth})${pr && !w.ref ? `, HEAD detached at ${String(job.github.ref)}` : ""}`;
  },
  "actions/setup-node": (w, job) => {
    if (String(w["node-version"]) !== "24")
      throw new Error(`actions/setup-node: node-version ${w["node-version"]} is not imitated (24 only)`);
    const dir = dirname(node24());
    job.pathAdds = [...job.pathAdds.filter((p) => p !== dir), dir];
    return `imitated: ${dir} first on PATH`;
  },
  "actions/upload-artifact": (w, job, ctx) => {
    const name = w.name || "artifact";
    const paths = (w.path ?? "")
      .split("\n")
      .map((p) => p.trim())
      .filter(Boolean);
    if (paths.some((p) => /[*?[!]/.test(p)))
      throw new Error(`actions/upload-artifact: wildcards and exclusions in path are not imitated: ${w.path}`);
    const found = paths.map((p) => resolve(job.workspace, p)).filter(existsSync);
    if (found.length === 0) {
      const msg = `no files were found with the provided path: ${paths.join(", ")}. No artifacts will be uploaded.`;
      if ((w["if-no-files-found"] || "warn") === "error") throw new Error(`actions/upload-artifact: ${msg}`);
      return `imitated: ${msg}`;
    }
    // The root is the least common ancestor: a folder's own path, a file's folder.
    const roots = found.map((p) => (lstatSync(p).isDirectory() ? p : dirname(p)));
    let root = roots[0]!;
    while (!roots.every((r) => r === root || r.startsWith(root + sep))) root = dirname(root);
    const dest = join(ctx.artifacts, name);
    if (existsSync(dest)) {
      // As the action: a name already in the run fails, unless overwrite: true deletes it first.
      if (w.overwrite !== "true") throw new Error(`actions/upload-artifact: an artifact named ${name} already exists in this run`);
      rmSync(dest, { recursive: true, force: true });
    }
    for (const p of found) cpSync(p, join(dest, relative(root, p)), { recursive: true });
    return `imitated: uploaded ${found.length} path(s) as artifact ${name}`;
  },
  "actions/download-artifact": (w, job, ctx) => {
    const all = existsSync(ctx.artifacts) ? readdirSync(ctx.artifacts).sort() : [];
    // minimatch's pattern, as the action uses it: *, ? and {a,b} alternatives.
    const glob = (g: string) =>
      new RegExp(
        `^${g
          .replace(/[.+^$()|\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")
          .replace(/\{([^{}]*)\}/g, (_, alts: string) => `(?:${alts.split(",").join("|")})`)}$`,
      );
    const names = w.name ? [w.name] : w.pattern ? all.filter((n) => glob(w.pattern!).test(n)) : all;
    if (w.name && !all.includes(w.name))
      throw new Error(`actions/download-artifact: no artifact named ${w.name}; the run has: ${all.join(", ") || "none"}`);
    const dest = resolve(job.workspace, w.path || ".");
    const single = Boolean(w.name) || w["merge-multiple"] === "true";
    for (const n of names) cpSync(join(ctx.artifacts, n), single ? dest : join(dest, n), { recursive: true });
    runnerDir(dest);
    chownToRunner(dest);
    return `imitated: downloaded ${names.join(", ") || "nothing"} into ${dest}`;
  },
  "docker/login-action": "skip",
  "docker/setup-qemu-action": "skip",
  "docker/setup-buildx-action": "skip",
  "actions/github-script": "skip",
  "actions/cache": "skip",
};

/** Evaluates each value of a `with:`/`env:`/`outputs:` map to a string. */
function evalMap(map: Map | undefined, contexts: Contexts): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {}))
    out[k] = typeof v === "string" ? interpolate(v, contexts) : v === null || v === undefined ? "" : String(v);
  return out;
}

/**
 * Runs one job of a workflow file, its steps in order as the runner would: `uses: ./` runs the
 * action from the workspace (for this repository's workflows, a checkout of this repository),
 * `run:` steps through their shell, third-party actions as THIRD_PARTY says.
 */
export async function runWorkflowJob(file: string, jobId: string, ctx: WorkflowRunContext): Promise<JobResult> {
  const wf = readWorkflow(file);
  const spec = wf.jobs?.[jobId];
  if (!spec) throw new Error(`${file} has no job ${jobId}; it has: ${Object.keys(wf.jobs ?? {}).join(", ")}`);
  const workspace = ctx.workspace ?? join(RUNNER_WORK, "build-action", "build-action");
  if (!ctx.workspace) {
    rmSync(workspace, { recursive: true, force: true });
    runnerDir(workspace);
  }
  const fork = ctx.event !== undefined && "pullRequest" in ctx.event && ctx.event.fork === true;
  const permissions = jobPermissions(wf, jobId, { fork, default: ctx.defaultPermissions ?? "restricted" });
  const secrets = { ...ctx.secrets, ...(ctx.issueToken ? { GITHUB_TOKEN: ctx.issueToken(permissions) } : {}) };
  // GitHub gives a job the OIDC token endpoint only with id-token: write.
  const serviceEnv = { ...ctx.serviceEnv };
  if (permissions["id-token"] !== "write")
    for (const k of ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"]) delete serviceEnv[k];
  const job = newJob({
    repository: "kimigayo/build-action",
    ...ctx,
    secrets,
    serviceEnv,
    workspace,
    jobId,
    workflow: wf.name ?? basename(file),
    workflowPath: `.github/workflows/${basename(file)}`,
  });
  job.permissions = permissions;
  if (ctx.idToken && permissions["id-token"] === "write") {
    const inRepo = /(?:^|\/)(\.github\/workflows\/[^/]+)$/.exec(file)?.[1];
    Object.assign(job.serviceEnv, ctx.idToken(job, inRepo ?? `.github/workflows/${basename(file)}`));
  }
  const lines: string[] = [];
  const logs: string[] = [];
  const steps: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const records: StepRecord[] = [];
  const needs = ctx.needs ?? {};
  const needList = spec.needs === undefined ? [] : Array.isArray(spec.needs) ? spec.needs : [spec.needs];
  for (const n of needList) if (!needs[n]) throw new Error(`${file}: job ${jobId} needs ${n}, which the context does not give`);
  let failed = false;
  const contexts = (env: Record<string, string>): Contexts => ({
    github: { ...job.github, job: jobId },
    runner: job.runner,
    env,
    secrets: job.secrets,
    inputs: ctx.inputs ?? {},
    vars: ctx.vars ?? {},
    matrix: ctx.matrix ?? {},
    needs,
    steps,
    strategy: { "fail-fast": true, "job-index": 0, "job-total": 1, "max-parallel": 1 },
    job: { status: failed ? "failure" : "success" },
  });
  const needsOk = needList.every((n) => needs[n]!.result === "success");
  const jobIfContexts = { ...contexts({}), job: { status: needsOk ? "success" : "failure" } };
  if (!evaluateIf(spec.if, jobIfContexts))
    return { result: "skipped", outputs: {}, steps: [], log: `job ${jobId}: skipped (its if:)`, job };
  const wfEnv = evalMap(wf.env, contexts({}));
  const jobEnv = evalMap(spec.env, contexts(wfEnv));
  const runsOn = spec["runs-on"] === undefined ? "" : interpolate(String(spec["runs-on"]), contexts(jobEnv));
  lines.push(
    `job ${jobId} (${spec.name ? interpolate(spec.name, contexts(jobEnv)) : jobId}): runs-on ${runsOn}; here it runs on this machine (${process.arch})`,
  );
  const defaults = { ...wf.defaults?.run, ...spec.defaults?.run };
  const minutes = (v: unknown) => (v === undefined ? undefined : Number(v) * 60_000);
  for (const [i, step] of (spec.steps ?? []).entries()) {
    const id = step.id ?? `__step${i}`;
    const base = { ...wfEnv, ...jobEnv, ...job.envAdds };
    const c0 = contexts(base);
    const name = step.name ? interpolate(step.name, c0) : (step.uses ?? step.run?.split("\n")[0] ?? id);
    const record = (r: Omit<StepRecord, "id" | "name">) => {
      records.push({ id, name, ...r });
      steps[id] = { outputs: r.result?.outputs ?? {}, outcome: r.outcome, conclusion: r.conclusion };
      lines.push(
        `step ${i + 1} ${name}: ${r.conclusion}${r.note ? ` (${r.note})` : ""}${r.result ? ` exit ${r.result.code} in ${(r.result.ms / 1000).toFixed(1)} s` : ""}`,
      );
      if (r.result) logs.push(`----- step ${i + 1} ${name}\n${r.result.log}`);
    };
    if (!evaluateIf(step.if, c0)) {
      record({ kind: "skipped", outcome: "skipped", conclusion: "skipped", note: "its if:" });
      continue;
    }
    const env = { ...base, ...evalMap(step.env, c0) };
    const c = contexts(env);
    const withs = evalMap(step.with, c);
    const continueOnError =
      step["continue-on-error"] === undefined ? false : truthy(evaluateTemplate(String(step["continue-on-error"]), c));
    const timeoutMs = minutes(step["timeout-minutes"]) ?? minutes(spec["timeout-minutes"]) ?? ctx.timeoutMs;
    const common = { job, env, ...(step.id ? { id: step.id } : {}), ...(timeoutMs ? { timeoutMs } : {}) };
    let result: StepResult | undefined;
    let note: string | undefined;
    let kind: StepRecord["kind"];
    if (step.run !== undefined) {
      kind = "run";
      const wd = step["working-directory"] ?? defaults["working-directory"];
      const shell = step.shell ?? defaults.shell;
      result = await runScript({
        ...common,
        run: interpolate(step.run, c),
        ...(shell ? { shell } : {}),
        ...(wd ? { workingDirectory: wd } : {}),
      });
    } else if (step.uses?.startsWith("./") || (step.uses && ctx.actions?.[step.uses])) {
      kind = "action";
      const actionDir = step.uses.startsWith("./") ? resolve(job.workspace, step.uses) : ctx.actions![step.uses]!;
      result = await runAction({ ...common, actionDir, inputs: withs });
    } else if (step.uses) {
      const key = step.uses.split("@")[0]!.split("/").slice(0, 2).join("/");
      const third = THIRD_PARTY[key];
      if (!third) throw new Error(`${file}: jobs.${jobId} step ${i + 1} uses ${step.uses}, which the harness neither imitates nor skips`);
      if (third === "skip") {
        record({ kind: "skipped", outcome: "skipped", conclusion: "skipped", note: OUT_OF_SCOPE });
        continue;
      }
      kind = "imitated";
      try {
        note = third(withs, job, ctx);
      } catch (e) {
        result = { code: 1, log: (e as Error).message, outputs: {}, summary: "", env: {}, path: [], annotations: [], ms: 0 };
        note = "imitation failed";
      }
    } else {
      throw new Error(`${file}: jobs.${jobId} step ${i + 1} has neither run nor uses`);
    }
    const ok = (result?.code ?? 0) === 0;
    if (!ok && !continueOnError) failed = true;
    record({
      kind,
      outcome: ok ? "success" : "failure",
      conclusion: ok || continueOnError ? "success" : "failure",
      ...(result ? { result } : {}),
      ...(note ? { note } : {}),
    });
  }
  const outputs = evalMap(spec.outputs, contexts({ ...wfEnv, ...jobEnv }));
  return { result: failed ? "failure" : "success", outputs, steps: records, log: [...lines, ...logs].join("\n"), job };
}

// ------------------------------------------------------------------------------------------------
// Expressions: ${{ }}, as much of GitHub's language as the workflows use

export type Contexts = Record<string, unknown>;

type Node =
  | { k: "lit"; v: unknown }
  | { k: "ctx"; name: string }
  | { k: "get"; obj: Node; key: Node }
  | { k: "call"; fn: string; args: Node[] }
  | { k: "not"; x: Node }
  | { k: "bin"; op: "==" | "!=" | "&&" | "||"; a: Node; b: Node };

interface Token {
  t: "str" | "num" | "id" | "op";
  v: string;
}

class Unsupported extends Error {}

const LITERALS = new Map<string, unknown>([
  ["true", true],
  ["false", false],
  ["null", null],
]);

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^\s+/.exec(rest))) i += m[0].length;
    else if ((m = /^'((?:[^']|'')*)'/.exec(rest))) {
      out.push({ t: "str", v: m[1]!.replace(/''/g, "'") });
      i += m[0].length;
    } else if ((m = /^(?:0x[0-9a-fA-F]+|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w-])/.exec(rest))) {
      out.push({ t: "num", v: m[0] });
      i += m[0].length;
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest))) {
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else if ((m = /^(==|!=|&&|\|\||[!()[\].,])/.exec(rest))) {
      out.push({ t: "op", v: m[0] });
      i += m[0].length;
    } else if ((m = /^(<=|>=|<|>)/.exec(rest))) throw new Unsupported(`operator "${m[0]}"`);
    else if (rest.startsWith("*")) throw new Unsupported(`object filter "*"`);
    else throw new Unsupported(`character ${JSON.stringify(rest[0])} at ${i}`);
  }
  return out;
}

function parse(src: string): Node {
  const toks = tokenize(src);
  let p = 0;
  const peek = (v?: string) => (v === undefined ? toks[p] : toks[p]?.t === "op" && toks[p]!.v === v ? toks[p] : undefined);
  const expect = (v: string) => {
    if (!peek(v)) throw new Unsupported(`expected "${v}" at token ${p + 1}`);
    p++;
  };
  const binary =
    (op: "||" | "&&" | "==" | "!=", next: () => Node, ops: string[] = [op]) =>
    (): Node => {
      let a = next();
      for (let t = peek(); t?.t === "op" && ops.includes(t.v); t = peek()) {
        p++;
        a = { k: "bin", op: t.v as typeof op, a, b: next() };
      }
      return a;
    };
  const primary = (): Node => {
    const t = toks[p++];
    if (!t) throw new Unsupported("unexpected end");
    if (t.t === "str") return { k: "lit", v: t.v };
    if (t.t === "num") return { k: "lit", v: Number(t.v) };
    if (t.t === "op" && t.v === "(") {
      const e = or();
      expect(")");
      return e;
    }
    if (t.t === "id") {
      if (peek("(")) {
        p++;
        const args: Node[] = [];
        if (!peek(")")) for (args.push(or()); peek(","); p++, args.push(or()));
        expect(")");
        return { k: "call", fn: t.v, args };
      }
      return LITERALS.has(t.v) ? { k: "lit", v: LITERALS.get(t.v) } : { k: "ctx", name: t.v };
    }
    throw new Unsupported(`unexpected "${t.v}"`);
  };
  const postfix = (): Node => {
    let x = primary();
    for (;;) {
      if (peek(".")) {
        p++;
        const t = toks[p++];
        if (t?.t !== "id") throw new Unsupported(`a property name after "."`);
        x = { k: "get", obj: x, key: { k: "lit", v: t.v } };
      } else if (peek("[")) {
        p++;
        const key = or();
        expect("]");
        x = { k: "get", obj: x, key };
      } else return x;
    }
  };
  const unary = (): Node => (peek("!") ? (p++, { k: "not", x: unary() }) : postfix());
  const eq = binary("==", unary, ["==", "!="]);
  const and = binary("&&", eq);
  const or = binary("||", and);
  const tree = or();
  if (p < toks.length) throw new Unsupported(`unexpected "${toks[p]!.v}"`);
  return tree;
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0 && !Number.isNaN(v);
  if (typeof v === "string") return v !== "";
  return true;
}

function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return v.trim() === "" ? 0 : Number(v.trim());
  return NaN;
}

/** GitHub's ==: strings ignore case; different types compare as numbers; objects by identity. */
export function looseEquals(a: unknown, b: unknown): boolean {
  a = a ?? null;
  b = b ?? null;
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(a) === kind(b)) return typeof a === "string" ? a.toLowerCase() === (b as string).toLowerCase() : a === b;
  return toNumber(a) === toNumber(b);
}

/** A value as text: in a template, or an argument of a string function. Objects and arrays throw. */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  throw new Unsupported(`an ${Array.isArray(v) ? "array" : "object"} used as text (use toJSON)`);
}

const STATUS = new Set(["success", "failure", "always", "cancelled"]);

function status(c: Contexts): string {
  return String((c.job as { status?: string } | undefined)?.status ?? "success");
}

const FUNCTIONS: Record<string, { arity: [number, number]; f: (args: unknown[], c: Contexts) => unknown }> = {
  startswith: { arity: [2, 2], f: ([a, b]) => toText(a).toLowerCase().startsWith(toText(b).toLowerCase()) },
  endswith: { arity: [2, 2], f: ([a, b]) => toText(a).toLowerCase().endsWith(toText(b).toLowerCase()) },
  contains: {
    arity: [2, 2],
    f: ([a, b]) => (Array.isArray(a) ? a.some((x) => looseEquals(x, b)) : toText(a).toLowerCase().includes(toText(b).toLowerCase())),
  },
  format: {
    arity: [1, 99],
    f: ([fmt, ...args]) =>
      toText(fmt).replace(/\{\{|\}\}|\{(\d+)\}|[{}]/g, (m, n: string | undefined) => {
        if (m === "{{") return "{";
        if (m === "}}") return "}";
        if (n === undefined || Number(n) >= args.length)
          throw new Unsupported(`format string ${JSON.stringify(fmt)}: "${m}" has no argument`);
        return toText(args[Number(n)]);
      }),
  },
  join: {
    arity: [1, 2],
    f: ([a, s]) => (Array.isArray(a) ? a.map(toText).join(s === undefined ? "," : toText(s)) : toText(a)),
  },
  tojson: { arity: [1, 1], f: ([a]) => JSON.stringify(a ?? null, null, 2) },
  fromjson: {
    arity: [1, 1],
    f: ([a]) => {
      try {
        return JSON.parse(toText(a)) as unknown;
      } catch (e) {
        throw new Unsupported(`fromJSON of ${JSON.stringify(a)}: ${(e as Error).message}`);
      }
    },
  },
  success: { arity: [0, 0], f: (_, c) => status(c) === "success" },
  failure: { arity: [0, 0], f: (_, c) => status(c) === "failure" },
  always: { arity: [0, 0], f: () => true },
  // The harness never cancels a run.
  cancelled: { arity: [0, 0], f: () => false },
};

function lookup(obj: unknown, key: unknown): unknown {
  if (Array.isArray(obj)) return typeof key === "number" && Number.isInteger(key) ? (obj[key] ?? null) : null;
  if (obj === null || typeof obj !== "object") return null;
  const o = obj as Map;
  const k = toText(key);
  if (k in o) return o[k] ?? null;
  const found = Object.keys(o).find((x) => x.toLowerCase() === k.toLowerCase());
  return found === undefined ? null : (o[found] ?? null);
}

function evalNode(n: Node, c: Contexts): unknown {
  switch (n.k) {
    case "lit":
      return n.v;
    case "ctx": {
      const key = Object.keys(c).find((k) => k.toLowerCase() === n.name.toLowerCase());
      if (key === undefined) throw new Unsupported(`context "${n.name}" (available: ${Object.keys(c).join(", ")})`);
      return c[key] ?? null;
    }
    case "get":
      return lookup(evalNode(n.obj, c), evalNode(n.key, c));
    case "not":
      return !truthy(evalNode(n.x, c));
    case "bin": {
      const a = evalNode(n.a, c);
      if (n.op === "&&") return truthy(a) ? evalNode(n.b, c) : a;
      if (n.op === "||") return truthy(a) ? a : evalNode(n.b, c);
      const eq = looseEquals(a, evalNode(n.b, c));
      return n.op === "==" ? eq : !eq;
    }
    case "call": {
      const fn = FUNCTIONS[n.fn.toLowerCase()];
      if (!fn) throw new Unsupported(`function ${n.fn}()`);
      if (n.args.length < fn.arity[0] || n.args.length > fn.arity[1]) throw new Unsupported(`${n.fn}() with ${n.args.length} argument(s)`);
      return fn.f(
        n.args.map((a) => evalNode(a, c)),
        c,
      );
    }
  }
}

function usesStatus(n: Node): boolean {
  switch (n.k) {
    case "call":
      return STATUS.has(n.fn.toLowerCase()) || n.args.some(usesStatus);
    case "get":
      return usesStatus(n.obj) || usesStatus(n.key);
    case "not":
      return usesStatus(n.x);
    case "bin":
      return usesStatus(n.a) || usesStatus(n.b);
    default:
      return false;
  }
}

function withSource<T>(src: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Unsupported) throw new Error(`unsupported expression \${{ ${src.trim()} }}: ${e.message}`);
    throw e;
  }
}

/** The value of one expression (the text inside ${{ }}). */
export function evaluate(expr: string, contexts: Contexts): unknown {
  return withSource(expr, () => evalNode(parse(expr), contexts));
}

/** Where each ${{ … }} in `s` ends (a "}}" outside a string literal). */
function templateParts(s: string): ({ text: string } | { expr: string })[] {
  const parts: ({ text: string } | { expr: string })[] = [];
  let i = 0;
  for (let start = s.indexOf("${{"); start >= 0; start = s.indexOf("${{", i)) {
    if (start > i) parts.push({ text: s.slice(i, start) });
    let j = start + 3;
    let inString = false;
    for (; j < s.length; j++) {
      if (s[j] === "'") inString = !inString;
      else if (!inString && s.startsWith("}}", j)) break;
    }
    if (j >= s.length) throw new Error(`unsupported expression: ${JSON.stringify(s.slice(start))} has no closing }}`);
    parts.push({ expr: s.slice(start + 3, j) });
    i = j + 2;
  }
  if (i < s.length) parts.push({ text: s.slice(i) });
  return parts;
}

/** A string with ${{ }} parts: their values as text, in place. */
export function interpolate(s: string, contexts: Contexts): string {
  return templateParts(s)
    .map((p) => ("text" in p ? p.text : withSource(p.expr, () => toText(evalNode(parse(p.expr), contexts)))))
    .join("");
}

/** A value that is one whole ${{ }} keeps its type; anything else is interpolated text. */
export function evaluateTemplate(s: string, contexts: Contexts): unknown {
  const parts = templateParts(s.trim());
  return parts.length === 1 && "expr" in parts[0]! ? evaluate(parts[0].expr, contexts) : interpolate(s, contexts);
}

/** An `if:` as the runner reads it: ${{ }} optional, and `success() && (…)` unless it names a status function. */
export function evaluateIf(cond: unknown, contexts: Contexts): boolean {
  if (cond === undefined || cond === null || cond === "") return status(contexts) === "success";
  let src = typeof cond === "string" ? cond.trim() : JSON.stringify(cond);
  const parts = templateParts(src);
  if (parts.length === 1 && "expr" in parts[0]!) src = parts[0].expr;
  else if (parts.some((p) => "expr" in p)) throw new Error(`unsupported expression: if: ${JSON.stringify(cond)} mixes text and \${{ }}`);
  return withSource(src, () => {
    const tree = parse(src);
    const value = evalNode(tree, contexts);
    return (usesStatus(tree) || status(contexts) === "success") && truthy(value);
  });
}
