#!/usr/bin/env bash
# Make sure the PostgreSQL the tests use answers; start the local cluster when it is down.
set -euo pipefail
url=${GRAVL_TEST_POSTGRES_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/postgres}
dsn=${url/+asyncpg/}
if psql "$dsn" -Atqc 'select 1' >/dev/null 2>&1; then exit 0; fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
fi
for _ in $(seq 1 30); do
  psql "$dsn" -Atqc 'select 1' >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "PostgreSQL at $dsn is not reachable; the database tests need it" >&2
exit 1
