"""Users, their refresh tokens, and the abuse-limit ledger."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gravl.db import Base, UTCDateTime, utcnow


def new_data_version() -> int:
    return secrets.randbits(62)


class User(Base):
    __tablename__ = "users"
    # Never reuse an id on SQLite: a deleted account's token must not read the next one.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(100))
    units: Mapped[str] = mapped_column(String(2), default="kg")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    experience: Mapped[str] = mapped_column(String(16), default="intermediate")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A random tag replaced by every change to the lifter's training data (gravl.auth.lifter);
    # random rather than counted, so a restored database never repeats a tag a worker cached.
    data_version: Mapped[int] = mapped_column(
        BigInteger, default=new_data_version, server_default="0"
    )


class RefreshToken(Base):
    """One issued refresh token; a ``family_id`` groups one login's rotations (a session)."""

    __tablename__ = "refresh_tokens"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    family_id: Mapped[str] = mapped_column(String(32), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuthAttempt(Base):
    """Login/registration attempts, counted in the database so limits hold across replicas."""

    __tablename__ = "auth_attempts"
    __table_args__ = (Index("ix_auth_attempts_kind_key_at", "kind", "key", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # login_failure | login_client | register
    key: Mapped[str] = mapped_column(String(320))  # an account e-mail hash or a client address
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
