import { existsSync } from "node:fs";

/**
 * The docker client to use. Debian's own client (/usr/bin/docker, from docker.io) matches the
 * engine and can build for another platform with BuildKit; a preinstalled newer client without
 * buildx falls back to the legacy builder. KIMIGAYO_DOCKER overrides.
 */
export function dockerBin(): string {
  const forced = process.env.KIMIGAYO_DOCKER;
  if (forced) return forced;
  return existsSync("/usr/bin/docker") ? "/usr/bin/docker" : "docker";
}

export const DEFAULT_REGISTRY = "127.0.0.1:5000";
