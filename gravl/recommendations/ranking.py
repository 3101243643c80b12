"""Smart workout recommendations over plain data (no I/O): exclude, score, order, explain.

The plan comes first (docs/recovery.md, "Smart workout recommendations"): the day's workout —
scheduled, swapped in, caught up, or on a rest day the next one — is #1 unless one of its main
muscles is under the threshold; then the program's other sessions, then other main sessions,
and accessory sessions (the library's add-ons) last. Within a tier, the score orders.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from gravl.recommendations.volume import WeeklyRange, weekly_range
from gravl.recovery.model import DEFAULT_CONSTANTS
from gravl.training.targets import (
    MAIN_MUSCLE_SETS,
    AnyWorkout,
    Candidate,
    MuscleTarget,
    Role,
    WorkoutKey,
    display_order,
    heads_of,
    main_muscles,
)
from gravl.vocabulary import group_of


@dataclass(frozen=True)
class RankingConstants:
    # ORIGIN.md: never recommend work on a muscle under 30%.
    recovery_threshold: float = DEFAULT_CONSTANTS.fatigued_below
    ready_score: float = DEFAULT_CONSTANTS.ready_score
    analysis_window: timedelta = DEFAULT_CONSTANTS.sets_window
    # Score terms: a bonus for muscles under their weekly minimum of hard sets, a penalty for
    # those the workout would take past their maximum (gravl.recommendations.volume).
    due_bonus: float = 15.0
    over_penalty: float = 15.0
    repeat_penalty: float = 20.0
    repeat_window: timedelta = timedelta(hours=48)
    main_muscle_sets: float = MAIN_MUSCLE_SETS  # gravl.training.targets.main_muscles
    # Reasons name at most this many muscles, so they stay one readable line.
    muscles_per_reason: int = 2

    def weekly_target(self, muscle: str) -> float:
        """The weekly minimum of hard sets for a general, intermediate lifter (the progress
        page's heat map measures against it)."""
        return weekly_range(muscle).minimum


DEFAULT_RANKING = RankingConstants()


@dataclass(frozen=True)
class PlanContext:
    """What the plan asks of the ranking (gravl.recommendations.plan)."""

    state: str
    first: WorkoutKey | None = None  # the day's workout: first unless too fatigued
    lead: str | None = None  # its first reason ("Scheduled for today in your program")
    program: frozenset[WorkoutKey] = frozenset()  # the sessions of the lifter's program
    trained_muscles: frozenset[str] = frozenset()  # trained_today: what was trained


@dataclass(frozen=True)
class Cause:
    """What left a muscle fatigued, for the exclusion reason."""

    exercise_name: str
    performed_at: datetime
    log_id: int | None = None


@dataclass(frozen=True)
class MuscleReadiness:
    recovery_score: float  # unrounded
    last_trained_at: datetime | None = None
    ready_at: datetime | None = None
    sets_last_7_days: float = 0.0
    cause: Cause | None = None
    # Hard sets in the last 7 days (None: as ``sets_last_7_days``) and the lifter's weekly
    # range for the muscle (None: a general, intermediate lifter's).
    hard_sets: float | None = None
    weekly: WeeklyRange | None = None

    def hard(self) -> float:
        return self.sets_last_7_days if self.hard_sets is None else self.hard_sets


RESTED = MuscleReadiness(recovery_score=100.0)


@dataclass(frozen=True)
class RankedTarget:
    muscle: str
    role: Role
    recovery_score: float
    # Shoulders: the heads the workout loads and their scores (the group's is the lowest).
    heads: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Recommendation:
    rank: int
    workout: AnyWorkout
    score: float  # unrounded, like every score here; the API rounds
    target_muscles: tuple[RankedTarget, ...]
    reasons: tuple[str, ...]
    days_since_trained: Mapping[str, float | None]
    sets_last_7_days: Mapping[str, float]


@dataclass(frozen=True)
class Exclusion:
    workout: AnyWorkout
    reason: str


@dataclass(frozen=True)
class Ranking:
    recommendations: tuple[Recommendation, ...]
    excluded: tuple[Exclusion, ...]


# --- wording ------------------------------------------------------------------------------


def _name(muscle: str) -> str:
    return muscle.replace("_", " ")


def displayed(score: float) -> float:
    """A score as the API displays it (to 0.1). Reasons quote it and the threshold judges it,
    so a number shown as 30.0 is never called under 30%, nor 90.0 short of ready."""
    return round(score, 1)


def _percent(score: float) -> str:
    return f"{displayed(score):g}%"


def _span(delta: timedelta) -> str:
    hours = max(delta.total_seconds(), 0.0) / 3600
    if hours < 1:
        return "less than an hour"
    if hours < 47.5:
        count = round(hours)
        return f"{count} hour{'s' if count != 1 else ''}"
    return f"{round(hours / 24)} days"


def _sets(count: float) -> str:
    shown = f"{count:g}" if count == int(count) else f"{count:.1f}"
    return f"{shown} set{'' if count == 1 else 's'}"


def _count(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# --- ranking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Today:
    """What the ranking knows about the lifter right now."""

    recovery: Mapping[str, MuscleReadiness]
    now: datetime
    constants: RankingConstants

    def muscle(self, slug: str) -> MuscleReadiness:
        return self.recovery.get(slug, RESTED)

    def done_recently(self, hours_since_done: float) -> bool:
        return hours_since_done * 3600 < self.constants.repeat_window.total_seconds()


@dataclass(frozen=True)
class _Scored:
    candidate: Candidate
    score: float
    min_recovery: float
    hours_since_done: float  # inf when never done
    scheduled: bool  # the plan's workout of the day
    tier: int  # 0 the plan's workout, 1 its program, 2 other main sessions, 3 accessory

    def order(self) -> tuple[int, float, float, float, int, str]:
        """Best first: the plan's tier, then score, the weakest target, the staler workout,
        then id."""
        workout = self.candidate.workout
        return (
            self.tier,
            -self.score,
            -self.min_recovery,
            -self.hours_since_done,
            workout.id,
            workout.key[0],
        )


def _tier(candidate: Candidate, plan: PlanContext) -> int:
    key = candidate.workout.key
    if key == plan.first:
        return 0
    if key in plan.program:
        return 1
    return 3 if candidate.workout.kind == "library" else 2


def _range(muscle: str, today: _Today) -> WeeklyRange:
    return today.muscle(muscle).weekly or weekly_range(muscle)


def _due(target: MuscleTarget, today: _Today) -> float:
    """How far under its weekly minimum the muscle is (0 at or above it, 1 with no sets)."""
    minimum = _range(target.muscle, today).minimum
    return max(0.0, 1.0 - today.muscle(target.muscle).hard() / minimum) if minimum else 0.0


def _over(target: MuscleTarget, today: _Today) -> float:
    """How far past its weekly maximum the workout would take the muscle (0 to 1)."""
    maximum = _range(target.muscle, today).maximum
    projected = today.muscle(target.muscle).hard() + target.weight
    return min(1.0, max(0.0, projected - maximum) / max(maximum, 1.0))


def _score(candidate: Candidate, today: _Today, hours_since_done: float) -> float:
    c = today.constants
    targets = candidate.tracked
    total_weight = sum(t.weight for t in targets)
    recovered = sum(t.weight * today.muscle(t.muscle).recovery_score for t in targets)
    due = sum(t.weight * _due(t, today) for t in targets)
    over = sum(t.weight * _over(t, today) for t in targets)
    score = (recovered + c.due_bonus * due - c.over_penalty * over) / total_weight
    if today.done_recently(hours_since_done):
        score -= c.repeat_penalty
    return score


def _exclusion_reason(below: list[str], today: _Today) -> str:
    c = today.constants
    lowest = today.muscle(below[0])
    reason = f"{_capitalised(_name(below[0]))} is only {_percent(lowest.recovery_score)} recovered"
    if lowest.cause is not None:
        cause = lowest.cause
        reason += f" after {cause.exercise_name} {_span(today.now - cause.performed_at)} ago"
    elif lowest.last_trained_at is not None:
        reason += f" (last trained {_span(today.now - lowest.last_trained_at)} ago)"
    if lowest.ready_at is not None:
        reason += f" — back to {c.ready_score:g}% in about {_span(lowest.ready_at - today.now)}"
    if len(below) > 1:
        others = [f"{_name(m)} {_percent(today.muscle(m).recovery_score)}" for m in below[1:]]
        reason += f". Also under {c.recovery_threshold:g}%: {_join(others)}"
    return reason


def _recovery_reason(shown: list[MuscleTarget], today: _Today) -> str:
    states = [today.muscle(t.muscle) for t in shown]
    scores = [f"{_name(t.muscle)} {_percent(today.muscle(t.muscle).recovery_score)}" for t in shown]
    reason = f"{_capitalised(_join(scores))} recovered"
    trained = [r.last_trained_at for r in states if r.last_trained_at is not None]
    if not trained:
        return reason + " — not trained recently"
    # Per muscle, not summed: one squat set counts for quadriceps and (half) for hamstrings.
    counts = [r.sets_last_7_days for r in states]
    if not any(counts):
        week = "no sets in the last 7 days"
    elif len(set(counts)) == 1:
        week = f"{_sets(counts[0])} in the last 7 days" + (" each" if len(counts) > 1 else "")
    else:
        week = f"{_join([f'{n:g}' for n in counts[:-1]] + [_sets(counts[-1])])} in the last 7 days"
    return reason + f" — last trained {_span(today.now - max(trained))} ago ({week})"


def _reasons(scored: _Scored, today: _Today, lead: list[str]) -> tuple[str, ...]:
    c = today.constants
    targets = scored.candidate.tracked
    primary = [t for t in targets if t.role == "primary"] or list(targets)
    reasons = list(lead)
    reasons.append(_recovery_reason(primary[: c.muscles_per_reason], today))
    behind = [
        f"{_name(t.muscle)} {_count(today.muscle(t.muscle).hard())} of at least "
        f"{_count(_range(t.muscle, today).minimum)}"
        for t in primary
        if _due(t, today) > 0
    ]
    if behind:
        shown = _join(behind[: c.muscles_per_reason])
        reasons.append(f"Behind on volume: {shown} hard sets in the last 7 days")
    over = [
        f"{_name(t.muscle)} {_count(today.muscle(t.muscle).hard())} of at most "
        f"{_count(_range(t.muscle, today).maximum)}"
        for t in targets
        if _over(t, today) > 0
    ]
    if over:
        shown = _join(over[: c.muscles_per_reason])
        reasons.append(f"Near the weekly maximum: {shown} hard sets in the last 7 days")
    if today.done_recently(scored.hours_since_done):
        ago = _span(timedelta(hours=scored.hours_since_done))
        reasons.append(f"You did this workout {ago} ago")
    strained = [
        f"{_name(t.muscle)} is only {_percent(today.muscle(t.muscle).recovery_score)}"
        for t in targets
        if t.role == "secondary"
        and displayed(today.muscle(t.muscle).recovery_score) < c.recovery_threshold
    ]
    if strained:
        reasons.append(f"Go easy: the assisting {_join(strained)} recovered")
    return tuple(reasons)


def _group_state(candidate: Candidate, muscle: str, today: _Today) -> MuscleReadiness:
    """A target muscle group's readiness for this workout: for shoulders, that of the most
    tired head the workout loads."""
    parts = [today.muscle(t.muscle) for t in candidate.tracked if group_of(t.muscle) == muscle]
    group = today.muscle(muscle)
    if not parts:
        return group
    tired = min(parts, key=lambda r: r.recovery_score)
    return (
        replace(tired, sets_last_7_days=group.sets_last_7_days)
        if muscle in today.recovery
        else tired
    )


def _recommendation(rank: int, scored: _Scored, today: _Today, lead: list[str]) -> Recommendation:
    targets = scored.candidate.targets
    states = {t.muscle: _group_state(scored.candidate, t.muscle, today) for t in targets}
    return Recommendation(
        rank=rank,
        workout=scored.candidate.workout,
        score=scored.score,
        target_muscles=tuple(
            RankedTarget(
                t.muscle,
                t.role,
                states[t.muscle].recovery_score,
                tuple(
                    (h.muscle, today.muscle(h.muscle).recovery_score)
                    for h in heads_of(t, scored.candidate.tracked)
                ),
            )
            for t in targets
        ),
        reasons=_reasons(scored, today, lead),
        days_since_trained={
            m: None
            if r.last_trained_at is None
            else (today.now - r.last_trained_at) / timedelta(days=1)
            for m, r in states.items()
        },
        sets_last_7_days={m: r.sets_last_7_days for m, r in states.items()},
    )


def rank_workouts(
    candidates: Iterable[Candidate],
    recovery: Mapping[str, MuscleReadiness],
    *,
    now: datetime,
    last_done: Mapping[WorkoutKey, datetime] | None = None,
    scheduled: WorkoutKey | None = None,
    plan: PlanContext | None = None,
    unsuitable: Mapping[WorkoutKey, str] | None = None,
    limit: int = 3,
    constants: RankingConstants = DEFAULT_RANKING,
) -> Ranking:
    """Exclude, score, rank and explain workouts; muscles missing from `recovery` are rested.

    ``plan`` says what the day holds (``scheduled`` is short for a plain scheduled day);
    ``unsuitable`` names the workouts the lifter's preferences rule out, with why.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if plan is None:
        lead = "Scheduled for today in your program" if scheduled is not None else None
        plan = PlanContext("scheduled" if scheduled else "no_program", scheduled, lead)
    today = _Today(recovery, now, constants)
    done = last_done or {}
    # One fixed order of candidates and targets makes every sum and every tie independent of
    # the order the caller happened to load them in.
    pool = sorted(
        (
            replace(
                c,
                targets=display_order(c.targets),
                tracked_targets=display_order(c.tracked_targets),
            )
            for c in candidates
        ),
        key=lambda c: (c.workout.id, c.workout.key[0]),
    )
    if len({c.workout.key for c in pool}) != len(pool):
        raise ValueError("a workout appears twice among the candidates")
    if any(len({t.muscle for t in c.tracked}) != len(c.tracked) for c in pool):
        raise ValueError("a muscle appears twice among a workout's targets")
    excluded: list[Exclusion] = []
    scored: list[_Scored] = []
    first_excluded: Exclusion | None = None
    ruled_out = unsuitable or {}
    for candidate in pool:
        reason = ruled_out.get(candidate.workout.key)
        exclusion = (
            Exclusion(candidate.workout, reason)
            if reason is not None
            else _exclusion(candidate, today, plan)
        )
        if exclusion is not None:
            excluded.append(exclusion)
            if candidate.workout.key == plan.first:
                first_excluded = exclusion
            continue
        last = done.get(candidate.workout.key)
        since = math.inf if last is None else max((now - last) / timedelta(hours=1), 0.0)
        scored.append(
            _Scored(
                candidate=candidate,
                score=_score(candidate, today, since),
                min_recovery=min(today.muscle(t.muscle).recovery_score for t in candidate.tracked),
                hours_since_done=since,
                scheduled=candidate.workout.key == plan.first,
                tier=_tier(candidate, plan),
            )
        )
    scored.sort(key=_Scored.order)
    if plan.state == "trained_today":
        limit = min(limit, 1)  # at most one optional short session
    recommendations = tuple(
        _recommendation(rank, s, today, _lead(rank, s, plan, first_excluded))
        for rank, s in enumerate(scored[:limit], start=1)
    )
    return Ranking(recommendations=recommendations, excluded=tuple(excluded))


def _exclusion(candidate: Candidate, today: _Today, plan: PlanContext) -> Exclusion | None:
    constants = today.constants
    workout = candidate.workout
    if not candidate.targets:
        return Exclusion(workout, "Has no exercises with target muscles to judge recovery by")
    main = main_muscles(candidate, constants.main_muscle_sets, tracked=True)
    below = sorted(
        (
            m
            for m in main
            if displayed(today.muscle(m).recovery_score) < constants.recovery_threshold
        ),
        key=lambda m: (today.muscle(m).recovery_score, m),
    )
    if below:
        return Exclusion(workout, _exclusion_reason(below, today))
    if plan.state == "trained_today":
        again = sorted(set(main) & plan.trained_muscles)
        if again:
            return Exclusion(workout, f"You trained {_join([_name(m) for m in again])} today")
        if workout.kind != "library":
            return Exclusion(workout, "You have trained today: one full session a day")
    return None


def _lead(
    rank: int, scored: _Scored, plan: PlanContext, first_excluded: Exclusion | None
) -> list[str]:
    """The reasons that come before the numbers: what the plan says of this workout."""
    if scored.scheduled and plan.lead:
        return [plan.lead]
    if plan.state == "trained_today":
        return ["Optional extra: a short session for muscles you have not trained today"]
    if rank == 1 and first_excluded is not None:
        name = first_excluded.workout.name
        return [f"Your planned {name} waits: {_uncapitalised(first_excluded.reason)}"]
    return []


def _uncapitalised(text: str) -> str:
    return text[:1].lower() + text[1:]
