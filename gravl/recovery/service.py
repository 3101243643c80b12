"""Recovery state in the database, kept in step with the logs (RECOVERY.md).

Appending a log folds its sets into the stored ``(F, t0)`` per muscle; a log inserted before the
stored state, an edit or a delete recomputes the touched muscles from the bounded history.
Reads touch the 17 state rows plus the 7-day window, never the whole history.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import cast

from sqlalchemy import Insert, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.auth.schemas import Experience
from gravl.cache import Caches, Slot, cached
from gravl.catalog.cache import exercise_loads
from gravl.corridor import insert_rows, read_all
from gravl.db import utcnow
from gravl.history.models import WorkoutLog
from gravl.recovery import history
from gravl.recovery.model import (
    DEFAULT_CONSTANTS,
    CheckIn,
    MuscleReport,
    MuscleState,
    SetRecord,
    apply_set,
    checkin_state,
    decay,
    group_report,
    muscle_report,
    recompute,
    recovery_score,
    stimulus,
    tau_hours,
)
from gravl.recovery.models import MuscleGroupRecovery, RecoveryCheckIn
from gravl.vocabulary import HEAD_SLUGS, SHOULDERS, TRACKED_SLUGS, group_of, tracked_of

C = DEFAULT_CONSTANTS
# The history a recompute reads (older sets contribute < 0.1%); novelty and bests before it
# are looked up separately by `history.priors`.
HISTORY_SPAN = C.recompute_horizon


def _state(row: MuscleGroupRecovery | None, default_at: datetime) -> MuscleState:
    if row is None:
        return MuscleState(fatigue=0.0, at=default_at)
    return MuscleState(row.fatigue, row.state_at, row.k, row.last_trained_at)


# Statements built once (construction and cache keys cost more Python than running them).
_STATE_ROWS_OF = select(MuscleGroupRecovery).where(
    MuscleGroupRecovery.user_id == bindparam("user_id"),
    MuscleGroupRecovery.muscle_group.in_(bindparam("muscles", expanding=True)),
)
# Plain-column reads on the table: selecting entity attributes compiles through the ORM.
_STATE_TABLE = cast(Table, MuscleGroupRecovery.__table__)
_STATE_ROWS = select(
    _STATE_TABLE.c.muscle_group,
    _STATE_TABLE.c.fatigue,
    _STATE_TABLE.c.state_at,
    _STATE_TABLE.c.k,
    _STATE_TABLE.c.last_trained_at,
).where(_STATE_TABLE.c.user_id == bindparam("user_id"))


async def _rows(
    session: AsyncSession, user_id: int, muscles: Iterable[str] | None = None
) -> dict[str, MuscleGroupRecovery]:
    if muscles is None:
        query = select(MuscleGroupRecovery).where(MuscleGroupRecovery.user_id == user_id)
        return {row.muscle_group: row for row in await session.scalars(query)}
    params = {"user_id": user_id, "muscles": sorted(set(muscles))}
    return {row.muscle_group: row for row in await session.scalars(_STATE_ROWS_OF, params)}


def _store(
    session: AsyncSession,
    rows: dict[str, MuscleGroupRecovery],
    user_id: int,
    muscle: str,
    state: MuscleState,
) -> None:
    row = rows.get(muscle)
    if row is None:
        row = MuscleGroupRecovery(user_id=user_id, muscle_group=muscle)
        session.add(row)
        rows[muscle] = row
    row.fatigue = state.fatigue
    row.state_at = state.at
    row.k = state.k
    row.last_trained_at = state.last_trained_at
    row.updated_at = utcnow()


async def log_added(
    *, session: AsyncSession, user: Lifter, log: WorkoutLog
) -> dict[str, MuscleState]:
    """Fold a new log into the state; recompute instead when it lands before the state.

    The caller holds the user's lock (its unit of work claimed them: gravl.auth.lifter).
    Returns the touched muscles' new states. Read and written with Core statements: this runs
    on every log.
    """
    muscles = await exercise_loads(session, [log.exercise_id])
    primary, secondary = muscles[log.exercise_id]
    touched = set(primary) | set(secondary)
    if not touched:
        return {}
    stored = await _states_of(session, user.id, touched)
    if any(state.at > log.performed_at for state in stored.values()):
        rows = await _rows(session, user.id, touched)
        await _recompute(session=session, user=user, muscles=touched, rows=rows)
        return {m: _state(rows[m], log.performed_at) for m in touched}
    bare = [
        SetRecord(
            performed_at=log.performed_at,
            exercise_id=log.exercise_id,
            primary=primary,
            secondary=secondary,
            reps=s.reps,
            rpe=s.rpe,
            set_type=s.set_type,
            duration_s=s.duration_s,
            log_id=log.id,
            weight_kg=s.weight_kg,
            distance_m=s.distance_m,
        )
        for s in log.sets
    ]
    records = await history.records_of(session, user, bare, log.performed_at)
    loads = [stimulus(record) for record in records]
    states: dict[str, MuscleState] = {}
    for muscle in sorted(touched):
        state = stored.get(muscle) or MuscleState(fatigue=0.0, at=log.performed_at)
        tau = tau_hours(muscle, user.experience, state.k)
        for load in loads:
            state = apply_set(state, load.get(muscle, 0.0), log.performed_at, tau)
        states[muscle] = state
    await _save_states(session, user.id, states)
    return states


async def _states_of(
    session: AsyncSession, user_id: int, muscles: Iterable[str]
) -> dict[str, MuscleState]:
    # All the lifter's state rows (a few dozen at most), picked here: a statement without an
    # expanding IN, which the driver can run on the write's own connection (read_all).
    wanted = set(muscles)
    rows = await read_all(session, _STATE_ROWS, {"user_id": user_id})
    return {m: MuscleState(f, at, k, last) for m, f, at, k, last in rows if m in wanted}


_UPSERTS: dict[str, Insert] = {}


def _upsert(dialect: str) -> Insert:
    """INSERT ... ON CONFLICT DO UPDATE of state rows, for PostgreSQL or SQLite."""
    found = _UPSERTS.get(dialect)
    if found is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(_STATE_TABLE)
        changed = ("fatigue", "state_at", "k", "last_trained_at", "updated_at")
        found = _UPSERTS[dialect] = statement.on_conflict_do_update(
            index_elements=[_STATE_TABLE.c.user_id, _STATE_TABLE.c.muscle_group],
            set_={name: statement.excluded[name] for name in changed},
        )
    return found


async def _save_states(session: AsyncSession, user_id: int, states: dict[str, MuscleState]) -> None:
    """Write the given muscles' states in one statement, inserting rows not there yet."""
    now = utcnow()
    rows = [
        {
            "user_id": user_id,
            "muscle_group": muscle,
            "fatigue": state.fatigue,
            "state_at": state.at,
            "k": state.k,
            "last_trained_at": state.last_trained_at,
            "updated_at": now,
        }
        for muscle, state in states.items()
    ]
    await insert_rows(session, _upsert(session.get_bind().dialect.name), rows)


