"""Regenerate docs/screenshots/: every web page on a phone (375 px) and a desktop (1280 px).

After scripts/install-browser.sh:  .venv/bin/python scripts/screenshots.py
It serves a fresh, seeded SQLite database on a free loopback port and signs up a demo lifter.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.live_server import (  # noqa: E402  (needs the repository on sys.path)
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORTS,
    LiveServer,
)

OUT = ROOT / "docs" / "screenshots"
PASSWORD = "correct horse 1"
# (file stem, path) in tour order; sign-in pages are shot before signing up.
SIGNED_OUT_PAGES = (("signin", "/signin"), ("signup", "/signup"))
PAGES = (
    ("today", "/today"),
    ("history", "/history"),
    ("progress", "/progress"),
    ("workouts", "/workouts"),
    ("workout", "/workouts/1"),
    ("programs", "/programs"),
    ("exercises", "/exercises?q=press"),
    ("exercise", "/exercises/1"),
    ("import", "/import"),
    ("settings", "/settings"),
)


def _shoot(page: Page, stem: str, path: str, viewport: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    target = OUT / f"{stem}-{viewport}.png"
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with LiveServer() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for viewport, size in VIEWPORTS.items():
            context = browser.new_context(
                base_url=server.url, viewport=size, is_mobile=viewport == "mobile"
            )
            page = context.new_page()
            for stem, path in SIGNED_OUT_PAGES:
                _shoot(page, stem, path, viewport)
            page.goto("/signup")
            page.get_by_label("Name (optional)").fill("Ada")
            page.get_by_label("Email").fill(f"ada-{viewport}@example.com")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Create account").click()
            page.wait_for_url("**/today")
            for stem, path in PAGES:
                _shoot(page, stem, path, viewport)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
