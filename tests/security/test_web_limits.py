"""The web import takes files up to GRAVL_MAX_UPLOAD_BYTES and refuses bigger ones with a page;
sign-in's next target never carries control characters into a header (issue 15, finding 13)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from gravl.web.routing import safe_next
from tests.web.helpers import csrf_from, sign_up

MIB = 1024 * 1024


def _web(settings: Settings) -> TestClient:
    return TestClient(create_app(settings.model_copy(update={"max_upload_bytes": 3 * MIB})))


def _post_import(web: TestClient, size: int):  # type: ignore[no-untyped-def]
    token = csrf_from(web.get("/import").text)
    content = b"Date,Workout Name\n" + b"x" * size
    return web.post(
        "/import",
        data={"csrf_token": token, "format": "strong", "unit": "kg", "action": "preview"},
        files={"file": ("big.csv", content, "text/csv")},
    )


def test_web_import_takes_files_past_one_mib_up_to_the_upload_limit(settings: Settings) -> None:
    with _web(settings) as web:
        sign_up(web, "big@example.com")
        response = _post_import(web, 2 * MIB)
    # Not the 1 MiB request cap: the file reaches the importer, which finds it invalid.
    assert response.status_code == 422, response.text[:200]
    assert response.headers["content-type"].startswith("text/html")


def test_web_import_past_the_upload_limit_is_an_html_413(settings: Settings) -> None:
    with _web(settings) as web:
        sign_up(web, "huge@example.com")
        response = _post_import(web, 4 * MIB)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "too large" in response.text.lower()
    assert response.headers["x-content-type-options"] == "nosniff"


def test_api_413_stays_json(client: TestClient) -> None:
    response = client.post(
        "/api/auth/login", content=b"x" * (2 * MIB), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "target",
    ["/today\r\nSet-Cookie: x=1", "/today\n", "/to\tday", "/today\x00", "/x\x7f", "/a\x85b"],
)
def test_next_targets_with_control_characters_fall_back(target: str) -> None:
    assert safe_next(target) == "/today"


def test_plain_next_targets_are_kept() -> None:
    assert safe_next("/history?page=2") == "/history?page=2"
    assert safe_next("https://evil.example") == "/today"
