#!/usr/bin/env bash
# The README's main command: prepares this machine (packages, QEMU binfmt, dockerd, the local
# registry on 127.0.0.1:5000, the pinned BusyBox source), then builds every variant for
# linux/amd64 and linux/arm64. Safe to run again: each step skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node.sh
node dist/cli/index.js doctor --fix
node dist/cli/index.js build --variant all --platform linux/amd64,linux/arm64 --out out "$@"
