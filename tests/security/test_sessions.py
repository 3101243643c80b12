"""Sessions that can be revoked (issue 15, finding 9 and the sessions API).

Each test reproduces what the attack report saw: an access token that outlived logout, reuse
detection or the account; a web cookie turned into an API session; a refresh chain renewing its
expiry forever.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import jwt
from fastapi.testclient import TestClient
from sqlalchemy import update

from gravl.app import create_app
from gravl.auth.models import AuthSession, RefreshToken
from gravl.config import Settings
from gravl.db import Database
from tests.conftest import Account
from tests.web.helpers import sign_up


def _login(client: TestClient, account: Account) -> dict[str, str]:
    response = client.post(
        "/api/auth/login", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def _bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _age_session(settings: Settings, session_id: str, **values: datetime) -> None:
    """Move a session's clock, as time passing would."""

    async def run() -> None:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session, session.begin():
                await session.execute(
                    update(AuthSession).where(AuthSession.id == session_id).values(**values)
                )
        finally:
            await database.dispose()

    asyncio.run(run())


def test_access_token_dies_with_logout(client: TestClient, lifter: Account) -> None:
    assert client.get("/api/me", headers=lifter.headers).status_code == 200
    response = client.post(
        "/api/auth/logout", json={"refresh_token": lifter.refresh_token}, headers=lifter.headers
    )
    assert response.status_code == 204
    # Before sessions, the access token kept working for up to 15 minutes.
    assert client.get("/api/me", headers=lifter.headers).status_code == 401
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token})
    assert refreshed.status_code == 401


def test_logout_without_a_body_ends_this_session(client: TestClient, lifter: Account) -> None:
    other = _login(client, lifter)
    assert client.post("/api/auth/logout", headers=lifter.headers).status_code == 204
    assert client.get("/api/me", headers=lifter.headers).status_code == 401
    assert client.get("/api/me", headers=_bearer(other)).status_code == 200


def test_access_token_dies_when_refresh_reuse_revokes_the_session(
    client: TestClient, lifter: Account
) -> None:
    first = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token})
    assert first.status_code == 200
    fresh = first.json()
    reused = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token})
    assert reused.status_code == 401
    # The thief's and the owner's tokens of that session are all dead now.
    assert client.get("/api/me", headers=_bearer(fresh)).status_code == 401
    assert client.get("/api/me", headers=lifter.headers).status_code == 401
    assert (
        client.post("/api/auth/refresh", json={"refresh_token": fresh["refresh_token"]}).status_code
        == 401
    )


def test_access_token_dies_with_the_account(client: TestClient, lifter: Account) -> None:
    other = _login(client, lifter)
    response = client.request(
        "DELETE", "/api/me", json={"password": lifter.password}, headers=lifter.headers
    )
    assert response.status_code == 204
    assert client.get("/api/me", headers=_bearer(other)).status_code == 401
    assert client.get("/api/me", headers=lifter.headers).status_code == 401


def test_web_session_cookie_is_not_a_refresh_token(client: TestClient) -> None:
    sign_up(client, "web@example.com")
    cookie = client.cookies["gravl_session"]
    # The report forked an API chain from the browser's cookie that sign-out could not end.
    response = client.post("/api/auth/refresh", json={"refresh_token": cookie})
    assert response.status_code == 401
    assert client.get("/today").status_code == 200


def test_refresh_never_extends_past_the_absolute_lifetime(
    client: TestClient, lifter: Account, settings: Settings
) -> None:
    now = datetime.now(UTC)
    _age_session(settings, lifter.session_id, expires_at=now + timedelta(hours=1))
    response = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token})
    assert response.status_code == 200
    fresh = response.json()

    async def expiry() -> datetime:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session:
                token = await session.scalar(
                    RefreshToken.__table__.select()
                    .with_only_columns(RefreshToken.expires_at)
                    .where(RefreshToken.revoked_at.is_(None), RefreshToken.rotated_at.is_(None))
                    .where(RefreshToken.family_id == lifter.session_id)
                )
                assert token is not None
                return token
        finally:
            await database.dispose()

    # The refreshed token ends with the session, not 30 days on.
    assert asyncio.run(expiry()) <= now + timedelta(hours=1, seconds=1)
    _age_session(settings, lifter.session_id, expires_at=now - timedelta(seconds=1))
    assert client.get("/api/me", headers=_bearer(fresh)).status_code == 401
    again = client.post("/api/auth/refresh", json={"refresh_token": fresh["refresh_token"]})
    assert again.status_code == 401


def test_idle_session_expires(client: TestClient, lifter: Account, settings: Settings) -> None:
    idle = timedelta(seconds=settings.refresh_token_ttl_s)
    _age_session(
        settings, lifter.session_id, last_used_at=datetime.now(UTC) - idle + timedelta(minutes=5)
    )
    assert client.get("/api/me", headers=lifter.headers).status_code == 200
    _age_session(settings, lifter.session_id, last_used_at=datetime.now(UTC) - idle)
    assert client.get("/api/me", headers=lifter.headers).status_code == 401
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token})
    assert refreshed.status_code == 401