async def history_changed(*, session: AsyncSession, user: Lifter, muscles: Iterable[str]) -> None:
    """Recompute muscles (groups or tracked muscles) after an edit, a delete, a backfill or an
    import."""
    wanted = {t for m in muscles for t in tracked_of(m)}
    rows = await _rows(session, user.id, wanted)
    await _recompute(session=session, user=user, muscles=wanted, rows=rows)


async def _recompute(
    *,
    session: AsyncSession,
    user: Lifter,
    muscles: set[str],
    rows: dict[str, MuscleGroupRecovery],
) -> None:
    await session.flush()
    now = utcnow()
    latest = await session.scalar(
        select(WorkoutLog.performed_at)
        .where(WorkoutLog.user_id == user.id)
        .order_by(WorkoutLog.performed_at.desc())
        .limit(1)
    )
    until = max(now, latest) if latest is not None else now
    start = until - HISTORY_SPAN
    sets = await history.sets_between(session, user, start, until)
    checkins = await history.checkins_between(session, user.id, start, until)
    events: list[SetRecord | CheckIn] = [*sets, *history.as_events(checkins)]
    seeds = await _k_before(session, user.id, muscles, start)
    for muscle in muscles:
        anchor = MuscleState(fatigue=0.0, at=start, k=seeds.get(muscle, 1.0))
        state = recompute(events, muscle, until, experience=user.experience, start=anchor)
        if state.last_trained_at is None and (row := rows.get(muscle)) is not None:
            # Training older than the horizon no longer weighs, but it still happened.
            older = row.last_trained_at
            state = replace(state, last_trained_at=older if older and older <= start else None)
        _store(session, rows, user.id, muscle, state)
    await session.flush()


