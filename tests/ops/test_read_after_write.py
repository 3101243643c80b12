"""The read right after a write, across workers: `gravl serve --workers 2` on PostgreSQL, each
worker with its own caches. A lifter warms both workers' cached recovery and smart workout, logs
a set, and every read after it, whichever worker answers, shows the set (issue 21: the mixed
scenario of make bench measures this path; this test holds it to being right)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.ops.live_server import (
    LiveServer,
    create_pg_database,
    drop_pg_database,
    gravl,
    live_server,
)

pytestmark = pytest.mark.slow
READS = 12  # new connections each: the kernel spreads them over both workers
BENCHED = {"chest", "triceps", "shoulders"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    name, url = create_pg_database()
    try:
        env = {"GRAVL_DATABASE_URL": url, "GRAVL_SECRET_KEY": "r" * 40}
        for command in (("db", "upgrade"), ("seed",)):
            done = gravl(*command, env=env)
            assert done.returncode == 0, done.stderr
        with live_server(url, tmp_path_factory.mktemp("raw"), workers=2) as running:
            yield running
    finally:
        drop_pg_database(name)


def _chest(api: str, headers: dict[str, str]) -> tuple[float, float, frozenset[float]]:
    """Chest's recovery score and weekly sets, and the weekly chest sets the smart workout's
    recommendations were judged with, each read over a new connection."""
    with httpx.Client(base_url=api, headers=headers, timeout=10) as client:
        recovery = client.get("/api/recovery/muscle-groups")
    assert recovery.status_code == 200, recovery.text
    chest = next(m for m in recovery.json()["muscle_groups"] if m["muscle_group"] == "chest")
    with httpx.Client(base_url=api, headers=headers, timeout=10) as client:
        smart = client.get("/api/recommendations/smart-workout", params={"limit": 10})
    assert smart.status_code == 200, smart.text
    judged = frozenset(
        (muscle, sets)
        for r in smart.json()["recommendations"]
        for muscle, sets in r["context"]["sets_last_7_days"].items()
        if muscle in BENCHED
    )
    assert judged, "no recommendation was judged by a muscle the bench press trains"
    return chest["recovery_score"], chest["sets_last_7_days"], judged


def test_every_read_after_a_write_shows_it_whichever_worker_answers(server: LiveServer) -> None:
    registered = httpx.post(
        f"{server.api}/api/auth/register",
        json={"email": "after-write@example.com", "password": "after-write-password-1"},
        timeout=30,
    )
    assert registered.status_code == 201, registered.text
    headers = {"Authorization": f"Bearer {registered.json()['access_token']}"}
    bench = httpx.get(
        f"{server.api}/api/exercises", params={"q": "barbell bench press", "limit": 1}, timeout=10
    ).json()["items"][0]["id"]

    before = {_chest(server.api, headers) for _ in range(READS)}  # both workers cache these
    assert len(before) == 1
    ((score, sets, judged),) = before
    assert score == 100 and sets == 0 and {n for _, n in judged} == {0}

    logged = httpx.post(
        f"{server.api}/api/logs",
        json={"exercise_id": bench, "sets": [{"reps": 5, "weight_kg": 100, "rpe": 9}] * 4},
        headers=headers,
        timeout=10,
    )
    assert logged.status_code == 201, logged.text

    after = [_chest(server.api, headers) for _ in range(READS)]
    assert all(score < 100 for score, _, _ in after), after
    assert all(sets == 4 for _, sets, _ in after), after
    # The smart workout judges by the same week of sets: it saw the log too, on every read.
    assert len({judged for _, _, judged in after}) == 1, after
    assert all(n > 0 for _, n in after[0][2]), after[0][2]
