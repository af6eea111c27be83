/**
 * The doctor's --json document as `kimigayo doctor --fix` under sudo prints it: the unprivileged
 * parent reads the child's result back (which fixes it made) from its stdout.
 */
import { z } from "zod";
import { parseDocument } from "../lib/saved.js";
import type { DoctorResult } from "./types.js";

export const doctorResultSchema = z.looseObject({
  ok: z.boolean(),
  items: z.array(
    z.looseObject({
      id: z.string(),
      title: z.string(),
      ok: z.boolean(),
      detail: z.string(),
      fixHint: z.string(),
      fixed: z.array(z.string()),
    }),
  ),
}) satisfies z.ZodType<DoctorResult>;

/** The child's stdout as a doctor result; not one is an Error naming `where` (the command) and the field. */
export function parseDoctorResult(stdout: string, where: string): DoctorResult {
  return parseDocument(stdout, doctorResultSchema, { where, what: "a `kimigayo doctor --json` result" });
}
