"""Regenerate docs/screenshots/: every web page on a phone (375 px) and a desktop (1280 px).

After scripts/install-browser.sh:  .venv/bin/python scripts/screenshots.py [STEM ...]
It serves a fresh, seeded SQLite database with `gravl demo`'s lifter (eight weeks of history
and a swap) on a free loopback port, and shoots the pages as that lifter sees them; named
stems (``today-session session``) rewrite only those images.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gravl.demo import DEMO_EMAIL, DEMO_PASSWORD  # noqa: E402
from tests.e2e.live_server import (  # noqa: E402  (needs the repository on sys.path)
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORTS,
    LiveServer,
)

OUT = ROOT / "docs" / "screenshots"
STRONG_SAMPLE = ROOT / "tests" / "e2e" / "data" / "strong-sample.csv"
# A pound lifter's Strong file (no unit in it) with names the review step is for.
STRONG_REVIEW = ROOT / "tests" / "e2e" / "data" / "strong-review.csv"
# (file stem, path) in tour order; sign-in pages are shot before signing in.
SIGNED_OUT_PAGES = (("signin", "/signin"), ("signup", "/signup"))
PAGES = (
    ("today", "/today"),
    ("history", "/history"),
    ("progress", "/progress"),
    ("workouts", "/workouts"),
    ("workout", "/workouts/1"),
    ("programs", "/programs"),
    ("exercises", "/exercises?q=press"),
    ("custom-workout", "/workouts/custom/new"),
    ("settings", "/settings"),
    ("welcome", "/welcome"),
    ("check-in", "/check-in?muscle=quadriceps"),
    ("new-exercise", "/exercises/new"),
    ("past-session", "/history/new"),
    ("training", "/settings/training"),
    ("security", "/settings/security"),
    ("not-found", "/no-such-page"),
)


# Shot again in the dark theme (STEM-dark-VIEWPORT.png): the pages a lifter sees most.
DARK_PAGES = (("today", "/today"), ("history", "/history"), ("progress", "/progress"))
# The stems to write (from the command line); empty: all of them.
WANTED: set[str] = set()


def _finish(page: Page) -> str | None:
    """Finish the session on the page; its summary's path."""
    button = page.get_by_role("button", name="Finish session")
    if not button.count():
        return None
    button.click()
    page.wait_for_url(re.compile(r"/summary$"))
    return "/" + page.url.split("/", 3)[3]


def _dark(page: Page, viewport: str) -> None:
    page.goto("/today")
    skip = page.locator("[data-rest-bar] [data-rest-skip]")
    if skip.count() and skip.is_visible():
        skip.click()  # the rest after the session's last set: not part of these pictures
    for stem, path in DARK_PAGES:
        _shoot(page, f"{stem}-dark", path, viewport)


def _shoot(page: Page, stem: str, path: str | None, viewport: str, part: str = "") -> None:
    """The page (or only its element ``part``, a CSS selector) as docs/screenshots/STEM-*.png."""
    if path is not None:
        page.goto(path)
    page.wait_for_load_state("networkidle")
    if WANTED and stem not in WANTED:
        return
    target = OUT / f"{stem}-{viewport}.png"
    if part:
        page.locator(part).screenshot(path=str(target), animations="disabled")
    else:
        page.screenshot(path=str(target), full_page=True, animations="disabled")
    print(f"wrote {target.relative_to(ROOT)}")


def _session(page: Page, viewport: str) -> None:
    """The session started with its first set done as planned and the second harder than
    planned (the sets left re-targeted); the second viewport finds it started by the first,
    as the same lifter."""
    page.goto("/today")
    plan = page.locator(".session-plan")
    start = plan.get_by_role("button", name="Start session")
    resume = plan.get_by_role("link", name="Continue session")
    if resume.count():
        resume.click()
    elif start.count():
        start.click()
        page.wait_for_url(re.compile(r"/sessions/\d+$"))
        first = page.locator(".session-exercise").first
        first.locator("[data-set-submit]").click()
        first.get_by_label("RPE").select_option("9.5")
        first.locator("[data-set-submit]").click()
    else:
        return  # a rest day for the demo lifter: nothing to start
    _shoot(page, "session", None, viewport)


def _tour(page: Page, viewport: str) -> None:
    for stem, path in SIGNED_OUT_PAGES:
        _shoot(page, stem, path, viewport)
    page.goto("/signin")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/today")
    for stem, path in PAGES:
        _shoot(page, stem, path, viewport)
    # The pages reached from others: logging the first planned exercise, its progress chart,
    # the swap list open, editing a log, and an import preview.
    page.goto("/today")
    first = page.locator(".plan-log").first
    if first.count():
        page.locator("details.swap summary").click()
        _shoot(page, "today-swap", None, viewport)
        first.click()
        page.wait_for_url(re.compile(r"/log\?"))
        _shoot(page, "log", None, viewport)
    page.goto("/history")
    page.get_by_role("link", name=re.compile("^Edit ")).first.click()
    _shoot(page, "log-edit", None, viewport)
    page.goto("/history")
    page.locator(".log-name", has_text="Barbell").first.click()
    _shoot(page, "exercise", None, viewport)
    page.goto("/import")
    page.get_by_label("Export file").set_input_files(str(STRONG_SAMPLE))
    page.get_by_role("button", name="Preview import").click()
    page.get_by_role("button", name=re.compile("^Import ")).wait_for()
    _shoot(page, "import", None, viewport)
    _review(page, viewport)
    _shoot(page, "today-session", "/today", viewport, part=".session-plan")


def _review(page: Page, viewport: str) -> None:
    """docs/import.md: a unitless file's preview, the import, its names, then its undo (so
    the next viewport finds the account as it was)."""
    page.goto("/import")
    page.get_by_label("Export file").set_input_files(str(STRONG_REVIEW))
    page.get_by_role("button", name="Preview import").click()
    page.get_by_role("button", name=re.compile("^Import ")).wait_for()
    _shoot(page, "import-unit", None, viewport, part=".import-report")
    page.get_by_role("button", name=re.compile("^Import ")).click()
    page.get_by_role("link", name="Check how the exercise names were matched").click()
    page.wait_for_url(re.compile(r"/imports/names"))
    _shoot(page, "import-names", None, viewport)
    page.goto("/import")
    _shoot(page, "import-undo", None, viewport, part="section[aria-labelledby=past-heading]")
    page.get_by_role("button", name=re.compile("^Undo the import of strong-review")).first.click()
    page.wait_for_load_state("networkidle")


def main() -> None:
    WANTED.update(sys.argv[1:])
    OUT.mkdir(parents=True, exist_ok=True)
    with LiveServer(demo=True) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = {}
        for viewport, size in VIEWPORTS.items():
            context = browser.new_context(
                base_url=server.url,
                viewport=size,
                is_mobile=viewport == "mobile",
                locale="en-GB",  # the demo lifter's kilograms
                color_scheme="light",
            )
            pages[viewport] = context.new_page()
            _tour(pages[viewport], viewport)
        # The session last, once every viewport has shot Today before it was started.
        for viewport, page in pages.items():
            _session(page, viewport)
        # Then finished (one session, both viewports see it): its summary and the day done;
        # then the dark theme.
        summary = _finish(pages[list(pages)[-1]])
        for viewport, page in pages.items():
            if summary is not None:
                _shoot(page, "session-summary", summary, viewport)
            page.emulate_media(color_scheme="dark")
            _dark(page, viewport)
            page.context.close()
        browser.close()


if __name__ == "__main__":
    main()
