"""The import page: the unit a file was read in, past imports, and undo."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.web.helpers import csrf_from

SAMPLE_SPAN = "2 Jun 2025 to 5 Jun 2025"  # the first and last workout of strong-sample.csv
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
    # How each name of the file was matched.
    assert "4 matched, 0 new" in chosen
    assert "Bench Press (Barbell) → Barbell Bench Press" in chosen
    # The days the file covers, in the lifter's timezone.
    sessions = re.search(r"Sessions</dt><dd>(\d+), ([^<]+)</dd>", chosen)
    assert sessions and sessions.group(2) == SAMPLE_SPAN, chosen


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


def _odd_import(web: TestClient, lifter: Account) -> int:
    content = (
        b"Date,Exercise,Weight,Weight Unit,Reps\n"
        b"2025-01-06,Zz Odd Hinge,60,kgs,5\n"
        b"2025-01-06,Squat,100,kgs,5\n"
    )
    response = web.post(
        "/api/imports",
        files={"file": ("f.csv", content)},
        data={"format": "fitnotes"},
        headers=lifter.headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["import_id"])


def test_imported_names_can_be_moved_and_given_muscles(web: TestClient, lifter: Account) -> None:
    import_id = _odd_import(web, lifter)
    page = unescape(web.get(f"/imports/names?import_id={import_id}").text)
    assert "Zz Odd Hinge" in page and "No muscles yet" in page
    assert '<option value="Romanian Deadlift">' in page  # the suggestions
    token = csrf_from(page)
    custom = next(
        n for n in web.get("/api/imported-names", headers=lifter.headers).json() if n["custom"]
    )
    saved = web.post(
        "/imports/names/muscles",
        data={
            "csrf_token": token,
            "exercise_id": str(custom["exercise_id"]),
            "primary": ["hamstrings"],
        },
    )
    assert saved.status_code == 200 and "now counts for Hamstrings" in unescape(saved.text)
    bench = web.get("/api/exercises", params={"q": "barbell bench press"}).json()["items"][0]
    builtin = web.post(
        "/imports/names/muscles",
        data={"csrf_token": token, "exercise_id": str(bench["id"]), "primary": ["neck"]},
    )
    assert builtin.status_code == 409 and "Built-in exercises cannot be changed" in builtin.text
    none = web.post(
        "/imports/names/muscles",
        data={"csrf_token": token, "exercise_id": str(custom["exercise_id"])},
    )
    assert none.status_code == 422 and "at least one main muscle" in none.text
    wrong = web.post(
        "/imports/names/remap",
        data={"csrf_token": token, "name": "Zz Odd Hinge", "exercise": "Nope"},
    )
    assert wrong.status_code == 422 and "No exercise is called" in unescape(wrong.text)
    moved = web.post(
        "/imports/names/remap",
        data={"csrf_token": token, "name": "Zz Odd Hinge", "exercise": "romanian deadlift"},
    )
    assert moved.status_code == 200, moved.text
    assert "now logs as Romanian Deadlift: 1 log(s) moved" in unescape(moved.text)
    names = web.get("/api/imported-names", headers=lifter.headers).json()
    assert {n["name"]: n["exercise_name"] for n in names}["Zz Odd Hinge"] == "Romanian Deadlift"
