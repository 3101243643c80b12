"""The production overlay's alert rules, dashboards and Loki/Promtail configs are exactly what
deploy/k8s/sync_monitoring.py builds from deploy/monitoring today."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import yaml

from tests.ops.k8s_support import K8S_DIR, REPO_ROOT, of_kind, one, rendered

MONITORING_DIR = REPO_ROOT / "deploy" / "monitoring"


def sync_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sync_monitoring", K8S_DIR / "sync_monitoring.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_files_match_a_fresh_run() -> None:
    drift = sync_module().differences()
    assert not drift, f"run `python deploy/k8s/sync_monitoring.py`; out of date: {drift}"


def test_check_mode_passes_on_the_committed_tree() -> None:
    result = subprocess.run(
        [sys.executable, str(K8S_DIR / "sync_monitoring.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_drift_and_stale_files_are_detected(tmp_path: Path) -> None:
    # Point the generator at scratch directories so the real tree is never touched.
    sync = sync_module()
    sync.GENERATED_DIR = tmp_path / "generated"
    sync.OBSERVABILITY_CONFIG_DIR = tmp_path / "config"
    sync.K8S_DIR = tmp_path
    sync.write()
    assert sync.differences() == []
    edited = tmp_path / "generated" / "prometheusrule.yaml"
    edited.write_text(edited.read_text() + "# hand edit\n")
    (tmp_path / "config" / "old.yaml").write_text("{}\n")
    assert sorted(sync.differences()) == [
        "config/old.yaml (stale)",
        "generated/prometheusrule.yaml",
    ]


def test_prometheus_rule_carries_every_alert_group() -> None:
    rules_file = yaml.safe_load((MONITORING_DIR / "prometheus/rules/gravl-alerts.yml").read_text())
    rule = one(rendered("overlays/production"), "PrometheusRule", "gravl-alerts")
    assert rule["metadata"]["namespace"] == "monitoring"
    assert rule["spec"]["groups"] == rules_file["groups"]
    alerts = {r["alert"] for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r}
    assert len(alerts) >= 12


def test_every_dashboard_is_provisioned_by_config_map() -> None:
    dashboards = sorted((MONITORING_DIR / "grafana/dashboards").glob("*.json"))
    assert dashboards
    maps = [
        m
        for m in of_kind(rendered("overlays/production"), "ConfigMap")
        if m["metadata"]["name"].startswith("grafana-dashboard-")
    ]
    by_key = {key: (m, text) for m in maps for key, text in m["data"].items()}
    assert sorted(by_key) == [d.name for d in dashboards]
    for dashboard in dashboards:
        config_map, text = by_key[dashboard.name]
        assert json.loads(text) == json.loads(dashboard.read_text())
        assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert config_map["metadata"]["namespace"] == "monitoring"


def test_loki_and_promtail_run_the_monitoring_configs() -> None:
    objects = rendered("overlays/production")
    for name, source in (("loki", "loki/loki.yml"), ("promtail", "promtail/promtail.yml")):
        (config_map,) = [
            m
            for m in of_kind(objects, "ConfigMap")
            if m["metadata"]["name"].startswith(f"{name}-config-")
        ]
        (text,) = config_map["data"].values()
        assert yaml.safe_load(text) == yaml.safe_load((MONITORING_DIR / source).read_text())
