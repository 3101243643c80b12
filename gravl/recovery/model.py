"""Per-muscle fatigue and recovery: the pure model of RECOVERY.md (no I/O, no ORM).

The service keeps one `MuscleState` per user and muscle, folds new sets in with `apply_set`,
overrides it with `checkin_state`, rebuilds it with `recompute` when history changes, and
renders `muscle_report`. Times are aware datetimes (UTC); durations inside are hours.
"""

from __future__ import annotations

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
from gravl.stats.e1rm import RPE_PERCENT_OF_1RM, summarise_sets
from gravl.vocabulary import TRACKED, TRACKED_SLUGS

Status = Literal["ready", "recovering", "fatigued"]


def _catalog_recovery_hours() -> Mapping[str, float]:
    return MappingProxyType({m.slug: float(m.recovery_hours) for m in TRACKED})


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
    # A set without RPE is rated from its load against the lifter's best e1RM for the exercise
    # (FORMATS.md's RPE chart, extended below 68% by its last step), or from its reps against
    # their best unweighted set; with no history, as RPE 8 (RECOVERY.md's default).
    effort_without_rpe: float = 0.85
    failure_rpe: float = 10.0  # RECOVERY.md: a set to failure counts as RPE 10
    # The chart's last step (11 -> 12 reps: 70.7% -> 68.0%), used past 12 reps.
    percent_per_rep_past_chart: float = 2.7
    # Reps at one effort: a single is about half a set of 5-15, and sets of many reps to the
    # same RPE cost more (Morán-Navarro 2017: 3x10 to failure took longer to recover than
    # 6x5 with reps left; Pareja-Blanco 2017, velocity-loss studies: fatigue grows with the
    # share of a set's possible reps done). Linear between the points, flat past the last.
    rep_factor: tuple[tuple[float, float], ...] = ((1.0, 0.6), (5.0, 1.0), (15.0, 1.0), (35.0, 1.4))
    # A drop set continues the set before it at a lighter load: half a set, in fatigue and in
    # the weekly count (Gravl's choice; drop sets roughly match the growth of normal sets at
    # about half the time: Coleman et al. 2022, Fink et al. 2018).
    drop_set_weight: float = 0.5
    # Cardio (catalog category cardio): fatigue per 10 minutes by RPE, linear between the
    # points. Easy work costs next to nothing, hard intervals much more than easy steady work
    # of the same length; a session adds at most `cardio_effort_max` (Gravl's calibration: a
    # 60-minute walk leaves quadriceps >= 90, 10 minutes of all-out rowing intervals count
    # like a hard set). Unrated cardio faster than walking is taken as RPE 6, at walking pace
    # (under 6.5 km/h) as RPE 3.
    cardio_effort_per_10_min: tuple[tuple[float, float], ...] = (
        (4.0, 0.02), (5.0, 0.06), (6.0, 0.12), (7.0, 0.2), (8.0, 0.35), (9.0, 0.55), (10.0, 0.8),
    )  # fmt: skip
    cardio_effort_max: float = 3.0
    cardio_default_rpe: float = 6.0
    walking_pace_kmh: float = 6.5
    walking_rpe: float = 3.0
    # Indirect (secondary) sets count half (Pelland et al. 2024 meta-regression).
    primary_role_weight: float = 1.0
    secondary_role_weight: float = 0.5
    # Repeated-bout effect: unaccustomed work damages more, and the protection fades over
    # weeks to months (Nosaka et al. 1991, 2001; McHugh 2003). The factor rises smoothly with
    # the time since the exercise, or one with the same main muscles, was last done:
    # 1 + 0.3 (1 - exp(-(gap / 6 weeks)^2)): 1.01 after a week, 1.19 after six, 1.3 after
    # four months. Work never done in Gravl is taken as last done `novelty_assumed_gap` ago
    # for the declared experience (a beginner's is new; an intermediate's is familiar).
    novelty_max: float = 1.3
    novelty_fade: timedelta = timedelta(weeks=6)
    novelty_assumed_gap: Mapping[str, timedelta | None] = field(
        default_factory=lambda: MappingProxyType(
            {"beginner": None, "intermediate": timedelta(days=14), "advanced": timedelta(days=7)}
        )
    )
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
    # ORIGIN.md's 7-day analysis window for sets_last_7_days (hard sets only).
    sets_window: timedelta = timedelta(days=7)
    hard_rpe: float = 6.0  # a set at RPE 6 or more counts in the weekly sets
    # Check-in: soreness 0-10 stands for the score 100 - 8 * soreness (RECOVERY.md), and moves
    # the fatigue that share of the way from the model's to the reported one: the lifter and
    # the model weigh the same, and repeated reports converge on what is felt (issue 17).
    checkin_points_per_soreness: float = 8.0
    max_soreness: float = 10.0
    checkin_weight: float = 0.5
    # Personal multiplier k on tau and its learning rule (RECOVERY.md).
    k_min: float = 0.6
    k_max: float = 1.6
    ratio_min: float = 0.5
    ratio_max: float = 2.0
    k_memory: float = 0.8  # weight of the old k; the check-in's evidence gets the rest
    learn_below_predicted: float = 99.0  # a predicted score >= this teaches nothing

    def __post_init__(self) -> None:
        missing = TRACKED_SLUGS - set(self.recovery_hours)
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


