"""History as a training log: one entry per session with its facts, whole days per page,
delete with a confirmation and Undo, and adding a past session (issue 20)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from gravl.logbook import entries
from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error, post_form

# Two days ago, so every time of day is in the past whatever the clock says.
DAY = (datetime.now(UTC) - timedelta(days=2)).date()


def _at(day: date, hour: int, minute: int = 0) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).isoformat()


def _exercise(client: TestClient, q: str) -> int:
    found = client.get("/api/exercises", params={"q": q}).json()["items"]
    return int(found[0]["id"])


def _log(
    client: TestClient,
    lifter: Account,
    exercise_id: int,
    at: str,
    sets: list[tuple[float, int]],
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "exercise_id": exercise_id,
        "performed_at": at,
        "sets": [{"weight_kg": w, "reps": r} for w, r in sets],
        **extra,
    }
    response = client.post("/api/logs", json=body, headers=lifter.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _text(html: str) -> str:
    """The page's text, tags gone and spaces collapsed, for reading it as the lifter does."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _entries(html: str) -> list[str]:
    """Each entry card's text, in page order."""
    cards = re.findall(r'<article class="card log-entry".*?</article>', html, re.S)
    return [_text(card).strip() for card in cards]


def _recovery(client: TestClient, lifter: Account) -> dict[str, float]:
    body = client.get("/api/recovery/muscle-groups", headers=lifter.headers).json()
    return {r["muscle_group"]: r["recovery_score"] for r in body["muscle_groups"]}


def test_two_workouts_on_one_day_are_two_entries_each_in_the_order_done(
    web: TestClient, lifter: Account
) -> None:
    bench, squat, row = (
        _exercise(web, q) for q in ("barbell bench press", "barbell squat", "barbell row")
    )
    # Morning: squat then bench; evening, a workout from the library: the row alone.
    _log(web, lifter, squat, _at(DAY, 7, 0), [(100, 5), (100, 5)])
    _log(web, lifter, bench, _at(DAY, 7, 40), [(20, 10), (80, 5)], notes="elbow fine")
    _log(web, lifter, row, _at(DAY, 18, 5), [(60, 8)], workout_id=1)
    html = web.get("/history").text
    evening, morning = _entries(html)
    workout_name = web.get("/api/workouts/1", headers=lifter.headers).json()["name"]
    assert evening.startswith(workout_name)
    assert "480 kg · 1 set" in evening  # 60 × 8
    assert morning.startswith("Morning workout")
    # First set to last: 07:00 to 07:40; volume 100×5×2 + 20×10 + 80×5; four sets.
    assert "07:00 · 40 min · 1,600 kg · 4 sets" in morning
    assert morning.index("Squat") < morning.index("Bench Press")
    assert "elbow fine" in morning


def test_a_session_shows_its_title_duration_notes_and_the_prs_set_in_it(
    web: TestClient, lifter: Account
) -> None:
    bench = _exercise(web, "barbell bench press")
    _log(web, lifter, bench, _at(DAY - timedelta(days=7), 18), [(100, 5)])
    started = web.post("/api/sessions", json={"workout_id": 1}, headers=lifter.headers).json()
    _log(web, lifter, bench, _at(DAY, 18, 10), [(105, 5), (100, 8)], session_id=started["id"])
    patch = {"finished": True, "notes": "felt strong", "title": "Heavy bench"}
    assert web.patch(
        f"/api/sessions/{started['id']}", json=patch, headers=lifter.headers
    ).is_success
    newest, oldest = _entries(web.get("/history").text)
    assert newest.startswith("Heavy bench") and "felt strong" in newest
    assert "PR heaviest 105 kg" in newest and "PR most reps: 8 × 100 kg" in newest
    assert re.search(r"PR best e1RM 12\d(\.\d)? kg", newest)
    assert "3 PRs" in newest
    # A first time is no record: the week before shows none.
    assert "PR" not in oldest
    assert f'href="/sessions/{started["id"]}/summary"' in web.get("/history").text


