"""Who is calling: the bearer token's user, required or optional."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Protocol, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from gravl.auth.models import User
from gravl.auth.tokens import TokenCache
from gravl.config import Settings
from gravl.db import SessionDep
from gravl.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False, description="Access token from /api/auth/login")


# The dependencies below are ``async def`` although they never await: FastAPI runs a plain
# ``def`` dependency in a worker thread, a thread hop on every authenticated request.
async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


class _Identified(Protocol):
    @property
    def id(self) -> int: ...


C = TypeVar("C", bound=_Identified)


async def bearer_caller(
    request: Request, credentials: Credentials, find: Callable[[int], Awaitable[C | None]]
) -> C | None:
    """Who the bearer token names, read by ``find``; None without a token. An invalid or
    expired token, or one whose account is gone, is a 401."""
    if credentials is None:
        return None
    tokens: TokenCache = request.app.state.token_cache
    user_id = tokens.user_id(credentials.credentials)
    caller = await find(user_id) if user_id is not None else None
    if caller is None:
        raise Unauthorized("access token is invalid or expired")
    request.state.user_id = caller.id
    return caller


def required(caller: C | None) -> C:
    if caller is None:
        raise Unauthorized("authentication required: send Authorization: Bearer <access_token>")
    return caller


async def optional_user(
    request: Request, session: SessionDep, credentials: Credentials
) -> User | None:
    return await bearer_caller(request, credentials, lambda user_id: session.get(User, user_id))


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    return required(user)


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]


async def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


ClientAddress = Annotated[str, Depends(client_address)]
