from __future__ import annotations

from fastapi.testclient import TestClient

from gravl.catalog.alternatives import ExerciseFacts, alternatives
from tests.conftest import Account
from tests.factories import exercise_id


def _facts(
    id_: int, primary: set[str], secondary: set[str] = frozenset(), **kw: str | None
) -> ExerciseFacts:  # type: ignore[assignment]
    return ExerciseFacts(
        id=id_,
        name=f"e{id_}",
        primary=frozenset(primary),
        secondary=frozenset(secondary),
        mechanic=kw.get("mechanic", "compound"),
        force=kw.get("force", "push"),
        equipment=kw.get("equipment", "barbell"),
        category=kw.get("category", "strength"),
    )


def test_ranking_prefers_primary_overlap_then_secondary_and_equipment() -> None:
    bench = _facts(1, {"chest"}, {"triceps", "shoulders"})
    pool = [
        bench,
        _facts(2, {"chest"}, {"triceps", "shoulders"}, equipment="dumbbell"),
        _facts(3, {"chest"}, set(), equipment="dumbbell"),
        _facts(4, {"chest", "triceps"}, {"shoulders"}),
        _facts(5, {"quadriceps"}),
        _facts(6, {"chest"}, set(), category="stretching", mechanic=None),
    ]
    ranked = alternatives(bench, pool)
    ids = [a.exercise_id for a in ranked]
    assert 1 not in ids and 5 not in ids and 6 not in ids  # itself, no overlap, a stretch
    assert ids == [2, 3, 4]  # an exact primary match beats a partial one, whatever else matches
    assert all(0 <= a.similarity <= 1 for a in ranked)
    assert ranked[0].reasons[0] == "same primary muscles: chest"
    assert "needs dumbbells instead of a barbell" in ranked[0].reasons
    only_dumbbells = alternatives(bench, pool, equipment={"dumbbell"})
    assert [a.exercise_id for a in only_dumbbells] == [2, 3]
    assert len(alternatives(bench, pool, limit=1)) == 1


def test_alternatives_api(client: TestClient) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    rows = client.get(f"/api/exercises/{bench}/alternatives").json()
    assert 1 <= len(rows) <= 10
    assert bench not in [r["exercise"]["id"] for r in rows]
    assert all("chest" in r["exercise"]["primary_muscles"] for r in rows)
    assert [r["similarity"] for r in rows] == sorted((r["similarity"] for r in rows), reverse=True)
    assert all(r["reasons"] for r in rows)
    home = client.get(
        f"/api/exercises/{bench}/alternatives",
        params={"equipment": "dumbbell,body_only", "limit": 3},
    ).json()
    assert len(home) == 3
    assert {r["exercise"]["equipment"] for r in home} <= {"dumbbell", "body_only"}
    bad = client.get(f"/api/exercises/{bench}/alternatives", params={"equipment": "spaceship"})
    assert bad.status_code == 422
    assert client.get("/api/exercises/999999/alternatives").status_code == 404


def test_custom_exercises_are_alternatives_only_for_their_owner(
    client: TestClient, lifter: Account, other_lifter: Account
) -> None:
    mine = client.post(
        "/api/exercises",
        json={
            "name": "Floor Press Special",
            "primary_muscles": ["chest"],
            "equipment": "barbell",
            "mechanic": "compound",
            "force": "push",
        },
        headers=lifter.headers,
    ).json()["id"]
    bench = exercise_id(client, "barbell-bench-press")
    params = {"limit": 50}
    own = client.get(
        f"/api/exercises/{bench}/alternatives", params=params, headers=lifter.headers
    ).json()
    theirs = client.get(
        f"/api/exercises/{bench}/alternatives", params=params, headers=other_lifter.headers
    ).json()
    assert mine in [r["exercise"]["id"] for r in own]
    assert mine not in [r["exercise"]["id"] for r in theirs]
