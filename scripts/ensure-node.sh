#!/usr/bin/env bash
# Makes sure Node.js >= 20 and npm are present (installs Debian's when there is none), then
# installs the project's npm dependencies when node_modules is missing or older than the lock.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "kimigayo: installing Node.js and npm from the distribution" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "kimigayo: Node.js $(node -v) is too old; version 20 or newer is needed (the action runs on node24)." >&2
  exit 2
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "kimigayo: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
