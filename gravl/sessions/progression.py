"""What to lift next: the targets of one exercise from its history (pure; docs/sessions.md).

Four rules, chosen per program and exercise (``choose_rule``):

- ``linear``, novice strength (Rippetoe, *Starting Strength*; StrongLifts 5×5): a session that
  hit every prescribed rep adds the increment; a miss repeats the weight; three misses in a
  row at one weight deload it by 10%.
- ``double``, rep ranges (Helms et al., *The Muscle and Strength Pyramid: Training*): reps rise
  by one a set to the top of the range, then the weight goes up and the reps start again at the
  bottom.
- ``rpe``, intermediates (Tuchscherer, *The Reactive Training Manual*): the load is the current
  e1RM times the RPE chart's share for the target reps at the target RPE (FORMATS.md's chart,
  ``gravl.stats.e1rm``).
- ``reps`` and ``time``, for body-weight work and timed holds: one more rep, or five seconds
  more.

Then, for every rule: after a break of two weeks or more the load drops (5% a week off, at
most 30%); a deload week of the plan, or a main muscle the fatigue model finds under its
threshold, takes 10% off (and a deload week 40% of the sets). Every number comes with a reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from gravl.history.sets import SetType
from gravl.stats.e1rm import estimate_1rm, percent_of_1rm

Rule = Literal["linear", "double", "rpe", "reps", "time"]
Rounding = Literal["nearest", "down", "up"]

LB_KG = 0.45359237
TIMED_CATEGORIES = frozenset({"cardio", "stretching"})
# Catalog equipment that puts no load on a scale (gravl.vocabulary.Equipment).
BODY_WEIGHT = frozenset({"body_only", "bands", "other", "foam_roll", "exercise_ball", ""})
# Increments (kg; the plate settings turn them into the next loadable weight): StrongLifts'
# 2.5 kg a session, 5 kg for the hip hinges (deadlifts, hip thrusts), which move the most.
INCREMENT_KG = 2.5
HINGE_INCREMENT_KG = 5.0
HINGE_MUSCLES = frozenset({"hamstrings", "glutes", "lower_back"})
FAILED_SESSIONS_BEFORE_DELOAD = 3
DELOAD_FACTOR = 0.9
DELOAD_SET_SHARE = 0.6
TARGET_RPE = 8.0
FIRST_TIME_RPE = 7.0
# A break of this many days or more makes the targets lighter: 5% a week off, at most 30%.
BREAK_DAYS = 14
BREAK_LOSS_PER_WEEK = 0.05
BREAK_FLOOR = 0.7
# The e1RM "now": the best estimate of the sessions within this many days of the latest one.
CURRENT_E1RM_DAYS = 14
HOLD_STEP_S = 5
FIRST_HOLD_S = 30


@dataclass(frozen=True)
class DoneSet:
    set_type: SetType
    reps: int | None
    weight_kg: float | None
    rpe: float | None = None
    duration_s: int | None = None

    @property
    def working(self) -> bool:
        return self.set_type != "warmup"


@dataclass(frozen=True)
class DoneSession:
    """One log of the exercise."""

    performed_at: datetime
    sets: tuple[DoneSet, ...]

    @property
    def working(self) -> tuple[DoneSet, ...]:
        return tuple(s for s in self.sets if s.working and s.set_type != "drop")

    @property
    def top_weight(self) -> float | None:
        weights = [s.weight_kg for s in self.working if s.weight_kg]
        return max(weights) if weights else None


@dataclass(frozen=True)
class Prescription:
    """What the workout asks: ``sets`` × ``reps`` with ``rest_seconds`` between."""

    sets: int
    reps: int
    rest_seconds: int


@dataclass(frozen=True)
class Lift:
    """The exercise, as progression sees it."""

    name: str
    equipment: str | None
    mechanic: str | None
    category: str
    primary: tuple[str, ...] = ()

    @property
    def timed(self) -> bool:
        return self.category in TIMED_CATEGORIES

    @property
    def loaded(self) -> bool:
        return (self.equipment or "").lower() not in BODY_WEIGHT

    @property
    def increment_kg(self) -> float:
        hinge = (
            self.mechanic == "compound"
            and bool(HINGE_MUSCLES & set(self.primary))
            and "quadriceps" not in self.primary
        )
        return HINGE_INCREMENT_KG if hinge else INCREMENT_KG


@dataclass(frozen=True)
class Context:
    """The lifter and the day, as far as one exercise's targets need them."""

    experience: str
    now: datetime
    units: str = "kg"
    program_progression: str = "auto"  # the program's: ``linear`` or ``auto``
    deload: str | None = None  # the plan's deload week, in words
    fatigued: str | None = None  # a main muscle under the threshold, in words


