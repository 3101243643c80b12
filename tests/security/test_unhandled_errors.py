"""An exception no handler answers still leaves through GravlMiddleware: a JSON 500 with the
security headers and the request id, an access-log line and a counted sample (issue 15, 8)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from gravl.app import create_app
from gravl.config import Settings
from gravl.observability import middleware


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def info(self, event: str, **fields: Any) -> None:
        self.events.append(("info", event, fields))

    def error(self, event: str, **fields: Any) -> None:
        self.events.append(("error", event, fields))

    def exception(self, event: str, **fields: Any) -> None:
        self.events.append(("exception", event, fields))


def _failures() -> float:
    labels = {"method": "GET", "route": "/api/boom", "status": "500"}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


def _access_lines(out: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [record for record in records if record.get("msg") == "request"]


def test_an_unhandled_error_is_a_500_with_headers_log_line_and_metric(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = create_app(settings)

    @app.get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    recorder = Recorder()
    monkeypatch.setattr(middleware, "log", recorder)
    before = _failures()
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom", headers={"X-Request-ID": "req-boom-1"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-boom-1"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    body = response.json()
    assert body["error"]["code"] == "internal"
    assert "req-boom-1" in body["error"]["message"]
    assert "kaboom" not in response.text
    access = _access_lines(capsys.readouterr().out)
    assert len(access) == 1
    assert access[0]["status"] == 500 and access[0]["route"] == "/api/boom"
    assert access[0]["request_id"] == "req-boom-1"
    assert any(level == "exception" for level, _, _ in recorder.events)
    assert _failures() == before + 1


def test_the_access_log_names_the_client_address(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert client.get("/api/health").status_code == 200
    access = _access_lines(capsys.readouterr().out)
    assert [line["client"] for line in access] == ["testclient"]
    assert access[0]["route"] == "/api/health" and access[0]["level"] == "info"
