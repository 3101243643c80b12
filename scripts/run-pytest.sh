#!/usr/bin/env bash
# Run the test suite; exit 5 ("no tests collected") counts as a failure.
# With no arguments (the whole suite, as `make test` and CI run it) the JUnit results also
# regenerate docs/PRODUCTION_SIGN_OFF.md in memory and must match the committed file.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p var
full=$([ $# -eq 0 ] && echo 1 || echo 0)
# Two workers (pytest-xdist), one per core: each test file runs whole on one worker, so a
# module's fixtures are built once; every worker clones its own template databases.
.venv/bin/pytest -q -p no:cacheprovider -n "${GRAVL_TEST_WORKERS:-2}" --dist loadfile \
  --junitxml=var/junit.xml "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
if [ "$status" -eq 0 ] && [ "$full" = 1 ]; then
  .venv/bin/python scripts/sign_off.py --junit var/junit.xml --check || exit 1
fi
exit "$status"
