"""The import page: the unit a file was read in, past imports, and undo."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.web.helpers import csrf_from

STRONG_SAMPLE = Path(__file__).parent.parent / "e2e" / "data" / "strong-sample.csv"


def _logs(client: TestClient, lifter: Account) -> list[dict]:
    return client.get("/api/logs", headers=lifter.headers).json()["items"]


def _import(web: TestClient, action: str, **form: str) -> str:
    token = csrf_from(web.get("/import").text)
    files = {"file": ("strong.csv", STRONG_SAMPLE.read_bytes(), "text/csv")}
    data = {"csrf_token": token, "format": "strong", "unit": "", "action": action, **form}
    response = web.post("/import", data=data, files=files)
    assert response.status_code == 200, response.text
    return unescape(response.text)


def test_the_preview_says_which_unit_the_weights_were_read_in(
    web: TestClient, lifter: Account
) -> None:
    web.patch("/api/me", json={"units": "lb"}, headers=lifter.headers)
    page = unescape(web.get("/import").text)
    assert "Your units (lb)" in page
    preview = _import(web, "preview")
    assert "Weights read in</dt><dd>lb (your units)" in preview
    assert "does not say which unit its weights are in; they were read as lb" in preview
    chosen = _import(web, "preview", unit="kg")
    assert "Weights read in</dt><dd>kg (as you chose)" in chosen


def test_past_imports_are_listed_and_can_be_undone(web: TestClient, lifter: Account) -> None:
    done = _import(web, "confirm", unit="kg")
    assert ">Imported<" in done and "Your imports" in done
    assert len(_logs(web, lifter)) == 4
    page = web.get("/import").text
    undo_action = "/imports/"
    assert undo_action in page
    import_id = web.get("/api/imports", headers=lifter.headers).json()[0]["id"]
    undone = web.post(f"/imports/{import_id}/undo", data={"csrf_token": csrf_from(page)})
    assert undone.status_code == 200, undone.text
    text = unescape(undone.text)
    assert "Undid strong.csv: 4 exercise logs" in text and "Undone " in text
    assert _logs(web, lifter) == []
    # Importing the same file again, replacing: no second copy, the earlier one stays undone.
    _import(web, "confirm", unit="kg")
    again = _import(web, "confirm", unit="kg", replace="on")
    assert "Replaces</dt><dd>1 earlier import" in again
    assert len(_logs(web, lifter)) == 4


def test_nothing_new_says_so(web: TestClient, lifter: Account) -> None:
    _import(web, "confirm", unit="kg")
    again = _import(web, "confirm", unit="kg")
    assert "Nothing new in this file" in again
    assert len(web.get("/api/imports", headers=lifter.headers).json()) == 1


def test_another_lifters_import_cannot_be_undone(
    web: TestClient, lifter: Account, other_lifter: Account
) -> None:
    upload = web.post(
        "/api/imports",
        files={"file": ("s.csv", STRONG_SAMPLE.read_bytes(), "text/csv")},
        data={"format": "strong"},
        headers=other_lifter.headers,
    )
    theirs = upload.json()["import_id"]
    token = csrf_from(web.get("/import").text)
    response = web.post(f"/imports/{theirs}/undo", data={"csrf_token": token})
    assert response.status_code == 404
    assert len(_logs(web, other_lifter)) == 4
