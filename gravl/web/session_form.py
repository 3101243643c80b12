"""A started session's next set: its form prefilled with the target, and read back.

One tap on "As planned" posts the target as the inputs show it; the lifter may change any input
first. ``parse_set`` turns the inputs into a ``SetIn`` or into messages for the inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace

from pydantic import ValidationError

from gravl.logs.schemas import ZERO_REPS, SetIn
from gravl.sessions.schemas import DoneSetOut, SessionExerciseOut, TargetSetOut
from gravl.web.forms import FormErrors
from gravl.web.session_plan import (
    Line,
    PlannedView,
    asks_for_weight,
    planned_view,
    reps_text,
    rpe_text,
    target_line,
)
from gravl.web.setforms import RPE_CHOICES, SET_TYPE_LABELS, SET_TYPES, ZERO_REPS_MESSAGE
from gravl.web.setforms import typed_number as _number
from gravl.web.templating import to_kg, weight, weight_input

# The next set's inputs, as posted.
SET_FIELDS = ("set_type", "weight", "reps", "rpe", "seconds")
# Schema fields → our inputs, so an error lands next to the input it concerns.
_INPUT_OF = {"weight_kg": "weight", "duration_s": "seconds", "rpe": "rpe", "set_type": "set_type"}


@dataclass(frozen=True)
class SetValues:
    """The next set's inputs as typed (strings), so a form with an error comes back as sent."""

    set_type: str = "normal"
    weight: str = ""
    reps: str = ""
    rpe: str = ""
    seconds: str = ""

    @classmethod
    def planned(cls, target: TargetSetOut, units: str) -> SetValues:
        """The target, as the inputs show it: one tap logs it as planned."""
        rpe = "" if target.target_rpe is None else f"{target.target_rpe:g}"
        return cls(
            weight=weight_input(target.target_weight_kg, units),
            reps="" if target.target_reps is None else str(target.target_reps),
            rpe=rpe if rpe in RPE_CHOICES else "",
            seconds="" if target.target_duration_s is None else str(target.target_duration_s),
        )

    @classmethod
    def posted(cls, form: Mapping[str, str]) -> SetValues:
        return cls(**{name: form.get(name, "") for name in SET_FIELDS})

    @classmethod
    def done(cls, done: DoneSetOut, units: str) -> SetValues:
        """A set done, as the inputs show it: editing it starts from what was logged."""
        rpe = "" if done.rpe is None else f"{done.rpe:g}"
        return cls(
            set_type=done.set_type,
            weight=weight_input(done.weight_kg, units),
            reps="" if done.reps is None else str(done.reps),
            rpe=rpe if rpe in RPE_CHOICES else "",
            seconds="" if done.duration_s is None else str(done.duration_s),
        )

    def as_dict(self) -> dict[str, str]:
        """For the page's script: the values it puts in the form (offline, or to edit a set)."""
        return asdict(self)


@dataclass(frozen=True)
class DoneLine:
    number: int  # its position in the exercise's log: the URL that edits it
    text: str  # "5 reps @ 20 kg", "45 s"
    rpe: str | None
    kind: str | None  # "Warm-up", "To failure", "Drop set"; None for a working set
    values: SetValues  # as the form shows it when the set is edited


def _done_line(number: int, done: DoneSetOut, units: str) -> DoneLine:
    parts = []
    if done.duration_s is not None:
        parts.append(f"{done.duration_s} s")
    if done.reps is not None:
        parts.append(reps_text(done.reps))
    text = ", ".join(parts) or "1 set"
    if done.weight_kg:
        text += f" @ {weight(done.weight_kg, units)}"
    kind = None if done.set_type == "normal" else SET_TYPE_LABELS.get(done.set_type)
    return DoneLine(number, text, rpe_text(done.rpe), kind, SetValues.done(done, units))


@dataclass(frozen=True)
class NextSet:
    """The set to do now, its form prefilled with the target."""

    position: int  # set n of the exercise's log in the session (the form's URL)
    number: int  # the working set as the lifter counts them: "Set 2 of 5"
    of: int
    line: Line
    target: TargetSetOut
    timed: bool  # held for seconds, not counted in reps
    values: SetValues
    errors: FormErrors | None
    editing: bool = False  # a set done, opened again to correct it

    @property
    def as_planned(self) -> bool:
        """Whether one tap logs the target: not when the lifter is to choose the weight."""
        return not self.editing and not asks_for_weight(self.target)


@dataclass(frozen=True)
class LaterSet:
    """A set after the next one: its target, and the values its form will be prefilled with
    (the page's script moves on to it when a set is saved on the phone, offline)."""

    number: int
    line: Line
    values: SetValues
    rest_seconds: int
    asks_weight: bool  # the lifter picks the weight: "Save set", not "As planned"


