/**
 * Load a config: YAML (read by src/config/yaml.ts) -> zod validation -> resolved Config.
 * Every problem becomes one line of a single UsageError, positioned by the YAML locations.
 *
 * A config may name a base (`base: builtin` for the action's own configs/kimigayo.yml, or a path)
 * and state only what differs; see mergeLayer for the rules. Each path resolves against the folder
 * of the file that wrote it, and each problem names that file and line.
 */
import { readFileSync, realpathSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { z } from "zod";
import { UsageError } from "../lib/errors.js";
import {
  type AppletEdit,
  type AppletTable,
  appletsOf,
  closest,
  deriveFragment,
  readAppletTable,
  settingsFor,
  type Setting,
} from "./applets.js";
import { actionRoot as findActionRootOfModule, appletTableFile, BUILTIN_CONFIG } from "./builtin.js";
import {
  type Budget,
  BUILTIN_BASE,
  type Config,
  configSchema,
  DEFAULT_FILE_MODE,
  DEFAULT_IMAGE,
  DEFAULT_SOURCE_DATE_EPOCH,
  layerSchema,
  type Location,
  type Origin,
  type Platform,
  PLATFORMS,
  type RawConfig,
  type RawLayer,
  type RawVariant,
  type RootfsFile,
  show,
  escapeInvisible,
  stripInvisible,
  invisibleIn,
  type VariantConfig,
} from "./schema.js";
import { parsePlatform } from "../lib/platform.js";
import { joinPath, parseYaml, type Position } from "./yaml.js";
import { checkServices, readServices, type Service } from "./services.js";

export interface ConfigProblem {
  field: string;
  message: string;
  line: number;
  column: number;
  /** The file the bad value is in, when it is not the config the error is about (a base config). */
  file?: string;
}

/** How many problems a config error lists; the rest are counted. */
export const MAX_PROBLEMS_SHOWN = 20;

/** A UsageError (exit 2) that also carries every problem, e.g. for one annotation each; its message lists the first 20. */
export class ConfigError extends UsageError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    const first = problems[0];
    const fileOf = (p: ConfigProblem) => p.file ?? file;
    // One file: "field (line N): message", the file in `where`. Several: each line starts with its own file:line.
    const oneFile = problems.every((p) => fileOf(p) === file);
    const shown = problems
      .slice(0, MAX_PROBLEMS_SHOWN)
      .map((p) => ({ ...p, field: escapeInvisible(p.field) }))
      .map((p) =>
        oneFile
          ? `${p.field || "(top level)"} (line ${p.line}): ${p.message}`
          : `${fileOf(p)}:${p.line}:${p.column}: ${p.field || "(top level)"}: ${p.message}`,
      );
    const more = problems.length - shown.length;
    if (more > 0) shown.push(`… and ${more} more problem${more > 1 ? "s" : ""} (the first ${MAX_PROBLEMS_SHOWN} are shown)`);
    super(
      shown.join("\n"),
      first ? { file: fileOf(first), field: escapeInvisible(first.field), line: first.line, column: first.column } : { file },
    );
  }
}

export interface LoadOptions {
  /** The action's folder, for `base: builtin` and the applet tables; found above this module by default. */
  actionRoot?: string;
}

/** How many bases a config may stand on (a base of a base ...). */
const MAX_BASE_DEPTH = 8;

