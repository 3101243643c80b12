"""TOTP two-factor sign-in for an account: enrol, confirm, check a code, turn it off.

Enrolment stores a new secret (off until confirmed); confirming with a first code turns it on
and hands out ten one-time recovery codes, kept only as hashes. A code is accepted once: the
30-second step it belongs to is recorded, and no code of that step or an earlier one works
again (RFC 6238 §5.2), which one conditional UPDATE makes hold under concurrent sign-ins too.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth import totp
from gravl.auth.models import RecoveryCode, User
from gravl.errors import Conflict, ValidationFailed


@dataclass(frozen=True, slots=True)
class Enrolment:
    secret: str
    otpauth_uri: str
    qr_svg: str


def _code_error(message: str) -> ValidationFailed:
    return ValidationFailed(f"code: {message}", details=[{"field": "code", "message": message}])


def enrol(user: User) -> Enrolment:
    """Start (or restart) enrolment with a new secret; two-factor stays off until confirmed."""
    if user.totp_enabled_at is not None:
        raise Conflict("two-factor sign-in is already on; turn it off first to enrol again")
    user.totp_secret = totp.new_secret()
    user.totp_last_step = None
    uri = totp.provisioning_uri(user.totp_secret, user.email)
    return Enrolment(user.totp_secret, uri, totp.qr_svg(uri))


async def confirm(*, session: AsyncSession, user: User, code: str, now: datetime) -> list[str]:
    """Turn two-factor on with a first code from the app; the new recovery codes."""
    if user.totp_enabled_at is not None:
        raise Conflict("two-factor sign-in is already on")
    if user.totp_secret is None:
        raise Conflict("start enrolment first: POST /api/me/mfa/totp")
    step = totp.verify(user.totp_secret, code, at=now, last_step=None)
    if step is None:
        raise _code_error("the code is not correct; check the app's clock and try again")
    user.totp_enabled_at = now
    user.totp_last_step = step
    codes = totp.new_recovery_codes()
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_salted(code)) for code in codes)
    await session.flush()
    return codes


def _salted(code: str, salt: str | None = None) -> str:
    """``salt$sha256(salt + code)``: a recovery code carries ~49 bits, so each is hashed with a
    random 32-bit salt of its own (ASVS 2.6.2) — a stolen table must be searched code by code."""
    salt = salt or secrets.token_hex(4)
    return f"{salt}${totp.hash_recovery_code(salt + code)}"


def _matches(code: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(_salted(code, salt), stored)


async def verify_second_factor(
    *, session: AsyncSession, user: User, code: str, now: datetime
) -> bool:
    """Whether ``code`` — a TOTP code not used before, or an unused recovery code — is good;
    using it spends it."""
    if user.totp_secret is None:
        return False
    if totp.looks_like_recovery_code(code):
        unused = await session.execute(
            select(RecoveryCode.id, RecoveryCode.code_hash).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        found = next((id_ for id_, stored in unused if _matches(code, stored)), None)
        if found is None:
            return False
        spent = await session.scalar(
            update(RecoveryCode)
            .where(RecoveryCode.id == found, RecoveryCode.used_at.is_(None))
            .values(used_at=now)
            .returning(RecoveryCode.id)
            .execution_options(synchronize_session=False)
        )
        return spent is not None
    step = totp.verify(user.totp_secret, code, at=now, last_step=user.totp_last_step)
    if step is None:
        return False
    # Two sign-ins racing with one code: only the first moves the step forward.
    moved = await session.scalar(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    )
    if moved is not None:
        user.totp_last_step = step
    return moved is not None


async def disable(*, session: AsyncSession, user: User) -> None:
    """Turn two-factor off and forget the secret and the recovery codes."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    await session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    await session.flush()
