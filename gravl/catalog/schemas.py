"""Catalog request and response bodies."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from gravl.catalog.delts import Head, ordered, parse_heads
from gravl.validation import InputModel
from gravl.vocabulary import MUSCLE_SLUGS, Equipment

Category = Literal[
    "strength",
    "cardio",
    "stretching",
    "plyometrics",
    "powerlifting",
    "olympic_weightlifting",
    "strongman",
]
Mechanic = Literal["compound", "isolation"]
Force = Literal["push", "pull", "static"]
Level = Literal["beginner", "intermediate", "expert"]


class MuscleGroupOut(BaseModel):
    slug: str
    name: str
    region: Literal["upper", "lower", "core"]
    recovery_hours: int


class ExerciseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    primary_muscles: list[str]
    secondary_muscles: list[str]
    equipment: Equipment | None
    category: Category
    mechanic: Mechanic | None
    force: Force | None
    level: Level
    is_custom: bool
    description: str | None = None
    aliases: list[str] = []
    # The deltoid heads it loads, front, side, rear order; empty when it does not work shoulders.
    shoulder_heads: list[Head] = []

    @field_validator("shoulder_heads", mode="before")
    @classmethod
    def _from_column(cls, value: Any) -> Any:
        # An Exercise row keeps them comma-joined (NULL for none).
        if value is None or isinstance(value, str):
            return list(parse_heads(value))
        return value


class ExercisePage(BaseModel):
    items: list[ExerciseOut]
    total: int
    limit: int
    offset: int


def known_muscles(value: list[str]) -> list[str]:
    """Muscle group slugs, each once and sorted; an unknown one is a ValueError."""
    unknown = sorted(set(value) - MUSCLE_SLUGS)
    if unknown:
        raise ValueError(f"unknown muscle group(s): {', '.join(unknown)}")
    return sorted(set(value))


class ExerciseIn(InputModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=120)
    primary_muscles: list[str] = Field(min_length=1, max_length=17)
    secondary_muscles: list[str] = Field(default_factory=list, max_length=17)
    equipment: Equipment | None = None
    category: Category = "strength"
    mechanic: Mechanic | None = None
    force: Force | None = None
    level: Level = "beginner"
    description: str | None = Field(default=None, max_length=2000)
    # Which deltoid heads it loads; absent or null: guessed from the name and force
    # (gravl.catalog.delts.default_heads) when the exercise works the shoulders.
    shoulder_heads: list[Head] | None = Field(default=None, max_length=3)

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("must not be blank")
        return value

    @field_validator("primary_muscles", "secondary_muscles")
    @classmethod
    def _known_muscles(cls, value: list[str]) -> list[str]:
        return known_muscles(value)

    @field_validator("secondary_muscles")
    @classmethod
    def _not_also_primary(cls, value: list[str], info: ValidationInfo) -> list[str]:
        both = set(value) & set(info.data.get("primary_muscles", []))
        if both:
            raise ValueError(f"already primary: {', '.join(sorted(both))}")
        return value

    @field_validator("shoulder_heads")
    @classmethod
    def _heads_of_worked_shoulders(
        cls, value: list[Head] | None, info: ValidationInfo
    ) -> list[Head] | None:
        if value is None:
            return None
        if "primary_muscles" not in info.data or "secondary_muscles" not in info.data:
            return value  # the muscles are wrong already, and reported
        muscles = {*info.data["primary_muscles"], *info.data["secondary_muscles"]}
        if "shoulders" not in muscles:
            if value:
                raise ValueError("only for an exercise that works the shoulders")
            return value
        if not value:
            raise ValueError("name at least one of front, side, rear")
        return list(ordered(value))


class AlternativeOut(BaseModel):
    exercise: ExerciseOut
    similarity: float
    reasons: list[str]