async def _k_before(
    session: AsyncSession, user_id: int, muscles: set[str], before: datetime
) -> dict[str, float]:
    """The personal multiplier each muscle had learned by ``before`` (its last check-in; a
    head's is its group's)."""
    seeds: dict[str, float] = {}
    rows = await session.scalars(
        select(RecoveryCheckIn)
        .where(
            RecoveryCheckIn.user_id == user_id,
            RecoveryCheckIn.muscle_group.in_({group_of(m) for m in muscles}),
            RecoveryCheckIn.at <= before,
        )
        .order_by(RecoveryCheckIn.at)
    )
    for checkin in rows:
        for muscle in history.parts_of(checkin):
            seeds[muscle] = checkin.k_after
    return seeds


async def check_in(
    *, session: AsyncSession, user: Lifter, muscle: str, soreness: float
) -> tuple[RecoveryCheckIn, float]:
    """Record a soreness report for a muscle group; it moves the group's tracked muscles toward
    the report from now on. A shoulders report moves the heads trained in the 7 days before it
    (all three when none was): sore shoulders after a push day are not sore rear delts.

    Returns the stored check-in (the predicted score of the most tired head it moved; the mean
    of their new k) and the group's score after it.
    """
    now = utcnow()
    group = tracked_of(muscle)
    rows = await _rows(session, user.id, group)
    states = {m: _state(rows.get(m), now) for m in group}
    at = max([now, *(s.at for s in states.values())])
    recent = at - C.sets_window
    trained = [
        m for m in group if (last := states[m].last_trained_at) is not None and last > recent
    ]
    parts = trained if len(group) > 1 and trained else list(group)
    predicted: list[float] = []
    after: dict[str, float] = {}
    for part in group:
        state = states[part]
        tau = tau_hours(part, user.experience, state.k)
        if part not in parts:
            after[part] = recovery_score(decay(state, at, tau).fatigue)
            continue
        predicted.append(recovery_score(decay(state, at, tau).fatigue))
        new_state = checkin_state(state, CheckIn(at=at, muscle=part, soreness=soreness), tau)
        _store(session, rows, user.id, part, new_state)
        states[part] = new_state
        after[part] = recovery_score(new_state.fatigue)
    checkin = RecoveryCheckIn(
        user_id=user.id,
        muscle_group=muscle,
        soreness=soreness,
        at=at,
        predicted_score=min(predicted),
        k_after=sum(states[p].k for p in parts) / len(parts),
        parts=None if len(parts) == len(group) else ",".join(parts),
        created_at=now,
    )
    session.add(checkin)
    await session.flush()
    return checkin, min(after.values())


@dataclass(frozen=True)
class Snapshot:
    computed_at: datetime
    reports: list[MuscleReport]  # the 17 groups, shoulders with its heads
    recent_sets: list[SetRecord]  # the 7-day analysis window
    tracked: list[MuscleReport]  # what the model tracks: the groups with the heads for shoulders

    def by_muscle(self) -> dict[str, MuscleReport]:
        return {r.muscle: r for r in self.reports}


async def _stored_states(session: AsyncSession, user_id: int) -> dict[str, MuscleState]:
    """The user's state rows as plain values (reads skip the ORM's identity map)."""
    rows = await read_all(session, _STATE_ROWS, {"user_id": user_id})
    return {m: MuscleState(f, at, k, last) for m, f, at, k, last in rows}


