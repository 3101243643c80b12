"""Deltoid heads: the built-ins' curated lists, the default for the rest, and every way an
exercise reaches the database (seed, migration, custom exercises through the API)."""

from __future__ import annotations

import asyncio
import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from gravl.catalog.delts import HEADS, default_heads, ordered, parse_heads, stored_heads
from gravl.config import Settings
from gravl.db import Database
from gravl.migrations import runner
from gravl.seed import seed
from tests.conftest import Account
from tests.factories import exercise_id

CATALOG_PATH = Path(__file__).resolve().parents[2] / "gravl" / "catalog" / "data" / "exercises.json"


@cache
def catalog() -> dict[str, dict[str, Any]]:
    return {e["slug"]: e for e in json.loads(CATALOG_PATH.read_text(encoding="utf-8"))}


def works_shoulders(exercise: dict[str, Any]) -> bool:
    return "shoulders" in [*exercise["primary_muscles"], *exercise["secondary_muscles"]]


def curated() -> dict[str, list[str]]:
    """slug -> the heads the data file gives, for the exercises that work the shoulders."""
    return {slug: e["shoulder_heads"] for slug, e in catalog().items() if works_shoulders(e)}


# --- the data file ---------------------------------------------------------------------------


def test_every_built_in_shoulder_exercise_names_its_heads_in_order() -> None:
    with_shoulders = [e for e in catalog().values() if works_shoulders(e)]
    assert len(with_shoulders) >= 70
    for e in with_shoulders:
        heads = e.get("shoulder_heads")
        assert isinstance(heads, list) and heads, e["slug"]
        assert set(heads) <= set(HEADS), e["slug"]
        assert heads == [h for h in HEADS if h in heads], f"{e['slug']}: duplicates or order"


def test_exercises_without_shoulders_have_no_heads() -> None:
    assert [
        s for s, e in catalog().items() if not works_shoulders(e) and "shoulder_heads" in e
    ] == []


@pytest.mark.parametrize(
    ("slug", "required", "exact"),
    [
        ("barbell-overhead-press", {"front"}, False),
        ("dumbbell-shoulder-press", {"front", "side"}, False),
        ("barbell-bench-press", {"front"}, True),
        ("incline-dumbbell-press", {"front"}, True),
        ("push-up", {"front"}, True),
        ("chest-dip", {"front"}, True),
        ("dumbbell-front-raise", {"front"}, True),
        ("dumbbell-lateral-raise", {"side"}, True),
        ("cable-lateral-raise", {"side"}, True),
        ("barbell-upright-row", {"side"}, True),
        ("face-pull", {"rear"}, False),
        ("barbell-row", {"rear"}, False),
        ("dumbbell-reverse-fly", {"rear"}, True),
        ("band-pull-apart", {"rear"}, True),
    ],
)
def test_exemplars(slug: str, required: set[str], exact: bool) -> None:
    heads = set(catalog()[slug]["shoulder_heads"])
    assert heads == required if exact else required <= heads, heads


def test_push_day_raises_and_presses_leave_the_rear_heads_to_pull_day() -> None:
    """The point of the split: no press or lateral raise tires the rear head, and no row or
    face pull tires the front one."""
    pressing = [s for s in curated() if "press" in s and "leg" not in s] + [
        "dumbbell-lateral-raise",
        "cable-lateral-raise",
        "band-lateral-raise",
    ]
    pulling = [s for s in curated() if s.endswith("row") and "upright" not in s] + ["face-pull"]
    assert len(pressing) >= 15 and len(pulling) >= 3
    assert [s for s in pressing if "rear" in curated()[s]] == []
    assert [s for s in pulling if "front" in curated()[s]] == []


