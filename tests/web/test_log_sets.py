"""The logging page stores each set the moment its ✓ is tapped (issue 20): only confirmed sets,
appended to today's entry for the exercise, once per set however often the ✓ is sent."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.web.setforms import ZERO_REPS_MESSAGE
from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error

_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')


def _exercise(client: TestClient, name: str) -> int:
    items = client.get("/api/exercises", params={"q": name}).json()["items"]
    return int(next(i for i in items if i["name"].lower() == name.lower())["id"])


def _page(client: TestClient, exercise: int, **params: Any) -> str:
    response = client.get("/log", params={"exercise_id": exercise, **params})
    assert response.status_code == 200, response.text[:500]
    return response.text


def _form(html: str) -> dict[str, str]:
    return {"csrf_token": csrf_from(html), **dict(_HIDDEN.findall(html))}


def _tick(client: TestClient, exercise: int, number: int, **typed: str) -> Any:
    """Tap ✓ on row ``number`` with these inputs typed (the others left as the page has them)."""
    data = _form(_page(client, exercise)) | {f"{k}-{number}": v for k, v in typed.items()}
    return client.post("/log", data={**data, "done": str(number)}, follow_redirects=False)


def _logs(client: TestClient, lifter: Account) -> list[dict[str, Any]]:
    return list(client.get("/api/logs", headers=lifter.headers).json()["items"])


def _sets(entry: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (s["set_type"], s["reps"], s["weight_kg"], s["duration_s"], s["distance_m"])
        for s in entry["sets"]
    ]


def test_a_tick_stores_exactly_that_set(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "barbell bench press")
    response = _tick(web, bench, 1, weight="60", reps="8", rpe="8")
    assert response.status_code == 303, response.text[:500]
    assert response.headers["location"].startswith(f"/log?exercise_id={bench}")
    assert response.headers["location"].endswith("#set-2")
    (entry,) = _logs(web, lifter)
    assert _sets(entry) == [("normal", 8, 60, None, None)]
    assert entry["sets"][0]["rpe"] == 8


def test_prefilled_rows_are_placeholders_never_stored(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "barbell bench press")
    for number in (1, 2, 3):
        assert _tick(web, bench, number, weight="100", reps="5").status_code == 303
    # Another day: last time's three sets are the placeholders of three empty rows.
    _move_to_yesterday(web, lifter)
    html = _page(web, bench)
    for number in (1, 2, 3):
        assert re.search(rf'id="set-{number}-weight"[^>]*value=""[^>]*placeholder="100"', html)
        assert re.search(rf'id="set-{number}-reps"[^>]*value=""[^>]*placeholder="5"', html)
    # One set done and ticked: only that one is stored, not the two planned after it.
    assert _tick(web, bench, 1, weight="102.5", reps="5").status_code == 303
    today = _logs(web, lifter)[0]
    assert _sets(today) == [("normal", 5, 102.5, None, None)]


def test_a_tick_on_empty_inputs_stores_the_placeholders(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "barbell bench press")
    _tick(web, bench, 1, weight="100", reps="5")
    _move_to_yesterday(web, lifter)
    assert _tick(web, bench, 1).status_code == 303  # as planned
    assert _tick(web, bench, 2, reps="4").status_code == 303  # the planned weight, one rep short
    today = _logs(web, lifter)[0]
    assert _sets(today) == [("normal", 5, 100, None, None), ("normal", 4, 100, None, None)]


def test_coming_back_continues_todays_entry(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "barbell bench press")
    _tick(web, bench, 1, weight="60", reps="8")
    _tick(web, bench, 2, weight="60", reps="8")
    html = _page(web, bench)  # a visit elsewhere and back
    assert 'id="set-1" data-set-row data-number="1" data-done' in html
    assert 'id="set-2" data-set-row data-number="2" data-done' in html
    assert "60 kg × 8" in unescape(html)
    assert re.search(r'id="set-3-weight"[^>]*value=""', html)  # the third still to do
    assert _tick(web, bench, 3, weight="60", reps="7").status_code == 303
    (entry,) = _logs(web, lifter)  # one log, three sets
    assert [s[1] for s in _sets(entry)] == [8, 8, 7]


def test_a_retried_tick_stores_once(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "barbell bench press")
    data = _form(_page(web, bench)) | {"weight-1": "60", "reps-1": "8", "done": "1"}
    for _ in range(3):  # a double tap, then a retry after a lost answer
        assert web.post("/log", data=data, follow_redirects=False).status_code == 303
    (entry,) = _logs(web, lifter)
    assert len(entry["sets"]) == 1
    # The script's outbox names the position it assigned: a retry of set 2 stays set 2.
    second = data | {"weight-2": "60", "reps-2": "6", "done": "2", "position": "2"}
    for _ in range(2):
        assert web.post("/log", data=second, follow_redirects=False).status_code == 303
    (entry,) = _logs(web, lifter)
    assert [s[1] for s in _sets(entry)] == [8, 6]


def test_an_expired_csrf_cookie_answers_with_a_fresh_token(
    web: TestClient, lifter: Account
) -> None:
    """The page's script retries a refused ✓ with the token of the refusal page."""
    bench = _exercise(web, "Barbell Bench Press")
    data = _form(_page(web, bench)) | {"weight-1": "60", "reps-1": "8", "done": "1"}
    web.cookies.delete("gravl_csrf")
    refused = web.post("/log", data=data, follow_redirects=False)
    assert refused.status_code == 403
    assert _logs(web, lifter) == []
    found = re.search(r'"X-CSRF-Token": "([^"]+)"', unescape(refused.text))
    assert found, "the refusal page carries no token"
    fresh = found.group(1)
    assert fresh != data["csrf_token"]
    retried = web.post("/log", data=data | {"csrf_token": fresh}, follow_redirects=False)
    assert retried.status_code == 303
    (entry,) = _logs(web, lifter)
    assert _sets(entry) == [("normal", 8, 60, None, None)]


