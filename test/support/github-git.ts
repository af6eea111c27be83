/**
 * GitHub's git server, as strict as GitHub where a job's push meets it: the bare repositories the
 * runner harness's jobs push to (their `origin`) get an `update` hook that refuses, per ref and with
 * GitHub's own messages, what GitHub refuses a push authenticated with GITHUB_TOKEN:
 *
 * - a ref whose new value creates or updates a file under .github/workflows/: GITHUB_TOKEN is a
 *   GitHub App installation token, and without the `workflows` permission (which a workflow's
 *   `permissions:` cannot grant it) GitHub answers "refusing to allow a GitHub App to create or
 *   update workflow `.github/workflows/X.yml` without `workflows` permission". Tags too: a tag
 *   force-pushed from one commit to another whose workflow files differ is refused (reported in
 *   cloudposse/atmos#2962, int128/release-typescript-action#690, gofrolist/molecule-action#642).
 *   What is compared: for an existing ref, its old value; for a new ref (GitHub does not document
 *   it; assumed here) the default branch's tip, or nothing when there is none, so that a tag created
 *   at a commit of the default branch passes as it does at GitHub. Deleting a workflow file is
 *   allowed (int128's release tags drop .github/workflows and are pushed with GITHUB_TOKEN);
 *   deleting a ref is allowed.
 * - a push to the default branch when it is protected (`protectDefaultBranch`): GH006.
 *
 * Every push the repository receives is judged as a GITHUB_TOKEN push: the harness's jobs hold no
 * other credential. A test sets up the repository as its maintainer would, by writing it directly
 * (git fetch, git tag, update-ref in the bare repository), which no hook sees.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface GitHubOriginOptions {
  /** The repository's default branch (default main). */
  defaultBranch?: string;
  /** Branch protection on the default branch: a push to it is refused (changes go through pull requests). */
  protectDefaultBranch?: boolean;
}

/** The messages GitHub gives (each line shown by git as `remote: …`). */
export const WORKFLOWS_REFUSAL = (file: string) =>
  `refusing to allow a GitHub App to create or update workflow \`${file}\` without \`workflows\` permission`;

const HOOK = `#!/bin/bash
# GitHub's refusals of a GITHUB_TOKEN push (test/support/github-git.ts): args are ref, old, new.
set -u
ref="$1" old="$2" new="$3"
zero=0000000000000000000000000000000000000000
default="$(git config --get github.defaultBranch || echo main)"
if [ "$(git config --bool --get github.protectDefaultBranch || echo false)" = true ] && [ "$ref" = "refs/heads/$default" ]; then
  echo "error: GH006: Protected branch update failed for $ref." >&2
  echo "error: Changes must be made through a pull request." >&2
  exit 1
fi
[ "$new" = "$zero" ] && exit 0
commit="$(git rev-parse -q --verify "$new^{commit}")" || exit 0
if [ "$old" = "$zero" ]; then
  base="$(git rev-parse -q --verify "refs/heads/$default^{commit}")" || base=""
else
  base="$(git rev-parse -q --verify "$old^{commit}")" || base=""
fi
# Workflow files of the new value that the base lacks or holds otherwise (a deletion is allowed).
if [ -n "$base" ]; then
  files="$(git diff --name-only --no-renames --diff-filter=ACMRT "$base" "$commit" -- .github/workflows/)"
else
  files="$(git ls-tree -r --name-only "$commit" -- .github/workflows/)"
fi
if [ -n "$files" ]; then
  file="$(printf '%s\\n' "$files" | head -n 1)"
  printf '${WORKFLOWS_REFUSAL("%s")}\\n' "$file" >&2
  exit 1
fi
exit 0
`;

/** Puts GitHub's rules into the bare repository `bare` (see above); returns it. */
export function githubOrigin(bare: string, o: GitHubOriginOptions = {}): string {
  const git = (...args: string[]) => execFileSync("git", ["-c", "safe.directory=*", "-C", bare, ...args], { encoding: "utf8" });
  git("config", "github.defaultBranch", o.defaultBranch ?? "main");
  git("config", "--bool", "github.protectDefaultBranch", String(o.protectDefaultBranch ?? false));
  mkdirSync(join(bare, "hooks"), { recursive: true });
  const hook = join(bare, "hooks", "update");
  writeFileSync(hook, HOOK);
  chmodSync(hook, 0o755);
  return bare;
}
