#!/usr/bin/env bash
# The README's test command (and CI's): prepares this machine like the quick start, then runs
# lint, the type check, the dist/ freshness check, the unit suite and the end-to-end suite,
# and closes with one summary line: "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node.sh
node dist/cli/index.js doctor --fix
npm run --silent lint
npm run --silent typecheck
npm run --silent check-dist
mkdir -p .kimigayo
status=0
for suite in unit e2e; do
  echo "== $suite tests" >&2
  extra=()
  [ "$suite" = e2e ] && extra=(--test-concurrency=1 --test-timeout=1800000)
  node --import tsx --test "${extra[@]}" \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination=".kimigayo/$suite.tap" \
    test/"$suite"/*.test.ts || status=1
done
# TAP's closing counts, summed over both suites (the last plan of each file is its total).
sum() { awk -v k="$1" '$1=="#" && $2==k {n=$3} END {print n+0}' "$2"; }
p=0 f=0 s=0
for suite in unit e2e; do
  t=".kimigayo/$suite.tap"
  p=$((p + $(sum pass "$t"))) f=$((f + $(sum fail "$t"))) s=$((s + $(sum skipped "$t")))
done
echo "$p passed, $f failed, $s skipped"
exit $status
