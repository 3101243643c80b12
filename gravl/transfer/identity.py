"""What makes an imported set "the same set" across imports of the same app's history.

A newer export of the app is mostly the old one again, and importing it must add only what is
new. Real files change in three ways between exports, and none of them makes a set new:

- **The profile's timezone changed** between imports: the instant Gravl computes from the file's
  wall-clock time moves. The file's own wall-clock text does not, so identities use it.
- **The app renamed an exercise** in old history (FitNotes does): a set identical in time,
  place in its workout, weight and reps under another name is the same set. Identities name
  the exercise by its place in the workout (first, second, ... exercise of that workout).
- **The lifter edited a set** in the app: the set in the same place with other reps or weight
  is that set, edited. The import replaces the stored version (the source app wins).

So each set has a ``slot`` — its place: the workout's wall-clock time, the exercise's place in
the workout, the set's place in the exercise — and a ``content`` — the slot with its reps and
weight. Same content: the same set. Same slot, other content: an edit. ``legacy`` is the
identity imports stored before (exercise name and UTC instant), still honoured so a file
imported then adds nothing now.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gravl.transfer.parsing import ImportedSet


@dataclass(frozen=True, slots=True)
class SetIdentity:
    legacy: str
    content: str
    slot: str


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def numbered(fingerprints: Iterable[str]) -> list[str]:
    """Keep fingerprints distinct within one file: a repeat gets its occurrence number.

    Two sets of a file can look alike (two workouts started at the same minute); both are
    real, and the same file read again numbers them alike.
    """
    seen: dict[str, int] = {}
    unique = []
    for fingerprint in fingerprints:
        count = seen.get(fingerprint, 0)
        seen[fingerprint] = count + 1
        if count:
            fingerprint = _hash(f"{fingerprint}#{count}")
        unique.append(fingerprint)
    return unique


def identities(items: Sequence[ImportedSet]) -> list[SetIdentity]:
    """The identities of a file's sets, in file order (every row, empty ones included)."""
    places: dict[str, dict[str, int]] = {}
    slots, contents = [], []
    for item in items:
        workout = places.setdefault(item.session_key, {})
        place = workout.setdefault(item.exercise_name, len(workout))
        slot = _hash("slot", item.wall_clock_text(), str(place), str(item.set_index))
        weight = "" if item.weight_kg is None else f"{item.weight_kg:.2f}"
        reps = "" if item.reps is None else str(item.reps)
        slots.append(slot)
        contents.append(_hash("set", slot, reps, weight))
    legacy = numbered(item.fingerprint() for item in items)
    return [
        SetIdentity(old, content, slot)
        for old, content, slot in zip(legacy, numbered(contents), numbered(slots), strict=True)
    ]
