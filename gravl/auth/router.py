"""Auth, session, two-factor and profile endpoints (thin: HTTP in, service call, HTTP out)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from gravl.auth import service
from gravl.auth.dependencies import ClientDep, SettingsDep
from gravl.auth.lifter import CurrentLifter, WritingLifter
from gravl.auth.schemas import (
    CodeIn,
    DeleteAccountIn,
    LoginIn,
    LogoutIn,
    MfaDisableIn,
    MfaLoginIn,
    PasswordChangeIn,
    ProfilePatch,
    RecoveryCodesOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    SecurityEventOut,
    SecurityEventPage,
    SessionOut,
    TokenPair,
    TotpEnrolmentOut,
    UserOut,
)
from gravl.corridor import CorridorRoute, SessionDep

router = APIRouter(prefix="/api", tags=["auth"], route_class=CorridorRoute)
SessionId = Annotated[str, Path(min_length=1, max_length=64)]


def _tokens(sign_in: service.SignIn) -> TokenPair:
    assert sign_in.tokens is not None  # an API sign-in
    return sign_in.tokens


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=RegisterOut)
async def register(
    data: RegisterIn, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> RegisterOut:
    """Create an account and return its first token pair (a new session)."""
    user, sign_in = await service.register(
        session=session, settings=settings, data=data, client=client
    )
    return RegisterOut(user=UserOut.model_validate(user), **_tokens(sign_in).model_dump())


@router.post("/auth/login", response_model=TokenPair)
async def login(
    data: LoginIn, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> TokenPair:
    """Exchange e-mail and password for a token pair (a new session). With two-factor on, the
    answer is 401 `mfa_required` with an `mfa_token` to redeem at `/api/auth/mfa`."""
    sign_in = await service.login(
        session=session,
        settings=settings,
        email=data.email,
        password=data.password,
        client=client,
        device_token=data.device_token,
    )
    return _tokens(sign_in)


@router.post("/auth/mfa", response_model=TokenPair)
async def login_mfa(
    data: MfaLoginIn, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> TokenPair:
    """Finish a two-factor sign-in with a TOTP code or a recovery code."""
    sign_in = await service.complete_mfa(
        session=session,
        settings=settings,
        mfa_token=data.mfa_token,
        code=data.code,
        client=client,
        device_token=data.device_token,
    )
    return _tokens(sign_in)


@router.post("/auth/refresh", response_model=TokenPair)
async def refresh(
    data: RefreshIn, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> TokenPair:
    """Rotate a refresh token into a new token pair."""
    return await service.refresh(
        session=session, settings=settings, refresh_token=data.refresh_token, client=client
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def logout(
    session: SessionDep, lifter: CurrentLifter, client: ClientDep, data: LogoutIn | None = None
) -> Response:
    """End this session (its access and refresh tokens), and the one a refresh token sent
    in the body belongs to."""
    await service.logout(
        session=session,
        lifter=lifter,
        client=client,
        refresh_token=data.refresh_token if data else None,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
async def me(session: SessionDep, lifter: CurrentLifter) -> UserOut:
    """The caller's profile."""
    return UserOut.model_validate(await service.profile(session=session, lifter=lifter))


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def delete_me(
    data: DeleteAccountIn,
    session: SessionDep,
    settings: SettingsDep,
    lifter: CurrentLifter,
    client: ClientDep,
) -> Response:
    """Delete your account and all of its data (confirm with your password)."""
    await service.delete_account(
        session=session, settings=settings, lifter=lifter, password=data.password, client=client
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.patch("/me", response_model=UserOut)
async def patch_me(data: ProfilePatch, session: SessionDep, lifter: WritingLifter) -> UserOut:
    """Change display name, units, timezone or experience."""
    return UserOut.model_validate(
        await service.update_profile(session=session, lifter=lifter, data=data)
    )


@router.post("/me/password", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def change_password(
    data: PasswordChangeIn,
    session: SessionDep,
    settings: SettingsDep,
    lifter: CurrentLifter,
    client: ClientDep,
) -> Response:
    """Change your password (at least 12 characters, not a common one); every other session
    ends."""
    await service.change_password(
        session=session,
        settings=settings,
        lifter=lifter,
        current_password=data.current_password,
        new_password=data.new_password,
        client=client,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/sessions", response_model=list[SessionOut])
async def sessions(
    session: SessionDep, settings: SettingsDep, lifter: CurrentLifter
) -> list[SessionOut]:
    """Your live sessions (sign-ins), the most recently used first; `current` marks this one."""
    rows = await service.list_sessions(session=session, settings=settings, lifter=lifter)
    return [
        SessionOut.model_validate(row).model_copy(update={"current": row.id == lifter.session_id})
        for row in rows
    ]


@router.delete(
    "/me/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response
)
async def revoke_session(
    session_id: SessionId, session: SessionDep, lifter: CurrentLifter, client: ClientDep
) -> Response:
    """End one of your sessions: its tokens stop working at once."""
    await service.revoke_sessions(
        session=session, lifter=lifter, client=client, session_id=session_id
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/me/sessions", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def revoke_other_sessions(
    session: SessionDep, lifter: CurrentLifter, client: ClientDep
) -> Response:
    """End every session but this one ("sign out everywhere else")."""
    await service.revoke_sessions(session=session, lifter=lifter, client=client, all_others=True)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/me/mfa/totp", status_code=status.HTTP_201_CREATED, response_model=TotpEnrolmentOut)
async def enrol_totp(session: SessionDep, lifter: CurrentLifter) -> TotpEnrolmentOut:
    """Start TOTP enrolment: the secret, its otpauth URI and a QR code (SVG) for the app.
    Two-factor stays off until confirmed with a code."""
    enrolment = await service.start_mfa(session=session, lifter=lifter)
    return TotpEnrolmentOut(
        secret=enrolment.secret, otpauth_uri=enrolment.otpauth_uri, qr_svg=enrolment.qr_svg
    )


@router.post("/me/mfa/totp/confirm", response_model=RecoveryCodesOut)
async def confirm_totp(
    data: CodeIn, session: SessionDep, lifter: CurrentLifter, client: ClientDep
) -> RecoveryCodesOut:
    """Turn two-factor on with a first code; returns ten one-time recovery codes (shown once)."""
    codes = await service.confirm_mfa(session=session, lifter=lifter, code=data.code, client=client)
    return RecoveryCodesOut(recovery_codes=codes)


@router.delete("/me/mfa/totp", status_code=status.HTTP_204_NO_CONTENT, response_class=Response)
async def disable_totp(
    data: MfaDisableIn,
    session: SessionDep,
    settings: SettingsDep,
    lifter: CurrentLifter,
    client: ClientDep,
) -> Response:
    """Turn two-factor off: needs your password and a current code (or a recovery code)."""
    await service.disable_mfa(
        session=session,
        settings=settings,
        lifter=lifter,
        password=data.password,
        code=data.code,
        client=client,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/security-events", response_model=SecurityEventPage)
async def security_events(
    session: SessionDep,
    lifter: CurrentLifter,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    before: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> SecurityEventPage:
    """Sign-ins, failures, lockouts, revocations and changes to your account's security,
    newest first; continue with `before` = the last item's id."""
    rows = await service.security_events(session=session, lifter=lifter, limit=limit, before=before)
    items = [SecurityEventOut.model_validate(row) for row in rows]
    return SecurityEventPage(items=items, next_before=items[-1].id if len(items) == limit else None)
