/**
 * Reading JSON documents against the zod schema their type is inferred from: saved results
 * (build.json, digest files, event payloads; src/results), registry and layout documents
 * (src/oci/schema.ts), tools' output. Every problem names the document (file or URL), the field
 * path, the bad value and what is allowed; a saved result's is a UsageError (exit 2), as with the
 * config. Writing a saved result is here too, so a file's reader and writer agree on its form.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { z } from "zod";
import { UsageError } from "./errors.js";

export interface SavedKind {
  /** What the file should be, e.g. "a build result (build.json)". */
  what: string;
  /** How to get a good one, e.g. "run `kimigayo build` again". */
  remedy: string;
}

/** `images[0].busybox.size` */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): { found: boolean; value?: unknown } {
  let v = root;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, k)) return { found: false };
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return { found: true, value: v };
}

/** A JSON value as a reader would want to see it: short, quoted strings, kinds for containers. */
function showJson(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return v.length === 0 ? "an empty list" : "a list";
  if (typeof v === "object") return "an object";
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  record: "an object",
};

/** One zod issue as "field: what is wrong, got what". */
export function describeIssue(iss: z.core.$ZodIssue, raw: unknown): string {
  const field = fieldPath(iss.path) || "(top level)";
  const at = valueAt(raw, iss.path);
  switch (iss.code) {
    case "invalid_type": {
      const expected = EXPECTED[iss.expected] ?? iss.expected;
      if (!at.found) return `${field}: required field is missing; expected ${expected}`;
      return `${field}: expected ${expected}, got ${showJson(at.value)}`;
    }
    case "invalid_value":
      return `${field}: expected ${iss.values.map((v) => JSON.stringify(v)).join(" or ")}, got ${showJson(at.value)}`;
    case "unrecognized_keys":
      return `${field}: unknown key${iss.keys.length > 1 ? "s" : ""} ${iss.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    case "invalid_union":
      return `${field}: ${iss.message}, got ${showJson(at.value)}`;
    default:
      return `${field}: ${iss.message}, got ${showJson(at.value)}`;
  }
}

/**
 * A failed parse as lines "field: what is wrong, got what" (eight at most, then how many more):
 * the one way a zod error becomes a message, for saved files, registry documents and tool output.
 */
export function issueLines(error: z.ZodError, raw: unknown): string[] {
  const issues = error.issues;
  const lines = issues.slice(0, 8).map((i) => describeIssue(i, raw));
  if (issues.length > lines.length) lines.push(`… and ${issues.length - lines.length} more`);
  return lines;
}

/** What a JSON document is and where it came from, for the message when it is not what it should be. */
export interface JsonDocument {
  /** The file or URL it was read from, or what printed it. */
  where: string;
  /** What it should be, e.g. "an OCI image manifest". */
  what: string;
  /** How to get a good one, as a last line. */
  remedy?: string;
}

/** Makes the error for a bad document: its message and the first bad field. */
export type DocumentError = (message: string, field?: string) => Error;

const plainError: DocumentError = (message) => new Error(message);

/** Checks a value already read (JSON, YAML) against a schema; a problem names the document and each bad field. */
export function checkDocument<S extends z.ZodType>(
  raw: unknown,
  schema: S,
  doc: JsonDocument,
  fail: DocumentError = plainError,
): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw fail(
    `${doc.where} is not ${doc.what}:\n  ${issueLines(r.error, raw).join("\n  ")}${doc.remedy ? `\n${doc.remedy}` : ""}`,
    first ? fieldPath(first.path) : undefined,
  );
}

/** Parses JSON text against a schema; a problem (not JSON, or a bad field) names the document and the field. */
export function parseDocument<S extends z.ZodType>(
  text: string | Buffer,
  schema: S,
  doc: JsonDocument,
  fail: DocumentError = plainError,
): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text.toString());
  } catch (err) {
    throw fail(`${doc.where}: not JSON (${(err as Error).message}); expected ${doc.what}${doc.remedy ? `: ${doc.remedy}` : ""}`);
  }
  return checkDocument(raw, schema, doc, fail);
}

/** Parses the text of a saved result; throws a UsageError naming the file and each bad field. */
export function parseSaved<S extends z.ZodType>(text: string, file: string, schema: S, kind: SavedKind): z.output<S> {
  return parseDocument(
    text,
    schema,
    { where: file, ...kind },
    (message, field) => new UsageError(message, { file, ...(field !== undefined ? { field } : {}) }),
  );
}

/** Reads and parses a saved result; `missing` is the message when the file is not there. */
export async function readSaved<S extends z.ZodType>(
  file: string,
  schema: S,
  kind: SavedKind & { missing?: string },
): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && kind.missing) throw new UsageError(kind.missing);
    const why = code === "ENOENT" ? "does not exist" : code === "EISDIR" ? "is a directory" : `cannot be read (${code ?? String(err)})`;
    throw new UsageError(`${file} ${why}; expected ${kind.what}: ${kind.remedy}`, { file });
  }
  return parseSaved(text, file, schema, kind);
}

/** Writes a saved result as the readers read it: pretty JSON and a newline, its folder made first. */
export async function writeSaved(file: string, value: unknown): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}