@dataclass(frozen=True)
class RecoveryInputs:
    """What a recovery read needs of one lifter, as stored at one moment."""

    loaded_at: datetime
    states: dict[str, MuscleState]
    # Sets performed after ``loaded_at`` minus the 7-day window, later ones included: a read at
    # any moment from ``loaded_at`` on finds its window here.
    sets: list[SetRecord]

    @cached_property
    def by_muscle(self) -> dict[str, list[SetRecord]]:
        """``sets`` grouped by the muscles they touch, once per load rather than per read."""
        return sets_by_muscle(self.sets)

    def estimated_bytes(self) -> int:
        """What the entry holds (gravl.cache), counted by its sets rather than walked."""
        return INPUTS_BYTES + SET_BYTES * len(self.sets)


# Measured with tracemalloc: a set record with its own floats and datetime and its places in
# ``by_muscle`` take ~500 bytes; the 17 state rows and the containers a few kB
# (tests/test_cache.py holds the estimate within a factor of two of the measure).
SET_BYTES = 512
INPUTS_BYTES = 6_000


# Later than any set: a load keeps sets logged ahead of the clock.
_END_OF_TIME = datetime(9999, 1, 1, tzinfo=UTC)


async def load_inputs(
    session: AsyncSession, user: Lifter, now: datetime | None = None
) -> RecoveryInputs:
    """The state rows and the recent sets (rated against the lifter's bests before them, with
    novelty 1: the scores come from the states): two queries, three when a recent set has no
    RPE, whatever the history's length."""
    now = now or utcnow()
    states = await _stored_states(session, user.id)
    sets = await history.sets_between(
        session, user, now - C.sets_window, _END_OF_TIME, novelty=False
    )
    return RecoveryInputs(now, states, sets)


def snapshot_of(inputs: RecoveryInputs, experience: Experience, when: datetime) -> Snapshot | None:
    """All 17 muscles at ``when`` from loaded inputs; None when a muscle's stored state lies
    after ``when`` (a backdated read, or a log ahead of the clock), which needs the history."""
    if when < inputs.loaded_at or any(s.at > when for s in inputs.states.values()):
        return None
    start = when - C.sets_window
    recent = [s for s in inputs.sets if start < s.performed_at <= when]
    touching = inputs.by_muscle  # muscle_report counts only those inside the window
    tracked = [
        muscle_report(
            m,
            inputs.states.get(m) or MuscleState(fatigue=0.0, at=when),
            when,
            touching.get(m, ()),
            experience=experience,
        )
        for m in _MUSCLES
    ]
    return Snapshot(when, grouped(tracked, recent, when), recent, tracked)


def grouped(
    tracked: list[MuscleReport], recent: Iterable[SetRecord], when: datetime
) -> list[MuscleReport]:
    """The 17 muscle groups from the tracked muscles: shoulders from its heads."""
    heads = sorted(
        (r for r in tracked if r.muscle in HEAD_SLUGS), key=lambda r: HEAD_SLUGS.index(r.muscle)
    )
    shoulders = group_report(SHOULDERS, heads, when, recent)
    reports = [r for r in tracked if r.muscle not in HEAD_SLUGS]
    return sorted([*reports, shoulders], key=lambda r: r.muscle)


_MUSCLES = sorted(TRACKED_SLUGS)


# The lifter's state rows and recent sets, per data version (gravl.cache).
RECOVERY_INPUTS = Slot[RecoveryInputs]("recovery-inputs")


async def inputs(*, session: AsyncSession, user: Lifter, caches: Caches) -> RecoveryInputs:
    """The lifter's recovery inputs as of their current data version."""
    return await cached(caches, RECOVERY_INPUTS, user, lambda: load_inputs(session, user))


