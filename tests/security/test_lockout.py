"""Targeted lockout (issue 15, finding 11): five wrong passwords from anyone locked the owner out
for 15 minutes. The lock stays for strangers and grows; a device that signed in before passes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from gravl.auth.models import AuthAttempt
from gravl.config import Settings
from gravl.db import Database
from tests.conftest import Account


def _login(client: TestClient, account: Account, password: str, device: str | None = None) -> int:
    body = {"email": account.email, "password": password}
    if device is not None:
        body["device_token"] = device
    return client.post("/api/auth/login", json=body).status_code


def _lock(client: TestClient, account: Account, failures: int = 5) -> None:
    for _ in range(failures):
        assert _login(client, account, "an attacker's guess") == 401


def test_known_device_passes_a_locked_account(client: TestClient, lifter: Account) -> None:
    _lock(client, lifter)
    # The attacker (no device token) and a new device are held …
    assert _login(client, lifter, lifter.password) == 429
    # … the owner's phone, which signed in before, is not.
    assert _login(client, lifter, lifter.password, device=lifter.device_token) == 200
    # A stolen device token is still limited by its own failures.
    for _ in range(5):
        assert _login(client, lifter, "guess", device=lifter.device_token) == 401
    assert _login(client, lifter, lifter.password, device=lifter.device_token) == 429


def test_device_token_of_another_account_does_not_help(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    _lock(client, lifter)
    assert _login(client, lifter, lifter.password, device=other_lifter.device_token) == 429
    forged = lifter.device_token[:-4] + "0000"
    assert _login(client, lifter, lifter.password, device=forged) == 429


def test_lockout_grows_with_repeated_failures(
    client: TestClient, lifter: Account, settings: Settings
) -> None:
    def retry_after() -> int:
        response = client.post(
            "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
        )
        assert response.status_code == 429
        return int(response.headers["Retry-After"])

    def age_failures(seconds: int) -> None:
        """Let time pass for the failures recorded so far."""

        async def run() -> None:
            database = Database(settings)
            try:
                async with database.sessionmaker() as session, session.begin():
                    failures = await session.scalars(
                        select(AuthAttempt).where(AuthAttempt.kind == "login_failure")
                    )
                    for failure in failures:
                        failure.created_at -= timedelta(seconds=seconds)
            finally:
                await database.dispose()

        asyncio.run(run())

    _lock(client, lifter)
    first = retry_after()
    assert 0 < first <= 61
    waits = [first]
    for _ in range(3):
        age_failures(waits[-1] + 1)  # the lock has run out: one more guess is allowed
        assert _login(client, lifter, "another guess") == 401
        waits.append(retry_after())
    # Each further failure doubles the wait: ~1, 2, 4, 8 minutes …
    assert waits == sorted(waits) and waits[-1] >= 7 * 60, waits
    assert waits[-1] <= settings.login_window_s + 1
