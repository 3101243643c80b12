"""The review step: imported names, re-mapping them (logs move, later imports follow), and
muscles for the lifter's own exercises."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import exercise_id

HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
    "Notes,Workout Notes,RPE"
)
ODD = "Zercher Wobble Thing"


def _file(days_ago: int = 1) -> bytes:
    when = (datetime.now(UTC) - timedelta(days=days_ago)).strftime("%Y-%m-%d 07:00:00")
    rows = [
        f"{when},Legs,1h,Squat (Barbell),1,100,5,0,0,,,",
        f"{when},Legs,1h,{ODD},1,60,8,0,0,,,",
        f"{when},Legs,1h,{ODD},2,60,8,0,0,,,",
    ]
    return "\n".join([HEADER, *rows, ""]).encode()


def _upload(client: TestClient, lifter: Account, content: bytes) -> dict[str, Any]:
    response = client.post(
        "/api/imports",
        files={"file": ("strong.csv", content, "text/csv")},
        data={"format": "strong", "unit": "kg"},
        headers=lifter.headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _names(client: TestClient, lifter: Account, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/imported-names", params=params, headers=lifter.headers)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


def _hamstrings(client: TestClient, lifter: Account) -> float:
    groups = client.get("/api/recovery/muscle-groups", headers=lifter.headers).json()
    return next(
        g["recovery_score"] for g in groups["muscle_groups"] if g["muscle_group"] == "hamstrings"
    )


def test_imported_names_list_what_needs_a_look_first(client: TestClient, lifter: Account) -> None:
    report = _upload(client, lifter, _file())
    names = _names(client, lifter)
    assert [n["name"] for n in names] == [ODD, "Squat (Barbell)"]
    odd, squat = names
    assert (odd["custom"], odd["primary_muscles"], odd["logs"], odd["sets"]) == (True, [], 1, 2)
    assert (squat["custom"], squat["exercise_name"]) == (False, "Barbell Back Squat")
    assert _names(client, lifter, import_id=report["import_id"]) == names
    assert _names(client, lifter, import_id=report["import_id"] + 1) == []


def test_remapping_a_name_moves_its_logs_and_later_imports_follow(
    client: TestClient, lifter: Account
) -> None:
    _upload(client, lifter, _file(days_ago=2))
    before = _hamstrings(client, lifter)
    target = exercise_id(client, "romanian-deadlift")
    response = client.post(
        "/api/imported-names/remap",
        json={"name": ODD, "exercise_id": target},
        headers=lifter.headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["moved_logs"], body["removed_exercises"]) == (1, [ODD])
    assert body["exercise_name"] == client.get(f"/api/exercises/{target}").json()["name"]
    # The sets that counted for nothing now load the hamstrings.
    assert _hamstrings(client, lifter) < before
    logs = client.get("/api/logs", headers=lifter.headers).json()["items"]
    assert sorted(log["exercise_id"] for log in logs).count(target) == 1
    # A newer export: the name lands where the lifter put it, no new custom exercise.
    later = _upload(client, lifter, _file(days_ago=1))
    assert later["unknown_exercises"] == [] and later["created_exercises"] == []
    assert [n["exercise_id"] for n in _names(client, lifter) if n["name"] == ODD] == [target]


def test_remapping_needs_a_name_with_logs_and_an_exercise_you_see(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    _upload(client, lifter, _file())
    theirs = client.post(
        "/api/exercises",
        json={"name": "Their Lift", "primary_muscles": ["chest"]},
        headers=other_lifter.headers,
    ).json()["id"]
    unknown = client.post(
        "/api/imported-names/remap",
        json={"name": "Never Imported", "exercise_id": exercise_id(client, "barbell-bench-press")},
        headers=lifter.headers,
    )
    assert unknown.status_code == 404
    hidden = client.post(
        "/api/imported-names/remap",
        json={"name": ODD, "exercise_id": theirs},
        headers=lifter.headers,
    )
    assert hidden.status_code == 404
    blank = client.post(
        "/api/imported-names/remap",
        json={"name": "", "exercise_id": theirs},
        headers=lifter.headers,
    )
    assert blank.status_code == 422 and blank.json()["error"]["code"] == "validation_error"


def test_setting_muscles_makes_a_custom_exercise_count(client: TestClient, lifter: Account) -> None:
    _upload(client, lifter, _file())
    before = _hamstrings(client, lifter)
    odd = next(n for n in _names(client, lifter) if n["name"] == ODD)
    response = client.put(
        f"/api/exercises/{odd['exercise_id']}/muscles",
        json={"primary_muscles": ["hamstrings"], "secondary_muscles": ["glutes"]},
        headers=lifter.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["primary_muscles"] == ["hamstrings"]
    assert "muscles set by you" in response.json()["description"]
    assert _hamstrings(client, lifter) < before
    again = next(n for n in _names(client, lifter) if n["name"] == ODD)
    assert (again["primary_muscles"], again["secondary_muscles"]) == (["hamstrings"], ["glutes"])


def test_muscles_are_checked_and_built_ins_stay_as_they_are(
    client: TestClient, lifter: Account
) -> None:
    _upload(client, lifter, _file())
    odd = next(n for n in _names(client, lifter) if n["name"] == ODD)
    path = f"/api/exercises/{odd['exercise_id']}/muscles"
    for body in (
        {"primary_muscles": ["wings"]},
        {"primary_muscles": []},
        {"primary_muscles": ["chest"], "secondary_muscles": ["chest"]},
    ):
        response = client.put(path, json=body, headers=lifter.headers)
        assert response.status_code == 422, body
    bench = exercise_id(client, "barbell-bench-press")
    builtin = client.put(
        f"/api/exercises/{bench}/muscles",
        json={"primary_muscles": ["neck"]},
        headers=lifter.headers,
    )
    assert builtin.status_code == 409
    assert client.get(f"/api/exercises/{bench}").json()["primary_muscles"] == ["chest"]
