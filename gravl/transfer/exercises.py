"""Which exercise an imported name means, and the custom exercises made for the rest.

Unmatched names become the lifter's custom exercises so nothing is lost. Their muscles are
taken from a built-in exercise only when the name contains that exercise's whole name
(equipment words aside: "Paused Bench Press (Barbell)" works what "Barbell Bench Press"
works), that name is telling enough (two words or more, not all of them generic: "Bench
Press" places a press, "Kettlebell Press" alone does not place a "JM Press"), and every such
exercise agrees; otherwise they get no muscles, so an exercise we cannot place never invents
fatigue for a muscle it did not train. Either way the import report lists them under
``created_exercises`` for the lifter to check.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from gravl.auth.lifter import Lifter
from gravl.catalog.delts import stored_heads
from gravl.catalog.models import Exercise, ExerciseMuscle
from gravl.catalog.service import search_text, slugify, visible_exercises
from gravl.transfer.matching import (
    EQUIPMENT_WORDS,
    CatalogEntry,
    ExerciseMatcher,
    match_tokens,
)
from gravl.transfer.models import ImportNameMap

# Words that say how a movement is loaded, not which muscles it works. Unlike matching, a
# Smith machine here is just a loading: its squat works what the barbell squat works.
_LOADING_WORDS = frozenset(EQUIPMENT_WORDS) | {"smith"}
# Words that say what kind of movement or posture, not which muscles: a name made only of
# them ("Seated Row", "Reverse Fly") places nothing.
_GENERIC_WORDS = frozenset(
    {
        "press", "row", "curl", "raise", "fly", "extension", "pull", "push", "up", "down",
        "kickback", "seated", "standing", "lying", "incline", "decline", "bent", "over",
        "single", "one", "arm", "alternating", "reverse", "grip", "close", "wide",
    }
)  # fmt: skip
MAX_NAME_LENGTH = 120  # Exercise.name


def name_key(name: str) -> frozenset[str] | str:
    """What makes two spellings one exercise: their tokens, or the casefolded name when none."""
    return match_tokens(name) or name.casefold()


def key_text(name: str) -> str:
    """A name's key as stored text (ImportNameMap): spellings that match alike share it."""
    key = name_key(name)
    return " ".join(sorted(key)) if isinstance(key, frozenset) else key


def _telling(core: frozenset[str]) -> bool:
    return len(core) >= 2 and not core <= _GENERIC_WORDS


@dataclass(frozen=True)
class Muscles:
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    inferred_from: str | None


class Resolver:
    """Resolves names against the built-ins and one lifter's custom exercises."""

    def __init__(self, exercises: Sequence[Exercise], chosen: dict[str, int] | None = None) -> None:
        # The lifter's own answers (names they re-mapped), by key_text: they come first.
        visible = {e.id for e in exercises}
        self._chosen = {k: i for k, i in (chosen or {}).items() if i in visible}
        self._matcher = ExerciseMatcher(
            CatalogEntry(e.id, e.name, e.aliases or (), e.equipment) for e in exercises
        )
        self._custom_names = {e.name.casefold(): e.id for e in exercises if e.owner_id}
        self._names = {e.id: e.name for e in exercises}
        self._builtins = [e for e in exercises if e.owner_id is None]
        self._slugs = {e.slug for e in exercises}

    def match(self, name: str) -> int | None:
        return (
            self._chosen.get(key_text(name))
            or self._matcher.match(name)
            or self._custom_names.get(name.casefold())
        )

    def name_of(self, exercise_id: int) -> str:
        """The name of an exercise the lifter sees."""
        return self._names[exercise_id]

    def infer_muscles(self, name: str) -> Muscles:
        tokens = match_tokens(name)
        best: list[Exercise] = []
        best_size = 0
        for exercise in self._builtins:
            for spelling in (exercise.name, *(exercise.aliases or ())):
                core = match_tokens(spelling) - _LOADING_WORDS
                if not _telling(core) or not core <= tokens or len(core) < best_size:
                    continue
                if len(core) > best_size:
                    best, best_size = [], len(core)
                best.append(exercise)
        found = {(tuple(e.primary_muscles), tuple(e.secondary_muscles)) for e in best}
        if len(found) != 1:
            return Muscles((), (), None)
        primary, secondary = found.pop()
        return Muscles(primary, secondary, best[0].name)

    def unique_slug(self, user: Lifter, name: str) -> str:
        base = f"u{user.id}-{slugify(name)}"[:110]
        slug, number = base, 1
        while slug in self._slugs:
            number += 1
            slug = f"{base}-{number}"
        self._slugs.add(slug)
        return slug


async def load_resolver(session: AsyncSession, user: Lifter) -> Resolver:
    exercises = await session.scalars(
        visible_exercises(user).options(selectinload(Exercise.muscles))
    )
    chosen = await session.execute(
        select(ImportNameMap.name_key, ImportNameMap.exercise_id).where(
            ImportNameMap.user_id == user.id
        )
    )
    return Resolver(exercises.all(), dict(chosen.all()))


def group_unmatched(names: Iterable[str]) -> dict[frozenset[str] | str, str]:
    """One custom exercise per distinct name key, named by its first spelling."""
    groups: dict[frozenset[str] | str, str] = {}
    for name in names:
        groups.setdefault(name_key(name), name.strip()[:MAX_NAME_LENGTH] or "Imported exercise")
    return groups


async def create_imported_exercise(
    *, session: AsyncSession, user: Lifter, resolver: Resolver, name: str, source: str
) -> Exercise:
    """A custom exercise for an imported name nothing in the catalog matched."""
    muscles = resolver.infer_muscles(name)
    where = (
        f"muscles taken from {muscles.inferred_from}"
        if muscles.inferred_from
        else "muscles unknown; they do not count towards recovery"
    )
    exercise = Exercise(
        slug=resolver.unique_slug(user, name),
        name=name,
        search_text=search_text(name),
        aliases=[],
        description=f"Created by the {source} import ({where}).",
        equipment=None,
        category="strength",
        mechanic=None,
        force=None,
        level="intermediate",
        shoulder_heads=stored_heads(
            name=name, force=None, muscles=[*muscles.primary, *muscles.secondary]
        ),
        owner_id=user.id,
        muscles=[
            *(ExerciseMuscle(muscle_group=m, role="primary") for m in muscles.primary),
            *(ExerciseMuscle(muscle_group=m, role="secondary") for m in muscles.secondary),
        ],
    )
    session.add(exercise)
    return exercise
