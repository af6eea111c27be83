/**
 * A GitHub release per tag, safe with GitHub's immutable releases (where a published release's
 * assets and tag are locked):
 * 1. the release is made as a draft (or the draft a crashed run left is found: GitHub does not find
 *    drafts by tag, so the release list is read);
 * 2. every asset is uploaded to the draft; one already there with the same sha256 is kept, one with
 *    another is replaced (a draft is still mutable);
 * 3. each asset's sha256 as GitHub reports it (the asset's `digest`, "sha256:…") is checked against
 *    the SHA256SUMS asset's line for it (and SHA256SUMS against the file), and any difference stops
 *    here, with the draft left unpublished;
 * 4. the draft is published, once.
 * A re-run on a published release deletes and replaces nothing: it verifies that every asset is
 * there with its sha256 and reports what differs (the caller fails then). A re-run on a draft
 * completes it. A create whose answer was lost and retried may leave a second draft: the newest
 * extras are deleted (drafts are never seen by users), and the oldest goes on.
 */
import { sha256 } from "../lib/hash.js";
import { readFile } from "node:fs/promises";
import { UsageError } from "../lib/errors.js";
import type { GitHubClient, Octokit } from "./client.js";
import { GitHubError, isNotFound } from "./client.js";

export interface ReleaseAssetFile {
  /** The asset's name on the release. */
  name: string;
  path: string;
  contentType: string;
  label?: string;
}

export interface PublishReleaseOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  tag: string;
  name: string;
  body: string;
  prerelease: boolean;
  /** Where GitHub creates the tag when it does not exist yet (branch or sha); default the default branch. */
  targetCommitish?: string;
  assets: ReleaseAssetFile[];
  /**
   * The name of the checksums asset among `assets` (sha256sum's format). Each other asset must be
   * listed in it, and GitHub's digest of each is checked against its line. Default "SHA256SUMS"
   * when an asset has that name; without one, each asset is checked against its file's sha256.
   */
  checksums?: string;
  /** Assets not listed in the checksums asset (measurements that a re-run takes again): each checked against its own file. */
  unlisted?: string[];
  /** Called after each step ("draft", "asset NAME", "verified", "published"): tests crash here. */
  onStep?: (step: string) => void | Promise<void>;
}

export interface PublishReleaseResult {
  id: number;
  url: string;
  /** created: made and published now; completed: a draft of an earlier run published; verified: it was published already. */
  action: "created" | "completed" | "verified";
  assets: { name: string; id: number; size: number; digest: string }[];
  /** What differs on a published release from this run's assets (empty: nothing). */
  differences: string[];
  /** Assets this run uploaded. */
  uploaded: string[];
}

type Release = Awaited<ReturnType<Octokit["rest"]["repos"]["getReleaseByTag"]>>["data"];
type Asset = Release["assets"][number];

/**
 * GitHub renames asset names with characters other than these (and leading or trailing dots), and a
 * renamed asset would not be found on the next run.
 */
const ASSET_NAME = /^(?!\.)[A-Za-z0-9._-]+(?<!\.)$/;

/** sha256sum's lines: "HEX  NAME" (or "HEX *NAME") -> name -> hex. */
function parseSha256Sums(text: string, where = "SHA256SUMS"): Map<string, string> {
  const sums = new Map<string, string>();
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
    if (!m) throw new UsageError(`${where}:${i + 1}: not a sha256sum line: ${JSON.stringify(line)}`);
    sums.set(m[2]!, m[1]!);
  }
  return sums;
}

