"""The smart-workout route answers from cached inputs; every write shows in the next answer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from gravl.cache import Caches
from gravl.recommendations.service import PLAN_INPUTS
from tests.conftest import Account
from tests.factories import custom_workout, enroll, exercise_id, log


def _smart(client: TestClient, lifter: Account) -> dict[str, Any]:
    response = client.get("/api/recommendations/smart-workout?limit=10", headers=lifter.headers)
    assert response.status_code == 200, response.text
    body = dict(response.json())
    body.pop("generated_at")
    for entry in body["recommendations"]:  # recovery moves on between two calls
        entry.pop("score")
        for target in entry["target_muscles"]:
            target.pop("recovery_score")
    return body


def _uncached(client: TestClient, lifter: Account) -> dict[str, Any]:
    caches: Caches = client.app.state.caches  # type: ignore[attr-defined]
    caches.clear()
    return _smart(client, lifter)


def _names(body: dict[str, Any]) -> list[str]:
    return [r["workout"]["name"] for r in body["recommendations"]]


def test_each_write_shows_in_the_next_cached_answer(client: TestClient, lifter: Account) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    answers = [_smart(client, lifter)]
    writes = [
        lambda: enroll(client, lifter),
        lambda: log(client, lifter, bench),
        lambda: custom_workout(client, lifter, [bench]),
    ]
    for write in writes:
        write()
        cached = _smart(client, lifter)
        assert cached == _uncached(client, lifter)
        answers.append(cached)
    # Each write changed the answer, so a stale cache could not have passed the equality above.
    assert all(a != b for a, b in zip(answers, answers[1:], strict=False))


def test_the_cache_is_used_between_writes(client: TestClient, lifter: Account) -> None:
    first = _smart(client, lifter)
    caches: Caches = client.app.state.caches  # type: ignore[attr-defined]
    assert caches.size(PLAN_INPUTS) == 1
    assert _smart(client, lifter) == first
    assert _names(first)
