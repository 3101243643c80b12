"""Security events (issue 15): stored for the lifter, logged with the client, counted."""

from __future__ import annotations

import json

import pytest
import structlog
import structlog.testing
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from gravl.auth import events
from tests.conftest import Account


def _events(client: TestClient, account: Account, **params: int) -> list[dict[str, object]]:
    response = client.get("/api/me/security-events", params=params, headers=account.headers)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    items: list[dict[str, object]] = response.json()["items"]
    return items


def _count(event: str) -> float:
    return REGISTRY.get_sample_value("gravl_security_events_total", {"event": event}) or 0.0


def test_events_are_stored_and_listed_newest_first(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    client.post("/api/auth/login", json={"email": lifter.email, "password": "a wrong guess"})
    tokens = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
    ).json()
    client.post(
        "/api/me/password",
        json={"current_password": lifter.password, "new_password": "a brand new passphrase"},
        headers=lifter.headers,
    )
    client.post("/api/auth/logout", headers=lifter.headers)
    fresh = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": "a brand new passphrase"}
    ).json()
    account = Account.__new__(Account)
    account.headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    events = _events(client, account)
    assert [e["event"] for e in events] == [
        "login_succeeded",
        "logout",
        "password_changed",
        "login_succeeded",
        "login_failed",
        "login_succeeded",  # registration's sign-in
        "account_created",
    ]
    ids = [e["id"] for e in events]
    assert ids == sorted(ids, reverse=True)  # type: ignore[type-var]
    assert all(e["client"] == "testclient" for e in events)
    # Someone else's events are not listed, and pages continue with `before`.
    assert all(e["event"] != "login_failed" for e in _events(client, other_lifter))
    page = client.get(
        "/api/me/security-events", params={"limit": 3}, headers=account.headers
    ).json()
    assert [e["id"] for e in page["items"]] == ids[:3] and page["next_before"] == ids[2]
    rest = _events(client, account, before=page["next_before"])
    assert [e["id"] for e in rest] == ids[3:]
    del tokens


def test_events_are_logged_with_the_client_address(
    client: TestClient, lifter: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    logger = structlog.testing.CapturingLogger()
    monkeypatch.setattr(events, "log", logger)
    client.post(
        "/api/auth/login",
        json={"email": lifter.email, "password": "wrong"},
        headers={"User-Agent": "curl/8.0"},
    )
    calls = [c for c in logger.calls if c.args == ("security_event",)]
    assert [c.method_name for c in calls] == ["info"]
    line = calls[0].kwargs
    assert line["security_event"] == "login_failed"
    assert (line["client"], line["user_agent"], line["user_id"]) == (
        "testclient",
        "curl/8.0",
        lifter.id,
    )
    assert lifter.email not in json.dumps(line, default=str)  # the address is never logged


def test_events_are_counted_by_type(client: TestClient, lifter: Account) -> None:
    before = {e: _count(e) for e in ("login_failed", "login_succeeded", "lockout")}
    for _ in range(5):
        client.post("/api/auth/login", json={"email": lifter.email, "password": "no"})
    assert _count("login_failed") - before["login_failed"] == 5
    assert _count("lockout") - before["lockout"] == 1
    assert _count("login_succeeded") == before["login_succeeded"]
    exposition = client.get("/metrics")
    if exposition.status_code == 200:  # served on the metrics port in production
        assert "gravl_security_events_total" in exposition.text


def test_failed_sign_in_of_an_unknown_email_is_logged_not_stored(
    client: TestClient, lifter: Account
) -> None:
    before = _count("login_failed")
    response = client.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": "anything"}
    )
    assert response.status_code == 401
    assert _count("login_failed") == before + 1
    assert all(e["event"] != "login_failed" for e in _events(client, lifter))
