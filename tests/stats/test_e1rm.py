import pytest

from gravl.stats.e1rm import RPE_PERCENT_OF_1RM, estimate_1rm, percent_of_1rm, set_volume


@pytest.mark.parametrize(
    ("weight", "reps", "expected"),
    [(100, 1, 100), (100, 5, 100 * (1 + 5 / 30)), (60, 10, 80), (100, 12, 140)],
)
def test_epley(weight, reps, expected):
    assert estimate_1rm(weight, reps) == pytest.approx(expected)


def test_the_rpe_chart_is_the_one_in_formats_md():
    assert list(RPE_PERCENT_OF_1RM.values()) == [
        100, 95.5, 92.2, 89.2, 86.3, 83.7, 81.1, 78.6, 76.2, 73.9, 70.7, 68.0
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("weight", "reps", "rpe", "percent"),
    [
        (100, 1, 10, 100.0),
        (100, 5, 10, 86.3),
        (100, 3, 8, 86.3),  # 3 reps + 2 in reserve = 5
        (100, 5, 8.5, (83.7 + 81.1) / 2),  # n = 6.5 is halfway between 6 and 7
        (100, 1, 9.5, (100 + 95.5) / 2),
        (100, 10, 8, 68.0),
    ],
)
def test_rpe_chart(weight, reps, rpe, percent):
    assert estimate_1rm(weight, reps, rpe) == pytest.approx(weight * 100 / percent)


@pytest.mark.parametrize(
    ("weight", "reps", "rpe", "set_type"),
    [
        (100, 13, None, "normal"),
        (100, 12, 9, "normal"),  # n = 13
        (100, 5, 1, "normal"),
        (100, 5, None, "warmup"),
        (None, 5, None, "normal"),
        (0, 5, None, "normal"),
        (100, 0, None, "normal"),
        (100, None, None, "normal"),
    ],
)
def test_no_estimate(weight, reps, rpe, set_type):
    assert estimate_1rm(weight, reps, rpe, set_type=set_type) is None


def test_percent_outside_the_chart():
    assert percent_of_1rm(0.5) is None
    assert percent_of_1rm(12.5) is None
    assert percent_of_1rm(12) == 68.0


def test_set_volume():
    assert set_volume(100, 5) == 500
    assert set_volume(100, 5, set_type="drop") == 500
    assert set_volume(100, 5, set_type="warmup") == 0
    assert set_volume(None, 12) == 0
    assert set_volume(60, None) == 0


def test_summarise_sets_is_what_a_log_stores() -> None:
    from types import SimpleNamespace

    from gravl.stats.e1rm import summarise_sets

    sets = [
        SimpleNamespace(weight_kg=40.0, reps=10, rpe=None, set_type="warmup"),
        SimpleNamespace(weight_kg=100.0, reps=5, rpe=8.0, set_type="normal"),
        SimpleNamespace(weight_kg=90.0, reps=8, rpe=None, set_type="normal"),
        SimpleNamespace(weight_kg=None, reps=12, rpe=None, set_type="normal"),
    ]
    volume, best = summarise_sets(sets)
    assert volume == 5 * 100 + 8 * 90  # the warm-up and the bodyweight set move nothing
    assert best == round(max(100 / 0.811, 90 * (1 + 8 / 30)), 2)
    assert summarise_sets([]) == (0.0, None)
    assert summarise_sets(sets[:1]) == (0.0, None)
