"""Properties and rules of the recovery model (RECOVERY.md)."""

import math
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gravl.history.sets import SetType
from gravl.recovery.model import (
    DEFAULT_CONSTANTS,
    CheckIn,
    MuscleState,
    SetRecord,
    apply_set,
    checkin_score,
    checkin_state,
    decay,
    effective_sets,
    effort,
    main_cause,
    mark_novelty,
    muscle_report,
    ready_at,
    recompute,
    recovery_score,
    status,
    stimulus,
    tau_hours,
    updated_k,
)
from gravl.vocabulary import MUSCLE_GROUPS, MUSCLE_SLUGS, MuscleGroupInfo

C = DEFAULT_CONSTANTS
MUSCLES = sorted(MUSCLE_SLUGS)
T0 = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)
UNTIL = T0 + timedelta(days=20)  # every generated event lies inside the 21-day horizon


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def make_set(
    hours: float = 0.0,
    *,
    primary: tuple[str, ...] = ("chest",),
    secondary: tuple[str, ...] = (),
    rpe: float | None = 9.0,
    set_type: SetType = "normal",
    reps: int | None = 8,
    duration_s: int | None = None,
    novel: bool = False,
    exercise_id: int = 1,
) -> SetRecord:
    return SetRecord(
        performed_at=at(hours),
        exercise_id=exercise_id,
        primary=primary,
        secondary=secondary,
        reps=reps,
        rpe=rpe,
        set_type=set_type,
        duration_s=duration_s,
        novel=novel,
    )


def score_at(events: list[SetRecord | CheckIn], muscle: str, when: datetime) -> float:
    return recovery_score(recompute(events, muscle, when).fatigue)


# --- generated histories ------------------------------------------------------------------

minutes = st.integers(min_value=1, max_value=19 * 24 * 60)
rpes = st.one_of(st.none(), st.sampled_from([x / 2 for x in range(2, 21)]))


@st.composite
def set_records(draw: st.DrawFn, muscle: str = "chest") -> SetRecord:
    others = [m for m in MUSCLES if m != muscle]
    on_muscle = draw(st.sampled_from(["primary", "secondary"]))
    other = draw(st.sampled_from(others))
    timed = draw(st.booleans())
    return SetRecord(
        performed_at=T0 + timedelta(minutes=draw(minutes)),
        exercise_id=draw(st.integers(1, 5)),
        primary=(muscle,) if on_muscle == "primary" else (other,),
        secondary=(muscle,) if on_muscle == "secondary" else (other,),
        reps=None if timed else draw(st.integers(1, 20)),
        rpe=draw(rpes),
        set_type=draw(st.sampled_from(["normal", "warmup", "failure", "drop"])),
        duration_s=draw(st.integers(1, 7200)) if timed else None,
        novel=draw(st.booleans()),
    )


checkins = st.builds(
    lambda m, soreness: CheckIn(at=T0 + timedelta(minutes=m), muscle="chest", soreness=soreness),
    minutes,
    st.integers(0, 10),
)
histories = st.lists(st.one_of(set_records(), set_records(), checkins), max_size=25)
# Stimulating sets on chest, for the monotonicity properties.
hard_sets = st.lists(set_records(), max_size=15).map(
    lambda sets: [replace(s, set_type="normal") for s in sets]
)


def fold(events: list[SetRecord | CheckIn], muscle: str, until: datetime) -> MuscleState:
    """The service's incremental path: rested at the horizon start, then event by event."""
    state = MuscleState(fatigue=0.0, at=until - C.recompute_horizon)

    def order(e: SetRecord | CheckIn) -> tuple[datetime, int, float]:
        return (e.at, 1, e.soreness) if isinstance(e, CheckIn) else (e.performed_at, 0, 0.0)

    for event in sorted(events, key=order):
        tau = tau_hours(muscle, "intermediate", state.k)
        if isinstance(event, CheckIn):
            state = checkin_state(state, event, tau)
        elif muscle in event.primary or muscle in event.secondary:
            state = apply_set(state, stimulus(event).get(muscle, 0.0), event.performed_at, tau)
    return decay(state, until, tau_hours(muscle, "intermediate", state.k))


@settings(max_examples=200, deadline=None)
@given(histories)
def test_incremental_and_batch_agree(events: list[SetRecord | CheckIn]) -> None:
    batch = recompute(events, "chest", UNTIL)
    incremental = fold(events, "chest", UNTIL)
    assert batch.fatigue == pytest.approx(incremental.fatigue, abs=1e-6)
    assert batch.k == pytest.approx(incremental.k, abs=1e-12)
    assert batch.last_trained_at == incremental.last_trained_at


