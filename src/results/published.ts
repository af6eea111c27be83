/**
 * published.json: what `merge --out DIR` writes once every variant's index is pushed (and its tags,
 * unless `--defer-tags`: then each variant's `deferredTags` are the tags it is to get), and what a
 * release job that starts from published images (`release --from-published`) reads back: the
 * images as the notes name them, and the tags its tag stage moves, without building anything.
 */
import { z } from "zod";
import { readSaved } from "../lib/saved.js";

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, "expected a digest sha256:<64 hex digits>");
const count = z.number().int().nonnegative();

export const publishedVariantSchema = z.object({
  variant: z.string().min(1),
  index: digest,
  manifests: z.array(z.object({ platform: z.string().min(1), digest })),
  /** The tags in the registry on this index. */
  tags: z.array(z.string()),
  /** `merge --defer-tags`: the tags this index is to get, not moved yet (the release job moves them). */
  deferredTags: z.array(z.string()).optional(),
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
