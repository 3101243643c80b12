"""Logging performed exercises: create (idempotently), read, list, edit and delete.

This package sits above ``gravl.recovery``: every write folds its sets into the recovery state
in the same transaction, and a new log answers with the touched muscles' recovery. The log
tables themselves live below recovery in ``gravl.history``, so recovery (and stats,
recommendations, transfer) read them without depending on the writer.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Table, and_, bindparam, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from gravl.auth.lifter import Lifter
from gravl.catalog import cache as catalog_cache
from gravl.catalog.cache import muscles_of
from gravl.catalog.models import Exercise
from gravl.catalog.service import get_exercise
from gravl.corridor import insert_returning, insert_rows, read_all
from gravl.db import utcnow
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.history.models import LogSet, SourceType, TrainingSession, WorkoutLog
from gravl.history.sets import SetType
from gravl.ids import MAX_ID
from gravl.logs.schemas import LogIn, LogPatch, SetIn
from gravl.recovery import service as recovery
from gravl.recovery.model import MuscleState
from gravl.stats.e1rm import summarise_sets
from gravl.training.cache import builtin_workouts
from gravl.training.models import CustomWorkout, CustomWorkoutExercise, Workout, WorkoutSwap
from gravl.validation import EARLIEST_INSTANT, LATEST_INSTANT, OUT_OF_RANGE, in_range

_LOADED = (joinedload(WorkoutLog.exercise), selectinload(WorkoutLog.sets))


@dataclass(frozen=True)
class Created:
    log: WorkoutLog  # with its exercise and sets loaded
    replayed: bool  # an Idempotency-Key retry answered with the stored log
    # The new states of the muscles the log touched (none for a replay).
    recovery: dict[str, MuscleState] | None = None


def request_hash(data: LogIn) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _set_rows(sets: Sequence[SetIn]) -> list[LogSet]:
    return [
        LogSet(
            position=i,
            set_type=s.set_type,
            reps=s.reps,
            weight_kg=s.weight_kg,
            rpe=s.rpe,
            duration_s=s.duration_s,
            distance_m=s.distance_m,
        )
        for i, s in enumerate(sets, start=1)
    ]


def _summarise(log: WorkoutLog, sets: Sequence[LogSet]) -> None:
    """Volume and best e1RM (FORMATS.md); warm-ups count for neither."""
    log.volume_kg, log.best_e1rm_kg = summarise_sets(sets)


# Built once, like the recovery reads: statement construction costs more than its query.
_VISIBLE_EXERCISE_NAME = select(Exercise.name).where(
    Exercise.id == bindparam("exercise_id"),
    or_(Exercise.owner_id.is_(None), Exercise.owner_id == bindparam("user_id")),
)
_LOGS = cast(Table, WorkoutLog.__table__)
_SETS = cast(Table, LogSet.__table__)
_INSERT_LOG = insert(_LOGS).returning(_LOGS.c.id)
_INSERT_SETS = insert(_SETS)


async def _visible_exercise_name(*, session: AsyncSession, user_id: int, exercise_id: int) -> str:
    """The name of the exercise a log names, if the lifter may see it (built-ins from the
    worker's cache)."""
    name = (await catalog_cache.builtin_exercises(session)).names.get(exercise_id)
    if name is None:
        name = await session.scalar(
            _VISIBLE_EXERCISE_NAME, {"exercise_id": exercise_id, "user_id": user_id}
        )
    if name is None:
        raise NotFound(f"exercise {exercise_id} not found")
    return name


async def _check_workouts(session: AsyncSession, workout_ids: set[int]) -> None:
    # Built-in workouts change only on seed: the worker's cache answers, the database only
    # for an id it does not know (seeded since it was loaded, or no such workout).
    known = {w.id for w in (await builtin_workouts(session)).workouts}
    for workout_id in sorted(workout_ids - known):
        if await session.get(Workout, workout_id) is None:
            raise NotFound(f"workout {workout_id} not found")


async def _resolve_references(
    *, session: AsyncSession, user: Lifter, data: LogIn, performed_at: datetime
) -> tuple[str, int | None, int | None]:
    """Check every workout id the log names; derive ``custom_workout_id``,
    ``swapped_from_id`` and ``source_type`` when the client left them out."""
    custom_workout_id = data.custom_workout_id
    await _check_workouts(
        session, {w for w in (data.workout_id, data.swapped_from_id) if w is not None}
    )
    if data.custom_workout_exercise_id is not None:
        row = await session.scalar(
            select(CustomWorkoutExercise)
            .join(CustomWorkout)
            .where(
                CustomWorkoutExercise.id == data.custom_workout_exercise_id,
                CustomWorkout.user_id == user.id,
            )
        )
        if row is None or (custom_workout_id not in (None, row.custom_workout_id)):
            raise NotFound(f"custom workout exercise {data.custom_workout_exercise_id} not found")
        custom_workout_id = row.custom_workout_id
    if custom_workout_id is not None:
        owned = await session.scalar(
            select(CustomWorkout.id).where(
                CustomWorkout.id == custom_workout_id,
                CustomWorkout.user_id == user.id,
                CustomWorkout.deleted_at.is_(None),
            )
        )
        if owned is None:
            raise NotFound(f"custom workout {custom_workout_id} not found")
    swapped_from = data.swapped_from_id
    if swapped_from is None and (data.workout_id or custom_workout_id):
        # A log made under a swapped-in workout remembers what it replaced.
        day = performed_at.astimezone(ZoneInfo(user.timezone)).date()
        swapped_from = await session.scalar(
            select(WorkoutSwap.original_workout_id).where(
                WorkoutSwap.user_id == user.id,
                WorkoutSwap.date == day,
                WorkoutSwap.reverted_at.is_(None),
                WorkoutSwap.replacement_workout_id == data.workout_id
                if data.workout_id
                else WorkoutSwap.replacement_custom_workout_id == custom_workout_id,
            )
        )
    source = data.source_type or (
        "swap"
        if swapped_from
        else "custom"
        if custom_workout_id
        else "program"
        if data.workout_id
        else "freestyle"
    )
    return source, custom_workout_id, swapped_from


async def _own_session(session: AsyncSession, user: Lifter, session_id: int | None) -> int | None:
    """The training session a log joins: the lifter's own, or 404."""
    if session_id is None:
        return None
    owned = await session.scalar(
        select(TrainingSession.id).where(
            TrainingSession.id == session_id, TrainingSession.user_id == user.id
        )
    )
    if owned is None:
        raise NotFound(f"session {session_id} not found")
    return session_id


async def create_log(
    *, session: AsyncSession, user: Lifter, data: LogIn, idempotency_key: str | None = None
) -> Created:
    """Store a performed exercise and update recovery in the same transaction."""
    digest = request_hash(data) if idempotency_key else None
    # Taken first, so a retry racing its original waits here and then finds it.
    if idempotency_key:
        replay = await _replay(session=session, user=user, key=idempotency_key, digest=digest)
        if replay is not None:
            return Created(replay, replayed=True)
    now = utcnow()
    # In UTC, as the database hands it back: the response is built from this object. A time a
    # few minutes ahead (a phone's clock runs fast; validation allows 5 minutes) is now, so
    # the sets count from the moment they are logged rather than vanish until then.
    performed_at = min(data.performed_at or now, now).astimezone(UTC)
    exercise_name = await _visible_exercise_name(
        session=session, user_id=user.id, exercise_id=data.exercise_id
    )
    source, custom_workout_id, swapped_from = await _resolve_references(
        session=session, user=user, data=data, performed_at=performed_at
    )
    # A plain object for the response and the recovery update; written with Core statements
    # below, since the ORM's unit of work was the largest cost of a log (docs/PERFORMANCE.md).
    log = WorkoutLog(
        user_id=user.id,
        exercise_id=data.exercise_id,
        performed_at=performed_at,
        source_type=source,
        workout_id=data.workout_id,
        custom_workout_id=custom_workout_id,
        custom_workout_exercise_id=data.custom_workout_exercise_id,
        swapped_from_id=swapped_from,
        session_id=await _own_session(session, user, data.session_id),
        notes=data.notes,
        idempotency_key=idempotency_key,
        request_hash=digest,
        import_id=None,
        created_at=now,
        updated_at=now,
    )
    sets = _set_rows(data.sets)
    _summarise(log, sets)
    row = {column.key: getattr(log, column.key) for column in _LOGS.columns if column.key != "id"}
    if idempotency_key is None:
        (log_id,) = await insert_returning(session, _INSERT_LOG, row)
    else:
        try:
            async with session.begin_nested():
                log_id = await session.scalar(_INSERT_LOG, row)
        except IntegrityError:
            # A parallel retry with the same key committed first: answer as that retry would.
            replay = await _replay(session=session, user=user, key=idempotency_key, digest=digest)
            if replay is None:
                raise
            return Created(replay, replayed=True)
    assert log_id is not None
    log.id = log_id
    await insert_rows(
        session,
        _INSERT_SETS,
        [
            {column.key: getattr(s, column.key) for column in _SETS.columns if column.key != "id"}
            | {"log_id": log_id}
            for s in sets
        ],
    )
    set_committed_value(log, "sets", sets)
    set_committed_value(log, "exercise", Exercise(id=data.exercise_id, name=exercise_name))
    states = await recovery.log_added(session=session, user=user, log=log)
    return Created(log, replayed=False, recovery=states)


async def _replay(
    *, session: AsyncSession, user: Lifter, key: str, digest: str | None
) -> WorkoutLog | None:
    log = await session.scalar(
        select(WorkoutLog)
        .where(WorkoutLog.user_id == user.id, WorkoutLog.idempotency_key == key)
        .options(*_LOADED)
    )
    if log is not None and log.request_hash != digest:
        raise Conflict("this Idempotency-Key was already used with a different request body")
    return log


async def get_log(*, session: AsyncSession, user: Lifter, log_id: int) -> WorkoutLog:
    log = await session.scalar(
        select(WorkoutLog)
        .where(WorkoutLog.id == log_id, WorkoutLog.user_id == user.id)
        .options(*_LOADED)
        .execution_options(populate_existing=True)
    )
    if log is None:
        raise NotFound(f"log {log_id} not found")
    return log


def list_bound(value: datetime | date, timezone: str, *, field: str, end: bool) -> datetime:
    """A ``from``/``to`` as an instant: a date is the lifter's whole day (from its first or
    to its last microsecond), a naive datetime is read in their timezone."""
    instant: datetime | None = None
    # Years outside the range are refused before any arithmetic that could overflow.
    if EARLIEST_INSTANT.year <= value.year < LATEST_INSTANT.year:
        if not isinstance(value, datetime):
            day = value + timedelta(days=1) if end else value
            instant = datetime.combine(day, time.min, ZoneInfo(timezone))
            instant -= timedelta(microseconds=1) if end else timedelta(0)
        else:
            instant = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(timezone))
    if instant is None or not in_range(instant):
        raise ValidationFailed(
            f"{field} {OUT_OF_RANGE}", details=[{"field": field, "message": OUT_OF_RANGE}]
        )
    return instant


