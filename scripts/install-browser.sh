#!/usr/bin/env bash
# Set up the browser test tools: Debian's Chromium and the Playwright Python client.
# Playwright only drives /usr/bin/chromium; never run `playwright install` (no browser downloads).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-apt.sh chromium:chromium
if ! .venv/bin/python -c "import playwright" 2>/dev/null; then
  echo "installing playwright into .venv" >&2
  .venv/bin/uv pip install --quiet --python .venv/bin/python "playwright>=1.49"
fi
