"""The lifter's whole history out: the Gravl JSON document, and a flat CSV of sets.

The JSON refers to built-in content by slug and to the file's own objects by ids numbered
1, 2, ... in export order, so exporting a restored account gives back the same document.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from gravl.auth.lifter import Lifter
from gravl.catalog.models import Exercise
from gravl.corridor import unit_of_work
from gravl.db import Database, utcnow
from gravl.history.models import TrainingSession, WorkoutLog
from gravl.recovery.models import RecoveryCheckIn
from gravl.training.models import CustomWorkout, Workout, WorkoutSwap
from gravl.transfer.models import ImportFingerprint
from gravl.transfer.schemas import (
    GRAVL_FORMAT_VERSION,
    ExerciseRef,
    ExportedCheckIn,
    ExportedCustomWorkout,
    ExportedExercise,
    ExportedFingerprint,
    ExportedLog,
    ExportedSession,
    ExportedSessionExercise,
    ExportedSet,
    ExportedSwap,
    ExportedTargetSet,
    ExportedUser,
    ExportedWarmupSet,
    ExportedWorkoutExercise,
    GravlExport,
)

CSV_COLUMNS = (
    "date",
    "log_id",
    "exercise",
    "exercise_id",
    "source_type",
    "set_number",
    "set_type",
    "weight_kg",
    "reps",
    "rpe",
    "duration_s",
    "distance_m",
    "notes",
)
# Logs per query while streaming the CSV: bounded memory whatever the history's length.
_PAGE = 500


class _Refs:
    """Database ids to the document's references."""

    def __init__(self, builtin_slugs: dict[int, str], custom_ids: dict[int, int]) -> None:
        self.builtin_slugs = builtin_slugs
        self.custom_ids = custom_ids

    def exercise(self, exercise_id: int) -> dict[str, Any]:
        if exercise_id in self.custom_ids:
            return {"custom_exercise_id": self.custom_ids[exercise_id]}
        return {"exercise_slug": self.builtin_slugs[exercise_id]}

    def planned(self, entry: dict[str, Any]) -> ExportedSessionExercise:
        """An exercise of a session's plan (gravl.sessions.service.plan_document)."""
        replaced = entry.get("replaced")
        return ExportedSessionExercise(
            **self.exercise(entry["exercise_id"]),
            name=entry["name"],
            equipment=entry.get("equipment"),
            rule=entry.get("rule"),
            group=entry.get("group"),
            reasons=list(entry.get("reasons", [])),
            warmup_sets=[
                ExportedWarmupSet(
                    reps=w["reps"],
                    weight_kg=w["weight_kg"],
                    plates_per_side=list(w.get("plates_per_side", [])),
                )
                for w in entry.get("warmup_sets", [])
            ],
            sets=[
                ExportedTargetSet(
                    target_reps=s.get("target_reps"),
                    target_weight_kg=s.get("target_weight_kg"),
                    target_rpe=s.get("target_rpe"),
                    target_duration_s=s.get("target_duration_s"),
                    rest_seconds=s["rest_seconds"],
                    plates_per_side=list(s.get("plates_per_side", [])),
                )
                for s in entry.get("sets", [])
            ],
            replaced=None if replaced is None else ExerciseRef(**self.exercise(replaced)),
        )


