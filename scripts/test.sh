#!/usr/bin/env bash
# The README's test command (and CI's): prepares this machine like the quick start, then runs
# lint, the type check, the dist/ freshness check, the unit suite and the end-to-end suite,
# and closes with one summary line: "N passed, N failed, N skipped" (cancelled tests count as
# failed), right after a line naming each skip.
#
# Strict: every test prerequisite that `kimigayo doctor --fix` provides (buildx included) must be
# present (a test that finds one missing fails, naming the doctor id and the fix), and any skip
# fails the run.
# Tests write only into temporary folders: the working tree (tracked and ignored files, by
# content) is compared before and after, and any change fails the run, naming the files.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node.sh
node dist/cli/index.js doctor --fix
mkdir -p .kimigayo
rm -f .kimigayo/unit.tap .kimigayo/e2e.tap

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kimigayo-test.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

bash scripts/worktree.sh snapshot >"$scratch/before"

export KIMIGAYO_TEST_STRICT=1
export KIMIGAYO_E2E_DIR="$scratch/e2e"
mkdir -p "$KIMIGAYO_E2E_DIR"

status=0
# Lint, the type check and the dist/ check run beside the unit suite (the unit runner takes one
# core; they take the other), their output shown once they end; both are done before the e2e
# suite starts, whose benchmarks and timeouts want the machine to themselves.
statics="$scratch/statics.log"
(
  s=0
  npm run --silent lint || s=1
  npm run --silent typecheck || s=1
  npm run --silent check-dist || s=1
  exit $s
) >"$statics" 2>&1 &
statics_pid=$!
for suite in unit e2e; do
  if [ "$suite" = e2e ]; then
    echo "== lint, typecheck, check-dist (run beside the unit tests)" >&2
    wait "$statics_pid" || status=1
    cat "$statics" >&2
  fi
  echo "== $suite tests" >&2
  extra=()
  [ "$suite" = e2e ] && extra=(--test-concurrency=1 --test-timeout=1800000)
  node --import tsx --test "${extra[@]}" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination=".kimigayo/$suite.tap" \
    test/"$suite"/*.test.ts || status=1
done

bash scripts/worktree.sh snapshot >"$scratch/after"
changed="$(bash scripts/worktree.sh changed "$scratch/before" "$scratch/after")"
if [ -n "$changed" ]; then
  echo "The test run changed the working tree (tests must write only into temporary folders):" >&2
  echo "$changed" | sed 's/^/  /' >&2
  status=1
fi

# Skips: none is allowed (install what a skipped test needs with kimigayo doctor --fix).
skips="$(grep -h '# SKIP' .kimigayo/unit.tap .kimigayo/e2e.tap | sed 's/^ *ok [0-9]* - //' | grep -v '^$' || true)"
if [ -n "$skips" ]; then
  echo "Skipped tests (no skip is allowed; install what they need with kimigayo doctor --fix):" >&2
  echo "$skips" | sed 's/^/  /' >&2
  status=1
fi

# TAP's closing counts, summed over both suites (the last plan of each file is its total).
sum() { awk -v k="$1" '$1=="#" && $2==k {n=$3} END {print n+0}' "$2"; }
p=0 f=0 s=0
for suite in unit e2e; do
  t=".kimigayo/$suite.tap"
  p=$((p + $(sum pass "$t"))) f=$((f + $(sum fail "$t") + $(sum cancelled "$t"))) s=$((s + $(sum skipped "$t")))
done
if [ -n "$skips" ]; then
  echo "skipped, each with its reason:"
  printf '%s\n' "$skips" | grep -v '^$' | sed 's/ # SKIP /: /; s/^/  - /'
fi
echo "$p passed, $f failed, $s skipped"
exit $status
