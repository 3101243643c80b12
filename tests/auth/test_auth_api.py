from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from fastapi.testclient import TestClient

from gravl.auth.security import create_access_token, key_id
from gravl.config import Settings
from tests.conftest import Account


def test_register_returns_user_and_tokens(client: TestClient) -> None:
    response = client.post(
        "/api/auth/register",
        json={"email": "Ada@Example.com", "password": "long enough pass", "display_name": "Ada"},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["units"] == "kg"
    assert body["user"]["timezone"] == "UTC"
    assert body["user"]["experience"] == "intermediate"
    assert body["user"]["display_name"] == "Ada"
    me = client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == body["user"]["id"]


def test_register_duplicate_email_is_conflict_case_insensitively(
    client: TestClient, lifter: Account
) -> None:
    response = client.post(
        "/api/auth/register", json={"email": "ADA@example.COM", "password": "another one here"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_register_rejects_bad_email_and_short_password(client: TestClient) -> None:
    bad_email = client.post(
        "/api/auth/register", json={"email": "nope", "password": "long enough pass"}
    )
    assert bad_email.status_code == 422
    assert bad_email.json()["error"]["details"][0]["field"] == "email"
    short = client.post("/api/auth/register", json={"email": "a@example.com", "password": "short"})
    assert short.status_code == 422
    assert short.json()["error"]["message"].startswith("password")


def test_login_success_and_uniform_failure_message(client: TestClient, lifter: Account) -> None:
    ok = client.post("/api/auth/login", json={"email": lifter.email, "password": lifter.password})
    assert ok.status_code == 200
    assert set(ok.json()) == {
        "access_token",
        "refresh_token",
        "token_type",
        "expires_in",
        "device_token",
    }
    wrong_password = client.post("/api/auth/login", json={"email": lifter.email, "password": "x"})
    unknown_email = client.post(
        "/api/auth/login", json={"email": "nobody@example.com", "password": "x"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.json() == unknown_email.json()


def test_login_locks_an_account_after_repeated_failures(
    client: TestClient, lifter: Account
) -> None:
    for _ in range(5):
        response = client.post("/api/auth/login", json={"email": lifter.email, "password": "bad"})
        assert response.status_code == 401
    blocked = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
    )
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "rate_limited"
    assert 0 < int(blocked.headers["Retry-After"]) <= 900
    # Another account from the same client is not affected by this account's failures.
    Account(client, "bob@example.com")
    other = client.post(
        "/api/auth/login", json={"email": "bob@example.com", "password": "correct horse 1"}
    )
    assert other.status_code == 200


def test_login_attempts_per_client_are_limited(settings: Settings) -> None:
    from gravl.app import create_app

    tight = settings.model_copy(update={"login_per_minute": 3})
    with TestClient(create_app(tight)) as client:
        statuses = [
            client.post(
                "/api/auth/login", json={"email": f"u{i}@example.com", "password": "x"}
            ).status_code
            for i in range(4)
        ]
    assert statuses == [401, 401, 401, 429]


def test_registrations_per_client_are_limited(settings: Settings) -> None:
    from gravl.app import create_app

    tight = settings.model_copy(update={"register_per_hour": 2})
    with TestClient(create_app(tight)) as client:
        statuses = [
            client.post(
                "/api/auth/register",
                json={"email": f"u{i}@example.com", "password": "long enough pass"},
            ).status_code
            for i in range(3)
        ]
        retry_after = client.post(
            "/api/auth/register", json={"email": "late@example.com", "password": "long enough pass"}
        ).headers.get("Retry-After")
    assert statuses == [201, 201, 429]
    assert retry_after is not None and int(retry_after) > 0


def test_refresh_rotates_and_old_token_stops_working(client: TestClient, lifter: Account) -> None:
    first = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token})
    assert first.status_code == 200
    new_pair = first.json()
    assert new_pair["refresh_token"] != lifter.refresh_token
    me = client.get("/api/me", headers={"Authorization": f"Bearer {new_pair['access_token']}"})
    assert me.status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_the_session(
    client: TestClient, lifter: Account
) -> None:
    rotated = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token}).json()
    reuse = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token})
    assert reuse.status_code == 401
    # The legitimate newer token of the same session is revoked too (theft assumed).
    after = client.post("/api/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert after.status_code == 401
    # Other sessions of the same user are untouched.
    login = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
    ).json()
    fresh = client.post("/api/auth/refresh", json={"refresh_token": login["refresh_token"]})
    assert fresh.status_code == 200


