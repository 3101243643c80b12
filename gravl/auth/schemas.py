"""Request and response bodies of the auth and profile endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from gravl.auth.preferences import (
    DEFAULT_PREFERENCES,
    Goal,
    MuscleRest,
    Plates,
    Preferences,
    preferences_of,
)
from gravl.ids import Id
from gravl.validation import InputModel
from gravl.vocabulary import Equipment

Units = Literal["kg", "lb"]
Experience = Literal["beginner", "intermediate", "advanced"]


def known_timezone(value: str | None) -> str | None:
    """An IANA timezone name, or a ValueError that says it is not one."""
    if value is None:
        return value
    try:
        ZoneInfo(value)
    # OSError: a name too long to be a file name ("File name too long") is no zone either.
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ValueError(f"unknown IANA timezone {value[:64]!r}") from exc
    return value


class RegisterIn(InputModel):
    email: EmailStr
    # At least 12 characters and not a common one: checked by gravl.auth.passwords.
    password: str = Field(max_length=1024)
    display_name: str | None = Field(default=None, max_length=100)
    # Where the lifter is, as their device says (the web sign-up fills both in): else kg, UTC.
    units: Units = "kg"
    timezone: str = Field(default="UTC", max_length=64)

    _timezone = field_validator("timezone")(known_timezone)


class LoginIn(InputModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    # Returned by an earlier sign-in on this client: lets it past the account's lock.
    device_token: str | None = Field(default=None, max_length=200)


class MfaLoginIn(InputModel):
    mfa_token: str = Field(min_length=1, max_length=1024)
    code: str = Field(min_length=1, max_length=32)
    device_token: str | None = Field(default=None, max_length=200)


class RefreshIn(InputModel):
    refresh_token: str = Field(min_length=1, max_length=512)


class LogoutIn(InputModel):
    refresh_token: str | None = Field(default=None, max_length=512)


class PasswordChangeIn(InputModel):
    # An empty password is a mistake, not a guess: 422, and not counted towards the lock.
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(max_length=1024)


class CodeIn(InputModel):
    code: str = Field(min_length=1, max_length=32)


class MfaDisableIn(InputModel):
    password: str = Field(min_length=1, max_length=1024)
    code: str = Field(min_length=1, max_length=32)


class TotpEnrolmentOut(BaseModel):
    secret: str
    otpauth_uri: str
    qr_svg: str


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str]


class SessionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: Literal["api", "web"]
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    client: str
    user_agent: str
    current: bool = False


class SecurityEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event: str
    created_at: datetime
    client: str
    user_agent: str
    session_id: str | None
    detail: str | None


class SecurityEventPage(BaseModel):
    items: list[SecurityEventOut]
    next_before: int | None


class DeleteAccountIn(InputModel):
    password: str = Field(max_length=1024)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    display_name: str | None
    units: Units
    timezone: str
    experience: Experience
    created_at: datetime
    mfa_enabled: bool = False
    preferences: Preferences = DEFAULT_PREFERENCES

    @field_validator("preferences", mode="before")
    @classmethod
    def _stored(cls, value: object) -> Preferences:
        return value if isinstance(value, Preferences) else preferences_of(value)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    # Send it with later sign-ins from this client (gravl.auth.lockout); absent on refresh.
    device_token: str | None = None


class RegisterOut(TokenPair):
    user: UserOut


class PreferencesPatch(InputModel):
    """The preferences to change: each field sent replaces the stored one."""

    model_config = ConfigDict(extra="forbid")

    goal: Goal | None = None
    equipment: list[Equipment] | None = Field(default=None, max_length=20)
    session_minutes: int | None = Field(default=None, ge=10, le=240)
    excluded_exercises: list[Id] | None = Field(default=None, max_length=200)
    excluded_muscles: list[MuscleRest] | None = Field(default=None, max_length=17)
    accessory_sessions: bool | None = None
    # null: the usual bar and plates for the lifter's units (default_plates).
    plates: Plates | None = None


class ProfilePatch(InputModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, max_length=100)
    units: Units | None = None
    timezone: str | None = Field(default=None, max_length=64)
    experience: Experience | None = None
    # Replaces the fields it names; the others keep their values (gravl.auth.preferences).
    preferences: PreferencesPatch | None = None

    _timezone = field_validator("timezone")(known_timezone)
