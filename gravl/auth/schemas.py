"""Request and response bodies of the auth and profile endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from gravl.validation import InputModel

Units = Literal["kg", "lb"]
Experience = Literal["beginner", "intermediate", "advanced"]


class RegisterIn(InputModel):
    email: EmailStr
    password: str = Field(min_length=8, max_length=1024)
    display_name: str | None = Field(default=None, max_length=100)


class LoginIn(InputModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class RefreshIn(InputModel):
    refresh_token: str = Field(min_length=1, max_length=512)


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


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class RegisterOut(TokenPair):
    user: UserOut


class ProfilePatch(InputModel):
    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(default=None, max_length=100)
    units: Units | None = None
    timezone: str | None = Field(default=None, max_length=64)
    experience: Experience | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA timezone {value!r}") from exc
        return value
