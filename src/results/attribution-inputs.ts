/**
 * The files a BusyBox build keeps beside its binary for the size attribution (src/size/
 * attribution-inputs.ts writes them): kbuild.json, the objects each CONFIG_ option builds, and
 * relocations.json.gz, which symbols each kept input section refers to. Both are read back with
 * these schemas; a bad one is reported as missing attribution, naming the file and the field.
 */
import { z } from "zod";
import { issueLines } from "../lib/saved.js";

export const kbuildFileSchema = z.object({ objects: z.array(z.object({ object: z.string(), option: z.string().nullable() })) });

/** input file -> section -> symbols its relocations name. */
export const relocationsSchema = z.record(z.string(), z.record(z.string(), z.array(z.string())));

export type KbuildFile = z.infer<typeof kbuildFileSchema>;
export type Relocations = z.infer<typeof relocationsSchema>;

/** JSON text checked against a schema: the value, or why not ("FILE is not WHAT: field: …"). */
export function parseAttributionFile<S extends z.ZodType>(
  text: string,
  file: string,
  schema: S,
  what: string,
): { ok: true; value: z.output<S> } | { ok: false; problem: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `${file} is not JSON (${(err as Error).message}); expected ${what}` };
  }
  const r = schema.safeParse(raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, problem: `${file} is not ${what}: ${issueLines(r.error, raw).join("; ")}` };
}

/** The text kbuild.json is written as. */
export function kbuildFileText(file: KbuildFile): string {
  return `${JSON.stringify(file)}\n`;
}

/** The text relocations.json.gz holds (before gzip). */
export function relocationsText(relocations: Relocations): string {
  return JSON.stringify(relocations);
}
