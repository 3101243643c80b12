#!/usr/bin/env bash
# Make the secret files compose.yaml reads, once: random values, never overwritten (a new
# signing key would sign every lifter out; a new database password would lock Gravl out).
# Usage: scripts/container-secrets.sh [DIR]   (default ./secrets; compose reads
#        GRAVL_SECRETS_DIR, default ./secrets)
set -euo pipefail
dir=${1:-${GRAVL_SECRETS_DIR:-./secrets}}
# The directory keeps other local users out; the files stay readable so that the containers'
# own users (Gravl runs as UID 10001) can read them through their bind mounts.
mkdir -p "$dir"
chmod 0700 "$dir"
random() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
write() {
  if [ -e "$dir/$1" ]; then
    echo "keeping $dir/$1"
    return
  fi
  (umask 022 && printf '%s\n' "$2" >"$dir/$1")
  echo "created $dir/$1"
}
write secret_key "$(random)"
write postgres_password "$(random)"
password=$(head -n 1 "$dir/postgres_password")
write database_url "postgresql+asyncpg://gravl:${password}@postgres:5432/gravl"
write grafana_admin_password "$(random)"
