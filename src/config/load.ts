/**
 * Load configs/kimigayo.yml: YAML (read by src/config/yaml.ts) -> zod validation -> resolved Config.
 * Every problem becomes one line of a single UsageError, positioned by the YAML locations.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { UsageError } from "../lib/errors.js";
import {
  type Budget,
  type Config,
  type Platform,
  type RawConfig,
  type VariantConfig,
  configSchema,
  DEFAULT_FILE_MODE,
  DEFAULT_IMAGE,
  DEFAULT_SOURCE_DATE_EPOCH,
  PLATFORMS,
  show,
} from "./schema.js";
import { joinPath, parseYaml, type Position } from "./yaml.js";

export interface ConfigProblem {
  field: string;
  message: string;
  line: number;
  column: number;
}

/** A UsageError (exit 2) that also carries every problem, e.g. for one annotation each. */
export class ConfigError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    const first = problems[0];
    super(
      problems.map((p) => `${p.field || "(top level)"} (line ${p.line}): ${p.message}`).join("\n"),
      first ? { file, field: first.field, line: first.line, column: first.column } : { file },
    );
  }
}

export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(err)})`;
    throw new UsageError(`config file ${resolve(file)} ${why}`, { file });
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): Config {
  const { value, locations } = parseYaml(text, file);
  const dir = dirname(resolve(file));
  const locate = (field: string): Position => {
    for (let f = field; ; f = f.includes(".") ? f.slice(0, f.lastIndexOf(".")) : "") {
      const pos = locations.get(f);
      if (pos) return pos;
      if (f === "") return { line: 1, column: 1 };
    }
  };
  const problem = (field: string, message: string): ConfigProblem => ({ field, message, ...locate(field) });

  const result = configSchema(dir).safeParse(value);
  const problems = [
    ...(result.success ? [] : result.error.issues.flatMap((iss) => issueProblems(iss, value).map((p) => problem(p.field, p.message)))),
    ...crossChecks(value).map((p) => problem(p.field, p.message)),
  ];
  if (problems.length > 0 || !result.success) {
    problems.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new ConfigError(file, problems);
  }
  return resolveConfig(result.data, resolve(file), dir, Object.fromEntries(locations));
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** One zod issue -> one or more (field, message) pairs. */
function issueProblems(iss: z.core.$ZodIssue, raw: unknown): { field: string; message: string }[] {
  const field = iss.path.map(String).reduce(joinPath, "");
  switch (iss.code) {
    case "invalid_type": {
      const v = valueAt(raw, iss.path);
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      if (v === undefined) return [{ field, message: `required field is missing; expected ${expected}` }];
      const got = v === null ? "an empty value" : typeof v === "number" || typeof v === "boolean" ? `${typeof v} ${show(v)}` : show(v);
      const hint =
        iss.expected === "string" && (typeof v === "number" || typeof v === "boolean") ? "; quote the value to make it a string" : "";
      return [{ field, message: `expected ${expected}, got ${got}${hint}` }];
    }
    case "unrecognized_keys":
      return iss.keys.map((k) => ({ field: joinPath(field, k), message: `unknown key "${k}"; ${iss.message}` }));
    case "invalid_key":
      return [{ field, message: iss.issues[0]?.message ?? iss.message }];
    default:
      return [{ field, message: iss.message }];
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Checks across fields, run on the raw YAML so they are reported along with schema errors. */
function crossChecks(raw: unknown): { field: string; message: string }[] {
  if (!isMap(raw)) return [];
  const out: { field: string; message: string }[] = [];
  /** Each repeated value of `list[i]` (or `list[i].key`) is a problem at its second occurrence. */
  const duplicates = (list: unknown, field: string, what: string, key?: string) => {
    if (!Array.isArray(list)) return;
    const seen = new Map<string, string>();
    list.forEach((item, i) => {
      const v = key === undefined ? item : isMap(item) ? item[key] : undefined;
      if (typeof v !== "string") return;
      const at = key === undefined ? joinPath(field, i) : joinPath(joinPath(field, i), key);
      const first = seen.get(v);
      if (first === undefined) seen.set(v, at);
      else out.push({ field: at, message: `${what} ${show(v)} is listed twice (first at ${first})` });
    });
  };
  duplicates(raw.platforms, "platforms", "platform");
  duplicates(raw.files, "files", "image path", "path");

  if (isMap(raw.variants)) {
    const names = Object.keys(raw.variants);
    const flags = names.map((n) => (isMap(raw.variants) && isMap(raw.variants[n]) ? raw.variants[n].default : undefined));
    const defaults = names.filter((_, i) => flags[i] === true);
    const malformed = flags.some((f) => f !== undefined && typeof f !== "boolean"); // reported by the schema
    if (names.length > 0 && defaults.length === 0 && !malformed) {
      out.push({ field: "variants", message: `no variant has default: true; mark exactly one of: ${names.join(", ")}` });
    } else if (defaults.length > 1) {
      out.push({
        field: `variants.${defaults[1]}.default`,
        message: `${defaults.length} variants have default: true (${defaults.join(", ")}); exactly one may be the default`,
      });
    }
  }
  return out;
}

function resolveConfig(raw: RawConfig, file: string, dir: string, locations: Config["locations"]): Config {
  const urls = raw.busybox.urls;
  const signature = raw.busybox.signature;
  const budget = (
    b: { size?: number | undefined; compressed?: number | undefined; growth?: Budget["growth"] | undefined } | undefined,
  ): Budget => {
    const out: Budget = {};
    if (b?.size !== undefined) out.size = b.size;
    if (b?.compressed !== undefined) out.compressed = b.compressed;
    if (b?.growth !== undefined) out.growth = b.growth;
    return out;
  };
  const variants: VariantConfig[] = Object.entries(raw.variants).map(([name, v]) => {
    const platforms: Partial<Record<Platform, Budget>> = {};
    for (const p of PLATFORMS) {
      const o = v.budget?.platforms?.[p];
      if (o) platforms[p] = budget(o);
    }
    return {
      name,
      description: v.description ?? "",
      busyboxConfig: v.busybox,
      services: v.services,
      default: v.default === true,
      budget: { ...budget(v.budget), platforms },
    };
  });
  return {
    file,
    dir,
    version: raw.version,
    sourceDateEpoch: raw.source_date_epoch ?? DEFAULT_SOURCE_DATE_EPOCH,
    busybox: {
      version: raw.busybox.version,
      sha256: raw.busybox.sha256,
      urls,
      ...(signature ? { signature: { key: signature.key, urls: signature.urls ?? urls.map((u) => `${u}.asc`) } } : {}),
      patches: raw.busybox.patches ?? [],
    },
    platforms: raw.platforms,
    image: raw.image ?? DEFAULT_IMAGE,
    files: (raw.files ?? []).map((f) => ({ path: f.path, src: f.src, mode: f.mode ?? DEFAULT_FILE_MODE })),
    variants,
    locations,
  };
}

function splitSpec(spec: string, what: string): string[] {
  const names = spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (names.length === 0) throw new UsageError(`no ${what} selected: ${JSON.stringify(spec)}`);
  return names;
}

/** `undefined`, "" or "all" -> every variant; otherwise a comma list. Returned in config order. */
export function selectVariants(config: Config, spec: string | undefined): VariantConfig[] {
  if (spec === undefined || spec.trim() === "" || spec.trim() === "all") return config.variants;
  const wanted = splitSpec(spec, "variants");
  if (wanted.includes("all")) return config.variants;
  const known = config.variants.map((v) => v.name);
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown variant${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => JSON.stringify(n)).join(", ")}; known variants: ${known.join(", ")} (or all)`,
    );
  }
  return config.variants.filter((v) => wanted.includes(v.name));
}

/** Like selectVariants for platforms; `amd64` is accepted for `linux/amd64`. Only platforms in the config are allowed. */
export function selectPlatforms(config: Config, spec: string | undefined): Platform[] {
  if (spec === undefined || spec.trim() === "" || spec.trim() === "all") return config.platforms;
  const given = splitSpec(spec, "platforms");
  if (given.includes("all")) return config.platforms;
  const full = (p: string) => (p.includes("/") ? p : `linux/${p}`);
  const unknown = given.filter((p) => !(config.platforms as string[]).includes(full(p)));
  if (unknown.length > 0) {
    const notInConfig = unknown.map(full).filter((p) => (PLATFORMS as readonly string[]).includes(p));
    const extra = notInConfig.length > 0 ? `; ${notInConfig.join(", ")} must first be added to platforms in the config` : "";
    throw new UsageError(
      `unknown platform${unknown.length > 1 ? "s" : ""} ${unknown.map((p) => JSON.stringify(p)).join(", ")}; allowed: ${config.platforms.join(", ")} (or all)${extra}`,
    );
  }
  const wanted = given.map(full);
  return config.platforms.filter((p) => wanted.includes(p));
}
