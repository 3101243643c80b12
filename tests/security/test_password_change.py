"""Changing the password (issue 15): the current one confirms the owner, the new one must be
long and uncommon, and every other session ends."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Account

NEW_PASSWORD = "plates on the bar at dawn"


def _change(client: TestClient, account: Account, current: str, new: str) -> int:
    response = client.post(
        "/api/me/password",
        json={"current_password": current, "new_password": new},
        headers=account.headers,
    )
    return response.status_code


def _login(client: TestClient, email: str, password: str) -> int:
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    return response.status_code


def test_password_change_ends_every_other_session(client: TestClient, lifter: Account) -> None:
    other = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
    ).json()
    assert _change(client, lifter, lifter.password, NEW_PASSWORD) == 204
    assert (
        client.get(
            "/api/me", headers={"Authorization": f"Bearer {other['access_token']}"}
        ).status_code
        == 401
    )
    assert (
        client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code
        == 401
    )
    # The session that changed it goes on, and the new password is the one that works.
    assert client.get("/api/me", headers=lifter.headers).status_code == 200
    assert _login(client, lifter.email, lifter.password) == 401
    assert _login(client, lifter.email, NEW_PASSWORD) == 200


def test_wrong_current_password_is_refused_and_counted(client: TestClient, lifter: Account) -> None:
    for _ in range(5):
        assert _change(client, lifter, "not my password", NEW_PASSWORD) == 401
    # Five wrong guesses through this route lock the account like five failed sign-ins.
    locked = client.post(
        "/api/me/password",
        json={"current_password": lifter.password, "new_password": NEW_PASSWORD},
        headers=lifter.headers,
    )
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
    assert _login(client, lifter.email, lifter.password) == 429


def test_new_password_needs_twelve_characters(client: TestClient, lifter: Account) -> None:
    response = client.post(
        "/api/me/password",
        json={"current_password": lifter.password, "new_password": "eleven char"},
        headers=lifter.headers,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"] == [{"field": "new_password", "message": "Use at least 12 characters."}]
    assert _login(client, lifter.email, lifter.password) == 200


def test_breached_password_is_refused(client: TestClient, lifter: Account) -> None:
    for common in ("password1234", "qwertyuiop123", "iloveyou1234"):
        response = client.post(
            "/api/me/password",
            json={"current_password": lifter.password, "new_password": common},
            headers=lifter.headers,
        )
        assert response.status_code == 422, common
        assert "common" in response.json()["error"]["message"].lower() or "guess" in (
            response.json()["error"]["message"].lower()
        ), common
    registered = client.post(
        "/api/auth/register", json={"email": "new@example.com", "password": "password1234"}
    )
    assert registered.status_code == 422


def test_existing_short_password_still_signs_in(client: TestClient) -> None:
    """Accounts made under the old 8-character rule keep their password until they change it."""
    from sqlalchemy import update

    from gravl.auth.models import User
    from gravl.auth.security import hash_password

    account = Account(client, "old@example.com")
    database = client.app.state.database  # type: ignore[attr-defined]

    async def set_old_password() -> None:
        async with database.sessionmaker() as session, session.begin():
            await session.execute(
                update(User)
                .where(User.id == account.id)
                .values(password_hash=await hash_password("8charpw!"))
            )

    client.portal.call(set_old_password)  # type: ignore[union-attr]
    assert _login(client, account.email, "8charpw!") == 200


def test_unicode_and_spaces_are_kept(client: TestClient, lifter: Account) -> None:
    new = "  crème brûlée 🏋️ squats  "
    assert _change(client, lifter, lifter.password, new) == 204
    assert _login(client, lifter.email, new) == 200
    assert _login(client, lifter.email, new.strip()) == 401
