"""Sign up, sign in and sign out through the HTML forms: cookies, errors, CSRF."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from tests.web.helpers import PASSWORD, csrf_from, field_error, post_form, sign_up

PAGES = [
    "/today",
    "/history",
    "/history/new",
    "/progress",
    "/workouts",
    "/workouts/1",
    "/programs",
    "/import",
    "/imports/names",
    "/settings",
    "/welcome",
    "/check-in",
    "/exercises/new",
    "/exercises",
    "/exercises/1",
]
FORMS = ["/signin", "/signup", "/signout", "/settings"]


def _set_cookie_headers(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_strangers_to_sign_in_and_back(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=" + path.replace("/", "%2F")


def test_sign_up_starts_an_httponly_samesite_session(client: TestClient) -> None:
    response = sign_up(client, "ada@example.com")
    assert response.headers["location"] == "/welcome"
    cookie = _set_cookie_headers(response)["gravl_session"]
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain-HTTP development server
    today = client.get("/today")
    assert today.status_code == 200
    assert "Sign out" in today.text


def test_cookies_are_secure_when_hsts_is_on(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"hsts": True}))) as client:
        page = client.get("/signup")
        # Served over TLS, the cookies are __Host- prefixed: only this host can set them.
        assert "Secure" in _set_cookie_headers(page)["__Host-gravl_csrf"]
        # httpx keeps Secure cookies away from http://, as a browser would: send it by hand.
        token = csrf_from(page.text)
        client.cookies.set("__Host-gravl_csrf", page.cookies["__Host-gravl_csrf"])
        response = client.post(
            "/signup",
            data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert "Secure" in _set_cookie_headers(response)["__Host-gravl_session"]


@pytest.mark.parametrize(
    ("email", "password", "status", "field", "message"),
    [
        ("ada@example.com", "short", 422, "password", "Use at least 12 characters."),
        ("not-an-email", PASSWORD, 422, "email", "Enter an email address like name@example.com."),
        ("taken@example.com", PASSWORD, 409, "email", "An account with this email already exists."),
    ],
)
def test_sign_up_errors_sit_next_to_their_field(
    client: TestClient, email: str, password: str, status: int, field: str, message: str
) -> None:
    sign_up(client, "taken@example.com")
    client.cookies.clear()
    response = post_form(client, "/signup", "/signup", {"email": email, "password": password})
    assert response.status_code == status
    assert field_error(response.text, field) == message
    # The field is described by its error (and its hint, and the strength meter, if it has
    # them), and every description it names is on the page.
    described = re.search(rf'<input id="{field}" [^>]*aria-describedby="([^"]+)"', response.text)
    assert described is not None
    ids = described.group(1).split()
    assert f"{field}-error" in ids
    assert all(f'id="{name}"' in response.text for name in ids)
    assert '"error"' not in response.text  # never the JSON envelope
    assert f'value="{email}"' in response.text  # what was typed is kept


def test_sign_in_with_a_wrong_password_says_so_and_keeps_the_email(client: TestClient) -> None:
    sign_up(client, "ada@example.com")
    client.cookies.clear()
    response = post_form(
        client, "/signin", "/signin", {"email": "ada@example.com", "password": "wrong password"}
    )
    assert response.status_code == 401
    assert 'role="alert">Invalid email or password.<' in response.text
    assert 'value="ada@example.com"' in response.text


def test_sign_in_reports_the_rate_limit_with_a_wait(settings: Settings) -> None:
    limited = settings.model_copy(update={"login_max_failures": 2})
    with TestClient(create_app(limited)) as client:
        sign_up(client, "ada@example.com")
        client.cookies.clear()
        for _ in range(2):
            post_form(client, "/signin", "/signin", {"email": "ada@example.com", "password": "x"})
        response = post_form(
            client, "/signin", "/signin", {"email": "ada@example.com", "password": PASSWORD}
        )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert re.search(r"Too many failed logins.*Try again in \d+ minutes?\.", response.text)


def test_sign_in_goes_to_the_page_asked_for_but_never_off_site(client: TestClient) -> None:
    sign_up(client, "ada@example.com")
    client.cookies.clear()
    credentials = {"email": "ada@example.com", "password": PASSWORD}
    response = post_form(client, "/signin", "/signin", {**credentials, "next": "/programs"})
    assert response.headers["location"] == "/programs"
    for evil in ("//evil.example", "https://evil.example/", "/\\evil.example"):
        client.cookies.clear()
        response = post_form(client, "/signin", "/signin", {**credentials, "next": evil})
        assert response.headers["location"] == "/today"


def test_sign_out_ends_the_session_for_good(client: TestClient) -> None:
    sign_up(client, "ada@example.com")
    session_cookie = client.cookies["gravl_session"]
    response = post_form(client, "/today", "/signout", {})
    assert response.headers["location"] == "/signin?signed_out=1"
    assert client.get("/signin?signed_out=1").text.count("You are signed out.") == 1
    # The old cookie, replayed (say, stolen), no longer opens anything.
    client.cookies.set("gravl_session", session_cookie)
    assert client.get("/today", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("action", FORMS)
def test_posts_without_a_valid_csrf_token_are_refused(client: TestClient, action: str) -> None:
    sign_up(client, "ada@example.com")
    token = csrf_from(client.get("/settings").text)
    data = {"email": "ada@example.com", "password": PASSWORD, "units": "lb"}
    for sent in ({}, {"csrf_token": ""}, {"csrf_token": "0" * 64}, {"csrf_token": token + "0"}):
        response = client.post(action, data={**data, **sent}, follow_redirects=False)
        assert response.status_code == 403, (action, sent)
        assert "This form has expired" in response.text
    assert '<option value="lb" selected>' not in client.get("/settings").text


def test_a_csrf_token_is_bound_to_one_session(client: TestClient) -> None:
    anonymous_token = csrf_from(client.get("/signin").text)
    sign_up(client, "ada@example.com")
    response = client.post(
        "/settings",
        data={
            "units": "lb",
            "timezone": "UTC",
            "experience": "beginner",
            "csrf_token": anonymous_token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_htmx_requests_may_send_the_token_in_a_header(client: TestClient) -> None:
    sign_up(client, "ada@example.com")
    token = csrf_from(client.get("/settings").text)
    response = client.post(
        "/settings",
        data={"units": "lb", "timezone": "UTC", "experience": "beginner"},
        headers={"X-CSRF-Token": token, "HX-Request": "true"},
    )
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/settings?saved=1"


@pytest.mark.parametrize("path", ["/signin", "/signup"])
def test_every_password_field_can_be_shown(client: TestClient, path: str) -> None:
    """ASVS 2.1.12: each masked field has its show control (gravl.js unhides it; without
    JavaScript the field simply stays masked), tied to the field it shows."""
    page = client.get(path).text
    fields = re.findall(r'<input id="([^"]+)" name="[^"]+" type="password"', page)
    assert fields
    for field in fields:
        control = re.search(rf'<button type="button"[^>]*data-show-password="{field}"[^>]*>', page)
        assert control is not None, f"no show control for {field}"
        assert f'aria-controls="{field}"' in control.group(0)
        assert 'aria-pressed="false"' in control.group(0) and " hidden" in control.group(0)
