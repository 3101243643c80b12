"""What an account means, on the web: the privacy notice beside the sign-up button (ASVS 8.3.3)
and deleting the account from Settings (ASVS 8.3.2), as the API's ``DELETE /api/me`` does."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gravl.auth import events, ratelimit, sessions
from gravl.config import Settings
from tests.web.helpers import PASSWORD, field_error, post_form, sign_up

SECURITY = "/settings/security"


def test_the_notice_is_public_and_states_the_codes_own_durations(
    client: TestClient, settings: Settings
) -> None:
    page = client.get("/privacy")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    text = page.text
    day_s = 86_400
    for stated in (
        f"after {settings.refresh_token_ttl_s // day_s} days unused",
        f"after {settings.session_lifetime_s // day_s} days at most",
        f"kept {sessions.ENDED_KEPT.days} days more",
        f"kept {events.KEPT.days} days",
        f"Kept {int(ratelimit.RETENTION.total_seconds() // 3600)} hours",
    ):
        assert stated in text, stated
    assert "no analytics" in text


def test_sign_up_points_to_the_notice_beside_its_button(client: TestClient) -> None:
    page = client.get("/signup").text
    assert 'href="/privacy"' in page
    assert 'aria-describedby="privacy-notice"' in page and 'id="privacy-notice"' in page


def test_a_lifter_deletes_the_account_from_settings(client: TestClient) -> None:
    sign_up(client, "leaving@example.com")
    wrong = post_form(client, SECURITY, SECURITY + "/delete", {"delete_password": "not it at all"})
    assert wrong.status_code == 401
    assert field_error(wrong.text, "delete_password")
    assert client.get("/today", follow_redirects=False).status_code == 200  # still here

    empty = post_form(client, SECURITY, SECURITY + "/delete", {"delete_password": ""})
    assert empty.status_code == 422
    assert field_error(empty.text, "delete_password") == "Enter your password."

    done = post_form(client, SECURITY, SECURITY + "/delete", {"delete_password": PASSWORD})
    assert done.status_code == 303
    assert done.headers["location"] == "/signin?deleted=1"
    assert "deleted" in client.get("/signin?deleted=1").text
    # This browser is signed out, and the account is gone: its password signs nobody in.
    assert client.get("/today", follow_redirects=False).status_code in (302, 303)
    login = client.post(
        "/api/auth/login", json={"email": "leaving@example.com", "password": PASSWORD}
    )
    assert login.status_code == 401


def test_deleting_ends_the_accounts_api_sessions_too(client: TestClient) -> None:
    sign_up(client, "both@example.com")
    api = client.post("/api/auth/login", json={"email": "both@example.com", "password": PASSWORD})
    assert api.status_code == 200
    bearer = {"Authorization": f"Bearer {api.json()['access_token']}"}
    assert client.get("/api/me", headers=bearer).status_code == 200
    done = post_form(client, SECURITY, SECURITY + "/delete", {"delete_password": PASSWORD})
    assert done.status_code == 303
    assert client.get("/api/me", headers=bearer).status_code == 401
