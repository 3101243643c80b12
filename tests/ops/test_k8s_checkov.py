"""checkov over both rendered overlays: no failed check outside deploy/k8s/checkov-allowlist.yaml.

checkov takes seconds per run, so each overlay is scanned once per session (module fixture).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ops.k8s_support import K8S_DIR, checkov_path, rendered_text

OVERLAYS = ["overlays/staging", "overlays/production"]
ALLOWLIST = K8S_DIR / "checkov-allowlist.yaml"


def run_checkov(manifest: str, workdir: Path) -> list[dict[str, Any]]:
    (workdir / "rendered.yaml").write_text(manifest)
    result = subprocess.run(
        [
            str(checkov_path()),
            "--skip-download",
            "-d",
            str(workdir),
            "--framework",
            "kubernetes",
            "--quiet",
            "--compact",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # checkov exits 1 when a check fails; anything else (or no JSON) means it did not run.
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    kubernetes = [r for r in reports if r.get("check_type") == "kubernetes"]
    assert kubernetes, f"checkov produced no kubernetes report: {result.stdout[:500]}"
    (only,) = kubernetes
    assert only["summary"]["parsing_errors"] == 0
    assert only["summary"]["passed"] > 100, "checkov ran suspiciously few checks"
    failed: list[dict[str, Any]] = only["results"]["failed_checks"]
    return failed


@pytest.fixture(scope="module")
def failures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    return {
        overlay: run_checkov(
            rendered_text(overlay), tmp_path_factory.mktemp(overlay.replace("/", "-"))
        )
        for overlay in OVERLAYS
    }


def allowlist() -> list[dict[str, str]]:
    entries: list[dict[str, str]] = yaml.safe_load(ALLOWLIST.read_text())["allow"]
    return entries


def allowed(failure: dict[str, Any], entry: dict[str, str]) -> bool:
    return failure["check_id"] == entry["check"] and entry["resource"] in {"*", failure["resource"]}


def test_allowlist_entries_are_short_and_explained() -> None:
    entries = allowlist()
    assert 0 < len(entries) <= 8, "the allow-list is meant to stay short"
    for entry in entries:
        assert entry["check"].startswith("CKV"), entry
        assert entry["resource"], entry
        assert len(entry.get("reason", "").split()) >= 8, f"{entry['check']} needs a real reason"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_no_failed_check_outside_the_allowlist(
    failures: dict[str, list[dict[str, Any]]], overlay: str
) -> None:
    entries = allowlist()
    unexplained = [
        f"{f['check_id']} {f['resource']}: {f['check_name']}"
        for f in failures[overlay]
        if not any(allowed(f, e) for e in entries)
    ]
    assert not unexplained, "\n".join(unexplained)


def test_every_allowlist_entry_is_still_needed(failures: dict[str, list[dict[str, Any]]]) -> None:
    every_failure = [f for found in failures.values() for f in found]
    stale = [e for e in allowlist() if not any(allowed(f, e) for f in every_failure)]
    assert not stale, f"allow-list entries that match nothing (remove them): {stale}"
