"""The "Sign-in and security" page: password change, two-factor setup, sessions, activity."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.auth.totp import code_at
from gravl.config import Settings
from gravl.web.pages.security import describe_agent, time_ago
from tests.conftest import Account
from tests.web.helpers import PASSWORD, csrf_from, field_error, post_form, sign_up

PAGE = "/settings/security"
NEW_PASSWORD = "mauve lantern orbit 42"
ACTIONS = [
    "/settings/security/password",
    "/settings/security/totp",
    "/settings/security/totp/confirm",
    "/settings/security/totp/disable",
    "/settings/security/sessions/revoke-others",
    "/settings/security/sessions/0123456789abcdef/revoke",
]


def _api_login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """A second session, as an app makes it; its bearer headers."""
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _session_id(client: TestClient, headers: dict[str, str]) -> str:
    sessions = client.get("/api/me/sessions", headers=headers).json()
    return str(next(s["id"] for s in sessions if s["current"]))


def _rows(html: str, table: str) -> list[str]:
    body = re.search(rf'<table class="{table}[ "].*?<tbody[^>]*>(.*?)</tbody>', html, re.S)
    assert body, f"no {table} table"
    rows = body.group(1).split("</tr>")[:-1]
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def _secret(html: str) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html)
    assert match, "no secret on the page"
    return match.group(1).replace(" ", "")


def _enable_totp(web: TestClient) -> tuple[str, list[str], datetime]:
    """Two-factor on through the pages: the secret, the recovery codes, the code's moment."""
    setup = post_form(web, PAGE, PAGE + "/totp", {})
    assert setup.status_code == 200
    secret = _secret(setup.text)
    now = datetime.now(UTC)
    done = post_form(web, PAGE, PAGE + "/totp/confirm", {"code": code_at(secret, now)})
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", done.text)
    return secret, codes, now


def test_the_page_needs_signing_in(client: TestClient) -> None:
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fsettings%2Fsecurity"


def test_settings_links_to_the_page(web: TestClient) -> None:
    assert 'href="/settings/security"' in web.get("/settings").text
    page = web.get(PAGE)
    assert page.status_code == 200
    assert "<h1>Sign-in and security</h1>" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_the_pages_keep_to_the_csp(web: TestClient) -> None:
    """No inline styles or scripts (the QR code included), nothing but this site's assets."""
    setup = post_form(web, PAGE, PAGE + "/totp", {})
    codes = post_form(
        web, PAGE, PAGE + "/totp/confirm", {"code": code_at(_secret(setup.text), datetime.now(UTC))}
    )
    for html in (web.get(PAGE).text, setup.text, codes.text):
        assert not re.search(r"\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=", html)


def test_sessions_show_this_browser_and_an_app(web: TestClient, lifter: Account) -> None:
    _api_login(web, lifter.email)
    rows = _rows(web.get(PAGE).text, "sessions")
    # The registration's session, the browser's and the new app sign-in.
    assert len(rows) == 3
    assert "This device" in rows[0] and rows[0].startswith("Browser")
    assert sum("This device" in row for row in rows) == 1
    assert sum("App or API" in row for row in rows) == 2
    assert all("testclient" in row for row in rows)  # the client's address
    assert "Sign out" not in rows[0]  # no button to end this browser's own session
    assert all("Sign out App or API" in row for row in rows[1:])
    assert "Sign out everywhere else" in web.get(PAGE).text


def test_signing_out_another_session_ends_its_token(web: TestClient, lifter: Account) -> None:
    app = _api_login(web, lifter.email)
    target = _session_id(web, app)
    assert f"/settings/security/sessions/{target}/revoke" in web.get(PAGE).text
    response = post_form(web, PAGE, f"{PAGE}/sessions/{target}/revoke", {})
    assert response.status_code == 303
    assert response.headers["location"] == PAGE + "?done=session"
    assert web.get("/api/me", headers=app).status_code == 401
    assert web.get("/api/me", headers=lifter.headers).status_code == 200  # the other app's
    page = web.get(PAGE + "?done=session").text
    assert 'role="status">That device is signed out.<' in page
    assert target not in page
    assert "Signed out a device" in page