/** The published release of `tag`, else its oldest draft. */
async function findRelease(octokit: Octokit, owner: string, repo: string, tag: string): Promise<Release | undefined> {
  try {
    return (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return (await drafts(octokit, owner, repo, tag))[0];
}

async function drafts(octokit: Octokit, owner: string, repo: string, tag: string): Promise<Release[]> {
  const all = await octokit.paginate(octokit.rest.repos.listReleases, { owner, repo, per_page: 100 });
  return all.filter((r) => r.draft && r.tag_name === tag).sort((a, b) => a.id - b.id);
}

export async function publishRelease(opts: PublishReleaseOptions): Promise<PublishReleaseResult> {
  const { client, owner, repo, tag } = opts;
  const octokit = client.octokit;
  const step = async (s: string) => opts.onStep?.(s);
  if (!tag.trim()) throw new UsageError("a release needs a tag");
  const seen = new Set<string>();
  for (const a of opts.assets) {
    if (!ASSET_NAME.test(a.name))
      throw new UsageError(`release asset name "${a.name}" would be renamed by GitHub: use letters, digits, ".", "_" and "-" only`);
    if (seen.has(a.name)) throw new UsageError(`release asset "${a.name}" is given twice`);
    seen.add(a.name);
  }
  // Every file is read, and the checksums checked against them, before GitHub is touched.
  const files = await Promise.all(
    opts.assets.map(async (a) => {
      try {
        const data = await readFile(a.path);
        return { ...a, data, sha256: sha256(data) };
      } catch (err) {
        throw new Error(`release asset ${a.name}: ${a.path} cannot be read: ${(err as Error).message}`);
      }
    }),
  );
  const sumsName = opts.checksums ?? (files.some((f) => f.name === "SHA256SUMS") ? "SHA256SUMS" : undefined);
  const sumsFile = sumsName !== undefined ? files.find((f) => f.name === sumsName) : undefined;
  if (sumsName !== undefined && !sumsFile) throw new UsageError(`the checksums asset ${sumsName} is not among the release assets`);
  const sums = sumsFile ? parseSha256Sums(sumsFile.data.toString("utf8"), sumsFile.path) : undefined;
  /** What GitHub must report for each asset: its SHA256SUMS line, the file's own sha256 for SHA256SUMS itself. */
  const expected = new Map<string, string>();
  for (const f of files) {
    const want = f === sumsFile || !sums || opts.unlisted?.includes(f.name) ? f.sha256 : sums.get(f.name);
    if (want === undefined) throw new Error(`release asset ${f.name} is not listed in ${sumsName}`);
    if (want !== f.sha256) throw new Error(`release asset ${f.name}: the file's sha256 ${f.sha256} is not ${want} as ${sumsName} says`);
    expected.set(f.name, want);
  }

  const listAssets = (id: number) => octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: id, per_page: 100 });
  const digestOf = (a: Asset) => (a.digest ?? "").replace(/^sha256:/, "");
  /** What differs between the release's assets and this run's: missing, or another sha256. */
  const compare = (present: Asset[]) => {
    const out: string[] = [];
    for (const f of files) {
      const a = present.find((x) => x.name === f.name);
      if (!a) out.push(`${f.name}: missing from the release`);
      else if (!a.digest) out.push(`${f.name}: GitHub reports no sha256 digest for it`);
      else if (digestOf(a) !== expected.get(f.name))
        out.push(`${f.name}: GitHub reports sha256 ${digestOf(a)}, ${sumsName ?? "the file"} says ${expected.get(f.name)}`);
    }
    return out;
  };
  const summary = (present: Asset[]) =>
    files
      .map((f) => present.find((a) => a.name === f.name))
      .flatMap((a) => (a ? [{ name: a.name, id: a.id, size: a.size, digest: a.digest ?? "" }] : []));
  const fields = { name: opts.name, body: opts.body, prerelease: opts.prerelease };

  let release = await findRelease(octokit, owner, repo, tag);
  if (release && !release.draft) {
    // Published: nothing is deleted or replaced, only checked; title, notes and pre-release are left as published.
    const present = await listAssets(release.id);
    const differences = compare(present);
    for (const [k, v] of Object.entries(fields))
      if ((release as Record<string, unknown>)[k] !== v) client.log.warn(`release ${tag} is published with another ${k}: left as it is`);
    client.log.info(
      differences.length
        ? `release ${tag} is published and differs from this run (nothing changed):\n  ${differences.join("\n  ")}`
        : `release ${tag} is published with every asset, each sha256 as ${sumsName ?? "its file"} says: nothing to do`,
    );
    return { id: release.id, url: release.html_url, action: "verified", assets: summary(present), differences, uploaded: [] };
  }

  let action: PublishReleaseResult["action"];
  if (release) {
    release = (await octokit.rest.repos.updateRelease({ owner, repo, release_id: release.id, ...fields, draft: true })).data;
    action = "completed";
    client.log.info(`found the draft release ${tag} of an earlier run: completing it`);
  } else {
    release = (
      await octokit.rest.repos.createRelease({
        owner,
        repo,
        tag_name: tag,
        ...fields,
        draft: true,
        ...(opts.targetCommitish ? { target_commitish: opts.targetCommitish } : {}),
      })
    ).data;
    action = "created";
    // A create whose answer was lost and retried makes a second draft: keep the oldest.
    const all = await drafts(octokit, owner, repo, tag);
    for (const extra of all.slice(1)) {
      try {
        await octokit.rest.repos.deleteRelease({ owner, repo, release_id: extra.id });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    if (all[0] && all[0].id !== release.id) release = all[0];
    client.log.info(`created the draft release ${tag}`);
  }
  await step("draft");

  const uploadTo = release.upload_url;
  const releaseId = release.id;
  const upload = async (f: (typeof files)[number]) =>
    (
      await octokit.rest.repos.uploadReleaseAsset({
        owner,
        repo,
        release_id: releaseId,
        name: f.name,
        ...(f.label !== undefined ? { label: f.label } : {}),
        // Octokit types `data` as string; a Buffer is sent as the raw bytes.
        data: f.data as unknown as string,
        headers: { "content-type": f.contentType },
        // The configured uploads root, else where GitHub says (the release's upload_url template).
        ...(client.uploadsUrl ? { baseUrl: client.uploadsUrl } : { url: uploadTo }),
      })
    ).data;
  const deleteAsset = async (id: number) => {
    try {
      await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: id });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };

  const uploaded: string[] = [];
  let present = await listAssets(releaseId);
  for (const f of files) {
    const old = present.find((a) => a.name === f.name);
    if (old && digestOf(old) === f.sha256) continue; // uploaded by the crashed run
    if (old) await deleteAsset(old.id);
    try {
      await upload(f);
    } catch (err) {
      // An upload whose answer was lost and retried meets its own first copy: kept when it is these bytes.
      if (!(err instanceof GitHubError && err.status === 422 && err.hasError("already_exists"))) throw err;
      const again = (await listAssets(releaseId)).find((a) => a.name === f.name);
      if (!again || digestOf(again) !== f.sha256) {
        if (again) await deleteAsset(again.id);
        await upload(f);
      }
    }
    uploaded.push(f.name);
    client.log.info(`uploaded ${f.name} (${f.data.length} bytes)`);
    await step(`asset ${f.name}`);
  }

  present = await listAssets(releaseId);
  const differences = compare(present);
  if (differences.length > 0) {
    throw new Error(`release ${tag}: the draft's assets are not what was uploaded; left as a draft:\n  ${differences.join("\n  ")}`);
  }
  client.log.info(`every asset of ${tag} has the sha256 ${sumsName ?? "of its file"} gives, as GitHub reports it`);
  await step("verified");

  const published = (await octokit.rest.repos.updateRelease({ owner, repo, release_id: releaseId, draft: false, tag_name: tag })).data;
  client.log.info(`published release ${tag}: ${published.html_url}`);
  await step("published");
  return { id: published.id, url: published.html_url, action, assets: summary(present), differences: [], uploaded };
}