@dataclass(frozen=True)
class SetTarget:
    reps: int | None
    weight_kg: float | None
    rpe: float | None
    rest_seconds: int
    duration_s: int | None = None


@dataclass(frozen=True)
class ExercisePlan:
    rule: Rule
    sets: tuple[SetTarget, ...]
    reasons: tuple[str, ...]


class Loader:
    """Rounds weights to what the lifter can load (gravl.sessions.plates for the exercise)."""

    def __init__(
        self,
        load: Callable[[float, Rounding], float],
        heavier: Callable[[float], float],
    ) -> None:
        self.load = load
        self.heavier = heavier

    def up_from(self, weight_kg: float, increment_kg: float) -> float:
        """``weight_kg`` plus about ``increment_kg``, and never less than the next step."""
        target = self.load(weight_kg + increment_kg, "nearest")
        return target if target > weight_kg + 1e-6 else self.heavier(weight_kg)


def weight_text(weight_kg: float, units: str) -> str:
    if units == "lb":
        return f"{weight_kg / LB_KG:.1f}".rstrip("0").rstrip(".") + " lb"
    return f"{weight_kg:.2f}".rstrip("0").rstrip(".") + " kg"


def sets_text(done: Sequence[DoneSet], units: str) -> str:
    """``3×5 @ 100 kg``, ``5, 5, 4 @ 100 kg``, with the last set's RPE when rated."""
    reps = [s.reps or 0 for s in done]
    weights = {s.weight_kg for s in done if s.weight_kg}
    count = f"{len(reps)}×{reps[0]}" if len(set(reps)) == 1 else ", ".join(map(str, reps))
    if len(weights) == 1:
        count += f" @ {weight_text(weights.pop(), units)}"
    elif weights:
        count += f" @ up to {weight_text(max(weights), units)}"
    rated = [s.rpe for s in done if s.rpe is not None]
    return count + (f", RPE {rated[-1]:g}" if rated else "")


def choose_rule(
    lift: Lift, prescription: Prescription, history: Sequence[DoneSession], context: Context
) -> Rule:
    """The rule for this exercise in this program, for this lifter."""
    if lift.timed or (prescription.reps <= 1 and _holds(history, lift)):
        return "time"
    weighted = lift.loaded or any(s.top_weight for s in history)
    if not weighted:
        return "reps"
    if context.experience == "beginner":
        if context.program_progression == "linear" and prescription.reps <= 8:
            return "linear"
        return "linear" if prescription.reps <= 6 and lift.mechanic == "compound" else "double"
    return "rpe" if prescription.reps <= 8 and lift.mechanic == "compound" else "double"


def _holds(history: Sequence[DoneSession], lift: Lift) -> bool:
    if any(s.duration_s for session in history for s in session.working):
        return True
    return not lift.loaded and not any(s.reps and s.reps > 1 for h in history for s in h.working)


