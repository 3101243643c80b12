"""The history as a training log: one entry per session, newest first.

A session is a ``training_sessions`` row (started from Today or the API, made by an import or
by "Add a past session"), or, for logs outside any session, the lifter's logs of one workout
on one local day (split where more than ``SESSION_GAP`` passes between two of them, so a
morning and an evening session are two entries). A page holds whole days: it is cut between
two days, never inside one, and costs a bounded number of queries however long the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from gravl.auth.lifter import Lifter
from gravl.history.models import LogSet, TrainingSession, WorkoutLog
from gravl.stats.records import PersonalRecord, RecordType, WorkingSet, personal_records
from gravl.training.cache import builtin_workouts
from gravl.training.models import CustomWorkout

# About a screenful of sessions; a page is cut between days, so it may hold a few more logs.
LOGS_PER_PAGE = 40
# Logs of one workout further apart than this on a day are two sessions.
SESSION_GAP = timedelta(hours=3)
# The records an entry reports (a set volume record is noise next to these).
SHOWN_RECORDS: tuple[RecordType, ...] = ("weight", "e1rm", "reps")
# records.py compares "most reps" weights to 0.1 kg; the same key here.
_WEIGHT_STEPS_PER_KG = 10

_LOADED = (joinedload(WorkoutLog.exercise), selectinload(WorkoutLog.sets))


@dataclass
class Entry:
    """One session as the log shows it; times are the lifter's local ones."""

    key: str  # unique on the page: "session-12", "log-345" (the entry's first log)
    session: TrainingSession | None
    name: str
    started_at: datetime
    ended_at: datetime | None
    logs: list[WorkoutLog] = field(default_factory=list)  # in the order done
    records: dict[int, list[PersonalRecord]] = field(default_factory=dict)  # by log id

    @property
    def day(self) -> date:
        return self.started_at.date()

    @property
    def minutes(self) -> int | None:
        """First set to last (or the session's start to its end), when longer than a minute."""
        if self.ended_at is None:
            return None
        minutes = round((self.ended_at - self.started_at).total_seconds() / 60)
        return minutes if minutes >= 1 else None

    @property
    def volume_kg(self) -> float:
        return sum(log.volume_kg for log in self.logs)  # warm-ups excluded when stored

    @property
    def sets(self) -> int:
        """Working sets: warm-ups prepare rather than train."""
        return sum(1 for log in self.logs for s in log.sets if s.set_type != "warmup")

    @property
    def pr_count(self) -> int:
        return sum(len(found) for found in self.records.values())

    @property
    def notes(self) -> str | None:
        return self.session.notes if self.session is not None else None


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    next_before: date | None  # the "older" link: days before this one


def duration_text(minutes: int | None) -> str | None:
    """ "1 h 05 min", "48 min"."""
    if minutes is None:
        return None
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def time_of_day_name(moment: datetime) -> str:
    """A session with no workout is named by when it started: "Evening workout"."""
    hour = moment.hour
    part = (
        "Night"
        if hour < 5
        else "Morning"
        if hour < 12
        else "Afternoon"
        if hour < 17
        else "Evening"
        if hour < 21
        else "Night"
    )
    return f"{part} workout"


def _chronological(log: WorkoutLog) -> tuple[datetime, int]:
    return log.performed_at, log.id


def group_entries(
    logs: Iterable[WorkoutLog],
    trainings: Mapping[int, TrainingSession],
    workout_names: Mapping[tuple[str, int], str],
    timezone: str,
) -> list[Entry]:
    """The logs as sessions, newest first, each session's logs in the order done."""
    zone = ZoneInfo(timezone)
    by_session: dict[int, list[WorkoutLog]] = {}
    loose: list[WorkoutLog] = []
    for log in sorted(logs, key=_chronological):
        if log.session_id is not None and log.session_id in trainings:
            by_session.setdefault(log.session_id, []).append(log)
        else:
            loose.append(log)
    entries = []
    for session_id, done in by_session.items():
        row = trainings[session_id]
        first, last = done[0].performed_at, done[-1].performed_at
        start, end = row.started_at, row.ended_at
        if end is None or not start <= first <= last <= end:
            # Not finished, or its sets were logged outside its times (backdated, or it was
            # finished long after): first set to last.
            start, end = first, (last if len(done) > 1 else None)
        entries.append(
            Entry(
                key=f"session-{row.id}",
                session=row,
                name=row.title,
                started_at=start.astimezone(zone),
                ended_at=end.astimezone(zone) if end is not None else None,
                logs=done,
            )
        )
    # Loose logs: one workout on one local day, split where the lifter stopped for hours.
    open_groups: dict[tuple[date, int | None, int | None], list[WorkoutLog]] = {}
    groups: list[list[WorkoutLog]] = []
    for log in loose:
        local = log.performed_at.astimezone(zone)
        key = (local.date(), log.workout_id, log.custom_workout_id)
        group = open_groups.get(key)
        if group is None or log.performed_at - group[-1].performed_at > SESSION_GAP:
            group = []
            open_groups[key] = group
            groups.append(group)
        group.append(log)
    for group in groups:
        opening, closing = group[0], group[-1]
        began = opening.performed_at.astimezone(zone)
        if opening.workout_id is not None:
            name = workout_names.get(("workout", opening.workout_id))
        elif opening.custom_workout_id is not None:
            name = workout_names.get(("custom", opening.custom_workout_id))
        else:
            name = None
        entries.append(
            Entry(
                key=f"log-{opening.id}",
                session=None,
                name=name or time_of_day_name(began),
                started_at=began,
                ended_at=closing.performed_at.astimezone(zone) if len(group) > 1 else None,
                logs=group,
            )
        )
    entries.sort(key=lambda e: (e.started_at, e.logs[0].id), reverse=True)
    return entries