# What kind of work an exercise is, from its catalog category: mobility (stretching, foam
# rolling) adds nothing, cardio is rated by time and intensity, everything else is lifting.
Kind = Literal["strength", "cardio", "mobility"]


def kind_of(category: str | None) -> Kind:
    """The kind of work of a catalog category."""
    if category == "stretching":
        return "mobility"
    return "cardio" if category == "cardio" else "strength"


@dataclass(frozen=True)
class SetRecord:
    """One performed set, as the model sees it.

    ``novelty``, ``best_e1rm_kg`` and ``best_reps`` come from the lifter's history before the
    set's log (`annotate`): the repeated-bout factor, and the bests an unrated set is rated
    against.
    """

    performed_at: datetime
    exercise_id: int
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    reps: int | None
    rpe: float | None
    set_type: SetType
    duration_s: int | None
    novelty: float = 1.0
    log_id: int | None = None
    weight_kg: float | None = None
    distance_m: float | None = None
    kind: Kind = "strength"
    best_e1rm_kg: float | None = None
    best_reps: int | None = None


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
    heads: tuple[MuscleReport, ...] = ()  # shoulders: its three heads (`group_report`)


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


def _interpolate(x: float, table: Sequence[tuple[float, float]]) -> float:
    """The table's value at ``x``, linear between its points and flat beyond its ends."""
    if x <= table[0][0]:
        return table[0][1]
    for (low_x, low), (high_x, high) in pairwise(table):
        if x <= high_x:
            return low + (high - low) * (x - low_x) / (high_x - low_x)
    return table[-1][1]


def _reps_at_percent(percent: float, constants: RecoveryConstants) -> float:
    """Reps to failure at ``percent`` of the one-rep max: FORMATS.md's RPE chart inverted."""
    chart = sorted(RPE_PERCENT_OF_1RM.items())
    if percent >= chart[0][1]:
        return 1.0
    for (low_reps, high_pct), (high_reps, low_pct) in pairwise(chart):
        if percent >= low_pct:
            return low_reps + (high_pct - percent) / (high_pct - low_pct) * (high_reps - low_reps)
    last_reps, last_pct = chart[-1]
    return last_reps + (last_pct - percent) / constants.percent_per_rep_past_chart


