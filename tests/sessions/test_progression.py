"""The progression rules on plain data (gravl.sessions.progression)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gravl.auth.preferences import default_plates
from gravl.sessions.progression import (
    Context,
    DoneSession,
    DoneSet,
    Lift,
    Loader,
    Prescription,
    SetTarget,
    adapt_next,
    break_factor,
    choose_rule,
    load_for,
    prescribe,
)
from gravl.sessions.service import loader_for
from gravl.stats.e1rm import estimate_1rm

NOW = datetime(2026, 6, 1, 18, tzinfo=UTC)
BENCH = Lift("Bench Press", "barbell", "compound", "strength", ("chest",))
SQUAT = Lift("Back Squat", "barbell", "compound", "strength", ("quadriceps",))
DEADLIFT = Lift("Deadlift", "barbell", "compound", "strength", ("hamstrings", "lower_back"))
CURL = Lift("Curl", "dumbbell", "isolation", "strength", ("biceps",))
PUSH_UP = Lift("Push-up", "body_only", "compound", "strength", ("chest",))
FIVE_BY_FIVE = Prescription(5, 5, 180)


def _quarter_kilo(weight: float, rounding: str) -> float:
    """A plate set that loads any multiple of 2.5 kg from a 20 kg bar."""
    steps = weight / 2.5
    rounded = {"down": int(steps + 1e-9), "up": -int(-steps - 1e-9)}.get(rounding, round(steps))
    return max(20.0, rounded * 2.5)


LOADER = Loader(_quarter_kilo, lambda w: _quarter_kilo(w, "down") + 2.5)


def _session(
    days_ago: float, weight: float, reps: list[int], rpe: float | None = None
) -> DoneSession:
    return DoneSession(
        NOW - timedelta(days=days_ago),
        tuple(DoneSet("normal", r, weight, rpe) for r in reps),
    )


def _context(experience: str = "beginner", **kwargs: object) -> Context:
    return Context(experience=experience, now=NOW, program_progression="linear", **kwargs)  # type: ignore[arg-type]


def test_linear_adds_the_increment_after_every_rep() -> None:
    plan = prescribe(BENCH, FIVE_BY_FIVE, [_session(2, 60, [5] * 5)], _context(), LOADER)
    assert plan.rule == "linear"
    assert [s.weight_kg for s in plan.sets] == [62.5] * 5
    assert plan.reasons == ("Last time 5×5 @ 60 kg, every rep → +2.5 kg",)


def test_hip_hinges_add_more() -> None:
    squat = prescribe(SQUAT, FIVE_BY_FIVE, [_session(2, 100, [5] * 5)], _context(), LOADER)
    deadlift = prescribe(
        DEADLIFT, Prescription(1, 5, 180), [_session(2, 100, [5])], _context(), LOADER
    )
    assert (squat.sets[0].weight_kg, deadlift.sets[0].weight_kg) == (102.5, 105)


def test_linear_repeats_a_missed_weight_then_deloads_after_three_misses() -> None:
    missed = [5, 5, 4, 4, 3]
    one = prescribe(BENCH, FIVE_BY_FIVE, [_session(2, 60, missed)], _context(), LOADER)
    assert one.sets[0].weight_kg == 60
    assert "a deload after 2 more" in one.reasons[0]
    history = [_session(d, 60, missed) for d in (2, 4, 6)]
    three = prescribe(BENCH, FIVE_BY_FIVE, history, _context(), LOADER)
    assert three.sets[0].weight_kg == 52.5  # 54 rounded down to what loads
    assert "3 sessions in a row short of 5×5 at 60 kg → deload 10%" in three.reasons[0]
    # A success before the misses resets the count.
    broken = [_session(2, 60, missed), _session(4, 60, missed), _session(6, 60, [5] * 5)]
    assert prescribe(BENCH, FIVE_BY_FIVE, broken, _context(), LOADER).sets[0].weight_kg == 60


def test_a_failure_set_is_a_miss() -> None:
    sets = (*(DoneSet("normal", 5, 60.0) for _ in range(4)), DoneSet("failure", 5, 60.0))
    plan = prescribe(
        BENCH, FIVE_BY_FIVE, [DoneSession(NOW - timedelta(days=2), sets)], _context(), LOADER
    )
    assert plan.sets[0].weight_kg == 60


def test_double_progression_adds_reps_then_weight() -> None:
    three_by_ten = Prescription(3, 10, 90)
    context = _context("intermediate")
    plan = prescribe(CURL, three_by_ten, [_session(3, 12, [12, 11, 10])], context, LOADER)
    assert plan.rule == "double"
    assert [s.reps for s in plan.sets] == [13, 12, 11]
    assert {s.weight_kg for s in plan.sets} == {12}
    top = prescribe(CURL, three_by_ten, [_session(3, 12, [14, 14, 14])], context, LOADER)
    assert [s.reps for s in top.sets] == [10, 10, 10]
    assert top.sets[0].weight_kg is not None and top.sets[0].weight_kg > 12


@pytest.mark.parametrize("reps", [3, 5, 8])
def test_rpe_targets_read_the_chart_from_the_current_e1rm(reps: int) -> None:
    history = [_session(3, 100, [5, 5, 5], rpe=8), _session(7, 95, [5, 5, 5], rpe=8)]
    plan = prescribe(BENCH, Prescription(3, reps, 150), history, _context("intermediate"), LOADER)
    assert plan.rule == "rpe"
    e1rm = estimate_1rm(100, 5, 8)
    assert e1rm is not None
    expected = load_for(e1rm, reps, 8)
    assert expected is not None
    for s in plan.sets:
        assert s.rpe == 8 and s.weight_kg is not None
        assert abs(s.weight_kg - expected) / expected <= 0.025
    assert plan.reasons[0].startswith(f"e1RM {round(e1rm, 2):g} kg".replace(".0 ", " "))


def test_the_current_e1rm_ignores_a_light_day_but_not_old_history() -> None:
    light_day = [_session(2, 60, [5], rpe=5), _session(5, 100, [5], rpe=8)]
    plan = prescribe(BENCH, Prescription(3, 5, 150), light_day, _context("advanced"), LOADER)
    assert plan.sets[0].weight_kg is not None and plan.sets[0].weight_kg > 80
    stale = [_session(2, 60, [5], rpe=8), _session(40, 100, [5], rpe=8)]
    lighter = prescribe(BENCH, Prescription(3, 5, 150), stale, _context("advanced"), LOADER)
    assert lighter.sets[0].weight_kg == 60  # the same 5 @ RPE 8 as two days ago


def test_a_break_of_two_weeks_or_more_makes_targets_lighter() -> None:
    assert break_factor(13) == 1
    assert break_factor(14) == pytest.approx(0.9)
    assert break_factor(21) == pytest.approx(0.85)
    assert break_factor(400) == pytest.approx(0.7)
    before = prescribe(BENCH, FIVE_BY_FIVE, [_session(2, 80, [5] * 5)], _context(), LOADER)
    after = prescribe(BENCH, FIVE_BY_FIVE, [_session(23, 80, [5] * 5)], _context(), LOADER)
    assert before.sets[0].weight_kg == 82.5
    assert after.sets[0].weight_kg == 67.5  # 85% of 80 = 68, loaded as 67.5
    assert after.reasons[0] == "23 days since you last did it → 85% of the usual load"


def test_fatigue_and_deload_weeks_take_ten_percent_off() -> None:
    history = [_session(2, 100, [5] * 5)]
    tired = prescribe(
        SQUAT, FIVE_BY_FIVE, history, _context(fatigued="quadriceps 40% recovered"), LOADER
    )
    assert tired.sets[0].weight_kg == 90  # 102.5 × 0.9 = 92.25, loaded down
    assert len(tired.sets) == 5
    deload = prescribe(SQUAT, FIVE_BY_FIVE, history, _context(deload="Week 10 of 10"), LOADER)
    assert len(deload.sets) == 3
    assert deload.reasons[-1] == "Week 10 of 10 → 3 sets, 10% lighter"


def test_first_time_on_a_bar_starts_empty_and_otherwise_asks_for_a_choice() -> None:
    bar = prescribe(BENCH, FIVE_BY_FIVE, [], _context(), LOADER)
    assert {s.weight_kg for s in bar.sets} == {20}
    assert bar.reasons[0].startswith("First time: start with the empty bar (20 kg)")
    curl = prescribe(CURL, Prescription(3, 10, 60), [], _context(), LOADER)
    assert {s.weight_kg for s in curl.sets} == {None}
    assert {s.rpe for s in curl.sets} == {7}


def test_a_pound_lifter_is_told_the_step_their_plates_make() -> None:
    """2.5 kg converted is 5.5 lb, which no pound bar loads: the first time says 5 lb."""
    pounds = loader_for("barbell", default_plates("lb"))
    bar = prescribe(BENCH, FIVE_BY_FIVE, [], _context(units="lb"), pounds)
    assert bar.reasons[0].startswith("First time: start with the empty bar (45 lb) and add 5 lb ")
    kilos = prescribe(
        BENCH, FIVE_BY_FIVE, [], _context(), loader_for("barbell", default_plates("kg"))
    )
    assert "and add 2.5 kg after every session" in kilos.reasons[0]


def test_body_weight_and_timed_work_progress_by_reps_and_seconds() -> None:
    history = [
        DoneSession(
            NOW - timedelta(days=2), (DoneSet("normal", 12, None), DoneSet("normal", 10, None))
        )
    ]
    reps = prescribe(PUSH_UP, Prescription(3, 10, 60), history, _context(), LOADER)
    assert reps.rule == "reps"
    assert [s.reps for s in reps.sets] == [13, 11, 11]  # a third set repeats the second
    plank = Lift("Plank", "body_only", "isolation", "strength", ("abdominals",))
    held = [DoneSession(NOW - timedelta(days=2), (DoneSet("normal", 1, None, duration_s=40),))]
    timed = prescribe(plank, Prescription(3, 1, 60), held, _context(), LOADER)
    assert timed.rule == "time"
    assert {s.duration_s for s in timed.sets} == {45}


def test_rules_by_experience_and_program() -> None:
    history: list[DoneSession] = []
    assert choose_rule(BENCH, FIVE_BY_FIVE, history, _context()) == "linear"
    assert choose_rule(BENCH, FIVE_BY_FIVE, history, _context("intermediate")) == "rpe"
    auto = Context(experience="beginner", now=NOW)
    assert choose_rule(BENCH, Prescription(3, 10, 90), history, auto) == "double"
    assert choose_rule(CURL, Prescription(3, 12, 60), history, _context("advanced")) == "double"


def test_the_next_set_adapts_to_the_rpe_reported() -> None:
    target = SetTarget(5, 100.0, 8.0, 180)
    harder = adapt_next(target, DoneSet("normal", 5, 100.0, 9.5))
    easier = adapt_next(target, DoneSet("normal", 5, 100.0, 6.5))
    as_planned = adapt_next(target, DoneSet("normal", 5, 100.0, 8.0))
    assert harder is not None and easier is not None and as_planned is not None
    assert harder < 100 < easier
    assert as_planned == pytest.approx(100)
    assert adapt_next(SetTarget(5, 100.0, None, 180), DoneSet("normal", 5, 100.0, 9)) is None
