"""Load the built-in content (muscle groups, exercises, workouts, programs) idempotently.

Rows are matched by slug: missing ones are added and changed ones brought in line with the data
files, so running the seed twice changes nothing and a new release's data file updates in place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.catalog.delts import stored_heads
from gravl.catalog.models import Exercise, ExerciseMuscle, MuscleGroup
from gravl.catalog.service import search_text
from gravl.training.models import Program, ProgramWorkout, Workout, WorkoutExercise
from gravl.vocabulary import MUSCLE_GROUPS

_EXERCISE_FIELDS = ("name", "description", "equipment", "category", "mechanic", "force", "level")


@dataclass
class SeedReport:
    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, table: str) -> None:
        target = self.added if kind == "added" else self.updated
        target[table] = target.get(table, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


def load_data(package: str, name: str) -> Any:
    return json.loads(resources.files(package).joinpath("data", name).read_text("utf-8"))


async def seed(*, session: AsyncSession) -> SeedReport:
    """Bring the built-in content in line with the packaged data files."""
    report = SeedReport()
    await _seed_muscle_groups(session, report)
    exercise_ids = await _seed_exercises(
        session, report, load_data("gravl.catalog", "exercises.json")
    )
    await _seed_programs(
        session, report, load_data("gravl.training", "programs.json"), exercise_ids
    )
    await session.flush()
    return report


async def _seed_muscle_groups(session: AsyncSession, report: SeedReport) -> None:
    existing = {m.slug: m for m in await session.scalars(select(MuscleGroup))}
    for info in MUSCLE_GROUPS:
        row = existing.get(info.slug)
        values = {"name": info.name, "region": info.region, "recovery_hours": info.recovery_hours}
        if row is None:
            session.add(MuscleGroup(slug=info.slug, **values))
            report.count("added", "muscle_groups")
        elif _assign(row, values):
            report.count("updated", "muscle_groups")
    await session.flush()


async def _seed_exercises(
    session: AsyncSession, report: SeedReport, data: list[dict[str, Any]]
) -> dict[str, int]:
    existing = {
        e.slug: e
        for e in await session.scalars(
            select(Exercise)
            .where(Exercise.owner_id.is_(None))
            .options(selectinload(Exercise.muscles))
        )
    }
    for item in data:
        aliases: list[str] = list(item.get("aliases", []))
        values = {f: item.get(f) for f in _EXERCISE_FIELDS}
        values["aliases"] = aliases
        values["search_text"] = search_text(item["name"], aliases)
        muscles = sorted(
            [(m, "primary") for m in item["primary_muscles"]]
            + [(m, "secondary") for m in item.get("secondary_muscles", [])]
        )
        try:
            values["shoulder_heads"] = stored_heads(
                name=item["name"],
                force=item.get("force"),
                muscles=[m for m, _ in muscles],
                heads=item.get("shoulder_heads"),
            )
        except ValueError as exc:
            raise ValueError(f"exercise {item['slug']!r}: {exc}") from None
        row = existing.get(item["slug"])
        if row is None:
            row = Exercise(slug=item["slug"], owner_id=None, **values)
            row.muscles = [ExerciseMuscle(muscle_group=m, role=r) for m, r in muscles]
            session.add(row)
            report.count("added", "exercises")
            continue
        changed = _assign(row, values)
        if sorted((m.muscle_group, m.role) for m in row.muscles) != muscles:
            await _replace(
                session, row.muscles, [ExerciseMuscle(muscle_group=m, role=r) for m, r in muscles]
            )
            changed = True
        if changed:
            report.count("updated", "exercises")
    await session.flush()
    rows = await session.execute(
        select(Exercise.slug, Exercise.id).where(Exercise.owner_id.is_(None))
    )
    return dict(rows.all())


async def _seed_programs(
    session: AsyncSession, report: SeedReport, data: dict[str, Any], exercise_ids: dict[str, int]
) -> None:
    workouts = {
        w.slug: w
        for w in await session.scalars(select(Workout).options(selectinload(Workout.exercises)))
    }
    for item in data["workouts"]:
        values = {
            "name": item["name"],
            "description": item.get("description"),
            "kind": item["kind"],
        }
        unknown = [e["exercise"] for e in item["exercises"] if e["exercise"] not in exercise_ids]
        if unknown:
            raise ValueError(f"workout {item['slug']!r} names unknown exercises {unknown}")
        planned = [
            (i, exercise_ids[e["exercise"]], e["sets"], e["reps"], e["rest_seconds"])
            for i, e in enumerate(item["exercises"], start=1)
        ]
        row = workouts.get(item["slug"])
        if row is None:
            row = Workout(slug=item["slug"], **values)
            row.exercises = []
            session.add(row)
            workouts[item["slug"]] = row
            report.count("added", "workouts")
            changed = True
        else:
            changed = _assign(row, values)
        current = [
            (we.position, we.exercise_id, we.target_sets, we.target_reps, we.rest_seconds)
            for we in row.exercises
        ]
        if current != planned:
            await _replace(
                session,
                row.exercises,
                [
                    WorkoutExercise(
                        position=p, exercise_id=x, target_sets=s, target_reps=r, rest_seconds=rest
                    )
                    for p, x, s, r, rest in planned
                ],
            )
            if not changed:
                report.count("updated", "workouts")
        await session.flush()

    programs = {
        p.slug: p
        for p in await session.scalars(select(Program).options(selectinload(Program.days)))
    }
    for item in data["programs"]:
        values = {
            "name": item["name"],
            "description": item.get("description"),
            "days_per_week": item["days_per_week"],
            "weeks": item["weeks"],
            "schedule_mode": item.get("schedule_mode", "calendar"),
            "max_consecutive_days": item.get("max_consecutive_days"),
            "progression": item.get("progression", "auto"),
        }
        schedule = [
            (day, workouts[slug].id if slug else None) for day, slug in enumerate(item["schedule"])
        ]
        program = programs.get(item["slug"])
        if program is None:
            program = Program(slug=item["slug"], **values)
            program.days = []
            session.add(program)
            report.count("added", "programs")
            changed = True
        else:
            changed = _assign(program, values)
        if [(d.day, d.workout_id) for d in program.days] != schedule:
            await _replace(
                session,
                program.days,
                [ProgramWorkout(day=day, workout_id=w) for day, w in schedule],
            )
            if not changed:
                report.count("updated", "programs")
    await session.flush()


async def _replace(session: AsyncSession, collection: list[Any], new: list[Any]) -> None:
    """Swap a child collection, deleting the old rows first so unique keys never collide."""
    collection.clear()
    await session.flush()
    collection.extend(new)


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; report whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
