#!/usr/bin/env bash
# Install Lighthouse for tests/e2e/test_lighthouse.py: the npm package at the version pinned in
# tools/lighthouse/package-lock.json (node_modules is not committed), run with Debian's Chromium.
# Safe to run repeatedly: nothing is downloaded when the pinned version is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-apt.sh node:nodejs npm:npm chromium:chromium
dir=tools/lighthouse
wanted=$(node -p "require('./$dir/package.json').devDependencies.lighthouse")
installed=$(node -p "try { require('./$dir/node_modules/lighthouse/package.json').version } catch { '' }")
if [ "$installed" != "$wanted" ]; then
  echo "installing lighthouse $wanted into $dir" >&2
  # --ignore-scripts: Lighthouse needs no install step, and it must not fetch a browser.
  npm ci --prefix "$dir" --no-audit --no-fund --ignore-scripts --loglevel=error
fi
node "$dir/node_modules/lighthouse/cli/index.js" --version