def rated_rpe(s: SetRecord, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> float | None:
    """The RPE the model takes for a lifting set: stated, 10 for failure, or estimated from
    load (against ``best_e1rm_kg``) or reps (against ``best_reps``); None when unknown."""
    if s.set_type == "failure":
        return constants.failure_rpe
    if s.rpe is not None:
        return s.rpe
    if not s.reps:
        return None
    if s.weight_kg and s.weight_kg > 0:
        if not s.best_e1rm_kg:
            return None
        possible = _reps_at_percent(100.0 * s.weight_kg / s.best_e1rm_kg, constants)
    elif s.best_reps:
        possible = float(s.best_reps)
    else:
        return None
    return min(max(10.0 - (possible - s.reps), 1.0), 10.0)


def _cardio_effort(s: SetRecord, constants: RecoveryConstants) -> float:
    c = constants
    rpe = s.rpe if s.set_type != "failure" else c.failure_rpe
    if rpe is None:
        walking = (
            s.distance_m is not None
            and s.duration_s
            and s.distance_m / s.duration_s * 3.6 < c.walking_pace_kmh
        )
        rpe = c.walking_rpe if walking else c.cardio_default_rpe
    per_10_min = _interpolate(rpe, c.cardio_effort_per_10_min)
    return min(per_10_min * (s.duration_s or 0) / 600.0, c.cardio_effort_max)


def effort(s: SetRecord, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> float:
    """Return how hard one set was, before role and novelty.

    Lifting: the RPE table at the rated RPE (`rated_rpe`; RPE 8 when unknown), times the rep
    factor, halved for a drop set. A hold (time, no reps) is one set at its RPE. Cardio: by
    time and intensity. Warm-ups and mobility: nothing.
    """
    c = constants
    if s.set_type == "warmup" or s.kind == "mobility":
        return 0.0
    if s.kind == "cardio" and s.duration_s and not s.reps:
        return _cardio_effort(s, c)
    rpe = rated_rpe(s, c)
    base = c.effort_without_rpe if rpe is None else _interpolate(rpe, c.effort_by_rpe)
    reps = s.reps if s.reps else 5 if s.duration_s else 1  # a hold is a set; a miss, one rep
    base *= _interpolate(float(reps), c.rep_factor)
    return base * (c.drop_set_weight if s.set_type == "drop" else 1.0)


def stimulus(s: SetRecord, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> dict[str, float]:
    """Return x(s, m) for every muscle the set loads (empty for a warm-up)."""
    base = effort(s, constants)
    if base == 0.0:
        return {}
    base *= s.novelty
    loads = dict.fromkeys(s.secondary, base * constants.secondary_role_weight)
    loads.update(dict.fromkeys(s.primary, base * constants.primary_role_weight))
    return loads


def hard_set_weight(s: SetRecord, constants: RecoveryConstants = DEFAULT_CONSTANTS) -> float:
    """How much the set counts in the weekly sets: 1 for a lifting set at RPE 6 or more (an
    unknown RPE is taken as 8), ½ for a drop set, 0 for warm-ups, easier sets, cardio and
    mobility."""
    if s.set_type == "warmup" or s.kind != "strength" or not (s.reps or s.duration_s):
        return 0.0
    rpe = rated_rpe(s, constants)
    if rpe is not None and rpe < constants.hard_rpe:
        return 0.0
    return constants.drop_set_weight if s.set_type == "drop" else 1.0


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
    """Move the state toward the lifter's report and learn k for what follows."""
    fatigue = decay(state, checkin.at, tau).fatigue
    predicted = recovery_score(fatigue, constants)
    reported = checkin_score(checkin.soreness, constants)
    return replace(
        state,
        fatigue=blended_fatigue(fatigue, reported, constants),
        at=checkin.at,
        k=updated_k(state.k, predicted, reported, constants),
    )


def blended_fatigue(
    predicted_fatigue: float, reported: float, constants: RecoveryConstants = DEFAULT_CONSTANTS
) -> float:
    """The fatigue after a check-in: `checkin_weight` of the way from the model's fatigue to
    the one the reported score stands for."""
    w = constants.checkin_weight
    return (1.0 - w) * predicted_fatigue + w * fatigue_for_score(reported, constants)


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
            fatigue = fatigue_at(event.at, anchor)
            predicted = recovery_score(fatigue, constants)
            reported = checkin_score(event.soreness, constants)
            anchor = MuscleState(
                fatigue=blended_fatigue(fatigue, reported, constants),
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
    muscle: str | frozenset[str],
    window_start: datetime,
    window_end: datetime,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> float:
    """Count the hard sets in (window_start, window_end] (`hard_set_weight`): primary 1,
    secondary 0.5. For a group of muscles (``frozenset``), each set counts once, in the
    strongest role it has for any of them."""
    muscles = frozenset((muscle,)) if isinstance(muscle, str) else muscle
    total = 0.0
    for s in sets:
        if not window_start < s.performed_at <= window_end:
            continue
        if not muscles.isdisjoint(s.primary):
            role = constants.primary_role_weight
        elif not muscles.isdisjoint(s.secondary):
            role = constants.secondary_role_weight
        else:
            continue
        total += role * hard_set_weight(s, constants)
    return total


@dataclass(frozen=True)
class Prior:
    """What the lifter had done of one exercise before some moment."""

    last_done: datetime | None = None
    best_e1rm_kg: float | None = None
    best_reps: int | None = None


def novelty_factor(
    gap: timedelta | None,
    experience: Experience = "intermediate",
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> float:
    """The repeated-bout factor after ``gap`` without the work (None: never done in Gravl)."""
    c = constants
    if gap is None:
        gap = c.novelty_assumed_gap.get(experience)
        if gap is None:
            return c.novelty_max
    ratio = max(gap.total_seconds(), 0.0) / c.novelty_fade.total_seconds()
    return 1.0 + (c.novelty_max - 1.0) * (1.0 - math.exp(-(ratio**2)))


def annotate(
    sets: Sequence[SetRecord],
    priors: Mapping[int, Prior],
    variations: Callable[[int], Iterable[int]],
    experience: Experience = "intermediate",
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
    *,
    novelty: bool = True,
) -> list[SetRecord]:
    """Fill in each set's novelty and bests from what came before its log, keeping the order
    (without ``novelty``, the bests alone).

    ``priors[exercise_id]`` is the lifter's history of the exercise before every set given
    (absent: none); ``variations(exercise_id)`` the exercises that count as the same work for
    novelty (those with the same main muscles, itself included). Sets at the same instant (one
    log) are one exposure and are rated against the same bests.
    """
    logs: dict[tuple[datetime, int], list[SetRecord]] = {}
    for s in sets:
        logs.setdefault((s.performed_at, s.exercise_id), []).append(s)
    last_done = {i: p.last_done for i, p in priors.items() if p.last_done is not None}
    best_e1rm = {i: p.best_e1rm_kg for i, p in priors.items() if p.best_e1rm_kg}
    best_reps = {i: p.best_reps for i, p in priors.items() if p.best_reps}
    marked: dict[tuple[datetime, int], list[SetRecord]] = {}
    for (performed_at, exercise_id), group in sorted(logs.items(), key=lambda item: item[0]):
        done = [last_done[i] for i in variations(exercise_id) if i in last_done]
        previous = [t for t in done if t < performed_at]
        gap = performed_at - max(previous) if previous else None
        factor = novelty_factor(gap, experience, constants) if novelty else None
        marked[(performed_at, exercise_id)] = [
            replace(
                s,
                novelty=s.novelty if factor is None else factor,
                best_e1rm_kg=best_e1rm.get(exercise_id),
                best_reps=best_reps.get(exercise_id),
            )
            for s in group
        ]
        last_done[exercise_id] = performed_at
        _, log_best = summarise_sets(group)
        if log_best is not None and log_best > best_e1rm.get(exercise_id, 0.0):
            best_e1rm[exercise_id] = log_best
        unweighted = [
            s.reps for s in group if s.reps and not s.weight_kg and s.set_type != "warmup"
        ]
        if unweighted and max(unweighted) > best_reps.get(exercise_id, 0):
            best_reps[exercise_id] = max(unweighted)
    cursor = {key: iter(group) for key, group in marked.items()}
    return [next(cursor[(s.performed_at, s.exercise_id)]) for s in sets]


def main_cause(
    sets: Iterable[SetRecord],
    muscle: str,
    at: datetime,
    tau: float,
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
    *,
    stimulus_of: Callable[[SetRecord], dict[str, float]] | None = None,
) -> SetRecord | None:
    """Return a set of the exercise session whose stimulus weighs most on `muscle` at `at`.

    ``stimulus_of`` may remember each set's `stimulus` across the muscles a caller asks about.
    """
    remaining: dict[tuple[int, datetime], tuple[float, SetRecord]] = {}
    for s in sets:
        x = (stimulus_of(s) if stimulus_of else stimulus(s, constants)).get(muscle, 0.0)
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


def group_report(
    group: str,
    parts: Sequence[MuscleReport],
    at: datetime,
    recent_sets: Iterable[SetRecord],
    constants: RecoveryConstants = DEFAULT_CONSTANTS,
) -> MuscleReport:
    """A muscle group from the tracked muscles it is made of (shoulders from its heads).

    The group is as recovered as its most tired part, and ready when every part is; its
    weekly sets count each set that loads any part once, in the strongest role it has.
    """
    tired = min(parts, key=lambda r: r.recovery_score)
    trained = [r.last_trained_at for r in parts if r.last_trained_at is not None]
    ready = [r.ready_at for r in parts if r.ready_at is not None]
    names = frozenset(r.muscle for r in parts)
    return MuscleReport(
        muscle=group,
        recovery_score=tired.recovery_score,
        status=tired.status,
        last_trained_at=max(trained, default=None),
        # Counted without a copy of each set relabelled for the group (was a fifth of a read).
        sets_last_7_days=effective_sets(
            recent_sets, names, at - constants.sets_window, at, constants
        ),
        ready_at=max(ready, default=None),
        heads=tuple(parts),
    )
