"""Draw the recovery model's curves for docs/recovery.md.

docs/img/recovery-curves.png: recovery after a reference session on three muscles.
docs/img/fatigue-curves.png: quadriceps after lifting without RPE (rated from load), after
cardio of different intensities, and after a check-in.

Run from the repository root: `.venv/bin/python scripts/plot_recovery.py [output directory]`.
The image is deterministic (fixed size, dpi and fonts; no timestamp metadata), so a changed
PNG in a diff means the model changed.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

from gravl.recovery.model import (  # noqa: E402
    DEFAULT_CONSTANTS,
    CheckIn,
    SetRecord,
    rated_rpe,
    recompute,
    recovery_score,
)

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "img"
START = datetime(2025, 1, 6, 18, 0, tzinfo=UTC)
HOURS = [quarter / 4 for quarter in range(0, 96 * 4 + 1)]
MUSCLES = [("chest", "#c0392b"), ("biceps", "#2471a3"), ("abdominals", "#229954")]


def curve(muscle: str) -> list[float]:
    """Score after ten sets at RPE 9 on `muscle` as the primary mover, hour by hour."""
    session = [SetRecord(START, 1, (muscle,), (), 8, 9.0, "normal", None) for _ in range(10)]
    return [
        recovery_score(recompute(session, muscle, START + timedelta(hours=h)).fatigue)
        for h in HOURS
    ]


def _bands(axes: Any, hours: float) -> None:
    c = DEFAULT_CONSTANTS
    axes.axhspan(0, c.fatigued_below, color="#f5b7b1", alpha=0.35, linewidth=0)
    axes.axhspan(c.ready_score, 100, color="#abebc6", alpha=0.35, linewidth=0)
    axes.axhline(c.ready_score, color="#1e8449", linewidth=1, linestyle="--")
    axes.axhline(c.fatigued_below, color="#922b21", linewidth=1, linestyle="--")
    axes.set_xlim(0, hours)
    axes.set_ylim(0, 100)
    axes.set_xticks(range(0, int(hours) + 1, 12))
    axes.set_yticks(range(0, 101, 10))
    axes.grid(color="#dddddd", linewidth=0.6)


def _save(figure: Any, output: Path) -> None:
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    # Without a Software entry (and PNG has no date by default) the bytes depend on the
    # model and matplotlib alone.
    figure.savefig(output, dpi=100, metadata={"Software": None})
    plt.close(figure)


def reference_curves(output: Path) -> None:
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    c = DEFAULT_CONSTANTS
    _bands(axes, 96)
    axes.text(1, c.ready_score + 2.5, "ready (90% and up)", ha="left", color="#1e8449")
    axes.text(95, c.fatigued_below - 5, "fatigued (under 30%)", ha="right", color="#922b21")
    for muscle, colour in MUSCLES:
        hours_to_ready = c.recovery_hours[muscle]
        label = f"{muscle} (90% after {hours_to_ready:g} h)"
        axes.plot(HOURS, curve(muscle), color=colour, linewidth=2, label=label)
    axes.set_xlabel("hours after the session")
    axes.set_ylabel("recovery score (%)")
    axes.set_title("Recovery after 10 hard sets (RPE 9) on one muscle group")
    axes.legend(loc="center right", frameon=True)
    _save(figure, output)


def _quads(events: list[SetRecord | CheckIn]) -> list[float]:
    return [
        recovery_score(recompute(events, "quadriceps", START + timedelta(hours=h)).fatigue)
        for h in HOURS
    ]


def _squats(count: int, reps: int, weight: float | None, rpe: float | None) -> list[SetRecord]:
    return [
        SetRecord(START, 1, ("quadriceps",), ("glutes",), reps, rpe, "normal", None,
                  weight_kg=weight, best_e1rm_kg=100.0)
        for _ in range(count)
    ]  # fmt: skip


def _cardio(sets: int, minutes: float, rpe: float) -> list[SetRecord]:
    return [
        SetRecord(START, 2, ("quadriceps",), ("calves",), None, rpe, "normal",
                  int(minutes * 60), kind="cardio")
        for _ in range(sets)
    ]  # fmt: skip


def fatigue_curves(output: Path) -> None:
    figure, (lifting, cardio, checkin) = plt.subplots(1, 3, figsize=(13, 4.2), dpi=100)
    for axes in (lifting, cardio, checkin):
        _bands(axes, 96)
        axes.set_xlabel("hours after the session")
    lifting.set_ylabel("quadriceps recovery score (%)")
    lifting.set_title("Squats without RPE, rated from load\n(best e1RM 100 kg)")
    for weight, colour in ((85.0, "#c0392b"), (78.0, "#d68910"), (40.0, "#229954")):
        sets = _squats(5, 5, weight, None)
        rpe = rated_rpe(sets[0])
        rated = "RPE ≤ 5" if rpe is None or rpe <= 5 else f"≈ RPE {rpe:.1f}"
        label = f"5×5 at {weight:g} kg ({rated})"
        lifting.plot(HOURS, _quads(list(sets)), color=colour, linewidth=2, label=label)
    cardio.set_title("Cardio by intensity and time")
    for label, sets, colour in (
        ("5 × 2 min rowing, RPE 10", _cardio(5, 2, 10.0), "#c0392b"),
        ("30 min run, RPE 7", _cardio(1, 30, 7.0), "#d68910"),
        ("60 min walk, RPE 3", _cardio(1, 60, 3.0), "#229954"),
    ):
        cardio.plot(HOURS, _quads(list(sets)), color=colour, linewidth=2, label=label)
    checkin.set_title("10 sets of squats at RPE 9.5,\nthen a check-in at 30 h")
    brutal = _squats(10, 8, None, 9.5)
    at_30 = START + timedelta(hours=30)
    for label, events, colour in (
        ("no check-in", list(brutal), "#7f8c8d"),
        ("soreness 0 at 30 h", [*brutal, CheckIn(at_30, "quadriceps", 0)], "#229954"),
        ("soreness 8 at 30 h", [*brutal, CheckIn(at_30, "quadriceps", 8)], "#c0392b"),
    ):
        checkin.plot(HOURS, _quads(events), color=colour, linewidth=2, label=label)
    for axes in (lifting, cardio, checkin):
        axes.legend(loc="lower right", frameon=True, fontsize=8)
    _save(figure, output)


def main(directory: Path) -> None:
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 10})
    reference_curves(directory / "recovery-curves.png")
    fatigue_curves(directory / "fatigue-curves.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
