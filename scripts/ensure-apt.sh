#!/usr/bin/env bash
# Install Debian packages that are missing, when we may (root). Used by `make` targets so a
# fresh machine sets itself up; prints what it does and fails loudly when it cannot.
# Usage: scripts/ensure-apt.sh COMMAND:PACKAGE [COMMAND:PACKAGE ...]
#   e.g. scripts/ensure-apt.sh promtool:prometheus amtool:prometheus-alertmanager
set -euo pipefail
missing=()
for pair in "$@"; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}" >&2
# Installs may race when several make targets run at once; apt's own lock makes them wait.
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
