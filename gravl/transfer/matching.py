"""Match exercise names from other apps to catalog exercises.

"Bench Press (Barbell)" (Strong, Hevy) and "Barbell Bench Press" (the catalog) are the same
lift; names are compared as sets of normalised tokens. Matching is deliberately conservative:
an unmatched name becomes a custom exercise the user can remap, while a wrong match silently
corrupts their history and recovery, so anything ambiguous stays unmatched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_PARENTHESISED = re.compile(r"\(([^)]*)\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Abbreviations and spellings lifters and apps use for the same thing.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "db": ("dumbbell",),
    "bb": ("barbell",),
    "kb": ("kettlebell",),
    "ezbar": ("ez", "bar"),
    "flye": ("fly",),
    "calve": ("calf",),
    "ohp": ("overhead", "press"),
    "rdl": ("romanian", "deadlift"),
    # Compounds written both as one word and two ("Pullups", "Pull Up", "Pull-Up").
    "pullup": ("pull", "up"),
    "pushup": ("push", "up"),
    "chinup": ("chin", "up"),
    "situp": ("sit", "up"),
    "stepup": ("step", "up"),
    "pulldown": ("pull", "down"),
    "pushdown": ("push", "down"),
    "skullcrusher": ("skull", "crusher"),
}


def _singular(word: str) -> str:
    if len(word) <= 3 or not word.endswith("s"):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"  # flies → fly
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]  # presses → press, crunches → crunch
    if word.endswith(("ss", "us", "is")):
        return word  # press, plus
    return word[:-1]  # curls → curl, raises → raise, biceps → bicep (both sides alike)


def _words(text: str) -> list[str]:
    tokens: list[str] = []
    for word in _NON_WORD.split(text):
        if not word:
            continue
        tokens.extend(_SYNONYMS.get(_singular(word), (_singular(word),)))
    return tokens


# An export names a few dozen exercises over and over; every set's fingerprint needs them.
@lru_cache(maxsize=4096)
def normalise(name: str) -> tuple[str, ...]:
    """Tokens of an exercise name: lowercase, unaccented, singular, parenthesised words first.

    "Bench Press (Barbell)" and "Barbell Bench Press" both give ("barbell", "bench", "press").
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    # "E-Z bar" and "EZ bar" are one word; joining lone letters elsewhere would be guesswork.
    ascii_name = re.sub(r"\be-z\b", "ez", ascii_name)
    qualifiers = " ".join(_PARENTHESISED.findall(ascii_name))
    base = _PARENTHESISED.sub(" ", ascii_name)
    return tuple(_words(qualifiers) + _words(base))


class ExerciseMatcher:
    """Find the catalog exercise an imported name means, or None when unsure."""

    def __init__(self, catalog: Iterable[tuple[int, str, Iterable[str]]]) -> None:
        exact: dict[frozenset[str], set[int]] = {}
        # "Barbell Bench Press - Medium Grip" is also found as "Barbell Bench Press", but only
        # when no other exercise shares that base and no exact name claims it.
        base: dict[frozenset[str], set[int]] = {}
        for exercise_id, name, aliases in catalog:
            for spelling in (name, *aliases):
                key = frozenset(normalise(spelling))
                if key:
                    exact.setdefault(key, set()).add(exercise_id)
                head, dash, _ = spelling.partition(" - ")
                head_key = frozenset(normalise(head))
                if dash and head_key:
                    base.setdefault(head_key, set()).add(exercise_id)
        self._exact = exact
        self._base = base

    def match(self, name: str) -> int | None:
        key = frozenset(normalise(name))
        for index in (self._exact, self._base):
            ids = index.get(key)
            if ids:
                return next(iter(ids)) if len(ids) == 1 else None
        return None
