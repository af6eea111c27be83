/**
 * Digest files: what `publish --by-digest` writes on each platform's runner, one per variant and
 * platform, and what `merge` (and a release job that starts from published images) reads back.
 */
import { z } from "zod";
import { PLATFORMS } from "../config/schema.js";
import { UsageError } from "../lib/errors.js";
import { readSaved } from "../lib/saved.js";
import { parseReference } from "../oci/reference.js";
import { ANNOTATIONS } from "../oci/types.js";

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

/**
 * A set of digest files checked as one before `merge` asks the registry anything: every file is
 * of `image` (registry and repository), of `version` (the config's, which the images carry in
 * their annotations), one per variant and platform, and a variant's files agree on their
 * annotations (one source, one epoch). Each problem names the file(s) and the values found.
 */
export async function readDigestSet(
  files: string[],
  want: { image: string; version: string; versionFile: string },
): Promise<{ file: string; digest: DigestFile }[]> {
  const set: { file: string; digest: DigestFile }[] = [];
  for (const file of files) set.push({ file, digest: await readDigestFile(file) });
  const problems: string[] = [];
  const target = parseReference(want.image);
  for (const { file, digest } of set) {
    let at: ReturnType<typeof parseReference> | undefined;
    try {
      at = parseReference(digest.image);
    } catch {
      at = undefined;
    }
    if (!at || at.registry !== target.registry || at.repository !== target.repository) {
      const why = at && at.repository === target.repository ? "another registry, the same repository name" : "another repository";
      problems.push(`${file}: pushed to ${digest.image}, not ${want.image} (--image): ${why}`);
    }
    const version = digest.annotations[ANNOTATIONS.version];
    if (version !== want.version) {
      problems.push(
        `${file}: built as version ${version === undefined ? "(none recorded)" : JSON.stringify(version)}, but ${want.versionFile} says version ${JSON.stringify(want.version)}`,
      );
    }
  }
  const versions = [...new Set(set.map((s) => s.digest.annotations[ANNOTATIONS.version] ?? "(none)"))];
  if (versions.length > 1)
    problems.push(`the digest files mix versions ${versions.join(", ")}: they must come from one release's build jobs`);
  const byKey = new Map<string, string[]>();
  for (const { file, digest } of set) {
    const key = `${digest.variant} ${digest.platform}`;
    byKey.set(key, [...(byKey.get(key) ?? []), file]);
  }
  for (const [key, list] of byKey) if (list.length > 1) problems.push(`${key} is given twice: ${list.join(", ")}`);
  const byVariant = new Map<string, { file: string; digest: DigestFile }[]>();
  for (const s of set) byVariant.set(s.digest.variant, [...(byVariant.get(s.digest.variant) ?? []), s]);
  for (const [variant, list] of byVariant) {
    const first = JSON.stringify(list[0]!.digest.annotations);
    const other = list.find((s) => JSON.stringify(s.digest.annotations) !== first);
    if (other) {
      problems.push(
        `the ${variant} digest files disagree on their annotations (${list[0]!.file} and ${other.file}): built from different sources or epochs`,
      );
    }
  }
  if (problems.length > 0) {
    throw new UsageError(
      `the digest files cannot be merged into ${want.image}:\n  ${problems.join("\n  ")}\ngive the digest files of this release's \`kimigayo publish --by-digest\` jobs, one per variant and platform`,
    );
  }
  return set;
}
