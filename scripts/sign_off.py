"""Write docs/PRODUCTION_SIGN_OFF.md from the real results of the checks that prove each item.

Reads the JUnit XML of a full `make test` run, maps each production item (OPERATIONS.md) and
each of the original sign-off's ten blocking criteria (ORIGIN.md) to the tests that prove it,
and marks it PASS only when every one of those tests ran and passed. No hand-written PASS.

    python scripts/sign_off.py --junit var/junit.xml            # rewrite the report
    python scripts/sign_off.py --junit var/junit.xml --check    # fail if the committed one differs
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REPORT = Path(__file__).resolve().parents[1] / "docs" / "PRODUCTION_SIGN_OFF.md"


@dataclass(frozen=True)
class Item:
    name: str
    requirement: str
    evidence: tuple[str, ...]  # regexes over "module::test" ids


BLOCKING = (
    Item(
        "cert-manager deployed",
        "ClusterIssuer (ACME + internal CA), Certificate, Ingress TLS",
        (
            r"test_k8s_policy::test_ingress_has_tls_from_a_rendered_cluster_issuer",
            r"test_k8s_policy::test_issuers_per_environment",
            r"test_k8s_schemas::test_custom_resources_have_their_required_fields",
        ),
    ),
    Item(
        "Secrets sealed",
        "ExternalSecret objects in production; no secret value in the repo",
        (
            r"test_k8s_policy::test_production_has_no_secret_objects",
            r"test_k8s_policy::test_no_committed_file_holds_a_secret_value",
            r"test_k8s_policy::test_base_references_secrets_by_name_only",
            r"test_config::test_secrets_are_read_from_files",
        ),
    ),
    Item(
        "Load test passed",
        "k6, 10 VUs, p95 < 200 ms, p99 < 500 ms, errors < 0.1%, against the container image",
        (r"test_image::test_k6_",),
    ),
    Item(
        "AlertManager configured",
        "Slack + e-mail receivers from secret files, severity routes",
        (
            r"test_alertmanager::test_amtool_accepts_config",
            r"test_alertmanager::test_critical_goes_to_slack_and_email_warning_to_slack",
            r"test_alertmanager::test_real_alertmanager_posts_to_the_webhook_read_from_its_file",
        ),
    ),
    Item(
        "Backup cronjob deployed",
        "CronJob running `gravl backup` with retention; tested restore",
        (
            r"test_k8s_policy::test_backup_cronjob_runs_gravl_backup_with_retention",
            r"test_backup_restore::test_backup_wipe_restore_gives_back_every_row",
        ),
    ),
    Item(
        "DB credentials rotated",
        "strong secrets enforced; 90-day procedure; two JWT keys",
        (
            r"test_config::test_production_refuses_default_database_and_weak_db_password",
            r"test_config::test_production_refuses_default_or_short_secret",
            r"test_auth_api::test_previous_signing_key_still_verifies_during_rotation",
            r"test_k8s_docs::test_procedures_exist",
        ),
    ),
    Item(
        "Network policies validated",
        "default deny; explicit allows evaluated as a graph",
        (r"test_k8s_network::",),
    ),
    Item(
        "RBAC validated",
        "least privilege, no cluster-admin, per-workload service accounts",
        (
            r"test_k8s_policy::test_rbac_is_least_privilege",
            r"test_k8s_policy::test_no_binding_grants_cluster_admin",
            r"test_k8s_policy::test_each_workload_has_its_own_service_account",
        ),
    ),
    Item(
        "Application pods healthy",
        "probes, resources, security context; real server scraped",
        (
            r"test_k8s_policy::test_long_running_containers_have_three_probes",
            r"test_k8s_policy::test_every_container_has_requests_and_limits",
            r"test_k8s_policy::test_every_container_is_locked_down",
            r"test_prometheus_live::",
        ),
    ),
    Item(
        "Database migrations applied",
        "migration Job runs `gravl db upgrade`; up/down tested",
        (
            r"test_k8s_policy::test_migration_job_runs_db_upgrade_like_the_backend",
            r"test_migrations::test_downgrade_to_base_and_upgrade_to_head",
            r"test_migrations::test_migrations_match_the_models",
        ),
    ),
)

ITEMS = (
    Item(
        "container image",
        "multi-stage, pinned, non-root, HEALTHCHECK; hadolint clean; built with podman and run "
        "read-only on SQLite and PostgreSQL (k6 included); compose stack survives a restart",
        (r"test_dockerfile::", r"test_image::", r"test_compose::"),
    ),
    Item(
        "kustomize layout",
        "base + staging + production render",
        (r"test_k8s_schemas::test_renders",),
    ),
    Item(
        "schemas",
        "strict validation for Kubernetes 1.30+; CRD field checks",
        (r"test_k8s_schemas::",),
    ),
    Item(
        "backend Deployment",
        "replicas, resources, probes, security context, HPA, PDB",
        (
            r"test_k8s_policy::test_backend_deployment_matches_operations_md",
            r"test_k8s_policy::test_backend_is_autoscaled_and_protected",
            r"test_k8s_checkov::",
        ),
    ),
    Item(
        "database",
        "staging StatefulSet with overlay class; CloudNativePG cluster in production",
        (
            r"test_k8s_policy::test_staging_database_is_a_statefulset_with_a_claim",
            r"test_k8s_policy::test_production_database_is_replicated_and_archived",
        ),
    ),
    Item("backups", "CronJob + tested restore", BLOCKING[4].evidence + (r"test_backup_restore::",)),
    Item(
        "secrets",
        "no values in repo; settings guard",
        BLOCKING[1].evidence + (r"test_config::test_production_refuses_short_previous_key",),
    ),
    Item(
        "credential rotation",
        "documented procedure; previous JWT key verifies",
        BLOCKING[5].evidence,
    ),
    Item(
        "TLS",
        "issuers, certificate, ingress TLS, HSTS",
        BLOCKING[0].evidence
        + (r"test_headers_and_csrf::test_hsts_on_every_response_when_configured",),
    ),
    Item("network policies", "graph evaluation", BLOCKING[6].evidence),
    Item("RBAC", "least privilege", BLOCKING[7].evidence),
    Item(
        "metrics",
        "ServiceMonitor; real Prometheus reads http_requests_total and buckets",
        (
            r"test_k8s_policy::test_service_monitor_scrapes_the_metrics_port_as_job_gravl",
            r"test_prometheus_live::",
        ),
    ),
    Item(
        "alerts",
        "17 alerts (14 of OPERATIONS.md, 3 on security events), promtool check + unit tests,"
        " HighErrorRate fires live",
        (r"test_monitoring_rules::", r"test_prometheus_live::"),
    ),
    Item("alert routing", "amtool check-config, routes, inhibition", (r"test_alertmanager::",)),
    Item(
        "dashboards",
        "PromQL parses and runs against the real Prometheus",
        (r"test_dashboards::", r"test_prometheus_live::"),
    ),
    Item(
        "logs",
        "Loki/Promtail configs; every app line is JSON without secrets",
        (r"test_logging_config::", r"test_json_logs::"),
    ),
    Item("load test", "k6 in CI against real PostgreSQL", BLOCKING[2].evidence),
)


def load_results(junit: Path) -> dict[str, str]:
    """``module::test`` → passed | failed | skipped (parametrised cases folded: worst wins)."""
    results: dict[str, str] = {}
    rank = {"passed": 0, "skipped": 1, "failed": 2}
    for case in ElementTree.parse(junit).getroot().iter("testcase"):
        module = case.get("classname", "").rsplit(".", 1)[-1]
        name = re.sub(r"\[.*\]$", "", case.get("name", ""))
        outcome = "passed"
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        key = f"{module}::{name}"
        if rank[outcome] >= rank.get(results.get(key, "passed"), 0):
            results[key] = outcome
    return results


def judge(item: Item, results: dict[str, str]) -> tuple[str, list[str]]:
    matched: list[str] = []
    for pattern in item.evidence:
        hits = sorted(k for k in results if re.search(pattern, k))
        if not hits:
            return "MISSING", [f"`{pattern}` (no such test ran)"]
        matched += hits
    status = "PASS" if all(results[k] == "passed" for k in matched) else "FAIL"
    return status, sorted(set(matched))


def _table(items: Iterable[Item], results: dict[str, str]) -> tuple[list[str], int, int]:
    lines = ["| item | requirement | status | evidence (tests) |", "|---|---|---|---|"]
    passed = total = 0
    for item in items:
        status, evidence = judge(item, results)
        total += 1
        passed += status == "PASS"
        shown = ", ".join(f"`{e}`" if not e.startswith("`") else e for e in evidence[:6])
        more = f" and {len(evidence) - 6} more" if len(evidence) > 6 else ""
        lines.append(f"| {item.name} | {item.requirement} | **{status}** | {shown}{more} |")
    return lines, passed, total


def render(results: dict[str, str]) -> str:
    blocking, b_pass, b_total = _table(BLOCKING, results)
    items, i_pass, i_total = _table(ITEMS, results)
    return "\n".join(
        [
            "# Production sign-off",
            "",
            "Generated by `scripts/sign_off.py` from the JUnit results of `make test`;",
            "CI regenerates it and fails when it differs from this file. Every PASS names",
            "the tests that prove it; an item is PASS only when all of them ran and passed.",
            "",
            f"## Blocking criteria of the original sign-off: {b_pass}/{b_total}",
            "",
            *blocking,
            "",
            f"## Production items (OPERATIONS.md): {i_pass}/{i_total}",
            "",
            *items,
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--junit", type=Path, required=True)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    report = render(load_results(args.junit))
    if args.check:
        committed = REPORT.read_text(encoding="utf-8") if REPORT.exists() else ""
        if committed != report:
            sys.stderr.write(
                "docs/PRODUCTION_SIGN_OFF.md differs from the checks' results; "
                "run `make sign-off` and review the change\n"
            )
            return 1
        print("production sign-off matches the checks' results")
        return 0
    REPORT.write_text(report, encoding="utf-8")
    print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
