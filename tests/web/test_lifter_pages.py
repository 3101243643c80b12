"""Logging, history, swaps, progress, custom workouts and import through the web forms."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error, post_form

STRONG_SAMPLE = Path(__file__).parent.parent / "e2e" / "data" / "strong-sample.csv"
_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def _bench_id(client: TestClient) -> int:
    found = client.get("/api/exercises", params={"q": "barbell bench press"}).json()["items"]
    return int(found[0]["id"])


def _log_form(client: TestClient, exercise_id: int) -> dict[str, str]:
    html = client.get(f"/log?exercise_id={exercise_id}").text
    return {"csrf_token": csrf_from(html), **dict(_HIDDEN.findall(html))}


def _logs(client: TestClient, lifter: Account) -> list[dict]:
    return client.get("/api/logs", headers=lifter.headers).json()["items"]


def _set_units(web: TestClient, units: str) -> None:
    response = post_form(
        web,
        "/settings",
        "/settings",
        {"units": units, "timezone": "UTC", "experience": "intermediate", "display_name": ""},
    )
    assert response.status_code == 303


def _tick(client: TestClient, form: dict[str, str], number: int, **typed: str) -> Any:
    data = form | {f"{k}-{number}": v for k, v in typed.items()} | {"done": str(number)}
    return client.post("/log", data=data, follow_redirects=False)


def test_pounds_typed_are_stored_in_kilograms_and_shown_in_pounds(
    web: TestClient, lifter: Account
) -> None:
    _set_units(web, "lb")
    bench = _bench_id(web)
    form = _log_form(web, bench)
    response = _tick(web, form, 1, weight="135", reps="5", rpe="8")
    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/log?exercise_id={bench}&next=%2Ftoday")
    assert _tick(web, form, 2, weight="135", reps="5", rpe="9.5").status_code == 303
    (log,) = _logs(web, lifter)
    assert [s["weight_kg"] for s in log["sets"]] == [pytest.approx(61.235, abs=1e-3)] * 2
    assert [s["rpe"] for s in log["sets"]] == [8, 9.5]
    assert "5 × 135 lb @8, 5 × 135 lb @9.5" in unescape(web.get("/history").text)
    # Today's sets are shown done, in pounds, with their values to correct.
    again = web.get(f"/log?exercise_id={bench}").text
    assert "135 lb × 5" in unescape(again)
    assert re.search(r'id="set-1-weight"[^>]*value="135"', again)
    assert re.search(r'<option value="9.5" selected>', again)


def test_set_errors_sit_next_to_their_inputs(web: TestClient, lifter: Account) -> None:
    form = _log_form(web, _bench_id(web))
    response = _tick(web, form, 1, weight="heavy", reps="5")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert field_error(response.text, "set-1-weight") == "Enter a weight in kg, like 60 or 62.5."
    assert 'value="heavy"' in response.text  # the form comes back as typed
    response = _tick(web, form, 2, weight="100", reps="5000")
    assert field_error(response.text, "set-2-reps") == "That number is out of range."
    # Freestyle with no history plans nothing: a ✓ on empty inputs asks for the reps.
    empty = _tick(web, form, 1)
    assert field_error(empty.text, "set-1-reps") == "Enter the reps you did."
    assert _logs(web, lifter) == []


def test_add_set_without_javascript_adds_a_row(web: TestClient) -> None:
    form = _log_form(web, _bench_id(web))
    data = {**form, "weight-1": "80", "reps-1": "5", "rpe-1": "8", "set_type-1": "warmup"}
    response = web.post("/log", data={**data, "action": "add_set"})
    assert response.status_code == 200
    assert 'id="set-4" data-set-row data-number="4"' in response.text
    assert 'id="set-5" data-set-row data-number="5"' in response.text.split("<template", 1)[1]
    assert re.search(r'id="set-1-weight"[^>]*value="80"', response.text)
    assert re.search(r'<input type="hidden" name="rows" value="4"', response.text)


def test_edit_and_delete_a_log_from_history(web: TestClient, lifter: Account) -> None:
    form = _log_form(web, _bench_id(web))
    _tick(web, form, 1, weight="100", reps="5")
    (log,) = _logs(web, lifter)
    page = web.get(f"/history/{log['id']}/edit").text
    data = {"csrf_token": csrf_from(page), "weight": "105", "reps": "3", "set_type": "normal"}
    response = web.post(f"/history/{log['id']}/edit", data=data, follow_redirects=False)
    assert response.headers["location"] == "/history?saved=1"
    assert _logs(web, lifter)[0]["sets"][0]["weight_kg"] == 105
    assert "3 × 105 kg" in unescape(web.get("/history?saved=1").text)
    response = post_form(web, "/history", f"/history/logs/{log['id']}/delete", {})
    assert response.status_code == 303
    assert _logs(web, lifter) == []


def _enroll(web: TestClient, lifter: Account) -> dict:
    program = web.get("/api/programs", headers=lifter.headers).json()[0]
    assert post_form(web, "/programs", f"/programs/{program['id']}/enroll", {}).status_code == 303
    return program


def test_swap_and_revert_from_today(web: TestClient, lifter: Account) -> None:
    _enroll(web, lifter)
    today = web.get("/today").text
    options = re.findall(r'name="replacement" id="swap-\d+" value="(workout:\d+)"', today)
    assert options, "no swap options listed"
    assert "% fit" in today and "Recommended for today" in today
    response = post_form(web, "/today", "/today/swap", {"replacement": options[0], "reason": ""})
    assert response.status_code == 303
    (swap,) = web.get("/api/workouts/swaps", headers=lifter.headers).json()
    assert swap["replacement_workout_id"] == int(options[0].split(":")[1])
    assert "Swapped in for" in web.get("/today").text
    # Swapping again is refused with a sentence, not JSON.
    again = web.post(
        "/today/swap", data={"replacement": options[0], "csrf_token": csrf_from(today)}
    )
    assert again.status_code == 422 and "Nothing is scheduled" not in again.text
    assert 'class="form-error"' in again.text or "already swapped" in again.text
    response = post_form(web, "/today", f"/swaps/{swap['id']}/revert", {"next": "/history"})
    assert response.headers["location"] == "/history"
    assert (
        web.get("/api/workouts/swaps", headers=lifter.headers).json()[0]["reverted_at"] is not None
    )
    assert "Reverted" in web.get("/history").text


def test_swap_without_a_choice_says_so(web: TestClient, lifter: Account) -> None:
    _enroll(web, lifter)
    response = post_form(web, "/today", "/today/swap", {"replacement": ""})
    assert response.status_code == 422
    assert field_error(response.text, "replacement") == "Choose the workout to do instead."


def test_unknown_pages_are_html_and_unknown_api_paths_json(web: TestClient) -> None:
    for path in ("/nope", "/history/abc/edit", "/exercises/999999", "/workouts/custom/0/edit"):
        response = web.get(path)
        assert response.status_code == 404, path
        assert "<h1>Not found</h1>" in response.text and 'aria-label="Main"' in response.text
    api = web.get("/api/nope")
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"
    assert web.get("/static/css/gravl.css").status_code == 200


def test_custom_workout_builder(web: TestClient, lifter: Account) -> None:
    page = web.get("/workouts/custom/new").text
    base = {"csrf_token": csrf_from(page), "workout_id": "", "name": "Garage", "description": ""}
    found = web.post("/workouts/custom/build", data={**base, "q": "bench", "action": "search"})
    ids = re.findall(r'value="add:(\d+)"', found.text)
    assert len(ids) >= 2
    rows: dict[str, list[str]] = {k: [] for k in ("exercise_id", "exercise_name")}
    for exercise_id in ids[:2]:
        data = {**base, **rows, "target_sets": ["3"] * len(rows["exercise_id"])}
        data |= {"target_reps": ["8"] * len(rows["exercise_id"])}
        data |= {"rest_seconds": ["90"] * len(rows["exercise_id"]), "action": f"add:{exercise_id}"}
        html = web.post("/workouts/custom/build", data=data).text
        rows["exercise_id"] = re.findall(r'name="exercise_id" value="(\d+)"', html)
        rows["exercise_name"] = [
            unescape(n) for n in re.findall(r'name="exercise_name" value="([^"]*)"', html)
        ]
    assert rows["exercise_id"] == ids[:2]
    table = {
        **rows,
        "target_sets": ["3", "4"],
        "target_reps": ["8", "6"],
        "rest_seconds": ["90", "120"],
    }
    moved = web.post("/workouts/custom/build", data={**base, **table, "action": "down:0"}).text
    assert re.findall(r'name="exercise_id" value="(\d+)"', moved) == ids[1::-1][:2]
    saved = web.post(
        "/workouts/custom/build", data={**base, **table, "action": "save"}, follow_redirects=False
    )
    assert saved.status_code == 303
    mine = web.get("/api/custom-workouts", headers=lifter.headers).json()
    assert [e["exercise_id"] for e in mine[0]["exercises"]] == [int(i) for i in ids[:2]]
    assert "Garage" in web.get("/workouts").text


def test_import_previews_then_imports_and_reports_bad_files_readably(
    web: TestClient, lifter: Account
) -> None:
    page = web.get("/import").text
    token = csrf_from(page)
    content = STRONG_SAMPLE.read_bytes()
    files = {"file": ("strong.csv", content, "text/csv")}
    form = {"csrf_token": token, "format": "strong", "unit": "kg"}
    preview = web.post("/import", data={**form, "action": "preview"}, files=files)
    assert preview.status_code == 200 and "Preview: nothing imported yet" in preview.text
    assert _logs(web, lifter) == []
    done = web.post("/import", data={**form, "action": "confirm"}, files=files)
    assert ">Imported<" in done.text
    assert len(_logs(web, lifter)) == 4
    records = unescape(web.get("/progress").text)
    assert "Barbell Bench Press" in records and "3 × 140 kg" in records
    bad = web.post(
        "/import", data={**form, "action": "preview"}, files={"file": ("x.csv", b"a,b\n1,2\n")}
    )
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")
    assert "The file cannot be imported" in unescape(bad.text)
    missing = web.post("/import", data={**form, "action": "confirm"})
    assert "Choose the file again to import it." in missing.text


def test_export_downloads_need_a_session(web: TestClient, client: TestClient) -> None:
    csv_export = web.get("/export.csv")
    assert (
        csv_export.status_code == 200
        and csv_export.text.startswith("date")
        or "," in csv_export.text
    )
    assert web.get("/export.json").json()["format"] == "gravl"
    web.cookies.clear()
    assert web.get("/export.csv", follow_redirects=False).status_code == 303
