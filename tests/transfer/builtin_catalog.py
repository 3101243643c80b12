"""The built-in catalog (gravl/catalog/data/exercises.json) as the importer resolves against
it, without a database: transient Exercise rows with ids in file order and muscles in the
order the database loads them (Exercise.muscles is ordered by muscle group)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from gravl.catalog.models import Exercise, ExerciseMuscle
from gravl.transfer.exercises import Resolver

CATALOG_FILE = Path(__file__).parents[2] / "gravl" / "catalog" / "data" / "exercises.json"


@cache
def entries() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(CATALOG_FILE.read_text(encoding="utf-8")))


def slug_of(exercise_id: int | None) -> str | None:
    return None if exercise_id is None else entries()[exercise_id - 1]["slug"]


@cache
def builtin_resolver() -> Resolver:
    return Resolver(
        [
            Exercise(
                id=number,
                slug=e["slug"],
                name=e["name"],
                aliases=e["aliases"],
                equipment=e["equipment"],
                owner_id=None,
                muscles=sorted(
                    [
                        *(
                            ExerciseMuscle(muscle_group=m, role="primary")
                            for m in e["primary_muscles"]
                        ),
                        *(
                            ExerciseMuscle(muscle_group=m, role="secondary")
                            for m in e["secondary_muscles"]
                        ),
                    ],
                    key=lambda muscle: muscle.muscle_group,
                ),
            )
            for number, e in enumerate(entries(), start=1)
        ]
    )
