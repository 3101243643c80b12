"""Imports a lifter can trust and manage: the unit rule, undo, replace, "nothing new"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.transfer.parsing import KG_PER_LB
from tests.conftest import Account

STRONG_IOS_HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
    "Notes,Workout Notes,RPE"
)
HEVY_HEADER = (
    "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
    "set_index,set_type,weight_lbs,reps,distance_miles,duration_seconds,rpe"
)


def strong_ios(
    weight: float = 170, *, days_ago: int = 1, exercise: str = "Squat (Barbell)"
) -> bytes:
    """A unitless Strong iOS export: two squat sets and one set of a name nothing matches."""
    when = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%d 07:00:00")
    rows = [
        f"{when},Legs,1h 2m,{exercise},1,{weight:g},5,0,0,,,",
        f"{when},Legs,1h 2m,{exercise},2,{weight:g},5,0,0,,,",
        f"{when},Legs,1h 2m,Zercher Wobble Thing,1,40,8,0,0,,,",
    ]
    return "\n".join([STRONG_IOS_HEADER, *rows, ""]).encode()


def upload(
    client: TestClient, lifter: Account, content: bytes, format: str = "strong", **form: str
) -> Any:
    return client.post(
        "/api/imports",
        files={"file": ("strong.csv", content, "text/csv")},
        data={"format": format, **form},
        headers=lifter.headers,
    )


def squat_weights(client: TestClient, lifter: Account) -> list[float]:
    logs = client.get("/api/logs", headers=lifter.headers).json()
    return sorted(
        s["weight_kg"]
        for log in logs["items"]
        if log["exercise_name"] == "Barbell Back Squat"
        for s in log["sets"]
    )


def set_units(client: TestClient, lifter: Account, units: str) -> None:
    response = client.patch("/api/me", json={"units": units}, headers=lifter.headers)
    assert response.status_code == 200, response.text


# --- the unit rule ---------------------------------------------------------------------------


def test_a_unitless_file_takes_the_profile_unit_and_says_so(
    client: TestClient, lifter: Account
) -> None:
    set_units(client, lifter, "lb")
    response = upload(client, lifter, strong_ios(170))
    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["unit"], report["unit_source"]) == ("lb", "profile")
    assert squat_weights(client, lifter) == [pytest.approx(170 * KG_PER_LB, abs=0.01)] * 2
    notice = report["warnings"][0]
    assert "read as lb (your profile's unit)" in notice
    assert "Squat (Barbell) 170 lb × 5" in notice


def test_the_unit_given_wins_over_the_profile(client: TestClient, lifter: Account) -> None:
    set_units(client, lifter, "lb")
    report = upload(client, lifter, strong_ios(80), unit="kg").json()
    assert (report["unit"], report["unit_source"]) == ("kg", "request")
    assert squat_weights(client, lifter) == [80, 80]
    assert "read as kg (the unit you chose)" in report["warnings"][0]


def test_a_file_that_names_its_unit_is_read_in_it_without_a_notice(
    client: TestClient, lifter: Account
) -> None:
    set_units(client, lifter, "kg")
    when = (datetime.now(UTC) - timedelta(days=2)).strftime("%d %b %Y, 07:00")
    content = "\n".join(
        [HEVY_HEADER, f'Legs,"{when}","{when}",,Squat (Barbell),,,0,normal,225,5,,,', ""]
    ).encode()
    report = upload(client, lifter, content, format="hevy").json()
    assert report["unit_source"] == "file"
    assert report["warnings"] == []
    assert squat_weights(client, lifter) == [pytest.approx(225 * KG_PER_LB, abs=0.01)]


def test_weights_beyond_world_records_are_flagged(client: TestClient, lifter: Account) -> None:
    # A pound lifter's 405 lb × 5 read as kg: no one has squatted 405 kg for five... almost;
    # 600 is beyond every record.
    report = upload(client, lifter, strong_ios(600), unit="kg", dry_run="true").json()
    flagged = [w for w in report["warnings"] if "heavier than anyone has ever lifted" in w]
    assert flagged and "Squat (Barbell) 600 kg × 5" in flagged[0]
    assert "were these weights in lb?" in flagged[0]
    plausible = upload(client, lifter, strong_ios(180), unit="kg", dry_run="true").json()
    assert not [w for w in plausible["warnings"] if "heavier than anyone" in w]


# --- imports as objects ----------------------------------------------------------------------


def test_imports_are_listed_newest_first(client: TestClient, lifter: Account) -> None:
    first = upload(client, lifter, strong_ios(100, days_ago=3)).json()
    second = upload(client, lifter, strong_ios(110, days_ago=2)).json()
    listed = client.get("/api/imports", headers=lifter.headers).json()
    assert [i["id"] for i in listed] == [second["import_id"], first["import_id"]]
    assert listed[0]["logs_remaining"] == 2 and listed[0]["undone_at"] is None
    assert listed[0]["unit"] == "kg" and listed[0]["unit_source"] == "profile"
    one = client.get(f"/api/imports/{first['import_id']}", headers=lifter.headers).json()
    assert one == listed[1]


def _quads(client: TestClient, lifter: Account) -> float:
    groups = client.get("/api/recovery/muscle-groups", headers=lifter.headers).json()
    return next(
        g["recovery_score"] for g in groups["muscle_groups"] if g["muscle_group"] == "quadriceps"
    )


def _items(body: Any) -> list[dict[str, Any]]:
    return body["items"] if isinstance(body, dict) else body


def test_undo_removes_what_the_import_added_and_recomputes_recovery(
    client: TestClient, lifter: Account
) -> None:
    before = _quads(client, lifter)
    report = upload(client, lifter, strong_ios(140)).json()
    assert report["created_exercises"] == ["Zercher Wobble Thing"]
    assert _quads(client, lifter) < before
    undone = client.delete(f"/api/imports/{report['import_id']}", headers=lifter.headers)
    assert undone.status_code == 200, undone.text
    body = undone.json()
    assert (body["removed_logs"], body["removed_sets"]) == (2, 3)
    assert body["removed_exercises"] == ["Zercher Wobble Thing"]
    assert body["import"]["undone_at"] is not None and body["import"]["logs_remaining"] == 0
    assert client.get("/api/logs", headers=lifter.headers).json()["items"] == []
    assert _quads(client, lifter) == pytest.approx(before)
    mine = client.get("/api/exercises?q=Zercher", headers=lifter.headers).json()
    assert all(e["name"] != "Zercher Wobble Thing" for e in _items(mine))
    again = client.delete(f"/api/imports/{report['import_id']}", headers=lifter.headers).json()
    assert (again["removed_logs"], again["removed_sets"], again["removed_exercises"]) == (0, 0, [])
    # Its fingerprints went with its logs: the same file imports whole again.
    assert upload(client, lifter, strong_ios(140)).json()["logs"] == 2


def test_undo_keeps_a_custom_exercise_other_history_uses(
    client: TestClient, lifter: Account
) -> None:
    report = upload(client, lifter, strong_ios(140)).json()
    exercise = next(
        e
        for e in _items(client.get("/api/exercises?q=Zercher", headers=lifter.headers).json())
        if e["name"] == "Zercher Wobble Thing"
    )
    logged = client.post(
        "/api/logs",
        json={"exercise_id": exercise["id"], "sets": [{"reps": 8, "weight_kg": 40}]},
        headers=lifter.headers,
    )
    assert logged.status_code == 201, logged.text
    body = client.delete(f"/api/imports/{report['import_id']}", headers=lifter.headers).json()
    assert body["removed_exercises"] == []
    assert len(client.get("/api/logs", headers=lifter.headers).json()["items"]) == 1


def test_replace_reimports_in_the_right_unit_without_a_second_copy(
    client: TestClient, lifter: Account
) -> None:
    wrong = upload(client, lifter, strong_ios(170), unit="kg").json()
    assert squat_weights(client, lifter) == [170, 170]
    right = upload(client, lifter, strong_ios(170), unit="lb", replace="true")
    assert right.status_code == 201, right.text
    assert right.json()["replaced_imports"] == [wrong["import_id"]]
    assert squat_weights(client, lifter) == [pytest.approx(170 * KG_PER_LB, abs=0.01)] * 2
    listed = client.get("/api/imports", headers=lifter.headers).json()
    assert [i["undone_at"] is None for i in listed] == [True, False]


def test_a_dry_run_of_a_replacement_writes_nothing(client: TestClient, lifter: Account) -> None:
    upload(client, lifter, strong_ios(170), unit="kg")
    dry = upload(client, lifter, strong_ios(170), unit="lb", replace="true", dry_run="true").json()
    assert (dry["logs"], dry["duplicates_skipped"], dry["import_id"]) == (2, 0, None)
    assert squat_weights(client, lifter) == [170, 170]
    assert len(client.get("/api/imports", headers=lifter.headers).json()) == 1


def test_an_import_that_adds_nothing_is_200_and_records_nothing(
    client: TestClient, lifter: Account
) -> None:
    assert upload(client, lifter, strong_ios(100)).status_code == 201
    again = upload(client, lifter, strong_ios(100))
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["nothing_new"] is True and body["import_id"] is None
    assert body["duplicates_skipped"] == 3
    assert len(client.get("/api/imports", headers=lifter.headers).json()) == 1


def test_another_lifters_import_is_not_found(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    report = upload(client, lifter, strong_ios(100)).json()
    path = f"/api/imports/{report['import_id']}"
    assert client.get(path, headers=other_lifter.headers).status_code == 404
    assert client.delete(path, headers=other_lifter.headers).status_code == 404
    assert client.get("/api/imports", headers=other_lifter.headers).json() == []
    assert len(client.get("/api/logs", headers=lifter.headers).json()["items"]) == 2
