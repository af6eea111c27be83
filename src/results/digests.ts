/**
 * Digest files: what `publish --by-digest` writes on each platform's runner, one per variant and
 * platform, and what `merge` (and a release job that starts from published images) reads back.
 */
import { z } from "zod";
import { PLATFORMS } from "../config/schema.js";
import { readSaved } from "../lib/saved.js";

export const digestFileSchema = z.object({
  image: z.string().min(1),
  variant: z.string().min(1),
  platform: z.enum(PLATFORMS),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, "expected a digest sha256:<64 hex digits>"),
  size: z.number().int().positive(),
  mediaType: z.string().min(1),
  annotations: z.record(z.string(), z.string()),
});

export type DigestFile = z.infer<typeof digestFileSchema>;

export function readDigestFile(file: string): Promise<DigestFile> {
  return readSaved(file, digestFileSchema, {
    what: "a digest file written by `kimigayo publish --by-digest`",
    remedy: "push the platform again with `kimigayo publish --by-digest --platform P`",
  });
}
