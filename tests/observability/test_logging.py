"""The log redactor, and stdlib records rendered as the same JSON as structlog events."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from gravl.observability.logging import REDACTED, configure_logging, redact_secrets

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def redact(**event: object) -> dict[str, object]:
    return dict(redact_secrets(None, "info", dict(event)))


def test_secret_named_fields_are_redacted_whatever_their_value() -> None:
    event = redact(
        password="hunter2hunter2",
        access_token="abc",
        refresh_token="opaque-refresh",
        Authorization="Bearer x",
        secret_key="k",
        email="ada@example.com",
        new_password=None,
    )
    assert event == {
        "password": REDACTED,
        "access_token": REDACTED,
        "refresh_token": REDACTED,
        "Authorization": REDACTED,
        "secret_key": REDACTED,
        "email": REDACTED,
        "new_password": None,
    }


def test_emails_and_jwts_inside_values_are_redacted_and_the_rest_kept() -> None:
    event = redact(
        msg="login failed for ada.l+gym@example.co.uk",
        exception=f"IntegrityError: Key (email)=(grace@example.com) exists; token {JWT}",
        details={"header": f"Bearer {JWT}", "nested": {"user": "bob@example.org"}},
        items=["x@y.io", 3],
        route="/api/me",
        status=200,
        user_id=7,
    )
    assert event["msg"] == f"login failed for {REDACTED}"
    assert "grace@" not in str(event["exception"]) and "eyJ" not in str(event["exception"])
    assert event["details"] == {"header": f"Bearer {REDACTED}", "nested": {"user": REDACTED}}
    assert event["items"] == [REDACTED, 3]
    assert (event["route"], event["status"], event["user_id"]) == ("/api/me", 200, 7)


def test_stdlib_and_structlog_lines_are_one_json_object_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        configure_logging("info")
        logging.getLogger("uvicorn.error").warning("client %s sent junk", "ada@example.com")
        logging.getLogger("sqlalchemy.pool").info("chatter below warning is dropped")
        try:
            raise ValueError(f"bad token {JWT}")
        except ValueError:
            logging.getLogger("asyncio").exception("task failed")
        structlog.get_logger("gravl.test").info("request", password="p4ssw0rd", status=200)
        lines = capsys.readouterr().out.splitlines()
    finally:
        with capsys.disabled():
            configure_logging("info")  # point the handlers back at the real stdout
    records = [json.loads(line) for line in lines]
    assert [record["msg"] for record in records] == [
        f"client {REDACTED} sent junk",
        "task failed",
        "request",
    ]
    assert all({"ts", "level", "msg"} <= record.keys() for record in records)
    assert records[0]["logger"] == "uvicorn.error" and records[0]["level"] == "warning"
    assert "ValueError" in records[1]["exception"] and "eyJ" not in records[1]["exception"]
    assert records[2]["password"] == REDACTED and records[2]["status"] == 200


def test_timestamps_are_utc(capsys: pytest.CaptureFixture[str]) -> None:
    """ASVS 7.3.4: every line's time is UTC, so lines from many pods sort into one timeline."""
    try:
        configure_logging("info")
        structlog.get_logger("gravl.test").info("tick")
        lines = capsys.readouterr().out.splitlines()
    finally:
        with capsys.disabled():
            configure_logging("info")
    stamp = json.loads(lines[-1])["ts"]
    assert stamp.endswith("Z")
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - moment).total_seconds()) < 60