# --- the default -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "force", "expected"),
    [
        # The name decides first, over the force.
        ("Dumbbell Lateral Raise", "push", ("side",)),
        ("Seated Side Raise", None, ("side",)),
        ("Cable Upright Row", "pull", ("side",)),
        ("Rear Delt Fly", "push", ("rear",)),
        ("Bent-Over Lateral Raise", None, ("rear",)),
        ("Reverse Pec Deck", None, ("rear",)),
        ("Reverse Cable Flyes", None, ("rear",)),
        ("Rope Face Pull", None, ("rear",)),
        ("Band Pull-Apart", "push", ("rear",)),
        ("Seal Row", None, ("rear",)),
        ("T-Bar Rows", "push", ("rear",)),
        ("Kettlebell High Pull", None, ("side", "rear")),
        ("Overhead Press (Smith)", None, ("front", "side")),
        ("Seated Shoulder Press", "pull", ("front", "side")),
        ("Military Press", None, ("front", "side")),
        ("Push Press", None, ("front", "side")),
        ("Z-Press Arnold Style", None, ("front", "side")),
        ("Pike Push-Up", None, ("front", "side")),
        ("Wall Handstand Push Up", None, ("front", "side")),
        ("Barbell Thruster", None, ("front", "side")),
        ("Landmine Press", None, ("front",)),
        ("Incline Machine Press", "pull", ("front",)),
        ("Pushups", None, ("front",)),
        ("Ring Dips", None, ("front",)),
        ("Cable Front Raise", None, ("front",)),
        ("Low-to-High Cable Fly", None, ("front",)),
        # Then the force.
        ("Sled Shove", "push", ("front",)),
        ("Rope Climb", "pull", ("rear",)),
        # Else all three.
        ("Farmer's Carry", "static", ("front", "side", "rear")),
        ("Sandbag Carry", None, ("front", "side", "rear")),
        # Words, not substrings: a lat pulldown is no lateral raise, a pushdown no push.
        ("Lat Pulldown", "pull", ("rear",)),
        ("Triceps Pushdown", None, ("front", "side", "rear")),
    ],
)
def test_default_heads(name: str, force: str | None, expected: tuple[str, ...]) -> None:
    assert default_heads(name, force) == expected


def test_default_heads_agrees_with_the_catalog_on_the_presses_raises_rows_and_flyes() -> None:
    """Custom exercises get what the built-in of the same movement has."""
    movements = ("press", "push-up", "dip", "raise", "row", "fly", "face-pull", "pull-apart")
    checked = {
        slug: (heads, list(default_heads(catalog()[slug]["name"], catalog()[slug]["force"])))
        for slug, heads in curated().items()
        if catalog()[slug]["category"] == "strength" and any(m in slug for m in movements)
    }
    assert len(checked) >= 40
    assert {slug: pair for slug, pair in checked.items() if pair[0] != pair[1]} == {}


def test_ordered_sorts_dedupes_and_refuses_other_words() -> None:
    assert ordered(["rear", "front", "rear"]) == ("front", "rear")
    assert ordered([]) == ()
    with pytest.raises(ValueError, match="top"):
        ordered(["front", "top"])


def test_stored_heads_is_null_without_shoulders_and_never_empty_with_them() -> None:
    assert stored_heads(name="Lateral Raise", force=None, muscles=["biceps"]) is None
    assert stored_heads(name="Curl", force=None, muscles=["biceps"], heads=[]) is None
    assert stored_heads(name="Lateral Raise", force=None, muscles=["shoulders"]) == "side"
    assert (
        stored_heads(name="Lateral Raise", force=None, muscles=["shoulders"], heads=["rear"])
        == "rear"
    )
    with pytest.raises(ValueError):
        stored_heads(name="Curl", force=None, muscles=["biceps"], heads=["front"])
    with pytest.raises(ValueError):
        stored_heads(name="Press", force=None, muscles=["shoulders"], heads=[])
    assert parse_heads(None) == () and parse_heads("front,side") == ("front", "side")


# --- the API ---------------------------------------------------------------------------------

CUSTOM = {
    "name": "Cable Y Raise",
    "primary_muscles": ["shoulders"],
    "secondary_muscles": ["traps"],
    "equipment": "cable",
    "force": "pull",
}