def current_e1rm(history: Sequence[DoneSession]) -> tuple[float, DoneSet, datetime] | None:
    """The e1RM now: the best set of the sessions within two weeks of the latest (a light day
    does not drag it down), with the set and its date."""
    if not history:
        return None
    latest = history[0].performed_at
    best: tuple[float, DoneSet, datetime] | None = None
    for past in history:
        if (latest - past.performed_at).days > CURRENT_E1RM_DAYS:
            break
        for s in past.working:
            estimate = estimate_1rm(s.weight_kg, s.reps, s.rpe, set_type=s.set_type)
            if estimate is not None and (best is None or estimate > best[0]):
                best = (estimate, s, past.performed_at)
    return best


def load_for(e1rm_kg: float, reps: int, rpe: float) -> float | None:
    """The RPE chart read forwards: the load for ``reps`` at ``rpe`` from an e1RM."""
    percent = percent_of_1rm(reps + (10 - rpe))
    return None if percent is None else e1rm_kg * percent / 100


def break_factor(days: float) -> float:
    """Share of the usual load after ``days`` without the exercise (1 under two weeks)."""
    if days < BREAK_DAYS:
        return 1.0
    return max(BREAK_FLOOR, 1 - BREAK_LOSS_PER_WEEK * math.floor(days / 7))


def prescribe(
    lift: Lift,
    prescription: Prescription,
    history: Sequence[DoneSession],
    context: Context,
    loader: Loader,
) -> ExercisePlan:
    """The targets of each planned set, with the reasons; ``history`` is newest first."""
    history = [h for h in history if h.working]
    rule = choose_rule(lift, prescription, history, context)
    if rule == "time":
        plan = _timed(prescription, history)
    elif rule == "reps":
        plan = _reps(prescription, history)
    elif not history:
        plan = _first_time(rule, lift, prescription, context, loader)
    else:
        away = (context.now - history[0].performed_at).total_seconds() / 86400
        factor = break_factor(away)
        if rule == "linear":
            plan = _linear(lift, prescription, history, context, loader, factor)
        elif rule == "double":
            plan = _double(lift, prescription, history, context, loader, factor)
        else:
            plan = _rpe(prescription, history, context, loader, factor)
        if factor < 1:
            plan = replace(
                plan,
                reasons=(
                    f"{away:.0f} days since you last did it → {factor:.0%} of the usual load",
                    *plan.reasons,
                ),
            )
    return _lighter(plan, context, loader)


def _lighter(plan: ExercisePlan, context: Context, loader: Loader) -> ExercisePlan:
    """The plan's deload week or a fatigued main muscle: 10% off (a deload: fewer sets too)."""
    why = context.deload or context.fatigued
    if why is None or not any(s.weight_kg for s in plan.sets):
        return plan
    sets = plan.sets
    if context.deload is not None:
        sets = sets[: max(1, round(len(sets) * DELOAD_SET_SHARE))]
    lighter = tuple(
        replace(s, weight_kg=loader.load(s.weight_kg * DELOAD_FACTOR, "down")) if s.weight_kg else s
        for s in sets
    )
    what = f"{len(lighter)} sets, " if len(lighter) != len(plan.sets) else ""
    return replace(plan, sets=lighter, reasons=(*plan.reasons, f"{why} → {what}10% lighter"))


def _straight(
    prescription: Prescription, weight: float | None, rpe: float | None
) -> tuple[SetTarget, ...]:
    return tuple(
        SetTarget(prescription.reps, weight, rpe, prescription.rest_seconds)
        for _ in range(prescription.sets)
    )


def _first_time(
    rule: Rule, lift: Lift, prescription: Prescription, context: Context, loader: Loader
) -> ExercisePlan:
    empty = loader.load(0.0, "up")
    if rule == "linear" and (lift.equipment or "") in {"barbell", "ez_bar"}:
        # The step as the lifter's plates make it (2.5 kg is 5 lb on a pound bar, not 5.5).
        step = weight_text(loader.up_from(empty, lift.increment_kg) - empty, context.units)
        return ExercisePlan(
            rule,
            _straight(prescription, empty, None),
            (
                f"First time: start with the empty bar ({weight_text(empty, context.units)}) "
                f"and add {step} after every session that hits all "
                f"{prescription.sets}×{prescription.reps}",
            ),
        )
    return ExercisePlan(
        rule,
        _straight(prescription, None, FIRST_TIME_RPE),
        (
            f"First time: choose a weight you could lift {prescription.reps + 3} times "
            f"(RPE {FIRST_TIME_RPE:g}); the next session builds on it",
        ),
    )