def _record_key(record: PersonalRecord) -> tuple[int, RecordType, int | None]:
    weight = (
        round(record.weight_kg * _WEIGHT_STEPS_PER_KG)
        if record.type == "reps" and record.weight_kg
        else None
    )
    return record.exercise_id, record.type, weight


RecordKey = tuple[int, RecordType, int | None]
# A log keeps its best e1RM rounded to 0.01 kg: a set only equal to it is no PR.
_E1RM_ROUNDING = 0.005


def records_set(
    performed: Iterable[WorkingSet],
    wanted: set[int],
    held: Mapping[RecordKey, float] | None = None,
) -> dict[int, list[PersonalRecord]]:
    """The records each log of ``wanted`` set, folding working sets in time order from the
    records ``held`` before them: a record counts when it beats one held before (a first time
    is no PR), by gravl.stats' rules (strictly better; the earlier set keeps a tie)."""
    best: dict[RecordKey, float] = dict(held or {})
    found: dict[int, list[PersonalRecord]] = {}
    for log_id, sets in groupby(performed, key=lambda s: s.log_id):
        for record in personal_records(sets):
            if record.type not in SHOWN_RECORDS:
                continue
            key = _record_key(record)
            before = best.get(key)
            if before is None or record.value > before:
                if before is not None and log_id in wanted:
                    found.setdefault(log_id, []).append(record)
                best[key] = record.value
    return found


async def _held_before(
    session: AsyncSession, user: Lifter, exercise_ids: set[int], since: datetime
) -> dict[RecordKey, float]:
    """The records of these exercises before ``since``, from two aggregate queries whatever
    the history's length: the most reps at each weight (which gives the heaviest weight too)
    and each log's stored best e1RM (FORMATS.md: the same estimate the records use)."""
    held: dict[RecordKey, float] = {}
    working = (
        WorkoutLog.user_id == user.id,
        WorkoutLog.exercise_id.in_(exercise_ids),
        WorkoutLog.performed_at < since,
    )
    reps = await session.execute(
        select(WorkoutLog.exercise_id, LogSet.weight_kg, func.max(LogSet.reps))
        .join(LogSet, LogSet.log_id == WorkoutLog.id)
        .where(*working, LogSet.set_type != "warmup", LogSet.reps >= 1)
        .group_by(WorkoutLog.exercise_id, LogSet.weight_kg)
    )
    for exercise_id, weight, most in reps:
        if most is None:
            continue
        key: RecordKey = (exercise_id, "reps", None)
        if weight is not None and weight > 0:
            key = (exercise_id, "reps", round(weight * _WEIGHT_STEPS_PER_KG))
            heaviest: RecordKey = (exercise_id, "weight", None)
            held[heaviest] = max(held.get(heaviest, 0.0), weight)
        held[key] = max(held.get(key, 0.0), float(most))
    e1rms = await session.execute(
        select(WorkoutLog.exercise_id, func.max(WorkoutLog.best_e1rm_kg))
        .where(*working, WorkoutLog.best_e1rm_kg.is_not(None))
        .group_by(WorkoutLog.exercise_id)
    )
    for exercise_id, e1rm in e1rms:
        if e1rm is not None:
            held[exercise_id, "e1rm", None] = e1rm + _E1RM_ROUNDING
    return held