@settings(deadline=None)
@given(histories, st.integers(0, 24 * 25))
def test_score_is_between_0_and_100(events: list[SetRecord | CheckIn], hours: int) -> None:
    assert 0.0 <= score_at(events, "chest", at(hours)) <= 100.0


@pytest.mark.parametrize("muscle", MUSCLES)
def test_no_history_scores_100(muscle: str) -> None:
    state = recompute([], muscle, UNTIL)
    report = muscle_report(muscle, state, UNTIL, [])
    assert report.recovery_score == 100.0
    assert (report.status, report.ready_at, report.last_trained_at) == ("ready", None, None)
    assert report.sets_last_7_days == 0.0


@settings(deadline=None)
@given(histories, st.integers(0, 24 * 10), st.integers(1, 24 * 10))
def test_score_never_decreases_without_new_events(
    events: list[SetRecord | CheckIn], after: int, more: int
) -> None:
    state = recompute(events, "chest", UNTIL)
    tau = tau_hours("chest", "intermediate", state.k)
    earlier = decay(state, UNTIL + timedelta(hours=after), tau)
    later = decay(state, UNTIL + timedelta(hours=after + more), tau)
    assert recovery_score(later.fatigue) >= recovery_score(earlier.fatigue)


def assert_harder_is_slower(
    easier: list[SetRecord], harder: list[SetRecord], start: datetime
) -> None:
    """Harder from `start` on: lower score at every later time and a ready_at no earlier."""
    for hours in range(0, 24 * 21, 7):
        when = start + timedelta(hours=hours)
        easy = recompute(easier, "chest", when)
        hard = recompute(harder, "chest", when)
        assert recovery_score(hard.fatigue) <= recovery_score(easy.fatigue)
        if hours <= 96:
            assert recovery_score(hard.fatigue) < recovery_score(easy.fatigue)
        tau = tau_hours("chest")
        easy_ready, hard_ready = ready_at(easy, when, tau), ready_at(hard, when, tau)
        if easy_ready is not None:
            assert hard_ready is not None and hard_ready >= easy_ready


@settings(deadline=None)
@given(hard_sets, set_records())
def test_one_more_set_lowers_the_score(sets: list[SetRecord], extra: SetRecord) -> None:
    extra = replace(extra, set_type="normal")
    assert_harder_is_slower(sets, [*sets, extra], extra.performed_at)


@settings(deadline=None)
@given(hard_sets, set_records(), st.sampled_from([x / 2 for x in range(11, 20)]))
def test_higher_rpe_lowers_the_score(sets: list[SetRecord], chosen: SetRecord, rpe: float) -> None:
    easier = replace(chosen, set_type="normal", rpe=rpe, reps=8, duration_s=None)
    harder = replace(easier, rpe=rpe + 0.5)
    assert_harder_is_slower([*sets, easier], [*sets, harder], easier.performed_at)


@settings(deadline=None)
@given(hard_sets, set_records())
def test_novelty_lowers_the_score(sets: list[SetRecord], chosen: SetRecord) -> None:
    chosen = replace(chosen, set_type="normal")
    familiar, novel = replace(chosen, novel=False), replace(chosen, novel=True)
    assert_harder_is_slower([*sets, familiar], [*sets, novel], chosen.performed_at)


@settings(deadline=None)
@given(histories.flatmap(lambda events: st.tuples(st.just(events), st.permutations(events))))
def test_insertion_order_never_matters(
    pair: tuple[list[SetRecord | CheckIn], list[SetRecord | CheckIn]],
) -> None:
    events, shuffled = pair
    assert recompute(shuffled, "chest", UNTIL).fatigue == pytest.approx(
        recompute(events, "chest", UNTIL).fatigue, abs=1e-9
    )


def _chest_set(at: datetime) -> SetRecord:
    return SetRecord(
        performed_at=at,
        exercise_id=1,
        primary=("chest",),
        secondary=("abdominals",),
        reps=1,
        rpe=None,
        set_type="normal",
        duration_s=None,
        novel=False,
    )


