"""The per-lifter import quota (issue 15, finding 13): a dry run writes nothing, so without a
quota a lifter could have the server parse a 19 MiB file over and over (~23 s of CPU each)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from tests.conftest import Account
from tests.web.helpers import csrf_from, sign_up

CSV = b"Date,Exercise,Weight,Weight Unit,Reps\n2025-01-06,Plank,0,kgs,1\n"


def _dry_run(client: TestClient, account: Account, body: bytes = CSV) -> int:
    response = client.post(
        "/api/imports",
        files={"file": ("fitnotes.csv", body)},
        data={"format": "fitnotes", "dry_run": "true"},
        headers=account.headers,
    )
    return response.status_code


def test_imports_per_hour_are_limited_per_lifter(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"imports_per_hour": 3}))) as client:
        ada, grace = Account(client, "ada@example.com"), Account(client, "grace@example.com")
        assert [_dry_run(client, ada) for _ in range(3)] == [200, 200, 200]
        limited = client.post(
            "/api/imports",
            files={"file": ("fitnotes.csv", CSV)},
            data={"format": "fitnotes", "dry_run": "true"},
            headers=ada.headers,
        )
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limited"
        assert 3000 < int(limited.headers["Retry-After"]) <= 3601
        assert _dry_run(client, grace) == 200  # another lifter's quota is their own


def test_refused_files_count_too(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"imports_per_hour": 2}))) as client:
        ada = Account(client, "ada@example.com")
        assert [_dry_run(client, ada, b"not,a\nfitnotes,file\n") for _ in range(2)] == [422, 422]
        assert _dry_run(client, ada) == 429


def test_upload_bytes_per_hour_are_limited(settings: Settings) -> None:
    quota = settings.model_copy(update={"import_bytes_per_hour": 3 * len(CSV)})
    with TestClient(create_app(quota)) as client:
        ada = Account(client, "ada@example.com")
        assert [_dry_run(client, ada) for _ in range(3)] == [200, 200, 200]
        assert _dry_run(client, ada) == 429


def test_the_web_import_page_shares_the_quota(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"imports_per_hour": 1}))) as client:
        sign_up(client, "web@example.com")

        def preview() -> int:
            token = csrf_from(client.get("/import").text)
            response = client.post(
                "/import",
                files={"file": ("fitnotes.csv", CSV)},
                data={"format": "fitnotes", "unit": "kg", "csrf_token": token},
            )
            if response.status_code == 429:
                assert "Try again in" in response.text and response.headers["Retry-After"]
            return response.status_code

        assert [preview(), preview()] == [200, 429]