def encode_cursor(log: WorkoutLog | ListedLog) -> str:
    raw = f"{log.performed_at.isoformat()}|{log.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The position a ``next_cursor`` names; anything this server could not have made is a
    ValidationFailed on ``cursor``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        text, log_id = raw.rsplit("|", 1)
        at = datetime.fromisoformat(text)
        found = at, int(log_id)
    except (ValueError, UnicodeDecodeError):
        found = None
    if (
        found is None
        or found[0].tzinfo is None
        or not in_range(found[0])
        or not 1 <= found[1] <= MAX_ID
    ):
        raise ValidationFailed(
            "cursor is not valid", details=[{"field": "cursor", "message": "is not valid"}]
        )
    return found


@dataclass(frozen=True, slots=True)
class ListedSet:
    """A set as the log list answers it: ``SetOut``'s fields (tests/logs/test_listed.py)."""

    reps: int | None
    weight_kg: float | None
    rpe: float | None
    set_type: SetType
    duration_s: int | None
    distance_m: float | None


@dataclass(frozen=True, slots=True)
class ListedLog:
    """A log as the list answers it: ``LogOut``'s fields, built without validation from our own
    rows (a pydantic model costs ten times as much to make, and the list makes hundreds)."""

    id: int
    exercise_id: int
    exercise_name: str
    performed_at: datetime
    sets: list[ListedSet]
    source_type: SourceType
    workout_id: int | None
    custom_workout_id: int | None
    custom_workout_exercise_id: int | None
    swapped_from_id: int | None
    session_id: int | None
    notes: str | None
    volume_kg: float
    best_e1rm_kg: float | None
    created_at: datetime
    updated_at: datetime
    recovery: tuple[()] = ()  # LogOut's touched muscles: only a new log's answer has them


