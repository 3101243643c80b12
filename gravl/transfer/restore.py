"""Restoring a Gravl JSON export into an account (POST /api/imports with format=gravl).

Every reference is checked before anything is written, so a file that cannot be restored
whole changes nothing. What the account already holds is kept and not added twice: custom
exercises by name, custom workouts by name and creation time, logs by set fingerprints,
swaps by day and creation time, check-ins by muscle and time.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any

import anyio
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.lifter import Lifter
from gravl.catalog.delts import stored_heads
from gravl.catalog.models import Exercise, ExerciseMuscle
from gravl.catalog.service import search_text
from gravl.errors import ValidationFailed
from gravl.errors import validation_details as field_details
from gravl.history.models import TrainingSession
from gravl.history.sets import SetType
from gravl.recovery.models import RecoveryCheckIn
from gravl.training.models import CustomWorkout, CustomWorkoutExercise, Workout, WorkoutSwap
from gravl.transfer import exercises, identity
from gravl.transfer.schemas import (
    ExerciseRef,
    ExportedCustomWorkout,
    ExportedExercise,
    ExportedFingerprint,
    ExportedLog,
    ExportedSessionExercise,
    ExportedSet,
    GravlExport,
    ImportReportOut,
    SkippedOut,
)
from gravl.transfer.service import (
    HashingReader,
    PlannedLog,
    SetRow,
    existing_fingerprints,
    import_record,
    write,
)
from gravl.transfer.training_sessions import PlannedSession
from gravl.validation import nul_path
from gravl.vocabulary import MUSCLE_SLUGS

ExerciseIdOf = Callable[[ExerciseRef], int]


def _invalid(details: list[dict[str, Any]]) -> ValidationFailed:
    first = details[0]
    where = f"line {first['line']}" + (f", {first['column']}" if "column" in first else "")
    return ValidationFailed(
        f"the file cannot be imported: {where}: {first['message']}", details=details
    )


async def read_document(reader: HashingReader) -> GravlExport:
    """The validated document; a malformed one is a ValidationFailed naming where."""

    def read() -> GravlExport:
        try:
            data = json.loads(reader.read())
        except UnicodeDecodeError:
            raise _invalid([{"line": 1, "message": "the file is not UTF-8 JSON"}]) from None
        except json.JSONDecodeError as exc:
            detail = {"line": exc.lineno, "column": exc.colno, "message": exc.msg}
            raise _invalid([detail]) from None
        where = nul_path(data)
        if where is not None:
            # PostgreSQL text cannot hold NUL: refused, not stripped, so nothing changes unseen.
            message = "must not contain NUL characters"
            raise _invalid([{"line": 1, "column": where or "document", "message": message}])
        try:
            return GravlExport.model_validate(data)
        except ValidationError as exc:
            # Schema problems have a place in the document, not a line: the path names it.
            details = [
                {"line": 1, "column": d["field"], "message": d["message"]}
                for d in field_details(exc.errors())[:20]
            ]
            raise _invalid(details) from None

    return await anyio.to_thread.run_sync(read)


class _Plan:
    """The document's references resolved against the database, or the problems found."""

    def __init__(self, doc: GravlExport, builtins: dict[str, int], workouts: dict[str, int]):
        self.doc = doc
        self.builtins = builtins
        self.workouts = workouts
        self.custom_exercises = {e.id: e for e in doc.custom_exercises}
        self.custom_workouts = {w.id: w for w in doc.custom_workouts}
        self.workout_items = {i.id: i for w in doc.custom_workouts for i in w.exercises}
        self.sessions = {s.id: s for s in doc.sessions}
        self.problems: list[dict[str, Any]] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append({"line": 1, "column": where, "message": message})

    def check_ref(self, where: str, ref: ExerciseRef) -> None:
        if ref.exercise_slug is not None and ref.exercise_slug not in self.builtins:
            self.problem(where, f"unknown built-in exercise {ref.exercise_slug!r}")
        if ref.custom_exercise_id is not None and ref.custom_exercise_id not in (
            self.custom_exercises
        ):
            self.problem(where, f"no custom exercise {ref.custom_exercise_id} in the file")

    def check_workout(self, where: str, slug: str | None) -> None:
        if slug is not None and slug not in self.workouts:
            self.problem(where, f"unknown built-in workout {slug!r}")

    def check(self) -> None:
        for n, e in enumerate(self.doc.custom_exercises):
            bad = set(e.primary_muscles + e.secondary_muscles) - MUSCLE_SLUGS
            if bad:
                self.problem(f"custom_exercises[{n}]", f"unknown muscle groups {sorted(bad)}")
        for n, w in enumerate(self.doc.custom_workouts):
            for m, item in enumerate(w.exercises):
                self.check_ref(f"custom_workouts[{n}].exercises[{m}]", item)
        for n, training in enumerate(self.doc.sessions):
            where = f"sessions[{n}]"
            self.check_workout(where, training.workout_slug)
            if training.custom_workout_id is not None and (
                training.custom_workout_id not in self.custom_workouts
            ):
                self.problem(where, f"no custom workout {training.custom_workout_id} in the file")
            for m, planned in enumerate(training.plan):
                self.check_ref(f"{where}.plan[{m}]", planned)
                if planned.replaced is not None:
                    self.check_ref(f"{where}.plan[{m}].replaced", planned.replaced)
        for n, log in enumerate(self.doc.logs):
            where = f"logs[{n}]"
            if log.session_id is not None and log.session_id not in self.sessions:
                self.problem(where, f"no session {log.session_id} in the file")
            self.check_ref(where, log)
            self.check_workout(where, log.workout_slug)
            self.check_workout(where, log.swapped_from_slug)
            if log.custom_workout_id is not None and (
                log.custom_workout_id not in self.custom_workouts
            ):
                self.problem(where, f"no custom workout {log.custom_workout_id} in the file")
            if log.custom_workout_exercise_id is not None and (
                log.custom_workout_exercise_id not in self.workout_items
            ):
                self.problem(where, "its custom_workout_exercise_id is not in the file")
        for n, swap in enumerate(self.doc.swaps):
            where = f"swaps[{n}]"
            self.check_workout(where, swap.original_workout_slug)
            self.check_workout(where, swap.replacement_workout_slug)
            if swap.replacement_custom_workout_id is not None and (
                swap.replacement_custom_workout_id not in self.custom_workouts
            ):
                self.problem(where, "its replacement_custom_workout_id is not in the file")
        for n, checkin in enumerate(self.doc.checkins):
            if checkin.muscle_group not in MUSCLE_SLUGS:
                self.problem(f"checkins[{n}]", f"unknown muscle group {checkin.muscle_group!r}")