@settings(deadline=None)
@given(hard_sets)
# Found by hypothesis: a second set exactly a week after the first, inside the probes' window.
@example([_chest_set(T0 + timedelta(days=2)), _chest_set(T0 + timedelta(days=9))])
def test_no_jump_at_the_seven_day_window_boundary(sets: list[SetRecord]) -> None:
    for s in sets:
        boundary = s.performed_at + C.sets_window
        if any(abs(o.performed_at - boundary) <= timedelta(seconds=1) for o in sets):
            continue  # another set lands between the two probes: that jump is real
        before = score_at(list(sets), "chest", boundary - timedelta(seconds=1))
        after = score_at(list(sets), "chest", boundary + timedelta(seconds=1))
        assert abs(after - before) < 0.5


def test_no_jump_at_the_recompute_horizon_even_for_the_slowest_lifter() -> None:
    heavy = [make_set(primary=("chest",), rpe=10.0, novel=True) for _ in range(30)]
    slowest = MuscleState(fatigue=0.0, at=T0 - timedelta(hours=1), k=C.k_max)
    edge = T0 + C.recompute_horizon
    tau = tau_hours("chest", "beginner", C.k_max)
    kept = recompute(
        heavy, "chest", edge - timedelta(seconds=1), experience="beginner", start=slowest
    )
    dropped = recompute(heavy, "chest", edge, experience="beginner", start=slowest)
    assert dropped.fatigue == 0.0
    assert recovery_score(decay(kept, edge, tau).fatigue) > 99.5


# --- effort, stimulus, sets ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("rpe", "expected"),
    [
        (1.0, 0.35), (4.5, 0.35), (5.0, 0.35), (5.5, 0.42), (6.0, 0.5), (6.5, 0.6),
        (7.0, 0.7), (7.5, 0.78), (8.0, 0.85), (8.5, 0.92), (9.0, 1.0), (9.5, 1.2), (10.0, 1.5),
    ],
)  # fmt: skip
def test_effort_follows_the_rpe_table(rpe: float, expected: float) -> None:
    assert effort(rpe, "normal", 8, None) == pytest.approx(expected)
    assert effort(rpe, "drop", 8, None) == pytest.approx(expected)


def test_effort_special_cases() -> None:
    assert effort(None, "normal", 8, None) == pytest.approx(0.85)
    assert effort(7.0, "failure", 8, None) == pytest.approx(1.5)
    assert effort(None, "failure", 8, None) == pytest.approx(1.5)
    assert effort(10.0, "warmup", 8, None) == 0.0
    # Ratings off the half-point grid (imports) sit between their neighbours.
    assert effort(8.25, "normal", 8, None) == pytest.approx((0.85 + 0.92) / 2)


@pytest.mark.parametrize(
    ("duration_s", "expected"),
    [(60, 0.2), (240, 0.2), (600, 0.5), (1200, 1.0), (1800, 1.5), (3600, 3.0), (7200, 3.0)],
)
def test_duration_rule_for_sets_without_reps(duration_s: int, expected: float) -> None:
    assert effort(None, "normal", None, duration_s) == pytest.approx(expected)
    assert effort(9.0, "normal", 0, duration_s) == pytest.approx(expected)
    # Reps win: a timed set with reps is rated by RPE.
    assert effort(9.0, "normal", 10, duration_s) == pytest.approx(1.0)


def test_stimulus_weighs_roles_and_novelty() -> None:
    bench = make_set(primary=("chest",), secondary=("triceps", "shoulders"), rpe=9.0)
    assert stimulus(bench) == pytest.approx({"chest": 1.0, "triceps": 0.5, "shoulders": 0.5})
    assert stimulus(replace(bench, novel=True)) == pytest.approx(
        {"chest": 1.3, "triceps": 0.65, "shoulders": 0.65}
    )


def test_warmups_add_nothing() -> None:
    warmups = [make_set(h, set_type="warmup", rpe=10.0, novel=True) for h in range(5)]
    assert all(stimulus(s) == {} for s in warmups)
    state = recompute(warmups, "chest", at(5))
    assert (recovery_score(state.fatigue), state.last_trained_at) == (100.0, None)
    assert effective_sets(warmups, "chest", at(-1), at(5)) == 0.0


