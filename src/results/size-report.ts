/**
 * A size report read back as a baseline or as history (`kimigayo size-check --report FILE` wrote
 * it): the fields a comparison uses, each checked; newer fields are let through, so a report of
 * the same schemaVersion from a later kimigayo still reads. Its type is inferred from the schema.
 */
import { z } from "zod";
import { writeSaved } from "../lib/saved.js";
import { PLATFORMS } from "../lib/platform.js";

const count = z.number().int().nonnegative();

export const savedBreakdownRowSchema = z.object({
  name: z.string(),
  kind: z.enum(["file", "symlink", "applet-links", "directories", "tar-end"]),
  entries: count,
  bytes: count,
});

/** An image's per-option attribution of /bin/busybox (size reports since attribution; absent in older ones). */
export const savedAttributionSchema = z.looseObject({
  binary: count,
  rows: z.array(
    z.looseObject({
      name: z.string(),
      kind: z.enum(["option", "shared", "linker", "elf"]),
      bytes: z.number().int(),
      objects: count,
      applet: z.string().optional(),
    }),
  ),
});

export const savedImageReportSchema = z.looseObject({
  variant: z.string(),
  platform: z.enum(PLATFORMS),
  uncompressed: count,
  compressed: count.nullable(),
  applets: count.nullable().optional(),
  breakdown: z.array(savedBreakdownRowSchema).optional(),
  attribution: savedAttributionSchema.nullable().optional(),
});

export const savedSizeReportSchema = z.looseObject({
  schemaVersion: z.number(),
  version: z.string().optional(),
  images: z.array(savedImageReportSchema),
});

export type SavedSizeReport = z.infer<typeof savedSizeReportSchema>;

/** Writes a size report (`--report FILE`, the release's <out>/size-report.json) as a later baseline reads it; returns the file. */
export function writeSizeReport(file: string, report: { schemaVersion: number; images: readonly object[] }): Promise<string> {
  return writeSaved(file, report);
}