export async function loadConfig(file: string, opts: LoadOptions = {}): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(err)})`;
    throw new UsageError(`config file ${resolve(file)} ${why}`, { file });
  }
  const config = parseConfig(text, file, opts);
  await checkServiceLists(config, opts.actionRoot ?? findActionRootOfModule());
  return config;
}

/**
 * Each variant's services list read now (syntax, runlevels, includes, duplicates), and the
 * applets each service needs checked against the applets the variant's BusyBox will have (its
 * fragment and the pinned release's applet table, appletsOf), so that a bad line or a missing
 * applet is bad input before anything is compiled. Without a table for the pinned release the
 * applets are checked after that variant's compile only (the busybox stage does it either way).
 */
async function checkServiceLists(config: Config, root: string | undefined): Promise<void> {
  const lists = new Map<string, Service[]>();
  let table: AppletTable | undefined;
  try {
    table = root ? readAppletTable(appletTableFile(root, config.busybox.version)) : undefined;
  } catch {
    table = undefined; // no table for this release: the check after the compile stays
  }
  if (table && table.busybox !== config.busybox.version) table = undefined;
  for (const v of config.variants) {
    let services = lists.get(v.services);
    try {
      if (!services) lists.set(v.services, (services = await readServices(v.services)));
      if (table) checkServices(services, appletsOf(table, v.fragment?.text ?? (await readFile(v.busyboxConfig, "utf8"))), v);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      const w = err.where ?? {};
      throw new UsageError(`${err.message} (the services list of variant ${v.name}, variants.${v.name}.services)`, {
        ...w,
        file: w.file ?? v.services,
      });
    }
  }
}

export function parseConfig(text: string, file: string, opts: LoadOptions = {}): Config {
  const root = opts.actionRoot ?? findActionRootOfModule();
  return readLayer(text, file, { root, chain: [] });
}

interface Context {
  root: string | undefined;
  /** Real paths of the configs that led here, outermost first. */
  chain: string[];
}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** One config file; its base (if any) is read first and this file's values are laid over it. */
function readLayer(text: string, file: string, ctx: Context): Config {
  const { value, locations } = parseYaml(text, file);
  const abs = resolve(file);
  const dir = dirname(abs);
  const locate = (field: string): Position => {
    for (let f = field; ; f = f.includes(".") ? f.slice(0, f.lastIndexOf(".")) : "") {
      const pos = locations.get(f);
      if (pos) return pos;
      if (f === "") return { line: 1, column: 1 };
    }
  };
  const problem = (field: string, message: string): ConfigProblem => ({ field, message, ...locate(field) });
  const fail = (problems: ConfigProblem[]): never => {
    problems.sort((a, b) => Number(a.file !== undefined) - Number(b.file !== undefined) || a.line - b.line || a.column - b.column);
    throw new ConfigError(file, problems);
  };
  const based = isMap(value) && Object.hasOwn(value, "base");
  const schemaProblems = (iss: z.core.$ZodIssue[]) =>
    explainTypos(iss.flatMap((i) => issueProblems(i, value))).map((p) => problem(p.field, p.message));
  const cross = crossChecks(value, based).map((p) => problem(p.field, p.message));
  const edits = appletEdits(value, abs, locate);

  if (!based) {
    const result = configSchema(dir).safeParse(value);
    const problems = [...(result.success ? [] : schemaProblems(result.error.issues)), ...cross];
    if (problems.length > 0 || !result.success) return fail(problems);
    const config = resolveConfig(result.data, abs, dir, Object.fromEntries(locations));
    const appletProblems = applyApplets(config, edits, ctx.root, problem);
    if (appletProblems.length > 0) return fail(appletProblems);
    return config;
  }

  const result = layerSchema(dir).safeParse(value);
  const problems = [...(result.success ? [] : schemaProblems(result.error.issues)), ...cross];
  const base = readBase((value as Record<string, unknown>).base, abs, dir, ctx, problem, problems);
  if (problems.length > 0 || !result.success || !base) return fail(problems);
  const merged = mergeLayer(base, result.data, abs, dir, locations, problem);
  if (merged.problems.length > 0) return fail(merged.problems);
  const appletProblems = applyApplets(merged.config, edits, ctx.root, problem);
  if (appletProblems.length > 0) return fail(appletProblems);
  return merged.config;
}

/** Reads the config `base:` names; its problems (or why it cannot be read) go into `problems`. */
function readBase(
  raw: unknown,
  abs: string,
  dir: string,
  ctx: Context,
  problem: (field: string, message: string) => ConfigProblem,
  problems: ConfigProblem[],
): Config | undefined {
  if (typeof raw !== "string" || raw.trim() === "") return undefined; // the schema reports it
  let baseFile: string;
  if (raw === BUILTIN_BASE) {
    if (!ctx.root) {
      problems.push(
        problem(
          "base",
          `base: ${BUILTIN_BASE} names the action's own ${BUILTIN_CONFIG}, but no folder holding action.yml and ${BUILTIN_CONFIG} was found above the running program; give the path of a config file instead`,
        ),
      );
      return undefined;
    }
    baseFile = join(ctx.root, BUILTIN_CONFIG);
  } else {
    baseFile = resolve(dir, raw);
  }
  const chain = [...ctx.chain, realOrResolved(abs)];
  const realBase = realOrResolved(baseFile);
  if (chain.includes(realBase)) {
    const loop = [...chain.slice(chain.indexOf(realBase)), realBase].join(" -> ");
    problems.push(problem("base", `base ${show(raw)} leads back to a config that is already being read: ${loop}`));
    return undefined;
  }
  if (chain.length > MAX_BASE_DEPTH) {
    problems.push(
      problem("base", `too many bases: ${chain.join(" -> ")} -> ${baseFile}; at most ${MAX_BASE_DEPTH} configs may stand on each other`),
    );
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(baseFile, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(err)})`;
    const against = raw === BUILTIN_BASE ? "" : ` (resolved against ${dir})`;
    problems.push(
      problem(
        "base",
        `base config ${show(raw)} ${why}: ${baseFile}${against}; expected "${BUILTIN_BASE}" (the action's own ${BUILTIN_CONFIG}) or the path of a config file`,
      ),
    );
    return undefined;
  }
  try {
    return readLayer(text, baseFile, { root: ctx.root, chain });
  } catch (err) {
    const from: ConfigProblem[] = [];
    if (err instanceof ConfigError) {
      from.push(...err.problems.map((p) => ({ ...p, file: p.file ?? err.file })));
    } else if (err instanceof UsageError) {
      const w = err.where ?? {};
      from.push({ field: w.field ?? "", message: err.message, line: w.line ?? 1, column: w.column ?? 1, file: w.file ?? baseFile });
    } else {
      throw err;
    }
    // The base's problems stay at the base's lines; the first also names the config that pointed to it.
    const at = problem("base", "");
    const first = from[0];
    if (first) from[0] = { ...first, message: `${first.message} (read as the base of ${abs}:${at.line}, base: ${show(raw)})` };
    problems.push(...from);
    return undefined;
  }
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

