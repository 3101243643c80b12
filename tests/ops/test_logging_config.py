"""Loki and Promtail configs: filesystem storage with retention, JSON parsing of app logs."""

from typing import Any

import yaml

from tests.ops.promql import MONITORING

# The fields of Gravl's one-JSON-object-per-line logs (OPERATIONS.md).
LOG_FIELDS = {"ts", "level", "msg", "request_id", "route", "status", "duration_ms", "user_id"}
# One value per request or per user: as Loki labels they would create a stream each.
UNBOUNDED_FIELDS = {"request_id", "user_id", "duration_ms", "msg", "ts"}


def loki() -> dict[str, Any]:
    return yaml.safe_load((MONITORING / "loki" / "loki.yml").read_text())  # type: ignore[no-any-return]


def promtail() -> dict[str, Any]:
    return yaml.safe_load((MONITORING / "promtail" / "promtail.yml").read_text())  # type: ignore[no-any-return]


def gravl_stages() -> list[dict[str, Any]]:
    (job,) = promtail()["scrape_configs"]
    matches = [stage["match"] for stage in job["pipeline_stages"] if "match" in stage]
    (gravl,) = [m for m in matches if 'app="gravl"' in m["selector"]]
    return gravl["stages"]  # type: ignore[no-any-return]


def test_loki_stores_on_the_filesystem_under_its_volume() -> None:
    config = loki()
    prefix = config["common"]["path_prefix"]
    filesystem = config["common"]["storage"]["filesystem"]
    assert filesystem["chunks_directory"].startswith(prefix + "/")
    assert filesystem["rules_directory"].startswith(prefix + "/")
    assert config["compactor"]["working_directory"].startswith(prefix + "/")
    assert all(
        schema["object_store"] == "filesystem" for schema in config["schema_config"]["configs"]
    )


def test_loki_enforces_retention() -> None:
    config = loki()
    assert config["limits_config"]["retention_period"] not in {None, "0", "0s"}
    # Without the compactor's retention, retention_period deletes nothing on filesystem storage.
    assert config["compactor"]["retention_enabled"] is True


def test_no_storage_class_is_hard_coded_in_monitoring() -> None:
    # ORIGIN.md: Loki crash-looped on a StorageClass the cluster did not have.
    for path in MONITORING.rglob("*"):
        if path.is_file():
            assert "storageClassName" not in path.read_text(), path


def test_promtail_discovers_pods_and_pushes_to_loki() -> None:
    config = promtail()
    (job,) = config["scrape_configs"]
    assert [sd["role"] for sd in job["kubernetes_sd_configs"]] == ["pod"]
    assert any(stage == {"cri": {}} for stage in job["pipeline_stages"])
    (client,) = config["clients"]
    assert client["url"].endswith(":3100/loki/api/v1/push")


def test_promtail_parses_every_app_log_field_as_json() -> None:
    (json_stage,) = [stage["json"] for stage in gravl_stages() if "json" in stage]
    assert set(json_stage["expressions"]) == LOG_FIELDS
    (timestamp,) = [stage["timestamp"] for stage in gravl_stages() if "timestamp" in stage]
    assert timestamp["source"] == "ts"


def test_promtail_labels_only_low_cardinality_fields() -> None:
    labels = {key for stage in gravl_stages() if "labels" in stage for key in stage["labels"]}
    assert "level" in labels
    assert labels & UNBOUNDED_FIELDS == set()
    (job,) = promtail()["scrape_configs"]
    relabelled = {rule.get("target_label") for rule in job["relabel_configs"]}
    assert relabelled & UNBOUNDED_FIELDS == set()
