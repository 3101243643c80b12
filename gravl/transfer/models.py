"""What imports leave behind: the record of each import, set fingerprints, catalog sources."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gravl.db import Base, UTCDateTime, utcnow


class Import(Base):
    """One completed (not dry-run) import of a lifter's history file."""

    __tablename__ = "imports"
    __table_args__ = (
        Index("ix_imports_user_id_created_at", "user_id", "created_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    sessions: Mapped[int] = mapped_column(Integer)
    logs: Mapped[int] = mapped_column(Integer)
    sets: Mapped[int] = mapped_column(Integer)
    duplicates_skipped: Mapped[int] = mapped_column(Integer)
    created_exercises: Mapped[int] = mapped_column(Integer)
    # The weight unit the file was read in, and where it came from: "file" (the file names
    # it), "request" (the importer said) or "profile" (the lifter's units). Null before 0014.
    unit: Mapped[str | None] = mapped_column(String(2))
    unit_source: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Undone: what it added is gone; the record stays so the lifter sees what happened.
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ImportFingerprint(Base):
    """An imported set's identity, so importing the same file again adds nothing.

    Kept beside the log rather than on its sets so editing a log's sets does not make a
    re-import bring the old version back; deleting the log frees its fingerprints.
    """

    __tablename__ = "import_fingerprints"
    __table_args__ = (Index("ix_import_fingerprints_log_id", "log_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("workout_logs.id", ondelete="CASCADE"))
    # The set's place in its workout (identity.py) and its position in the log: a newer
    # export's set in the same place with other reps or weight replaces it. Null for
    # fingerprints stored before 0014 and for Gravl restores.
    slot: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int | None] = mapped_column(Integer)
    # "app" (another app's export: travels in the Gravl JSON export) or "gravl" (a restore).
    origin: Mapped[str | None] = mapped_column(String(8))


class ImportNameMap(Base):
    """The exercise a lifter chose for a name another app gives it; later imports use it."""

    __tablename__ = "import_name_maps"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The name's key (exercises.name_key, as text): spellings that key alike map alike.
    name_key: Mapped[str] = mapped_column(String(255), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExerciseSource(Base):
    """Where a catalog exercise came from in an external catalog (free-exercise-db).

    ``added`` tells an exercise the catalog import created from one it matched to a built-in.
    """

    __tablename__ = "exercise_sources"
    __table_args__ = (Index("ix_exercise_sources_exercise_id", "exercise_id"),)

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    exercise_id: Mapped[int] = mapped_column(ForeignKey("exercises.id", ondelete="CASCADE"))
    added: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
