"""Password hashing (argon2) and signed access tokens (JWT with a key id for rotation)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gravl.config import Settings

_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so both failures cost the same time.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")
_ALGORITHM = "HS256"
# An argon2 hash or verification takes ~110 ms of CPU (and releases the GIL): on the event loop
# it would stall every request of the worker. Two threads bound the CPU a burst of logins can
# take. A plain executor rather than an anyio CapacityLimiter: it is shared safely by every
# event loop of the process (the tests run several apps at once).
_HASHING = ThreadPoolExecutor(max_workers=2, thread_name_prefix="gravl-argon2")
# Refresh tokens carry a prefix so that the log redactor (and secret scanners) recognise them.
REFRESH_TOKEN_PREFIX = "grt_"


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_HASHING, _hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(
        _HASHING, _verify, password_hash, password
    )


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def key_id(key: str) -> str:
    """A public id for a signing key: lets a token name its key without revealing it."""
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def signing_keys(settings: Settings) -> dict[str, str]:
    keys = {key_id(settings.secret_key): settings.secret_key}
    if settings.previous_secret_key:
        keys[key_id(settings.previous_secret_key)] = settings.previous_secret_key
    return keys


def _sign(settings: Settings, claims: dict[str, object]) -> str:
    """A JWT of ``claims`` under the current key, naming the key by its id."""
    return jwt.encode(
        claims,
        settings.secret_key,
        algorithm=_ALGORITHM,
        headers={"kid": key_id(settings.secret_key)},
    )


def _verified(settings: Settings, token: str, kind: str) -> dict[str, Any] | None:
    """The claims of a token of ``kind`` ("access", "mfa") signed by a current or previous key
    and not expired, else None."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = signing_keys(settings).get(str(kid))
        if key is None:
            return None
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=[_ALGORITHM], options={"require": ["exp"]}
        )
    except jwt.PyJWTError:
        return None
    return claims if claims.get("type") == kind else None


def create_access_token(
    settings: Settings, user_id: int, session_id: str, now: datetime | None = None
) -> str:
    """A short-lived token for ``user_id`` within the session ``session_id`` (claim ``sid``):
    it is honoured only while that session lives (gravl.auth.lifter)."""
    issued = now or datetime.now(UTC)
    return _sign(
        settings,
        {
            "sub": str(user_id),
            "sid": session_id,
            "type": "access",
            "iat": int(issued.timestamp()),
            "exp": int((issued + timedelta(seconds=settings.access_token_ttl_s)).timestamp()),
        },
    )


def decode_access_claims(settings: Settings, token: str) -> tuple[int, str, int] | None:
    """The user id, session id and expiry (epoch seconds) of a valid access token, else None
    (tokens from before sessions, without ``sid``, are no longer valid)."""
    claims = _verified(settings, token, "access")
    if claims is None:
        return None
    try:
        user_id, session_id, expires = int(claims["sub"]), claims["sid"], int(claims["exp"])
    except (KeyError, TypeError, ValueError):
        return None
    return (user_id, session_id, expires) if isinstance(session_id, str) else None


MFA_TOKEN_TTL_S = 300


def create_mfa_token(settings: Settings, user_id: int, kind: str, now: datetime) -> str:
    """Proof that the password was right, redeemable with a second factor for five minutes."""
    return _sign(
        settings,
        {
            "sub": str(user_id),
            "type": "mfa",
            "knd": kind,
            "jti": secrets.token_hex(12),
            "iat": int(now.timestamp()),
            "exp": int(now.timestamp()) + MFA_TOKEN_TTL_S,
        },
    )


def decode_mfa_token(settings: Settings, token: str) -> tuple[int, str, str] | None:
    """The user id, session kind (api/web) and token id of a valid, unexpired MFA token."""
    claims = _verified(settings, token, "mfa")
    if claims is None or claims.get("knd") not in ("api", "web"):
        return None
    try:
        return int(claims["sub"]), str(claims["knd"]), str(claims["jti"])
    except (KeyError, TypeError, ValueError):
        return None


def new_refresh_token() -> str:
    return REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