def test_effective_sets_count_primary_one_secondary_half_inside_the_window() -> None:
    sets = [
        make_set(0, primary=("chest",), secondary=("triceps",)),
        make_set(1, primary=("triceps",), secondary=("chest",)),
        make_set(2, primary=("chest",), set_type="warmup"),
        make_set(3, primary=("biceps",)),
    ]
    assert effective_sets(sets, "chest", at(-1), at(3)) == 1.5
    assert effective_sets(sets, "triceps", at(-1), at(3)) == 1.5
    # The window is (start, end]: a set exactly at the start has left it.
    assert effective_sets(sets, "chest", at(0), at(3)) == 0.5
    assert effective_sets(sets, "chest", at(-1), at(0)) == 1.0


def test_mark_novelty_uses_the_six_week_window_and_one_exposure_per_instant() -> None:
    squat = [make_set(0, exercise_id=7), make_set(0, exercise_id=7), make_set(240, exercise_id=7)]
    marked = mark_novelty(squat, {})
    assert [s.novel for s in marked] == [True, True, False]
    assert [s.novel for s in mark_novelty(squat, {7: at(-41 * 24)})] == [False, False, False]
    assert [s.novel for s in mark_novelty(squat, {7: at(-43 * 24)})] == [True, True, False]
    assert mark_novelty([make_set(0, exercise_id=2)], {7: at(-1)})[0].novel is True


# --- time, state, check-ins ---------------------------------------------------------------


def test_experience_multipliers_scale_tau() -> None:
    base = tau_hours("chest")
    assert base == pytest.approx(72 / math.log(math.log(10) / math.log(10 / 9)))
    assert tau_hours("chest", "beginner") == pytest.approx(1.2 * base)
    assert tau_hours("chest", "advanced") == pytest.approx(0.85 * base)
    assert tau_hours("chest", "intermediate", 1.5) == pytest.approx(1.5 * base)


@pytest.mark.parametrize(("experience", "hours"), [("beginner", 86.4), ("advanced", 61.2)])
def test_experience_moves_ready_at_of_the_reference_session(experience: str, hours: float) -> None:
    state = MuscleState(fatigue=10.0, at=T0)
    ready = ready_at(state, T0, tau_hours("chest", experience))  # type: ignore[arg-type]
    assert ready is not None
    assert (ready - T0).total_seconds() / 3600 == pytest.approx(hours)


def test_ready_at_formula_and_none_when_ready() -> None:
    tau = tau_hours("biceps")
    state = MuscleState(fatigue=6.0, at=T0)
    now = at(5)
    fatigue_now = 6.0 * math.exp(-5 / tau)
    expected = now + timedelta(hours=tau * math.log(fatigue_now / (C.f_ref * math.log(100 / 90))))
    ready = ready_at(state, now, tau)
    assert ready is not None
    assert abs((ready - expected).total_seconds()) < 1e-3
    assert recovery_score(decay(state, ready, tau).fatigue) == pytest.approx(90)
    assert ready_at(state, ready + timedelta(seconds=1), tau) is None
    assert ready_at(MuscleState(fatigue=0.0, at=T0), now, tau) is None


@pytest.mark.parametrize(
    ("score", "expected"),
    [(100, "ready"), (90, "ready"), (89.94, "recovering"), (30, "recovering"), (29.94, "fatigued")],
)
def test_status_thresholds(score: float, expected: str) -> None:
    assert status(score) == expected


def test_apply_set_refuses_the_past() -> None:
    with pytest.raises(ValueError):
        apply_set(MuscleState(fatigue=1.0, at=at(2)), 1.0, at(1), tau_hours("chest"))


@pytest.mark.parametrize(("soreness", "score"), [(0, 100.0), (5, 60.0), (10, 20.0)])
def test_checkin_overrides_the_state_and_decay_continues(soreness: int, score: float) -> None:
    assert checkin_score(soreness) == score
    events: list[SetRecord | CheckIn] = [
        *[make_set(0) for _ in range(10)],
        CheckIn(at=at(24), muscle="chest", soreness=soreness),
    ]
    state = recompute(events, "chest", at(24))
    assert recovery_score(state.fatigue) == pytest.approx(score)
    later = recompute(events, "chest", at(40))
    tau = tau_hours("chest", "intermediate", later.k)
    assert later.fatigue == pytest.approx(state.fatigue * math.exp(-16 / tau))


def test_checkin_for_another_muscle_changes_nothing() -> None:
    sets: list[SetRecord | CheckIn] = [make_set(0) for _ in range(5)]
    other = [*sets, CheckIn(at=at(10), muscle="biceps", soreness=10)]
    assert recompute(other, "chest", at(20)) == recompute(sets, "chest", at(20))