def test_a_done_set_is_corrected_in_place(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "barbell bench press")
    _tick(web, bench, 1, weight="60", reps="8")
    _tick(web, bench, 2, weight="60", reps="8")
    html = _page(web, bench)
    assert re.search(r'id="set-1-reps"[^>]*value="8"', html)  # a done row holds its values
    assert _tick(web, bench, 1, reps="6").status_code == 303
    (entry,) = _logs(web, lifter)
    assert [s[1] for s in _sets(entry)] == [6, 8]


def test_a_skipped_row_makes_the_next_tick_the_next_set(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "barbell bench press")
    assert _tick(web, bench, 2, weight="80", reps="5").status_code == 303
    (entry,) = _logs(web, lifter)
    assert _sets(entry) == [("normal", 5, 80, None, None)]


def test_another_workout_context_is_another_entry(web: TestClient, lifter: Account) -> None:
    """Freestyle and a workout's bench press the same day are two logs, each continued."""
    bench = _exercise(web, "barbell bench press")
    _tick(web, bench, 1, weight="60", reps="8")
    workout = _workout_with(web, lifter, bench)
    page = _page(web, bench, workout_id=workout)
    assert "data-done" not in page
    data = _form(page) | {"weight-1": "70", "reps-1": "5", "done": "1"}
    assert web.post("/log", data=data, follow_redirects=False).status_code == 303
    assert sorted(len(e["sets"]) for e in _logs(web, lifter)) == [1, 1]
    assert "data-done" in _page(web, bench, workout_id=workout)


def test_a_refused_set_is_a_field_error_and_stores_nothing(
    web: TestClient, lifter: Account
) -> None:
    bench = _exercise(web, "barbell bench press")
    response = _tick(web, bench, 1, weight="heavy", reps="5")
    assert response.status_code == 422
    assert field_error(response.text, "set-1-weight") == "Enter a weight in kg, like 60 or 62.5."
    assert 'value="heavy"' in response.text
    response = _tick(web, bench, 1, weight="60", reps="0")
    assert field_error(response.text, "set-1-reps") == ZERO_REPS_MESSAGE
    assert _logs(web, lifter) == []


