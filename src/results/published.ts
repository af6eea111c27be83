/**
 * published.json: what `merge --out DIR` writes once every variant's index and tags are pushed,
 * and what a release job that starts from published images (`release --from-published`) reads
 * back: the images as the notes name them, without pushing or building anything.
 */
import { z } from "zod";
import { readSaved } from "../lib/saved.js";

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, "expected a digest sha256:<64 hex digits>");
const count = z.number().int().nonnegative();

export const publishedVariantSchema = z.object({
  variant: z.string().min(1),
  index: digest,
  manifests: z.array(z.object({ platform: z.string().min(1), digest })),
  tags: z.array(z.string()),
  references: z.array(z.string()),
  stats: z.object({ blobsUploaded: count, blobBytesUploaded: count, blobsSkipped: count, blobsMounted: count, manifestsPut: count }),
});

export const publishResultSchema = z.object({
  image: z.string().min(1),
  version: z.string().optional(),
  prerelease: z.boolean(),
  variants: z.array(publishedVariantSchema).min(1),
});

export type PublishedVariant = z.infer<typeof publishedVariantSchema>;
export type PublishResult = z.infer<typeof publishResultSchema>;

export const PUBLISHED_FILE = "published.json";

export function readPublished(file: string): Promise<PublishResult> {
  return readSaved(file, publishResultSchema, {
    what: "the published images written by `kimigayo merge --out`",
    remedy: "run `kimigayo merge --out DIR` again and pass that folder",
  });
}
