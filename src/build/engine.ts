/**
 * Which engine builds the image: "oci" (native, src/build/image.ts, no daemon) or "buildx"
 * (src/build/buildx.ts). "auto" picks buildx where `docker buildx version` works and the
 * builder can export an OCI layout (buildxUsable), and oci elsewhere; asking for buildx where it
 * is missing is a usage error (exit 2).
 */
import { ENGINES, type Engine } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import { buildWithBuildx, buildxUsable, type BuildxAvailability, type BuildxImageOptions } from "./buildx.js";
import { buildImage, type ImageResult } from "./image.js";

const ENGINE_REQUESTS = [...ENGINES, "auto"] as const;
export type EngineRequest = (typeof ENGINE_REQUESTS)[number];

export function parseEngine(s: string): EngineRequest {
  if ((ENGINE_REQUESTS as readonly string[]).includes(s)) return s as EngineRequest;
  throw new UsageError(`--engine ${JSON.stringify(s)} is not an image engine; allowed: ${ENGINE_REQUESTS.join(", ")}`);
}

/** The usage error (exit 2) for the buildx engine asked for where it cannot work; `what` names the flag or input. */
export function buildxMissing(what: string, reason: string | undefined): UsageError {
  return new UsageError(
    `${what}: buildx is not available here (${reason ?? "unknown reason"}). ` +
      "Install it with `kimigayo doctor --fix --only buildx` (buildx 0.12+ and a builder that can export OCI layouts), or use the oci engine (native: no daemon, no buildx).",
  );
}

export interface ResolvedEngine {
  engine: Engine;
  /** One line for the log: why this engine. */
  reason: string;
}

export async function resolveEngine(
  requested: EngineRequest,
  probe: () => Promise<BuildxAvailability> = () => buildxUsable(),
): Promise<ResolvedEngine> {
  if (requested === "oci") return { engine: "oci", reason: "--engine oci: the native engine (no daemon)" };
  const buildx = await probe();
  const b = buildx.builder;
  const version = `${buildx.version ? ` ${buildx.version}` : ""}${b?.name ? ` (builder ${b.name}${b.driver ? `, driver ${b.driver}` : ""})` : ""}`;
  if (requested === "buildx") {
    if (buildx.ok) return { engine: "buildx", reason: `--engine buildx: docker buildx${version}` };
    throw buildxMissing("--engine buildx", buildx.reason);
  }
  if (buildx.ok) return { engine: "buildx", reason: `--engine auto: docker buildx${version} works` };
  return {
    engine: "oci",
    reason: `--engine auto: buildx is not available (${buildx.reason ?? "unknown reason"}); using the native oci engine`,
  };
}

/** Builds one variant's image with `engine`; both engines write <outDir>/oci/<variant> and return the same shape. */
export async function buildWithEngine(engine: Engine, opts: BuildxImageOptions): Promise<ImageResult> {
  if (engine === "buildx") {
    const { buildx: _buildx, ...result } = await buildWithBuildx(opts);
    return result;
  }
  return buildImage(opts);
}