def _as_stored(s: ExportedSet) -> tuple[SetType, int | None]:
    """The set type and reps a restored set is stored with.

    A set of 0 reps is valid only as a failure set (a missed attempt); an export made before
    that rule may hold others. Beside a time or a distance their 0 says no reps were counted
    (stored as none, like a timed set's); alone it is what the lifter logged: a missed
    attempt. A set's fingerprint is taken from the document, as it was written.
    """
    if s.reps != 0 or s.set_type == "failure":
        return s.set_type, s.reps
    if s.duration_s or s.distance_m:
        return s.set_type, None
    return "failure", 0


def log_fingerprints(plan: _Plan, log: ExportedLog) -> list[str]:
    """Set identities independent of ids: exercise, time, position and what was done."""
    if log.exercise_slug is not None:
        exercise = log.exercise_slug
    else:
        exercise = "custom:" + plan.custom_exercises[log.custom_exercise_id or 0].name.casefold()
    prints = []
    for position, s in enumerate(log.sets, start=1):
        parts = (
            "gravl",
            exercise,
            log.performed_at.astimezone(UTC).isoformat(),
            str(position),
            s.model_dump_json(),
        )
        prints.append(hashlib.sha256("\x1f".join(parts).encode()).hexdigest())
    return prints


async def restore(
    *,
    session: AsyncSession,
    user: Lifter,
    stream: IO[bytes],
    dry_run: bool = False,
    filename: str | None = None,
    max_bytes: int | None = None,
) -> ImportReportOut:
    """Restore a Gravl JSON export into the lifter's account."""
    reader = HashingReader(stream, max_bytes=max_bytes)
    doc = await read_document(reader)
    builtins = dict(
        (
            await session.execute(
                select(Exercise.slug, Exercise.id).where(Exercise.owner_id.is_(None))
            )
        ).all()
    )
    workouts = dict((await session.execute(select(Workout.slug, Workout.id))).all())
    plan = _Plan(doc, builtins, workouts)
    plan.check()
    if plan.problems:
        raise _invalid(plan.problems[:20])

    mine = {
        e.name.casefold(): e.id
        for e in await session.scalars(select(Exercise).where(Exercise.owner_id == user.id))
    }
    to_create = [e for e in doc.custom_exercises if e.name.casefold() not in mine]
    all_prints = identity.numbered(p for log in doc.logs for p in log_fingerprints(plan, log))
    carried = [c.fingerprint for log in doc.logs for c in log.fingerprints]
    present = await existing_fingerprints(session, user, [*all_prints, *carried])
    prints = iter(all_prints)
    new_logs: list[tuple[ExportedLog, list[SetRow]]] = []
    for log in doc.logs:
        rows = [
            SetRow(*_as_stored(s), s.weight_kg, s.rpe, s.duration_s, s.distance_m, p)
            for s, p in zip(log.sets, prints, strict=False)
        ]
        rows = [r for r in rows if r.fingerprint not in present]
        if rows:
            new_logs.append((log, rows))
    report = ImportReportOut(
        format="gravl",
        dry_run=dry_run,
        sessions=len({log.performed_at for log in doc.logs}),
        logs=len(new_logs),
        sets=sum(len(log.sets) for log in doc.logs),
        duplicates_skipped=len(present.intersection(all_prints)),
        unknown_exercises=[],
        created_exercises=[e.name for e in to_create],
        skipped=[],
        first_at=min((log.performed_at for log in doc.logs), default=None),
        last_at=max((log.performed_at for log in doc.logs), default=None),
    )
    if dry_run:
        return report
    record = import_record(user, report, filename, reader)  # a document's weights are in kg
    session.add(record)
    await session.flush()
    report.import_id = record.id

    resolver = await exercises.load_resolver(session, user)
    for e in to_create:
        mine[e.name.casefold()] = await _create_exercise(session, user, resolver, e, record.id)
    custom_ids = {e.id: mine[e.name.casefold()] for e in doc.custom_exercises}

    def exercise_id(ref: ExerciseRef) -> int:
        if ref.exercise_slug is not None:
            return builtins[ref.exercise_slug]
        return custom_ids[ref.custom_exercise_id or 0]

    workout_ids, item_ids = await _restore_workouts(session, user, doc, exercise_id)
    sessions = await _planned_sessions(session, user, doc, exercise_id, workouts, workout_ids)
    planned = [
        PlannedLog(
            exercise=exercise_id(log),
            performed_at=log.performed_at,
            sets=rows,
            notes=log.notes,
            source_type=log.source_type,
            workout_id=workouts[log.workout_slug] if log.workout_slug else None,
            custom_workout_id=workout_ids.get(log.custom_workout_id or 0),
            custom_workout_exercise_id=item_ids.get(log.custom_workout_exercise_id or 0),
            swapped_from_id=workouts[log.swapped_from_slug] if log.swapped_from_slug else None,
            created_at=log.created_at,
            updated_at=log.updated_at,
            # Another app's identities of these sets: its next export adds nothing twice here.
            carried=_not_yet(log.fingerprints, present),
            session=sessions.get(log.session_id or 0),
        )
        for log, rows in new_logs
    ]
    report.skipped.extend(await _restore_swaps(session, user, doc, workouts, workout_ids))
    checkin_muscles = await _restore_checkins(session, user, doc)
    await write(
        session=session,
        user=user,
        logs=planned,
        exercise_ids={},
        record=record,
        extra_muscles=checkin_muscles,
        sessions=list(sessions.values()),
    )
    return report


