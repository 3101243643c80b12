"""Auth and profile endpoints (thin: HTTP in, service call, HTTP out)."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from gravl.auth import service
from gravl.auth.dependencies import ClientAddress, SettingsDep
from gravl.auth.lifter import CurrentLifter, WritingLifter
from gravl.auth.schemas import (
    DeleteAccountIn,
    LoginIn,
    ProfilePatch,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    TokenPair,
    UserOut,
)
from gravl.corridor import CorridorRoute, SessionDep

router = APIRouter(prefix="/api", tags=["auth"], route_class=CorridorRoute)


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=RegisterOut)
async def register(
    data: RegisterIn, session: SessionDep, settings: SettingsDep, client: ClientAddress
) -> RegisterOut:
    """Create an account and return its first token pair."""
    user, tokens = await service.register(
        session=session, settings=settings, data=data, client=client
    )
    return RegisterOut(user=UserOut.model_validate(user), **tokens.model_dump())


@router.post("/auth/login", response_model=TokenPair)
async def login(
    data: LoginIn, session: SessionDep, settings: SettingsDep, client: ClientAddress
) -> TokenPair:
    """Exchange e-mail and password for a token pair."""
    return await service.login(
        session=session,
        settings=settings,
        email=data.email,
        password=data.password,
        client=client,
    )


@router.post("/auth/refresh", response_model=TokenPair)
async def refresh(data: RefreshIn, session: SessionDep, settings: SettingsDep) -> TokenPair:
    """Rotate a refresh token into a new token pair."""
    return await service.refresh(
        session=session, settings=settings, refresh_token=data.refresh_token
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def logout(data: RefreshIn, session: SessionDep, lifter: CurrentLifter) -> Response:
    """End the session a refresh token belongs to."""
    await service.logout(session=session, lifter=lifter, refresh_token=data.refresh_token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
async def me(session: SessionDep, lifter: CurrentLifter) -> UserOut:
    """The caller's profile."""
    return UserOut.model_validate(await service.profile(session=session, lifter=lifter))


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_me(
    data: DeleteAccountIn, session: SessionDep, settings: SettingsDep, lifter: CurrentLifter
) -> Response:
    """Delete your account and all of its data (confirm with your password)."""
    await service.delete_account(
        session=session, settings=settings, lifter=lifter, password=data.password
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/me", response_model=UserOut)
async def patch_me(data: ProfilePatch, session: SessionDep, lifter: WritingLifter) -> UserOut:
    """Change display name, units, timezone or experience."""
    return UserOut.model_validate(
        await service.update_profile(session=session, lifter=lifter, data=data)
    )
