"""Today's session: the day's workout (or one built for a lifter without a program) with a
target for every set, then kept as a ``TrainingSession`` when the lifter starts it.

docs/sessions.md tells the rules; ``gravl.sessions.progression`` holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth import service as auth_service
from gravl.auth.lifter import Lifter
from gravl.auth.preferences import Plates, Preferences
from gravl.cache import Caches
from gravl.catalog import cache as catalog_cache
from gravl.catalog.models import Exercise
from gravl.catalog.service import exercise_alternatives, visible_exercises
from gravl.db import utcnow
from gravl.errors import Conflict, NotFound, ValidationFailed
from gravl.history.models import LogSet, TrainingSession, WorkoutLog
from gravl.recommendations import service as recommendations
from gravl.recommendations import volume
from gravl.recommendations.plan import DayState
from gravl.recommendations.ranking import DEFAULT_RANKING
from gravl.recovery.service import Snapshot, sets_by_muscle
from gravl.sessions import generate, plates, warmups
from gravl.sessions.progression import (
    Context,
    DoneSession,
    DoneSet,
    ExercisePlan,
    Lift,
    Loader,
    Prescription,
    SetTarget,
    adapt_next,
    load_for,
    prescribe,
    weight_text,
)
from gravl.training.models import (
    CustomWorkout,
    CustomWorkoutExercise,
    Enrollment,
    Program,
    Workout,
    WorkoutExercise,
)
from gravl.training.schedule import local_today
from gravl.training.targets import SECONDS_PER_SET, AnyWorkout, WorkoutKey
from gravl.vocabulary import group_of

# How many past logs of an exercise its targets read.
HISTORY_DEPTH = 8
# A day planned ahead (or looked back on) is seen at this local hour.
PLANNING_HOUR = 12
GENERATED_TITLE = "Today's session"
# Rest after a warm-up set: the plates change, no more.
WARMUP_REST_S = 45
# Generations to fit warm-ups and work into the session length (each one reads the history).
SIZING_ROUNDS = 5


@dataclass(frozen=True)
class PlannedSet:
    target: SetTarget
    per_side: tuple[float, ...]  # plates a side, in the lifter's plate unit


@dataclass(frozen=True)
class PlannedExercise:
    exercise_id: int
    name: str
    equipment: str | None
    rule: str
    warmups: tuple[warmups.WarmupSet, ...]
    sets: tuple[PlannedSet, ...]
    reasons: tuple[str, ...]
    group: int | None = None  # exercises sharing a group are done as a superset


@dataclass(frozen=True)
class Today:
    """The session a lifter should do on ``on``."""

    on: date
    state: str
    message: str
    workout: AnyWorkout | None
    exercises: tuple[PlannedExercise, ...]
    next: tuple[AnyWorkout | None, date] | None
    minutes: int
    reasons: tuple[str, ...]
    plate_unit: str
    session_id: int | None = None  # a session already started that day and not finished


def loader_for(equipment: str | None, kit: Plates) -> Loader:
    return Loader(
        lambda weight, rounding: plates.load(weight, equipment, kit, rounding=rounding).weight_kg,
        lambda weight: plates.heavier(weight, equipment, kit).weight_kg,
    )


def _moment(user: Lifter, on: date | None, at: datetime | None) -> tuple[datetime, bool]:
    """The instant a plan is made for, and whether that is now."""
    now = utcnow()
    if at is not None:
        return at, False
    if on is None or on == local_today(user, now):
        return now, True
    zone = ZoneInfo(user.timezone)
    return datetime.combine(on, time(PLANNING_HOUR), zone), False


def _day_start(user: Lifter, on: date) -> datetime:
    return datetime.combine(on, time(), ZoneInfo(user.timezone))


async def today(
    *,
    session: AsyncSession,
    user: Lifter,
    caches: Caches,
    on: date | None = None,
    at: datetime | None = None,
) -> Today:
    """The session to do on ``on`` (or at ``at``; default now), each set with its target."""
    moment, is_now = _moment(user, on, at)
    recommended = await recommendations.recommend(
        session=session, user=user, caches=caches, limit=3, at=None if is_now else moment
    )
    day = recommended.day
    the_date = local_today(user, moment)
    message = recommendations.plan_message(recommended, the_date)
    preferences = await auth_service.preferences(session=session, lifter=user)
    kit = preferences.plates_or_default(user.units)
    following = _next(day, recommended.workouts)
    started = await _open_session_id(session, user, the_date)
    if day.state in ("rest_day", "trained_today"):
        return Today(
            the_date,
            day.state,
            message,
            _done_workout(day, recommended),
            (),
            following,
            0,
            (),
            kit.unit,
            started,
        )
    planner = Planner(session, user, preferences, kit, recommended.snapshot, moment, the_date)
    if day.state == "no_program" or day.workout is None:
        exercises, reasons = await planner.generated()
        minutes = _minutes(exercises)
        return Today(
            the_date,
            "no_program",
            message,
            None,
            exercises,
            None,
            minutes,
            reasons,
            kit.unit,
            started,
        )
    workout = recommended.workouts.get(day.workout)
    exercises = await planner.for_workout(day.workout)
    return Today(
        the_date,
        day.state,
        message,
        workout,
        exercises,
        following,
        _minutes(exercises),
        (),
        kit.unit,
        started,
    )


def _done_workout(day: DayState, recommended: recommendations.Recommended) -> AnyWorkout | None:
    if day.state == "trained_today" and day.workout is not None:
        return recommended.workouts.get(day.workout)
    return None


def _next(
    day: DayState, workouts: dict[WorkoutKey, AnyWorkout]
) -> tuple[AnyWorkout | None, date] | None:
    if day.next is None:
        return None
    key, when = day.next
    return workouts.get(key), when


def _minutes(exercises: Sequence[PlannedExercise]) -> int:
    """The session's length: working sets with their rests (training.targets), and the
    warm-up sets, each ``SECONDS_PER_SET`` with a short rest."""
    if not exercises:
        return 0
    working = sum(
        len(e.sets) * (e.sets[0].target.rest_seconds + SECONDS_PER_SET) for e in exercises if e.sets
    )
    warming = sum(len(e.warmups) for e in exercises) * (SECONDS_PER_SET + WARMUP_REST_S)
    return max(1, round((working + warming) / 60))


class Planner:
    """Targets for one lifter at one moment: reads what an exercise's targets need."""

    def __init__(
        self,
        session: AsyncSession,
        user: Lifter,
        preferences: Preferences,
        kit: Plates,
        snapshot: Snapshot,
        moment: datetime,
        on: date,
    ) -> None:
        self.session = session
        self.user = user
        self.preferences = preferences
        self.kit = kit
        self.snapshot = snapshot
        self.moment = moment
        self.on = on

    async def for_workout(self, key: WorkoutKey) -> tuple[PlannedExercise, ...]:
        template = await _template(self.session, key)
        progression, deload = await self._program_context(key)
        template, notes = await self._substitutes(template)
        planned = await self.plan(template, progression, deload)
        return tuple(
            replace(p, reasons=(notes[i], *p.reasons)) if i in notes else p
            for i, p in enumerate(planned)
        )

    async def _substitutes(
        self, template: Sequence[tuple[int, Prescription]]
    ) -> tuple[list[tuple[int, Prescription]], dict[int, str]]:
        """The workout's exercises the lifter can do: one needing equipment they do not have,
        or one they left out, gives way to its best alternative (kept out when none fits)."""
        preferences = self.preferences
        equipment = await catalog_cache.exercise_equipment(self.session, {e for e, _ in template})
        excluded = set(preferences.excluded_exercises)
        kept: list[tuple[int, Prescription]] = []
        notes: dict[int, str] = {}
        names = await catalog_cache.exercise_names(self.session, {e for e, _ in template})
        for exercise_id, prescription in template:
            need = equipment.get(exercise_id)
            if exercise_id not in excluded and preferences.has(need):
                kept.append((exercise_id, prescription))
                continue
            offered = await exercise_alternatives(
                session=self.session,
                user=self.user,
                exercise_id=exercise_id,
                equipment=None,
                limit=10,
            )
            taken = {e for e, _ in kept}
            choice = next(
                (e for e, _ in offered if e.id not in taken and preferences.has(e.equipment)),
                None,
            )
            why = (
                "left out in your preferences"
                if exercise_id in excluded
                else f"needs {need or 'equipment'} you do not have"
            )
            if choice is None:
                continue
            notes[len(kept)] = (
                f"{names.get(exercise_id, 'The planned exercise')} {why}: {choice.name} instead"
            )
            kept.append((choice.id, prescription))
        return kept, notes

    async def plan(
        self,
        template: Sequence[tuple[int, Prescription]],
        progression: str = "auto",
        deload: str | None = None,
        groups: Sequence[int | None] | None = None,
    ) -> tuple[PlannedExercise, ...]:
        ids = [exercise_id for exercise_id, _ in template]
        lifts = await _lifts(self.session, ids)
        # Today's own logs do not move today's targets: history before the day.
        before = min(self.moment, _day_start(self.user, self.on))
        history = await _history(self.session, self.user, ids, before)
        planned = []
        for index, (exercise_id, prescription) in enumerate(template):
            lift = lifts[exercise_id]
            context = Context(
                experience=self.user.experience,
                now=self.moment,
                units=self.user.units,
                program_progression=progression,
                deload=deload,
                fatigued=self._fatigued(lift),
            )
            loader = loader_for(lift.equipment, self.kit)
            plan = prescribe(lift, prescription, history.get(exercise_id, []), context, loader)
            group = groups[index] if groups is not None else None
            planned.append(self._planned(exercise_id, lift, plan, group))
        return tuple(planned)

    def _planned(
        self, exercise_id: int, lift: Lift, plan: ExercisePlan, group: int | None
    ) -> PlannedExercise:
        sets = tuple(
            PlannedSet(
                s,
                plates.load(s.weight_kg, lift.equipment, self.kit).per_side if s.weight_kg else (),
            )
            for s in plan.sets
        )
        first = plan.sets[0] if plan.sets else None
        ramp: tuple[warmups.WarmupSet, ...] = ()
        if first is not None and first.weight_kg and lift.mechanic == "compound":
            ramp = warmups.warmup_sets(first.weight_kg, first.reps or 5, lift.equipment, self.kit)
        return PlannedExercise(
            exercise_id, lift.name, lift.equipment, plan.rule, ramp, sets, plan.reasons, group
        )

    def _fatigued(self, lift: Lift) -> str | None:
        threshold = DEFAULT_RANKING.recovery_threshold
        tired = sorted(
            (r.recovery_score, r.muscle)
            for r in self.snapshot.tracked
            if r.muscle in lift.primary and r.recovery_score < threshold
        )
        if not tired:
            return None
        score, muscle = tired[0]
        return f"{muscle.replace('_', ' ')} {score:.0f}% recovered (under {threshold:g}%)"

    async def _program_context(self, key: WorkoutKey) -> tuple[str, str | None]:
        """The program's progression style, and its deload week when this is one."""
        row = (
            await self.session.execute(
                select(Program.progression, Program.weeks, Program.name, Enrollment.start_date)
                .join(Enrollment, Enrollment.program_id == Program.id)
                .where(Enrollment.user_id == self.user.id, Enrollment.ended_at.is_(None))
                .order_by(Enrollment.created_at.desc(), Enrollment.id.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return "auto", None
        progression, weeks, name, start = row
        if key[0] != "workout" or progression == "linear" or weeks < 4 or self.on < start:
            return progression, None
        week = (self.on - start).days // 7 % weeks + 1
        if week != weeks:
            return progression, None
        return progression, f"Week {week} of {weeks} of {name} is a deload week"

    async def generated(self) -> tuple[tuple[PlannedExercise, ...], tuple[str, ...]]:
        """A session for a lifter without a program (gravl.sessions.generate), sized with its
        warm-ups to the lifter's session length: the generator fills the time left for work."""
        options = await _options(self.session, self.user, self.preferences, self.on)
        needs = _needs(
            self.snapshot,
            self.preferences,
            self.user.experience,
            _day_start(self.user, self.on - timedelta(days=6)),
        )
        length = self.preferences.session_minutes or generate.DEFAULT_MINUTES
        budget = length
        best: tuple[float, generate.Generated, tuple[PlannedExercise, ...]] | None = None
        tried: list[tuple[int, float]] = []
        for _ in range(SIZING_ROUNDS):
            made = generate.generate(
                options,
                needs,
                minutes=budget,
                goal=self.preferences.goal,
                experience=self.user.experience,
            )
            template = [
                (e.exercise_id, Prescription(e.sets, e.reps, e.rest_seconds))
                for e in made.exercises
            ]
            planned = await self.plan(template)
            over = _minutes(planned) - length
            if best is None or abs(over) < best[0]:
                best = (abs(over), made, planned)
            if abs(over) <= generate.LENGTH_TOLERANCE * length or made.minutes < budget * 0.9:
                break
            tried.append((budget, over))
            budget = _next_budget(tried)
        # The round closest to the lifter's length (the last one may overshoot the other way).
        assert best is not None
        _, made, planned = best
        why = {e.exercise_id: e.reasons for e in made.exercises}
        return (
            tuple(replace(p, reasons=(*why.get(p.exercise_id, ()), *p.reasons)) for p in planned),
            made.reasons,
        )


def _next_budget(tried: list[tuple[int, float]]) -> int:
    """The next work budget to try, from (budget, minutes over the length) tried so far.

    Warm-ups make a session's length grow unevenly with its budget, so a plain step
    (budget − over) can jump across the length and back. Once one budget was too long and one
    too short, the next lies between the closest of each, where the line through them meets
    the length.
    """
    budget, over = tried[-1]
    longer = [t for t in tried if t[1] > 0]
    shorter = [t for t in tried if t[1] < 0]
    if not longer or not shorter:
        return max(10, round(budget - over))
    (high, above), (low, below) = min(longer, key=lambda t: t[1]), max(shorter, key=lambda t: t[1])
    return round(low + (high - low) * (-below) / (above - below))


async def _template(session: AsyncSession, key: WorkoutKey) -> list[tuple[int, Prescription]]:
    kind, workout_id = key
    if kind == "workout":
        statement: Any = (
            select(
                WorkoutExercise.exercise_id,
                WorkoutExercise.target_sets,
                WorkoutExercise.target_reps,
                WorkoutExercise.rest_seconds,
            )
            .where(WorkoutExercise.workout_id == workout_id)
            .order_by(WorkoutExercise.position)
        )
    else:
        statement = (
            select(
                CustomWorkoutExercise.exercise_id,
                CustomWorkoutExercise.target_sets,
                CustomWorkoutExercise.target_reps,
                CustomWorkoutExercise.rest_seconds,
            )
            .where(
                CustomWorkoutExercise.custom_workout_id == workout_id,
                CustomWorkoutExercise.removed_at.is_(None),
            )
            .order_by(CustomWorkoutExercise.position)
        )
    return [
        (exercise_id, Prescription(sets, reps, rest))
        for exercise_id, sets, reps, rest in await session.execute(statement)
    ]


async def _lifts(session: AsyncSession, ids: Iterable[int]) -> dict[int, Lift]:
    wanted = set(ids)
    if not wanted:
        return {}
    loads = await catalog_cache.exercise_loads(session, wanted)
    rows = await session.execute(
        select(
            Exercise.id, Exercise.name, Exercise.equipment, Exercise.mechanic, Exercise.category
        ).where(Exercise.id.in_(wanted))
    )
    return {
        i: Lift(name, equipment, mechanic, category, loads.get(i, ((), ()))[0])
        for i, name, equipment, mechanic, category in rows
    }


async def _history(
    session: AsyncSession, user: Lifter, ids: Sequence[int], before: datetime
) -> dict[int, list[DoneSession]]:
    """The last ``HISTORY_DEPTH`` logs of each exercise before ``before``, newest first."""
    if not ids:
        return {}
    ranked = (
        select(
            WorkoutLog.id,
            WorkoutLog.exercise_id,
            WorkoutLog.performed_at,
            func.row_number()
            .over(
                partition_by=WorkoutLog.exercise_id,
                order_by=(WorkoutLog.performed_at.desc(), WorkoutLog.id.desc()),
            )
            .label("n"),
        )
        .where(
            WorkoutLog.user_id == user.id,
            WorkoutLog.exercise_id.in_(set(ids)),
            WorkoutLog.performed_at < before,
        )
        .subquery()
    )
    logs = (
        await session.execute(
            select(ranked.c.id, ranked.c.exercise_id, ranked.c.performed_at)
            .where(ranked.c.n <= HISTORY_DEPTH)
            .order_by(ranked.c.performed_at.desc(), ranked.c.id.desc())
        )
    ).all()
    if not logs:
        return {}
    sets: dict[int, list[DoneSet]] = {}
    rows = await session.execute(
        select(
            LogSet.log_id,
            LogSet.set_type,
            LogSet.reps,
            LogSet.weight_kg,
            LogSet.rpe,
            LogSet.duration_s,
        )
        .where(LogSet.log_id.in_([log_id for log_id, _, _ in logs]))
        .order_by(LogSet.log_id, LogSet.position)
    )
    for log_id, set_type, reps, weight, rpe, duration in rows:
        sets.setdefault(log_id, []).append(DoneSet(set_type, reps, weight, rpe, duration))
    found: dict[int, list[DoneSession]] = {}
    for log_id, exercise_id, performed_at in logs:
        found.setdefault(exercise_id, []).append(
            DoneSession(performed_at, tuple(sets.get(log_id, ())))
        )
    return found


async def _options(
    session: AsyncSession, user: Lifter, preferences: Preferences, on: date
) -> list[generate.Option]:
    """The exercises a generated session may use: what the lifter can and wants to do."""
    rows = (
        await session.execute(
            visible_exercises(
                user,
                Exercise.id,
                Exercise.name,
                Exercise.equipment,
                Exercise.mechanic,
                Exercise.category,
            ).where(Exercise.category.in_(generate.LIFTING))
        )
    ).all()
    excluded = set(preferences.excluded_exercises)
    usable = [r for r in rows if r[0] not in excluded and preferences.has(r[2])]
    loads = await catalog_cache.exercise_loads(session, [r[0] for r in usable])
    counts = dict(
        (
            await session.execute(
                select(WorkoutLog.exercise_id, func.count())
                .where(WorkoutLog.user_id == user.id)
                .group_by(WorkoutLog.exercise_id)
            )
        ).all()
    )
    rested = set(preferences.rested_muscles(on))
    options = []
    for exercise_id, name, equipment, mechanic, category in usable:
        primary, secondary = loads.get(exercise_id, ((), ()))
        if not primary or any(group_of(m) in rested for m in (*primary, *secondary)):
            continue
        options.append(
            generate.Option(
                exercise_id,
                name,
                tuple(primary),
                tuple(secondary),
                equipment,
                mechanic,
                category,
                int(counts.get(exercise_id, 0)),
            )
        )
    return options


def _needs(
    snapshot: Snapshot, preferences: Preferences, experience: str, week_start: datetime
) -> dict[str, generate.MuscleNeed]:
    """Each tracked muscle's readiness and hard sets this week (since ``week_start``: the
    start of the lifter's day six days ago, so last week's same weekday is out), and the
    shoulders as a group: a pressing set counts once for it, however many heads it loads."""
    end = snapshot.computed_at
    by_muscle = sets_by_muscle(snapshot.recent_sets)
    needs = {}
    for report in snapshot.tracked:
        weekly = volume.weekly_range(report.muscle, preferences.goal, experience)
        done = volume.hard_sets(by_muscle.get(report.muscle, ()), report.muscle, week_start, end)
        needs[report.muscle] = generate.MuscleNeed(
            report.muscle, report.recovery_score, done, weekly.minimum, weekly.maximum
        )
    for group in snapshot.reports:
        if not group.heads:
            continue
        weekly = volume.weekly_range(group.muscle, preferences.goal, experience)
        heads = {h.muscle for h in group.heads}
        as_group = [
            replace(
                s,
                primary=(group.muscle,) if heads & set(s.primary) else (),
                secondary=(group.muscle,)
                if not heads & set(s.primary) and heads & set(s.secondary)
                else (),
            )
            for s in snapshot.recent_sets
        ]
        needs[group.muscle] = generate.MuscleNeed(
            group.muscle,
            group.recovery_score,
            volume.hard_sets(as_group, group.muscle, week_start, end),
            weekly.minimum,
            weekly.maximum,
        )
    return needs


# ---------------------------------------------------------------------------------------------
# Sessions as things


async def _open_session_id(session: AsyncSession, user: Lifter, on: date) -> int | None:
    return await session.scalar(
        select(TrainingSession.id)
        .where(
            TrainingSession.user_id == user.id,
            TrainingSession.date == on,
            TrainingSession.ended_at.is_(None),
            # An imported workout without a duration has no end, yet it is not under way.
            TrainingSession.import_id.is_(None),
        )
        .order_by(TrainingSession.id.desc())
        .limit(1)
    )


def plan_document(exercises: Sequence[PlannedExercise]) -> list[dict[str, Any]]:
    """The planned exercises as the session keeps them (and the API shows them)."""
    return [
        {
            "exercise_id": e.exercise_id,
            "name": e.name,
            "equipment": e.equipment,
            "rule": e.rule,
            "group": e.group,
            "reasons": list(e.reasons),
            "warmup_sets": [
                {"reps": w.reps, "weight_kg": w.weight_kg, "plates_per_side": list(w.per_side)}
                for w in e.warmups
            ],
            "sets": [
                {
                    "target_reps": s.target.reps,
                    "target_weight_kg": s.target.weight_kg,
                    "target_rpe": s.target.rpe,
                    "target_duration_s": s.target.duration_s,
                    "rest_seconds": s.target.rest_seconds,
                    "plates_per_side": list(s.per_side),
                }
                for s in e.sets
            ],
        }
        for e in exercises
    ]


async def start(
    *,
    session: AsyncSession,
    user: Lifter,
    caches: Caches,
    on: date | None = None,
    workout: WorkoutKey | None = None,
) -> tuple[TrainingSession, bool]:
    """Start the day's session (or ``workout`` instead): keep its plan. A session of that day
    already started and not finished is returned instead (``False``: nothing was made)."""
    the_date = on or local_today(user)
    existing = await _open_session_id(session, user, the_date)
    if existing is not None:
        return await get(session=session, user=user, session_id=existing), False
    if workout is None:
        planned = await today(session=session, user=user, caches=caches, on=the_date)
        if not planned.exercises:
            raise Conflict(
                f"nothing is planned for {the_date}: {planned.message} "
                "Name a workout to train anyway."
            )
        title = planned.workout.name if planned.workout is not None else GENERATED_TITLE
        key = planned.workout.key if planned.workout is not None else None
        exercises = planned.exercises
    else:
        title = await _workout_name(session, user, workout)
        key = workout
        moment, _ = _moment(user, the_date, None)
        recommended = await recommendations.recommend(
            session=session, user=user, caches=caches, limit=1
        )
        preferences = await auth_service.preferences(session=session, lifter=user)
        planner = Planner(
            session,
            user,
            preferences,
            preferences.plates_or_default(user.units),
            recommended.snapshot,
            moment,
            the_date,
        )
        exercises = await planner.for_workout(workout)
    now = utcnow()
    row = TrainingSession(
        user_id=user.id,
        date=the_date,
        title=title,
        workout_id=key[1] if key is not None and key[0] == "workout" else None,
        custom_workout_id=key[1] if key is not None and key[0] == "custom" else None,
        started_at=now,
        plan=plan_document(exercises),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row, True


async def _workout_name(session: AsyncSession, user: Lifter, key: WorkoutKey) -> str:
    if key[0] == "workout":
        name = await session.scalar(select(Workout.name).where(Workout.id == key[1]))
    else:
        name = await session.scalar(
            select(CustomWorkout.name).where(
                CustomWorkout.id == key[1],
                CustomWorkout.user_id == user.id,
                CustomWorkout.deleted_at.is_(None),
            )
        )
    if name is None:
        kind = "workout" if key[0] == "workout" else "custom workout"
        raise NotFound(f"{kind} {key[1]} not found")
    return name


async def get(*, session: AsyncSession, user: Lifter, session_id: int) -> TrainingSession:
    row = await session.scalar(
        select(TrainingSession).where(
            TrainingSession.id == session_id, TrainingSession.user_id == user.id
        )
    )
    if row is None:
        raise NotFound(f"session {session_id} not found")
    return row


async def list_sessions(
    *, session: AsyncSession, user: Lifter, limit: int, offset: int
) -> list[TrainingSession]:
    return list(
        await session.scalars(
            select(TrainingSession)
            .where(TrainingSession.user_id == user.id)
            .order_by(TrainingSession.date.desc(), TrainingSession.id.desc())
            .limit(limit)
            .offset(offset)
        )
    )


async def titled(
    *, session: AsyncSession, user: Lifter, ids: Iterable[int]
) -> dict[int, TrainingSession]:
    """The lifter's sessions ``ids`` (the history shows the logs of each under its title)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(
        select(TrainingSession).where(
            TrainingSession.user_id == user.id, TrainingSession.id.in_(wanted)
        )
    )
    return {row.id: row for row in rows}


async def update(
    *,
    session: AsyncSession,
    user: Lifter,
    session_id: int,
    fields: dict[str, Any],
) -> TrainingSession:
    """Change a session's title or notes, or finish it (``finished``: now, or un-finish)."""
    row = await get(session=session, user=user, session_id=session_id)
    now = utcnow()
    if "title" in fields and fields["title"] is not None:
        row.title = fields["title"]
    if "notes" in fields:
        row.notes = fields["notes"]
    if "finished" in fields and fields["finished"] is not None:
        row.ended_at = (row.ended_at or now) if fields["finished"] else None
    row.updated_at = now
    await session.flush()
    return row


async def delete(*, session: AsyncSession, user: Lifter, session_id: int) -> None:
    """Remove a session; its logs stay, in no session."""
    row = await get(session=session, user=user, session_id=session_id)
    await session.delete(row)
    await session.flush()


@dataclass(frozen=True)
class LoggedSet:
    log_id: int
    set: DoneSet


async def logged(
    *, session: AsyncSession, user: Lifter, session_id: int
) -> dict[int, list[LoggedSet]]:
    """The sets logged in a session, by exercise, in the order logged."""
    rows = await session.execute(
        select(
            WorkoutLog.id,
            WorkoutLog.exercise_id,
            LogSet.set_type,
            LogSet.reps,
            LogSet.weight_kg,
            LogSet.rpe,
            LogSet.duration_s,
        )
        .join(LogSet, LogSet.log_id == WorkoutLog.id)
        .where(WorkoutLog.session_id == session_id, WorkoutLog.user_id == user.id)
        .order_by(WorkoutLog.performed_at, WorkoutLog.id, LogSet.position)
    )
    found: dict[int, list[LoggedSet]] = {}
    for log_id, exercise_id, set_type, reps, weight, rpe, duration in rows:
        found.setdefault(exercise_id, []).append(
            LoggedSet(log_id, DoneSet(set_type, reps, weight, rpe, duration))
        )
    return found


def adapted(planned: dict[str, Any], done: Sequence[DoneSet], kit: Plates) -> list[dict[str, Any]]:
    """The planned working sets still to do, their loads adapted to the last one done: a set
    rated harder than its target makes the next ones lighter, an easier one heavier."""
    targets = planned["sets"]
    working = [s for s in done if s.working]
    left = [dict(t) for t in targets[len(working) :]]
    if not working or not left:
        return left
    last_target = targets[min(len(working), len(targets)) - 1]
    target = SetTarget(
        last_target["target_reps"],
        last_target["target_weight_kg"],
        last_target["target_rpe"],
        last_target["rest_seconds"],
    )
    for entry in left:
        following = SetTarget(
            entry["target_reps"], entry["target_weight_kg"], entry["target_rpe"], 0
        )
        weight = adapt_next(replace(target, reps=following.reps, rpe=following.rpe), working[-1])
        if weight is None or following.weight_kg is None:
            continue
        loading = plates.load(weight, planned.get("equipment"), kit)
        if abs(loading.weight_kg - following.weight_kg) >= 1e-6:
            entry["target_weight_kg"] = loading.weight_kg
            entry["plates_per_side"] = list(loading.per_side)
            entry["adapted"] = True
    return left


async def replace_exercise(
    *,
    session: AsyncSession,
    user: Lifter,
    caches: Caches,
    session_id: int,
    index: int,
    exercise_id: int,
) -> TrainingSession:
    """Swap the ``index``-th planned exercise for one of its alternatives, keeping the rest.
    The new one's targets come from its own history, or carry over through the e1RM the old
    one's targets stand for."""
    row = await get(session=session, user=user, session_id=session_id)
    plan = list(row.plan)
    if not 0 <= index < len(plan):
        raise NotFound(f"exercise {index} of session {session_id} not found")
    old = plan[index]
    offered = await exercise_alternatives(
        session=session, user=user, exercise_id=old["exercise_id"], equipment=None, limit=50
    )
    if exercise_id not in {e.id for e, _ in offered}:
        raise ValidationFailed(
            f"exercise {exercise_id} is not an alternative to {old['name']}",
            details=[{"field": "exercise_id", "message": "not an alternative"}],
        )
    preferences = await auth_service.preferences(session=session, lifter=user)
    kit = preferences.plates_or_default(user.units)
    recommended = await recommendations.recommend(
        session=session, user=user, caches=caches, limit=1
    )
    moment = utcnow()
    planner = Planner(session, user, preferences, kit, recommended.snapshot, moment, row.date)
    first = old["sets"][0] if old["sets"] else {}
    prescription = Prescription(
        len(old["sets"]) or 3, first.get("target_reps") or 8, first.get("rest_seconds") or 90
    )
    new = (await planner.plan([(exercise_id, prescription)], groups=[old.get("group")]))[0]
    if not any(s.target.weight_kg for s in new.sets):
        new = _carried(new, old, kit, user.units)
    plan[index] = plan_document([new])[0] | {"replaced": old["exercise_id"]}
    row.plan = plan
    row.updated_at = utcnow()
    await session.flush()
    return row


def _carried(new: PlannedExercise, old: dict[str, Any], kit: Plates, units: str) -> PlannedExercise:
    """Targets for an exercise never done, from the e1RM the replaced one's targets show."""
    first = old["sets"][0] if old["sets"] else None
    if not first or not first.get("target_weight_kg") or not first.get("target_reps"):
        return new
    rpe = first.get("target_rpe") or 8.0
    percent = load_for(100.0, first["target_reps"], rpe)
    if percent is None:
        return new
    e1rm = first["target_weight_kg"] * 100 / percent
    # A dumbbell is held in each hand: about 40% of the bar's load each.
    share = (
        0.4
        if plates.implement_of(new.equipment) == "dumbbell"
        and (plates.implement_of(old.get("equipment")) in ("barbell", "ez_bar"))
        else 1.0
    )
    sets = []
    for s in new.sets:
        if not s.target.reps:
            sets.append(s)
            continue
        raw = load_for(e1rm * share, s.target.reps, max(rpe - 1, 6.0))
        if raw is None:
            sets.append(s)
            continue
        loading = plates.load(raw, new.equipment, kit, rounding="down")
        sets.append(
            PlannedSet(
                replace(s.target, weight_kg=loading.weight_kg, rpe=max(rpe - 1, 6.0)),
                loading.per_side,
            )
        )
    reason = (
        f"Replaces {old['name']}: its target stands for an e1RM of {weight_text(e1rm, units)} → "
        f"started one RPE easier on a new exercise"
    )
    return replace(new, sets=tuple(sets), reasons=(reason,))


@dataclass(frozen=True)
class SessionView:
    """A stored session with what was logged in it."""

    row: TrainingSession
    workout: AnyWorkout | None
    logged: dict[int, list[LoggedSet]]
    kit: Plates


async def view(*, session: AsyncSession, user: Lifter, row: TrainingSession) -> SessionView:
    workout: AnyWorkout | None = None
    if row.workout_id is not None:
        kind = await session.scalar(select(Workout.kind).where(Workout.id == row.workout_id))
        workout = AnyWorkout(
            row.workout_id, row.title, "library" if kind == "library" else "program"
        )
    elif row.custom_workout_id is not None:
        workout = AnyWorkout(row.custom_workout_id, row.title, "custom")
    preferences = await auth_service.preferences(session=session, lifter=user)
    done = await logged(session=session, user=user, session_id=row.id)
    return SessionView(row, workout, done, preferences.plates_or_default(user.units))


async def check_owned(*, session: AsyncSession, user: Lifter, session_id: int) -> None:
    """A log may join only its lifter's own session."""
    await get(session=session, user=user, session_id=session_id)


async def logged_counts(
    *, session: AsyncSession, user: Lifter, ids: Sequence[int]
) -> dict[int, int]:
    """Working and warm-up sets logged in each of the sessions ``ids``."""
    if not ids:
        return {}
    rows = await session.execute(
        select(WorkoutLog.session_id, func.count(LogSet.id))
        .join(LogSet, LogSet.log_id == WorkoutLog.id)
        .where(WorkoutLog.user_id == user.id, WorkoutLog.session_id.in_(ids))
        .group_by(WorkoutLog.session_id)
    )
    return {session_id: int(count) for session_id, count in rows if session_id is not None}
