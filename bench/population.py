"""A realistic lifter population, bulk-loaded into PostgreSQL with COPY (not through the API).

Every lifter follows one of the built-in programs: on each scheduled day they turn up with
85% probability and log every exercise of that day's workout (the workout's target sets, RPE
7-9, loads that creep up over the months). Recovery state rows are then rebuilt through the
app's own ``history_changed``, so they are exactly what the app would have stored.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import asyncpg
from sqlalchemy import select
from sqlalchemy.engine import make_url

from gravl.auth.models import User
from gravl.auth.security import hash_password
from gravl.config import Settings
from gravl.db import Database
from gravl.recovery.service import history_changed
from gravl.stats.e1rm import estimate_1rm, set_volume
from gravl.vocabulary import MUSCLE_SLUGS

PASSWORD = "bench-password-1"
# Gym attendance studies put adherence to a planned program around 80-90%; 85% sits between.
ADHERENCE = 0.85
SESSION_HOUR_UTC = 17
MINUTES_PER_EXERCISE = 9


@dataclass(frozen=True)
class Population:
    lifter_ids: list[int]  # a year of history each
    veteran_id: int  # five years
    newcomer_id: int  # one week: the baseline the veteran's latency is compared with
    logs: int
    sets: int


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _programs(connection: asyncpg.Connection) -> list[tuple[int, list[int | None]]]:
    rows = await connection.fetch("SELECT program_id, day, workout_id FROM program_workouts")
    days: dict[int, dict[int, int | None]] = defaultdict(dict)
    for row in rows:
        days[row["program_id"]][row["day"]] = row["workout_id"]
    return [(pid, [d[i] for i in range(len(d))]) for pid, d in sorted(days.items())]


async def _workout_plans(
    connection: asyncpg.Connection,
) -> dict[int, list[tuple[int, int, int]]]:
    rows = await connection.fetch(
        "SELECT workout_id, exercise_id, target_sets, target_reps FROM workout_exercises "
        "ORDER BY workout_id, position"
    )
    plans: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for row in rows:
        plans[row["workout_id"]].append(
            (row["exercise_id"], row["target_sets"], row["target_reps"])
        )
    return plans


class _Writer:
    """Accumulates rows for COPY, numbering logs itself so sets can reference them."""

    def __init__(self, first_log_id: int, rng: random.Random) -> None:
        self.next_log_id = first_log_id
        self.rng = rng
        self.logs: list[tuple[object, ...]] = []
        self.sets: list[tuple[object, ...]] = []

    def history(
        self,
        user_id: int,
        schedule: list[int | None],
        plans: dict[int, list[tuple[int, int, int]]],
        start: date,
        days: int,
    ) -> None:
        rng = self.rng
        base_load = {e: rng.uniform(20, 100) for p in plans.values() for e, _, _ in p}
        for offset in range(days):
            workout_id = schedule[offset % len(schedule)]
            if workout_id is None or rng.random() > ADHERENCE:
                continue
            day = start + timedelta(days=offset)
            began = datetime.combine(day, time(SESSION_HOUR_UTC), UTC) + timedelta(
                minutes=rng.randint(-120, 120)
            )
            progress = 1 + offset / 365 * 0.15  # about 15% stronger a year
            for position, (exercise_id, target_sets, target_reps) in enumerate(plans[workout_id]):
                performed_at = began + timedelta(minutes=position * MINUTES_PER_EXERCISE)
                load = round(base_load[exercise_id] * progress / 2.5) * 2.5
                self._log(
                    user_id, workout_id, exercise_id, performed_at, target_sets, target_reps, load
                )

    def _log(
        self,
        user_id: int,
        workout_id: int,
        exercise_id: int,
        performed_at: datetime,
        target_sets: int,
        target_reps: int,
        load: float,
    ) -> None:
        log_id = self.next_log_id
        self.next_log_id += 1
        volume, best = 0.0, None
        for position in range(1, target_sets + 1):
            reps = max(1, target_reps + self.rng.randint(-2, 1))
            rpe = self.rng.choice((7.0, 7.5, 8.0, 8.5, 9.0))
            volume += set_volume(load, reps, set_type="normal")
            estimate = estimate_1rm(load, reps, rpe, set_type="normal")
            if estimate is not None and (best is None or estimate > best):
                best = estimate
            self.sets.append((log_id, position, "normal", reps, load, rpe, None, None))
        self.logs.append(
            (
                log_id,
                user_id,
                exercise_id,
                performed_at,
                "program",
                workout_id,
                round(volume, 3),
                round(best, 2) if best is not None else None,
                performed_at,
                performed_at,
            )
        )


LOG_COLUMNS = [
    "id",
    "user_id",
    "exercise_id",
    "performed_at",
    "source_type",
    "workout_id",
    "volume_kg",
    "best_e1rm_kg",
    "created_at",
    "updated_at",
]
SET_COLUMNS = [
    "log_id",
    "position",
    "set_type",
    "reps",
    "weight_kg",
    "rpe",
    "duration_s",
    "distance_m",
]


def session_of(user_id: int) -> str:
    """The id of the bench lifter's one session (gravl.auth.sessions)."""
    return f"{user_id:032x}"