def test_built_ins_show_their_heads_on_every_read(client: TestClient, lifter: Account) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    curl = exercise_id(client, "barbell-curl")
    # Anonymous: the pre-serialised built-in list, and one exercise.
    page = client.get("/api/exercises", params={"limit": 200, "muscle": "shoulders"}).json()
    assert {i["slug"]: i["shoulder_heads"] for i in page["items"]} == curated()
    assert client.get(f"/api/exercises/{bench}").json()["shoulder_heads"] == ["front"]
    assert client.get(f"/api/exercises/{curl}").json()["shoulder_heads"] == []
    # A lifter with custom exercises reads the list from the database instead.
    assert client.post("/api/exercises", json=CUSTOM, headers=lifter.headers).status_code == 201
    mine = client.get(
        "/api/exercises", params={"q": "lateral raise", "limit": 200}, headers=lifter.headers
    ).json()
    heads = {i["slug"]: i["shoulder_heads"] for i in mine["items"]}
    assert heads["dumbbell-lateral-raise"] == ["side"]
    alternatives = client.get(f"/api/exercises/{bench}/alternatives").json()
    assert all(isinstance(a["exercise"]["shoulder_heads"], list) for a in alternatives)


def test_a_custom_exercise_gets_the_default_heads(client: TestClient, lifter: Account) -> None:
    by_force = client.post("/api/exercises", json=CUSTOM, headers=lifter.headers)
    assert by_force.status_code == 201, by_force.text
    assert by_force.json()["shoulder_heads"] == ["rear"]  # no telling name: a pull
    by_name = client.post(
        "/api/exercises",
        json={**CUSTOM, "name": "Lean-Away Lateral Raise", "force": "push"},
        headers=lifter.headers,
    ).json()
    assert by_name["shoulder_heads"] == ["side"]
    assert client.get(f"/api/exercises/{by_name['id']}", headers=lifter.headers).json()[
        "shoulder_heads"
    ] == ["side"]
    no_shoulders = client.post(
        "/api/exercises",
        json={"name": "Cable Overhead Curl", "primary_muscles": ["biceps"]},
        headers=lifter.headers,
    ).json()
    assert no_shoulders["shoulder_heads"] == []
    explicit_null = client.post(
        "/api/exercises",
        json={**CUSTOM, "name": "Cable Y Raise 2", "shoulder_heads": None},
        headers=lifter.headers,
    ).json()
    assert explicit_null["shoulder_heads"] == ["rear"]


def test_a_custom_exercise_takes_the_heads_it_names(client: TestClient, lifter: Account) -> None:
    created = client.post(
        "/api/exercises",
        json={**CUSTOM, "shoulder_heads": ["rear", "side", "rear"]},
        headers=lifter.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["shoulder_heads"] == ["side", "rear"]
    again = client.get(f"/api/exercises/{created.json()['id']}", headers=lifter.headers).json()
    assert again["shoulder_heads"] == ["side", "rear"]
    empty = client.post(
        "/api/exercises",
        json={"name": "Hammer Curl Hold", "primary_muscles": ["biceps"], "shoulder_heads": []},
        headers=lifter.headers,
    )
    assert empty.status_code == 201 and empty.json()["shoulder_heads"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**CUSTOM, "shoulder_heads": ["top"]}, "shoulder_heads[0]"),
        ({**CUSTOM, "shoulder_heads": ["front", "Side"]}, "shoulder_heads[1]"),
        ({**CUSTOM, "shoulder_heads": "front"}, "shoulder_heads"),
        ({**CUSTOM, "shoulder_heads": "front,side"}, "shoulder_heads"),
        ({**CUSTOM, "shoulder_heads": [1]}, "shoulder_heads[0]"),
        ({**CUSTOM, "shoulder_heads": []}, "shoulder_heads"),
        ({**CUSTOM, "shoulder_heads": ["front", "side", "rear", "front"]}, "shoulder_heads"),
        (
            {"name": "Curl", "primary_muscles": ["biceps"], "shoulder_heads": ["front"]},
            "shoulder_heads",
        ),
    ],
)
def test_a_custom_exercise_refuses_other_heads(
    client: TestClient, lifter: Account, body: dict[str, Any], field: str
) -> None:
    response = client.post("/api/exercises", json=body, headers=lifter.headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["field"] for d in error["details"]] == [field], error


