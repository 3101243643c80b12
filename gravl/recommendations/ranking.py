"""Smart workout recommendations: steps 1-4 of RECOVERY.md over plain data (no I/O)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from gravl.recovery.model import DEFAULT_CONSTANTS
from gravl.training.targets import (
    AnyWorkout,
    Candidate,
    MuscleTarget,
    Role,
    WorkoutKey,
    display_order,
)


@dataclass(frozen=True)
class RankingConstants:
    # ORIGIN.md: never recommend work on a muscle under 30%.
    recovery_threshold: float = DEFAULT_CONSTANTS.fatigued_below
    ready_score: float = DEFAULT_CONSTANTS.ready_score
    analysis_window: timedelta = DEFAULT_CONSTANTS.sets_window
    # Weekly effective-set targets (RECOVERY.md): 10 for the big movers, 6 for the rest.
    major_muscles: frozenset[str] = field(
        default_factory=lambda: frozenset(
            {"chest", "lats", "middle_back", "shoulders", "quadriceps", "hamstrings", "glutes"}
        )
    )
    major_weekly_sets: float = 10.0
    minor_weekly_sets: float = 6.0
    # Score terms (RECOVERY.md step 2).
    due_bonus: float = 15.0
    repeat_penalty: float = 20.0
    repeat_window: timedelta = timedelta(hours=48)
    schedule_bonus: float = 5.0
    # Reasons name at most this many muscles, so they stay one readable line.
    muscles_per_reason: int = 2

    def weekly_target(self, muscle: str) -> float:
        return self.major_weekly_sets if muscle in self.major_muscles else self.minor_weekly_sets


DEFAULT_RANKING = RankingConstants()


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


RESTED = MuscleReadiness(recovery_score=100.0)


@dataclass(frozen=True)
class RankedTarget:
    muscle: str
    role: Role
    recovery_score: float


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


def _percent(score: float) -> str:
    # Rounded down, so a reason never shows 30% for a muscle excluded for being under 30%.
    return f"{math.floor(score)}%"


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
    scheduled: bool

    def order(self) -> tuple[float, float, float, int, str]:
        """Best first: score, then the weakest target, then the staler workout, then id."""
        workout = self.candidate.workout
        return (-self.score, -self.min_recovery, -self.hours_since_done, workout.id, workout.key[0])


def _score(candidate: Candidate, today: _Today, hours_since_done: float, scheduled: bool) -> float:
    c = today.constants
    targets = candidate.targets
    total_weight = sum(t.weight for t in targets)
    recovered = sum(t.weight * today.muscle(t.muscle).recovery_score for t in targets)
    due = sum(
        t.weight
        * max(0.0, 1.0 - today.muscle(t.muscle).sets_last_7_days / c.weekly_target(t.muscle))
        for t in targets
    )
    score = (recovered + c.due_bonus * due) / total_weight
    if today.done_recently(hours_since_done):
        score -= c.repeat_penalty
    return score + (c.schedule_bonus if scheduled else 0.0)


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
        week = "no sets this week"
    elif len(set(counts)) == 1:
        week = f"{_sets(counts[0])} this week" + (" each" if len(counts) > 1 else "")
    else:
        week = f"{_join([f'{n:g}' for n in counts[:-1]] + [_sets(counts[-1])])} this week"
    return reason + f" — last trained {_span(today.now - max(trained))} ago ({week})"


def _reasons(scored: _Scored, today: _Today) -> tuple[str, ...]:
    c = today.constants
    targets = scored.candidate.targets
    primary = [t for t in targets if t.role == "primary"] or list(targets)
    reasons = ["Scheduled for today in your program"] if scored.scheduled else []
    reasons.append(_recovery_reason(primary[: c.muscles_per_reason], today))
    behind = [
        f"{_name(t.muscle)} {today.muscle(t.muscle).sets_last_7_days:g} of "
        f"{_sets(c.weekly_target(t.muscle))}"
        for t in primary
        if today.muscle(t.muscle).sets_last_7_days <= c.weekly_target(t.muscle) / 2
    ]
    if behind:
        reasons.append(f"Behind on weekly volume: {_join(behind[: c.muscles_per_reason])}")
    if today.done_recently(scored.hours_since_done):
        ago = _span(timedelta(hours=scored.hours_since_done))
        reasons.append(f"You did this workout {ago} ago")
    strained = [
        f"{_name(t.muscle)} is only {_percent(today.muscle(t.muscle).recovery_score)}"
        for t in targets
        if t.role == "secondary" and today.muscle(t.muscle).recovery_score < c.recovery_threshold
    ]
    if strained:
        reasons.append(f"Go easy: the assisting {_join(strained)} recovered")
    return tuple(reasons)


def _recommendation(rank: int, scored: _Scored, today: _Today) -> Recommendation:
    targets = scored.candidate.targets
    states = {t.muscle: today.muscle(t.muscle) for t in targets}
    return Recommendation(
        rank=rank,
        workout=scored.candidate.workout,
        score=scored.score,
        target_muscles=tuple(
            RankedTarget(t.muscle, t.role, states[t.muscle].recovery_score) for t in targets
        ),
        reasons=_reasons(scored, today),
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
    limit: int = 3,
    constants: RankingConstants = DEFAULT_RANKING,
) -> Ranking:
    """Exclude, score, rank and explain workouts; muscles missing from `recovery` are rested."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    today = _Today(recovery, now, constants)
    done = last_done or {}
    # One fixed order of candidates and targets makes every sum and every tie independent of
    # the order the caller happened to load them in.
    pool = sorted(
        (Candidate(c.workout, display_order(c.targets)) for c in candidates),
        key=lambda c: (c.workout.id, c.workout.key[0]),
    )
    if len({c.workout.key for c in pool}) != len(pool):
        raise ValueError("a workout appears twice among the candidates")
    if any(len({t.muscle for t in c.targets}) != len(c.targets) for c in pool):
        raise ValueError("a muscle appears twice among a workout's targets")
    excluded: list[Exclusion] = []
    scored: list[_Scored] = []
    for candidate in pool:
        if not candidate.targets:
            reason = "Has no exercises with target muscles to judge recovery by"
            excluded.append(Exclusion(candidate.workout, reason))
            continue
        below = sorted(
            (
                t.muscle
                for t in candidate.targets
                if t.role == "primary"
                and today.muscle(t.muscle).recovery_score < constants.recovery_threshold
            ),
            key=lambda m: (today.muscle(m).recovery_score, m),
        )
        if below:
            excluded.append(Exclusion(candidate.workout, _exclusion_reason(below, today)))
            continue
        last = done.get(candidate.workout.key)
        since = math.inf if last is None else max((now - last) / timedelta(hours=1), 0.0)
        is_scheduled = candidate.workout.key == scheduled
        scored.append(
            _Scored(
                candidate=candidate,
                score=_score(candidate, today, since, is_scheduled),
                min_recovery=min(today.muscle(t.muscle).recovery_score for t in candidate.targets),
                hours_since_done=since,
                scheduled=is_scheduled,
            )
        )
    scored.sort(key=_Scored.order)
    recommendations = tuple(
        _recommendation(rank, s, today) for rank, s in enumerate(scored[:limit], start=1)
    )
    return Ranking(recommendations=recommendations, excluded=tuple(excluded))
