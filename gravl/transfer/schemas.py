"""Import reports and the Gravl JSON export document (FORMATS.md, "Gravl JSON").

In the document, objects refer to each other by ids local to the file (1, 2, ... in export
order) and to built-in content by slug, so it restores into any account on any server. Its
instants are ``Instant``s (1900 to 2200), like those of the API.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gravl.catalog.schemas import Category, Force, Level, Mechanic, known_muscles
from gravl.history.models import SourceType
from gravl.history.sets import SetType
from gravl.ids import Id
from gravl.sessions.progression import Rule
from gravl.transfer.parsing import MAX_NUMBER, CsvFormat, WeightUnit
from gravl.validation import InputModel, Instant
from gravl.vocabulary import Equipment

# The CSV exports of other apps, and Gravl's own JSON export (restored, not parsed).
ImportFormat = Literal[CsvFormat, "gravl"]
ExportFormat = Literal["json", "csv"]
GRAVL_FORMAT_VERSION = 1


class SkippedOut(BaseModel):
    line: int
    message: str


UnitSource = Literal["file", "request", "profile"]


class RenamedOut(BaseModel):
    """Sets the file names ``to_name`` that are stored under ``from_name``: the same sets
    (same time, place, weight and reps), which the app has since renamed."""

    from_name: str
    to_name: str
    sets: int


class NameMatchOut(BaseModel):
    """How one name of the file was matched: to an exercise, or to none (it becomes one of
    the lifter's own exercises: ``created_exercises``)."""

    name: str
    exercise_id: int | None
    exercise_name: str | None
    sets: int


class ImportReportOut(BaseModel):
    format: ImportFormat
    dry_run: bool
    sessions: int
    logs: int
    sets: int
    duplicates_skipped: int
    unknown_exercises: list[str]
    created_exercises: list[str]
    skipped: list[SkippedOut]
    # Sets the app changed since an earlier import (same place, other reps or weight): the
    # stored version was replaced by the file's.
    updated_sets: int = 0
    # Stored sets the file holds under a new name (the rename is offered, not made).
    renamed: list[RenamedOut] = Field(default_factory=list)
    # Every exercise name of the file (a CSV import) and where its sets land, most sets first.
    names: list[NameMatchOut] = Field(default_factory=list)
    # The weight unit the file was read in, and why: the file names it, the request said, or
    # (a file that names none, with no unit given) the lifter's profile.
    unit: WeightUnit = "kg"
    unit_source: UnitSource = "file"
    # What the lifter should look at before trusting the result: the unit a unitless file
    # was read in with its heaviest set, weights beyond world records.
    warnings: list[str] = Field(default_factory=list)
    # The import's id (null for a dry run, or when nothing was new and nothing was recorded).
    import_id: int | None = None
    # True when every set was already there: nothing was written, nothing recorded (200).
    nothing_new: bool = False
    # Earlier imports of the same format undone by ``replace=true``.
    replaced_imports: list[int] = Field(default_factory=list)
    # The first and the last set of the file (null when it holds none): the span it covers.
    first_at: datetime | None = None
    last_at: datetime | None = None


class ImportedNameOut(BaseModel):
    """A name an app gave an exercise, and where its imported logs are (the review step)."""

    name: str
    exercise_id: int
    exercise_name: str
    # The lifter's own exercise (made by an import for a name nothing matched, or by hand).
    custom: bool
    # The exercise's muscles; none means its sets never count towards recovery.
    primary_muscles: list[str]
    secondary_muscles: list[str]
    logs: int
    sets: int


class RemapIn(InputModel):
    """Move every imported log of ``name`` to ``exercise_id``; later imports follow."""

    name: str = Field(min_length=1, max_length=120)
    exercise_id: Id


class MusclesIn(InputModel):
    """The muscles of one of your own exercises (an imported name nothing matched)."""

    primary_muscles: list[str] = Field(min_length=1, max_length=17)
    secondary_muscles: list[str] = Field(default_factory=list, max_length=17)

    @field_validator("primary_muscles", "secondary_muscles")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        return known_muscles(value)

    @model_validator(mode="after")
    def _apart(self) -> MusclesIn:
        both = set(self.primary_muscles) & set(self.secondary_muscles)
        if both:
            raise ValueError(f"both primary and secondary: {', '.join(sorted(both))}")
        return self


class RemapOut(BaseModel):
    name: str
    exercise_id: int
    exercise_name: str
    moved_logs: int
    # Custom exercises an import made that nothing uses any more, removed.
    removed_exercises: list[str]


class ImportOut(BaseModel):
    """One import as the lifter manages it (``GET /api/imports``)."""

    id: int
    format: ImportFormat
    filename: str | None
    created_at: datetime
    sessions: int
    logs: int
    sets: int
    duplicates_skipped: int
    created_exercises: int
    unit: WeightUnit | None
    unit_source: UnitSource | None
    # Null while what it added is in the history; when set, it was undone then.
    undone_at: datetime | None
    # The logs of this import still in the history (the lifter may have deleted some).
    logs_remaining: int


class UndoneOut(BaseModel):
    """What undoing an import removed."""

    import_: ImportOut = Field(alias="import", serialization_alias="import")
    removed_logs: int
    removed_sets: int
    removed_exercises: list[str]

    model_config = ConfigDict(populate_by_name=True)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExportedUser(_Strict):
    email: str
    display_name: str | None
    units: str
    timezone: str
    experience: str


class ExerciseRef(_Strict):
    """A built-in exercise by slug, or one of the file's custom exercises by its file id."""

    exercise_slug: str | None = None
    custom_exercise_id: int | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ExerciseRef:
        if (self.exercise_slug is None) == (self.custom_exercise_id is None):
            raise ValueError("give exactly one of exercise_slug and custom_exercise_id")
        return self


class ExportedExercise(_Strict):
    id: int
    name: str = Field(min_length=1, max_length=120)
    description: str | None
    aliases: list[str]
    equipment: Equipment | None
    category: Category
    mechanic: Mechanic | None
    force: Force | None
    level: Level
    primary_muscles: list[str]
    secondary_muscles: list[str]
    created_at: Instant


class ExportedWorkoutExercise(ExerciseRef):
    id: int
    position: int
    target_sets: int = Field(ge=0)
    target_reps: int = Field(ge=0)
    rest_seconds: int = Field(ge=0)
    notes: str | None
    removed_at: Instant | None


class ExportedCustomWorkout(_Strict):
    id: int
    name: str = Field(min_length=1, max_length=120)
    description: str | None
    created_at: Instant
    updated_at: Instant
    deleted_at: Instant | None
    exercises: list[ExportedWorkoutExercise]


class ExportedSet(_Strict):
    """A stored set; bounds are the importers' (parsing.MAX_NUMBER), which admit every set."""

    set_type: SetType
    reps: int | None = Field(ge=0, le=MAX_NUMBER)
    weight_kg: float | None = Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)
    rpe: float | None = Field(ge=1, le=10)
    duration_s: int | None = Field(ge=0, le=MAX_NUMBER)
    distance_m: float | None = Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)


