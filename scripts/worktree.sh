#!/usr/bin/env bash
# What a test run may not change: the working tree, tracked and ignored files, by content.
#   worktree.sh snapshot [DIR]      prints a snapshot of DIR (default .)
#   worktree.sh changed BEFORE AFTER  prints each path that differs between two snapshots, once
# A snapshot lists every file and folder except .git and scripts/test.sh's TAP output (type, mode,
# path, tab, link target), then the sha256 of each regular file. Not folder sizes (some file systems
# count a folder's entries in its size), and not the V8 code caches that @vercel/ncc rewrites
# inside its own package on every run (check-dist).
set -euo pipefail
case "${1:-}" in
  snapshot)
    cd "${2:-.}"
    skip=(\( -path ./.git -o -path ./.kimigayo/unit.tap -o -path ./.kimigayo/e2e.tap
      -o -path './node_modules/@vercel/ncc/dist/ncc/*.cache' \) -prune -o)
    find . "${skip[@]}" -printf '%y %m %p\t%l\n' | LC_ALL=C sort
    find . "${skip[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
    ;;
  changed)
    { diff "$2" "$3" || true; } | sed -n 's/^[<>] \(. [0-7]* \|[0-9a-f]\{64\}  \)//p' | cut -f1 | LC_ALL=C sort -u
    ;;
  *)
    echo "usage: worktree.sh snapshot [DIR] | changed BEFORE AFTER" >&2
    exit 2
    ;;
esac
