"""A finished session's summary: PRs, volume, duration, sets, and recovery as it is now."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from fastapi.testclient import TestClient

from tests.conftest import Account


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _bench(client: TestClient) -> int:
    found = client.get("/api/exercises", params={"q": "barbell bench press"}).json()["items"]
    return int(found[0]["id"])


def _log(client: TestClient, lifter: Account, body: dict[str, object]) -> None:
    response = client.post("/api/logs", json=body, headers=lifter.headers)
    assert response.status_code == 201, response.text


def test_the_summary_shows_what_the_session_did_and_the_muscles_it_left_tired(
    web: TestClient, lifter: Account
) -> None:
    bench = _bench(web)
    last_week = (datetime.now(UTC) - timedelta(days=7)).isoformat()
    _log(
        web,
        lifter,
        {"exercise_id": bench, "performed_at": last_week, "sets": [{"weight_kg": 100, "reps": 5}]},
    )
    started = web.post("/api/sessions", json={"workout_id": 1}, headers=lifter.headers).json()
    sets = [{"weight_kg": 20, "reps": 10, "set_type": "warmup"}]
    sets += [{"weight_kg": 105, "reps": 5}] * 3
    _log(web, lifter, {"exercise_id": bench, "sets": sets, "session_id": started["id"]})
    web.patch(f"/api/sessions/{started['id']}", json={"finished": True}, headers=lifter.headers)
    response = web.get(f"/sessions/{started['id']}/summary")
    assert response.status_code == 200
    text = _text(response.text)
    assert "Session done." in text
    # Warm-ups move no volume and are no working sets: 3 × 105 × 5.
    assert "Volume 1,575 kg" in text and "Working sets 3" in text
    assert "PRs 2" in text  # heaviest and best e1RM (most reps at 105 kg is a first)
    assert "Bench Press: heaviest 105 kg" in text
    # Recovery now: the chest just trained leads the most fatigued muscles, with when it is ready.
    recovery = text[text.index("Recovery now") :]
    first = re.search(r"Recovery now (\w[\w ]*?) (\d+)% ready", recovery)
    assert first and first.group(1) == "Chest" and int(first.group(2)) < 100


def test_another_lifters_summary_is_not_found(
    web: TestClient, lifter: Account, other_lifter: Account
) -> None:
    theirs = web.post("/api/sessions", json={"workout_id": 1}, headers=other_lifter.headers).json()
    assert web.get(f"/sessions/{theirs['id']}/summary").status_code == 404
    assert web.get("/sessions/abc/summary").status_code == 404
