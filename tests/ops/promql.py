"""Shared helpers for the monitoring tests: locating tools, and reading PromQL."""

import shutil
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
MONITORING = REPO / "deploy" / "monitoring"
PROMETHEUS_DIR = MONITORING / "prometheus"
INSTALL_HINT = "run `bash scripts/install-monitoring-tools.sh`"

# Metric names a PromQL expression in this repo may use, by who exports them. The app's come
# from API.md and the lead's brief; the rest are the exporters the cluster-level alerts rely on.
APP_METRICS = {
    "http_requests_total",
    "request_duration_ms_bucket",
    "request_duration_ms_sum",
    "request_duration_ms_count",
    "gravl_logs_created_total",
    "gravl_recommendations_served_total",
    "gravl_swaps_total",
    "gravl_imports_total",
    "gravl_security_events_total",  # issue 15: label `event` (gravl.auth.events)
    "gravl_db_pool_size",
    "gravl_db_pool_checked_out",
    "gravl_db_pool_overflow",
    "gravl_worker_restarts_total",  # issue 23: counted by gravl serve's supervisor
    # Issue 23: each worker's memory and its share of the limit (label pid), and the caches.
    "gravl_worker_resident_memory_bytes",
    "gravl_worker_memory_limit_bytes",
    "gravl_cache_entries",
    "gravl_cache_bytes",
    "gravl_cache_budget_bytes",
    "gravl_cache_hits_total",
    "gravl_cache_misses_total",
    "gravl_backup_last_success_timestamp_seconds",  # pushed by the backup job
}
EXPORTER_METRICS = {
    "up",  # Prometheus itself, per scrape target
    # kube-state-metrics
    "kube_job_status_failed",
    "kube_pod_container_status_restarts_total",
    "kube_pod_container_status_waiting_reason",
    "kube_pod_container_resource_limits",
    "kube_statefulset_status_replicas_ready",
    # cAdvisor (kubelet /metrics/cadvisor) and kubelet
    "container_cpu_usage_seconds_total",
    "container_memory_working_set_bytes",
    "kubelet_volume_stats_available_bytes",
    "kubelet_volume_stats_capacity_bytes",
    # cert-manager
    "certmanager_certificate_expiration_timestamp_seconds",
    # CloudNativePG
    "cnpg_collector_up",
    "cnpg_backends_total",
    "cnpg_pg_settings_setting",
}
KNOWN_METRICS = APP_METRICS | EXPORTER_METRICS


def tool(name: str) -> str:
    """Return the path of a checker, failing (never skipping) when it is not installed."""
    found = shutil.which(name) or shutil.which(name, path=str(REPO / ".venv" / "bin"))
    if found is None:
        pytest.fail(f"{name} is not installed: {INSTALL_HINT}")
    return found


def run(args: list[str], cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def parser() -> ModuleType:
    """Return the promql_parser module, failing (never skipping) when it is not installed."""
    try:
        import promql_parser
    except ImportError:
        pytest.fail(f"promql-parser is not installed: {INSTALL_HINT}")
    return promql_parser


def metric_names(expr: str) -> set[str]:
    """Return the metric names selected anywhere in a PromQL expression."""
    promql_parser = parser()
    names: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            if node.name:
                names.add(node.name)
            for matcher in node.matchers.matchers:
                if matcher.name == "__name__":
                    names.add(matcher.value)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names
