"""Per-muscle fatigue and recovery: the pure model of RECOVERY.md (no I/O, no ORM).

The service keeps one `MuscleState` per user and muscle, folds new sets in with `apply_set`,
overrides it with `checkin_state`, rebuilds it with `recompute` when history changes, and
renders `muscle_report`. Times are aware datetimes (UTC); durations inside are hours.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property
from itertools import pairwise
from types import MappingProxyType
from typing import Literal

from gravl.auth.schemas import Experience
from gravl.history.sets import SetType
from gravl.vocabulary import MUSCLE_GROUPS, MUSCLE_SLUGS

Status = Literal["ready", "recovering", "fatigued"]


def _catalog_recovery_hours() -> Mapping[str, float]:
    return MappingProxyType({m.slug: float(m.recovery_hours) for m in MUSCLE_GROUPS})


@dataclass(frozen=True)
class RecoveryConstants:
    """Every number of the model; settings override fields with `dataclasses.replace`."""

    # Stimulus of one set by RPE, linear between the points (RECOVERY.md's table: a set at
    # RPE 9 is the unit; sets far from failure stimulate little, sets at or near failure
    # disproportionately more - Morán-Navarro 2017).
    effort_by_rpe: tuple[tuple[float, float], ...] = (
        (5.0, 0.35), (5.5, 0.42), (6.0, 0.5), (6.5, 0.6), (7.0, 0.7), (7.5, 0.78),
        (8.0, 0.85), (8.5, 0.92), (9.0, 1.0), (9.5, 1.2), (10.0, 1.5),
    )  # fmt: skip
    effort_without_rpe: float = 0.85  # RECOVERY.md: an unrated set is taken as RPE 8
    failure_rpe: float = 10.0  # RECOVERY.md: a set to failure counts as RPE 10
    # Timed sets without reps (cardio, planks): 0.5 per 10 minutes, clamped (RECOVERY.md).
    duration_effort_per_10_min: float = 0.5
    duration_effort_min: float = 0.2
    duration_effort_max: float = 3.0
    # Indirect (secondary) sets count half (Pelland et al. 2024 meta-regression).
    primary_role_weight: float = 1.0
    secondary_role_weight: float = 0.5
    # Repeated-bout effect: unaccustomed work damages more (RECOVERY.md).
    novelty_factor: float = 1.3
    novelty_window: timedelta = timedelta(weeks=6)
    # Reference session: ten sets at effort 1.0 leave a muscle at 10% (RECOVERY.md), which
    # fixes F_ref = 10 / ln 10.
    reference_session_fatigue: float = 10.0
    reference_session_score: float = 10.0
    # T_m: hours for the reference session to recover to 90%, per muscle. The catalog's
    # muscle table is their one home (it cites the sources, and the API shows the same hours).
    recovery_hours: Mapping[str, float] = field(default_factory=_catalog_recovery_hours)
    # Profile multipliers on T_m (RECOVERY.md).
    experience_multipliers: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {"beginner": 1.2, "intermediate": 1.0, "advanced": 0.85}
        )
    )
    # Status thresholds on the unrounded score (RECOVERY.md; 30 is ORIGIN.md's threshold).
    ready_score: float = 90.0
    fatigued_below: float = 30.0
    # Older sets keep < 0.1% of their stimulus, so a recompute ignores them (RECOVERY.md).
    recompute_horizon: timedelta = timedelta(days=21)
    # ORIGIN.md's 7-day analysis window for sets_last_7_days.
    sets_window: timedelta = timedelta(days=7)
    # Check-in: soreness 0-10 maps to the score 100 - 8 * soreness (RECOVERY.md).
    checkin_points_per_soreness: float = 8.0
    max_soreness: float = 10.0
    # Personal multiplier k on tau and its learning rule (RECOVERY.md).
    k_min: float = 0.6
    k_max: float = 1.6
    ratio_min: float = 0.5
    ratio_max: float = 2.0
    k_memory: float = 0.8  # weight of the old k; the check-in's evidence gets the rest
    learn_below_predicted: float = 99.0  # a predicted score >= this teaches nothing

    def __post_init__(self) -> None:
        missing = MUSCLE_SLUGS - set(self.recovery_hours)
        if missing:
            raise ValueError(f"recovery_hours lacks {sorted(missing)}")

    @cached_property  # on every score: computed once per constants object
    def f_ref(self) -> float:
        """Fatigue at which the score is 100/e: 10 / ln 10 by default."""
        return self.reference_session_fatigue / math.log(100.0 / self.reference_session_score)

    @cached_property
    def tau_divisor(self) -> float:
        """T_m / tau: ln(ln 10 / ln(10/9)) ~ 3.0844 by default."""
        return math.log(self.reference_session_fatigue / fatigue_for_score(self.ready_score, self))


DEFAULT_CONSTANTS = RecoveryConstants()


@dataclass(frozen=True)
class SetRecord:
    """One performed set, as the model sees it."""

    performed_at: datetime
    exercise_id: int
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    reps: int | None
    rpe: float | None
    set_type: SetType
    duration_s: int | None
    novel: bool
    log_id: int | None = None


@dataclass(frozen=True)
class CheckIn:
    """A lifter's soreness report (0-10) for one muscle."""

    at: datetime
    muscle: str
    soreness: float


