"""One refresh token rotates once, however many requests race for it (issue 15, finding 5)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from tests.conftest import Account

RACERS = 4


@pytest.mark.postgresql_only
def test_parallel_refreshes_of_one_token_fork_nothing(settings: Settings) -> None:
    with TestClient(create_app(settings)) as setup:
        lifter = Account(setup, "racer@example.com")
    clients = [TestClient(create_app(settings)) for _ in range(RACERS)]
    for c in clients:
        c.__enter__()
    try:
        # Warm each app (its pools, its first query) so the refreshes really overlap.
        for c in clients:
            assert c.get("/api/me", headers=lifter.headers).status_code == 200
        body = {"refresh_token": lifter.refresh_token}
        with ThreadPoolExecutor(RACERS) as pool:
            responses = list(
                pool.map(lambda i: clients[i].post("/api/auth/refresh", json=body), range(RACERS))
            )
        statuses = sorted(r.status_code for r in responses)
        issued = [r.json()["refresh_token"] for r in responses if r.status_code == 200]
        afterwards = [
            clients[0].post("/api/auth/refresh", json={"refresh_token": token}).status_code
            for token in [*issued, lifter.refresh_token]
        ]
    finally:
        for c in clients:
            c.__exit__(None, None, None)
    assert statuses == [200] + [401] * (RACERS - 1)
    # The lost races count as reuse: the whole session is revoked, the winner's pair included.
    assert afterwards == [401] * (len(issued) + 1)
