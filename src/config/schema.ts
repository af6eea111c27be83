/**
 * The shape of configs/kimigayo.yml (zod schemas over the raw YAML) and the resolved
 * Config type the rest of the build uses. Messages written here end up verbatim in
 * UsageErrors, after the field path: they name the bad value and what is allowed.
 */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { z } from "zod";
import { isSemver } from "../lib/version.js";
import { isRepositoryReference } from "../oci/reference.js";
import { parseGrowth, parseSize } from "./units.js";
import type { Position } from "./yaml.js";

export { PLATFORMS, type Platform } from "../lib/platform.js";
import { PLATFORMS, type Platform } from "../lib/platform.js";

/** The engines that build an image (`kimigayo build --engine`, build.json's `engine`): src/build/engine.ts. */
export const ENGINES = ["oci", "buildx"] as const;
export type Engine = (typeof ENGINES)[number];

export const DEFAULT_SOURCE_DATE_EPOCH = 1767225600;
export const DEFAULT_IMAGE = "127.0.0.1:5000/kimigayo";
export const DEFAULT_FILE_MODE = 0o644;
export const VARIANT_NAME = /^[a-z][a-z0-9-]{0,30}$/;
/**
 * Names a variant may not take: "all" selects every variant (--variant all), and a variant's
 * "latest of this variant" tag would overwrite the latest and edge image tags.
 */
const RESERVED_VARIANT_NAMES = ["all", "latest", "edge"] as const;
/** The largest timestamp a tar header holds (11 octal digits): 8589934591, in the year 2242. */
export const MAX_EPOCH = 0o77777777777;

export interface Budget {
  size?: number;
  compressed?: number;
  growth?: { bytes: number } | { percent: number };
}

/** Where a line or value came from: a file and a 1-based line. */
export interface Origin {
  file: string;
  line: number;
}

/**
 * A fragment made by the loader (applets.add / applets.remove on top of a fragment file): the
 * build uses `text` instead of reading busyboxConfig, and `origins[i]` says where line i + 1 came
 * from (a line of the fragment file, or the applets list item of a config).
 */
export interface DerivedFragment {
  text: string;
  origins: Origin[];
}

export interface VariantConfig {
  name: string;
  description: string;
  /** The fragment file (for a derived variant: the one its fragment starts from). */
  busyboxConfig: string;
  /** Set when applets were added or removed: the fragment the build uses. */
  fragment?: DerivedFragment;
  services: string;
  default: boolean;
  budget: Budget & { platforms: Partial<Record<Platform, Budget>> };
  /** Files copied into this variant's rootfs only, after the config's `files` (absent when none). */
  files?: RootfsFile[];
}

export interface RootfsFile {
  path: string;
  src: string;
  mode: number;
}

/** A field's position; `file` is set when the value came from a base config rather than Config.file. */
export type Location = Position & { file?: string };

export interface Config {
  file: string;
  dir: string;
  /** The base configs this one builds on, nearest first (absent for a config without `base`). */
  bases?: string[];
  version: string;
  sourceDateEpoch: number;
  busybox: { version: string; sha256: string; urls: string[]; signature?: { key: string; urls: string[] }; patches: string[] };
  platforms: Platform[];
  image: string;
  files: RootfsFile[];
  /** In file order. */
  variants: VariantConfig[];
  /** The release notes' sections (release_notes.types); the notes' defaults when absent. */
  noteTypes?: { type: string; title: string; folded?: boolean }[];
  /** Dotted field path -> position, for annotations (with `file` for values from a base config). */
  locations: Record<string, Location>;
}

/** The variant's budget with the per-platform override applied. */
export function budgetFor(v: VariantConfig, p: Platform): Budget {
  const { platforms, ...base } = v.budget;
  const merged: Budget = { ...base, ...platforms[p] };
  for (const k of Object.keys(merged) as (keyof Budget)[]) if (merged[k] === undefined) delete merged[k];
  return merged;
}

