import type { GitHubClient } from "./client.js";

/** The head commit and branch of a pull request. */
export async function pullRequestHead(opts: {
  client: GitHubClient;
  owner: string;
  repo: string;
  pullNumber: number;
}): Promise<{ sha: string; ref: string }> {
  const { data } = await opts.client.octokit.rest.pulls.get({ owner: opts.owner, repo: opts.repo, pull_number: opts.pullNumber });
  return { sha: data.head.sha, ref: data.head.ref };
}
