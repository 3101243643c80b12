"""Warm-up ramps (gravl.sessions.warmups): loadable, climbing, lighter than the work."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gravl.auth.preferences import Plates, default_plates
from gravl.sessions.plates import LB_KG, is_loadable, load
from gravl.sessions.warmups import WarmupSet, warmup_sets

KG = default_plates("kg")
LB = default_plates("lb")


def lb(pounds: float) -> float:
    return pounds * LB_KG


def _shown(sets: tuple[WarmupSet, ...], unit_kg: float = 1.0) -> list[tuple[float, int]]:
    """The ramp as (weight in the unit, reps)."""
    return [(round(s.weight_kg / unit_kg, 1), s.reps) for s in sets]


def test_a_five_rep_squat_at_100_kg() -> None:
    """The empty bar, then even jumps to the work: 40, 60, 80 kg for 5, 3, 2."""
    sets = warmup_sets(100, 5, "barbell", KG)
    assert _shown(sets) == [(20, 10), (40, 5), (60, 3), (80, 2)]
    assert [s.per_side for s in sets] == [(), (10,), (20,), (25, 5)]


def test_heavy_low_reps_end_on_a_single() -> None:
    # Jumps of 30 from the bar: 50, 80, 110.
    assert _shown(warmup_sets(140, 3, "barbell", KG)) == [(20, 10), (50, 5), (80, 3), (110, 1)]


def test_higher_rep_work_warms_up_with_more_reps() -> None:
    assert _shown(warmup_sets(60, 10, "barbell", KG)) == [(20, 10), (30, 8), (40, 5), (50, 3)]


def test_a_pound_ramp_loads_in_pounds() -> None:
    """225 lb × 5 on a 45 lb bar: jumps of 45 lb."""
    sets = warmup_sets(lb(225), 5, "barbell", LB)
    assert _shown(sets, LB_KG) == [(45, 10), (90, 5), (135, 3), (180, 2)]
    assert sets[2].per_side == (45,)
    # 95 lb: jumps of 12.5 lb, rounded down to what 2.5 lb plates load.
    assert _shown(warmup_sets(lb(95), 5, "barbell", LB), LB_KG) == [
        (45, 10),
        (55, 5),
        (70, 3),
        (80, 2),
    ]


def test_work_at_or_near_the_empty_bar_needs_no_warm_up() -> None:
    for work in (0, 10, 20, 22.5, 25):
        assert warmup_sets(work, 5, "barbell", KG) == (), work
    assert warmup_sets(lb(55), 5, "barbell", LB) == ()
    assert warmup_sets(12.5, 10, "ez_bar", KG) == ()  # a 10 kg EZ bar


def test_steps_too_close_together_are_left_out() -> None:
    """26 kg: jumps of 1.5 kg round down to 20 (the bar again), 22.5 and 22.5 again."""
    assert _shown(warmup_sets(26, 5, "barbell", KG)) == [(20, 10), (22.5, 3)]


def test_an_ez_bar_ramp_starts_from_the_ez_bar() -> None:
    assert _shown(warmup_sets(30, 8, "ez_bar", KG)) == [(10, 10), (15, 8), (20, 5), (25, 3)]


def test_dumbbells_and_machines_take_one_or_two_lighter_sets() -> None:
    assert _shown(warmup_sets(20, 10, "dumbbell", KG)) == [(10, 8), (14, 5)]
    assert _shown(warmup_sets(40, 5, "machine", KG)) == [(20, 5), (30, 3)]
    assert _shown(warmup_sets(lb(50), 8, "dumbbell", LB), LB_KG) == [(25, 8), (35, 5)]
    assert all(s.per_side == () for s in warmup_sets(40, 5, "cable", KG))
    # Fewer than four steps: the work is light enough to start with.
    assert warmup_sets(6, 10, "dumbbell", KG) == ()
    assert warmup_sets(lb(15), 10, "dumbbell", LB) == ()
    assert len(warmup_sets(lb(20), 10, "dumbbell", LB)) == 2


@pytest.mark.parametrize("equipment", [None, "body_only", "bands", "other"])
def test_no_warm_ups_for_what_is_not_loaded(equipment: str | None) -> None:
    assert warmup_sets(60, 5, equipment, KG) == ()


gyms = st.sampled_from(
    [
        KG,
        LB,
        Plates(bar=15, ez_bar=8, plates=[20, 10, 5, 2.5, 0.5], dumbbell_step=1, machine_step=2.5),
        Plates(bar=20, ez_bar=10, plates=[20, 15], dumbbell_step=2.5, machine_step=7),
        Plates(
            unit="lb",
            bar=35,
            ez_bar=20,
            plates=[45, 25, 10, 1.25],
            dumbbell_step=2.5,
            machine_step=5,
        ),
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    gyms,
    st.floats(0, 300),
    st.integers(1, 20),
    st.sampled_from(["barbell", "ez_bar", "dumbbell", "kettlebell", "machine", "cable", None]),
)
def test_every_ramp_climbs_loadably_to_below_the_work(
    plates: Plates, target: float, reps: int, equipment: str | None
) -> None:
    work = load(target, equipment, plates).weight_kg
    sets = warmup_sets(work, reps, equipment, plates)
    weights = [s.weight_kg for s in sets]
    assert weights == sorted(set(weights))  # strictly increasing
    for previous, current in zip(weights, weights[1:], strict=False):
        assert current - previous >= 0.05 * work - 1e-9  # no step within 5% of the last
    assert all(w <= 0.95 * work + 1e-9 for w in weights)  # nor within 5% of the work
    assert all(is_loadable(w, equipment, plates) for w in weights)
    assert all(s.reps >= 1 for s in sets) and len(sets) <= 4
    bar = load(0, equipment, plates)
    if bar.implement in ("barbell", "ez_bar"):
        assert all(s.per_side == load(s.weight_kg, equipment, plates).per_side for s in sets)
        if work <= bar.weight_kg * 1.25:
            assert sets == ()
        else:
            assert sets[0].weight_kg == bar.weight_kg and sets[0].per_side == ()
    else:
        assert all(s.per_side == () for s in sets) and len(sets) <= 2