def _not_yet(carried: list[ExportedFingerprint], present: set[str]) -> list[ExportedFingerprint]:
    """The carried fingerprints not stored yet; each is then taken (a document may repeat one)."""
    fresh = []
    for c in carried:
        if c.fingerprint not in present:
            present.add(c.fingerprint)
            fresh.append(c)
    return fresh


async def _create_exercise(
    session: AsyncSession,
    user: Lifter,
    resolver: exercises.Resolver,
    e: ExportedExercise,
    import_id: int,
) -> int:
    row = Exercise(
        import_id=import_id,
        slug=resolver.unique_slug(user, e.name),
        name=e.name,
        search_text=search_text(e.name, e.aliases),
        aliases=list(e.aliases),
        description=e.description,
        equipment=e.equipment,
        category=e.category,
        mechanic=e.mechanic,
        force=e.force,
        level=e.level,
        # Exports do not carry the heads (format version 1): the default for its name and force.
        shoulder_heads=stored_heads(
            name=e.name, force=e.force, muscles=[*e.primary_muscles, *e.secondary_muscles]
        ),
        owner_id=user.id,
        created_at=e.created_at,
        muscles=[
            *(ExerciseMuscle(muscle_group=m, role="primary") for m in e.primary_muscles),
            *(ExerciseMuscle(muscle_group=m, role="secondary") for m in e.secondary_muscles),
        ],
    )
    session.add(row)
    await session.flush()
    return row.id


async def _restore_workouts(
    session: AsyncSession,
    user: Lifter,
    doc: GravlExport,
    exercise_id: ExerciseIdOf,
) -> tuple[dict[int, int], dict[int, int]]:
    """Custom workouts and their exercises: file ids to database ids."""
    existing = {
        (w.name, w.created_at): w
        for w in await session.scalars(
            select(CustomWorkout)
            .where(CustomWorkout.user_id == user.id)
            .options(selectinload(CustomWorkout.exercises))
        )
    }
    workout_ids: dict[int, int] = {}
    item_ids: dict[int, int] = {}
    for w in doc.custom_workouts:
        row = existing.get((w.name, w.created_at))
        if row is None:
            row = _new_workout(user, w, exercise_id)
            session.add(row)
            await session.flush()
        workout_ids[w.id] = row.id
        for item, stored in zip(w.exercises, row.exercises, strict=False):
            item_ids[item.id] = stored.id
    return workout_ids, item_ids


