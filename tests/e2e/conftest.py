"""Browser fixtures: one live server and one Chromium per run, a fresh context per test.

Every test runs on a phone (375×812, touch) and a desktop (1280×800) viewport. A page fails its
test when the browser logs an error (a CSP violation, a 404 asset, a script error).
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Response,
    sync_playwright,
)

from tests.e2e.live_server import CHROMIUM, CHROMIUM_ARGS, GRAVL, VIEWPORTS, LiveServer

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
PASSWORD = "correct horse 1"
# web.dev's "good" Cumulative Layout Shift threshold.
MAX_LAYOUT_SHIFT = 0.1

# Layout shifts, summed like the Cumulative Layout Shift metric (web.dev/cls).
_RECORD_LAYOUT_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture(scope="package")
def live_server() -> Iterator[LiveServer]:
    with LiveServer() as server:
        yield server


@pytest.fixture(scope="package")
def demo_server(live_server: LiveServer) -> LiveServer:
    """The live server with the demo lifter (gravl.demo) added: months of training, full pages."""
    subprocess.run([str(GRAVL), "demo"], env=live_server.env, check=True, capture_output=True)
    return live_server


# Package scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it lives, and later suites call asyncio.run(), which refuses to nest.
@pytest.fixture(scope="package")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Browser, live_server: LiveServer, viewport: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORTS[viewport],
        has_touch=viewport == "mobile",
        is_mobile=viewport == "mobile",
        # A new account takes its unit from the browser's locale (gravl/web/static/js/
        # onboarding.js): a British one keeps kilograms, which the tests' numbers are in.
        locale="en-GB",
    )
    context.add_init_script(_RECORD_LAYOUT_SHIFTS)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # A form answered 401/403/422 is logged as a failed load: expected, the page shows why.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == []


def unique_email() -> str:
    return f"lifter-{uuid.uuid4().hex[:10]}@example.com"


def sign_up(page: Page, email: str | None = None) -> str:
    email = email or unique_email()
    page.goto("/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/welcome")
    page.get_by_role("link", name="Skip for now").click()
    page.wait_for_url("**/today")
    return email


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)  # through the debugger protocol, so the page's CSP allows it
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


def layout_shift(page: Page) -> float:
    return float(page.evaluate("window.__layoutShift"))