# --- seed and migration ----------------------------------------------------------------------


def _heads_in(url: str) -> dict[str, str | None]:
    """slug -> the stored shoulder_heads of every exercise."""

    async def read() -> dict[str, str | None]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(text("SELECT slug, shoulder_heads FROM exercises"))
                return {str(slug): heads for slug, heads in rows.all()}
        finally:
            await engine.dispose()

    return asyncio.run(read())


def _seed(settings: Settings, before: str | None = None) -> dict[str, int]:
    """Run the seed (after the SQL ``before``, in its transaction); what it changed."""

    async def run() -> dict[str, int]:
        database = Database(settings)
        try:
            async with database.sessionmaker() as session, session.begin():
                if before is not None:
                    await session.execute(text(before))
                report = await seed(session=session)
            return {**report.added, **report.updated}
        finally:
            await database.dispose()

    return asyncio.run(run())


def _expected_builtins() -> dict[str, str | None]:
    return {
        slug: ",".join(e["shoulder_heads"]) if works_shoulders(e) else None
        for slug, e in catalog().items()
    }


def test_seed_fills_the_heads_of_built_ins_seeded_before_them(settings: Settings) -> None:
    url = settings.database_url
    stored = _heads_in(url)
    assert {s: stored[s] for s in catalog()} == _expected_builtins()
    # A database whose built-ins predate the heads: the seed brings every one of them in line.
    changed = _seed(settings, before="UPDATE exercises SET shoulder_heads = NULL")
    assert changed == {"exercises": len(curated())}
    assert {s: h for s, h in _heads_in(url).items() if s in catalog()} == _expected_builtins()
    assert _seed(settings) == {}  # and the next run changes nothing


def test_migrating_fills_existing_exercises_and_the_seed_then_curates_the_built_ins(
    client: TestClient, lifter: Account, settings: Settings, backend: str
) -> None:
    for name, force in (("Cable Y Raise", "pull"), ("Seated Lateral Raise Machine", None)):
        body = {**CUSTOM, "name": name, "force": force}
        assert client.post("/api/exercises", json=body, headers=lifter.headers).status_code == 201
    url = settings.database_url
    customs = {s: h for s, h in _heads_in(url).items() if s not in catalog()}

    runner.downgrade(url, "0010")
    runner.upgrade(url)

    after = _heads_in(url)
    # Each shoulder exercise gets the default its name and force give, and no other does.
    assert (
        {s: after[s] for s in customs}
        == customs
        == {
            f"u{lifter.id}-cable-y-raise": "rear",
            f"u{lifter.id}-seated-lateral-raise-machine": "side",
        }
    )
    assert after["barbell-overhead-press"] == "front,side"
    assert after["barbell-curl"] is None
    assert {s for s in catalog() if after[s] is not None} == set(curated())
    # The seed then writes the built-ins' own lists over the defaults where they differ.
    differing = [
        s
        for s, h in curated().items()
        if list(default_heads(catalog()[s]["name"], catalog()[s]["force"])) != h
    ]
    assert _seed(settings) == ({"exercises": len(differing)} if differing else {})
    final = _heads_in(url)
    assert {s: final[s] for s in catalog()} == _expected_builtins()
    assert {s: final[s] for s in customs} == customs
    assert _seed(settings) == {}
    if backend == "sqlite":  # the column's round trip keeps the table's AUTOINCREMENT (0006)

        async def schema() -> str:
            engine = create_async_engine(url)
            try:
                async with engine.connect() as connection:
                    result = await connection.exec_driver_sql(
                        "SELECT sql FROM sqlite_master WHERE name = 'exercises'"
                    )
                    return str(result.scalar_one())
            finally:
                await engine.dispose()

        assert "AUTOINCREMENT" in asyncio.run(schema())
