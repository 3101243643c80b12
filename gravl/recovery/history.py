"""Reading training history as the recovery model's plain records (bounded time windows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.catalog.cache import builtin_exercises, exercise_categories, exercise_loads
from gravl.catalog.models import Exercise, ExerciseMuscle
from gravl.corridor import read_all
from gravl.history.models import LogSet, WorkoutLog
from gravl.recovery.model import CheckIn, Prior, SetRecord, annotate, kind_of
from gravl.recovery.models import RecoveryCheckIn
from gravl.vocabulary import tracked_of

# Built once: constructing a statement and its cache key costs more Python than running it,
# and these run on every recovery read and every log. On the tables, not the entities:
# plain-column reads need no ORM compilation.
_LOGS = cast(Table, WorkoutLog.__table__)
_SETS = cast(Table, LogSet.__table__)
# What the lifter had done of each exercise before a moment, over their whole history (the
# repeated-bout effect fades over months, and the bests rate unrated sets): one row per
# exercise from the logs alone, on the (user, exercise, performed_at) index; the best
# unweighted reps, which need the sets, only for the exercises a batch does without weight.
_PRIORS = (
    select(_LOGS.c.exercise_id, func.max(_LOGS.c.performed_at), func.max(_LOGS.c.best_e1rm_kg))
    .where(
        _LOGS.c.user_id == bindparam("user_id"),
        _LOGS.c.exercise_id.in_(bindparam("exercise_ids", expanding=True)),
    )
    .group_by(_LOGS.c.exercise_id)
)
_BEST_REPS = (
    select(_LOGS.c.exercise_id, func.max(_SETS.c.reps))
    .join(_SETS, _SETS.c.log_id == _LOGS.c.id)
    .where(
        _LOGS.c.user_id == bindparam("user_id"),
        _LOGS.c.exercise_id.in_(bindparam("exercise_ids", expanding=True)),
        or_(_SETS.c.weight_kg.is_(None), _SETS.c.weight_kg == 0),
        _SETS.c.set_type != "warmup",
    )
    .group_by(_LOGS.c.exercise_id)
)
_BEFORE = {
    (statement, inclusive): statement.where(
        _LOGS.c.performed_at <= bindparam("before")
        if inclusive
        else _LOGS.c.performed_at < bindparam("before")
    )
    for statement in (_PRIORS, _BEST_REPS)
    for inclusive in (False, True)
}
_SETS_BETWEEN = (
    select(
        _LOGS.c.id,
        _LOGS.c.exercise_id,
        _LOGS.c.performed_at,
        _SETS.c.reps,
        _SETS.c.rpe,
        _SETS.c.set_type,
        _SETS.c.duration_s,
        _SETS.c.weight_kg,
        _SETS.c.distance_m,
    )
    .join(_SETS, _SETS.c.log_id == _LOGS.c.id)
    .where(
        _LOGS.c.user_id == bindparam("user_id"),
        _LOGS.c.performed_at > bindparam("start"),
        _LOGS.c.performed_at <= bindparam("end"),
    )
    .order_by(_LOGS.c.performed_at, _LOGS.c.id, _SETS.c.position)
)


async def priors(
    session: AsyncSession,
    user_id: int,
    exercise_ids: Iterable[int],
    before: datetime,
    *,
    unweighted: Iterable[int] = (),
    inclusive: bool = False,
) -> dict[int, Prior]:
    """What the lifter had done of each exercise before ``before`` (at it too, if inclusive):
    when last, the best e1RM, and for the ``unweighted`` ones the most reps without weight."""
    ids = sorted(set(exercise_ids))
    if not ids:
        return {}
    params: dict[str, object] = {"user_id": user_id, "exercise_ids": ids, "before": before}
    found = {
        exercise_id: Prior(last_done, best_e1rm)
        for exercise_id, last_done, best_e1rm in await session.execute(
            _BEFORE[(_PRIORS, inclusive)], params
        )
    }
    bodyweight = sorted(set(unweighted) & found.keys())
    if bodyweight:
        rows = await session.execute(
            _BEFORE[(_BEST_REPS, inclusive)], {**params, "exercise_ids": bodyweight}
        )
        for exercise_id, best_reps in rows:
            found[exercise_id] = replace(found[exercise_id], best_reps=best_reps)
    return found


async def records_of(
    session: AsyncSession,
    user: Lifter,
    records: Sequence[SetRecord],
    before: datetime,
    *,
    inclusive: bool = False,
    novelty: bool = True,
) -> list[SetRecord]:
    """``records`` (bare sets, in any order) with their kind of work, novelty and bests, from
    the catalog and the lifter's history before ``before``.

    Without ``novelty`` (the hot recovery read, whose scores come from the stored states: its
    sets serve the weekly counts and the cause of a fatigue) novelty stays 1, and the history
    is read only when a set without RPE needs the bests to be rated.
    """
    if not records:
        return []
    exercise_ids = {r.exercise_id for r in records}
    builtins = await builtin_exercises(session)
    categories = await exercise_categories(session, exercise_ids)
    kinds = {i: kind_of(category) for i, category in categories.items()}
    typed = [
        r if (kind := kinds.get(r.exercise_id, "strength")) == r.kind else replace(r, kind=kind)
        for r in records
    ]
    if novelty:
        related = {v for i in exercise_ids for v in builtins.variations(i)}
    else:
        related = {
            r.exercise_id
            for r in typed
            if r.rpe is None and r.reps and r.kind == "strength" and r.set_type != "failure"
        }
        if not related:
            return typed
    unweighted = {r.exercise_id for r in records if r.reps and not r.weight_kg}
    earlier = await priors(
        session, user.id, related, before, unweighted=unweighted, inclusive=inclusive
    )
    return annotate(typed, earlier, builtins.variations, user.experience, novelty=novelty)


async def sets_between(
    session: AsyncSession, user: Lifter, start: datetime, end: datetime, *, novelty: bool = True
) -> list[SetRecord]:
    """The user's sets performed in ``(start, end]``, chronologically, as model records."""
    params = {"user_id": user.id, "start": start, "end": end}
    # Built once: on PostgreSQL the read pool's driver runs it when nothing is begun (a read).
    rows = await read_all(session, _SETS_BETWEEN, params)
    muscles = await exercise_loads(session, {r[1] for r in rows})
    # Plain tuples, unpacked: a week of sets is a hundred rows on every recovery read.
    records = [
        SetRecord(
            performed_at=performed_at,
            exercise_id=exercise_id,
            primary=muscles[exercise_id][0],
            secondary=muscles[exercise_id][1],
            reps=reps,
            rpe=rpe,
            set_type=set_type,
            duration_s=duration_s,
            log_id=log_id,
            weight_kg=weight_kg,
            distance_m=distance_m,
        )
        for (
            log_id, exercise_id, performed_at, reps, rpe, set_type, duration_s, weight_kg,
            distance_m,
        ) in rows
    ]  # fmt: skip
    return await records_of(session, user, records, start, inclusive=True, novelty=novelty)