def test_a_session_that_is_not_yours_is_not_found(
    web: TestClient, lifter: Account, other_lifter: Account
) -> None:
    theirs = _session_id(web, other_lifter.headers)
    for session_id in (theirs, "no-such-session", "x" * 65):
        response = post_form(web, PAGE, f"{PAGE}/sessions/{session_id}/revoke", {})
        assert response.status_code == 404, session_id
        assert '"error"' not in response.text  # a page, not the JSON envelope
    assert web.get("/api/me", headers=other_lifter.headers).status_code == 200


def test_sign_out_everywhere_else_keeps_this_browser(web: TestClient, lifter: Account) -> None:
    app = _api_login(web, lifter.email)
    response = post_form(web, PAGE, PAGE + "/sessions/revoke-others", {})
    assert response.headers["location"] == PAGE + "?done=others"
    for headers in (app, lifter.headers):
        assert web.get("/api/me", headers=headers).status_code == 401
    page = web.get(PAGE + "?done=others")
    assert page.status_code == 200
    assert "You are signed out everywhere else." in page.text
    assert len(_rows(page.text, "sessions")) == 1
    assert "You are signed in on this device only." in page.text


def test_ending_this_browsers_own_session_signs_it_out(web: TestClient, lifter: Account) -> None:
    # No button offers it; a crafted post is signing out.
    sessions = web.get("/api/me/sessions", headers=lifter.headers).json()
    own = next(s["id"] for s in sessions if s["kind"] == "web")
    response = post_form(web, PAGE, f"{PAGE}/sessions/{own}/revoke", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?signed_out=1"
    assert web.get(PAGE, follow_redirects=False).status_code == 303
    assert web.get("/api/me", headers=lifter.headers).status_code == 200


def test_password_change_wrong_current_password(web: TestClient, lifter: Account) -> None:
    response = post_form(
        web,
        PAGE,
        PAGE + "/password",
        {"current_password": "not my password", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 401
    assert field_error(response.text, "current_password") == "Password is not correct."
    assert 'aria-describedby="current_password-error"' in response.text
    assert 'value="not my password"' not in response.text  # passwords are never echoed
    assert "Wrong password" in response.text  # recorded, and listed at once
    assert web.get("/api/me", headers=lifter.headers).status_code == 200  # nothing ended


@pytest.mark.parametrize(
    ("new_password", "message"),
    [("short", "Use at least 12 characters."), ("", "Use at least 12 characters.")],
)
def test_password_change_weak_new_password(
    web: TestClient, lifter: Account, new_password: str, message: str
) -> None:
    response = post_form(
        web, PAGE, PAGE + "/password", {"current_password": PASSWORD, "new_password": new_password}
    )
    assert response.status_code == 422
    assert field_error(response.text, "new_password") == message
    described = "new_password-hint new_password-error new_password-strength"
    assert f'aria-describedby="{described}"' in response.text  # hint, error, then the meter
    assert web.get("/api/me", headers=lifter.headers).status_code == 200


def test_password_change_common_password_is_refused(web: TestClient) -> None:
    response = post_form(
        web,
        PAGE,
        PAGE + "/password",
        {"current_password": PASSWORD, "new_password": "password1234!"},
    )
    assert response.status_code == 422
    assert field_error(response.text, "new_password")


def test_password_change_needs_the_current_password(web: TestClient) -> None:
    response = post_form(web, PAGE, PAGE + "/password", {"new_password": NEW_PASSWORD})
    assert response.status_code == 422
    assert field_error(response.text, "current_password") == "Enter your password."
    assert "Wrong password" not in response.text  # not counted as a guess


def test_password_change_ends_other_sessions_and_keeps_this_one(
    web: TestClient, lifter: Account
) -> None:
    app = _api_login(web, lifter.email)
    response = post_form(
        web, PAGE, PAGE + "/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 303
    assert response.headers["location"] == PAGE + "?done=password"
    for headers in (app, lifter.headers):
        assert web.get("/api/me", headers=headers).status_code == 401
    assert web.get("/today").status_code == 200
    page = web.get(PAGE + "?done=password").text
    assert "Password changed. Every other device has been signed out." in page
    assert "Password changed" in _rows(page, "security-events")[0]
    _api_login(web, lifter.email, NEW_PASSWORD)
    old = web.post("/api/auth/login", json={"email": lifter.email, "password": PASSWORD})
    assert old.status_code == 401


def test_password_change_spaces_are_part_of_the_password(web: TestClient, lifter: Account) -> None:
    spaced = "  " + NEW_PASSWORD + "  "
    response = post_form(
        web, PAGE, PAGE + "/password", {"current_password": PASSWORD, "new_password": spaced}
    )
    assert response.status_code == 303
    _api_login(web, lifter.email, spaced)


def test_password_change_reports_the_account_lock(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"login_max_failures": 2}))) as web:
        sign_up(web, "ada@example.com")
        wrong = {"current_password": "not it at all", "new_password": NEW_PASSWORD}
        for _ in range(2):
            assert post_form(web, PAGE, PAGE + "/password", wrong).status_code == 401
        response = post_form(
            web,
            PAGE,
            PAGE + "/password",
            {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert re.search(r'role="alert">Too many failed logins.*Try again in \d+', response.text)
        assert "Account locked after repeated failures" in response.text


def test_two_factor_setup_shows_a_qr_code_and_the_secret(web: TestClient) -> None:
    assert "Set up two-factor sign-in" in web.get(PAGE).text
    response = post_form(web, PAGE, PAGE + "/totp", {})
    assert response.status_code == 200
    assert "<svg" in response.text and "<?xml" not in response.text
    assert "style=" not in response.text  # the CSP forbids inline styles
    secret = _secret(response.text)
    assert len(secret) == 32
    grouped = re.search(r'id="totp-secret">([^<]+)<', response.text)
    assert grouped and all(len(group) == 4 for group in grouped.group(1).split(" "))
    assert 'action="/settings/security/totp/confirm"' in response.text
    assert 'autocomplete="one-time-code"' in response.text


def test_a_wrong_first_code_is_refused_and_the_same_secret_shown(web: TestClient) -> None:
    secret = _secret(post_form(web, PAGE, PAGE + "/totp", {}).text)
    right = code_at(secret, datetime.now(UTC))
    wrong = f"{(int(right) + 500_000) % 1_000_000:06d}"
    response = post_form(web, PAGE, PAGE + "/totp/confirm", {"code": wrong})
    assert response.status_code == 422
    assert field_error(response.text, "code") == (
        "The code is not correct; check the app's clock and try again."
    )
    assert _secret(response.text) == secret  # the app already holds it: no new one
    assert "<svg" in response.text
    empty = post_form(web, PAGE, PAGE + "/totp/confirm", {"code": ""})
    assert empty.status_code == 422
    assert field_error(empty.text, "code") == "Enter the 6-digit code from your authenticator app."
    assert "Off." in web.get(PAGE).text


def test_two_factor_on_then_sign_in_asks_for_the_code(web: TestClient, lifter: Account) -> None:
    secret, codes, now = _enable_totp(web)
    assert len(codes) == 10 and len(set(codes)) == 10
    page = web.get(PAGE).text
    assert "Turn off two-factor sign-in" in page
    assert "Two-factor sign-in turned on" in _rows(page, "security-events")[0]
    # Confirming again (a reload of the codes page) shows no new codes.
    again = post_form(web, PAGE, PAGE + "/totp/confirm", {"code": code_at(secret, now)})
    assert again.status_code == 409
    assert "Two-factor sign-in is already on." in again.text

    post_form(web, "/today", "/signout", {})
    response = post_form(
        web, "/signin", "/signin", {"email": lifter.email, "password": lifter.password}
    )
    assert response.status_code == 200
    assert "Enter your code" in response.text
    mfa_token = re.search(r'name="mfa_token" value="([^"]+)"', response.text)
    assert mfa_token
    # The step after the one the setup used: a code is never accepted twice.
    response = web.post(
        "/signin/code",
        data={
            "mfa_token": mfa_token.group(1),
            "code": code_at(secret, now + timedelta(seconds=30)),
            "next": "/settings/security",
            "csrf_token": csrf_from(response.text),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/settings/security"
    assert web.get(PAGE).status_code == 200


def test_turning_two_factor_off_needs_the_password_and_a_code(web: TestClient) -> None:
    secret, codes, now = _enable_totp(web)
    disable = PAGE + "/totp/disable"
    missing = post_form(web, PAGE, disable, {})
    assert missing.status_code == 422
    assert field_error(missing.text, "password") == "Enter your password."
    assert field_error(missing.text, "code") == (
        "Enter a code from your authenticator app, or a recovery code."
    )
    wrong_password = post_form(
        web, PAGE, disable, {"password": "not my password", "code": codes[0]}
    )
    assert wrong_password.status_code == 401
    assert field_error(wrong_password.text, "password") == "Password is not correct."
    wrong_code = post_form(web, PAGE, disable, {"password": PASSWORD, "code": "123"})
    assert wrong_code.status_code == 401
    assert field_error(wrong_code.text, "code") == "The two-factor code is not correct."
    assert "Wrong two-factor code" in wrong_code.text
    # The code of the next step works (this step's was spent turning it on).
    response = post_form(
        web,
        PAGE,
        disable,
        {"password": PASSWORD, "code": code_at(secret, now + timedelta(seconds=30))},
    )
    assert response.status_code == 303
    assert response.headers["location"] == PAGE + "?done=totp_off"
    page = web.get(PAGE + "?done=totp_off").text
    assert "Two-factor sign-in is off." in page
    assert "Set up two-factor sign-in" in page
    assert "Two-factor sign-in turned off" in _rows(page, "security-events")[0]


def test_a_recovery_code_turns_two_factor_off(web: TestClient) -> None:
    _secret_, codes, _now = _enable_totp(web)
    response = post_form(
        web, PAGE, PAGE + "/totp/disable", {"password": PASSWORD, "code": codes[3].upper()}
    )
    assert response.status_code == 303


def test_activity_lists_sign_ins_and_wrong_passwords(web: TestClient, lifter: Account) -> None:
    failed = web.post("/api/auth/login", json={"email": lifter.email, "password": "nope nope"})
    assert failed.status_code == 401
    rows = _rows(web.get(PAGE).text, "security-events")
    assert rows[0].startswith("Wrong password")
    assert any(row.startswith("Signed in") for row in rows)
    assert rows[-1].startswith("Account created")
    assert all("testclient" in row for row in rows)


def test_activity_shows_the_last_twenty_events(web: TestClient, lifter: Account) -> None:
    for _ in range(22):
        _api_login(web, lifter.email)
    assert len(_rows(web.get(PAGE).text, "security-events")) == 20


@pytest.mark.parametrize("action", ACTIONS)
def test_posts_without_a_csrf_token_change_nothing(
    web: TestClient, lifter: Account, action: str
) -> None:
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "password": PASSWORD}
    for sent in ({}, {"csrf_token": "0" * 64}):
        response = web.post(action, data={**data, **sent}, follow_redirects=False)
        assert response.status_code == 403, (action, sent)
    assert web.get("/api/me", headers=lifter.headers).status_code == 200
    page = web.get(PAGE).text
    assert "Off." in page
    assert "Password changed" not in page


@pytest.mark.parametrize(
    ("agent", "described"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0",
            "Firefox on macOS",
        ),
        ("python-httpx/0.28.1", "python-httpx/0.28.1"),
        ("", "Unknown device"),
    ],
)
def test_user_agents_in_a_few_words(agent: str, described: str) -> None:
    assert describe_agent(agent) == described


def test_times_ago() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    assert time_ago(now - timedelta(seconds=50), now) == "just now"
    assert time_ago(now - timedelta(minutes=1, seconds=10), now) == "just now"
    assert time_ago(now - timedelta(minutes=5), now) == "5 minutes ago"
    assert time_ago(now - timedelta(hours=1, minutes=5), now) == "1 hour ago"
    assert time_ago(now - timedelta(days=3), now) == "3 days ago"
    assert time_ago(now + timedelta(seconds=5), now) == "just now"
