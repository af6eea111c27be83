/**
 * The one reader of a pull request from GitHub's API (pulls.get): its head (commit and branch)
 * and its author as GitHub knows them (the release notes credit a change to it).
 */
import type { GitHubClient } from "./client.js";

export interface PullRequest {
  head: { sha: string; ref: string };
  /** Absent when GitHub has no user for it (a deleted account). */
  author?: { login: string; type: string };
}

export async function readPullRequest(opts: {
  client: GitHubClient;
  owner: string;
  repo: string;
  pullNumber: number;
}): Promise<PullRequest> {
  const { data } = await opts.client.octokit.rest.pulls.get({ owner: opts.owner, repo: opts.repo, pull_number: opts.pullNumber });
  return {
    head: { sha: data.head.sha, ref: data.head.ref },
    ...(data.user ? { author: { login: data.user.login, type: data.user.type } } : {}),
  };
}
