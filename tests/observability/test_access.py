"""The access line: Gravl's own fields as one JSON object, gated by the log level, and the two
fields a client chooses (method, forwarded address) redacted like every other log value."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from gravl.observability.access import AccessLog


def _write(access: AccessLog, **overrides: object) -> None:
    fields: dict[str, object] = {
        "request_id": "req-1",
        "method": "GET",
        "route": "/api/logs/{log_id}",
        "status": 200,
        "duration_ms": 3.14159,
        "user_id": 7,
        "client": "203.0.113.9",
        **overrides,
    }
    access(**fields)


def test_one_json_line_with_the_access_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _write(AccessLog("info"))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["msg"] == "request" and record["level"] == "info"
    assert record["route"] == "/api/logs/{log_id}" and record["status"] == 200
    assert record["duration_ms"] == 3.14 and record["user_id"] == 7
    written = datetime.fromisoformat(record["ts"].replace("Z", "+00:00"))
    assert abs(datetime.now(UTC) - written) < timedelta(seconds=5)


@pytest.mark.parametrize("level", ["warning", "error", "WARNING"])
def test_a_level_above_info_writes_nothing(level: str, capsys: pytest.CaptureFixture[str]) -> None:
    _write(AccessLog(level))
    assert capsys.readouterr().out == ""


def test_what_a_client_chooses_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    # A trusted proxy forwards whatever the client put in X-Forwarded-For.
    _write(AccessLog("debug"), client="lifter@example.com", method="eyJhbGciOiJI.eyJzdWIi.sig")
    record = json.loads(capsys.readouterr().out)
    assert "example.com" not in json.dumps(record) and "eyJ" not in json.dumps(record)
    assert record["client"] == "[redacted]" and record["method"] == "[redacted]"
