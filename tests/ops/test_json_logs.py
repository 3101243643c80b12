"""A real server's stdout and stderr under traffic: every line JSON, no secret anywhere."""

from __future__ import annotations

import json
import re
import socket
import time
from pathlib import Path

import httpx
import pytest

from tests.ops.live_server import LIVE_SECRET, gravl, live_server, scrape

ACCESS_FIELDS = {"ts", "level", "msg", "request_id", "route", "status", "duration_ms", "user_id"}
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
PASSWORD = "correct horse battery 9"
WRONG_PASSWORD = "wrong horse battery 8"


def drive_traffic(api: str) -> list[str]:
    """Register, fail and succeed to log in, call authenticated routes, cause 404 and 422."""
    secrets = [PASSWORD, WRONG_PASSWORD, LIVE_SECRET]
    with httpx.Client(base_url=api, timeout=10) as client:
        registered = client.post(
            "/api/auth/register",
            json={"email": "ada@example.com", "password": PASSWORD, "display_name": "Ada"},
        )
        assert registered.status_code == 201, registered.text
        body = registered.json()
        secrets += [body["access_token"], body["refresh_token"]]
        wrong = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": WRONG_PASSWORD}
        )
        assert wrong.status_code == 401
        unknown = client.post(
            "/api/auth/login", json={"email": "nobody@example.org", "password": WRONG_PASSWORD}
        )
        assert unknown.status_code == 401
        login = client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert login.status_code == 200
        tokens = login.json()
        secrets += [tokens["access_token"], tokens["refresh_token"]]
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert client.get("/api/me", headers=headers).status_code == 200
        patched = client.patch("/api/me", headers=headers, json={"display_name": "Ada L."})
        assert patched.status_code == 200
        refreshed = client.post(
            "/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200
        secrets += [refreshed.json()["access_token"], refreshed.json()["refresh_token"]]
        assert (
            client.get("/api/me", headers={"Authorization": "Bearer eyJnot.a.jwt"}).status_code
            == 401
        )
        assert client.get("/api/no/such/route").status_code == 404
        assert client.get("/api/exercises/987654").status_code == 404
        bad_email = client.post(
            "/api/auth/register", json={"email": "not-an-email", "password": PASSWORD}
        )
        assert bad_email.status_code == 422
        short = client.post(
            "/api/auth/register", json={"email": "bob@example.com", "password": "short"}
        )
        assert short.status_code == 422
    return secrets


def send_garbage(api: str) -> None:
    """A request uvicorn cannot parse: it logs a warning through the stdlib, not our code."""
    host, port = api.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        sock.recv(1024)


@pytest.mark.slow
def test_every_output_line_is_json_with_access_fields_and_no_secret(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/gravl.db"
    upgraded = gravl("db", "upgrade", env={"GRAVL_DATABASE_URL": url})
    assert upgraded.returncode == 0, upgraded.stderr
    with live_server(url, tmp_path, workers=1) as server:
        secrets = drive_traffic(server.api)
        send_garbage(server.api)
        # Single-process serving exposes its metrics on the metrics port too.
        samples = scrape(server)
        me = (
            "http_requests_total",
            frozenset({("method", "GET"), ("route", "/api/me"), ("status", "200")}),
        )
        assert samples[me] == 1
        time.sleep(0.3)  # let the last access lines reach the pipe
    lines = server.output_lines()
    assert lines, "the server wrote nothing"

    records = []
    for line in lines:
        record = json.loads(line)  # fails the test on any non-JSON line
        assert isinstance(record, dict) and {"ts", "level", "msg"} <= record.keys(), line
        records.append(record)
    access = [record for record in records if record["msg"] == "request"]
    assert len(access) >= 12
    for record in access:
        assert record.keys() >= ACCESS_FIELDS, record
        assert not record["route"].startswith("/api/no/"), "raw path used as route"
    assert {record["status"] for record in access} >= {200, 201, 401, 404, 422}
    me_lines = [r for r in access if r["route"] == "/api/me" and r["status"] == 200]
    assert me_lines and all(isinstance(r["user_id"], int) for r in me_lines)
    # uvicorn's own warning went through the same JSON formatter.
    assert any(record.get("logger", "").startswith("uvicorn") for record in records)

    for line in lines:
        assert not EMAIL.search(line), line
        assert not JWT.search(line), line
        for secret in secrets:
            assert secret not in line, line
