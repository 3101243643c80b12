"""docs/operations.md has the procedures OPERATIONS.md asks for and a runbook anchor for every
alert; every link into it from the rules and manifests resolves."""

from __future__ import annotations

import re

import yaml

from tests.ops.k8s_support import K8S_DIR, REPO_ROOT

DOC = REPO_ROOT / "docs" / "operations.md"
# OPERATIONS.md, "alerts" row.
ALERTS = [
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
]


def anchors() -> set[str]:
    """GitHub's heading slugs: lowercase, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", DOC.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_alert_has_a_runbook_section() -> None:
    missing = [a for a in ALERTS if a.lower() not in anchors()]
    assert not missing, missing


def test_procedures_exist() -> None:
    wanted = {
        "deploy-staging",
        "deploy-production",
        "upgrade",
        "rotate-credentials",
        "restore-from-backup",
        "database-password",
        "jwt-signing-keys-current--previous",
        "slack-webhook-and-smtp-password",
        "runbook",
    }
    assert wanted <= anchors(), wanted - anchors()
    assert "90 days" in DOC.read_text()


def test_runbook_urls_of_the_alert_rules_resolve() -> None:
    rules = yaml.safe_load(
        (REPO_ROOT / "deploy/monitoring/prometheus/rules/gravl-alerts.yml").read_text()
    )
    urls = [
        r["annotations"]["runbook_url"] for g in rules["groups"] for r in g["rules"] if "alert" in r
    ]
    assert len(urls) >= len(ALERTS)
    broken = [u for u in urls if u.split("#", 1)[1] not in anchors()]
    assert not broken, broken


def test_links_from_the_manifests_resolve() -> None:
    links = {
        m
        for path in K8S_DIR.rglob("*.y*ml")
        for m in re.findall(r"docs/operations\.md#([\w-]+)", path.read_text())
    }
    assert links
    assert links <= anchors(), links - anchors()
