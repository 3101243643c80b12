"""Charts drawn on the server as SVG: no chart library to ship, nothing to lay out late.

The functions here only place points in a viewBox; templates draw them with CSS classes (the
CSP allows no inline styles) and each chart comes with a table holding the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Series:
    name: str
    css: str
    path: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class Tick:
    at: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: the outermost dates stay inside the chart


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def nice_step(span: float, count: int) -> float:
    """A 1-2-5 step giving about ``count`` intervals over ``span``."""
    raw = max(span, 1e-9) / count
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * magnitude >= raw)


def line_chart(
    days: Sequence[date],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    value_label: Callable[[float], str],
    *,
    width: int = 420,
    height: int = 220,
) -> LineChart:
    """Lines over time: (name, css class, one value or None per day) for each series."""
    left, right, top, bottom = 58.0, width - 14.0, 12.0, height - 28.0
    values = [v for _, _, column in series for v in column if v is not None]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    step = nice_step(high - low or high or 1.0, 4)
    low = math.floor(low / step) * step
    high = max(math.ceil(high / step) * step, low + step)
    first, last = (days[0], days[-1]) if days else (date.today(), date.today())
    span_days = max((last - first).days, 1)

    def x_of(day: date) -> float:
        if len(days) == 1:
            return (left + right) / 2
        return left + (right - left) * (day - first).days / span_days

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / (high - low)

    drawn = []
    for name, css, column in series:
        points = tuple(
            Point(
                round(x_of(day), 1),
                round(y_of(v), 1),
                f"{name} {day.strftime('%d %b %Y')}: {value_label(v)}",
            )
            for day, v in zip(days, column, strict=True)
            if v is not None
        )
        path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(points))
        drawn.append(Series(name, css, path, points))
    y_ticks = tuple(
        Tick(round(y_of(low + i * step), 1), value_label(low + i * step))
        for i in range(round((high - low) / step) + 1)
    )
    x_ticks: tuple[Tick, ...] = ()
    if days:
        count = min(len(days), 4)
        picks = sorted({days[round(i * (len(days) - 1) / max(count - 1, 1))] for i in range(count)})
        x_ticks = tuple(
            Tick(
                round(x_of(d), 1),
                d.strftime("%d %b"),
                _anchor(i, len(picks)),
            )
            for i, d in enumerate(picks)
        )
    return LineChart(width, height, left, right, top, bottom, tuple(drawn), x_ticks, y_ticks)


def _anchor(index: int, count: int) -> str:
    if count == 1 or 0 < index < count - 1:
        return "middle"
    return "start" if index == 0 else "end"


def heat_level(sets: float, weekly_target: float) -> int:
    """0-4 shading for a week's sets against the muscle's weekly target (RECOVERY.md)."""
    if sets <= 0:
        return 0
    share = sets / weekly_target
    return 1 if share < 0.5 else 2 if share < 1 else 3 if share < 1.5 else 4
