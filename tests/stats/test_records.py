from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from gravl.stats.records import personal_records

START = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class LoggedSet:
    exercise_id: int
    log_id: int
    performed_at: datetime
    reps: int | None
    weight_kg: float | None
    rpe: float | None = None
    set_type: str = "normal"


def logged(day: int, reps: int | None, weight: float | None, **fields) -> LoggedSet:
    fields.setdefault("exercise_id", 1)
    return LoggedSet(
        log_id=day, performed_at=START + timedelta(days=day), reps=reps, weight_kg=weight, **fields
    )


def by_type(records):
    return {(r.exercise_id, r.type, r.weight_kg if r.type == "reps" else None): r for r in records}


def test_each_record_type():
    records = by_type(
        personal_records(
            [logged(1, 5, 100), logged(2, 1, 110), logged(3, 10, 90), logged(4, 12, 90)]
        )
    )

    assert (records[1, "weight", None].value, records[1, "weight", None].log_id) == (110, 2)
    # Epley: 90 × (1 + 12/30) = 126 beats 90 × 4/3 = 120, 100 × 7/6 and 110.
    assert records[1, "e1rm", None].value == pytest.approx(126)
    assert records[1, "e1rm", None].log_id == 4
    assert (records[1, "volume", None].value, records[1, "volume", None].log_id) == (1080, 4)
    assert records[1, "reps", 90].value == 12
    assert records[1, "reps", 100].value == 5
    assert records[1, "reps", 110].value == 1
    assert len(records) == 6


def test_warmups_never_count():
    records = personal_records([logged(1, 5, 100), logged(2, 5, 200, set_type="warmup")])

    assert by_type(records)[1, "weight", None].value == 100
    assert all(r.log_id == 1 for r in records)


def test_ties_keep_the_earliest_achievement_whatever_the_order():
    later, earlier = logged(5, 5, 100), logged(2, 5, 100)

    records = personal_records([later, earlier])

    assert {r.log_id for r in records} == {2}


def test_rpe_is_used_for_e1rm():
    records = by_type(personal_records([logged(1, 3, 100, rpe=8)]))

    assert records[1, "e1rm", None].value == pytest.approx(100 / 0.863)


def test_bodyweight_sets_only_hold_reps_records():
    records = personal_records([logged(1, 12, None), logged(2, 15, 0)])

    assert [(r.type, r.weight_kg, r.value, r.log_id) for r in records] == [("reps", None, 15, 2)]


def test_sets_over_twelve_reps_hold_no_e1rm():
    records = by_type(personal_records([logged(1, 20, 50)]))

    assert (1, "e1rm", None) not in records
    assert records[1, "volume", None].value == 1000


def test_exercises_are_separate_and_sorted():
    records = personal_records([logged(1, 5, 100, exercise_id=2), logged(1, 5, 60, exercise_id=1)])

    assert [r.exercise_id for r in records] == [1, 1, 1, 1, 2, 2, 2, 2]
    assert [r.type for r in records[:4]] == ["weight", "e1rm", "volume", "reps"]


def test_float_noise_does_not_split_a_weight():
    records = personal_records([logged(1, 5, 61.2349), logged(2, 6, 61.235)])

    reps_records = [r for r in records if r.type == "reps"]
    assert [(r.value, r.log_id) for r in reps_records] == [(6, 2)]


def test_failed_sets_without_reps_hold_nothing():
    assert personal_records([logged(1, 0, 200), logged(1, None, 200)]) == []