async def snapshot(
    *, session: AsyncSession, user: Lifter, caches: Caches, at: datetime | None = None
) -> Snapshot:
    """All 17 muscles at ``at`` (default now): score, status, ready_at, weekly sets.

    Now is computed from the lifter's cached inputs; any other moment from the database.
    """
    if at is None:
        loaded = await inputs(session=session, user=user, caches=caches)
        # Now is read after the inputs: read before, it preceded a load it caused (a read right
        # after a write) and took the backdated path below, the history of HISTORY_SPAN read
        # and annotated for nothing (docs/PERFORMANCE.md, the fifth round).
        when = max(utcnow(), loaded.loaded_at)
    else:
        when = at
        loaded = await load_inputs(session, user, when)
    found = snapshot_of(loaded, user.experience, when)
    if found is not None:
        return found
    # A moment before a muscle's stored state (a backdated read, or a log ahead of the clock):
    # rebuild those muscles at that moment from the history.
    stale = {m for m, state in loaded.states.items() if state.at > when}
    states = {m: loaded.states.get(m) or MuscleState(fatigue=0.0, at=when) for m in _MUSCLES}
    start = when - HISTORY_SPAN
    events: list[SetRecord | CheckIn] = [
        *await history.sets_between(session, user, start, when),
        *history.as_events(await history.checkins_between(session, user.id, start, when)),
    ]
    seeds = await _k_before(session, user.id, stale, start)
    for muscle in stale:
        anchor = MuscleState(0.0, start, seeds.get(muscle, 1.0))
        states[muscle] = recompute(events, muscle, when, experience=user.experience, start=anchor)
    # Training older than the recompute horizon weighs nothing any more, but it happened.
    untrained = {m for m in stale if states[m].last_trained_at is None}
    for muscle, trained in (await history.last_trained(session, user.id, untrained, when)).items():
        states[muscle] = replace(states[muscle], last_trained_at=trained)
    rebuilt = RecoveryInputs(when, states, loaded.sets)
    result = snapshot_of(rebuilt, user.experience, when)
    assert result is not None  # every state is now at ``when``
    return result


# "Most recovered" is about the muscles the lifter trains: four weeks covers every program's
# cycle, and muscles never trained (abductors, neck...) would always top the list (issue 16).
TRAINED_WITHIN = timedelta(days=28)


async def most_recovered(
    *, session: AsyncSession, user: Lifter, caches: Caches, limit: int
) -> tuple[datetime, list[MuscleReport]]:
    """The freshest of the muscles trained in the last 28 days (of all, when none was), now.

    Ranked by the score as displayed (one decimal), then longest since trained, then slug,
    so the order the lifter sees follows the numbers they see.
    """
    snap = await snapshot(session=session, user=user, caches=caches)
    since = snap.computed_at - TRAINED_WITHIN
    trained = [
        r for r in snap.reports if r.last_trained_at is not None and r.last_trained_at > since
    ]
    never = datetime.min.replace(tzinfo=UTC)
    ranked = sorted(
        trained or snap.reports,
        key=lambda r: (-round(r.recovery_score, 1), r.last_trained_at or never, r.muscle),
    )
    return snap.computed_at, ranked[:limit]


def sets_by_muscle(sets: Iterable[SetRecord]) -> dict[str, list[SetRecord]]:
    """Each muscle's sets, in order: the others weigh nothing on it, so the per-muscle
    counts and causes need not walk every set of the week 17 times."""
    found: dict[str, list[SetRecord]] = {}
    for record in sets:
        for muscle in {*record.primary, *record.secondary}:
            found.setdefault(muscle, []).append(record)
    return found


def scores_of(
    states: dict[str, MuscleState], user: Lifter, muscles: Iterable[str], when: datetime
) -> dict[str, float]:
    """Unrounded recovery score of each muscle at ``when``, from its stored state."""
    result = {}
    for muscle in muscles:
        state = states.get(muscle) or MuscleState(fatigue=0.0, at=when)
        if state.at > when:
            state = replace(state, at=when)
        tau = tau_hours(muscle, user.experience, state.k)
        result[muscle] = recovery_score(decay(state, when, tau).fatigue)
    return result


def group_scores(scores: dict[str, float]) -> dict[str, float]:
    """Tracked muscles' scores as their groups' (a group is as recovered as its most tired
    part among those given)."""
    result: dict[str, float] = {}
    for muscle, score in scores.items():
        group = group_of(muscle)
        result[group] = min(score, result.get(group, score))
    return result


async def scores(
    *, session: AsyncSession, user: Lifter, at: datetime | None = None
) -> dict[str, float]:
    """Unrounded recovery score per muscle, from the state rows alone."""
    when = at or utcnow()
    return scores_of(await _stored_states(session, user.id), user, TRACKED_SLUGS, when)
