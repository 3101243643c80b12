"""Grafana dashboards: every panel queries something real, in PromQL Prometheus accepts."""

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ops.promql import KNOWN_METRICS, MONITORING, metric_names, parser, run, tool

GRAFANA = MONITORING / "grafana"
DASHBOARD_FILES = sorted((GRAFANA / "dashboards").glob("*.json"))
REQUIRED_TITLES = {
    "Gravl / Request Rate",
    "Gravl / Latency",
    "Gravl / Error Rate",
    "Gravl / Training",
    "Gravl / Database",
}


def dashboards() -> dict[str, dict[str, Any]]:
    loaded = [json.loads(path.read_text()) for path in DASHBOARD_FILES]
    return {dashboard["title"]: dashboard for dashboard in loaded}


def all_targets() -> list[tuple[str, str, str]]:
    return [
        (dashboard["title"], panel["title"], target["expr"])
        for dashboard in dashboards().values()
        for panel in dashboard["panels"]
        for target in panel["targets"]
    ]


def used_metrics(title: str) -> set[str]:
    return {name for dash, _, expr in all_targets() if dash == title for name in metric_names(expr)}


def test_required_dashboards_exist_with_unique_uids() -> None:
    assert set(dashboards()) >= REQUIRED_TITLES
    uids = [json.loads(path.read_text())["uid"] for path in DASHBOARD_FILES]
    assert len(uids) == len(set(uids)) == len(DASHBOARD_FILES)


def test_every_panel_has_a_query() -> None:
    for dashboard in dashboards().values():
        for panel in dashboard["panels"]:
            assert panel["targets"], f"{dashboard['title']} / {panel['title']} has no target"
            assert all(target["expr"].strip() for target in panel["targets"])


@pytest.mark.parametrize(("dashboard", "panel", "expr"), all_targets())
def test_query_parses_and_uses_only_exported_metrics(dashboard: str, panel: str, expr: str) -> None:
    # Plain Prometheus must run these as they are (a later test replays them against a real
    # one), so no Grafana-only variables such as $__rate_interval.
    assert "$" not in expr
    parser().parse(expr)
    names = metric_names(expr)
    assert names, "query selects no metric"
    assert names <= KNOWN_METRICS, f"unknown metrics {names - KNOWN_METRICS}"


def test_prometheus_own_parser_accepts_every_query(tmp_path: Path) -> None:
    # promql-parser is a separate implementation; promtool is the parser Prometheus runs.
    rules = [
        {"record": f"dashboard:query_{i}", "expr": expr}
        for i, (_, _, expr) in enumerate(all_targets())
    ]
    rules_file = tmp_path / "dashboard-queries.yml"
    rules_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = run([tool("promtool"), "check", "rules", str(rules_file)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_latency_shows_p50_p95_p99_from_the_histogram() -> None:
    promql = parser()
    quantiles: set[float] = set()
    for dashboard, _, expr in all_targets():
        node = promql.parse(expr)
        if (
            dashboard == "Gravl / Latency"
            and isinstance(node, promql.Call)
            and node.func.name == "histogram_quantile"
            and "request_duration_ms_bucket" in metric_names(expr)
        ):
            quantiles.add(node.args[0].val)
    assert {0.5, 0.95, 0.99} <= quantiles


def test_request_rate_and_error_rate_read_http_requests_total() -> None:
    assert "http_requests_total" in used_metrics("Gravl / Request Rate")
    errors = [expr for dash, _, expr in all_targets() if dash == "Gravl / Error Rate"]
    assert any('status=~"5.."' in expr and "/" in expr for expr in errors)


def test_training_dashboard_covers_logs_recommendations_swaps_imports() -> None:
    assert {
        "gravl_logs_created_total",
        "gravl_recommendations_served_total",
        "gravl_swaps_total",
        "gravl_imports_total",
    } <= used_metrics("Gravl / Training")
    titles = {panel for dash, panel, _ in all_targets() if dash == "Gravl / Training"}
    assert "Logs per minute" in titles


def test_database_dashboard_covers_pool_gauges_and_database_up() -> None:
    assert {
        "gravl_db_pool_size",
        "gravl_db_pool_checked_out",
        "gravl_db_pool_overflow",
        "cnpg_collector_up",
    } <= used_metrics("Gravl / Database")


def test_panels_use_the_provisioned_prometheus_datasource() -> None:
    datasources = yaml.safe_load((GRAFANA / "provisioning" / "datasources.yml").read_text())
    prometheus_uids = {ds["uid"] for ds in datasources["datasources"] if ds["type"] == "prometheus"}
    for dashboard in dashboards().values():
        for panel in dashboard["panels"]:
            for item in [panel, *panel["targets"]]:
                assert item["datasource"]["uid"] in prometheus_uids


def test_dashboard_provider_points_at_a_dashboards_folder() -> None:
    provisioning = yaml.safe_load((GRAFANA / "provisioning" / "dashboards.yml").read_text())
    (provider,) = provisioning["providers"]
    assert provider["type"] == "file" and provider["options"]["path"].startswith("/")


def test_panels_fit_the_grid_without_overlapping() -> None:
    for dashboard in dashboards().values():
        cells: set[tuple[int, int]] = set()
        for panel in dashboard["panels"]:
            pos = panel["gridPos"]
            assert pos["x"] + pos["w"] <= 24
            covered = {
                (x, y)
                for x in range(pos["x"], pos["x"] + pos["w"])
                for y in range(pos["y"], pos["y"] + pos["h"])
            }
            assert not covered & cells, f"{dashboard['title']} / {panel['title']} overlaps"
            cells |= covered
