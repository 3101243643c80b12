"""A new account in a browser set to Chicago and US English: the welcome page already knows the
timezone and the unit, asks experience and goal once, and Today follows (issue 20)."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import PASSWORD, axe_violations, unique_email
from tests.e2e.live_server import VIEWPORTS, LiveServer


def test_a_us_lifter_starts_in_pounds_on_chicago_time(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORTS["mobile"],
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        timezone_id="America/Chicago",
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/signup")
        page.get_by_label("Email").fill(unique_email())
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Create account").click()
        page.wait_for_url("**/welcome")
        expect(page.get_by_label("Your timezone")).to_have_value("America/Chicago")
        expect(page.get_by_label("Pounds (lb)")).to_be_checked()
        expect(page.get_by_label("Intermediate")).to_be_checked()
        assert axe_violations(page) == []
        page.get_by_label("Beginner", exact=False).check()
        page.get_by_label("Hypertrophy (muscle size)").check()
        page.get_by_role("button", name="Save and go to Today").click()
        page.wait_for_url("**/today")
        page.goto("/settings")
        expect(page.get_by_label("Weight units")).to_have_value("lb")
        expect(page.get_by_label("Timezone")).to_have_value("America/Chicago")
        expect(page.get_by_label("Experience")).to_have_value("beginner")
        assert errors == []
    finally:
        context.close()