interface FieldProblem {
  field: string;
  message: string;
  /** A required field that is absent. */
  missing?: boolean;
  /** For an unknown key: the allowed key it most likely means. */
  suggest?: string;
}

/**
 * A typo'd required key gives two problems: an unknown key on its own line and a missing field
 * placed at its parent. The missing one is dropped when an unknown sibling key suggests it, and
 * the unknown key's message says the field is required, so the annotation lands on the typo.
 */
function explainTypos(problems: FieldProblem[]): FieldProblem[] {
  const parent = (f: string) => (f.includes(".") ? f.slice(0, f.lastIndexOf(".")) : "");
  const typos = problems.filter((p) => p.suggest !== undefined);
  const meant = new Set(typos.map((p) => joinPath(parent(p.field), p.suggest!)));
  return problems
    .filter((p) => !(p.missing && meant.has(p.field)))
    .map((p) =>
      p.suggest !== undefined && problems.some((m) => m.missing && m.field === joinPath(parent(p.field), p.suggest!))
        ? { ...p, message: `${p.message} (${p.suggest} is required and missing)` }
        : p,
    );
}

/** One zod issue -> one or more (field, message) pairs. */
function issueProblems(iss: z.core.$ZodIssue, raw: unknown): FieldProblem[] {
  const field = iss.path.map(String).reduce(joinPath, "");
  switch (iss.code) {
    case "invalid_type": {
      const v = valueAt(raw, iss.path);
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      if (v === undefined) return [{ field, message: `required field is missing; expected ${expected}`, missing: true }];
      const got = v === null ? "an empty value" : typeof v === "number" || typeof v === "boolean" ? `${typeof v} ${show(v)}` : show(v);
      const hint =
        iss.expected === "string" && (typeof v === "number" || typeof v === "boolean") ? "; quote the value to make it a string" : "";
      return [{ field, message: `expected ${expected}, got ${got}${hint}` }];
    }
    case "unrecognized_keys": {
      const allowed = iss.message.replace(/^allowed keys: /, "").split(", ");
      return iss.keys.map((k, i) => {
        const invisible = invisibleIn(k);
        const bare = stripInvisible(k);
        // Suggestions for the first keys only: at most 20 problems are shown, and a mapping of 80,000 keys stays quick.
        const near = bare !== k && allowed.includes(bare) ? [bare] : i < 100 ? closest(bare, allowed) : [];
        const why =
          invisible.length > 0 ? ` (it contains ${invisible.join(", ")}, invisible: delete ${invisible.length > 1 ? "them" : "it"})` : "";
        return {
          field: joinPath(field, k),
          message: `unknown key ${show(k)}${why}; ${iss.message}${near.length > 0 ? `; did you mean ${near.map((n) => `"${n}"`).join(" or ")}?` : ""}`,
          ...(near.length > 0 ? { suggest: near[0]! } : {}),
        };
      });
    }
    case "invalid_key":
      return [{ field, message: iss.issues[0]?.message ?? iss.message }];
    default:
      return [{ field, message: iss.message }];
  }
}

