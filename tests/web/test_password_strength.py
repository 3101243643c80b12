"""The strength meter beside a new-password field (ASVS 2.1.8): it rates what is typed by the
rule the form applies when sent, sends nothing but the fields it needs, and is rate limited."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl import corridor
from gravl.config import Settings
from gravl.web.pages.auth import STRENGTH_CHECKS
from tests.web.helpers import csrf_from, sign_up

STRONG = "violet quarry lantern mosaic"


def _rate(client: TestClient, page: str, **fields: str) -> str:
    token = csrf_from(client.get(page).text)
    response = client.post(
        "/password-strength", data=fields, headers={"X-CSRF-Token": token, "HX-Request": "true"}
    )
    assert response.status_code == 200, response.text
    return re.sub(r"\s+", " ", response.text).strip()


def _field(page: str, name: str) -> str:
    found = re.search(rf'<input id="{name}" [^>]*>', page)
    assert found, name
    return found.group(0)


def test_sign_up_rates_the_password_with_the_email_and_name_only(client: TestClient) -> None:
    page = client.get("/signup").text
    field = _field(page, "password")
    assert 'hx-post="/password-strength"' in field
    assert 'hx-params="password,email,display_name"' in field  # not the CSRF field or others
    assert "password-strength" in field  # described by the meter's live region
    assert '<p class="strength" id="password-strength" aria-live="polite"></p>' in page


def test_the_meter_says_what_the_form_would_say(client: TestClient) -> None:
    common = _rate(client, "/signup", password="password1234!")
    assert "Very weak" in common or "Weak" in common
    assert "list of common or breached passwords" in common
    short = _rate(client, "/signup", password="tiny")
    assert "Use at least 12 characters." in short
    strong = _rate(client, "/signup", password=STRONG)
    assert ("Strong" in strong or "Good" in strong) and "Gravl will accept it." in strong
    # Made of the account's own name and address: weak for Ada, whatever zxcvbn thinks alone.
    own = _rate(
        client,
        "/signup",
        password="AdaLovelace2024!",
        email="ada.lovelace@example.com",
        display_name="Ada Lovelace",
    )
    assert "mostly your name or e-mail address" in own and "accept" not in own
    assert _rate(client, "/signup", password="") == ""


def test_signed_in_the_meter_uses_the_lifters_own_address(client: TestClient) -> None:
    sign_up(client, "grace.hopper@example.com")
    page = client.get("/settings/security").text
    assert 'hx-params="new_password"' in _field(page, "new_password")
    assert "hx-post" not in _field(page, "current_password")  # never sent while typing
    own = _rate(client, "/settings/security", new_password="gracehopper.example")
    assert "accept" not in own


def test_the_meter_needs_no_csrf_token_and_changes_nothing(client: TestClient) -> None:
    """A check sent after the sign-up form began a new session carries the old session's
    token; the meter answers it all the same, since it writes nothing."""
    sign_up(client, "racing@example.com")
    stale = {"X-CSRF-Token": "from-the-page-before-signing-up", "HX-Request": "true"}
    response = client.post("/password-strength", data={"password": STRONG}, headers=stale)
    assert response.status_code == 200 and "accept" in response.text
    assert "set-cookie" not in response.headers


def test_one_client_gets_a_bounded_number_of_checks(client: TestClient) -> None:
    token = csrf_from(client.get("/signup").text)
    headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    statuses = [
        client.post("/password-strength", data={"password": ""}, headers=headers).status_code
        for _ in range(STRENGTH_CHECKS.amount + 1)
    ]
    assert statuses[:-1] == [200] * STRENGTH_CHECKS.amount
    assert statuses[-1] == 429


def test_the_meter_reads_without_taking_the_write_lock(
    client: TestClient, settings: Settings, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A POST only so that the password stays out of the URL: its unit of work reads (on
    SQLite no BEGIN IMMEDIATE), so checks made while typing never queue behind a write."""
    seen: list[bool] = []

    class Recording(corridor.UnitOfWork):
        def __init__(self, *args: Any, writes: bool, **kwargs: Any) -> None:
            seen.append(writes)
            super().__init__(*args, writes=writes, **kwargs)

    monkeypatch.setattr(corridor, "UnitOfWork", Recording)
    sign_up(client, "typing@example.com")  # signed in: the meter reads the lifter's row
    token = csrf_from(client.get("/settings/security").text)
    headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    seen.clear()
    body = {"new_password": STRONG}
    if backend == "sqlite":  # another connection holds the one writer's lock meanwhile
        path = settings.database_url.split(":///", 1)[1]
        with sqlite3.connect(path, timeout=1) as writer:
            writer.execute("BEGIN IMMEDIATE")
            rated = client.post("/password-strength", data=body, headers=headers)
            writer.rollback()
    else:
        rated = client.post("/password-strength", data=body, headers=headers)
    assert rated.status_code == 200 and "accept" in rated.text
    assert seen == [False]
    # A form that does write still takes the lock.
    saved = client.post(
        "/settings",
        data={"units": "kg", "timezone": "UTC", "experience": "beginner"},
        headers=headers,
    )
    assert saved.status_code == 204 and seen[-1] is True
