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
from typing import NamedTuple

_PARENTHESISED = re.compile(r"\(([^)]*)\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['\u2019]")

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
# Matching only: normalise() is frozen (see its docstring), so new spellings go here.
_MORE_SYNONYMS: dict[str, tuple[str, ...]] = {"pullapart": ("pull", "apart")}

# Words that say what loads a movement, as the catalog's equipment vocabulary
# (gravl.vocabulary.Equipment). "Smith" is not one: a Smith machine squat is its own exercise
# beside the machine squat, and the apps list both.
EQUIPMENT_WORDS: dict[str, str] = {
    "barbell": "barbell",
    "dumbbell": "dumbbell",
    "cable": "cable",
    "machine": "machine",
    "lever": "machine",
    "kettlebell": "kettlebell",
    "band": "bands",
    "ez": "ez_bar",
    "bodyweight": "body_only",
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
    Frozen: every imported set's fingerprint (parsing.ImportedSet.fingerprint) hashes these
    tokens, so changing them would make re-imports of old files duplicate their sets. Matching
    uses ``match_tokens``, which may change.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    # "E-Z bar" and "EZ bar" are one word; joining lone letters elsewhere would be guesswork.
    ascii_name = re.sub(r"\be-z\b", "ez", ascii_name)
    qualifiers = " ".join(_PARENTHESISED.findall(ascii_name))
    base = _PARENTHESISED.sub(" ", ascii_name)
    return tuple(_words(qualifiers) + _words(base))


def _match_singular(word: str) -> str:
    # Three letters with a consonant before the s are a plural too: ups, abs, dbs.
    if len(word) == 3 and word.endswith("s") and word[1] not in "aeiosu":
        return word[:-1]
    return _singular(word)


@lru_cache(maxsize=4096)
def match_tokens(name: str) -> frozenset[str]:
    """What an exercise name says, for matching: normalise's words as a set, plus more plurals
    ("Chin Ups"), possessives ("Farmer's Walk" = "Farmers Walk") and "EZ bar" as one word."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    ascii_name = re.sub(r"\be-z\b", "ez", _APOSTROPHES.sub("", ascii_name))
    ascii_name = re.sub(r"\bez[ -]?bar\b", "ez", ascii_name)
    tokens: set[str] = set()
    for word in _NON_WORD.split(ascii_name):
        if word:
            single = _match_singular(word)
            tokens.update(_MORE_SYNONYMS.get(single) or _SYNONYMS.get(single) or (single,))
    return frozenset(tokens)


def _stated_equipment(tokens: Iterable[str]) -> frozenset[str]:
    """The catalog equipment a name's words say ("Lat Pulldown (Machine)" → machine)."""
    return frozenset(EQUIPMENT_WORDS[t] for t in tokens if t in EQUIPMENT_WORDS)


class CatalogEntry(NamedTuple):
    id: int
    name: str
    aliases: Iterable[str]
    equipment: str | None


class ExerciseMatcher:
    """Find the catalog exercise an imported name means, or None when unsure.

    Three tries, each only when the one before found nothing, and each giving up when more
    than one exercise fits: the same words as a name or alias; the same words as the part of a
    name before " - " ("Barbell Bench Press" for "... - Medium Grip"); and, for a name that
    states its equipment (in parentheses or not), the same words once equipment words are set
    aside on both sides, if the stated equipment is the exercise's own: "Leg Press (Machine)"
    is "Leg Press", "Lat Pulldown (Machine)" is not the cable "Lat Pulldown". A name that
    states no equipment is never matched by dropping the catalog's: "Full Squat" is not
    guessed to be "Barbell Full Squat". An alias spelled with another equipment, like
    "Preacher Curl (Barbell)" on the EZ-bar preacher curl, is taken as written by the first
    try.
    """

    def __init__(self, catalog: Iterable[CatalogEntry]) -> None:
        exact: dict[frozenset[str], set[int]] = {}
        base: dict[frozenset[str], set[int]] = {}
        core: dict[frozenset[str], set[int]] = {}
        equipment: dict[int, str | None] = {}
        for entry in catalog:
            equipment[entry.id] = entry.equipment
            for spelling in (entry.name, *entry.aliases):
                key = match_tokens(spelling)
                if not key:
                    continue
                exact.setdefault(key, set()).add(entry.id)
                if bare := key.difference(EQUIPMENT_WORDS):
                    core.setdefault(bare, set()).add(entry.id)
                head, dash, _ = spelling.partition(" - ")
                if dash and match_tokens(head):
                    base.setdefault(match_tokens(head), set()).add(entry.id)
        self._exact, self._base, self._core = exact, base, core
        self._equipment = equipment

    def match(self, name: str) -> int | None:
        key = match_tokens(name)
        for index in (self._exact, self._base):
            ids = index.get(key)
            if ids:
                return _only(ids)
        stated = _stated_equipment(key)
        if not stated:
            return None
        ids = {
            exercise_id
            for exercise_id in self._core.get(key.difference(EQUIPMENT_WORDS), ())
            if self._equipment[exercise_id] in stated
        }
        return _only(ids)


def _only(ids: set[int]) -> int | None:
    return next(iter(ids)) if len(ids) == 1 else None