def test_checkin_score_rejects_out_of_range_soreness() -> None:
    with pytest.raises(ValueError):
        checkin_score(11)


@pytest.mark.parametrize(
    ("k", "predicted", "reported", "expected"),
    [
        (1.0, 50.0, 60.0, 0.8 + 0.2 * math.log(100 / 60) / math.log(2)),
        (1.0, 50.0, 20.0, 1.2),  # ratio ln5/ln2 > 2 is clamped to 2
        (1.0, 50.0, 84.0, 0.9),  # ratio < 0.5 is clamped to 0.5
        (1.5, 40.0, 20.0, 1.6),  # k is clamped above
        (0.65, 40.0, 92.0, 0.6),  # and below
        (1.3, 99.0, 20.0, 1.3),  # P >= 99: nothing to learn
        (1.3, 99.5, 20.0, 1.3),
        (1.3, 50.0, 100.0, 1.3),  # R = 100: nothing to learn
        (1.0, 0.0, 60.0, 0.9),  # an underflowed prediction counts as far too pessimistic
    ],
)
def test_k_update_rule(k: float, predicted: float, reported: float, expected: float) -> None:
    assert updated_k(k, predicted, reported) == pytest.approx(expected)


def test_k_applies_only_from_the_checkin_onwards() -> None:
    sets: list[SetRecord | CheckIn] = [make_set(0) for _ in range(10)]
    # Predicted ~74 at 48 h; reporting soreness 8 (score 36) says this lifter is slower.
    checkin = CheckIn(at=at(48), muscle="chest", soreness=8)
    with_checkin = [*sets, checkin]
    before = recompute(with_checkin, "chest", at(47))
    assert before == recompute(sets, "chest", at(47))
    after = recompute(with_checkin, "chest", at(60))
    assert after.k > 1.0
    expected = C.f_ref * math.log(100 / 36) * math.exp(-12 / tau_hours("chest", k=after.k))
    assert after.fatigue == pytest.approx(expected)
    # A second check-in predicts with the learnt k, not the default.
    second = CheckIn(at=at(60), muscle="chest", soreness=8)
    learnt = recompute([*with_checkin, second], "chest", at(60)).k
    predicted = recovery_score(after.fatigue)
    assert learnt == pytest.approx(updated_k(after.k, predicted, 36.0))


def test_constants_can_be_overridden() -> None:
    slower = replace(DEFAULT_CONSTANTS, recovery_hours={**C.recovery_hours, "chest": 96.0})
    assert tau_hours("chest", constants=slower) == pytest.approx(tau_hours("chest") * 96 / 72)
    with pytest.raises(ValueError):
        replace(DEFAULT_CONSTANTS, recovery_hours={"chest": 72.0})


@pytest.mark.parametrize("muscle", MUSCLE_GROUPS, ids=lambda m: m.slug)
def test_the_model_recovers_each_muscle_in_the_catalog_hours(muscle: MuscleGroupInfo) -> None:
    # The catalog's table is stored in the database and shown by the API; T_m must be the same.
    assert DEFAULT_CONSTANTS.recovery_hours[muscle.slug] == muscle.recovery_hours
    assert set(DEFAULT_CONSTANTS.recovery_hours) == MUSCLE_SLUGS


def test_main_cause_is_the_session_weighing_most_now() -> None:
    old_heavy = [make_set(0, exercise_id=1) for _ in range(8)]
    recent_light = [make_set(30, exercise_id=2, rpe=6.0) for _ in range(2)]
    cause = main_cause([*old_heavy, *recent_light], "chest", at(31), tau_hours("chest"))
    assert cause is not None and cause.exercise_id == 1
    assert main_cause(recent_light, "biceps", at(31), tau_hours("biceps")) is None


def test_muscle_report_renders_state_and_recent_sets() -> None:
    sets = [make_set(0, primary=("chest",), secondary=("triceps",)) for _ in range(10)]
    state = recompute(sets, "chest", at(24))
    report = muscle_report("chest", state, at(24), sets)
    assert report.recovery_score == pytest.approx(recovery_score(state.fatigue))
    assert report.status == "recovering"
    assert report.last_trained_at == at(0)
    assert report.sets_last_7_days == 10.0
    assert report.ready_at == ready_at(state, at(24), tau_hours("chest"))
    week_later = muscle_report("chest", state, at(24 * 8), sets)
    assert (week_later.sets_last_7_days, week_later.status) == (0.0, "ready")
