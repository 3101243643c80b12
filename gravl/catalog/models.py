"""Muscle groups and exercises (built-in and user-owned custom ones)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gravl.db import Base, UTCDateTime, utcnow


class MuscleGroup(Base):
    __tablename__ = "muscle_groups"

    slug: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(8))
    recovery_hours: Mapped[int] = mapped_column(Integer)


class Exercise(Base):
    __tablename__ = "exercises"
    __table_args__ = (
        UniqueConstraint("slug"),
        Index("ix_exercises_owner_id_name", "owner_id", "name"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120))
    name: Mapped[str] = mapped_column(String(120))
    # Lower-cased name and aliases, for word search without a dialect-specific index.
    search_text: Mapped[str] = mapped_column(Text, default="")
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    equipment: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(32))
    mechanic: Mapped[str | None] = mapped_column(String(16))
    force: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16))
    # The deltoid heads it loads, comma-joined in front, side, rear order ("front,side"); NULL
    # when it does not work the shoulders (gravl.catalog.delts).
    shoulder_heads: Mapped[str | None] = mapped_column(String(20))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The import that created this custom exercise (undoing it removes the exercise if unused).
    import_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    muscles: Mapped[list[ExerciseMuscle]] = relationship(
        back_populates="exercise",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="ExerciseMuscle.muscle_group",
    )

    @property
    def is_custom(self) -> bool:
        return self.owner_id is not None

    @property
    def primary_muscles(self) -> list[str]:
        return [m.muscle_group for m in self.muscles if m.role == "primary"]

    @property
    def secondary_muscles(self) -> list[str]:
        return [m.muscle_group for m in self.muscles if m.role == "secondary"]


class ExerciseMuscle(Base):
    __tablename__ = "exercise_muscles"
    __table_args__ = (Index("ix_exercise_muscles_muscle_group_role", "muscle_group", "role"),)

    exercise_id: Mapped[int] = mapped_column(
        ForeignKey("exercises.id", ondelete="CASCADE"), primary_key=True
    )
    muscle_group: Mapped[str] = mapped_column(ForeignKey("muscle_groups.slug"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))  # primary | secondary

    exercise: Mapped[Exercise] = relationship(back_populates="muscles", lazy="raise")
