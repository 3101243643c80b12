"""The per-account lock on wrong passwords, which a device that signed in before passes.

An account locks after ``login_max_failures`` wrong passwords (or two-factor codes), wherever
they come from: that stops guessing one account's password from many addresses. The lock
starts at a minute and doubles with every further failure, up to ``login_window_s``, so a
patient attacker gets a handful of guesses an hour, not a hundred.

Such a lock would also shut the owner out whenever anyone types their address wrongly five
times (the attack report's "targeted lockout"). So a browser or API client that has signed in
to the account before carries a *device token* (OWASP's "device cookie"): signed with the
server's key, naming the account and a random device id. With a valid device token for the
account, a sign-in is held only by that device's own failures, never by the account's; a
stolen device token is still limited by its own count. Every failure also counts against the
account, so attackers never escape the lock by sending somebody else's device token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.auth.models import AuthAttempt
from gravl.auth.ratelimit import record_attempt
from gravl.auth.security import signing_keys
from gravl.config import Settings
from gravl.errors import RateLimited

DEVICE_TOKEN_PREFIX = "gdv_"
FIRST_LOCK_S = 60
# Failures older than this no longer lengthen the lock (the attempt ledger keeps two hours).
MEMORY = timedelta(hours=1)
LOCKED_MESSAGE = "too many failed logins for this account; try again later"


def account_key(email: str) -> str:
    """The ledger keeps a hash, not the address: it is a counter, not a user record."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _mac(key: str, user_id: int, device_id: str) -> str:
    message = f"device|{user_id}|{device_id}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()[:32]


def new_device_token(settings: Settings, user_id: int) -> str:
    device_id = secrets.token_hex(12)
    mac = _mac(settings.secret_key, user_id, device_id)
    return f"{DEVICE_TOKEN_PREFIX}{user_id}.{device_id}.{mac}"


def device_of(settings: Settings, token: str | None, user_id: int | None) -> str | None:
    """The device id of a genuine device token for account ``user_id``, else None."""
    if not token or user_id is None or not token.startswith(DEVICE_TOKEN_PREFIX):
        return None
    parts = token.removeprefix(DEVICE_TOKEN_PREFIX).split(".")
    if len(parts) != 3 or parts[0] != str(user_id):
        return None
    _user, device_id, mac = parts
    # Tokens signed before a key rotation stay valid while the previous key is kept.
    if any(
        hmac.compare_digest(mac, _mac(key, user_id, device_id))
        for key in signing_keys(settings).values()
    ):
        return device_id
    return None


async def check(
    *, session: AsyncSession, settings: Settings, account: str, device: str | None, now: datetime
) -> None:
    """Raise ``RateLimited`` while the account (or, for a known device, the device) is locked."""
    kind, key = ("device_failure", device) if device else ("login_failure", account)
    count, newest = (
        await session.execute(
            select(func.count(), func.max(AuthAttempt.created_at)).where(
                AuthAttempt.kind == kind,
                AuthAttempt.key == key,
                AuthAttempt.created_at > now - MEMORY,
            )
        )
    ).one()
    if count < settings.login_max_failures:
        return
    lock_s = min(settings.login_window_s, FIRST_LOCK_S * 2 ** (count - settings.login_max_failures))
    until = newest + timedelta(seconds=lock_s)
    if now < until:
        raise RateLimited(LOCKED_MESSAGE, retry_after=int((until - now).total_seconds()) + 1)


async def failed(*, session: AsyncSession, account: str, device: str | None, now: datetime) -> int:
    """Count a wrong password or code against the account (and the device); returns the
    account's failures in memory, this one included."""
    await record_attempt(session=session, kind="login_failure", key=account, now=now)
    if device:
        await record_attempt(session=session, kind="device_failure", key=device, now=now)
    count = await session.scalar(
        select(func.count()).where(
            AuthAttempt.kind == "login_failure",
            AuthAttempt.key == account,
            AuthAttempt.created_at > now - MEMORY,
        )
    )
    return int(count or 0)
