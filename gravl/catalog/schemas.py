"""Catalog request and response bodies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

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


class ExercisePage(BaseModel):
    items: list[ExerciseOut]
    total: int
    limit: int
    offset: int


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
        unknown = sorted(set(value) - MUSCLE_SLUGS)
        if unknown:
            raise ValueError(f"unknown muscle group(s): {', '.join(unknown)}")
        return sorted(set(value))

    @field_validator("secondary_muscles")
    @classmethod
    def _not_also_primary(cls, value: list[str], info: ValidationInfo) -> list[str]:
        both = set(value) & set(info.data.get("primary_muscles", []))
        if both:
            raise ValueError(f"already primary: {', '.join(sorted(both))}")
        return value


class AlternativeOut(BaseModel):
    exercise: ExerciseOut
    similarity: float
    reasons: list[str]