class ExportedFingerprint(_Strict):
    """How another app's export identified one of this log's sets (identity.py): carried so
    that, on a new server, the next import of that app's export still knows the set."""

    fingerprint: str = Field(pattern="^[0-9a-f]{64}$")
    slot: str | None = Field(default=None, pattern="^[0-9a-f]{64}$")
    position: int | None = Field(default=None, ge=1, le=10_000)


class ExportedLog(ExerciseRef):
    performed_at: Instant
    source_type: SourceType
    workout_slug: str | None
    custom_workout_id: int | None
    custom_workout_exercise_id: int | None
    swapped_from_slug: str | None
    notes: str | None
    created_at: Instant
    updated_at: Instant
    sets: list[ExportedSet] = Field(min_length=1)
    # Absent in documents exported before import fingerprints travelled (still version 1).
    fingerprints: list[ExportedFingerprint] = Field(default_factory=list, max_length=10_000)
    # The file id of the session the log was done in (absent before sessions travelled).
    session_id: int | None = None


class ExportedWarmupSet(_Strict):
    reps: int = Field(ge=0, le=MAX_NUMBER)
    weight_kg: float = Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)
    plates_per_side: list[float]


class ExportedTargetSet(_Strict):
    target_reps: int | None = Field(ge=0, le=MAX_NUMBER)
    target_weight_kg: float | None = Field(ge=0, le=MAX_NUMBER, allow_inf_nan=False)
    target_rpe: float | None = Field(ge=1, le=10)
    target_duration_s: int | None = Field(default=None, ge=0, le=MAX_NUMBER)
    rest_seconds: int = Field(ge=0, le=MAX_NUMBER)
    plates_per_side: list[float] = Field(default_factory=list)


class ExportedSessionExercise(ExerciseRef):
    """An exercise of a session's plan, as gravl.sessions keeps it; an imported workout's
    exercises have no rule and no targets."""

    name: str = Field(max_length=120)
    equipment: str | None
    rule: Rule | None
    group: int | None
    reasons: list[str]
    warmup_sets: list[ExportedWarmupSet]
    sets: list[ExportedTargetSet]
    # The exercise this one replaced during the session.
    replaced: ExerciseRef | None = None


class ExportedSession(_Strict):
    """A training session: started in Gravl, or a workout another app's export brought."""

    id: int
    date: date
    title: str = Field(min_length=1, max_length=120)
    workout_slug: str | None
    custom_workout_id: int | None
    started_at: Instant
    ended_at: Instant | None
    notes: str | None
    plan: list[ExportedSessionExercise]
    created_at: Instant
    updated_at: Instant


class ExportedSwap(_Strict):
    date: date
    original_workout_slug: str | None  # null: a rest day was given a workout
    replacement_workout_slug: str | None
    replacement_custom_workout_id: int | None
    reason: str | None
    created_at: Instant
    reverted_at: Instant | None


class ExportedCheckIn(_Strict):
    muscle_group: str
    soreness: float = Field(ge=0, le=10)
    at: Instant
    predicted_score: float
    k_after: float
    created_at: Instant


class GravlExport(_Strict):
    format: Literal["gravl"]
    version: Literal[1]
    exported_at: datetime
    user: ExportedUser
    custom_exercises: list[ExportedExercise]
    custom_workouts: list[ExportedCustomWorkout]
    # Absent in documents exported before sessions travelled (still version 1).
    sessions: list[ExportedSession] = Field(default_factory=list)
    logs: list[ExportedLog]
    swaps: list[ExportedSwap]
    checkins: list[ExportedCheckIn]
