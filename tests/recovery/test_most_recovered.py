"""Most recovered lists the muscles the lifter trains (issue 16), and a status follows the score
as it is displayed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.recovery.model import status
from gravl.vocabulary import MUSCLE_SLUGS
from tests.conftest import Account
from tests.factories import ago, exercise_id, hard_sets, log


def _most_recovered(client: TestClient, lifter: Account, limit: int = 17) -> list[dict[str, Any]]:
    response = client.get(
        "/api/recovery/most-recovered", params={"limit": limit}, headers=lifter.headers
    )
    assert response.status_code == 200, response.text
    return list(response.json()["muscle_groups"])


def _ranked(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """API.md's order: highest score first, then longest since trained, then slug."""
    never = datetime.min.replace(tzinfo=UTC).isoformat()
    by_slug = sorted(items, key=lambda m: m["muscle_group"])
    by_trained = sorted(by_slug, key=lambda m: m["last_trained_at"] or never)
    return sorted(by_trained, key=lambda m: -m["recovery_score"])


def test_only_muscles_trained_in_the_last_28_days_are_ranked(
    client: TestClient, lifter: Account
) -> None:
    log(client, lifter, exercise_id(client, "barbell-back-squat"), performed_at=ago(days=30))
    log(client, lifter, exercise_id(client, "barbell-bench-press"), sets=hard_sets(6))
    log(
        client,
        lifter,
        exercise_id(client, "barbell-curl"),
        sets=hard_sets(2),
        performed_at=ago(days=27),
    )
    bench = client.get(f"/api/exercises/{exercise_id(client, 'barbell-bench-press')}").json()
    curl = client.get(f"/api/exercises/{exercise_id(client, 'barbell-curl')}").json()
    trained = {
        *bench["primary_muscles"],
        *bench["secondary_muscles"],
        *curl["primary_muscles"],
        *curl["secondary_muscles"],
    }

    ranked = _most_recovered(client, lifter)

    assert {m["muscle_group"] for m in ranked} == trained
    assert "quadriceps" not in trained  # trained 30 days ago: no longer counts
    assert ranked == _ranked(ranked)
    assert _most_recovered(client, lifter, limit=2) == ranked[:2]
    # The default limit is three, and the items are those of muscle-groups.
    everything = client.get("/api/recovery/muscle-groups", headers=lifter.headers).json()
    by_slug = {m["muscle_group"]: m for m in everything["muscle_groups"]}
    for item in _most_recovered(client, lifter, limit=3):
        shown = by_slug[item["muscle_group"]]
        assert (item["status"], item["last_trained_at"]) == (
            shown["status"],
            shown["last_trained_at"],
        )
        assert abs(item["recovery_score"] - shown["recovery_score"]) <= 0.1


def test_without_recent_training_every_muscle_is_ranked(
    client: TestClient, lifter: Account
) -> None:
    assert {m["muscle_group"] for m in _most_recovered(client, lifter)} == MUSCLE_SLUGS
    log(client, lifter, exercise_id(client, "barbell-back-squat"), performed_at=ago(days=29))
    ranked = _most_recovered(client, lifter)
    assert {m["muscle_group"] for m in ranked} == MUSCLE_SLUGS
    assert ranked == _ranked(ranked)
    # All at 100: the muscles squatted a month ago rank after the never-trained ones.
    squatted = [m["muscle_group"] for m in ranked if m["last_trained_at"] is not None]
    assert squatted and [m["muscle_group"] for m in ranked[-len(squatted) :]] == squatted


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100.0, "ready"),
        (90.0, "ready"),
        (89.96, "ready"),  # shown as 90.0
        (89.94, "recovering"),  # shown as 89.9
        (30.0, "recovering"),
        (29.96, "recovering"),  # shown as 30.0
        (29.94, "fatigued"),  # shown as 29.9
        (0.0, "fatigued"),
    ],
)
def test_status_follows_the_displayed_score(score: float, expected: str) -> None:
    assert status(score) == expected


def test_every_displayed_score_has_one_status() -> None:
    """Scores that display alike share a status: it depends on the rounding alone."""
    for hundredth in range(0, 10_001):
        score = hundredth / 100
        assert status(score) == status(round(score, 1)), score
