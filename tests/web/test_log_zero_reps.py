"""Issue 17 in the logging form: a 0 in a working set's reps box is a field error; 0 reps in a
"To failure" set is a missed attempt; the set planned after a miss does not copy its 0."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.web.setforms import ZERO_REPS_MESSAGE
from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error

_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def _exercise(client: TestClient, q: str = "barbell bench press") -> int:
    return int(client.get("/api/exercises", params={"q": q}).json()["items"][0]["id"])


def _form(client: TestClient, exercise: int) -> dict[str, str]:
    html = client.get(f"/log?exercise_id={exercise}").text
    return {"csrf_token": csrf_from(html), **dict(_HIDDEN.findall(html))}


def _tick(client: TestClient, exercise: int, number: int, **typed: str) -> Any:
    """Row ``number``'s ✓ with these inputs."""
    data = _form(client, exercise) | {f"{k}-{number}": v for k, v in typed.items()}
    return client.post("/log", data={**data, "done": str(number)}, follow_redirects=False)


def _logs(client: TestClient, lifter: Account) -> list[dict[str, Any]]:
    return list(client.get("/api/logs", headers=lifter.headers).json()["items"])


def _sets(entry: dict[str, Any]) -> list[tuple[str, int | None, float | None]]:
    return [(s["set_type"], s["reps"], s["weight_kg"]) for s in entry["sets"]]


def _rows(*rows: dict[str, str]) -> dict[str, list[str]]:
    """The edit form's fields for these rows: each repeats once per row, as the browser posts."""
    blank = {"set_type": "normal", "weight": "", "reps": "", "rpe": "", "minutes": ""}
    filled = [blank | row for row in rows]
    return {name: [row[name] for row in filled] for name in blank}


@pytest.mark.parametrize("set_type", ["normal", "warmup", "drop"])
def test_zero_reps_in_a_working_set_is_a_field_error(
    web: TestClient, lifter: Account, set_type: str
) -> None:
    bench = _exercise(web)
    assert _tick(web, bench, 1, weight="100", reps="5").status_code == 303
    response = _tick(web, bench, 2, set_type=set_type, weight="100", reps="0")
    assert response.status_code == 422, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert field_error(response.text, "set-2-reps") == ZERO_REPS_MESSAGE
    assert field_error(response.text, "set-1-reps") is None
    assert re.search(r'id="set-2-reps"[^>]*value="0"', response.text)  # back as typed
    assert _sets(_logs(web, lifter)[0]) == [("normal", 5, 100)]


def test_zero_reps_in_a_failure_set_is_a_missed_attempt(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web)
    _tick(web, bench, 1, weight="100", reps="5")
    response = _tick(web, bench, 2, set_type="failure", weight="110", reps="0")
    assert response.status_code == 303, response.text[:500]
    (entry,) = _logs(web, lifter)
    assert _sets(entry) == [("normal", 5, 100), ("failure", 0, 110)]
    assert "0 × 110 kg (failure)" in unescape(web.get("/history").text)
    assert "0 × 110 kg (failure)" in unescape(web.get(f"/exercises/{bench}").text)


def test_a_missed_bodyweight_rep_is_logged_without_a_weight(
    web: TestClient, lifter: Account
) -> None:
    pull_up = _exercise(web, "pull up")
    assert _tick(web, pull_up, 1, set_type="failure", reps="0").status_code == 303
    (entry,) = _logs(web, lifter)
    assert _sets(entry) == [("failure", 0, None)]
    assert "0 reps (failure)" in unescape(web.get(f"/exercises/{pull_up}").text)


def test_zero_reps_in_an_edit_is_a_field_error(web: TestClient, lifter: Account) -> None:
    _tick(web, _exercise(web), 1, weight="100", reps="5")
    (entry,) = _logs(web, lifter)
    page = web.get(f"/history/{entry['id']}/edit").text
    data = {"csrf_token": csrf_from(page)} | _rows({"weight": "100", "reps": "0"})
    response = web.post(f"/history/{entry['id']}/edit", data=data, follow_redirects=False)
    assert response.status_code == 422, response.text[:500]
    assert field_error(response.text, "set-1-reps") == ZERO_REPS_MESSAGE
    assert _logs(web, lifter)[0]["sets"] == entry["sets"]

    data |= _rows({"set_type": "failure", "weight": "100", "reps": "0"})
    response = web.post(f"/history/{entry['id']}/edit", data=data, follow_redirects=False)
    assert response.headers["location"] == "/history?saved=1"
    assert _sets(_logs(web, lifter)[0]) == [("failure", 0, 100)]


def _yesterday(client: TestClient, lifter: Account) -> None:
    (entry,) = _logs(client, lifter)
    at = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    patch = client.patch(
        f"/api/logs/{entry['id']}", json={"performed_at": at}, headers=lifter.headers
    )
    assert patch.status_code == 200


def test_the_set_planned_after_a_miss_does_not_copy_its_zero(
    web: TestClient, lifter: Account
) -> None:
    bench = _exercise(web)
    _tick(web, bench, 1, set_type="failure", weight="110", reps="0")
    _yesterday(web, lifter)
    # Next time: the miss as logged, then sets like it with its weight and no 0 reps.
    page = web.get(f"/log?exercise_id={bench}").text
    assert re.search(r'id="set-1-reps"[^>]*placeholder="0"', page)
    assert re.search(r'id="set-2-weight"[^>]*placeholder="110"', page)
    assert re.search(r'id="set-2-reps"[^>]*placeholder=""', page)
    assert re.search(r'id="set-2-set_type".*?<option value="normal" selected>', page, re.S)


def test_next_time_the_form_pads_with_a_set_that_was_done(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web)
    _tick(web, bench, 1, weight="100", reps="5")
    _tick(web, bench, 2, set_type="failure", weight="110", reps="0")
    _yesterday(web, lifter)
    # Freestyle targets three sets: last time's two, and one more like the one that was done.
    page = web.get(f"/log?exercise_id={bench}").text
    assert re.search(r'id="set-2-reps"[^>]*placeholder="0"', page)  # the miss itself, as logged
    assert re.search(r'id="set-3-weight"[^>]*placeholder="100"', page)
    assert re.search(r'id="set-3-reps"[^>]*placeholder="5"', page)


def test_the_import_page_names_the_rows_it_did_not_import(web: TestClient) -> None:
    header = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds\n"
    rows = "".join(
        f"2025-03-04 18:05:12,Push,52m,Bench Press (Barbell),{order},{weight},{reps},0,0\n"
        for order, weight, reps in ((1, 100, 5), (2, 110, 0), (3, 0, 0))
    )
    form = {"csrf_token": csrf_from(web.get("/import").text), "format": "strong", "unit": "kg"}
    files = {"file": ("strong.csv", (header + rows).encode(), "text/csv")}
    preview = web.post("/import", data={**form, "action": "preview"}, files=files)
    assert preview.status_code == 200, preview.text[:500]
    text = unescape(preview.text)
    assert "Not imported" in text and "line 4: 0 reps and no weight, time or distance" in text
    assert re.search(r"<dt>Sets in the file</dt><dd>2</dd>", text)
