"""The server-drawn charts: every point inside the plot, ticks that read well, heat levels."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gravl.web.charts import heat_level, line_chart, nice_step


@pytest.mark.parametrize(
    ("span", "count", "step"), [(30, 4, 10), (7, 4, 2), (100, 4, 25), (0.9, 4, 0.25)]
)
def test_nice_steps_are_one_two_or_five(span: float, count: int, step: float) -> None:
    assert nice_step(span, count) == pytest.approx(step)


@given(st.lists(st.one_of(st.none(), st.floats(0, 500)), min_size=1, max_size=40))
def test_every_point_lies_inside_the_plot(values: list[float | None]) -> None:
    days = [date(2025, 1, 1) + timedelta(days=3 * i) for i in range(len(values))]
    chart = line_chart(days, [("e1RM", "s", values)], lambda v: f"{v:g}")
    (series,) = chart.series
    assert len(series.points) == sum(v is not None for v in values)
    for point in series.points:
        assert chart.left - 0.1 <= point.x <= chart.right + 0.1
        assert chart.top - 0.1 <= point.y <= chart.bottom + 0.1
    assert [t.at for t in chart.y_ticks] == sorted((t.at for t in chart.y_ticks), reverse=True)
    assert chart.x_ticks[0].anchor == ("middle" if len(chart.x_ticks) == 1 else "start")


def test_a_chart_names_each_point() -> None:
    chart = line_chart(
        [date(2025, 3, 1), date(2025, 3, 8)],
        [("Top weight", "t", [100.0, 102.5])],
        "{:g} kg".format,
    )
    assert [p.label for p in chart.series[0].points] == [
        "Top weight 01 Mar 2025: 100 kg",
        "Top weight 08 Mar 2025: 102.5 kg",
    ]
    assert chart.series[0].path.startswith("M") and " L" in chart.series[0].path


@pytest.mark.parametrize(("sets", "level"), [(0, 0), (2, 1), (5, 2), (10, 3), (14.5, 3), (15, 4)])
def test_heat_levels_follow_the_weekly_target(sets: float, level: int) -> None:
    assert heat_level(sets, 10) == level
