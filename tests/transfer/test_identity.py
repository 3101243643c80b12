""" "The same set" across imports: timezone changes, renames, edits, moving servers."""

from __future__ import annotations

import io
import itertools
import random
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gravl.transfer.identity import identities
from gravl.transfer.readers import parse
from tests.conftest import Account
from tests.transfer.generators import strong_export

_accounts = itertools.count()
HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
    "Notes,Workout Notes,RPE"
)


def _read(content: bytes, timezone: str = "UTC") -> list[Any]:
    return list(parse(io.BytesIO(content), "strong", unit="kg", timezone=timezone))


def _file(rows: list[str]) -> bytes:
    return "\n".join([HEADER, *rows, ""]).encode()


WORKOUT = [
    "2025-03-04 18:05:00,Legs,1h,Squat (Barbell),1,100,5,0,0,,,",
    "2025-03-04 18:05:00,Legs,1h,Squat (Barbell),2,100,5,0,0,,,",
    "2025-03-04 18:05:00,Legs,1h,Leg Curl (Machine),1,40,12,0,0,,,",
]


def test_identities_do_not_depend_on_the_timezone() -> None:
    utc = identities(_read(_file(WORKOUT), "UTC"))
    tokyo = identities(_read(_file(WORKOUT), "Asia/Tokyo"))
    assert [i.content for i in utc] == [i.content for i in tokyo]
    assert [i.slot for i in utc] == [i.slot for i in tokyo]
    assert [i.legacy for i in utc] != [i.legacy for i in tokyo]  # why the old identity failed


def test_a_renamed_exercise_keeps_its_sets_identities() -> None:
    renamed = [row.replace("Squat (Barbell)", "Back Squat") for row in WORKOUT]
    before, after = identities(_read(_file(WORKOUT))), identities(_read(_file(renamed)))
    assert [i.content for i in before] == [i.content for i in after]


def test_an_edited_set_keeps_its_slot_and_changes_its_content() -> None:
    edited = [*WORKOUT[:1], WORKOUT[1].replace(",100,5,", ",100,4,"), *WORKOUT[2:]]
    before, after = identities(_read(_file(WORKOUT))), identities(_read(_file(edited)))
    assert [i.slot for i in before] == [i.slot for i in after]
    assert [b.content == a.content for b, a in zip(before, after, strict=True)] == [
        True,
        False,
        True,
    ]


def test_two_sets_alike_in_one_file_stay_two() -> None:
    twice = identities(_read(_file([*WORKOUT, *WORKOUT[:1]])))
    assert len({i.content for i in twice}) == 4


# --- through the API ---------------------------------------------------------------------------


def _upload(client: TestClient, lifter: Account, content: bytes) -> dict[str, Any]:
    response = client.post(
        "/api/imports",
        files={"file": ("strong.csv", content, "text/csv")},
        data={"format": "strong", "unit": "kg"},
        headers=lifter.headers,
    )
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def _stored_sets(client: TestClient, lifter: Account) -> list[tuple[Any, ...]]:
    sets: list[tuple[Any, ...]] = []
    cursor = None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/logs", params=params, headers=lifter.headers).json()
        for log in page["items"]:
            sets.extend(
                (log["performed_at"], s["set_type"], s["reps"], s["weight_kg"]) for s in log["sets"]
            )
        cursor = page["next_cursor"]
        if not cursor:
            return sets


def _set_timezone(client: TestClient, lifter: Account, zone: str) -> None:
    response = client.patch("/api/me", json={"timezone": zone}, headers=lifter.headers)
    assert response.status_code == 200, response.text


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 10_000),
    zone=st.sampled_from(["America/New_York", "Asia/Kolkata", "Europe/Berlin"]),
    rename=st.booleans(),
)
def test_twice_or_a_newer_superset_after_a_timezone_change_or_rename_stores_each_set_once(
    client: TestClient, seed: int, zone: str, rename: bool
) -> None:
    lifter = Account(client, f"identity{next(_accounts)}@example.com")
    export = strong_export(random.Random(seed), "ios", sessions=4)
    first = _upload(client, lifter, export.content)
    stored = len(_stored_sets(client, lifter))
    assert first["logs"] > 0 and stored == first["sets"]
    again = _upload(client, lifter, export.content)
    assert again["nothing_new"] is True and len(_stored_sets(client, lifter)) == stored

    _set_timezone(client, lifter, zone)
    text = export.content.decode("utf-8-sig")
    renamed = rename and "Squat (Barbell)" in text
    if renamed:  # to a name nothing matches: the sets stay where they are, the rename is offered
        text = text.replace("Squat (Barbell)", "Zz Squat Variant")
    newer = (
        text.rstrip("\r\n")
        + "\r\n"
        + "2026-01-05 10:00:00,Extra,1h,Deadlift (Barbell),1,140,3,0,0,,,\r\n"
    )
    report = _upload(client, lifter, newer.encode())
    assert (report["logs"], report["updated_sets"]) == (1, 0), report
    assert report["duplicates_skipped"] == stored
    assert len(_stored_sets(client, lifter)) == stored + 1
    squats = sum(1 for s in export.expected if s.exercise_name == "Squat (Barbell)")
    expected = [{"from_name": "Barbell Back Squat", "to_name": "Zz Squat Variant", "sets": squats}]
    assert report["renamed"] == (expected if renamed else [])


def test_a_set_edited_in_the_app_replaces_the_stored_one(
    client: TestClient, lifter: Account
) -> None:
    _upload(client, lifter, _file(WORKOUT))
    edited = [*WORKOUT[:1], WORKOUT[1].replace(",100,5,", ",102.5,4,"), *WORKOUT[2:]]
    report = _upload(client, lifter, _file(edited))
    assert (report["logs"], report["updated_sets"], report["duplicates_skipped"]) == (0, 1, 2)
    sets = sorted(s[2:] for s in _stored_sets(client, lifter))
    assert sets == [(4, 102.5), (5, 100), (12, 40)]
    squat = next(
        log
        for log in client.get("/api/logs", headers=lifter.headers).json()["items"]
        if log["exercise_name"] == "Barbell Back Squat"
    )
    assert squat["volume_kg"] == 100 * 5 + 102.5 * 4  # the summary follows the edit


def test_fingerprints_travel_in_the_json_export(client: TestClient, lifter: Account) -> None:
    _upload(client, lifter, _file(WORKOUT))
    document = client.get("/api/export?format=json", headers=lifter.headers)
    assert all(log["fingerprints"] for log in document.json()["logs"])
    elsewhere = Account(client, "moved@example.com")
    restored = client.post(
        "/api/imports",
        files={"file": ("gravl.json", document.content, "application/json")},
        data={"format": "gravl"},
        headers=elsewhere.headers,
    )
    assert restored.status_code == 201, restored.text
    # The next export of the old app, on the new server, adds nothing twice.
    report = _upload(client, elsewhere, _file(WORKOUT))
    assert report["nothing_new"] is True and report["duplicates_skipped"] == 3
    assert len(_stored_sets(client, elsewhere)) == 3
    # And the restored account's own export carries them on, unchanged.
    again = client.get("/api/export?format=json", headers=elsewhere.headers).json()
    assert [log["fingerprints"] for log in again["logs"]] == [
        log["fingerprints"] for log in document.json()["logs"]
    ]