async def last_trained(
    session: AsyncSession, user_id: int, muscles: Iterable[str], until: datetime
) -> dict[str, datetime]:
    """When each muscle was last trained up to ``until``, however long ago: its latest log with
    a working set of an exercise that loads it (mobility loads nothing)."""
    wanted = sorted(set(muscles))
    if not wanted:
        return {}
    rows = await session.execute(
        select(ExerciseMuscle.muscle_group, func.max(_LOGS.c.performed_at))
        .select_from(_LOGS)
        .join(ExerciseMuscle, ExerciseMuscle.exercise_id == _LOGS.c.exercise_id)
        .join(Exercise, Exercise.id == _LOGS.c.exercise_id)
        .where(
            _LOGS.c.user_id == user_id,
            _LOGS.c.performed_at <= until,
            ExerciseMuscle.muscle_group.in_(wanted),
            Exercise.category != "stretching",
            exists().where(_SETS.c.log_id == _LOGS.c.id, _SETS.c.set_type != "warmup"),
        )
        .group_by(ExerciseMuscle.muscle_group)
    )
    return {muscle: at for muscle, at in rows if at is not None}


async def checkins_between(
    session: AsyncSession, user_id: int, start: datetime, end: datetime
) -> Sequence[RecoveryCheckIn]:
    return (
        await session.scalars(
            select(RecoveryCheckIn)
            .where(
                RecoveryCheckIn.user_id == user_id,
                RecoveryCheckIn.at > start,
                RecoveryCheckIn.at <= end,
            )
            .order_by(RecoveryCheckIn.at, RecoveryCheckIn.id)
        )
    ).all()


def as_events(checkins: Iterable[RecoveryCheckIn]) -> list[CheckIn]:
    """The check-ins as model events, one per tracked muscle it moved (`parts_of`)."""
    return [
        CheckIn(at=c.at, muscle=muscle, soreness=c.soreness)
        for c in checkins
        for muscle in parts_of(c)
    ]


def parts_of(checkin: RecoveryCheckIn) -> tuple[str, ...]:
    """The tracked muscles a check-in moved."""
    return tuple(checkin.parts.split(",")) if checkin.parts else tracked_of(checkin.muscle_group)