def test_using_a_session_keeps_it_alive(settings: Settings) -> None:
    eager = settings.model_copy(update={"session_touch_s": 0})
    with TestClient(create_app(eager)) as client:
        lifter = Account(client, "busy@example.com")
        old = datetime.now(UTC) - timedelta(days=29)
        _age_session(eager, lifter.session_id, last_used_at=old)
        assert client.get("/api/me", headers=lifter.headers).status_code == 200
        listed = client.get("/api/me/sessions", headers=lifter.headers).json()
    used = datetime.fromisoformat(listed[0]["last_used_at"])
    assert used > datetime.now(UTC) - timedelta(minutes=1)


def test_sessions_are_listed_with_this_one_marked(client: TestClient, lifter: Account) -> None:
    other = _login(client, lifter)
    response = client.get(
        "/api/me/sessions", headers={**lifter.headers, "User-Agent": "GravlPhone/1.0"}
    )
    assert response.status_code == 200
    listed = response.json()
    assert len(listed) == 2
    current = [s for s in listed if s["current"]]
    assert [s["id"] for s in current] == [lifter.session_id]
    sid = jwt.decode(other["access_token"], options={"verify_signature": False})["sid"]
    assert {s["id"] for s in listed} == {lifter.session_id, sid}
    for session in listed:
        assert session["kind"] == "api"
        assert session["client"] == "testclient"
        assert session["created_at"] <= session["last_used_at"] < session["expires_at"]
    assert client.get("/api/me/sessions", headers=lifter.headers).headers["cache-control"] == (
        "no-store"
    )


def test_revoking_one_session_ends_its_tokens_at_once(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    other = _login(client, lifter)
    sid = jwt.decode(other["access_token"], options={"verify_signature": False})["sid"]
    # Someone else cannot end it (404, as for any object that is not theirs).
    assert client.delete(f"/api/me/sessions/{sid}", headers=other_lifter.headers).status_code == 404
    assert client.get("/api/me", headers=_bearer(other)).status_code == 200
    assert client.delete(f"/api/me/sessions/{sid}", headers=lifter.headers).status_code == 204
    assert client.get("/api/me", headers=_bearer(other)).status_code == 401
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert refreshed.status_code == 401
    assert client.get("/api/me", headers=lifter.headers).status_code == 200
    again = client.delete(f"/api/me/sessions/{sid}", headers=lifter.headers)
    assert again.status_code == 404


def test_revoking_all_others_keeps_this_one(client: TestClient, lifter: Account) -> None:
    others = [_login(client, lifter) for _ in range(3)]
    assert client.delete("/api/me/sessions", headers=lifter.headers).status_code == 204
    for tokens in others:
        assert client.get("/api/me", headers=_bearer(tokens)).status_code == 401
    assert client.get("/api/me", headers=lifter.headers).status_code == 200
    listed = client.get("/api/me/sessions", headers=lifter.headers).json()
    assert [s["id"] for s in listed] == [lifter.session_id]


def test_revocation_is_seen_by_another_app_at_once(settings: Settings) -> None:
    """Two workers (or replicas) on one database: a revocation through one is refused by the
    other on the very next request, although it had just served (and remembered) the token."""
    with (
        TestClient(create_app(settings)) as first,
        TestClient(create_app(settings)) as second,
    ):
        lifter = Account(first, "two-apps@example.com")
        other = _login(first, lifter)
        assert second.get("/api/me", headers=_bearer(other)).status_code == 200
        sid = jwt.decode(other["access_token"], options={"verify_signature": False})["sid"]
        assert first.delete(f"/api/me/sessions/{sid}", headers=lifter.headers).status_code == 204
        assert second.get("/api/me", headers=_bearer(other)).status_code == 401


def test_session_ids_are_random_and_tokens_are_bound_to_them(
    client: TestClient, lifter: Account, other_lifter: Account, settings: Settings
) -> None:
    from gravl.auth.security import create_access_token

    ids = {lifter.session_id, other_lifter.session_id}
    ids |= {
        jwt.decode(_login(client, lifter)["access_token"], options={"verify_signature": False})[
            "sid"
        ]
        for _ in range(3)
    }
    assert len(ids) == 5 and all(len(i) == 32 for i in ids)
    # A validly signed token naming another lifter's session, or no session, reads nothing.
    crossed = create_access_token(settings, lifter.id, other_lifter.session_id)
    assert client.get("/api/me", headers={"Authorization": f"Bearer {crossed}"}).status_code == 401
    unbound = jwt.encode(
        {"sub": str(lifter.id), "type": "access", "exp": 9_999_999_999},
        settings.secret_key,
        algorithm="HS256",
        headers={"kid": jwt.get_unverified_header(lifter.access_token)["kid"]},
    )
    assert client.get("/api/me", headers={"Authorization": f"Bearer {unbound}"}).status_code == 401
