"""The review step: which exercise each imported name landed on, and the lifter's corrections.

An import keeps the app's name of each log's exercise (``WorkoutLog.source_name``). The lifter
can see every imported name with the exercise it landed on, its muscles and how much history
it holds; re-map a name (its logs move to the chosen exercise, and later imports map the name
there too: ``ImportNameMap``); or give a custom exercise its muscles, so sets that counted for
nothing now count towards recovery. Recovery is recomputed for every muscle touched.
"""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.lifter import Lifter
from gravl.catalog.cache import muscles_of
from gravl.catalog.delts import stored_heads
from gravl.catalog.models import Exercise, ExerciseMuscle
from gravl.catalog.service import get_exercise
from gravl.db import utcnow
from gravl.errors import Conflict, NotFound
from gravl.history.models import LogSet, TrainingSession, WorkoutLog
from gravl.recovery import service as recovery
from gravl.transfer import imports
from gravl.transfer.exercises import key_text
from gravl.transfer.models import ImportNameMap
from gravl.transfer.schemas import ImportedNameOut, MusclesIn, RemapIn, RemapOut


async def imported_names(
    *, session: AsyncSession, user: Lifter, import_id: int | None = None
) -> list[ImportedNameOut]:
    """Every name imports gave the lifter's logs (or one import's), unmatched ones first."""
    sets = select(LogSet.log_id, func.count().label("sets")).group_by(LogSet.log_id).subquery()
    query = (
        select(
            WorkoutLog.source_name,
            WorkoutLog.exercise_id,
            func.count(WorkoutLog.id),
            func.coalesce(func.sum(sets.c.sets), 0),
        )
        .join(sets, sets.c.log_id == WorkoutLog.id, isouter=True)
        .where(WorkoutLog.user_id == user.id, WorkoutLog.source_name.is_not(None))
        .group_by(WorkoutLog.source_name, WorkoutLog.exercise_id)
    )
    if import_id is not None:
        query = query.where(WorkoutLog.import_id == import_id)
    rows = (await session.execute(query)).all()
    exercises = {
        e.id: e
        for e in await session.scalars(
            select(Exercise)
            .where(Exercise.id.in_({row[1] for row in rows}))
            .options(selectinload(Exercise.muscles))
        )
    }
    names = [
        ImportedNameOut(
            name=name or "",
            exercise_id=exercise_id,
            exercise_name=exercises[exercise_id].name,
            custom=exercises[exercise_id].owner_id is not None,
            primary_muscles=exercises[exercise_id].primary_muscles,
            secondary_muscles=exercises[exercise_id].secondary_muscles,
            logs=logs,
            sets=int(count),
        )
        for name, exercise_id, logs, count in rows
    ]
    # What needs a look first: the lifter's own exercises without muscles, then the rest.
    return sorted(
        names,
        key=lambda n: (not (n.custom and not n.primary_muscles), not n.custom, n.name.casefold()),
    )


async def remap(*, session: AsyncSession, user: Lifter, data: RemapIn) -> RemapOut:
    """Move every imported log of a name to an exercise; later imports map the name there."""
    target = await get_exercise(session=session, user=user, exercise_id=data.exercise_id)
    mine = (WorkoutLog.user_id == user.id, WorkoutLog.source_name == data.name)
    previous = set(await session.scalars(select(WorkoutLog.exercise_id).where(*mine).distinct()))
    if not previous:
        raise NotFound(f"no imported logs are named {data.name!r}")
    touched = await muscles_of(session, previous | {target.id})
    moved = await session.scalar(
        select(func.count())
        .select_from(WorkoutLog)
        .where(*mine, WorkoutLog.exercise_id != target.id)
    )
    sessions = set(
        await session.scalars(
            select(WorkoutLog.session_id)
            .where(*mine, WorkoutLog.exercise_id != target.id, WorkoutLog.session_id.is_not(None))
            .distinct()
        )
    )
    await session.execute(
        update(WorkoutLog)
        .where(*mine, WorkoutLog.exercise_id != target.id)
        .values(exercise_id=target.id, updated_at=utcnow())
    )
    await _replan(session, user, sessions, previous - {target.id}, target)
    key = key_text(data.name)
    await session.execute(
        delete(ImportNameMap).where(ImportNameMap.user_id == user.id, ImportNameMap.name_key == key)
    )
    await session.execute(
        insert(ImportNameMap).values(
            user_id=user.id,
            name_key=key,
            name=data.name,
            exercise_id=target.id,
            created_at=utcnow(),
        )
    )
    removed = await imports.remove_unused_exercises(
        session, user, Exercise.id.in_(previous - {target.id})
    )
    await session.flush()
    if touched:
        await recovery.history_changed(session=session, user=user, muscles=touched)
    return RemapOut(
        name=data.name,
        exercise_id=target.id,
        exercise_name=target.name,
        moved_logs=moved or 0,
        removed_exercises=removed,
    )


async def _replan(
    session: AsyncSession, user: Lifter, ids: set[int | None], old: set[int], target: Exercise
) -> None:
    """Imported sessions whose logs moved name the new exercise in their plan too."""
    if not ids or not old:
        return
    for training in await session.scalars(
        select(TrainingSession).where(
            TrainingSession.user_id == user.id,
            TrainingSession.id.in_(ids),
            TrainingSession.import_id.is_not(None),
        )
    ):
        training.plan = [
            {**entry, "exercise_id": target.id, "name": target.name}
            if entry.get("exercise_id") in old
            else entry
            for entry in training.plan
        ]


async def set_muscles(
    *, session: AsyncSession, user: Lifter, exercise_id: int, data: MusclesIn
) -> Exercise:
    """Give one of the lifter's own exercises its muscles; its history counts from now on."""
    exercise = await get_exercise(session=session, user=user, exercise_id=exercise_id)
    if exercise.owner_id is None:
        raise Conflict("built-in exercises cannot be changed; map the name to another exercise")
    touched = {*exercise.primary_muscles, *exercise.secondary_muscles}
    touched |= {*data.primary_muscles, *data.secondary_muscles}
    exercise.muscles.clear()
    await session.flush()
    exercise.muscles.extend(
        [
            *(ExerciseMuscle(muscle_group=m, role="primary") for m in data.primary_muscles),
            *(ExerciseMuscle(muscle_group=m, role="secondary") for m in data.secondary_muscles),
        ]
    )
    exercise.shoulder_heads = stored_heads(
        name=exercise.name,
        force=exercise.force,
        muscles=[*data.primary_muscles, *data.secondary_muscles],
    )
    if exercise.description and "muscles unknown" in exercise.description:
        exercise.description = exercise.description.replace(
            "muscles unknown; they do not count towards recovery", "muscles set by you"
        )
    await session.flush()
    if touched:
        await recovery.history_changed(session=session, user=user, muscles=touched)
    return exercise
