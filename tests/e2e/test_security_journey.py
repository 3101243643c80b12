"""Sign-in and security in a real browser, phone and desktop: two-factor sign-in from setup to
use, and ending a session signed in elsewhere."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
from playwright.sync_api import Page, expect

from gravl.auth.totp import STEP_SECONDS, code_at, time_step
from tests.e2e.conftest import MAX_LAYOUT_SHIFT, PASSWORD, axe_violations, layout_shift, sign_up
from tests.e2e.live_server import LiveServer


class Phone:
    """The authenticator app: a code the server accepts now and has not accepted before.

    The server takes the codes of the step before, at and after now, each once and only later
    than the last step it took (gravl.auth.totp). So three codes in a row need no waiting: the
    previous step's (while it has a few seconds left), this step's, the next step's; past
    those, the app waits for the clock.
    """

    MARGIN_S = 8  # time to type a code and have it checked

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.last_step: int | None = None

    def code(self) -> str:
        while True:
            moment = datetime.now(UTC)
            now = time_step(moment)
            left_s = STEP_SECONDS - moment.timestamp() % STEP_SECONDS
            earliest = now - 1 if left_s > self.MARGIN_S else now
            step = earliest if self.last_step is None else max(earliest, self.last_step + 1)
            if step <= now + 1:
                break
            time.sleep(0.2)
        self.last_step = step
        return code_at(self.secret, datetime.fromtimestamp(step * STEP_SECONDS, UTC))


def test_sign_up_enable_totp_sign_in_with_code_and_revoke_a_session(
    page: Page, live_server: LiveServer
) -> None:
    heading = page.get_by_role("heading", level=1)
    email = sign_up(page)
    page.get_by_role("link", name="Settings", exact=True).click()
    page.get_by_role("link", name="Sign-in and security").click()
    page.wait_for_url("**/settings/security")
    expect(heading).to_have_text("Sign-in and security")
    assert axe_violations(page) == []

    # Two-factor setup: scan (here: read) the key, enter the app's code, see the recovery codes.
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(heading).to_have_text("Set up two-factor sign-in")
    expect(page.locator("figure.totp-qr svg")).to_be_visible()
    assert axe_violations(page) == []
    phone = Phone(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code", exact=True).fill(phone.code())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(heading).to_have_text("Save your recovery codes")
    expect(page.get_by_role("status")).to_have_text("Two-factor sign-in is on.")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    assert axe_violations(page) == []
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.get_by_role("button", name="Turn off two-factor sign-in")).to_be_visible()

    # Signing in now takes the password, then a code.
    page.get_by_role("button", name="Sign out", exact=True).click()
    page.wait_for_url("**/signin?signed_out=1")
    page.get_by_label("Email").fill(email)
    password = page.get_by_label("Password")
    password.fill(PASSWORD)
    # The typed password can be checked and masked again (ASVS 2.1.12).
    page.get_by_role("button", name="Show password").click()
    expect(password).to_have_attribute("type", "text")
    hide = page.get_by_role("button", name="Hide password")
    expect(hide).to_have_attribute("aria-pressed", "true")
    hide.click()
    expect(password).to_have_attribute("type", "password")
    page.get_by_role("button", name="Sign in").click()
    expect(heading).to_have_text("Enter your code")
    assert axe_violations(page) == []
    page.get_by_label("Code").fill(phone.code())
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/today")

    # An app signs in too: the password, then a code, through the API.
    with httpx.Client(base_url=live_server.url, timeout=10) as app:
        login = app.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 401
        assert login.json()["error"]["code"] == "mfa_required"
        mfa_token = login.json()["error"]["mfa_token"]
        tokens = app.post("/api/auth/mfa", json={"mfa_token": mfa_token, "code": phone.code()})
        assert tokens.status_code == 200, tokens.text
        bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        assert app.get("/api/me", headers=bearer).status_code == 200

        page.goto("/settings/security")
        sessions = page.locator("table.sessions tbody tr")
        expect(sessions).to_have_count(2)
        expect(sessions.first).to_contain_text("This device")
        elsewhere = sessions.filter(has_text="App or API")
        expect(elsewhere).to_contain_text("python-httpx")
        assert axe_violations(page) == []
        assert layout_shift(page) < MAX_LAYOUT_SHIFT
        # Nothing is wider than the screen (a phone scrolls no page sideways).
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        elsewhere.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("status")).to_have_text("That device is signed out.")
        expect(sessions).to_have_count(1)
        expect(page.locator("table.security-events tbody tr").first).to_contain_text(
            "Signed out a device"
        )
        assert app.get("/api/me", headers=bearer).status_code == 401