def _hit(session: DoneSession, weight: float, prescription: Prescription) -> bool:
    at_weight = [s for s in session.working if (s.weight_kg or 0) >= weight - 1e-6]
    return len(at_weight) >= prescription.sets and all(
        s.set_type != "failure" and (s.reps or 0) >= prescription.reps for s in at_weight
    )


def _linear(
    lift: Lift,
    prescription: Prescription,
    history: Sequence[DoneSession],
    context: Context,
    loader: Loader,
    factor: float,
) -> ExercisePlan:
    last = history[0]
    weight = last.top_weight or loader.load(0.0, "up")
    did = sets_text(last.working, context.units)
    if factor < 1:
        target = loader.load(weight * factor, "down")
        return ExercisePlan("linear", _straight(prescription, target, None), ())
    if _hit(last, weight, prescription):
        target = loader.up_from(weight, lift.increment_kg)
        step = weight_text(target - weight, context.units)
        reason = f"Last time {did}, every rep → +{step}"
        return ExercisePlan("linear", _straight(prescription, target, None), (reason,))
    misses = 0
    for past in history:
        if past.top_weight is None or abs(past.top_weight - weight) > 1e-6:
            break
        if _hit(past, weight, prescription):
            break
        misses += 1
    at = weight_text(weight, context.units)
    if misses >= FAILED_SESSIONS_BEFORE_DELOAD:
        target = loader.load(weight * DELOAD_FACTOR, "down")
        reason = (
            f"{misses} sessions in a row short of {prescription.sets}×{prescription.reps} at "
            f"{at} → deload 10% to {weight_text(target, context.units)}"
        )
        return ExercisePlan("linear", _straight(prescription, target, None), (reason,))
    left = FAILED_SESSIONS_BEFORE_DELOAD - misses
    reason = (
        f"Last time {did}: short of {prescription.sets}×{prescription.reps} → same weight "
        f"({misses} miss{'es' if misses > 1 else ''}; a deload after {left} more)"
    )
    return ExercisePlan("linear", _straight(prescription, weight, None), (reason,))


def rep_range(reps: int) -> tuple[int, int]:
    """The double-progression range a prescription of ``reps`` stands for."""
    return reps, reps + (4 if reps >= 8 else 2)


def _double(
    lift: Lift,
    prescription: Prescription,
    history: Sequence[DoneSession],
    context: Context,
    loader: Loader,
    factor: float,
) -> ExercisePlan:
    low, high = rep_range(prescription.reps)
    last = history[0]
    weight = last.top_weight
    if weight is None:
        return _reps(prescription, history)
    at_weight = [s for s in last.working if (s.weight_kg or 0) >= weight - 1e-6]
    did = sets_text(last.working, context.units)
    rest = prescription.rest_seconds
    if factor < 1:
        target = loader.load(weight * factor, "down")
        return ExercisePlan(
            "double",
            tuple(SetTarget(low, target, None, rest) for _ in range(prescription.sets)),
            (),
        )
    if len(at_weight) >= prescription.sets and all((s.reps or 0) >= high for s in at_weight):
        target = loader.up_from(weight, lift.increment_kg)
        reason = (
            f"Last time {did}: the top of {low}–{high} on every set → "
            f"+{weight_text(target - weight, context.units)}, back to {low} reps"
        )
        sets = tuple(SetTarget(low, target, None, rest) for _ in range(prescription.sets))
        return ExercisePlan("double", sets, (reason,))
    reps = [min(high, max(low, (s.reps or 0) + 1)) for s in at_weight[: prescription.sets]]
    reps += [low] * (prescription.sets - len(reps))
    reason = (
        f"Last time {did} → one more rep a set ({low}–{high}: the weight goes up at "
        f"{prescription.sets}×{high})"
    )
    return ExercisePlan("double", tuple(SetTarget(r, weight, None, rest) for r in reps), (reason,))