def test_a_page_holds_whole_days_and_the_next_page_starts_with_the_day_left_out(
    web: TestClient, lifter: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entries, "LOGS_PER_PAGE", 4)
    curl = _exercise(web, "barbell curl")
    days = [DAY - timedelta(days=d) for d in (2, 1, 0)]  # oldest first
    for day in days:
        for hour in (8, 9, 10):
            _log(web, lifter, curl, _at(day, hour), [(30, 10)])
    seen: list[str] = []
    url: str | None = "/history"
    while url:
        html = web.get(url).text
        headings = re.findall(r'<h2 id="day-([0-9-]+)">', html)
        # Three logs a day, each day whole on one page.
        assert all(len(_entries(html)) == 1 for _ in headings)
        assert "3 sets" in _text(html)
        seen += headings
        found = re.search(r'href="(/history\?before=[0-9-]+)" rel="next"', html)
        url = found.group(1) if found else None
    assert seen == [d.isoformat() for d in reversed(days)]
    # A day of more logs than a page comes whole (not cut in two).
    for minute in range(0, 50, 10):
        _log(web, lifter, curl, _at(DAY + timedelta(days=1), 6, minute), [(30, 10)])
    html = web.get("/history").text
    assert re.findall(r'<h2 id="day-([0-9-]+)">', html) == [(DAY + timedelta(days=1)).isoformat()]
    assert "5 sets" in _text(html)


def test_a_page_costs_the_same_queries_for_one_session_as_for_many(
    web: TestClient, lifter: Account
) -> None:
    curl, bench = _exercise(web, "barbell curl"), _exercise(web, "barbell bench press")

    def statements(path: str) -> int:
        engine = web.app.state.database.engine  # type: ignore[attr-defined]
        count = 0

        def counted(*_: object) -> None:
            nonlocal count
            count += 1

        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        try:
            assert web.get(path).status_code == 200
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", counted)
        return count

    _log(web, lifter, curl, _at(DAY, 8), [(30, 10)])
    web.get("/history")  # the worker's caches warm
    one = statements("/history")
    for d in range(1, 12):
        for hour, exercise in ((8, curl), (9, bench)):
            _log(web, lifter, exercise, _at(DAY - timedelta(days=d), hour), [(30 + d, 10)])
    many = statements("/history")
    assert many <= one + 1  # no query per entry or per log