def _new_workout(
    user: Lifter, w: ExportedCustomWorkout, exercise_id: ExerciseIdOf
) -> CustomWorkout:
    row = CustomWorkout(
        user_id=user.id,
        name=w.name,
        description=w.description,
        created_at=w.created_at,
        updated_at=w.updated_at,
        deleted_at=w.deleted_at,
    )
    row.exercises = [
        CustomWorkoutExercise(
            exercise_id=exercise_id(item),
            position=item.position,
            target_sets=item.target_sets,
            target_reps=item.target_reps,
            rest_seconds=item.rest_seconds,
            notes=item.notes,
            removed_at=item.removed_at,
        )
        for item in w.exercises
    ]
    return row


async def _planned_sessions(
    session: AsyncSession,
    user: Lifter,
    doc: GravlExport,
    exercise_id: ExerciseIdOf,
    workouts: dict[str, int],
    workout_ids: dict[int, int],
) -> dict[int, PlannedSession]:
    """The document's sessions by file id; one the account holds already (the same start and
    creation time) carries its row's id, so only the others are written."""
    rows = await session.execute(
        select(TrainingSession.started_at, TrainingSession.created_at, TrainingSession.id).where(
            TrainingSession.user_id == user.id
        )
    )
    held = {(started, created): session_id for started, created, session_id in rows}
    return {
        s.id: PlannedSession(
            date=s.date,
            title=s.title,
            started_at=s.started_at,
            ended_at=s.ended_at,
            notes=s.notes,
            plan=[_plan_entry(item, exercise_id) for item in s.plan],
            workout_id=workouts[s.workout_slug] if s.workout_slug else None,
            custom_workout_id=workout_ids.get(s.custom_workout_id or 0),
            created_at=s.created_at,
            updated_at=s.updated_at,
            id=held.get((s.started_at, s.created_at)),
        )
        for s in doc.sessions
    }


def _plan_entry(item: ExportedSessionExercise, exercise_id: ExerciseIdOf) -> dict[str, Any]:
    """An exercise of a session's plan as gravl.sessions keeps it (``plan_document``)."""
    entry = item.model_dump(exclude={"exercise_slug", "custom_exercise_id", "replaced"})
    entry["exercise_id"] = exercise_id(item)
    if item.replaced is not None:
        entry["replaced"] = exercise_id(item.replaced)
    return entry


async def _restore_swaps(
    session: AsyncSession,
    user: Lifter,
    doc: GravlExport,
    workouts: dict[str, int],
    workout_ids: dict[int, int],
) -> list[SkippedOut]:
    rows = (await session.scalars(select(WorkoutSwap).where(WorkoutSwap.user_id == user.id))).all()
    known = {(s.date, s.created_at) for s in rows}
    active_days = {s.date for s in rows if s.reverted_at is None}
    skipped = []
    for n, swap in enumerate(doc.swaps):
        if (swap.date, swap.created_at) in known:
            continue
        if swap.reverted_at is None and swap.date in active_days:
            skipped.append(
                SkippedOut(line=1, message=f"swaps[{n}]: {swap.date} already has a swap")
            )
            continue
        if swap.reverted_at is None:
            active_days.add(swap.date)
        session.add(
            WorkoutSwap(
                user_id=user.id,
                date=swap.date,
                original_workout_id=(
                    workouts[swap.original_workout_slug] if swap.original_workout_slug else None
                ),
                replacement_workout_id=(
                    workouts[swap.replacement_workout_slug]
                    if swap.replacement_workout_slug
                    else None
                ),
                replacement_custom_workout_id=workout_ids.get(
                    swap.replacement_custom_workout_id or 0
                ),
                reason=swap.reason,
                created_at=swap.created_at,
                reverted_at=swap.reverted_at,
            )
        )
    await session.flush()
    return skipped


async def _restore_checkins(session: AsyncSession, user: Lifter, doc: GravlExport) -> set[str]:
    known: set[tuple[str, datetime]] = set(
        (
            await session.execute(
                select(RecoveryCheckIn.muscle_group, RecoveryCheckIn.at).where(
                    RecoveryCheckIn.user_id == user.id
                )
            )
        ).all()
    )
    touched: set[str] = set()
    for c in doc.checkins:
        if (c.muscle_group, c.at) in known:
            continue
        known.add((c.muscle_group, c.at))
        touched.add(c.muscle_group)
        session.add(
            RecoveryCheckIn(
                user_id=user.id,
                muscle_group=c.muscle_group,
                soreness=c.soreness,
                at=c.at,
                predicted_score=c.predicted_score,
                k_after=c.k_after,
                created_at=c.created_at,
            )
        )
    await session.flush()
    return touched
