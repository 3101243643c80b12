"""Lighthouse on the two pages a lifter opens at the gym, Today and the workout, as a phone.

Lighthouse (npm, pinned in tools/lighthouse/package.json, installed by
scripts/install-lighthouse.sh) drives Debian's Chromium with its default mobile emulation and
simulated slow 4G, signed in as the demo lifter (the session cookie passed as a header), on a
live server. A category under its target fails the test with the audits that cost points; the
numbers are recorded in docs/PERFORMANCE.md ("## Lighthouse").

Lighthouse 12 has no PWA category any more: that Gravl can be installed is asked of Chromium
itself (``Page.getInstallabilityErrors``), in a persistent profile (an incognito one never is).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Playwright

from gravl.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.live_server import CHROMIUM, CHROMIUM_ARGS, LiveServer

REPO = Path(__file__).resolve().parents[2]
LIGHTHOUSE_DIR = REPO / "tools" / "lighthouse"
LIGHTHOUSE_CLI = LIGHTHOUSE_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
# The bar (Lighthouse scores are 0–1 in its report, 0–100 on its page).
TARGETS = {"performance": 0.90, "accessibility": 0.95, "best-practices": 0.95}
LIGHTHOUSE_TIMEOUT_S = 120
RUNS_AT_MOST = 3


def _lighthouse_version() -> str:
    pinned = json.loads((LIGHTHOUSE_DIR / "package.json").read_text())
    return str(pinned["devDependencies"]["lighthouse"])


def _installed_lighthouse() -> Path:
    """The pinned Lighthouse, failing (never skipping) when it is missing or another version."""
    installed = LIGHTHOUSE_CLI.parents[1] / "package.json"
    assert installed.exists(), "Lighthouse is missing: run scripts/install-lighthouse.sh"
    version = json.loads(installed.read_text())["version"]
    assert version == _lighthouse_version(), f"Lighthouse {version} installed, not the pinned one"
    return LIGHTHOUSE_CLI


@pytest.fixture(scope="module")
def lifter_at_the_gym(
    playwright_instance: Playwright,
    demo_server: LiveServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[BrowserContext, str]]:
    """The demo lifter signed in on a phone with today's session started: the browser (a
    persistent profile, as an installed app's is) and the workout page's path."""
    context = playwright_instance.chromium.launch_persistent_context(
        tmp_path_factory.mktemp("profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        base_url=demo_server.url,
        viewport={"width": 412, "height": 823},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto("/signin")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/today")
    start = page.get_by_role("button", name="Start session")
    start.or_(page.get_by_role("link", name="Continue session")).first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    workout = page.url.removeprefix(demo_server.url)
    yield context, workout
    context.close()


def _cookie_header(context: BrowserContext) -> str:
    return "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in context.cookies())


def _run_lighthouse(url: str, cookie: str, report: Path) -> dict[str, Any]:
    cli = _installed_lighthouse()
    command = [
        "node",
        str(cli),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--only-categories=" + ",".join(TARGETS),
        "--chrome-flags=" + " ".join(CHROMIUM_ARGS),
        "--extra-headers=" + json.dumps({"Cookie": cookie}),
        "--disable-full-page-screenshot",
    ]
    done = subprocess.run(
        command,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=LIGHTHOUSE_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def _lost_points(result: dict[str, Any], category: str) -> list[str]:
    """The weighted audits of a category that did not pass: why its score is what it is."""
    lost = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = result["audits"][ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            lost.append(f"{ref['id']}={audit['score']} {audit.get('displayValue', '')}".strip())
    return lost


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


@pytest.mark.parametrize("which", ["today", "workout"])
def test_lighthouse_scores_meet_the_targets_on_a_phone(
    which: str,
    demo_server: LiveServer,
    lifter_at_the_gym: tuple[BrowserContext, str],
    tmp_path: Path,
) -> None:
    """One run when every category passes; otherwise the median of three, as Lighthouse's own
    CI advises: on a shared two-core runner one run's blocking time can be another test's."""
    context, workout = lifter_at_the_gym
    path = "/today" if which == "today" else workout
    runs: list[dict[str, Any]] = []
    scores: dict[str, float] = {}
    while len(runs) < RUNS_AT_MOST:
        report = tmp_path / f"run-{len(runs)}.json"
        result = _run_lighthouse(demo_server.url + path, _cookie_header(context), report)
        # Signed in, on the page asked for (not bounced to the sign-in page), as a phone.
        assert result["finalDisplayedUrl"] == demo_server.url + path
        assert result["configSettings"]["formFactor"] == "mobile"
        assert result["lighthouseVersion"] == _lighthouse_version()
        assert not result.get("runtimeError"), result["runtimeError"]
        runs.append(result)
        scores = {
            category: _median([run["categories"][category]["score"] for run in runs])
            for category in TARGETS
        }
        if len(runs) == 1 and all(scores[c] >= target for c, target in TARGETS.items()):
            break
    # Shown with -s: the numbers docs/PERFORMANCE.md records.
    print(f"Lighthouse {path}: {scores} over {len(runs)} run(s)")
    for category, target in TARGETS.items():
        assert scores[category] >= target, (
            f"{category} {scores[category]} < {target} on {path} (median of {len(runs)}): "
            f"{[_lost_points(run, category) for run in runs]}"
        )


def test_gravl_is_installable_from_today_and_the_workout(
    lifter_at_the_gym: tuple[BrowserContext, str],
) -> None:
    context, workout = lifter_at_the_gym
    page = context.pages[0]
    for path in ("/today", workout):
        page.goto(path)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [], manifest["errors"]
        assert manifest["url"].split("/static/", 1)[1].startswith("manifest.")
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        cdp.detach()
