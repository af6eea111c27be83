/**
 * benchmark.json: github-action-benchmark's customSmallerIsBetter format, as `kimigayo bench`
 * writes it and as its regression gate reads an earlier run back (--baseline FILE).
 */
import { z } from "zod";
import { UsageError } from "../lib/errors.js";
import { writeSaved } from "../lib/saved.js";

const mustBeString = (key: string) => ({ error: () => `"${key}" must be a string` });

export const benchmarkEntrySchema = z.object({
  name: z.string({ error: () => `"name" must be a non-empty string` }).min(1, { error: () => `"name" must be a non-empty string` }),
  unit: z.string(mustBeString("unit")),
  value: z.number({ error: (iss) => `"value" must be a finite number, got ${JSON.stringify(iss.input)}` }),
  range: z.string(mustBeString("range")).optional(),
  extra: z.string(mustBeString("extra")).optional(),
});

/** One entry of github-action-benchmark's customSmallerIsBetter format. */
export type BenchmarkEntry = z.infer<typeof benchmarkEntrySchema>;

/** Checks a customSmallerIsBetter file; a problem names the file, the entry and the field. */
export function parseBenchmarkEntries(text: string, file: string): BenchmarkEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${file}: not JSON (${(e as Error).message}); expected the benchmark.json an earlier \`kimigayo bench\` wrote`, {
      file,
    });
  }
  if (!Array.isArray(data)) {
    throw new UsageError(
      `${file}: expected a JSON array of {name, unit, value, range?, extra?} (github-action-benchmark customSmallerIsBetter)`,
      { file },
    );
  }
  return data.map((raw: unknown, i): BenchmarkEntry => {
    const at = `${file}: entry ${i}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw new UsageError(`${at}: expected an object, got ${JSON.stringify(raw)}`, { file, field: `[${i}]` });
    }
    const r = benchmarkEntrySchema.safeParse(raw);
    if (r.success) return r.data;
    const issue = r.error.issues[0]!;
    const name = (raw as { name?: unknown }).name;
    const named = issue.path[0] !== "name" && typeof name === "string" ? ` (${name})` : "";
    throw new UsageError(`${at}${named}: ${issue.message}`, { file, field: `[${i}].${issue.path.map(String).join(".")}` });
  });
}

/** Writes benchmark.json as the gate (`--baseline`) and github-action-benchmark read it; returns the file. */
export function writeBenchmarkEntries(file: string, entries: BenchmarkEntry[]): Promise<string> {
  return writeSaved(file, entries);
}
