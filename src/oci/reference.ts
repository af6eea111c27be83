/**
 * Image references: [registry/]repository[:tag][@digest], as docker reads them. A first path
 * component is a registry only when it looks like a host (has "." or ":", or is "localhost");
 * otherwise the registry is Docker Hub and one-component names get "library/".
 * This is the project's one reference grammar: the config's `image` is checked with it too.
 */
import { isDigest } from "./digest.js";

export interface ImageReference {
  /** host[:port] as written, e.g. "127.0.0.1:5000" or "docker.io". */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = "docker.io";
const DOCKER_HUB_API = "registry-1.docker.io";
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function isTag(s: string): boolean {
  return TAG.test(s);
}

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

// A registry host as the distribution reference grammar has it: DNS labels or a bracketed IPv6 address, then an optional port.
const HOST_LABEL = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const REGISTRY = new RegExp(`^(?:${HOST_LABEL}(?:\\.${HOST_LABEL})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
/** The whole name (registry and repository, as written) is at most this long. */
const NAME_MAX = 255;

function isRegistryHost(s: string): boolean {
  return REGISTRY.test(s);
}

/** A repository name inside a registry: "kimigayo", "owner/kimigayo" (no host, tag or digest). */
export function isRepositoryName(s: string): boolean {
  return s.length <= 255 && REPOSITORY.test(s);
}

export function parseReference(ref: string): ImageReference {
  const bad = (why: string) =>
    new Error(`${JSON.stringify(ref)} is not an image reference (${why}); expected [registry/]name[:tag][@sha256:…]`);
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw bad(`bad digest ${JSON.stringify(digest)}`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isTag(tag)) throw bad(`bad tag ${JSON.stringify(tag)}`);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (/[.:]/.test(first) || first === "localhost" || first.startsWith("["));
  const registry = hasRegistry ? first : DOCKER_HUB;
  if (!isRegistryHost(registry)) throw bad(`bad registry ${JSON.stringify(registry)}`);
  if (rest.length > NAME_MAX) throw bad(`the name is longer than ${NAME_MAX} characters`);
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === DOCKER_HUB && !repository.includes("/")) repository = `library/${repository}`;
  if (!isRepositoryName(repository)) throw bad(`bad repository name ${JSON.stringify(repository)}`);
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** A reference to a repository only, "[registry/]name" with no tag or digest (an image to push tags to). */
export function isRepositoryReference(s: string): boolean {
  try {
    const r = parseReference(s);
    return r.tag === undefined && r.digest === undefined;
  } catch {
    return false;
  }
}

/** The one way a reference is written: "registry/repository[:tag][@digest]". */
export function formatReference(r: ImageReference): string {
  return `${r.registry}/${r.repository}${r.tag !== undefined ? `:${r.tag}` : ""}${r.digest !== undefined ? `@${r.digest}` : ""}`;
}

/**
 * `name` (an image as given: "[registry/]repository", or a repository inside a registry) at `ref`:
 * "name@sha256:…" when `ref` is a digest, "name:tag" otherwise.
 */
export function imageAt(name: string, ref: string): string {
  return `${name}${ref.startsWith("sha256:") ? "@" : ":"}${ref}`;
}

/** Loopback registries speak plain http (as docker treats 127.0.0.0/8 as insecure); others https unless `insecure`. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, "");
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** "http://127.0.0.1:5000", "https://ghcr.io", "https://registry-1.docker.io". */
export function registryBaseUrl(registry: string, insecure = false): string {
  const host = registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
  return `${insecure || isLoopbackRegistry(registry) ? "http" : "https"}://${host}`;
}