def test_enter_or_a_post_without_a_tick_stores_nothing(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "barbell bench press")
    html = _page(web, bench)
    # The form's first submit button is disabled: Enter in an input submits nothing.
    first = re.search(r"<button[^>]*>", html.split("data-log-form", 1)[1])
    assert first and "disabled" in first.group(0)
    data = _form(html) | {"weight-1": "60", "reps-1": "8"}
    assert web.post("/log", data=data).status_code == 200
    response = web.post("/log", data=data | {"action": "add_set"})
    assert response.status_code == 200
    assert 'id="set-4-weight"' in response.text  # three planned rows and the one added
    assert re.search(r'id="set-1-weight"[^>]*value="60"', response.text)  # kept as typed
    assert _logs(web, lifter) == []


def test_a_plank_is_held_for_seconds(web: TestClient, lifter: Account) -> None:
    plank = _exercise(web, "Plank")
    html = _page(web, plank)
    assert 'id="set-1-seconds"' in html and 'id="set-1-reps"' not in html
    assert 'name="weight-1"' in html  # an optional load
    for number in (1, 2, 3):
        assert _tick(web, plank, number, seconds="45").status_code == 303
    (entry,) = _logs(web, lifter)
    assert _sets(entry) == [("normal", None, None, 45, None)] * 3
    assert "45 s" in unescape(_page(web, plank))
    _tick(web, plank, 1, seconds="1:05")
    assert _sets(_logs(web, lifter)[0])[0][3] == 65


def test_a_run_is_distance_and_time(web: TestClient, lifter: Account) -> None:
    run = _exercise(web, "Outdoor Run")
    html = _page(web, run)
    assert 'id="set-1-distance"' in html and 'id="set-1-minutes"' in html
    assert 'id="set-1-reps"' not in html and 'id="set-1-weight"' not in html
    assert 'id="set-2"' not in html.split("<template", 1)[0]  # on its own, one piece
    assert _tick(web, run, 1, distance="5", minutes="27:30").status_code == 303
    (entry,) = _logs(web, lifter)
    assert _sets(entry) == [("normal", None, None, 1650, 5000)]


def test_a_pull_up_is_reps_with_optional_added_load(web: TestClient, lifter: Account) -> None:
    pull_up = _exercise(web, "Pull-Up")
    html = unescape(_page(web, pull_up))
    assert "Added weight in </span>+ kg" in html
    assert _tick(web, pull_up, 1, reps="8").status_code == 303
    assert _tick(web, pull_up, 2, reps="5", weight="10").status_code == 303
    (entry,) = _logs(web, lifter)
    assert _sets(entry) == [("normal", 8, None, None, None), ("normal", 5, 10, None, None)]


def test_another_lifters_log_today_is_not_continued(
    web: TestClient, lifter: Account, other_lifter: Account
) -> None:
    bench = _exercise(web, "barbell bench press")
    theirs = {"exercise_id": bench, "sets": [{"reps": 3, "weight_kg": 140}]}
    assert web.post("/api/logs", json=theirs, headers=other_lifter.headers).status_code == 201
    assert "data-done" not in _page(web, bench)
    _tick(web, bench, 1, weight="60", reps="8")
    (mine,) = _logs(web, lifter)
    assert _sets(mine) == [("normal", 8, 60, None, None)]
    (kept,) = web.get("/api/logs", headers=other_lifter.headers).json()["items"]
    assert len(kept["sets"]) == 1


# --- helpers that shape history through the API --------------------------------------------


def _move_to_yesterday(client: TestClient, lifter: Account) -> None:
    """Today's entries become yesterday's, as if the next session had come."""
    from datetime import UTC, datetime, timedelta

    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    for entry in _logs(client, lifter):
        response = client.patch(
            f"/api/logs/{entry['id']}", json={"performed_at": yesterday}, headers=lifter.headers
        )
        assert response.status_code == 200, response.text


def _workout_with(client: TestClient, lifter: Account, exercise: int) -> int:
    workouts = client.get("/api/workouts", headers=lifter.headers).json()
    items = workouts["items"] if isinstance(workouts, dict) else workouts
    for workout in items:
        detail = client.get(f"/api/workouts/{workout['id']}", headers=lifter.headers).json()
        if any(e["exercise_id"] == exercise for e in detail.get("exercises", [])):
            return int(workout["id"])
    pytest.fail("no built-in workout has the exercise")