/** Characters that do not show: byte order mark, zero-width and bidi marks, soft hyphen, no-break and other odd spaces, controls. */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- finding these characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u00a0\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\u3164\ufe00-\ufe0f\ufeff\uffa0]/g;
const CHAR_NAMES: Record<string, string> = {
  "\ufeff": "ZERO WIDTH NO-BREAK SPACE, a byte order mark",
  "\u200b": "ZERO WIDTH SPACE",
  "\u200c": "ZERO WIDTH NON-JOINER",
  "\u200d": "ZERO WIDTH JOINER",
  "\u2060": "WORD JOINER",
  "\u00a0": "NO-BREAK SPACE",
  "\u00ad": "SOFT HYPHEN",
};
const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** Each distinct invisible character of `s`, named: "U+FEFF (ZERO WIDTH NO-BREAK SPACE, a byte order mark)". */
export function invisibleIn(s: string): string[] {
  return [...new Set(s.match(INVISIBLE) ?? [])].map((c) => (CHAR_NAMES[c] ? `${codePoint(c)} (${CHAR_NAMES[c]})` : codePoint(c)));
}

export const stripInvisible = (s: string): string => s.replace(INVISIBLE, "");
/** `s` with each invisible character written as a \\uXXXX escape, e.g. a field path in a message. */
export const escapeInvisible = (s: string): string => s.replace(INVISIBLE, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);

