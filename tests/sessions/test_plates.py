"""Plate math (gravl.sessions.plates): the weights a lifter can load, and the plates for them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gravl.auth.preferences import Plates, default_plates
from gravl.sessions.plates import (
    LB_KG,
    MAX_PER_SIDE_KG,
    heavier,
    implement_of,
    is_loadable,
    load,
)
from gravl.vocabulary import Equipment

KG = default_plates("kg")
LB = default_plates("lb")


def lb(pounds: float) -> float:
    return pounds * LB_KG


def test_the_catalogs_equipment_maps_to_what_is_loaded() -> None:
    expected = {
        "barbell": "barbell",
        "ez_bar": "ez_bar",
        "dumbbell": "dumbbell",
        "kettlebell": "dumbbell",
        "machine": "machine",
        "cable": "machine",
    }
    for equipment in [*Equipment.__args__, None, "unheard of"]:  # type: ignore[attr-defined]
        assert implement_of(equipment) == expected.get(equipment or "", "none"), equipment


def test_kg_defaults_round_to_the_nearest_pair_of_small_plates() -> None:
    assert load(100, "barbell", KG).per_side == (25, 15)
    found = load(61.3, "barbell", KG)
    assert (found.weight_kg, found.weight, found.unit) == (62.5, 62.5, "kg")
    assert found.per_side == (20, 1.25) and found.implement == "barbell"
    assert load(61.2, "barbell", KG).weight_kg == 60  # 1.2 from 60, 1.3 from 62.5
    assert load(61.25, "barbell", KG).weight_kg == 60  # a tie goes to the lighter
    assert load(137.4, "barbell", KG).per_side == (25, 25, 5, 2.5, 1.25)


def test_lb_defaults_count_in_pounds() -> None:
    found = load(100, "barbell", LB)  # 220.46 lb
    assert (found.weight, found.unit, found.per_side) == (220, "lb", (45, 35, 5, 2.5))
    assert found.weight_kg == round(lb(220), 3)
    assert load(lb(315), "barbell", LB).per_side == (45, 45, 45)
    # A weight given back rounded to three decimals of a kg stays where it is.
    assert load(round(lb(225), 3), "barbell", LB, rounding="down").weight == 225
    assert load(round(lb(225), 3), "barbell", LB, rounding="up").weight == 225
    assert is_loadable(round(lb(225), 3), "barbell", LB)
    assert heavier(round(lb(225), 3), "barbell", LB).weight == 230


def test_the_fewest_plates_not_the_largest_first() -> None:
    """Greedy takes a 20 for 30 a side and is stuck; 15 + 15 loads it."""
    plates = Plates(bar=20, ez_bar=10, plates=[20, 15], dumbbell_step=2, machine_step=5)
    found = load(80, "barbell", plates)
    assert (found.weight_kg, found.per_side) == (80, (15, 15))
    assert is_loadable(80, "barbell", plates)
    # 25 a side cannot be made: 70 is between 60 (20) and 80 (15 + 15).
    assert not is_loadable(70, "barbell", plates)
    assert load(70, "barbell", plates).weight_kg == 60  # a tie goes to the lighter
    assert load(72, "barbell", plates).weight_kg == 80
    assert load(70, "barbell", plates, rounding="up").weight_kg == 80
    assert load(79, "barbell", plates, rounding="down").weight_kg == 60
    assert heavier(60, "barbell", plates).weight_kg == 80
    assert heavier(20, "barbell", plates).per_side == (15,)


def test_never_below_the_empty_bar() -> None:
    for target in (-10, 0, 5, 19.9, 20):
        for rounding in ("nearest", "down", "up"):
            found = load(target, "barbell", KG, rounding=rounding)  # type: ignore[arg-type]
            assert (found.weight_kg, found.per_side) == (20, ()), (target, rounding)
    assert load(3, "ez_bar", KG).weight_kg == 10
    assert load(0, "barbell", LB).weight == 45
    assert not is_loadable(15, "barbell", KG)
    assert heavier(0, "barbell", KG).weight_kg == 20
    assert heavier(20, "barbell", KG).weight_kg == 22.5


def test_rounding_up_down_and_nearest() -> None:
    assert load(101, "barbell", KG, rounding="down").weight_kg == 100
    assert load(101, "barbell", KG, rounding="up").weight_kg == 102.5
    assert load(101, "barbell", KG).weight_kg == 100
    assert load(101.5, "barbell", KG).weight_kg == 102.5
    # An exact weight is its own rounding, any way.
    for rounding in ("nearest", "down", "up"):
        assert load(102.5, "barbell", KG, rounding=rounding).weight_kg == 102.5  # type: ignore[arg-type]
    assert heavier(101, "barbell", KG).weight_kg == 102.5
    assert heavier(102.5, "barbell", KG).weight_kg == 105


def test_dumbbells_and_machines_go_in_whole_steps() -> None:
    found = load(13, "dumbbell", KG)
    assert (found.weight_kg, found.per_side, found.implement) == (12, (), "dumbbell")
    assert load(13, "kettlebell", KG, rounding="up").weight_kg == 14
    assert load(0.4, "dumbbell", KG).weight_kg == 2  # at least one step
    assert load(-3, "machine", KG, rounding="down").weight_kg == 5
    assert load(47, "cable", KG).weight_kg == 45
    assert load(lb(47), "machine", LB).weight == 50
    assert load(lb(33), "dumbbell", LB, rounding="down").weight == 30
    assert heavier(12, "dumbbell", KG).weight_kg == 14
    assert heavier(lb(50), "cable", LB).weight == 60
    assert is_loadable(lb(35), "dumbbell", LB) and not is_loadable(lb(36), "dumbbell", LB)


@pytest.mark.parametrize("equipment", [None, "body_only", "bands", "other", "medicine_ball"])
def test_other_loads_are_kept_to_a_tenth(equipment: str | None) -> None:
    found = load(53.27, equipment, KG)
    assert (found.weight_kg, found.per_side, found.implement) == (53.3, (), "none")
    assert load(53.27, equipment, LB).weight == 117.4  # a tenth of a pound
    assert load(0, equipment, KG).weight_kg == 0
    assert is_loadable(12.5, equipment, KG) and not is_loadable(12.55, equipment, KG)
    assert heavier(12.5, equipment, KG).weight_kg == 12.6


def test_targets_beyond_the_cap_load_the_heaviest() -> None:
    heaviest = 20 + 2 * MAX_PER_SIDE_KG
    assert load(5000, "barbell", KG).weight_kg == heaviest
    assert load(5000, "barbell", KG, rounding="up").weight_kg == heaviest
    assert heavier(heaviest, "barbell", KG).weight_kg == heaviest
    assert not is_loadable(heaviest + 2.5, "barbell", KG)
    assert load(5000, "barbell", LB).weight <= 45 + 2 * MAX_PER_SIDE_KG / LB_KG


# Plates as gyms have them: sizes in quarter units, so each table stays small and the property
# runs fast; the unusual sets (no small plate, sizes sharing no step) are what it is for.
plate_sizes = st.lists(
    st.one_of(
        st.sampled_from([0.25, 0.5, 1, 1.25, 2, 2.5, 5, 10, 15, 20, 25, 35, 45]),
        st.integers(1, 200).map(lambda quarters: quarters / 4),
    ),
    min_size=1,
    max_size=7,
)
gyms = st.builds(
    Plates,
    unit=st.sampled_from(["kg", "lb"]),
    bar=st.integers(10, 120).map(lambda halves: halves / 2),
    ez_bar=st.integers(10, 60).map(lambda halves: halves / 2),
    plates=plate_sizes,
    dumbbell_step=st.sampled_from([0.5, 1, 1.25, 2, 2.5, 5]),
    machine_step=st.sampled_from([1, 2.5, 5, 7, 10]),
)
equipment = st.sampled_from(["barbell", "ez_bar", "dumbbell", "kettlebell", "cable", None])


def _unit_kg(plates: Plates) -> float:
    return 1.0 if plates.unit == "kg" else LB_KG


@settings(max_examples=200, deadline=None)
@given(gyms, st.floats(0, 400), equipment)
def test_every_loading_is_loadable_and_the_nearest(
    plates: Plates, target: float, equipment: str | None
) -> None:
    found = load(target, equipment, plates)
    assert is_loadable(found.weight_kg, equipment, plates)
    assert found.weight_kg == pytest.approx(found.weight * _unit_kg(plates), abs=0.0006)
    down = load(target, equipment, plates, rounding="down")
    up = load(target, equipment, plates, rounding="up")
    assert down.weight <= found.weight <= up.weight
    assert found.weight in (down.weight, up.weight)
    if found.implement in ("barbell", "ez_bar"):
        bar = plates.bar if found.implement == "barbell" else plates.ez_bar
        assert found.weight == pytest.approx(bar + 2 * sum(found.per_side))
        assert list(found.per_side) == sorted(found.per_side, reverse=True)
        assert set(found.per_side) <= set(plates.plates)
        lightest = bar
    else:
        assert found.per_side == ()
        lightest = plates.dumbbell_step if found.implement == "dumbbell" else plates.machine_step
    # Inside the range the weights around the target are the nearest ones: nothing lies between.
    in_unit = target / _unit_kg(plates)
    if in_unit >= lightest:
        # (within the tolerance for a weight rounded to three decimals of a kg)
        assert down.weight <= in_unit + 0.002 and up.weight >= in_unit - 0.002
        assert abs(found.weight - in_unit) <= abs(up.weight - in_unit) + 1e-6
        assert abs(found.weight - in_unit) <= abs(down.weight - in_unit) + 1e-6
    if up.weight > down.weight:
        assert heavier(down.weight_kg, equipment, plates).weight == up.weight
    # With the smallest plate dividing the others, every pair of it is a step: the nearest weight
    # is at most half a step (one smallest plate) away.
    smallest = min(plates.plates)
    dense = all(size % smallest == 0 for size in plates.plates)
    if found.implement in ("barbell", "ez_bar") and dense and in_unit >= lightest:
        assert abs(found.weight - in_unit) <= smallest + 1e-6
    step = heavier(found.weight_kg, equipment, plates)
    assert step.weight > found.weight
    assert is_loadable(step.weight_kg, equipment, plates)


def _fewest_by_search(sizes: list[float], limit: float) -> dict[int, int]:
    """Every per-side sum up to ``limit`` (in quarters) with the fewest plates making it,
    found the slow way: breadth first, one plate at a time."""
    quarters = [round(size * 4) for size in sizes]
    fewest = {0: 0}
    frontier = [0]
    while frontier:
        following = []
        for total in frontier:
            for size in quarters:
                if total + size <= limit * 4 and total + size not in fewest:
                    fewest[total + size] = fewest[total] + 1
                    following.append(total + size)
        frontier = following
    return fewest


@settings(max_examples=100, deadline=None)
@given(gyms)
def test_stepping_up_from_the_bar_finds_every_sum_with_the_fewest_plates(plates: Plates) -> None:
    """Step by step from the empty bar, the weights are the bar and every per-side sum up to 60
    in order, each with as few plates as a breadth-first search needs."""
    fewest = _fewest_by_search(plates.plates, 60)
    weight = load(0, "barbell", plates)
    for total in sorted(fewest):
        assert weight.weight == pytest.approx(plates.bar + 2 * total / 4)
        assert len(weight.per_side) == fewest[total], (total, weight.per_side)
        weight = heavier(weight.weight_kg, "barbell", plates)