async def populate(
    url: str, *, lifters: int = 200, years: int = 1, veteran_years: int = 5, seed: int = 9
) -> Population:
    """Load ``lifters`` year-long histories, one five-year veteran and a one-week newcomer."""
    rng = random.Random(seed)
    today = datetime.now(UTC).date()
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        programs = await _programs(connection)
        plans = await _workout_plans(connection)
        password_hash = await hash_password(PASSWORD)  # one hash: argon2 is slow on purpose
        now = datetime.now(UTC)
        emails = [f"bench-{n}@example.com" for n in range(lifters)]
        emails += ["veteran@example.com", "newcomer@example.com"]
        await connection.copy_records_to_table(
            "users",
            records=[(e, password_hash, "UTC", "kg", "intermediate", now) for e in emails],
            columns=["email", "password_hash", "timezone", "units", "experience", "created_at"],
        )
        ids = {
            r["email"]: r["id"]
            for r in await connection.fetch(
                "SELECT id, email FROM users WHERE email = ANY($1)", emails
            )
        }
        # Each lifter is signed in once: the benchmark's tokens name these sessions.
        await connection.copy_records_to_table(
            "auth_sessions",
            records=[
                (session_of(i), i, "api", "127.0.0.1", "bench", now, now, now + timedelta(days=90))
                for i in ids.values()
            ],
            columns=[
                "id",
                "user_id",
                "kind",
                "client",
                "user_agent",
                "created_at",
                "last_used_at",
                "expires_at",
            ],
        )
        spans = [years * 365] * lifters + [veteran_years * 365, 7]
        first_log = (await connection.fetchval("SELECT coalesce(max(id), 0) FROM workout_logs")) + 1
        writer = _Writer(first_log, rng)
        enrollments = []
        for n, (email, span) in enumerate(zip(emails, spans, strict=True)):
            # The veteran and the newcomer follow the same program, so only history length
            # differs between them.
            program_id, schedule = programs[min(n, lifters) % len(programs)]
            start = today - timedelta(days=span)
            enrollments.append((ids[email], program_id, start, now))
            # History ends yesterday: nothing in the future, and today is left to the benchmark.
            writer.history(ids[email], schedule, plans, start, span)
        await connection.copy_records_to_table(
            "enrollments",
            records=enrollments,
            columns=["user_id", "program_id", "start_date", "created_at"],
        )
        await connection.copy_records_to_table(
            "workout_logs", records=writer.logs, columns=LOG_COLUMNS
        )
        await connection.copy_records_to_table("log_sets", records=writer.sets, columns=SET_COLUMNS)
        await connection.execute(
            "SELECT setval(pg_get_serial_sequence('workout_logs', 'id'), "
            "(SELECT max(id) FROM workout_logs))"
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    await _rebuild_recovery(url, list(ids.values()))
    return Population(
        lifter_ids=[ids[e] for e in emails[:lifters]],
        veteran_id=ids["veteran@example.com"],
        newcomer_id=ids["newcomer@example.com"],
        logs=len(writer.logs),
        sets=len(writer.sets),
    )


async def _rebuild_recovery(url: str, user_ids: list[int]) -> None:
    """Store each lifter's recovery state exactly as the app computes it."""
    database = Database(Settings(env="test", database_url=url, secret_key="b" * 40))
    try:
        async with database.sessionmaker() as session, session.begin():
            users = (await session.scalars(select(User).where(User.id.in_(user_ids)))).all()
            for user in users:
                await history_changed(session=session, user=user, muscles=MUSCLE_SLUGS)
    finally:
        await database.dispose()