def _rpe(
    prescription: Prescription,
    history: Sequence[DoneSession],
    context: Context,
    loader: Loader,
    factor: float,
) -> ExercisePlan:
    found = current_e1rm(history)
    if found is None:  # done, but never with a load and reps to estimate from
        return _double_fallback(prescription, history, context, loader)
    e1rm, best, when = found
    e1rm_now = e1rm * factor
    raw = load_for(e1rm_now, prescription.reps, TARGET_RPE)
    if raw is None:
        return _double_fallback(prescription, history, context, loader)
    target = loader.load(raw, "nearest")
    units = context.units
    source = sets_text([best], units).replace("1×", "")
    reason = (
        f"e1RM {weight_text(e1rm_now, units)} (from {source} on {when:%-d %b}) → "
        f"{prescription.reps} @ RPE {TARGET_RPE:g} = {weight_text(raw, units)}"
        + (f", loaded as {weight_text(target, units)}" if abs(target - raw) >= 0.05 else "")
    )
    return ExercisePlan("rpe", _straight(prescription, target, TARGET_RPE), (reason,))


def _double_fallback(
    prescription: Prescription, history: Sequence[DoneSession], context: Context, loader: Loader
) -> ExercisePlan:
    lift = Lift("", None, None, "strength")
    return _double(lift, prescription, history, context, loader, 1.0)


def _reps(prescription: Prescription, history: Sequence[DoneSession]) -> ExercisePlan:
    rest = prescription.rest_seconds
    if not history:
        return ExercisePlan(
            "reps",
            tuple(SetTarget(prescription.reps, None, None, rest) for _ in range(prescription.sets)),
            (f"First time: {prescription.sets}×{prescription.reps}, or as many as you can",),
        )
    done = [s.reps or 0 for s in history[0].working if s.reps]
    if not done:
        return _reps(prescription, [])
    # One more than last time on each set; a set more than last time repeats the last one's
    # target (a set padded with fewer reps would be an easy one, not a working set).
    reps = [r + 1 for r in done[: prescription.sets]]
    reps += [reps[-1]] * (prescription.sets - len(reps))
    reason = f"Last time {', '.join(map(str, done))} reps → one more a set"
    return ExercisePlan("reps", tuple(SetTarget(r, None, None, rest) for r in reps), (reason,))


def _timed(prescription: Prescription, history: Sequence[DoneSession]) -> ExercisePlan:
    rest = prescription.rest_seconds
    held = [s.duration_s for h in history[:1] for s in h.working if s.duration_s]
    if not held:
        return ExercisePlan(
            "time",
            tuple(
                SetTarget(None, None, None, rest, FIRST_HOLD_S) for _ in range(prescription.sets)
            ),
            (f"First time: hold {FIRST_HOLD_S} s a set",),
        )
    longest = max(held)
    target = longest + HOLD_STEP_S
    return ExercisePlan(
        "time",
        tuple(SetTarget(None, None, None, rest, target) for _ in range(prescription.sets)),
        (f"Last time up to {longest} s → {target} s",),
    )


def adapt_next(target: SetTarget, done: DoneSet) -> float | None:
    """After a set with a target RPE, the load the next set of ``target``'s reps and RPE
    calls for, from the e1RM the set just done shows (None: nothing to adapt from)."""
    if target.rpe is None or done.rpe is None or not target.reps:
        return None
    estimate = estimate_1rm(done.weight_kg, done.reps, done.rpe, set_type=done.set_type)
    if estimate is None:
        return None
    return load_for(estimate, target.reps, target.rpe)
