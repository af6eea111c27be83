/**
 * A "sticky" comment on an issue or pull request: one comment, found again by a hidden marker
 * and edited in place on every run, instead of a new comment per run.
 */
import type { GitHubClient } from "./client.js";
import { isNotFound } from "./client.js";

/** GitHub refuses comment bodies longer than this (characters). */
const MAX_COMMENT_LENGTH = 65536;

export interface StickyCommentOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  issueNumber: number;
  /** The hidden marker, an HTML comment such as `<!-- kimigayo:report -->`. */
  marker: string;
  /** Markdown. The marker is put on the first line when the body does not already carry it. */
  body: string;
}

export interface StickyCommentResult {
  action: "created" | "updated";
  id: number;
  url: string;
  /** Extra marked comments (left by a race between two runs) that were deleted. */
  duplicatesDeleted: number;
}

/** The body as posted: marker first, cut to GitHub's limit with a note when too long. */
function stickyBody(marker: string, body: string): string {
  const full = body.includes(marker) ? body : `${marker}\n${body}`;
  if (full.length <= MAX_COMMENT_LENGTH) return full;
  const note = "\n\n… (cut: the comment is longer than GitHub allows)";
  return full.slice(0, MAX_COMMENT_LENGTH - note.length) + note;
}

/**
 * Updates the one comment carrying `marker`, or creates it. When two runs raced and left several
 * marked comments, the oldest is updated and the others deleted.
 */
export async function upsertStickyComment(opts: StickyCommentOptions): Promise<StickyCommentResult> {
  const { client, owner, repo, issueNumber, marker } = opts;
  if (!/^<!--[\s\S]*\S[\s\S]*-->$/.test(marker))
    throw new Error(`sticky comment marker must be a hidden HTML comment, got ${JSON.stringify(marker)}`);
  const octokit = client.octokit;
  const body = stickyBody(marker, opts.body);
  const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
  const marked = comments.filter((c) => c.body?.includes(marker)).sort((a, b) => a.id - b.id);
  const [first, ...rest] = marked;
  if (!first) {
    const { data } = await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    client.log.info(`created comment ${data.html_url}`);
    return { action: "created", id: data.id, url: data.html_url, duplicatesDeleted: 0 };
  }
  const { data } = await octokit.rest.issues.updateComment({ owner, repo, comment_id: first.id, body });
  let duplicatesDeleted = 0;
  for (const extra of rest) {
    try {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: extra.id });
      duplicatesDeleted++;
    } catch (err) {
      if (!isNotFound(err)) throw err; // already gone: the other run cleaned up too
    }
  }
  client.log.info(`updated comment ${data.html_url}${duplicatesDeleted ? ` (deleted ${duplicatesDeleted} duplicate(s))` : ""}`);
  return { action: "updated", id: data.id, url: data.html_url, duplicatesDeleted };
}
