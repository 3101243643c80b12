"""Abuse limits that refused attempts cannot slip past (issue 15, findings 4 and 6)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from tests.conftest import Account


def test_refused_registrations_count_against_the_hourly_limit(settings: Settings) -> None:
    tight = settings.model_copy(update={"register_per_hour": 4})
    with TestClient(create_app(tight)) as client:
        taken = Account(client, "taken@example.com")
        conflicts = [
            client.post(
                "/api/auth/register", json={"email": taken.email, "password": "long enough pass"}
            ).status_code
            for _ in range(3)
        ]
        late = client.post(
            "/api/auth/register",
            json={"email": "fresh@example.com", "password": "long enough pass"},
        )
        refused_probe = client.post(
            "/api/auth/register", json={"email": taken.email, "password": "long enough pass"}
        )
        # The refused attempts kept nothing but their record: the account is unchanged.
        login = client.post(
            "/api/auth/login", json={"email": taken.email, "password": taken.password}
        )
    assert conflicts == [409, 409, 409]
    assert late.status_code == 429 and int(late.headers["Retry-After"]) > 0
    assert refused_probe.status_code == 429
    assert login.status_code == 200


def test_wrong_passwords_on_account_deletion_are_limited_like_logins(
    client: TestClient, lifter: Account
) -> None:
    statuses = [
        client.request(
            "DELETE", "/api/me", json={"password": "guess"}, headers=lifter.headers
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [401] * 5 + [429]
    # The same ledger as login: the account is locked there too, even with the right password.
    login = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
    )
    assert login.status_code == 429
    right = client.request(
        "DELETE", "/api/me", json={"password": lifter.password}, headers=lifter.headers
    )
    assert right.status_code == 429
    assert client.get("/api/me", headers=lifter.headers).status_code == 200


def test_failed_logins_count_against_account_deletion(client: TestClient, lifter: Account) -> None:
    for _ in range(5):
        response = client.post("/api/auth/login", json={"email": lifter.email, "password": "bad"})
        assert response.status_code == 401
    guess = client.request("DELETE", "/api/me", json={"password": "guess"}, headers=lifter.headers)
    assert guess.status_code == 429