/** A value as it appears in a message; invisible characters are written as \\uXXXX escapes. */
export function show(v: unknown): string {
  if (v === null || v === undefined) return "an empty value";
  if (typeof v === "string") return escapeInvisible(JSON.stringify(v));
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

/** z.strictObject whose unknown-key message lists the allowed keys (load.ts prefixes the key). */
function strict<T extends z.ZodRawShape>(shape: T) {
  const allowed = `allowed keys: ${Object.keys(shape).join(", ")}`;
  return z.strictObject(shape, { error: (iss) => (iss.code === "unrecognized_keys" ? allowed : undefined) });
}

/** A string checked by `ok`; `what` completes "<value> is not ...". */
function matching(ok: (s: string) => boolean, what: string) {
  return z.string().refine(ok, { error: (iss) => `${show(iss.input)} is not ${what}` });
}

/** The registry's port, if the reference names one, is 1 to 65535. */
function portInRange(ref: string): boolean {
  const port = /^[^/]*:(\d+)\//.exec(ref)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

function imageMessage(v: unknown): string {
  const s = typeof v === "string" ? v : "";
  if (isRepositoryReference(s) && !portInRange(s)) return `${show(v)} names a registry port out of range; a port is 1 to 65535`;
  const lastPart = s.split("/").pop() ?? "";
  const hint = s.includes("@") || lastPart.includes(":") ? "; leave out the tag or digest" : "";
  return `${show(v)} is not a valid OCI repository reference like registry.example:5000/name/path (lowercase, no tag)${hint}`;
}

/** An image path: absolute, normalized, not the root. */
function isImagePath(s: string): boolean {
  if (!s.startsWith("/") || s === "/" || s.endsWith("/") || s.includes("\0")) return false;
  return s
    .slice(1)
    .split("/")
    .every((seg) => seg !== "" && seg !== "." && seg !== "..");
}

const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

function isUrl(s: string): boolean {
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where a file copied into an image may come from: inside `dir`, the folder of the config that
 * names it, after resolving symlinks. Returns why not, or undefined when it is inside.
 */
function outsideFolder(p: string, abs: string, dir: string): string | undefined {
  if (isAbsolute(p)) return `${show(p)} is an absolute path; files copied into the image must be given relative to ${dir}`;
  const inside = (child: string, parent: string) => {
    const rel = relative(parent, child);
    return rel !== "" && rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  if (!inside(abs, dir))
    return `${show(p)} leads out of the config's folder ${dir} (to ${abs}); files copied into the image must come from inside it`;
  let real: string;
  let realDir: string;
  try {
    real = realpathSync(abs);
    realDir = realpathSync(dir);
  } catch {
    return undefined; // the existence check reports it
  }
  if (!inside(real, realDir))
    return `${show(p)} is a symlink (or lies under one) leading out of the config's folder ${dir} (to ${real}); files copied into the image must come from inside it`;
  return undefined;
}

/** The field schemas; paths resolve against `dir`, the folder of the file being read. */
function fieldSchemas(dir: string) {
  const existing = (inside: boolean) =>
    z.string().transform((p, ctx) => {
      if (p === "") {
        ctx.addIssue({ code: "custom", message: "empty path; expected a file path relative to the config file", input: p });
        return z.NEVER;
      }
      const abs = resolve(dir, p);
      let problem = inside ? outsideFolder(p, abs, dir) : undefined;
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem, input: p });
        return z.NEVER;
      }
      try {
        if (!statSync(abs).isFile()) problem = "is not a regular file";
      } catch {
        problem = "does not exist";
      }
      if (problem) {
        const where = isAbsolute(p) ? "" : ` (resolved against ${dir})`;
        ctx.addIssue({ code: "custom", message: `file ${show(p)} ${problem}: ${abs}${where}`, input: p });
        return z.NEVER;
      }
      return abs;
    });
  const existingFile = existing(false);
  /** A file copied into the image: it must also come from inside `dir`. */
  const imageSource = existing(true);

  const source = z.string().transform((s, ctx) => {
    if (/^https?:\/\//.test(s) || /^file:\/\//.test(s)) {
      if (isUrl(s)) return s;
      ctx.addIssue({ code: "custom", message: `${show(s)} is not a valid URL`, input: s });
      return z.NEVER;
    }
    if (s === "" || URL_SCHEME.test(s)) {
      ctx.addIssue({
        code: "custom",
        message: `${show(s)} is not supported; expected an http://, https:// or file:// URL or a local path`,
        input: s,
      });
      return z.NEVER;
    }
    return resolve(dir, s);
  });
  const sources = z.array(source).min(1, { error: "must not be empty; list at least one URL" });

  const size = z.unknown().transform((v, ctx) => {
    try {
      if (typeof v !== "string" && typeof v !== "number") throw new Error(`expected a size like 250KB, got ${show(v)}`);
      const n = parseSize(v);
      if (n === 0) throw new Error(`invalid size ${show(v)}: must be greater than 0`);
      return n;
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message, input: v });
      return z.NEVER;
    }
  });
  const growth = z.unknown().transform((v, ctx) => {
    try {
      if (typeof v !== "string" && typeof v !== "number")
        throw new Error(`expected a size like 20KB or a percentage like 5%, got ${show(v)}`);
      return parseGrowth(v);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message, input: v });
      return z.NEVER;
    }
  });
  const mode = z.unknown().transform((v, ctx) => {
    if (typeof v === "string" && /^[0-7]{3,4}$/.test(v)) return parseInt(v, 8);
    const message =
      typeof v === "number"
        ? `got the number ${v}; write the mode as a quoted octal string, e.g. mode: "0${v}"`
        : `${show(v)} is not a file mode; expected a quoted octal string like "0644" or "0755"`;
    ctx.addIssue({ code: "custom", message, input: v });
    return z.NEVER;
  });

  const budgetFields = { size: size.optional(), compressed: size.optional(), growth: growth.optional() };
  const platformBudget = strict(budgetFields).optional();
  const budget = strict({
    ...budgetFields,
    platforms: strict({ "linux/amd64": platformBudget, "linux/arm64": platformBudget }).optional(),
  });

  const files = z.array(
    strict({
      path: matching(isImagePath, "an absolute, normalized path in the image like /etc/rc.conf"),
      src: imageSource,
      mode: mode.optional(),
    }),
  );
  const appletNames = z.array(matching((s) => s.trim() !== "", "an applet name"));
  const variantFields = {
    description: z.string().optional(),
    busybox: existingFile,
    services: existingFile,
    default: z.boolean().optional(),
    budget: budget.optional(),
    from: matching((s) => VARIANT_NAME.test(s), `a variant name; expected ${VARIANT_NAME.source}`).optional(),
    applets: strict({ add: appletNames.optional(), remove: appletNames.optional() }).optional(),
    files: files.optional(),
  };
  const variantName = z.string().superRefine((s, ctx) => {
    if (!VARIANT_NAME.test(s))
      ctx.addIssue({ code: "custom", message: `${show(s)} is not a valid variant name; expected ${VARIANT_NAME.source}`, input: s });
    else if ((RESERVED_VARIANT_NAMES as readonly string[]).includes(s))
      ctx.addIssue({
        code: "custom",
        message: `variant name ${show(s)} is reserved (${RESERVED_VARIANT_NAMES.join(", ")}): "all" selects every variant, and a variant's own tag would overwrite the latest or edge image tag`,
        input: s,
      });
  });
  const variants = <T extends z.ZodType>(variant: T) =>
    z.record(variantName, variant).refine((r) => Object.keys(r).length > 0, { error: "must define at least one variant" });

  const platform = z.enum(PLATFORMS, {
    error: (iss) => `${show(iss.input)} is not a supported platform; allowed: ${PLATFORMS.join(", ")}`,
  });

  return {
    base: z.string().refine((s) => s.trim() !== "", {
      error: `empty base; expected "${BUILTIN_BASE}" (the action's own configs/kimigayo.yml) or the path of another config file`,
    }),
    version: matching(isSemver, "a semantic version like 2.1.0"),
    source_date_epoch: z.number().refine((n) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_EPOCH, {
      error: (iss) =>
        `${show(iss.input)} is not a valid timestamp; expected a whole number of seconds since 1970, from 0 to ${MAX_EPOCH} (the most a tar header holds)`,
    }),
    busybox: strict({
      version: matching((s) => /^[0-9]+\.[0-9]+\.[0-9]+$/.test(s), "a BusyBox version like 1.38.0"),
      sha256: matching((s) => /^[0-9a-f]{64}$/.test(s), "a sha256; expected exactly 64 lowercase hex characters"),
      urls: sources,
      signature: strict({ key: existingFile, urls: sources.optional() }).optional(),
      patches: z.array(existingFile).optional(),
    }),
    platforms: z.array(platform).min(1, { error: `must not be empty; allowed: ${PLATFORMS.join(", ")}` }),
    image: z.string().refine((s) => isRepositoryReference(s) && portInRange(s), { error: (iss) => imageMessage(iss.input) }),
    files,
    variants,
    /** The release notes' sections: conventional-commit types in order, their titles, folded or shown. */
    release_notes: strict({
      types: z
        .array(
          strict({
            type: matching((s) => /^[a-z][a-z0-9-]*$/.test(s), "a commit type like feat or fix (lowercase letters, digits, -)"),
            title: z.string().refine((s) => s.trim() !== "" && !/[\r\n]/.test(s), { error: "must be one line of text" }),
            folded: z.boolean().optional(),
          }),
        )
        .min(1, { error: "must list at least one type" })
        .superRefine((l, ctx) => {
          // Each repeat is named at its own entry (its line), with the entry it repeats.
          l.forEach((t, i) => {
            const first = l.findIndex((o) => o.type === t.type);
            if (first !== i) {
              ctx.addIssue({
                code: "custom",
                path: [i, "type"],
                input: t.type,
                message: `type ${JSON.stringify(t.type)} is listed twice (first as types[${first}]); each type is one section`,
              });
            }
          });
        }),
    }),
    variant: strict(variantFields),
    /** In a config with a base, a variant may leave its fragment and services to the base variant. */
    layerVariant: strict({ ...variantFields, busybox: existingFile.optional(), services: existingFile.optional() }),
  };
}

