"""Which heads of the deltoid an exercise loads: front, side, rear.

"Shoulders" is one muscle group, but its three heads recover apart: a push day's presses and
lateral raises tire the front and side heads and leave the rear ones, which the next morning's
rows and face pulls need. Built-in exercises name their heads in the catalog data
(``shoulder_heads`` in exercises.json, decided exercise by exercise); an exercise without such
a list (a lifter's custom one, an imported one) gets ``default_heads``. Pure: no database.

The database keeps the heads comma-joined in ``exercises.shoulder_heads`` ("front,side"), NULL
when the exercise does not work the shoulders at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

Head = Literal["front", "side", "rear"]
HEADS: tuple[Head, ...] = ("front", "side", "rear")

_FRONT: tuple[Head, ...] = ("front",)
_SIDE: tuple[Head, ...] = ("side",)
_REAR: tuple[Head, ...] = ("rear",)
_OVERHEAD: tuple[Head, ...] = ("front", "side")
_HIGH_PULL: tuple[Head, ...] = ("side", "rear")

# Name patterns, first match wins; the names are lower-cased with punctuation as spaces
# ("Push-Up" reads "push up"). The order settles the names that match several: a "rear
# lateral raise" or "bent over lateral raise" is a rear-delt fly, not a lateral raise; an
# "upright row" raises the elbows sideways and is no row; a high pull drives the elbows up and
# back (side, rear); an "overhead press" or a "pike push-up" is a press that also loads the
# side head.
_NAME_RULES: tuple[tuple[re.Pattern[str], tuple[Head, ...]], ...] = (
    (
        re.compile(
            r"\b(rear|reverse (\w+ )?(fl(y|ye|yes|ies)|pec)|face pulls?|pull aparts?"
            r"|bent over (lateral|side))\b"
        ),
        _REAR,
    ),
    (re.compile(r"\b(lateral|side raises?|lat raises?|upright rows?)\b"), _SIDE),
    (re.compile(r"\bhigh pulls?\b"), _HIGH_PULL),
    (re.compile(r"\b(rows?|rowing)\b"), _REAR),
    (
        re.compile(
            r"\b(overhead|shoulder press(es)?|military|push press(es)?|arnold|handstand|pike"
            r"|thrusters?)\b"
        ),
        _OVERHEAD,
    ),
    (
        re.compile(r"\b(press(es)?|push ?ups?|push|dips?|front raises?|fl(y|ye|yes|ies))\b"),
        _FRONT,
    ),
)


def default_heads(name: str, force: str | None) -> tuple[Head, ...]:
    """The heads an exercise without an explicit list loads, guessed from its name and force.

    The name decides first, because it says the movement: lateral or side raises and upright
    rows lift the arm sideways (side); rear-delt work, reverse flyes, face pulls, rows and
    pull-aparts draw it back (rear); high pulls do both (side, rear); presses, push-ups, dips,
    flyes and front raises push it forward (front), while overhead, shoulder, military, push and
    Arnold presses, pike and handstand push-ups and thrusters press it up, which loads the side
    head too (front, side). These are the heads the built-in catalog gives the same movements.
    Without a telling name the force decides: a push moves the arm forward (front), a pull
    draws it back (rear). Otherwise (static holds, cardio, unknown) nothing says which head
    works, so all three count: overstating fatigue is the safe error for a recovery model,
    which would rather wait a day than send a tired head back to work.
    """
    words = " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())
    for pattern, heads in _NAME_RULES:
        if pattern.search(words):
            return heads
    if force == "push":
        return _FRONT
    if force == "pull":
        return _REAR
    return HEADS


def ordered(heads: Iterable[str]) -> tuple[Head, ...]:
    """Distinct heads in front, side, rear order; ``ValueError`` names any other word."""
    given = set(heads)
    unknown = sorted(given - set(HEADS))
    if unknown:
        raise ValueError(f"unknown shoulder head(s): {', '.join(unknown)}")
    return tuple(h for h in HEADS if h in given)


def stored_heads(
    *, name: str, force: str | None, muscles: Iterable[str], heads: Iterable[str] | None = None
) -> str | None:
    """The ``exercises.shoulder_heads`` value for an exercise: NULL unless it works the
    shoulders, else the heads given or, without them, ``default_heads``. Every writer of an
    exercise (seed, custom exercises, imports) goes through here, so a shoulder exercise never
    ends up without heads."""
    if "shoulders" not in set(muscles):
        if heads is not None and list(heads):
            raise ValueError("shoulder heads given for an exercise that does not work shoulders")
        return None
    chosen = default_heads(name, force) if heads is None else ordered(heads)
    if not chosen:
        raise ValueError("an exercise that works the shoulders loads at least one head")
    return ",".join(chosen)


def parse_heads(stored: str | None) -> tuple[Head, ...]:
    """The heads in a ``shoulder_heads`` column value (none for NULL)."""
    return ordered(stored.split(",")) if stored else ()
