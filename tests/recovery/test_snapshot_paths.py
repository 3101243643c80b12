"""Which path a recovery read takes: now, after the lifter's own write, is computed from the
recent inputs alone; only a moment before a stored state (a backdated read) reads the history.
The read right after a write once took the backdated path for nothing: it read the time before
loading the inputs the write had invalidated, so the load looked later than the read (issue 21).
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from gravl.recovery import history
from tests.conftest import Account
from tests.factories import ago, exercise_id, hard_sets, log


class _Recorder:
    """The history's check-in read, counting the calls: only a rebuild from the history asks."""

    def __init__(self) -> None:
        self.calls = 0
        self._real = history.checkins_between

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return await self._real(*args, **kwargs)


@pytest.fixture
def rebuilds(monkeypatch: pytest.MonkeyPatch) -> _Recorder:
    recorder = _Recorder()
    monkeypatch.setattr(history, "checkins_between", recorder)
    return recorder


def test_the_read_right_after_a_write_does_not_read_the_history(
    client: TestClient, lifter: Account, rebuilds: _Recorder
) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    log(client, lifter, bench, sets=hard_sets(3, reps=5, weight=100), performed_at=ago(hours=2))
    assert client.get("/api/recovery/muscle-groups", headers=lifter.headers).status_code == 200
    log(client, lifter, bench, sets=hard_sets(3, reps=5, weight=100))  # invalidates the inputs
    before = rebuilds.calls
    after = client.get("/api/recovery/muscle-groups", headers=lifter.headers)
    assert after.status_code == 200, after.text
    chest = next(m for m in after.json()["muscle_groups"] if m["muscle_group"] == "chest")
    assert chest["sets_last_7_days"] == 6 and chest["recovery_score"] < 100
    assert rebuilds.calls == before, "the read after the write rebuilt states from the history"


def test_a_read_before_a_stored_state_still_rebuilds_from_the_history(
    client: TestClient, lifter: Account, rebuilds: _Recorder
) -> None:
    bench = exercise_id(client, "barbell-bench-press")
    log(client, lifter, bench, sets=hard_sets(3, reps=5, weight=100), performed_at=ago(hours=2))
    assert client.get("/api/recovery/muscle-groups", headers=lifter.headers).status_code == 200
    before = rebuilds.calls
    backdated = client.get(
        "/api/recovery/muscle-groups", params={"at": ago(hours=3)}, headers=lifter.headers
    )
    assert backdated.status_code == 200, backdated.text
    assert rebuilds.calls > before, "a read before the stored state did not rebuild from history"
    chest = next(m for m in backdated.json()["muscle_groups"] if m["muscle_group"] == "chest")
    assert chest["sets_last_7_days"] == 0  # three hours ago, the bench press was still to come
