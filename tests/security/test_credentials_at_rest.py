"""How credentials are kept and carried (ASVS 2.4, 2.6, 3.1, 8.3): hashed with a salt each, never
in a URL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gravl.auth.models import RecoveryCode, User
from gravl.auth.totp import code_at
from tests.conftest import Account


def _rows(client: TestClient, statement: object) -> list[object]:
    database = client.app.state.database  # type: ignore[attr-defined]

    async def read() -> list[object]:
        async with database.sessionmaker() as session:
            return list((await session.execute(statement)).all())

    return client.portal.call(read)  # type: ignore[union-attr,no-any-return]


@pytest.mark.real_hashing
def test_passwords_are_argon2id_with_a_salt_each(client: TestClient) -> None:
    same = "the same passphrase twice"
    ada, grace = (
        Account(client, "ada@example.com", same),
        Account(client, "grace@example.com", same),
    )
    hashes = dict(_rows(client, select(User.id, User.password_hash)))  # type: ignore[arg-type]
    first, second = hashes[ada.id], hashes[grace.id]
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    # At the production cost (RFC 9106's second recommended option; argon2-cffi's default),
    # not the cheapest one the other in-process tests use (tests/conftest.py).
    assert first.split("$")[3] == "m=65536,t=3,p=4"
    salt = lambda h: h.split("$")[4]  # noqa: E731  # $argon2id$v=19$m=…,t=…,p=…$salt$hash
    assert first != second and salt(first) != salt(second)
    assert len(salt(first)) >= 22  # 16 bytes of salt, base64: well over ASVS's 32 bits
    assert same not in first


def test_recovery_codes_are_stored_salted(client: TestClient, lifter: Account) -> None:
    secret = client.post("/api/me/mfa/totp", headers=lifter.headers).json()["secret"]
    codes = client.post(
        "/api/me/mfa/totp/confirm",
        json={"code": code_at(secret, datetime.now(UTC))},
        headers=lifter.headers,
    ).json()["recovery_codes"]
    stored = [row[0] for row in _rows(client, select(RecoveryCode.code_hash))]  # type: ignore[index]
    assert len(stored) == 10
    salts = {value.split("$")[0] for value in stored}
    assert len(salts) == 10 and all(len(s) == 8 for s in salts)  # 32 random bits each
    assert not any(code.replace("-", "") in value for code in codes for value in stored)


def test_no_credential_travels_in_a_url(client: TestClient) -> None:
    """Tokens, passwords and codes go in bodies or headers, never in a query string or path
    (ASVS 3.1.1, 8.3.1): URLs end up in logs, histories and Referer headers."""
    spec = client.get("/openapi.json").json()
    secret_words = ("token", "password", "code", "secret")
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                name = parameter["name"].lower()
                if parameter["in"] in ("query", "path"):
                    assert not any(word in name for word in secret_words), (path, name)


def test_password_fields_welcome_password_managers(client: TestClient) -> None:
    """ASVS 2.1.11: paste and password managers work — the fields say what they hold and block
    nothing (no paste handler, no length cap below the 128 characters allowed)."""
    for path, kind in (("/signin", "current-password"), ("/signup", "new-password")):
        page = client.get(path).text
        field = page[page.index('name="password"') :].split(">", 1)[0]
        assert f'autocomplete="{kind}"' in field, path
        assert "onpaste" not in page and "maxlength" not in field, path
