"""Prometheus config and alert rules: checked by promtool, unit-tested by promtool."""

import re
from typing import Any

import pytest
import yaml

from gravl.auth.events import EVENT_TYPES
from tests.ops.promql import KNOWN_METRICS, PROMETHEUS_DIR, metric_names, parser, run, tool

RULES_FILE = PROMETHEUS_DIR / "rules" / "gravl-alerts.yml"
UNIT_TESTS = sorted((PROMETHEUS_DIR / "tests").glob("*.yml"))

# OPERATIONS.md's alert list (ORIGIN.md's sign-off had 12 and no routing).
REQUIRED_ALERTS = [
    "HighErrorRate",
    "HighLatencyP95",
    "HighLatencyP99",
    "InstanceDown",
    "CrashLoopBackOff",
    "PodRestarting",
    "HighCPU",
    "HighMemory",
    "DatabaseDown",
    "DatabaseConnectionsSaturated",
    "BackupJobFailed",
    "BackupTooOld",
    "CertificateExpiringSoon",
    "DiskAlmostFull",
    # Issue 15 (security events, OWASP ASVS L2).
    "SignInFailureBurst",
    "RefreshTokenReuse",
    "LockoutBurst",
    # Issue 23 (worker deaths inside a running pod).
    "WorkerRestarting",
    "WorkerMemoryHigh",  # before the kernel kills a worker at the container's limit
]

# The values of gravl_security_events_total's `event` label (issue 15).
SECURITY_EVENTS = set(EVENT_TYPES)


def rules() -> list[dict[str, Any]]:
    groups = yaml.safe_load(RULES_FILE.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def alerts() -> list[dict[str, Any]]:
    return [rule for rule in rules() if "alert" in rule]


def test_promtool_accepts_prometheus_config_and_its_rule_files() -> None:
    result = run([tool("promtool"), "check", "config", "prometheus.yml"], cwd=PROMETHEUS_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    # The rule_files glob must actually load our rules, not match nothing.
    assert "rules/gravl-alerts.yml" in result.stdout + result.stderr


def test_promtool_accepts_rules() -> None:
    result = run([tool("promtool"), "check", "rules", str(RULES_FILE)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_unit_tests_pass() -> None:
    assert UNIT_TESTS, "no promtool unit tests found"
    result = run([tool("promtool"), "test", "rules", *map(str, UNIT_TESTS)])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("SUCCESS") == len(UNIT_TESTS)


@pytest.mark.parametrize("name", REQUIRED_ALERTS)
def test_required_alert_exists_with_severity_and_runbook(name: str) -> None:
    matching = [rule for rule in alerts() if rule["alert"] == name]
    assert matching, f"alert {name} is missing"
    for rule in matching:
        assert rule["labels"]["severity"] in {"critical", "warning"}
        annotations = rule["annotations"]
        assert annotations["summary"].strip() and annotations["description"].strip()
        # Runbook sections of docs/operations.md are headed by the alert name.
        assert annotations["runbook_url"] == f"docs/operations.md#{name.lower()}"


def test_every_alert_has_a_firing_and_a_quiet_unit_test() -> None:
    firing: set[str] = set()
    quiet: set[str] = set()
    for path in UNIT_TESTS:
        for case in yaml.safe_load(path.read_text())["tests"]:
            for check in case.get("alert_rule_test", []):
                (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {rule["alert"] for rule in alerts()}
    assert names - firing == set(), "alerts without a firing test"
    assert names - quiet == set(), "alerts without a not-firing test"


def test_high_error_rate_is_one_percent_of_5xx_for_five_minutes() -> None:
    (rule,) = [rule for rule in alerts() if rule["alert"] == "HighErrorRate"]
    assert (rule["expr"], rule["for"]) == ("namespace:gravl_http_error_ratio:rate5m > 0.01", "5m")
    recorded = {r["record"]: r["expr"] for r in rules() if "record" in r}
    assert recorded["namespace:gravl_http_error_ratio:rate5m"] == (
        "namespace:gravl_http_errors:rate5m / namespace:gravl_http_requests:rate5m"
    )
    assert 'status=~"5.."' in recorded["namespace:gravl_http_errors:rate5m"]


def test_rule_expressions_use_only_known_metrics() -> None:
    recorded = {rule["record"] for rule in rules() if "record" in rule}
    for rule in rules():
        unknown = metric_names(rule["expr"]) - KNOWN_METRICS - recorded
        assert unknown == set(), f"{rule.get('alert') or rule.get('record')}: {unknown}"


def test_scrape_config_reads_the_metrics_port_and_routes_to_alertmanager() -> None:
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    gravl = jobs["gravl"]  # the job name every app rule and dashboard selects on
    ports = [sd["port"] for sd in gravl.get("dns_sd_configs", [])]
    targets = [t for sc in gravl.get("static_configs", []) for t in sc["targets"]]
    assert ports == [3001] or (targets and all(t.endswith(":3001") for t in targets))
    assert config["alerting"]["alertmanagers"], "alerts would go nowhere"
    assert "pushgateway" in jobs and jobs["pushgateway"]["honor_labels"] is True


def test_security_alerts_select_only_events_the_app_counts() -> None:
    """A misspelt event value would select nothing, and the alert would never fire."""
    promql = parser()
    selected: set[str] = set()

    def visit(node: object) -> None:
        if isinstance(node, promql.VectorSelector) and node.name == "gravl_security_events_total":
            for matcher in [m for m in node.matchers.matchers if m.name == "event"]:
                check(matcher)

    def check(matcher: Any) -> None:
        if matcher.op == promql.MatchOp.Equal:
            values = {matcher.value}
        else:
            assert matcher.op == promql.MatchOp.Re, matcher.op
            values = set(matcher.value.split("|"))
            # Each alternative is a plain event name, not a pattern.
            assert all(re.fullmatch(r"[a-z_]+", v) for v in values), matcher.value
        assert values <= SECURITY_EVENTS, values - SECURITY_EVENTS
        selected.update(values)

    for rule in alerts():
        promql.walk(promql.parse(rule["expr"]), visit)
    assert {"login_failed", "mfa_failed", "refresh_reuse", "lockout"} <= selected
