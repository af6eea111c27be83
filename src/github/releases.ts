/**
 * A GitHub release per tag, made idempotent: running upsertRelease twice leaves one release with
 * one copy of each asset.
 * - The release is found by tag; a draft (which GitHub does not find by tag, having no tag yet) is
 *   found in the release list. Found: its name, body and prerelease flag are updated. Not found:
 *   it is created; if a parallel run (or a retried create) made it meanwhile, that one is updated.
 * - Each asset replaces the asset of the same name: the old one is deleted, then the new uploaded.
 *   Assets of other names are left alone.
 */
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

export interface UpsertReleaseOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  tag: string;
  name: string;
  body: string;
  prerelease: boolean;
  /** Unset: a new release is published and an existing one keeps its draft state. */
  draft?: boolean;
  /** Where GitHub creates the tag when it does not exist yet (branch or sha); default the default branch. */
  targetCommitish?: string;
  assets: ReleaseAssetFile[];
}

export interface UpsertReleaseResult {
  id: number;
  url: string;
  action: "created" | "updated";
  assets: { name: string; id: number; size: number }[];
}

type Release = Awaited<ReturnType<Octokit["rest"]["repos"]["getReleaseByTag"]>>["data"];

/**
 * GitHub renames asset names with characters other than these (and leading or trailing dots), and a
 * renamed asset would not be found, and so not replaced, on the next run.
 */
const ASSET_NAME = /^(?!\.)[A-Za-z0-9._-]+(?<!\.)$/;

async function findRelease(octokit: Octokit, owner: string, repo: string, tag: string): Promise<Release | undefined> {
  try {
    return (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag })).data;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const drafts = await octokit.paginate(octokit.rest.repos.listReleases, { owner, repo, per_page: 100 }, (res, done) => {
    const hit = res.data.find((r) => r.draft && r.tag_name === tag);
    if (hit) done();
    return hit ? [hit] : [];
  });
  return drafts[0];
}

export async function upsertRelease(opts: UpsertReleaseOptions): Promise<UpsertReleaseResult> {
  const { client, owner, repo, tag } = opts;
  const octokit = client.octokit;
  if (!tag.trim()) throw new UsageError("a release needs a tag");
  const seen = new Set<string>();
  for (const a of opts.assets) {
    if (!ASSET_NAME.test(a.name))
      throw new UsageError(`release asset name "${a.name}" would be renamed by GitHub: use letters, digits, ".", "_" and "-" only`);
    if (seen.has(a.name)) throw new UsageError(`release asset "${a.name}" is given twice`);
    seen.add(a.name);
  }
  // Every file is read before GitHub is touched: a missing one leaves the release as it was.
  const files = await Promise.all(
    opts.assets.map(async (a) => {
      try {
        return { ...a, data: await readFile(a.path) };
      } catch (err) {
        throw new Error(`release asset ${a.name}: ${a.path} cannot be read: ${(err as Error).message}`);
      }
    }),
  );

  const fields = { name: opts.name, body: opts.body, prerelease: opts.prerelease };
  const update = async (release: Release) =>
    (
      await octokit.rest.repos.updateRelease({
        owner,
        repo,
        release_id: release.id,
        ...fields,
        ...(opts.draft !== undefined ? { draft: opts.draft } : {}),
      })
    ).data;

  let release = await findRelease(octokit, owner, repo, tag);
  let action: UpsertReleaseResult["action"];
  if (release) {
    release = await update(release);
    action = "updated";
  } else {
    try {
      release = (
        await octokit.rest.repos.createRelease({
          owner,
          repo,
          tag_name: tag,
          ...fields,
          draft: opts.draft ?? false,
          ...(opts.targetCommitish ? { target_commitish: opts.targetCommitish } : {}),
        })
      ).data;
      action = "created";
    } catch (err) {
      // Made meanwhile, by a parallel run or by our own create whose answer was lost and retried.
      if (!(err instanceof GitHubError && err.status === 422 && err.hasError("already_exists", "tag_name"))) throw err;
      const again = await findRelease(octokit, owner, repo, tag);
      if (!again) throw err;
      release = await update(again);
      action = "updated";
    }
  }
  client.log.info(`${action} release ${tag}: ${release.html_url}`);

  const existing = files.length
    ? await octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: release.id, per_page: 100 })
    : [];
  const uploadTo = release.upload_url;
  const deleteAsset = async (id: number) => {
    try {
      await octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: id });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  };
  const upload = async (f: (typeof files)[number]) =>
    (
      await octokit.rest.repos.uploadReleaseAsset({
        owner,
        repo,
        release_id: release.id,
        name: f.name,
        ...(f.label !== undefined ? { label: f.label } : {}),
        // Octokit types `data` as string; a Buffer is sent as the raw bytes.
        data: f.data as unknown as string,
        headers: { "content-type": f.contentType },
        // The configured uploads root, else where GitHub says (the release's upload_url template).
        ...(client.uploadsUrl ? { baseUrl: client.uploadsUrl } : { url: uploadTo }),
      })
    ).data;

  const assets: UpsertReleaseResult["assets"] = [];
  for (const f of files) {
    for (const old of existing.filter((a) => a.name === f.name)) await deleteAsset(old.id);
    let asset;
    try {
      asset = await upload(f);
    } catch (err) {
      // An upload whose answer was lost and retried finds its own first copy: replace it once.
      if (!(err instanceof GitHubError && err.status === 422 && err.hasError("already_exists"))) throw err;
      const now = await octokit.paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: release.id, per_page: 100 });
      for (const old of now.filter((a) => a.name === f.name)) await deleteAsset(old.id);
      asset = await upload(f);
    }
    client.log.info(`uploaded ${asset.name} (${asset.size} bytes)`);
    assets.push({ name: asset.name, id: asset.id, size: asset.size });
  }
  return { id: release.id, url: release.html_url, action, assets };
}