def test_unknown_refresh_token_is_unauthorized(client: TestClient) -> None:
    response = client.post("/api/auth/refresh", json={"refresh_token": "not-a-token"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_logout_ends_the_session(client: TestClient, lifter: Account) -> None:
    response = client.post(
        "/api/auth/logout", json={"refresh_token": lifter.refresh_token}, headers=lifter.headers
    )
    assert response.status_code == 204
    again = client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token})
    assert again.status_code == 401


def test_logout_cannot_end_someone_elses_session(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    response = client.post(
        "/api/auth/logout",
        json={"refresh_token": other_lifter.refresh_token},
        headers=lifter.headers,
    )
    assert response.status_code == 204
    still = client.post("/api/auth/refresh", json={"refresh_token": other_lifter.refresh_token})
    assert still.status_code == 200


def test_patch_me_changes_profile_fields(client: TestClient, lifter: Account) -> None:
    response = client.patch(
        "/api/me",
        json={
            "units": "lb",
            "timezone": "Europe/Oslo",
            "experience": "advanced",
            "display_name": "A. L.",
        },
        headers=lifter.headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["units"], body["timezone"], body["experience"], body["display_name"]) == (
        "lb",
        "Europe/Oslo",
        "advanced",
        "A. L.",
    )
    assert client.get("/api/me", headers=lifter.headers).json()["units"] == "lb"


def test_patch_me_rejects_bad_values(client: TestClient, lifter: Account) -> None:
    for body, field in (
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"units": "stone"}, "units"),
        ({"experience": "godlike"}, "experience"),
        ({"email": "new@example.com"}, "email"),
    ):
        response = client.patch("/api/me", json=body, headers=lifter.headers)
        assert response.status_code == 422, body
        assert response.json()["error"]["details"][0]["field"] == field


def test_protected_routes_need_a_valid_token(client: TestClient, settings: Settings) -> None:
    assert client.get("/api/me").status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer junk"}).status_code == 401
    expired = create_access_token(settings, 1, "0" * 32, now=datetime.now(UTC) - timedelta(hours=2))
    response = client.get("/api/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_token_of_unknown_key_or_wrong_type_is_rejected(
    client: TestClient, lifter: Account
) -> None:
    forged = jwt.encode(
        {"sub": str(lifter.id), "type": "access", "exp": 9999999999},
        "some-other-key-of-sufficient-length-000000",
        algorithm="HS256",
        headers={"kid": "deadbeef0000"},
    )
    assert client.get("/api/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_previous_signing_key_still_verifies_during_rotation(settings: Settings) -> None:
    from gravl.app import create_app

    old_key = settings.secret_key
    with TestClient(create_app(settings)) as client:
        old = Account(client, "rotate@example.com")
    rotated = settings.model_copy(
        update={
            "secret_key": "brand-new-signing-key-0123456789abcdef",
            "previous_secret_key": old_key,
        }
    )
    with TestClient(create_app(rotated)) as client:
        assert client.get("/api/me", headers=old.headers).status_code == 200
        # New tokens are signed with the new key and name it.
        token = client.post(
            "/api/auth/login", json={"email": old.email, "password": old.password}
        ).json()["access_token"]
        assert jwt.get_unverified_header(token)["kid"] == key_id(rotated.secret_key)
    dropped = rotated.model_copy(update={"previous_secret_key": None})
    with TestClient(create_app(dropped)) as client:
        assert client.get("/api/me", headers=old.headers).status_code == 401


def test_deleting_an_account_removes_its_data_and_sessions(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    from tests.factories import exercise_id, log

    log(client, lifter, exercise_id(client, "barbell-bench-press"))
    client.post(
        "/api/exercises", json={"name": "Mine", "primary_muscles": ["neck"]}, headers=lifter.headers
    )
    wrong = client.request("DELETE", "/api/me", json={"password": "not it"}, headers=lifter.headers)
    assert wrong.status_code == 401
    assert client.get("/api/me", headers=lifter.headers).status_code == 200
    gone = client.request(
        "DELETE", "/api/me", json={"password": lifter.password}, headers=lifter.headers
    )
    assert gone.status_code == 204
    assert client.get("/api/me", headers=lifter.headers).status_code == 401
    assert (
        client.post("/api/auth/refresh", json={"refresh_token": lifter.refresh_token}).status_code
        == 401
    )
    relogin = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
    )
    assert relogin.status_code == 401
    # The e-mail is free again, and the other lifter is untouched.
    assert Account(client, lifter.email).id != lifter.id
    assert client.get("/api/me", headers=other_lifter.headers).status_code == 200
