/**
 * Platforms: the names the project builds for, and every way one is written elsewhere ("amd64",
 * "linux/arm64/v8", an OCI descriptor's os/architecture/variant, Node's process.arch).
 */

export const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;
export type Platform = (typeof PLATFORMS)[number];
export type Arch = "amd64" | "arm64";

/** A platform as OCI image indexes and image configs write it. */
export interface OciPlatform {
  architecture: string;
  os: string;
  variant?: string;
  [key: string]: unknown;
}

/** Other names of each architecture: the kernel's (uname -m) and Node's (process.arch). */
const ARCH_ALIASES: Record<Arch, readonly string[]> = { amd64: ["x86_64", "x64"], arm64: ["aarch64"] };
/** The one architecture variant an image of this platform carries (OCI image-index spec: arm64 is v8). */
const ARCH_VARIANT: Partial<Record<Arch, string>> = { arm64: "v8" };

function archName(s: string): Arch | undefined {
  for (const [arch, aliases] of Object.entries(ARCH_ALIASES) as [Arch, readonly string[]][])
    if (s === arch || aliases.includes(s)) return arch;
  return undefined;
}

/**
 * A platform as people write it: "linux/amd64", "amd64", "linux/arm64/v8", "aarch64".
 * Undefined when it is not one the project builds (another OS, or another arm64 variant).
 */
export function parsePlatform(s: string): Platform | undefined {
  const parts = s.trim().toLowerCase().split("/");
  const [os, arch, variant] = parts.length === 1 ? ["linux", parts[0]!] : parts;
  if (os !== "linux" || arch === undefined || parts.length > 3) return undefined;
  const a = archName(arch);
  if (a === undefined || (variant !== undefined && variant !== ARCH_VARIANT[a])) return undefined;
  return `linux/${a}`;
}

/** "linux/arm64" → "arm64" (file names, Docker's TARGETARCH). */
export function archOf(p: Platform): Arch {
  return p.slice("linux/".length) as Arch;
}

/** The platform in an OCI index or image config. */
export function ociPlatform(p: Platform): OciPlatform {
  const architecture = archOf(p);
  const variant = ARCH_VARIANT[architecture];
  return { architecture, os: "linux", ...(variant ? { variant } : {}) };
}

/** The platform of an OCI descriptor, or undefined when it is not one the project builds. */
export function platformOf(d: { os?: string; architecture?: string; variant?: string } | undefined): Platform | undefined {
  if (!d?.os || !d.architecture) return undefined;
  return parsePlatform([d.os, d.architecture, ...(d.variant ? [d.variant] : [])].join("/"));
}

/** The platform this process runs on, if the project builds for it. */
export function hostPlatform(arch: string = process.arch): Platform | undefined {
  return parsePlatform(arch);
}

/** The build host's architecture (Node's process.arch by default), as a platform's: amd64 or arm64. */
export function hostArchitecture(arch: string = process.arch): Arch {
  return archName(arch) ?? "amd64";
}
