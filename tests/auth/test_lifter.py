"""The lifter row, the data version every write claims, and the caches that rely on it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from gravl.auth.lifter import Lifter as LifterRow
from gravl.auth.lifter import lifter_by_email, lifter_by_id
from gravl.auth.models import User
from gravl.auth.tokens import TokenCache
from gravl.cache import Caches
from gravl.config import Settings
from gravl.corridor import unit_of_work
from gravl.db import Database
from gravl.recovery.models import MuscleGroupRecovery
from tests.conftest import Account
from tests.factories import exercise_id, log
from tests.routes import ACCOUNT_WRITES_API
from tests.test_ownership import ROUTES, Route, _call

# Writes that are not the lifter's training data: the session's own bookkeeping, or the end of
# the account (after which no token of it authenticates).
NOT_TRAINING_DATA = ACCOUNT_WRITES_API


def _row(client: TestClient, user_id: int) -> LifterRow | None:
    async def read() -> LifterRow | None:
        state = client.app.state  # type: ignore[attr-defined]
        async with unit_of_work(state.database, state.caches) as work:
            return await lifter_by_id(work, user_id, writes=False)

    return client.portal.call(read)  # type: ignore[union-attr]


def _version(client: TestClient, user_id: int) -> int:
    row = _row(client, user_id)
    assert row is not None
    return row.data_version


WRITES = [
    r
    for r in ROUTES
    if r.method != "GET" and r.access != "public" and (r.method, r.path) not in NOT_TRAINING_DATA
]


def test_every_write_route_is_checked() -> None:
    """The ownership matrix lists every route; these are its writes of training data."""
    assert {f"{r.method} {r.path}" for r in WRITES} == {
        "PATCH /api/me",
        "POST /api/exercises",
        "POST /api/workouts/{workout_id}/swap",
        "POST /api/workouts/swaps/{swap_id}/revert",
        "POST /api/programs/{program_id}/enroll",
        "POST /api/custom-workouts",
        "PUT /api/custom-workouts/{workout_id}",
        "DELETE /api/custom-workouts/{workout_id}",
        "POST /api/logs",
        "PATCH /api/logs/{log_id}",
        "DELETE /api/logs/{log_id}",
        "POST /api/recovery/check-ins",
        "POST /api/imports",
        "DELETE /api/imports/{import_id}",
        "POST /api/imported-names/remap",
        "PUT /api/exercises/{exercise_id}/muscles",
        "POST /api/sessions",
        "PATCH /api/sessions/{session_id}",
        "DELETE /api/sessions/{session_id}",
        "POST /api/sessions/{session_id}/exercises/{index}/replace",
        "PUT /api/sessions/{session_id}/exercises/{index}/sets/{position}",
    }


@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r.method} {r.path}")
def test_every_write_replaces_the_data_version(
    client: TestClient, lifter: Account, route: Route
) -> None:
    ids = route.setup(client, lifter) if route.setup else {}
    before = _version(client, lifter.id)
    status = _call(client, route, lifter, lifter, ids)
    assert 200 <= status < 300, status
    assert _version(client, lifter.id) != before


def test_a_failed_write_keeps_the_data_version(client: TestClient, lifter: Account) -> None:
    before = _version(client, lifter.id)
    response = client.post(
        "/api/logs", json={"exercise_id": 999_999, "sets": [{"reps": 5}]}, headers=lifter.headers
    )
    assert response.status_code == 404
    assert _version(client, lifter.id) == before


def test_reads_leave_the_data_version(client: TestClient, lifter: Account) -> None:
    before = _version(client, lifter.id)
    for path in ("/api/recovery/muscle-groups", "/api/recommendations/smart-workout", "/api/me"):
        assert client.get(path, headers=lifter.headers).status_code == 200
    assert _version(client, lifter.id) == before


def test_the_row_of_a_lifter(client: TestClient, lifter: Account) -> None:
    row = _row(client, lifter.id)
    assert row is not None
    assert (row.id, row.experience, row.timezone, row.units) == (
        lifter.id,
        "intermediate",
        "UTC",
        "kg",
    )
    assert _row(client, lifter.id + 1000) is None


def _recovery(client: TestClient, lifter: Account) -> dict[str, Any]:
    response = client.get("/api/recovery/muscle-groups", headers=lifter.headers)
    assert response.status_code == 200
    return {m["muscle_group"]: m for m in response.json()["muscle_groups"]}


def _caches(client: TestClient) -> Caches:
    caches: Caches = client.app.state.caches  # type: ignore[attr-defined]
    return caches


def _tamper(client: TestClient, user_id: int, *, fatigue: float, bump: bool) -> None:
    """Change the stored state behind the app's back (as another replica's write would)."""

    async def run() -> None:
        database: Database = client.app.state.database  # type: ignore[attr-defined]
        async with database.sessionmaker() as session:
            await session.execute(
                update(MuscleGroupRecovery)
                .where(MuscleGroupRecovery.user_id == user_id)
                .values(fatigue=fatigue)
            )
            if bump:
                await session.execute(
                    update(User)
                    .where(User.id == user_id)
                    .values(data_version=User.data_version + 1)
                )
            await session.commit()

    client.portal.call(run)  # type: ignore[union-attr]


def test_recovery_is_served_from_the_cache_until_the_version_changes(
    client: TestClient, lifter: Account
) -> None:
    log(client, lifter, exercise_id(client, "barbell-bench-press"))
    trained = _recovery(client, lifter)["chest"]["recovery_score"]
    assert trained < 100
    # A change without a new version is not seen: the answer comes from the cache ...
    _tamper(client, lifter.id, fatigue=0.0, bump=False)
    assert _recovery(client, lifter)["chest"]["recovery_score"] == trained
    # ... and the same change with one (what every write does) is seen at once.
    _tamper(client, lifter.id, fatigue=0.0, bump=True)
    assert _recovery(client, lifter)["chest"]["recovery_score"] == 100


def test_a_log_made_after_a_cached_read_shows_at_once(client: TestClient, lifter: Account) -> None:
    assert _recovery(client, lifter)["chest"]["recovery_score"] == 100
    log(client, lifter, exercise_id(client, "barbell-bench-press"))
    cached = _recovery(client, lifter)
    _caches(client).clear()
    assert _recovery(client, lifter) == cached
    assert cached["chest"]["recovery_score"] < 100


def test_a_deleted_account_cannot_read_what_was_cached(client: TestClient, lifter: Account) -> None:
    _recovery(client, lifter)
    response = client.request(
        "DELETE", "/api/me", json={"password": lifter.password}, headers=lifter.headers
    )
    assert response.status_code == 204
    response = client.get("/api/recovery/muscle-groups", headers=lifter.headers)
    assert response.status_code == 401


def test_a_remembered_token_still_expires(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gravl.auth import tokens
    from gravl.auth.security import create_access_token

    cache = TokenCache(settings)
    token = create_access_token(settings, 7, "0123456789abcdef0123456789abcdef")
    assert cache.claims(token) == (7, "0123456789abcdef0123456789abcdef")
    later = tokens.time.time() + settings.access_token_ttl_s + 1
    monkeypatch.setattr(tokens.time, "time", lambda: later)
    assert cache.claims(token) is None
    assert cache.claims("not-a-token") is None


def test_remembered_tokens_are_bounded(settings: Settings) -> None:
    from gravl.auth.security import create_access_token

    cache = TokenCache(settings, max_entries=3)
    minted = [
        create_access_token(settings, i, "0123456789abcdef0123456789abcdef") for i in range(1, 6)
    ]
    assert [cache.claims(t) for t in minted] == [
        (i, "0123456789abcdef0123456789abcdef") for i in range(1, 6)
    ]
    assert len(cache._claims) == 3


def test_another_apps_keys_do_not_share_remembered_tokens(settings: Settings) -> None:
    from gravl.auth.security import create_access_token

    token = create_access_token(settings, 7, "0123456789abcdef0123456789abcdef")
    assert TokenCache(settings).claims(token) == (7, "0123456789abcdef0123456789abcdef")
    other = settings.model_copy(update={"secret_key": "another-key-" + "x" * 40})
    assert TokenCache(other).claims(token) is None


def test_claims_and_reads_outside_a_request(settings: Settings) -> None:
    """An unknown lifter is None both ways; a claim is a write's first statement or an error;
    a claimed lifter is marked as writing, so caches neither serve nor keep its values."""
    import asyncio

    async def run() -> tuple[LifterRow | None, LifterRow | None, LifterRow | None, int]:
        database = Database(settings)
        caches = Caches()
        try:
            async with unit_of_work(database, caches) as work:
                unknown = await lifter_by_id(work, 1_000_000, writes=False)
            async with unit_of_work(database, caches) as work:
                unknown_claim = await lifter_by_id(work, 1_000_000, writes=True)
            async with unit_of_work(database, caches) as work:
                await work.session.execute(update(User).where(User.id == 0).values(units="kg"))
                with pytest.raises(RuntimeError, match="before any other statement"):
                    await lifter_by_id(work, 1, writes=True)
            async with unit_of_work(database, caches) as work:
                claimed = await lifter_by_email(work, "nobody@example.com", writes=True)
            return unknown, unknown_claim, claimed, len(caches._slots)
        finally:
            await database.dispose()

    assert asyncio.run(run()) == (None, None, None, 0)


def test_a_writing_request_neither_serves_nor_keeps_cached_values(
    client: TestClient, lifter: Account
) -> None:
    from gravl.cache import Slot

    slot = Slot[str]("test-slot")
    caches = _caches(client)
    row = _row(client, lifter.id)
    assert row is not None
    writing = replace(row, writing=True)
    caches.put(slot, writing, "from a write")
    assert caches.get(slot, row) is None
    caches.put(slot, row, "from a read")
    assert caches.get(slot, row) == "from a read"
    assert caches.get(slot, writing) is None


def test_a_claim_names_the_lifter_and_a_new_version(client: TestClient, lifter: Account) -> None:
    before = _row(client, lifter.id)
    assert before is not None

    async def claim() -> LifterRow | None:
        state = client.app.state  # type: ignore[attr-defined]
        async with unit_of_work(state.database, state.caches) as work:
            return await lifter_by_email(work, lifter.email.upper(), writes=True)

    claimed = client.portal.call(claim)  # type: ignore[union-attr]
    assert claimed is not None and claimed.writing
    assert (claimed.id, claimed.email) == (lifter.id, lifter.email)
    assert claimed.data_version != before.data_version
    assert _version(client, lifter.id) == claimed.data_version
