"""Gym conditions in a real browser: the smallest phones, text at 200 %, the dark theme.

Nothing may be wider than a 320 px screen (WCAG 1.4.10), nor when the browser's text size is
doubled (WCAG 1.4.4: Chromium's default font size 16 → 32 px, as the accessibility setting
does); the navigation is one row on a phone; the theme switch sticks across pages and visits.
Signed in as the demo lifter, whose pages are full of months of training.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gravl.demo import DEMO_EMAIL, DEMO_PASSWORD
from tests.e2e.conftest import axe_violations
from tests.e2e.live_server import LiveServer

SMALLEST_PHONE = {"width": 320, "height": 640}
PAGES = [
    "/today",
    "/history",
    "/history/new",
    "/progress",
    "/workouts",
    "/workouts/1",
    "/programs",
    "/exercises?q=press",
    "/exercises/1",
    "/log?exercise_id=1&workout_id=1",
    "/import",
    "/settings",
]
# What overflows, for the failure message: elements whose right edge is past the screen's.
_WIDER_THAN_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .filter((el) => !el.closest(".site-nav ul, .table-scroll, .visually-hidden, .skip-link"))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
}"""


@pytest.fixture(scope="module")
def signed_in(browser: Browser, demo_server: LiveServer) -> dict[str, Any]:
    """The demo lifter's cookies, signed in once for the module (a sign-in hashes a password)."""
    context = browser.new_context(base_url=demo_server.url)
    page = context.new_page()
    page.goto("/signin")
    page.get_by_label("Email").fill(DEMO_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/today")
    state: dict[str, Any] = dict(context.storage_state())
    context.close()
    return state


@pytest.fixture
def phone(browser: Browser, demo_server: LiveServer, signed_in: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(
        base_url=demo_server.url,
        viewport=SMALLEST_PHONE,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        storage_state=signed_in,  # type: ignore[arg-type]
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def _workout_page(page: Page) -> str:
    """Today's session, started (or continued): the workout page with its rest timer."""
    page.goto("/today")
    start = page.get_by_role("button", name="Start session")
    start.or_(page.get_by_role("link", name="Continue session")).first.click()
    page.wait_for_url(re.compile(r"/sessions/\d+$"))
    return page.url


def _overflow(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_no_page_is_wider_than_a_320px_phone(phone: Page, text_size: str) -> None:
    if text_size == "200%":
        cdp = phone.context.new_cdp_session(phone)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        phone.goto("/today")
        assert phone.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    pages = [*PAGES, _workout_page(phone)]
    wide = {}
    for path in pages:
        phone.goto(path)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        if _overflow(phone) > 0:
            wide[path] = (_overflow(phone), phone.evaluate(_WIDER_THAN_SCREEN))
    assert wide == {}


def test_the_navigation_is_one_row_on_a_phone(phone: Page) -> None:
    phone.goto("/progress")
    links = phone.get_by_role("navigation", name="Main").get_by_role("link")
    expect(links).to_have_count(7)
    tops = {round(box["y"]) for box in (link.bounding_box() for link in links.all()) if box}
    assert len(tops) == 1, tops
    # The strip scrolls sideways, with the current section in view.
    current = phone.get_by_role("link", name="Progress")
    expect(current).to_have_attribute("aria-current", "page")
    expect(current).to_be_in_viewport(ratio=1)
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    phone.wait_for_url("**/settings")
    expect(phone.get_by_role("link", name="Settings")).to_be_in_viewport(ratio=1)
    assert _overflow(phone) <= 0


def _background(page: Page) -> str:
    return str(page.evaluate("getComputedStyle(document.documentElement).backgroundColor"))


def test_the_theme_follows_the_system_until_the_lifter_picks_one(phone: Page) -> None:
    phone.emulate_media(color_scheme="dark")
    phone.goto("/today")
    dark = _background(phone)
    phone.emulate_media(color_scheme="light")
    light = _background(phone)
    assert dark != light
    switch = phone.get_by_role("group", name="Theme")
    expect(switch.get_by_role("radio", name="System")).to_be_checked()

    # Dark on a light phone: at once, on the next page, and on the first paint of a new visit.
    switch.get_by_role("radio", name="Dark").check()
    expect(phone.locator("html")).to_have_attribute("data-theme", "dark")
    assert _background(phone) == dark
    phone.goto("/history")
    expect(phone.get_by_role("radio", name="Dark")).to_be_checked()
    assert _background(phone) == dark
    assert axe_violations(phone) == []
    html = phone.context.request.get("/progress").text()
    assert '<html lang="en" data-theme="dark">' in html

    # Back to the system's choice: the cookie goes, the page follows the phone again.
    phone.get_by_role("radio", name="System").check()
    expect(phone.locator("html")).not_to_have_attribute("data-theme", re.compile("."))
    assert _background(phone) == light
    assert "gravl_theme" not in {cookie["name"] for cookie in phone.context.cookies()}