async def export_document(*, session: AsyncSession, user: Lifter) -> GravlExport:
    """Everything needed to rebuild the lifter's account elsewhere."""
    customs = (
        await session.scalars(
            select(Exercise)
            .where(Exercise.owner_id == user.id)
            .options(selectinload(Exercise.muscles))
            .order_by(Exercise.created_at, Exercise.id)
        )
    ).all()
    builtin_slugs = dict(
        (
            await session.execute(
                select(Exercise.id, Exercise.slug).where(Exercise.owner_id.is_(None))
            )
        ).all()
    )
    workout_slugs = dict((await session.execute(select(Workout.id, Workout.slug))).all())
    refs = _Refs(builtin_slugs, {e.id: n for n, e in enumerate(customs, start=1)})
    workouts = (
        await session.scalars(
            select(CustomWorkout)
            .where(CustomWorkout.user_id == user.id)
            .options(selectinload(CustomWorkout.exercises))
            .order_by(CustomWorkout.created_at, CustomWorkout.id)
        )
    ).all()
    workout_ids = {w.id: n for n, w in enumerate(workouts, start=1)}
    item_ids = {
        item.id: n for n, item in enumerate((i for w in workouts for i in w.exercises), start=1)
    }
    sessions = (
        await session.scalars(
            select(TrainingSession)
            .where(TrainingSession.user_id == user.id)
            .order_by(TrainingSession.started_at, TrainingSession.id)
        )
    ).all()
    session_ids = {s.id: n for n, s in enumerate(sessions, start=1)}
    logs = (
        await session.scalars(
            select(WorkoutLog)
            .where(WorkoutLog.user_id == user.id)
            .options(selectinload(WorkoutLog.sets))
            .order_by(WorkoutLog.performed_at, WorkoutLog.id)
        )
    ).all()
    prints: dict[int, list[ExportedFingerprint]] = {}
    for row in await session.scalars(
        select(ImportFingerprint)
        .where(
            ImportFingerprint.user_id == user.id,
            or_(ImportFingerprint.origin.is_(None), ImportFingerprint.origin != "gravl"),
        )
        .order_by(
            ImportFingerprint.log_id, ImportFingerprint.position, ImportFingerprint.fingerprint
        )
    ):
        prints.setdefault(row.log_id, []).append(
            ExportedFingerprint(fingerprint=row.fingerprint, slot=row.slot, position=row.position)
        )
    swaps = (
        await session.scalars(
            select(WorkoutSwap)
            .where(WorkoutSwap.user_id == user.id)
            .order_by(WorkoutSwap.created_at, WorkoutSwap.id)
        )
    ).all()
    checkins = (
        await session.scalars(
            select(RecoveryCheckIn)
            .where(RecoveryCheckIn.user_id == user.id)
            .order_by(RecoveryCheckIn.at, RecoveryCheckIn.id)
        )
    ).all()

    def slug(workout_id: int | None) -> str | None:
        return None if workout_id is None else workout_slugs[workout_id]

    def local(ids: dict[int, int], key: int | None) -> int | None:
        return None if key is None else ids[key]

    return GravlExport(
        format="gravl",
        version=GRAVL_FORMAT_VERSION,
        exported_at=utcnow(),
        user=ExportedUser(
            email=user.email,
            display_name=user.display_name,
            units=user.units,
            timezone=user.timezone,
            experience=user.experience,
        ),
        custom_exercises=[
            ExportedExercise(
                id=refs.custom_ids[e.id],
                name=e.name,
                description=e.description,
                aliases=list(e.aliases or []),
                equipment=e.equipment,
                category=e.category,
                mechanic=e.mechanic,
                force=e.force,
                level=e.level,
                primary_muscles=e.primary_muscles,
                secondary_muscles=e.secondary_muscles,
                created_at=e.created_at,
            )
            for e in customs
        ],
        custom_workouts=[
            ExportedCustomWorkout(
                id=workout_ids[w.id],
                name=w.name,
                description=w.description,
                created_at=w.created_at,
                updated_at=w.updated_at,
                deleted_at=w.deleted_at,
                exercises=[
                    ExportedWorkoutExercise(
                        id=item_ids[i.id],
                        **refs.exercise(i.exercise_id),
                        position=i.position,
                        target_sets=i.target_sets,
                        target_reps=i.target_reps,
                        rest_seconds=i.rest_seconds,
                        notes=i.notes,
                        removed_at=i.removed_at,
                    )
                    for i in w.exercises
                ],
            )
            for w in workouts
        ],
        sessions=[
            ExportedSession(
                id=session_ids[s.id],
                date=s.date,
                title=s.title,
                workout_slug=slug(s.workout_id),
                custom_workout_id=local(workout_ids, s.custom_workout_id),
                started_at=s.started_at,
                ended_at=s.ended_at,
                notes=s.notes,
                plan=[refs.planned(entry) for entry in s.plan],
                created_at=s.created_at,
                updated_at=s.updated_at,
            )
            for s in sessions
        ],
        logs=[
            ExportedLog(
                **refs.exercise(log.exercise_id),
                performed_at=log.performed_at,
                source_type=log.source_type,
                workout_slug=slug(log.workout_id),
                custom_workout_id=local(workout_ids, log.custom_workout_id),
                custom_workout_exercise_id=local(item_ids, log.custom_workout_exercise_id),
                swapped_from_slug=slug(log.swapped_from_id),
                notes=log.notes,
                created_at=log.created_at,
                updated_at=log.updated_at,
                sets=[
                    ExportedSet(
                        set_type=s.set_type,
                        reps=s.reps,
                        weight_kg=s.weight_kg,
                        rpe=s.rpe,
                        duration_s=s.duration_s,
                        distance_m=s.distance_m,
                    )
                    for s in log.sets
                ],
                fingerprints=prints.get(log.id, []),
                session_id=local(session_ids, log.session_id),
            )
            for log in logs
        ],
        swaps=[
            ExportedSwap(
                date=s.date,
                original_workout_slug=slug(s.original_workout_id),
                replacement_workout_slug=slug(s.replacement_workout_id),
                replacement_custom_workout_id=local(workout_ids, s.replacement_custom_workout_id),
                reason=s.reason,
                created_at=s.created_at,
                reverted_at=s.reverted_at,
            )
            for s in swaps
        ],
        checkins=[
            ExportedCheckIn(
                muscle_group=c.muscle_group,
                soreness=c.soreness,
                at=c.at,
                predicted_score=c.predicted_score,
                k_after=c.k_after,
                created_at=c.created_at,
            )
            for c in checkins
        ],
    )


def _cell(value: object) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def export_csv(*, database: Database, user_id: int) -> AsyncIterator[str]:
    """One CSV row per set (CSV_COLUMNS), oldest first, read a page of logs at a time.

    Its own unit of work: a streamed body is sent after the request's has ended.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    after: tuple[datetime, int] | None = None
    async with unit_of_work(database, writes=False) as work:
        session = work.session
        while True:
            query = (
                select(WorkoutLog)
                .where(WorkoutLog.user_id == user_id)
                .options(joinedload(WorkoutLog.exercise), selectinload(WorkoutLog.sets))
                .order_by(WorkoutLog.performed_at, WorkoutLog.id)
                .limit(_PAGE)
            )
            if after is not None:
                at, last_id = after
                query = query.where(
                    or_(
                        WorkoutLog.performed_at > at,
                        and_(WorkoutLog.performed_at == at, WorkoutLog.id > last_id),
                    )
                )
            logs = (await session.scalars(query)).all()
            if not logs:
                return
            buffer.seek(0)
            buffer.truncate()
            for log in logs:
                for s in log.sets:
                    writer.writerow(
                        _cell(v)
                        for v in (
                            log.performed_at,
                            log.id,
                            log.exercise.name,
                            log.exercise_id,
                            log.source_type,
                            s.position,
                            s.set_type,
                            s.weight_kg,
                            s.reps,
                            s.rpe,
                            s.duration_s,
                            s.distance_m,
                            log.notes,
                        )
                    )
            yield buffer.getvalue()
            after = (logs[-1].performed_at, logs[-1].id)
            session.expunge_all()
