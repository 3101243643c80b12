"""Login does not tell whether an account exists: same status, same body, similar time."""

from __future__ import annotations

import statistics
import time

import pytest
from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from tests.conftest import Account

SAMPLES = 7


def _median_seconds(client: TestClient, email: str) -> tuple[float, set[str]]:
    durations, bodies = [], set()
    for _ in range(SAMPLES):
        started = time.perf_counter()
        response = client.post("/api/auth/login", json={"email": email, "password": "wrong guess"})
        durations.append(time.perf_counter() - started)
        assert response.status_code == 401
        bodies.add(response.text)
    return statistics.median(durations), bodies


@pytest.mark.real_hashing
def test_unknown_and_known_accounts_fail_alike(settings: Settings) -> None:
    # Lift the per-account limit so the known account is not locked mid-measurement.
    loose = settings.model_copy(update={"login_max_failures": 1000, "login_per_minute": 1000})
    with TestClient(create_app(loose)) as client:
        known = Account(client, "known@example.com")
        _median_seconds(client, "warm-up@example.com")
        known_time, known_bodies = _median_seconds(client, known.email)
        unknown_time, unknown_bodies = _median_seconds(client, "nobody-here@example.com")
    assert known_bodies == unknown_bodies and len(known_bodies) == 1
    # Both paths run one argon2 verification; without the dummy hash the unknown e-mail would
    # answer in a fraction of the time (no hashing at all). Generous bounds: shared machines.
    assert 0.5 < unknown_time / known_time < 2.0, (known_time, unknown_time)
