"""Which workouts a lifter's preferences rule out, and why (pure).

A workout is left out — from the recommendations and the day's alternatives alike — when it
needs equipment the lifter does not have (body-weight work always fits), includes an exercise
they excluded, trains as a main muscle one they rest (an injury, until its end date), takes
clearly longer than their usual session (a quarter over), or is an add-on session while they
have add-ons turned off. The reason names the first of these that applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from gravl.auth.preferences import Preferences
from gravl.training.targets import Candidate, WorkoutKey, main_muscles

# A workout this much over the usual session length is left out.
LONGER_THAN_USUAL = 1.25


def _name(slug: str) -> str:
    return slug.replace("_", " ")


def unsuitable(
    candidate: Candidate, preferences: Preferences, on: date, names: Mapping[int, str]
) -> str | None:
    """Why ``preferences`` rule the workout out on ``on``, or None when it fits."""
    missing = sorted(e for e in candidate.equipment if not preferences.has(e))
    if missing:
        return f"Needs {', '.join(_name(e) for e in missing)}, which is not in your equipment"
    excluded = set(preferences.excluded_exercises)
    left_out = [names.get(e, "an exercise") for e in candidate.exercises if e in excluded]
    if left_out:
        return f"Includes {left_out[0]}, which you left out"
    rested = preferences.rested_muscles(on)
    resting = [m for m in main_muscles(candidate) if m in rested]
    if resting:
        until = rested[resting[0]]
        when = f" until {until:%-d %B}" if until is not None else ""
        return f"Trains {_name(resting[0])}, which you are resting{when}"
    limit = preferences.session_minutes
    if limit is not None and candidate.minutes > limit * LONGER_THAN_USUAL:
        return f"Takes about {candidate.minutes} minutes; your sessions are {limit}"
    if candidate.workout.kind == "library" and not preferences.accessory_sessions:
        return "Add-on sessions are turned off in your preferences"
    return None


def unsuitable_all(
    candidates: Iterable[Candidate], preferences: Preferences, on: date, names: Mapping[int, str]
) -> dict[WorkoutKey, str]:
    """Every workout the preferences rule out, with why."""
    found: dict[WorkoutKey, str] = {}
    for candidate in candidates:
        reason = unsuitable(candidate, preferences, on, names)
        if reason is not None:
            found[candidate.workout.key] = reason
    return found