async def _records(
    session: AsyncSession, user: Lifter, logs: Sequence[WorkoutLog]
) -> dict[int, list[PersonalRecord]]:
    """The PRs of ``logs`` (all the lifter's logs of a span of time, their sets loaded): the
    records held before the first of them, then their own sets in order."""
    if not logs:
        return {}
    ordered = sorted(logs, key=_chronological)
    held = await _held_before(
        session, user, {log.exercise_id for log in ordered}, ordered[0].performed_at
    )
    performed = (
        WorkingSet(
            log.exercise_id, log.id, log.performed_at, s.reps, s.weight_kg, s.rpe, s.set_type
        )
        for log in ordered
        for s in log.sets
        if s.set_type != "warmup"
    )
    return records_set(performed, {log.id for log in ordered}, held)


async def workout_names(session: AsyncSession, user: Lifter) -> dict[tuple[str, int], str]:
    """Built-in workouts (from the worker's cache) and the lifter's own, deleted ones too."""
    names: dict[tuple[str, int], str] = {
        ("workout", w.id): w.name for w in (await builtin_workouts(session)).workouts
    }
    rows = await session.execute(
        select(CustomWorkout.id, CustomWorkout.name).where(CustomWorkout.user_id == user.id)
    )
    names.update({("custom", ident): name for ident, name in rows})
    return names


async def _entries(session: AsyncSession, user: Lifter, logs: Sequence[WorkoutLog]) -> list[Entry]:
    ids = {log.session_id for log in logs if log.session_id is not None}
    trainings = (
        {
            row.id: row
            for row in await session.scalars(
                select(TrainingSession).where(
                    TrainingSession.user_id == user.id, TrainingSession.id.in_(ids)
                )
            )
        }
        if ids
        else {}
    )
    found = group_entries(logs, trainings, await workout_names(session, user), user.timezone)
    records = await _records(session, user, logs)
    for entry in found:
        entry.records = {log.id: records[log.id] for log in entry.logs if log.id in records}
    return found


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, zone)


async def page(*, session: AsyncSession, user: Lifter, before: date | None) -> Page:
    """The sessions of the newest days before ``before`` (None: the newest), whole days."""
    zone = ZoneInfo(user.timezone)
    query = select(WorkoutLog).where(WorkoutLog.user_id == user.id).options(*_LOADED)
    if before is not None:
        query = query.where(WorkoutLog.performed_at < _day_start(before, zone))
    newest = (WorkoutLog.performed_at.desc(), WorkoutLog.id.desc())
    rows = list((await session.scalars(query.order_by(*newest).limit(LOGS_PER_PAGE + 1))).all())
    next_before = None
    if len(rows) > LOGS_PER_PAGE:
        cut = rows[LOGS_PER_PAGE].performed_at.astimezone(zone).date()  # first day left out
        kept = [log for log in rows if log.performed_at.astimezone(zone).date() > cut]
        if kept:
            rows, next_before = kept, cut + timedelta(days=1)
        else:  # one day of more logs than a page: that whole day
            rows = list(
                (
                    await session.scalars(
                        query.where(WorkoutLog.performed_at >= _day_start(cut, zone)).order_by(
                            *newest
                        )
                    )
                ).all()
            )
            next_before = cut
    return Page(await _entries(session, user, rows), next_before)


async def session_entry(*, session: AsyncSession, user: Lifter, row: TrainingSession) -> Entry:
    """One session (the lifter's own, loaded) as the log shows it; its summary's content."""
    logs = list(
        (
            await session.scalars(
                select(WorkoutLog)
                .where(WorkoutLog.user_id == user.id, WorkoutLog.session_id == row.id)
                .options(*_LOADED)
                .order_by(WorkoutLog.performed_at, WorkoutLog.id)
            )
        ).all()
    )
    if not logs:
        zone = ZoneInfo(user.timezone)
        end = row.ended_at.astimezone(zone) if row.ended_at is not None else None
        return Entry(f"session-{row.id}", row, row.title, row.started_at.astimezone(zone), end)
    found = group_entries(logs, {row.id: row}, {}, user.timezone)
    entry = found[0]
    records = await _records(session, user, logs)
    entry.records = {log.id: records[log.id] for log in entry.logs if log.id in records}
    return entry


async def latest_session_on(*, session: AsyncSession, user: Lifter, day: date) -> int | None:
    """The lifter's latest session of ``day`` that has a log in it (Today's summary link)."""
    return await session.scalar(
        select(TrainingSession.id)
        .where(
            TrainingSession.user_id == user.id,
            TrainingSession.date == day,
            select(WorkoutLog.id).where(WorkoutLog.session_id == TrainingSession.id).exists(),
        )
        .order_by(TrainingSession.started_at.desc(), TrainingSession.id.desc())
        .limit(1)
    )
