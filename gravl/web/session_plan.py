"""A session's targets as the pages show them: lines to read at the rack.

The API's shapes are the source (``gravl.sessions.router``: ``today_out`` for a day's plan,
``session_out`` for a started session); this module turns their sets into lines such as
"5 × 5 @ 20 kg · rest 3 min" and "20 + 1.25 kg a side". ``gravl.web.session_form`` holds the
started session's next-set form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.lifter import Lifter
from gravl.cache import Caches
from gravl.sessions import service as sessions
from gravl.sessions.plates import implement_of
from gravl.sessions.router import today_out
from gravl.sessions.schemas import PlannedExerciseOut, TargetSetOut, WarmupSetOut
from gravl.training.schedule import local_today
from gravl.web.templating import weight

# What is loaded with plates on a bar: its targets say what goes on each side.
BAR_IMPLEMENTS = frozenset({"barbell", "ez_bar"})


def long_date(day: date) -> str:
    """A day as the pages name it: Tuesday 1 December."""
    return f"{day:%A} {day.day} {day:%B}"


def rest_text(seconds: int) -> str:
    """A rest as a lifter says it: "45 s", "90 s", "2 min 30 s", "3 min"."""
    minutes, left = divmod(seconds, 60)
    if minutes == 0 or (left and minutes < 2):
        return f"{seconds} s"
    return f"{minutes} min" + (f" {left} s" if left else "")


def plates_text(per_side: Sequence[float], plate_unit: str) -> str:
    """What goes on each side of the bar, largest first; nothing: the empty bar."""
    if not per_side:
        return "Empty bar"
    return " + ".join(f"{plate:g}" for plate in per_side) + f" {plate_unit} a side"


def reps_text(reps: int) -> str:
    return "1 rep" if reps == 1 else f"{reps} reps"


def rpe_text(rpe: float | None) -> str | None:
    return None if rpe is None else f"RPE {rpe:g}"


def asks_for_weight(target: TargetSetOut) -> bool:
    """A load without a weight: done for the first time, the lifter picks one that leaves
    reps in reserve (the target RPE), and the next session builds on it (docs/sessions.md)."""
    return (
        target.target_weight_kg is None
        and target.target_rpe is not None
        and target.target_duration_s is None
    )


@dataclass(frozen=True)
class Line:
    """Sets in a row with one target (a single set on the session page), ready to read."""

    text: str  # "5 × 5 @ 20 kg", "5 reps @ 22.5 kg", "3 × 30 s"
    rpe: str | None  # "RPE 8"
    rest: str | None  # "rest 3 min"
    plates: str | None  # bar exercises: "Empty bar", "20 + 1.25 kg a side"
    adapted: bool = False  # re-targeted after the set before


def target_line(
    target: TargetSetOut, units: str, plate_unit: str, bar: bool, sets: int | None = None
) -> Line:
    """``sets`` sets of ``target`` ("5 × 5 @ 20 kg"), or that one set ("5 reps @ 20 kg")."""
    if target.target_duration_s is not None:
        amount = f"{target.target_duration_s} s"
    elif target.target_reps is not None:
        amount = str(target.target_reps) if sets is not None else reps_text(target.target_reps)
    else:
        amount = ""
    if sets is not None:
        text = f"{sets} × {amount}" if amount else f"{sets} set{'' if sets == 1 else 's'}"
    else:
        text = amount or "1 set"
    if target.target_weight_kg is not None:
        text += f" @ {weight(target.target_weight_kg, units)}"
    elif asks_for_weight(target):
        text += " @ a weight you choose"
    loaded = bar and target.target_weight_kg is not None
    return Line(
        text,
        rpe_text(target.target_rpe),
        f"rest {rest_text(target.rest_seconds)}",
        plates_text(target.plates_per_side, plate_unit) if loaded else None,
        target.adapted,
    )


def _warmup_line(warmup: WarmupSetOut, units: str, plate_unit: str, bar: bool) -> Line:
    plates = plates_text(warmup.plates_per_side, plate_unit) if bar else None
    return Line(f"{warmup.reps} × {weight(warmup.weight_kg, units)}", None, None, plates)


def _runs(sets: Sequence[TargetSetOut]) -> list[tuple[int, TargetSetOut]]:
    """Consecutive sets with the same target, counted: straight sets are one line."""
    found: list[tuple[int, TargetSetOut]] = []
    for target in sets:
        if found and found[-1][1] == target:
            found[-1] = (found[-1][0] + 1, target)
        else:
            found.append((1, target))
    return found


@dataclass(frozen=True)
class PlannedView:
    index: int  # from 0, as the session's URLs count
    name: str
    bar: bool
    lines: list[Line]  # the working sets, straight sets in one line
    warmups: list[Line]
    reasons: list[str]


def planned_view(
    index: int, exercise: PlannedExerciseOut, units: str, plate_unit: str
) -> PlannedView:
    bar = implement_of(exercise.equipment) in BAR_IMPLEMENTS
    return PlannedView(
        index,
        exercise.exercise.name,
        bar,
        [target_line(t, units, plate_unit, bar, sets=n) for n, t in _runs(exercise.sets)],
        [_warmup_line(w, units, plate_unit, bar) for w in exercise.warmup_sets],
        list(exercise.reasons),
    )


@dataclass(frozen=True)
class NextDay:
    name: str | None  # None: a workout no longer known by name
    on: date

    @property
    def long_date(self) -> str:
        return long_date(self.on)

    @property
    def href(self) -> str:
        return f"/today?date={self.on.isoformat()}"


@dataclass(frozen=True)
class DayView:
    """A day's session as planned: Today's "Today's session" card, or another day's page."""

    on: date
    is_today: bool
    state: str  # sessions.service.Today.state
    message: str
    title: str  # the workout's name, or GENERATED_TITLE for a session built for the day
    minutes: int
    exercises: list[PlannedView]
    reasons: list[str]  # why a built session is made of what it is
    next: NextDay | None
    session_id: int | None  # started that day and not finished

    @property
    def long_date(self) -> str:
        return long_date(self.on)


async def planned_day(
    *, session: AsyncSession, user: Lifter, caches: Caches, on: date | None = None
) -> DayView:
    """The session to do on ``on`` (default today), as the pages show it."""
    planned = today_out(await sessions.today(session=session, user=user, caches=caches, on=on))
    following = None
    if planned.next is not None:
        workout = planned.next.workout
        following = NextDay(workout.name if workout else None, planned.next.date)
    return DayView(
        on=planned.date,
        is_today=planned.date == local_today(user),
        state=planned.state,
        message=planned.message,
        title=planned.workout.name if planned.workout else sessions.GENERATED_TITLE,
        minutes=planned.estimated_minutes,
        exercises=[
            planned_view(i, e, user.units, planned.plate_unit)
            for i, e in enumerate(planned.exercises)
        ],
        reasons=planned.reasons,
        next=following,
        session_id=planned.session_id,
    )