_LOG_COLUMNS = tuple(_LOGS.c[name] for name in ListedLog.__dataclass_fields__ if name in _LOGS.c)
_SET_COLUMNS = tuple(_SETS.c[name] for name in ListedSet.__dataclass_fields__)


def _page_statement(*, exercise: bool) -> Select[Any]:
    """One page of a lifter's logs with their exercise's name and their sets, newest first, in
    one statement built once: the page's logs in a subquery (limit + 1, to know whether a
    next page exists), then one row per set. Every filter is a bound parameter (an unbounded
    one is the widest instant), so the list needs no statement built per request."""
    page = (
        select(*_LOG_COLUMNS)
        .where(
            _LOGS.c.user_id == bindparam("user_id"),
            _LOGS.c.performed_at >= bindparam("since"),
            _LOGS.c.performed_at <= bindparam("until"),
            or_(
                _LOGS.c.performed_at < bindparam("at"),
                and_(_LOGS.c.performed_at == bindparam("at"), _LOGS.c.id < bindparam("last_id")),
            ),
        )
        .order_by(_LOGS.c.performed_at.desc(), _LOGS.c.id.desc())
        .limit(bindparam("limit"))
    )
    if exercise:
        page = page.where(_LOGS.c.exercise_id == bindparam("exercise_id"))
    logs = page.subquery("page")
    return (
        select(
            *(logs.c[c.key] for c in _LOG_COLUMNS),
            Exercise.name,
            *(_SETS.c[c.key] for c in _SET_COLUMNS),
        )
        .join_from(logs, Exercise, Exercise.id == logs.c.exercise_id)
        .outerjoin(_SETS, _SETS.c.log_id == logs.c.id)
        .order_by(logs.c.performed_at.desc(), logs.c.id.desc(), _SETS.c.position)
    )


