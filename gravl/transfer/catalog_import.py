"""Merge an exercise catalog in free-exercise-db's format into the built-in catalog.

Each entry is linked to the built-in exercise its name matches (ExerciseMatcher over built-in
names and aliases) or added as a new built-in exercise; either way an ``exercise_sources``
row records where it came from, so running the import again changes nothing. Matched
built-ins are left untouched: the packaged catalog (gravl seed) stays their source of truth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.catalog.delts import stored_heads
from gravl.catalog.models import Exercise, ExerciseMuscle
from gravl.catalog.service import search_text, slugify
from gravl.transfer.matching import CatalogEntry, ExerciseMatcher
from gravl.transfer.models import ExerciseSource
from gravl.vocabulary import MUSCLE_SLUGS

SOURCE = "free-exercise-db"
SLUG_PREFIX = "fedb-"
# FORMATS.md, "free-exercise-db": its equipment names to Gravl's.
EQUIPMENT = {
    "barbell": "barbell",
    "dumbbell": "dumbbell",
    "cable": "cable",
    "machine": "machine",
    "kettlebells": "kettlebell",
    "bands": "bands",
    "body only": "body_only",
    "medicine ball": "medicine_ball",
    "exercise ball": "exercise_ball",
    "foam roll": "foam_roll",
    "e-z curl bar": "ez_bar",
    "other": "other",
}


class CatalogFormatError(ValueError):
    """The file is not a free-exercise-db catalog."""


@dataclass
class CatalogImportReport:
    matched: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.matched or self.added)


def muscle_slug(name: str) -> str:
    """free-exercise-db muscle names map 1:1 onto slugs ("lower back" → lower_back)."""
    slug = name.strip().lower().replace(" ", "_")
    if slug not in MUSCLE_SLUGS:
        raise CatalogFormatError(f"unknown muscle {name!r}")
    return slug


def load_catalog(path: Path) -> list[dict[str, Any]]:
    try:
        entries = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogFormatError(f"{path} is not a JSON file: {exc}") from None
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and isinstance(e.get("id"), str) and isinstance(e.get("name"), str)
        for e in entries
    ):
        raise CatalogFormatError("expected a JSON array of exercises with id and name")
    return entries


def _new_exercise(entry: dict[str, Any]) -> Exercise:
    equipment = entry.get("equipment")
    if equipment is not None and equipment not in EQUIPMENT:
        raise CatalogFormatError(f"{entry['id']}: unknown equipment {equipment!r}")
    primary = [muscle_slug(m) for m in entry.get("primaryMuscles") or []]
    secondary = [
        m for m in map(muscle_slug, entry.get("secondaryMuscles") or []) if m not in primary
    ]
    if not primary:
        raise CatalogFormatError(f"{entry['id']}: no primary muscle")
    name = entry["name"].strip()
    return Exercise(
        slug=SLUG_PREFIX + slugify(entry["id"]),
        name=name,
        search_text=search_text(name),
        aliases=[],
        description=" ".join(entry.get("instructions") or []) or None,
        equipment=EQUIPMENT[equipment] if equipment else None,
        category=str(entry.get("category") or "strength").replace(" ", "_"),
        mechanic=entry.get("mechanic"),
        force=entry.get("force"),
        level=entry.get("level") or "beginner",
        shoulder_heads=stored_heads(
            name=name, force=entry.get("force"), muscles=[*primary, *secondary]
        ),
        owner_id=None,
        muscles=[
            *(ExerciseMuscle(muscle_group=m, role="primary") for m in primary),
            *(ExerciseMuscle(muscle_group=m, role="secondary") for m in dict.fromkeys(secondary)),
        ],
    )


async def import_catalog(*, session: AsyncSession, path: Path) -> CatalogImportReport:
    """Link or add every entry of a free-exercise-db file; entries seen before are skipped."""
    entries = load_catalog(path)
    known = set(
        await session.scalars(
            select(ExerciseSource.external_id).where(ExerciseSource.source == SOURCE)
        )
    )
    builtins = (
        await session.execute(
            select(Exercise.id, Exercise.name, Exercise.aliases, Exercise.equipment).where(
                Exercise.owner_id.is_(None)
            )
        )
    ).all()
    matcher = ExerciseMatcher(
        CatalogEntry(i, name, aliases or (), equipment) for i, name, aliases, equipment in builtins
    )
    report = CatalogImportReport()
    added: list[tuple[str, Exercise]] = []
    for entry in entries:
        if entry["id"] in known:
            report.unchanged += 1
            continue
        known.add(entry["id"])
        exercise_id = matcher.match(entry["name"])
        if exercise_id is None:
            exercise = _new_exercise(entry)
            session.add(exercise)
            added.append((entry["id"], exercise))
            report.added.append(entry["name"])
        else:
            report.matched.append(entry["name"])
            session.add(
                ExerciseSource(
                    source=SOURCE, external_id=entry["id"], exercise_id=exercise_id, added=False
                )
            )
    await session.flush()
    for external_id, exercise in added:
        session.add(
            ExerciseSource(
                source=SOURCE, external_id=external_id, exercise_id=exercise.id, added=True
            )
        )
    await session.flush()
    return report