def test_delete_asks_first_then_offers_undo_which_restores_the_log_and_recovery(
    web: TestClient, lifter: Account
) -> None:
    bench = _exercise(web, "barbell bench press")
    log = _log(web, lifter, bench, _at(DAY, 18), [(20, 10), (80, 5), (80, 5)])
    before = _recovery(web, lifter)
    html = web.get("/history").text
    # The delete button opens a confirmation; only its form posts.
    assert re.search(
        r'<details class="confirm-delete">\s*<summary class="button-danger">Delete', html
    )
    assert f'action="/history/logs/{log["id"]}/delete"' in html
    assert "Delete Barbell Bench Press" in _text(html) or "Delete Bench Press" in _text(html)
    response = post_form(web, "/history", f"/history/logs/{log['id']}/delete", {})
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/history?undo=")
    assert web.get(f"/api/logs/{log['id']}", headers=lifter.headers).status_code == 404
    page = web.get(location).text
    assert "Deleted" in _text(page) and "Undo" in page
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token
    response = web.post(
        "/history/undo",
        data={"token": token.group(1), "csrf_token": csrf_from(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/history?restored=1"
    back = web.get(f"/api/logs/{log['id']}", headers=lifter.headers).json()
    assert [(s["set_type"], s["weight_kg"], s["reps"]) for s in back["sets"]] == [
        ("normal", 20, 10),
        ("normal", 80, 5),
        ("normal", 80, 5),
    ]
    assert back["performed_at"] == log["performed_at"] and back["volume_kg"] == log["volume_kg"]
    assert _recovery(web, lifter) == pytest.approx(before, abs=0.11)
    # Once undone, the token does nothing more.
    again = web.post(
        "/history/undo",
        data={"token": token.group(1), "csrf_token": csrf_from(page)},
        follow_redirects=False,
    )
    assert again.status_code == 404 and "nothing to undo" in _text(again.text).lower()


def test_deleting_a_session_takes_all_its_logs_and_undo_brings_them_back(
    web: TestClient, lifter: Account
) -> None:
    bench, squat = _exercise(web, "barbell bench press"), _exercise(web, "barbell squat")
    started = web.post("/api/sessions", json={"workout_id": 1}, headers=lifter.headers).json()
    first = _log(web, lifter, bench, _at(DAY, 18), [(80, 5)], session_id=started["id"])
    second = _log(web, lifter, squat, _at(DAY, 18, 20), [(100, 5)], session_id=started["id"])
    response = post_form(web, "/history", f"/history/sessions/{started['id']}/delete", {})
    assert response.status_code == 303
    assert web.get("/api/logs", headers=lifter.headers).json()["items"] == []
    assert web.get(f"/api/sessions/{started['id']}", headers=lifter.headers).status_code == 404
    page = web.get(response.headers["location"]).text
    token = re.search(r'name="token" value="([^"]+)"', page)
    assert token
    web.post("/history/undo", data={"token": token.group(1), "csrf_token": csrf_from(page)})
    restored = web.get("/api/logs", headers=lifter.headers).json()["items"]
    assert {log["id"] for log in restored} == {first["id"], second["id"]}
    assert {log["session_id"] for log in restored} == {started["id"]}
    assert web.get(f"/api/sessions/{started['id']}", headers=lifter.headers).status_code == 200


def test_one_lifter_can_neither_delete_nor_undo_anothers(
    web: TestClient, lifter: Account, other_lifter: Account
) -> None:
    bench = _exercise(web, "barbell bench press")
    theirs = _log(web, other_lifter, bench, _at(DAY, 18), [(80, 5)])
    response = post_form(web, "/history", f"/history/logs/{theirs['id']}/delete", {})
    assert response.status_code == 404
    assert web.get(f"/api/logs/{theirs['id']}", headers=other_lifter.headers).status_code == 200
    mine = _log(web, lifter, bench, _at(DAY, 19), [(80, 5)])
    location = post_form(web, "/history", f"/history/logs/{mine['id']}/delete", {}).headers[
        "location"
    ]
    token = location.split("undo=")[1]
    # Signed in as the other lifter, the token names nothing.
    web.cookies.clear()
    post_form(
        web, "/signin", "/signin", {"email": other_lifter.email, "password": other_lifter.password}
    )
    page = web.get("/history").text
    response = web.post(
        "/history/undo",
        data={"token": token, "csrf_token": csrf_from(page)},
        follow_redirects=False,
    )
    assert response.status_code == 404
    assert web.get(f"/api/logs/{mine['id']}", headers=lifter.headers).status_code == 404


def _past_form(web: TestClient, **fields: str) -> dict[str, str]:
    html = web.get("/history/new").text
    return {"csrf_token": csrf_from(html), "time": "07:30", "minutes": "50", **fields}


def test_a_past_session_is_stored_finished_on_its_day_and_counts_for_recovery(
    web: TestClient, lifter: Account
) -> None:
    fresh = _recovery(web, lifter)
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    data = _past_form(
        web,
        date=yesterday.isoformat(),
        title="Hotel gym",
        notes="dumbbells only to 30",
        **{"exercise-0": "Barbell Bench Press", "weight-0-0": "60", "reps-0-0": "10"},
        **{"weight-0-1": "60", "reps-0-1": "9", "exercise-1": "Barbell Squat", "exercise-2": ""},
        action="save",
    )
    response = web.post("/history/new", data=data, follow_redirects=False)
    assert response.status_code == 303, _text(response.text)
    assert response.headers["location"].startswith("/history?added=1#session-")
    (session,) = web.get("/api/sessions", headers=lifter.headers).json()
    assert session["title"] == "Hotel gym" and session["date"] == yesterday.isoformat()
    # The squat, named but given no sets (skipped), is left out.
    (log,) = web.get("/api/logs", headers=lifter.headers).json()["items"]
    assert [(s["weight_kg"], s["reps"]) for s in log["sets"]] == [(60, 10), (60, 9)]
    assert log["session_id"] == session["id"]
    (entry,) = _entries(web.get("/history").text)
    assert entry.startswith("Hotel gym") and "50 min" in entry and "dumbbells only" in entry
    assert _recovery(web, lifter)["chest"] < fresh["chest"]


def test_a_past_session_form_says_what_is_wrong_and_keeps_what_was_typed(
    web: TestClient, lifter: Account
) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    data = _past_form(
        web,
        date=tomorrow,
        **{"exercise-0": "Bench of dreams", "weight-0-0": "60", "reps-0-0": "ten"},
        action="save",
    )
    response = web.post("/history/new", data=data)
    assert response.status_code == 422
    assert field_error(response.text, "exercise-0") == "Choose an exercise from the list."
    assert field_error(response.text, "reps-0-0") == "Enter whole reps, like 8."
    assert 'value="Bench of dreams"' in response.text
    data = _past_form(
        web, date=tomorrow, **{"exercise-0": "Barbell Bench Press", "reps-0-0": "5"}, action="save"
    )
    response = web.post("/history/new", data=data)
    assert response.status_code == 422 and "still ahead" in _text(response.text)
    assert web.get("/api/logs", headers=lifter.headers).json()["items"] == []


def test_a_past_session_fills_in_a_workouts_exercises(web: TestClient, lifter: Account) -> None:
    workout = web.get("/api/workouts/1", headers=lifter.headers).json()
    data = _past_form(web, date=DAY.isoformat(), workout="workout:1", action="fill")
    data |= {"exercise-0": "", "exercise-1": "", "exercise-2": ""}
    html = web.post("/history/new", data=data).text
    names = re.findall(
        r'id="exercise-\d+" name="exercise-\d+" type="text" list="exercise-names" value="([^"]*)"',
        html,
    )
    assert names == [e["exercise_name"] for e in workout["exercises"]]


def test_prs_count_against_the_records_held_before_the_page(
    web: TestClient, lifter: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(entries, "LOGS_PER_PAGE", 1)  # a day a page: the records come from before
    bench = _exercise(web, "barbell bench press")
    days = [DAY - timedelta(days=d) for d in (3, 2, 1, 0)]
    for day, sets in zip(days, ([(100, 5)], [(105, 5)], [(100, 8)], [(105, 5)]), strict=True):
        _log(web, lifter, bench, _at(day, 18), sets)
    shown: list[str] = []
    url: str | None = "/history"
    while url:
        html = web.get(url).text
        (entry,) = _entries(html)
        shown.append(
            ", ".join(
                re.findall(
                    r"PR (heaviest [^A-Z]*?kg|best e1RM [\d.]+ kg|most reps: [^A-Z]*?kg)", entry
                )
            )
        )
        found = re.search(r'href="(/history\?before=[0-9-]+)" rel="next"', html)
        url = found.group(1) if found else None
    newest_first = shown
    # The same 105 × 5 again is no record; 8 at 100 beats 5 at 100 (the e1RM too); 105 beats
    # 100 (and its e1RM); the first session holds the records but beats none.
    assert newest_first[0] == ""
    assert newest_first[1].startswith("best e1RM") and "most reps: 8 × 100 kg" in newest_first[1]
    assert newest_first[2].startswith("heaviest 105 kg") and "best e1RM" in newest_first[2]
    assert newest_first[3] == ""