@dataclass(frozen=True)
class MuscleState:
    """Fatigue F at time `at`; k is the personal multiplier on tau in force from `at` on."""

    fatigue: float
    at: datetime
    k: float = 1.0
    last_trained_at: datetime | None = None


@dataclass(frozen=True)
class MuscleReport:
    muscle: str
    recovery_score: float  # unrounded; the API rounds to one decimal
    status: Status
    last_trained_at: datetime | None
    sets_last_7_days: float
    ready_at: datetime | None


def _hours(since: datetime, until: datetime) -> float:
    return (until - since).total_seconds() / 3600.0


def recovery_score(fatigue: float, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> float:
    """Map fatigue to the 0-100 score: 100 * exp(-F / F_ref)."""
    return 100.0 * math.exp(-max(fatigue, 0.0) / constants.f_ref)


def fatigue_for_score(score: float, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> float:
    """Invert `recovery_score`: F = F_ref * ln(100 / score)."""
    if not 0.0 < score <= 100.0:
        raise ValueError(f"score must be in (0, 100], got {score}")
    return constants.f_ref * math.log(100.0 / score)


def status(score: float, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> Status:
    """The status of the score as displayed (one decimal, as the API rounds it), so a muscle
    shown at 90.0 is never "recovering" nor one shown at 30.0 "fatigued" (issue 16)."""
    shown = round(score, 1)
    if shown >= constants.ready_score:
        return "ready"
    return "fatigued" if shown < constants.fatigued_below else "recovering"


def _effort_for_rpe(rpe: float, table: Sequence[tuple[float, float]]) -> float:
    if rpe <= table[0][0]:
        return table[0][1]
    for (low_rpe, low), (high_rpe, high) in pairwise(table):
        if rpe <= high_rpe:
            return low + (high - low) * (rpe - low_rpe) / (high_rpe - low_rpe)
    return table[-1][1]


def effort(
    rpe: float | None,
    set_type: SetType,
    reps: int | None,
    duration_s: int | None,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> float:
    """Return how hard one set was, before role and novelty."""
    c = constants
    if set_type == "warmup":
        return 0.0
    if not reps and duration_s:
        per_10_min = c.duration_effort_per_10_min * duration_s / 600.0
        return min(max(per_10_min, c.duration_effort_min), c.duration_effort_max)
    if set_type == "failure":
        return _effort_for_rpe(c.failure_rpe, c.effort_by_rpe)
    if rpe is None:
        return c.effort_without_rpe
    return _effort_for_rpe(rpe, c.effort_by_rpe)


def stimulus(s: SetRecord, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> dict[str, float]:
    """Return x(s, m) for every muscle the set loads (empty for a warm-up)."""
    base = effort(s.rpe, s.set_type, s.reps, s.duration_s, constants)
    if base == 0.0:
        return {}
    base *= constants.novelty_factor if s.novel else 1.0
    loads = dict.fromkeys(s.secondary, base * constants.secondary_role_weight)
    loads.update(dict.fromkeys(s.primary, base * constants.primary_role_weight))
    return loads


def tau_hours(
    muscle: str,
    experience: Experience = "intermediate",
    k: float = 1.0,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> float:
    """Return the decay time constant: k * experience multiplier * T_m / ln(ln 10 / ln(10/9))."""
    hours = constants.recovery_hours[muscle] * constants.experience_multipliers[experience]
    return k * hours / constants.tau_divisor


def decay(state: MuscleState, to: datetime, tau: float) -> MuscleState:
    """Return the state at `to` when nothing happens in between."""
    return replace(state, fatigue=_decayed(state, to, tau), at=to)


def apply_set(state: MuscleState, x: float, at: datetime, tau: float) -> MuscleState:
    """Fold one set's stimulus in at `at` (not before the state's time)."""
    decayed = decay(state, at, tau)
    trained = at if x > 0 else state.last_trained_at
    return replace(decayed, fatigue=decayed.fatigue + x, last_trained_at=trained)


def checkin_score(soreness: float, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> float:
    """Return the score a soreness report stands for: 100 - 8 * soreness."""
    if not 0.0 <= soreness <= constants.max_soreness:
        raise ValueError(f"soreness must be in [0, {constants.max_soreness}], got {soreness}")
    return 100.0 - constants.checkin_points_per_soreness * soreness


def updated_k(
    k: float, predicted: float, reported: float, constants: RecoveryConstants = DEFAULT_CONSTANTS
) -> float:
    """Learn k from a check-in: ratio of log-fatigues, smoothed and clamped."""
    c = constants
    if predicted >= c.learn_below_predicted or reported >= 100.0:
        return k
    # ln(100/P) underflows to +inf only when P is 0, where the ratio's limit is 0.
    ratio = math.log(100.0 / reported) / math.log(100.0 / predicted) if predicted > 0 else 0.0
    ratio = min(max(ratio, c.ratio_min), c.ratio_max)
    return min(max(c.k_memory * k + (1.0 - c.k_memory) * k * ratio, c.k_min), c.k_max)


def checkin_state(
    state: MuscleState,
    checkin: CheckIn,
    tau: float,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> MuscleState:
    """Override the state with the lifter's report and learn k for what follows."""
    predicted = recovery_score(decay(state, checkin.at, tau).fatigue, constants)
    reported = checkin_score(checkin.soreness, constants)
    return replace(
        state,
        fatigue=fatigue_for_score(reported, constants),
        at=checkin.at,
        k=updated_k(state.k, predicted, reported, constants),
    )


def _event_order(event: SetRecord | CheckIn) -> tuple[datetime, int, float]:
    # A check-in at the same instant as a set reports the state after that set; two check-ins
    # at one instant need some fixed order, and the sorer report last is as good as any.
    if isinstance(event, CheckIn):
        return (event.at, 1, event.soreness)
    return (event.performed_at, 0, 0.0)


def _concerns(event: SetRecord | CheckIn, muscle: str) -> bool:
    if isinstance(event, CheckIn):
        return event.muscle == muscle
    return muscle in event.primary or muscle in event.secondary


def recompute(
    events: Iterable[SetRecord | CheckIn],
    muscle: str,
    until: datetime,
    *,
    experience: Experience = "intermediate",
    start: MuscleState | None = None,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> MuscleState:
    """Rebuild one muscle's state at `until` from its history, given in any order.

    Only events after `start.at`, inside the recompute horizon and not after `until` count.
    `start` defaults to a rested muscle with k = 1 at the horizon's start; pass the k in force
    then (and the last training before it) to keep what earlier check-ins taught.
    """
    horizon_start = until - constants.recompute_horizon
    anchor = start or MuscleState(fatigue=0.0, at=horizon_start)
    if anchor.at > until:
        raise ValueError("start is after until")
    earliest = max(anchor.at, horizon_start)
    relevant = sorted(
        (e for e in events if earliest < _event_order(e)[0] <= until and _concerns(e, muscle)),
        key=_event_order,
    )
    # The closed form F(t) = F_a e^(-(t - t_a)/tau) + sum x_s e^(-(t - t_s)/tau) over each
    # stretch between check-ins, rather than folding, so it also checks `apply_set`.
    loads: list[tuple[datetime, float]] = []

    def fatigue_at(t: datetime, anchor: MuscleState) -> float:
        tau = tau_hours(muscle, experience, anchor.k, constants)
        total = anchor.fatigue * math.exp(-_hours(anchor.at, t) / tau)
        return total + sum(x * math.exp(-_hours(at, t) / tau) for at, x in loads)

    last_trained = anchor.last_trained_at
    for event in relevant:
        if isinstance(event, CheckIn):
            predicted = recovery_score(fatigue_at(event.at, anchor), constants)
            reported = checkin_score(event.soreness, constants)
            anchor = MuscleState(
                fatigue=fatigue_for_score(reported, constants),
                at=event.at,
                k=updated_k(anchor.k, predicted, reported, constants),
            )
            loads.clear()
            continue
        x = stimulus(event, constants).get(muscle, 0.0)
        if x > 0:
            loads.append((event.performed_at, x))
            last_trained = event.performed_at
    return MuscleState(fatigue_at(until, anchor), until, anchor.k, last_trained)


def ready_at(
    state: MuscleState,
    now: datetime,
    tau: float,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> datetime | None:
    """Return when the score reaches `ready_score` without new sets (None when it has)."""
    return _ready_after(_decayed(state, now, tau), now, tau, constants)


def _decayed(state: MuscleState, to: datetime, tau: float) -> float:
    """`decay(state, to, tau).fatigue` without building the state (the hot read path)."""
    elapsed = _hours(state.at, to)
    if elapsed < 0:
        raise ValueError("cannot decay a state backwards in time; recompute instead")
    return state.fatigue * math.exp(-elapsed / tau)


def _ready_after(
    fatigue: float, now: datetime, tau: float, constants: RecoveryConstants
) -> datetime | None:
    if recovery_score(fatigue, constants) >= constants.ready_score:
        return None
    ready_fatigue = fatigue_for_score(constants.ready_score, constants)
    return now + timedelta(hours=max(tau * math.log(fatigue / ready_fatigue), 0.0))


def effective_sets(
    sets: Iterable[SetRecord],
    muscle: str,
    window_start: datetime,
    window_end: datetime,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
    counts: Callable[[SetRecord], bool] | None = None,
) -> float:
    """Count sets in (window_start, window_end]: primary 1, secondary 0.5, warm-ups 0; only
    those ``counts`` accepts, when given (the hard sets of gravl.recommendations.volume)."""
    total = 0.0
    for s in sets:
        if s.set_type == "warmup" or not window_start < s.performed_at <= window_end:
            continue
        if counts is not None and not counts(s):
            continue
        if muscle in s.primary:
            total += constants.primary_role_weight
        elif muscle in s.secondary:
            total += constants.secondary_role_weight
    return total


def mark_novelty(
    sets: Sequence[SetRecord],
    previous_done: Mapping[int, datetime],
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> list[SetRecord]:
    """Set `novel` on each set, keeping the order.

    `previous_done[exercise_id]` is the exercise's latest performance before every set given
    (absent: never). Sets at the same instant (one log) are one exposure, so they share it.
    """
    done: dict[int, list[datetime]] = {}
    for s in sets:
        done.setdefault(s.exercise_id, []).append(s.performed_at)
    for exercise_id, times in done.items():
        if exercise_id in previous_done:
            times.append(previous_done[exercise_id])
        times.sort()
    marked = []
    for s in sets:
        times = done[s.exercise_id]
        earlier = bisect.bisect_left(times, s.performed_at)
        last = times[earlier - 1] if earlier else None
        novel = last is None or last < s.performed_at - constants.novelty_window
        marked.append(replace(s, novel=novel))
    return marked


def main_cause(
    sets: Iterable[SetRecord],
    muscle: str,
    at: datetime,
    tau: float,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> SetRecord | None:
    """Return a set of the exercise session whose stimulus weighs most on `muscle` at `at`."""
    remaining: dict[tuple[int, datetime], tuple[float, SetRecord]] = {}
    for s in sets:
        x = stimulus(s, constants).get(muscle, 0.0)
        if x == 0.0 or s.performed_at > at:
            continue
        key = (s.exercise_id, s.performed_at)
        weight, first = remaining.get(key, (0.0, s))
        remaining[key] = (weight + x * math.exp(-_hours(s.performed_at, at) / tau), first)
    if not remaining:
        return None
    # Ties go to the most recent session: it is what the lifter remembers.
    _, best = max(remaining.values(), key=lambda item: (item[0], item[1].performed_at))
    return best


def muscle_report(
    muscle: str,
    state: MuscleState,
    at: datetime,
    recent_sets: Iterable[SetRecord],
    *,
    experience: Experience = "intermediate",
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> MuscleReport:
    """Describe one muscle at `at` from its state (not later than `at`) and its recent sets."""
    tau = tau_hours(muscle, experience, state.k, constants)
    fatigue = _decayed(state, at, tau)
    score = recovery_score(fatigue, constants)
    return MuscleReport(
        muscle=muscle,
        recovery_score=score,
        status=status(score, constants),
        last_trained_at=state.last_trained_at,
        sets_last_7_days=effective_sets(
            recent_sets, muscle, at - constants.sets_window, at, constants
        ),
        ready_at=_ready_after(fatigue, at, tau, constants),
    )