_NAME_AT = len(_LOG_COLUMNS)
_SET_TYPE_AT = _NAME_AT + 1 + [c.key for c in _SET_COLUMNS].index("set_type")
_PAGE = _page_statement(exercise=False)
_PAGE_OF_EXERCISE = _page_statement(exercise=True)


async def list_logs(
    *,
    session: AsyncSession,
    user: Lifter,
    start: datetime | date | None,
    end: datetime | date | None,
    exercise_id: int | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[ListedLog], str | None]:
    """The user's logs, newest first, a page at a time, as the API answers them: one query."""
    since = EARLIEST_INSTANT
    if start is not None:
        since = list_bound(start, user.timezone, field="from", end=False)
    until = LATEST_INSTANT
    if end is not None:
        until = list_bound(end, user.timezone, field="to", end=True)
    at, last_id = decode_cursor(cursor) if cursor else (LATEST_INSTANT, MAX_ID)
    params: dict[str, Any] = {
        "user_id": user.id,
        "since": since,
        "until": until,
        "at": at,
        "last_id": last_id,
        "limit": limit + 1,
    }
    statement = _PAGE
    if exercise_id is not None:
        statement, params["exercise_id"] = _PAGE_OF_EXERCISE, exercise_id
    logs: list[ListedLog] = []
    for row in await read_all(session, statement, params):
        if not logs or logs[-1].id != row[0]:
            # The row: the log's columns (id, exercise_id, performed_at, then the rest in
            # ListedLog's order), the exercise's name, the set's columns.
            logs.append(ListedLog(row[0], row[1], row[_NAME_AT], row[2], [], *row[3:_NAME_AT]))
        if row[_SET_TYPE_AT] is not None:  # a log without sets has one row of NULLs
            logs[-1].sets.append(ListedSet(*row[_NAME_AT + 1 :]))
    page = logs[:limit]
    return page, encode_cursor(page[-1]) if len(logs) > limit else None


async def update_log(
    *, session: AsyncSession, user: Lifter, log_id: int, data: LogPatch
) -> WorkoutLog:
    """Change a log; recovery is recomputed as if history had always been this way."""
    log = await get_log(session=session, user=user, log_id=log_id)
    exercise_ids = {log.exercise_id}
    if "exercise_id" in data.model_fields_set and data.exercise_id is not None:
        exercise = await get_exercise(session=session, user=user, exercise_id=data.exercise_id)
        log.exercise_id = exercise.id
        exercise_ids.add(exercise.id)
    if "performed_at" in data.model_fields_set and data.performed_at is not None:
        log.performed_at = min(data.performed_at, utcnow())  # as on create
    if "notes" in data.model_fields_set:
        log.notes = data.notes
    if data.sets is not None:
        log.sets.clear()
        await session.flush()
        log.sets.extend(_set_rows(data.sets))
    _summarise(log, log.sets)
    log.updated_at = utcnow()
    await session.flush()
    touched = await muscles_of(session, exercise_ids)
    await recovery.history_changed(session=session, user=user, muscles=touched)
    return await get_log(session=session, user=user, log_id=log_id)


async def delete_log(*, session: AsyncSession, user: Lifter, log_id: int) -> None:
    """Remove a log and recompute the muscles it had loaded."""
    log = await get_log(session=session, user=user, log_id=log_id)
    touched = await muscles_of(session, {log.exercise_id})
    await session.delete(log)
    await session.flush()
    await recovery.history_changed(session=session, user=user, muscles=touched)
