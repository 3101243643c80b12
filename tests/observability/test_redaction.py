"""Redaction of internationalised addresses, password hashes, refresh tokens and SQL
parameters (issue 15, finding 12)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from gravl.auth.security import new_refresh_token
from gravl.config import Settings
from gravl.db import Database
from gravl.observability.logging import REDACTED, redact_secrets

ARGON2 = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"


def redact(**event: object) -> dict[str, object]:
    return dict(redact_secrets(None, "info", dict(event)))


@pytest.mark.parametrize(
    "address", ["ñandú@ejemplo.es", "用户@例子.广告", "josé.garcía@correo.example", "d@müller.de"]
)
def test_internationalised_addresses_are_redacted(address: str) -> None:
    event = redact(msg=f"login failed for {address} today", details={"who": [address]})
    assert event == {
        "msg": f"login failed for {REDACTED} today",
        "details": {"who": [REDACTED]},
    }


def test_password_hashes_are_redacted_in_text_and_fields() -> None:
    event = redact(
        msg=f"row: (1, 'ada', '{ARGON2}', 'kg')",
        row={"stored": ARGON2},
        exception=f"IntegrityError ... [parameters: ('{ARGON2}',)]",
    )
    assert (
        ARGON2 not in str(event) and "$argon2" not in str(event) and "RdescudvJ" not in str(event)
    )
    assert event["msg"] == f"row: (1, 'ada', '{REDACTED}', 'kg')"
    assert event["row"] == {"stored": REDACTED}


def test_refresh_tokens_are_redacted_in_text_and_fields() -> None:
    token = new_refresh_token()
    event = redact(
        msg=f"body was {{'refresh_token': '{token}'}}", body={"value": token}, items=[token]
    )
    assert token not in str(event)
    assert event["body"] == {"value": REDACTED} and event["items"] == [REDACTED]


def test_ordinary_values_are_kept() -> None:
    event = redact(
        msg="GET /api/logs?limit=20 200",
        route="/api/logs/{log_id}",
        request_id="05cf841b34274a638bda58a2e0df4b8e",
        price="$5 and 10% off",
    )
    assert event == {
        "msg": "GET /api/logs?limit=20 200",
        "route": "/api/logs/{log_id}",
        "request_id": "05cf841b34274a638bda58a2e0df4b8e",
        "price": "$5 and 10% off",
    }


def test_sql_errors_do_not_show_bound_parameters(settings: Settings) -> None:
    secret = "s3cret-parameter-value"

    async def fail() -> DBAPIError:
        database = Database(settings)
        try:
            async with database.engine.connect() as connection:
                with pytest.raises(DBAPIError) as failure:
                    await connection.execute(
                        text("SELECT * FROM no_such_table WHERE x = :value"), {"value": secret}
                    )
        finally:
            await database.dispose()
        return failure.value

    error = asyncio.run(fail())
    assert "no_such_table" in str(error)
    assert secret not in str(error)
