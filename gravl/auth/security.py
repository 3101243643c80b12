"""Password hashing (argon2) and signed access tokens (JWT with a key id for rotation)."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

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


def create_access_token(settings: Settings, user_id: int, now: datetime | None = None) -> str:
    issued = now or datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "type": "access",
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(seconds=settings.access_token_ttl_s)).timestamp()),
    }
    return jwt.encode(
        claims,
        settings.secret_key,
        algorithm=_ALGORITHM,
        headers={"kid": key_id(settings.secret_key)},
    )


def decode_access_token(settings: Settings, token: str) -> int | None:
    """The user id an access token names, or None when it is invalid, expired or unknown-key."""
    claims = decode_access_claims(settings, token)
    return None if claims is None else claims[0]


def decode_access_claims(settings: Settings, token: str) -> tuple[int, int] | None:
    """The user id and expiry (epoch seconds) of a valid access token, else None."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        key = signing_keys(settings).get(str(kid))
        if key is None:
            return None
        claims = jwt.decode(token, key, algorithms=[_ALGORITHM], options={"require": ["exp"]})
    except jwt.PyJWTError:
        return None
    if claims.get("type") != "access":
        return None
    try:
        return int(claims["sub"]), int(claims["exp"])
    except (KeyError, TypeError, ValueError):
        return None


def new_refresh_token() -> str:
    return REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
