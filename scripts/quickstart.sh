#!/usr/bin/env bash
# The README's main command: prepares this machine (packages, QEMU binfmt, dockerd, the local
# registry on 127.0.0.1:5000, the pinned BusyBox source), then runs the whole release pipeline
# as a dry run against the local registry: build every variant for linux/amd64 and linux/arm64,
# size-check, push, smoke, benchmark, RELEASE_NOTES.md. No GitHub call is made.
# Safe to run again: each step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node.sh
node dist/cli/index.js doctor --fix
node dist/cli/index.js release --dry-run --image 127.0.0.1:5000/kimigayo --out out "$@"
