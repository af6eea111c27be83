/**
 * Registry credentials, first match wins:
 * 1. explicit {username, password} (the action's inputs, CLI flags);
 * 2. env KIMIGAYO_REGISTRY_USER + KIMIGAYO_REGISTRY_PASSWORD;
 * 3. docker's config.json ($DOCKER_CONFIG/config.json or ~/.docker/config.json): auths[host].auth,
 *    base64 "user:password". Credential helpers (credsStore, credHelpers) are not consulted.
 * Secrets are never logged; `redact` scrubs them from any text that might be shown.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { parseDocument } from "../lib/saved.js";
import { DOCKER_HUB } from "./reference.js";

export interface Credentials {
  username: string;
  password: string;
}

export interface CredentialSources {
  explicit?: Credentials;
  env?: NodeJS.ProcessEnv;
  /** Path of docker's config.json; default $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
  dockerConfig?: string;
}

export const ENV_USER = "KIMIGAYO_REGISTRY_USER";
export const ENV_PASSWORD = "KIMIGAYO_REGISTRY_PASSWORD";

function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG ?? join(homedir(), ".docker"), "config.json");
}

/** The auths key's host: "https://127.0.0.1:5000/v2/" -> "127.0.0.1:5000"; Docker Hub's legacy key -> "docker.io". */
function authsHost(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB : host;
}

/** The part of Docker's config.json we read: `auths`, each entry's `auth` or user name and password. */
const dockerConfigSchema = z.looseObject({
  auths: z
    .record(z.string(), z.looseObject({ auth: z.string().optional(), username: z.string().optional(), password: z.string().optional() }))
    .optional(),
});

function fromDockerConfig(registry: string, path: string): Credentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`docker config ${path} cannot be read: ${(err as Error).message}`);
  }
  const cfg = parseDocument(text, dockerConfigSchema, { where: `docker config ${path}`, what: "a Docker config.json" });
  const entry = Object.entries(cfg.auths ?? {}).find(([key]) => authsHost(key) === registry)?.[1];
  if (!entry) return undefined;
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = plain.indexOf(":");
    if (colon <= 0)
      throw new Error(`docker config ${path}: auths entry for ${registry} has an auth value that is not base64 "user:password"`);
    return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
  }
  return entry.username && entry.password ? { username: entry.username, password: entry.password } : undefined;
}

export function resolveCredentials(registry: string, sources: CredentialSources = {}): Credentials | undefined {
  if (sources.explicit) return sources.explicit;
  const env = sources.env ?? process.env;
  const user = env[ENV_USER];
  const password = env[ENV_PASSWORD];
  if (user && password) return { username: user, password };
  return fromDockerConfig(registry, sources.dockerConfig ?? dockerConfigPath(env));
}

export function basicAuthorization(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}

/** The strings that must never be shown for these credentials: the password and the Basic token. */
export function secretsOf(c: Credentials | undefined): string[] {
  return c ? [c.password, basicAuthorization(c).slice("Basic ".length)] : [];
}

/** Replaces every secret (of 4 or more characters) in `text` with "***". */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}

/**
 * Where credentials come from, for messages about a registry that refused a read or a push. A new
 * package on GitHub's registry is private: every read needs the job's token.
 */
export const CREDENTIALS_HINT =
  `give registry credentials: the action's \`username\` and \`password\` inputs ` +
  "(on GitHub `${{ github.actor }}` and `${{ secrets.GITHUB_TOKEN }}`, with the job's `permissions: packages: read`, or `write` to push), " +
  `the CLI's ${ENV_USER} and ${ENV_PASSWORD} (publish and merge also take --username/--password), or docker login`;
