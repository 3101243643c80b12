"""Per-worker cache of the built-in workouts and the programs that schedule them.

Like the built-in exercises (``gravl.catalog.cache``), these rows change only when
`gravl seed` runs, so each worker keeps them for as long as the exercises' cache does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.cache import SharedCache
from gravl.catalog.cache import BUILTINS_TTL_S
from gravl.training.models import Program, ProgramWorkout, Workout, WorkoutExercise


@dataclass(frozen=True)
class BuiltinWorkout:
    id: int
    name: str
    kind: str  # program | library
    planned: tuple[tuple[int, int], ...]  # (target sets, exercise id), in position order


@dataclass(frozen=True, eq=False)  # identity-hashed: derived caches are keyed by it
class BuiltinWorkouts:
    workouts: tuple[BuiltinWorkout, ...]  # by id
    program_days: Mapping[int, tuple[int | None, ...]]  # program id -> workout of each day
    # program id -> (schedule mode, at most this many training days in a row)
    program_modes: Mapping[int, tuple[str, int | None]] = field(default_factory=dict)


async def builtin_workouts(session: AsyncSession) -> BuiltinWorkouts:
    """The built-in workouts and programs, from this worker's cache when it is fresh."""
    return await _BUILTINS.get(session)


async def _load(session: AsyncSession) -> BuiltinWorkouts:
    planned: dict[int, tuple[str, str, list[tuple[int, int]]]] = {}
    rows_w = await session.execute(
        select(
            Workout.id,
            Workout.name,
            Workout.kind,
            WorkoutExercise.target_sets,
            WorkoutExercise.exercise_id,
        )
        .outerjoin(WorkoutExercise, WorkoutExercise.workout_id == Workout.id)
        .order_by(Workout.id, WorkoutExercise.position)
    )
    for workout_id, name, kind, sets, exercise_id in rows_w:
        entry = planned.setdefault(workout_id, (name, kind, []))
        if exercise_id is not None:
            entry[2].append((sets, exercise_id))
    days: dict[int, list[int | None]] = {}
    rows_p = await session.execute(
        select(ProgramWorkout.program_id, ProgramWorkout.workout_id).order_by(
            ProgramWorkout.program_id, ProgramWorkout.day
        )
    )
    for program_id, day_workout_id in rows_p:
        days.setdefault(program_id, []).append(day_workout_id)
    rows_m = await session.execute(
        select(Program.id, Program.schedule_mode, Program.max_consecutive_days)
    )
    modes = {program_id: (mode, most) for program_id, mode, most in rows_m}
    return BuiltinWorkouts(
        workouts=tuple(
            BuiltinWorkout(i, name, kind, tuple(items))
            for i, (name, kind, items) in planned.items()
        ),
        program_days={p: tuple(d) for p, d in days.items()},
        program_modes=modes,
    )


_BUILTINS = SharedCache(_load, ttl_s=BUILTINS_TTL_S)


async def program_mode(session: AsyncSession, program_id: int) -> tuple[str, int | None]:
    """How a built-in program advances: its schedule mode and most training days in a row."""
    mode = (await builtin_workouts(session)).program_modes.get(program_id)
    if mode is None:  # seeded since the cache was loaded
        row = (
            await session.execute(
                select(Program.schedule_mode, Program.max_consecutive_days).where(
                    Program.id == program_id
                )
            )
        ).first()
        mode = (row[0], row[1]) if row else ("calendar", None)
    return mode


async def program_schedule(session: AsyncSession, program_id: int) -> tuple[int | None, ...]:
    """The workout of each day of a built-in program, in day order (rest days are None)."""
    days = (await builtin_workouts(session)).program_days.get(program_id)
    if days is None:  # seeded since the cache was loaded, or a program without days
        rows = await session.scalars(
            select(ProgramWorkout.workout_id)
            .where(ProgramWorkout.program_id == program_id)
            .order_by(ProgramWorkout.day)
        )
        days = tuple(rows.all())
    return days