/** What `base:` names to use the action's own configs/kimigayo.yml. */
export const BUILTIN_BASE = "builtin";

/** A config without `base`: everything it builds is in this file. Paths resolve against `dir`. */
export function configSchema(dir: string) {
  const f = fieldSchemas(dir);
  return strict({
    version: f.version,
    source_date_epoch: f.source_date_epoch.optional(),
    busybox: f.busybox,
    platforms: f.platforms,
    image: f.image.optional(),
    files: f.files.optional(),
    variants: f.variants(f.variant),
    release_notes: f.release_notes.optional(),
    base: f.base.optional(),
  });
}

/** A config with `base`: it states only what differs from its base, so every field is optional. */
export function layerSchema(dir: string) {
  const f = fieldSchemas(dir);
  return strict({
    version: f.version.optional(),
    source_date_epoch: f.source_date_epoch.optional(),
    busybox: f.busybox.optional(),
    platforms: f.platforms.optional(),
    image: f.image.optional(),
    files: f.files.optional(),
    variants: f.variants(f.layerVariant).optional(),
    release_notes: f.release_notes.optional(),
    base: f.base,
  });
}

export type RawConfig = z.output<ReturnType<typeof configSchema>>;
export type RawLayer = z.output<ReturnType<typeof layerSchema>>;
export type RawVariant = NonNullable<RawLayer["variants"]>[string];
