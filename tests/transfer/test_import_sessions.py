"""Imports fill training sessions: one per workout of the file, with its title, start, end,
notes and supersets; undone with the import, carried by the JSON export, shown in History."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import unescape
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.transfer.test_imports_managed import STRONG_IOS_HEADER, upload
from tests.web.helpers import post_form

# Two workouts; the first started 20:00 UTC on 4 March, which is 5 March in Auckland.
STRONG = "\n".join(
    [
        STRONG_IOS_HEADER,
        "2026-03-04 20:00:00,Push Day,1h 5m,Bench Press (Barbell),1,60,8,0,0,,Felt strong,",
        "2026-03-04 20:00:00,Push Day,1h 5m,Bench Press (Barbell),2,60,8,0,0,,Felt strong,",
        "2026-03-04 20:00:00,Push Day,1h 5m,Overhead Press (Barbell),1,40,8,0,0,,Felt strong,",
        "2026-03-06 07:30:00,Legs,52m,Squat (Barbell),1,100,5,0,0,,,",
        "2026-03-06 07:30:00,Legs,52m,Squat (Barbell),2,100,5,0,0,,,",
        "",
    ]
).encode()

HEVY_HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe"
)
_UPPER = '"Upper","15 Sep 2025, 07:48","15 Sep 2025, 08:50","Quick one",'
# Bench alone, then two supersets: Row with Face Pull (Hevy's 0), Curl with Pushdown (its 1).
HEVY = "\n".join(
    [
        HEVY_HEADER,
        _UPPER + "Bench Press (Barbell),,,0,normal,80,5,,,",
        _UPPER + "Bent Over Row (Barbell),0,,0,normal,60,8,,,",
        _UPPER + "Bicep Curl (Dumbbell),1,,0,normal,14,10,,,",
        _UPPER + "Triceps Pushdown,1,,0,normal,25,12,,,",
        _UPPER + "Face Pull,0,,0,normal,20,15,,,",
        _UPPER + "Bent Over Row (Barbell),0,,1,normal,60,8,,,",
        "",
    ]
).encode()


def _sessions(client: TestClient, lifter: Account) -> list[dict[str, Any]]:
    response = client.get("/api/sessions", headers=lifter.headers)
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


def _session(client: TestClient, lifter: Account, session_id: int) -> dict[str, Any]:
    response = client.get(f"/api/sessions/{session_id}", headers=lifter.headers)
    assert response.status_code == 200, response.text
    shown: dict[str, Any] = response.json()
    return shown


def _logs(client: TestClient, lifter: Account) -> list[dict[str, Any]]:
    response = client.get("/api/logs", params={"limit": 100}, headers=lifter.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_each_strong_workout_becomes_a_session_with_its_logs(
    client: TestClient, lifter: Account
) -> None:
    zone = client.patch("/api/me", json={"timezone": "Pacific/Auckland"}, headers=lifter.headers)
    assert zone.status_code == 200, zone.text
    report = upload(client, lifter, STRONG, timezone="UTC")
    assert report.status_code == 201, report.text

    legs, push = _sessions(client, lifter)  # newest first
    assert (push["title"], push["date"]) == ("Push Day", "2026-03-05")  # Auckland's date
    assert (legs["title"], legs["date"]) == ("Legs", "2026-03-06")
    assert _moment(push["started_at"]) == datetime(2026, 3, 4, 20, 0, tzinfo=UTC)
    assert _moment(push["ended_at"]) == datetime(2026, 3, 4, 21, 5, tzinfo=UTC)
    assert _moment(legs["ended_at"]) == datetime(2026, 3, 6, 8, 22, tzinfo=UTC)
    assert (push["exercises"], push["logged_sets"]) == (2, 3)
    assert (legs["exercises"], legs["logged_sets"]) == (1, 2)

    shown = _session(client, lifter, push["id"])
    assert shown["notes"] == "Felt strong"
    assert _session(client, lifter, legs["id"])["notes"] is None
    logs = {log["id"]: log for log in _logs(client, lifter)}
    assert len(logs) == 3
    planned = shown["exercises"]
    assert [len(e["done_sets"]) for e in planned] == [2, 1]
    assert [e["rule"] for e in planned] == [None, None]
    assert all(e["sets"] == [] and e["remaining_sets"] == [] for e in planned)
    # The plan follows the file's order, and each exercise's sets are its log's.
    for exercise in planned:
        (log_id,) = {d["log_id"] for d in exercise["done_sets"]}
        assert logs[log_id]["session_id"] == push["id"]
        assert logs[log_id]["exercise_id"] == exercise["exercise"]["id"]
    bench_log = logs[planned[0]["done_sets"][0]["log_id"]]
    assert [s["reps"] for s in bench_log["sets"]] == [8, 8]
    assert {log["session_id"] for log in logs.values()} == {push["id"], legs["id"]}

    # The same file again adds no session; nor does a newer export with one more workout
    # bring the old ones twice.
    again = upload(client, lifter, STRONG, timezone="UTC").json()
    assert again["nothing_new"] is True
    newer = STRONG + b"2026-03-08 07:00:00,,40m,Deadlift (Barbell),1,140,3,0,0,,,\n"
    assert upload(client, lifter, newer, timezone="UTC").status_code == 201
    titles = [s["title"] for s in _sessions(client, lifter)]
    assert titles == ["Strong workout", "Legs", "Push Day"]


def test_hevy_supersets_become_groups(client: TestClient, lifter: Account) -> None:
    report = upload(client, lifter, HEVY, "hevy")
    assert report.status_code == 201, report.text
    (listed,) = _sessions(client, lifter)
    shown = _session(client, lifter, listed["id"])
    assert (shown["title"], shown["notes"], shown["date"]) == ("Upper", "Quick one", "2025-09-15")
    assert _moment(shown["started_at"]) == datetime(2025, 9, 15, 7, 48, tzinfo=UTC)
    assert _moment(shown["ended_at"]) == datetime(2025, 9, 15, 8, 50, tzinfo=UTC)
    # Bench, Row, Curl, Pushdown, Face Pull: Hevy's 0 is the first group, its 1 the second.
    assert [e["group"] for e in shown["exercises"]] == [None, 1, 2, 2, 1]
    assert [len(e["done_sets"]) for e in shown["exercises"]] == [1, 2, 1, 1, 1]


def test_a_file_without_workout_names_or_durations(client: TestClient, lifter: Account) -> None:
    today = datetime.now(UTC).date().isoformat()
    fitnotes = (
        "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
        f"{today},Flat Barbell Bench Press,Chest,60.0,kgs,5,,,,\n"
    ).encode()
    assert upload(client, lifter, fitnotes, "fitnotes").status_code == 201
    (listed,) = _sessions(client, lifter)
    assert (listed["title"], listed["date"], listed["ended_at"]) == (
        "FitNotes workout",
        today,
        None,
    )
    # An imported workout is done, not under way: it is not today's session to resume.
    planned = client.get("/api/sessions/today", headers=lifter.headers).json()
    assert planned["session_id"] is None
    started = client.post("/api/sessions", json={}, headers=lifter.headers)
    assert started.status_code in (201, 409), started.text
    assert started.json().get("id") != listed["id"]


def test_undo_removes_the_sessions_of_the_import(client: TestClient, lifter: Account) -> None:
    first = upload(client, lifter, STRONG).json()
    hevy = upload(client, lifter, HEVY, "hevy").json()
    assert len(_sessions(client, lifter)) == 3
    undone = client.delete(f"/api/imports/{first['import_id']}", headers=lifter.headers)
    assert undone.status_code == 200, undone.text
    assert [s["title"] for s in _sessions(client, lifter)] == ["Upper"]
    # Replacing the Hevy import: its session goes, the file's comes back once.
    replaced = upload(client, lifter, HEVY, "hevy", replace="true").json()
    assert replaced["replaced_imports"] == [hevy["import_id"]]
    (upper,) = _sessions(client, lifter)
    assert upper["title"] == "Upper" and upper["logged_sets"] == 6


def test_sessions_travel_in_the_json_export(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    upload(client, lifter, STRONG)
    upload(client, lifter, HEVY, "hevy")
    original = client.get("/api/export", params={"format": "json"}, headers=lifter.headers).json()
    assert [s["title"] for s in original["sessions"]] == ["Upper", "Push Day", "Legs"]
    upper = original["sessions"][0]
    assert [e["group"] for e in upper["plan"]] == [None, 1, 2, 2, 1]
    assert {log["session_id"] for log in original["logs"]} == {1, 2, 3}

    content = json.dumps(original).encode()
    assert upload(client, other_lifter, content, "gravl").status_code == 201
    restored = client.get("/api/export", params={"format": "json"}, headers=other_lifter.headers)
    mine = ("exported_at", "user")
    assert {k: v for k, v in restored.json().items() if k not in mine} == {
        k: v for k, v in original.items() if k not in mine
    }
    theirs = _sessions(client, other_lifter)
    assert sorted(s["title"] for s in theirs) == ["Legs", "Push Day", "Upper"]
    push = next(s for s in theirs if s["title"] == "Push Day")
    assert (push["exercises"], push["logged_sets"]) == (2, 3)
    assert _session(client, other_lifter, push["id"])["notes"] == "Felt strong"

    # Restoring again adds no session; a document from before sessions travelled restores.
    again = upload(client, other_lifter, content, "gravl").json()
    assert again["logs"] == 0 and len(_sessions(client, other_lifter)) == 3
    old = {k: v for k, v in original.items() if k != "sessions"}
    old["logs"] = [{k: v for k, v in log.items() if k != "session_id"} for log in original["logs"]]
    third = Account(client, "third@example.com")
    assert upload(client, third, json.dumps(old).encode(), "gravl").status_code == 201
    assert _sessions(client, third) == []
    assert len(_logs(client, third)) == len(original["logs"])


def test_a_log_naming_a_session_not_in_the_file_is_refused(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    upload(client, lifter, STRONG)
    document = client.get("/api/export", params={"format": "json"}, headers=lifter.headers).json()
    document["logs"][0]["session_id"] = 99
    response = upload(client, other_lifter, json.dumps(document).encode(), "gravl")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0] == {
        "line": 1,
        "column": "logs[0]",
        "message": "no session 99 in the file",
    }
    assert _sessions(client, other_lifter) == [] and _logs(client, other_lifter) == []


def test_history_shows_each_workout_under_its_title(client: TestClient, lifter: Account) -> None:
    upload(client, lifter, STRONG)
    signed_in = post_form(
        client, "/signin", "/signin", {"email": lifter.email, "password": lifter.password}
    )
    assert signed_in.status_code == 303
    page = unescape(client.get("/history").text)
    for title, duration in (("Push Day", "1 h 05 min"), ("Legs", "52 min")):
        card = page[page.index(f">{title}</a>") :]
        assert f"<span>{duration}</span>" in card[: card.index("</article>")]
    # Newest first, each workout's exercises under its heading.
    legs, push = page.index("Legs</a>"), page.index("Push Day</a>")
    assert legs < page.index("Squat", legs) < push < page.index("Overhead Press", push)
    (session_id,) = [s["id"] for s in _sessions(client, lifter) if s["title"] == "Push Day"]
    assert f'href="/sessions/{session_id}/summary"' in page
    shown = client.get(f"/sessions/{session_id}")
    assert shown.status_code == 200 and "Push Day" in unescape(shown.text)
