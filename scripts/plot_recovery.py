"""Draw docs/img/recovery-curves.png: the model's recovery after a reference session.

Run from the repository root: `.venv/bin/python scripts/plot_recovery.py [output.png]`.
The image is deterministic (fixed size, dpi and fonts; no timestamp metadata), so a changed
PNG in a diff means the model changed.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402

from gravl.recovery.model import (  # noqa: E402
    DEFAULT_CONSTANTS,
    SetRecord,
    recompute,
    recovery_score,
)

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "img" / "recovery-curves.png"
START = datetime(2025, 1, 6, 18, 0, tzinfo=UTC)
HOURS = [quarter / 4 for quarter in range(0, 96 * 4 + 1)]
MUSCLES = [("chest", "#c0392b"), ("biceps", "#2471a3"), ("abdominals", "#229954")]


def curve(muscle: str) -> list[float]:
    """Score after ten sets at RPE 9 on `muscle` as the primary mover, hour by hour."""
    session = [
        SetRecord(START, 1, (muscle,), (), 8, 9.0, "normal", None, novel=False) for _ in range(10)
    ]
    return [
        recovery_score(recompute(session, muscle, START + timedelta(hours=h)).fatigue)
        for h in HOURS
    ]


def main(output: Path) -> None:
    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 10})
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=100)
    c = DEFAULT_CONSTANTS
    axes.axhspan(0, c.fatigued_below, color="#f5b7b1", alpha=0.35, linewidth=0)
    axes.axhspan(c.ready_score, 100, color="#abebc6", alpha=0.35, linewidth=0)
    axes.axhline(c.ready_score, color="#1e8449", linewidth=1, linestyle="--")
    axes.axhline(c.fatigued_below, color="#922b21", linewidth=1, linestyle="--")
    axes.text(1, c.ready_score + 2.5, "ready (90% and up)", ha="left", color="#1e8449")
    axes.text(95, c.fatigued_below - 5, "fatigued (under 30%)", ha="right", color="#922b21")
    for muscle, colour in MUSCLES:
        hours_to_ready = c.recovery_hours[muscle]
        label = f"{muscle} (90% after {hours_to_ready:g} h)"
        axes.plot(HOURS, curve(muscle), color=colour, linewidth=2, label=label)
    axes.set_xlim(0, 96)
    axes.set_ylim(0, 100)
    axes.set_xticks(range(0, 97, 12))
    axes.set_yticks(range(0, 101, 10))
    axes.set_xlabel("hours after the session")
    axes.set_ylabel("recovery score (%)")
    axes.set_title("Recovery after 10 hard sets (RPE 9) on one muscle group")
    axes.grid(color="#dddddd", linewidth=0.6)
    axes.legend(loc="center right", frameon=True)
    figure.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    # Without a Software entry (and PNG has no date by default) the bytes depend on the
    # model and matplotlib alone.
    figure.savefig(output, dpi=100, metadata={"Software": None})
    plt.close(figure)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