@dataclass(frozen=True)
class ExerciseView:
    planned: PlannedView
    done: list[DoneLine]
    next: NextSet | None  # None: every planned set is done
    later: list[LaterSet]  # the sets after the next one
    planned_sets: int
    left: int  # planned sets not done yet
    notes: str | None = None  # on the exercise's log; None: no set logged, nowhere to keep them
    notes_error: str | None = None

    @property
    def index(self) -> int:
        return self.planned.index


def is_timed(exercise: SessionExerciseOut, target: TargetSetOut | None) -> bool:
    return exercise.rule == "time" or (target is not None and target.target_duration_s is not None)


def exercise_view(
    index: int,
    exercise: SessionExerciseOut,
    units: str,
    plate_unit: str,
    posted: tuple[SetValues, FormErrors] | None = None,
    editing: int | None = None,
    notes: str | None = None,
) -> ExerciseView:
    """One exercise of a session; ``posted``: the values and errors of a refused set;
    ``editing``: the position of a set done, opened again in the form."""
    planned = planned_view(index, exercise, units, plate_unit)
    left = exercise.remaining_sets
    total = len(exercise.sets)
    first = total - len(left) + 1  # the working sets done come first
    following = None
    done = exercise.done_sets
    if editing is not None and 1 <= editing <= len(done):
        target = next(iter(left[:1] or exercise.sets[-1:]), None)
        values, errors = posted if posted is not None else (None, None)
        if target is not None:
            following = NextSet(
                position=editing,
                number=editing,
                of=total,
                line=target_line(target, units, plate_unit, planned.bar),
                target=target,
                timed=is_timed(exercise, target),
                values=values or SetValues.done(done[editing - 1], units),
                errors=errors,
                editing=True,
            )
            first -= 1  # the next set waits in the list below
    elif left:
        values, errors = posted if posted is not None else (None, None)
        if values is None:
            values = SetValues.planned(left[0], units)
            chosen = [d.weight_kg for d in exercise.done_sets if d.weight_kg]
            if asks_for_weight(left[0]) and chosen:  # the weight chosen for the set before
                values = replace(values, weight=weight_input(chosen[-1], units))
        following = NextSet(
            position=len(exercise.done_sets) + 1,
            number=first,
            of=total,
            line=target_line(left[0], units, plate_unit, planned.bar),
            target=left[0],
            timed=is_timed(exercise, left[0]),
            values=values,
            errors=errors,
        )
    return ExerciseView(
        planned,
        [_done_line(n, d, units) for n, d in enumerate(done, start=1)],
        following,
        [
            LaterSet(
                first + n,
                target_line(t, units, plate_unit, planned.bar),
                SetValues.planned(t, units),
                t.rest_seconds,
                asks_for_weight(t),
            )
            for n, t in enumerate(left[1:] if following and not following.editing else left, 1)
        ],
        total,
        len(left),
        (notes or "") if done else None,
    )


def parse_set(
    values: SetValues,
    units: str,
    target: TargetSetOut | None,
    *,
    timed: bool,
    known_kg: Sequence[float] = (),
) -> tuple[SetIn | None, FormErrors]:
    """The set to log, or the messages to show next to the inputs. A weight typed exactly as
    one of ``known_kg`` is shown (the target prefilled) is that weight: a planned 45 lb logs
    the target's kilograms, not 45 lb converted back and rounded."""
    errors = FormErrors()
    chosen = target is not None and asks_for_weight(target)
    if chosen and not values.weight and values.set_type != "warmup":
        errors.fields["weight"] = "Enter the weight you lifted."
    reps = duration = weight_kg = None
    try:
        reps = int(values.reps) if values.reps else None
    except ValueError:
        errors.fields["reps"] = "Enter whole reps, like 5."
    try:
        duration = int(values.seconds) if values.seconds else None
    except ValueError:
        errors.fields["seconds"] = "Enter whole seconds, like 45."
    if values.weight:
        exact = [kg for kg in known_kg if weight_input(kg, units) == values.weight]
        try:
            weight_kg = exact[0] if exact else to_kg(_number(values.weight), units)
        except ValueError:
            errors.fields["weight"] = f"Enter a weight in {units}, like 60 or 62.5."
    if errors:
        return None, errors
    try:
        return SetIn(
            set_type=values.set_type if values.set_type in SET_TYPES else "normal",
            reps=reps,
            weight_kg=weight_kg,
            rpe=float(values.rpe) if values.rpe in RPE_CHOICES else None,
            duration_s=duration,
        ), errors
    except ValidationError as exc:
        for item in exc.errors():
            name = str(item["loc"][0]) if item["loc"] else ""
            field = _INPUT_OF.get(name, "seconds" if timed else "reps")
            message = str(item["msg"]).removeprefix("Value error, ")
            if message == ZERO_REPS:
                message = ZERO_REPS_MESSAGE
            elif "a set needs" in message:
                message = "Enter the seconds you held." if timed else "Enter the reps you did."
            elif item["type"].startswith(("greater_than", "less_than")):
                message = "That number is out of range."
            errors.fields.setdefault(field, message[:1].upper() + message[1:])
        return None, errors
