"""TOTP two-factor sign-in through the API (issue 15)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from gravl.auth.totp import code_at
from tests.conftest import Account


def _enrol(client: TestClient, account: Account) -> str:
    response = client.post("/api/me/mfa/totp", headers=account.headers)
    assert response.status_code == 201, response.text
    secret: str = response.json()["secret"]
    return secret


def _turn_on(client: TestClient, account: Account) -> tuple[str, list[str]]:
    secret = _enrol(client, account)
    response = client.post(
        "/api/me/mfa/totp/confirm",
        json={"code": code_at(secret, datetime.now(UTC))},
        headers=account.headers,
    )
    assert response.status_code == 200, response.text
    return secret, response.json()["recovery_codes"]


def _password_step(client: TestClient, account: Account) -> dict[str, Any]:
    response = client.post(
        "/api/auth/login", json={"email": account.email, "password": account.password}
    )
    assert response.status_code == 401
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == "mfa_required"
    return error


def _redeem(client: TestClient, mfa_token: str, code: str) -> Any:
    return client.post("/api/auth/mfa", json={"mfa_token": mfa_token, "code": code})


def _next_code(secret: str, steps: int = 1) -> str:
    """A code of a later step: accepted (±1 step of drift) and never used before."""
    return code_at(secret, datetime.now(UTC) + timedelta(seconds=30 * steps))


def test_enrolment_returns_secret_uri_and_svg(client: TestClient, lifter: Account) -> None:
    response = client.post("/api/me/mfa/totp", headers=lifter.headers)
    assert response.status_code == 201
    body = response.json()
    assert len(body["secret"]) == 32
    assert body["otpauth_uri"].startswith("otpauth://totp/Gravl:")
    assert f"secret={body['secret']}" in body["otpauth_uri"]
    root = ET.fromstring(body["qr_svg"])
    assert root.tag.endswith("svg")
    assert "<script" not in body["qr_svg"] and "style=" not in body["qr_svg"]
    # Not on until confirmed: the password alone still signs in.
    login = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
    )
    assert login.status_code == 200
    assert client.get("/api/me", headers=lifter.headers).json()["mfa_enabled"] is False


def test_confirming_returns_ten_recovery_codes(client: TestClient, lifter: Account) -> None:
    secret = _enrol(client, lifter)
    wrong = client.post("/api/me/mfa/totp/confirm", json={"code": "000000"}, headers=lifter.headers)
    if code_at(secret, datetime.now(UTC)) != "000000":
        assert wrong.status_code == 422
    response = client.post(
        "/api/me/mfa/totp/confirm",
        json={"code": code_at(secret, datetime.now(UTC))},
        headers=lifter.headers,
    )
    assert response.status_code == 200
    codes = response.json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert client.get("/api/me", headers=lifter.headers).json()["mfa_enabled"] is True
    again = client.post("/api/me/mfa/totp", headers=lifter.headers)
    assert again.status_code == 409


def test_login_with_mfa_requires_a_code(client: TestClient, lifter: Account) -> None:
    _turn_on(client, lifter)
    error = _password_step(client, lifter)
    assert error["mfa_token"] and "access_token" not in error
    # The MFA token is no access token.
    headers = {"Authorization": f"Bearer {error['mfa_token']}"}
    assert client.get("/api/me", headers=headers).status_code == 401
    wrong_password = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": "not the password"}
    )
    assert wrong_password.status_code == 401
    assert wrong_password.json()["error"]["code"] == "unauthorized"


def test_mfa_token_redeems_once_with_a_valid_code(client: TestClient, lifter: Account) -> None:
    secret, codes = _turn_on(client, lifter)
    mfa_token = _password_step(client, lifter)["mfa_token"]
    assert _redeem(client, mfa_token, "12345").status_code == 401
    response = _redeem(client, mfa_token, _next_code(secret))
    assert response.status_code == 200, response.text
    tokens = response.json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/me", headers=headers).status_code == 200
    # Spent: not even a good, unused recovery code redeems it a second time …
    assert _redeem(client, mfa_token, codes[0]).status_code == 401
    # … which a new password step accepts.
    assert _redeem(client, _password_step(client, lifter)["mfa_token"], codes[0]).status_code == 200
    forged = _redeem(client, mfa_token[:-4] + "AAAA", codes[1])
    assert forged.status_code == 401


def test_totp_code_cannot_be_replayed(client: TestClient, lifter: Account) -> None:
    secret, _codes = _turn_on(client, lifter)
    code = _next_code(secret)
    first = _redeem(client, _password_step(client, lifter)["mfa_token"], code)
    assert first.status_code == 200
    replay = _redeem(client, _password_step(client, lifter)["mfa_token"], code)
    assert replay.status_code == 401
    # An older code (the current step's, below the one just used) is refused too.
    older = _redeem(
        client, _password_step(client, lifter)["mfa_token"], code_at(secret, datetime.now(UTC))
    )
    assert older.status_code == 401


def test_recovery_code_works_once(client: TestClient, lifter: Account) -> None:
    _secret, codes = _turn_on(client, lifter)
    spoken = codes[3].upper().replace("-", " ")  # read out loud, typed in capitals
    first = _redeem(client, _password_step(client, lifter)["mfa_token"], spoken)
    assert first.status_code == 200
    again = _redeem(client, _password_step(client, lifter)["mfa_token"], codes[3])
    assert again.status_code == 401
    other = _redeem(client, _password_step(client, lifter)["mfa_token"], codes[4])
    assert other.status_code == 200


def test_disabling_needs_password_and_code(client: TestClient, lifter: Account) -> None:
    secret, _codes = _turn_on(client, lifter)

    def disable(password: str, code: str) -> int:
        response = client.request(
            "DELETE",
            "/api/me/mfa/totp",
            json={"password": password, "code": code},
            headers=lifter.headers,
        )
        return response.status_code

    assert disable("not the password", _next_code(secret)) == 401
    assert disable(lifter.password, "999999" if _next_code(secret) != "999999" else "111111") == 401
    assert client.get("/api/me", headers=lifter.headers).json()["mfa_enabled"] is True
    assert disable(lifter.password, _next_code(secret)) == 204
    assert client.get("/api/me", headers=lifter.headers).json()["mfa_enabled"] is False
    login = client.post(
        "/api/auth/login", json={"email": lifter.email, "password": lifter.password}
    )
    assert login.status_code == 200


def test_wrong_codes_count_as_failures(client: TestClient, lifter: Account) -> None:
    secret, _codes = _turn_on(client, lifter)
    mfa_token = _password_step(client, lifter)["mfa_token"]
    good = _next_code(secret)
    bad = "000000" if good != "000000" else "111111"
    for _ in range(5):
        assert _redeem(client, mfa_token, bad).status_code == 401
    # The account is locked now: even the right code waits.
    locked = _redeem(client, mfa_token, good)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0
