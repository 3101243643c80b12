"""The training sessions an import brings: each workout of another app's file becomes one
``TrainingSession`` (its title, start, duration, notes and supersets), and a Gravl restore
brings back the sessions it exported. Written in bulk, before the logs that join them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.catalog import cache as catalog_cache
from gravl.db import utcnow
from gravl.history.models import TrainingSession
from gravl.transfer.parsing import ImportedSet

# Sessions per INSERT: 13 columns each, far under both databases' parameter limits.
_BATCH = 500
# TrainingSession.title's length.
MAX_TITLE = 120


@dataclass
class PlannedSession:
    """A session to write; ``id`` is its row's once written (or the one the account holds)."""

    date: date
    title: str
    started_at: datetime
    ended_at: datetime | None = None
    notes: str | None = None
    # As gravl.sessions keeps it (``plan_document``); an imported exercise has no targets.
    plan: list[dict[str, Any]] = field(default_factory=list)
    workout_id: int | None = None
    custom_workout_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None


@dataclass
class _Workout:
    """What a file says of one of its workouts, over all its rows."""

    first: ImportedSet
    started_at: datetime
    # The exercises that bring new logs, in file order, each with its superset mark.
    exercises: list[tuple[int | str, str | None]] = field(default_factory=list)
    session: PlannedSession | None = None


class FileSessions:
    """The sessions of a file's workouts that bring at least one new set."""

    def __init__(self, imported: Iterable[ImportedSet], app: str, timezone: str) -> None:
        self._app = app
        self._zone = ZoneInfo(timezone)
        self._workouts: dict[str, _Workout] = {}
        for item in imported:
            workout = self._workouts.get(item.session_key)
            if workout is None:
                self._workouts[item.session_key] = _Workout(item, item.performed_at)
            elif item.performed_at < workout.started_at:  # Fitbod: each set has its time
                workout.started_at = item.performed_at

    def joined(self, item: ImportedSet, exercise: int | str) -> PlannedSession:
        """The session a new log of ``exercise`` (made for ``item``) joins."""
        workout = self._workouts[item.session_key]
        workout.exercises.append((exercise, item.superset))
        if workout.session is None:
            workout.session = self._session(workout)
        return workout.session

    def _session(self, workout: _Workout) -> PlannedSession:
        first, start = workout.first, workout.started_at
        day = start.astimezone(self._zone).date()
        title = first.workout_name or f"{self._app} workout"
        duration = first.session_duration_s
        return PlannedSession(
            date=day,
            title=title[:MAX_TITLE],
            started_at=start,
            ended_at=start + timedelta(seconds=duration) if duration else None,
            notes=first.session_notes,
        )

    async def described(
        self, session: AsyncSession, exercise_ids: dict[str, int]
    ) -> list[PlannedSession]:
        """The sessions to write, their plans filled (``exercise_ids``: the exercises the
        import created, by key)."""
        workouts = [w for w in self._workouts.values() if w.session is not None]
        ids = {
            e if isinstance(e, int) else exercise_ids[e] for w in workouts for e, _ in w.exercises
        }
        names = await catalog_cache.exercise_names(session, ids)
        equipment = await catalog_cache.exercise_equipment(session, ids)
        found = []
        for workout in workouts:
            assert workout.session is not None
            members = [
                (e if isinstance(e, int) else exercise_ids[e], mark)
                for e, mark in workout.exercises
            ]
            workout.session.plan = imported_plan(members, names, equipment)
            found.append(workout.session)
        return found


def imported_plan(
    exercises: Sequence[tuple[int, str | None]],
    names: dict[int, str],
    equipment: dict[int, str | None],
) -> list[dict[str, Any]]:
    """A workout's exercises as a session's plan: no rule, no targets, and the app's supersets
    as groups numbered 1, 2, ... in the order they first appear."""
    groups: dict[str, int] = {}
    plan = []
    for exercise_id, mark in exercises:
        plan.append(
            {
                "exercise_id": exercise_id,
                "name": names.get(exercise_id, ""),
                "equipment": equipment.get(exercise_id),
                "rule": None,
                "group": None if mark is None else groups.setdefault(mark, len(groups) + 1),
                "reasons": [],
                "warmup_sets": [],
                "sets": [],
            }
        )
    return plan


async def insert_sessions(
    session: AsyncSession, user: Lifter, planned: Sequence[PlannedSession], import_id: int
) -> None:
    """Write the sessions not written yet, in multi-row INSERTs, and take their ids."""
    new = [p for p in planned if p.id is None]
    now = utcnow()
    for start in range(0, len(new), _BATCH):
        batch = new[start : start + _BATCH]
        rows = [
            {
                "user_id": user.id,
                "date": p.date,
                "title": p.title,
                "workout_id": p.workout_id,
                "custom_workout_id": p.custom_workout_id,
                "started_at": p.started_at,
                "ended_at": p.ended_at,
                "notes": p.notes,
                "plan": p.plan,
                "import_id": import_id,
                "created_at": p.created_at or now,
                "updated_at": p.updated_at or now,
            }
            for p in batch
        ]
        ids = (
            await session.scalars(
                insert(TrainingSession).returning(TrainingSession.id, sort_by_parameter_order=True),
                rows,
            )
        ).all()
        for p, session_id in zip(batch, ids, strict=True):
            p.id = session_id
