"""Users, their sessions and refresh tokens, two-factor state, security events and the
abuse-limit ledger."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String
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
    # TOTP two-factor (gravl.auth.mfa): the base32 secret once enrolment starts, the moment it
    # was confirmed (on from then), and the last 30-second step a code was accepted for, so no
    # code is ever accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Training preferences (gravl.auth.preferences), None until first set.
    preferences: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    @property
    def mfa_enabled(self) -> bool:
        return self.totp_enabled_at is not None


class AuthSession(Base):
    """One sign-in (API or web): its id is carried by every token it issues and checked on
    every request, so ending the session ends its access tokens at once (gravl.auth.sessions)."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, public
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # api | web
    # A web session's cookie, hashed (API sessions hold refresh tokens instead).
    secret_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    client: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the absolute lifetime
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class RecoveryCode(Base):
    """A one-time code that stands in for a TOTP code when the authenticator is lost."""

    __tablename__ = "mfa_recovery_codes"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(80))  # salt$sha256
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SecurityEvent(Base):
    """Something that happened to an account's security, kept for its owner to see
    (``GET /api/me/security-events``); every event is also a log line and a counter sample."""

    __tablename__ = "security_events"
    __table_args__ = (
        Index("ix_security_events_user_id_id", "user_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    client: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(200))
    session_id: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(200))


class RefreshToken(Base):
    """One issued refresh token; ``family_id`` is the id of the API session (``AuthSession``)
    whose rotations it belongs to."""

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
    # login_failure | device_failure | login_client | register | mfa_redeemed
    kind: Mapped[str] = mapped_column(String(24))
    # an account e-mail hash, a device id or a client address
    key: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