/** Checks across fields, run on the raw YAML so they are reported along with schema errors. */
function crossChecks(raw: unknown, based: boolean): { field: string; message: string }[] {
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
    const variant = (n: string) => (isMap(raw.variants) && isMap(raw.variants[n]) ? raw.variants[n] : {});
    const topPaths = new Map<string, number>();
    if (Array.isArray(raw.files)) raw.files.forEach((f, i) => isMap(f) && typeof f.path === "string" && topPaths.set(f.path, i));
    for (const n of names) {
      const v = variant(n);
      const field = `variants.${n}`;
      duplicates(v.files, `${field}.files`, "image path", "path");
      if (Array.isArray(v.files)) {
        v.files.forEach((f, i) => {
          const at = isMap(f) && typeof f.path === "string" ? topPaths.get(f.path) : undefined;
          if (at !== undefined && isMap(f))
            out.push({
              field: `${field}.files.${i}.path`,
              message: `image path ${show(f.path)} is also in the top-level files (files.${at})`,
            });
        });
      }
      if (v.from !== undefined && !based)
        out.push({
          field: `${field}.from`,
          message: `from: names a variant of the base config, and this config has no base; add base: ${BUILTIN_BASE} (or a path), or give busybox and services`,
        });
      if (isMap(v.applets)) {
        const add = Array.isArray(v.applets.add) ? v.applets.add : [];
        duplicates(add, `${field}.applets.add`, "applet");
        duplicates(v.applets.remove, `${field}.applets.remove`, "applet");
        if (Array.isArray(v.applets.remove))
          v.applets.remove.forEach((a, i) => {
            const j = add.indexOf(a);
            if (typeof a === "string" && j >= 0)
              out.push({
                field: `${field}.applets.remove.${i}`,
                message: `applet ${show(a)} is both added (applets.add.${j}) and removed`,
              });
          });
      }
    }
    const flags = names.map((n) => variant(n).default);
    const defaults = names.filter((_, i) => flags[i] === true);
    const malformed = flags.some((f) => f !== undefined && typeof f !== "boolean"); // reported by the schema
    // With a base, no default means the first variant (see mergeLayer).
    if (names.length > 0 && defaults.length === 0 && !malformed && !based) {
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

/** Every applets.add / applets.remove item of the raw config, by variant, with the line it is on. */
function appletEdits(raw: unknown, file: string, locate: (field: string) => Position): Map<string, (AppletEdit & { field: string })[]> {
  const out = new Map<string, (AppletEdit & { field: string })[]>();
  if (!isMap(raw) || !isMap(raw.variants)) return out;
  for (const [name, v] of Object.entries(raw.variants)) {
    if (!isMap(v) || !isMap(v.applets)) continue;
    const list: (AppletEdit & { field: string })[] = [];
    for (const op of ["add", "remove"] as const) {
      const items = v.applets[op];
      if (!Array.isArray(items)) continue;
      items.forEach((a, i) => {
        if (typeof a !== "string") return;
        const field = `variants.${name}.applets.${op}.${i}`;
        list.push({ op, applet: a.trim(), field, origin: { file, line: locate(field).line } });
      });
    }
    if (list.length > 0) out.set(name, list);
  }
  return out;
}

/**
 * Checks applet names against the BusyBox release's table and writes the edits over each
 * variant's fragment (variant.fragment). Returns the problems, each at its list item.
 */
function applyApplets(
  config: Config,
  edits: Map<string, (AppletEdit & { field: string })[]>,
  root: string | undefined,
  problem: (field: string, message: string) => ConfigProblem,
): ConfigProblem[] {
  if (edits.size === 0) return [];
  const version = config.busybox.version;
  const firstField = [...edits.values()][0]![0]!.field;
  const tableFile = root ? appletTableFile(root, version) : undefined;
  let table;
  try {
    if (!tableFile) throw new Error("the action's folder (holding action.yml and configs/) was not found above the running program");
    table = readAppletTable(tableFile);
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).message.includes("ENOENT");
    const why = missing ? `there is no applet table for BusyBox ${version} (${tableFile})` : (err as Error).message;
    return [
      problem(
        firstField,
        `applets cannot be checked: ${why}; generate it from the release's source with \`node scripts/gen-applets.mjs <busybox-${version}.tar.bz2>\` in the action's folder, or list the CONFIG_ lines in a busybox fragment instead`,
      ),
    ];
  }
  if (table.busybox !== version)
    return [problem(firstField, `the applet table ${tableFile} is for BusyBox ${table.busybox}, not ${version}`)];
  const problems: ConfigProblem[] = [];
  for (const [name, list] of edits) {
    const variant = config.variants.find((v) => v.name === name);
    if (!variant) continue; // a base variant not built (cannot happen: edits are this file's)
    const before = problems.length;
    for (const e of list) {
      if (Object.hasOwn(table.applets, e.applet)) continue;
      const near = closest(e.applet, Object.keys(table.applets));
      problems.push(
        problem(
          e.field,
          `${show(e.applet)} is not an applet of BusyBox ${version}${near.length > 0 ? `; did you mean ${near.join(", ")}?` : ""} (the applets are listed in ${tableFile})`,
        ),
      );
    }
    if (problems.length > before) continue;
    const settings: Setting[] = list.flatMap((e) => settingsFor(table, e));
    const bySymbol = new Map<string, Setting>();
    for (const s of settings) {
      const other = bySymbol.get(s.symbol);
      if (other && other.value !== s.value) {
        problems.push(
          problem(
            (s.edit as AppletEdit & { field: string }).field,
            `${s.edit.op}ing ${show(s.edit.applet)} sets ${s.symbol}=${s.value}, which ${other.edit.op}ing ${show(other.edit.applet)} (line ${other.edit.origin.line}) sets to ${other.value}`,
          ),
        );
      }
      bySymbol.set(s.symbol, s);
    }
    if (problems.length > before) continue;
    const fragment = variant.fragment;
    const baseText = fragment?.text ?? readFileSync(variant.busyboxConfig, "utf8");
    const origin = (line: number): Origin => fragment?.origins[line - 1] ?? { file: variant.busyboxConfig, line };
    variant.fragment = deriveFragment({ text: baseText, origin }, settings);
  }
  return problems;
}

type RawBudget = NonNullable<RawVariant["budget"]>;
type RawBusybox = NonNullable<RawLayer["busybox"]>;

function resolveBudget(b: RawBudget | undefined): VariantConfig["budget"] {
  const one = (
    x: { size?: number | undefined; compressed?: number | undefined; growth?: Budget["growth"] | undefined } | undefined,
  ): Budget => {
    const out: Budget = {};
    if (x?.size !== undefined) out.size = x.size;
    if (x?.compressed !== undefined) out.compressed = x.compressed;
    if (x?.growth !== undefined) out.growth = x.growth;
    return out;
  };
  const platforms: Partial<Record<Platform, Budget>> = {};
  for (const p of PLATFORMS) {
    const o = b?.platforms?.[p];
    if (o) platforms[p] = one(o);
  }
  return { ...one(b), platforms };
}

function resolveBusybox(b: RawBusybox): Config["busybox"] {
  return {
    version: b.version,
    sha256: b.sha256,
    urls: b.urls,
    ...(b.signature ? { signature: { key: b.signature.key, urls: b.signature.urls ?? b.urls.map((u) => `${u}.asc`) } } : {}),
    patches: b.patches ?? [],
  };
}

function resolveFiles(files: { path: string; src: string; mode?: number | undefined }[] | undefined): RootfsFile[] {
  return (files ?? []).map((f) => ({ path: f.path, src: f.src, mode: f.mode ?? DEFAULT_FILE_MODE }));
}

function resolveConfig(raw: RawConfig, file: string, dir: string, locations: Config["locations"]): Config {
  const variants: VariantConfig[] = Object.entries(raw.variants).map(([name, v]) => {
    const files = resolveFiles(v.files);
    return {
      name,
      description: v.description ?? "",
      busyboxConfig: v.busybox,
      services: v.services,
      default: v.default === true,
      budget: resolveBudget(v.budget),
      ...(files.length > 0 ? { files } : {}),
    };
  });
  return {
    file,
    dir,
    version: raw.version,
    sourceDateEpoch: raw.source_date_epoch ?? DEFAULT_SOURCE_DATE_EPOCH,
    busybox: resolveBusybox(raw.busybox),
    platforms: raw.platforms,
    image: raw.image ?? DEFAULT_IMAGE,
    files: resolveFiles(raw.files),
    variants,
    ...(raw.release_notes ? { noteTypes: raw.release_notes.types } : {}),
    locations,
  };
}

/**
 * A config with `base` laid over its (resolved) base:
 * - version, source_date_epoch, busybox, platforms and image: this file's when it sets them, else the base's;
 * - files: the base's, then this file's (an entry for an image path the base already has replaces it);
 * - variants: when this file declares none, the base's. Otherwise exactly the ones it declares, in
 *   its order. `from: <base variant>` starts a variant from that base variant (fragment, services,
 *   description, budget, files); a variant named like a base variant without `from` starts from it
 *   too; any other needs busybox and services. Fields this file gives replace the started ones
 *   (a budget as a whole), variant files are added, and `applets` edit the fragment. The default is
 *   the one marked `default: true`, else the first.
 * Locations of values taken from the base keep the base's file and line.
 */
function mergeLayer(
  base: Config,
  raw: RawLayer,
  file: string,
  dir: string,
  yamlLocations: Map<string, Position>,
  problem: (field: string, message: string) => ConfigProblem,
): { config: Config; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const fromBase = (loc: Location): Location => ({ ...loc, file: loc.file ?? base.file });
  const under = (key: string, prefix: string) => key === prefix || key.startsWith(`${prefix}.`);
  const locations: Record<string, Location> = {};
  const overridden = (["version", "source_date_epoch", "busybox", "platforms", "image", "variants"] as const).filter(
    (k) => raw[k] !== undefined,
  );
  for (const [k, loc] of Object.entries(base.locations)) if (!overridden.some((o) => under(k, o))) locations[k] = fromBase(loc);

  const files = [...base.files];
  for (const f of resolveFiles(raw.files)) {
    const i = files.findIndex((b) => b.path === f.path);
    if (i >= 0) files[i] = f;
    else files.push(f);
  }

  let variants: VariantConfig[];
  if (raw.variants === undefined) {
    variants = base.variants.map((v) => ({ ...v }));
  } else {
    const baseNames = base.variants.map((v) => v.name).join(", ");
    variants = [];
    for (const [name, v] of Object.entries(raw.variants)) {
      const field = `variants.${name}`;
      const startName = v.from ?? name;
      const start = base.variants.find((b) => b.name === startName);
      if (v.from !== undefined && !start) {
        problems.push(problem(`${field}.from`, `${show(v.from)} is not a variant of the base config ${base.file}; allowed: ${baseNames}`));
        continue;
      }
      const busyboxConfig = v.busybox ?? start?.busyboxConfig;
      const services = v.services ?? start?.services;
      if (busyboxConfig === undefined || services === undefined) {
        const missing = [v.busybox === undefined ? "busybox" : "", v.services === undefined ? "services" : ""]
          .filter(Boolean)
          .join(" and ");
        problems.push(
          problem(field, `a variant the base config does not have needs ${missing}, or from: one of the base's variants (${baseNames})`),
        );
        continue;
      }
      const ownFiles = resolveFiles(v.files);
      const variantFiles = [...(start?.files ?? []), ...ownFiles];
      const fragment = v.busybox === undefined ? start?.fragment : undefined;
      variants.push({
        name,
        description: v.description ?? start?.description ?? "",
        busyboxConfig,
        ...(fragment ? { fragment } : {}),
        services,
        default: v.default === true,
        budget: v.budget !== undefined || !start ? resolveBudget(v.budget) : structuredClone(start.budget),
        ...(variantFiles.length > 0 ? { files: variantFiles } : {}),
      });
      if (start) {
        // Inherited fields keep the base's positions under this variant's name.
        const own = (k: string) => (v as Record<string, unknown>)[k] !== undefined;
        for (const [k, loc] of Object.entries(base.locations)) {
          const prefix = `variants.${start.name}.`;
          if (!k.startsWith(prefix)) continue;
          const rest = k.slice(prefix.length);
          if (own(rest.split(".")[0]!) || rest.startsWith("default")) continue;
          locations[`${field}.${rest}`] = fromBase(loc);
        }
      }
    }
    if (variants.length > 0 && !variants.some((v) => v.default)) variants[0]!.default = true;
  }
  for (const [k, loc] of yamlLocations) locations[k] = loc;

  return {
    problems,
    config: {
      file,
      dir,
      bases: [base.file, ...(base.bases ?? [])],
      version: raw.version ?? base.version,
      sourceDateEpoch: raw.source_date_epoch ?? base.sourceDateEpoch,
      busybox: raw.busybox ? resolveBusybox(raw.busybox) : base.busybox,
      platforms: raw.platforms ?? base.platforms,
      image: raw.image ?? base.image,
      files,
      variants,
      ...((raw.release_notes?.types ?? base.noteTypes) ? { noteTypes: raw.release_notes?.types ?? base.noteTypes } : {}),
      locations,
    },
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

/** "all" among names ("all,tiny"): bad input, since the names would be ignored. */
function allMixed(what: "variant" | "platform", spec: string): UsageError {
  return new UsageError(
    `--${what} ${JSON.stringify(spec)} mixes "all" with ${what} names; give either all or a comma list of ${what}s, not both`,
  );
}

/** `undefined`, "" or "all" -> every variant; otherwise a comma list. Returned in config order. */
export function selectVariants(config: Config, spec: string | undefined): VariantConfig[] {
  if (spec === undefined || spec.trim() === "" || spec.trim() === "all") return config.variants;
  const wanted = splitSpec(spec, "variants");
  if (wanted.includes("all")) throw allMixed("variant", spec);
  const known = config.variants.map((v) => v.name);
  const unknown = wanted.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown variant${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => JSON.stringify(n)).join(", ")}; known variants: ${known.join(", ")} (or all)`,
    );
  }
  return config.variants.filter((v) => wanted.includes(v.name));
}

/**
 * Like selectVariants for platforms, each written as parsePlatform reads it (`amd64`, `aarch64`,
 * `linux/arm64/v8` too). Only platforms in the config are allowed.
 */
export function selectPlatforms(config: Config, spec: string | undefined): Platform[] {
  if (spec === undefined || spec.trim() === "" || spec.trim() === "all") return config.platforms;
  const given = splitSpec(spec, "platforms");
  if (given.includes("all")) throw allMixed("platform", spec);
  const unknown = given.filter((p) => {
    const q = parsePlatform(p);
    return q === undefined || !config.platforms.includes(q);
  });
  if (unknown.length > 0) {
    const notInConfig = unknown.map(parsePlatform).filter((p) => p !== undefined);
    const extra = notInConfig.length > 0 ? `; ${notInConfig.join(", ")} must first be added to platforms in the config` : "";
    throw new UsageError(
      `unknown platform${unknown.length > 1 ? "s" : ""} ${unknown.map((p) => JSON.stringify(p)).join(", ")}; allowed: ${config.platforms.join(", ")} (or all)${extra}`,
    );
  }
  const wanted = given.map(parsePlatform);
  return config.platforms.filter((p) => wanted.includes(p));
}
