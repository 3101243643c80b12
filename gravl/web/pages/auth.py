"""Sign up, sign in and sign out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from gravl.auth import service
from gravl.auth.dependencies import ClientAddress, SettingsDep
from gravl.auth.schemas import RegisterIn
from gravl.corridor import SessionDep
from gravl.errors import Conflict, RateLimited, Unauthorized
from gravl.web.forms import (
    FormErrors,
    form_fields,
    from_validation,
    retry_hint,
    sentence,
    undo_unless_kept,
)
from gravl.web.routing import WebRoute, redirect, render, safe_next
from gravl.web.session import (
    SESSION_COOKIE,
    CsrfChecked,
    OptionalWebLifter,
    WebLifter,
    end_session,
    start_session,
)

_EMAIL_HINT = {"email": "Enter an email address like name@example.com."}

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _rate_limited(error: RateLimited) -> dict[str, str]:
    return {"Retry-After": str(error.retry_after)}


@router.get("/")
async def home(user: OptionalWebLifter, request: Request) -> Response:
    """Send lifters to today's page, everyone else to sign in."""
    return redirect(request, "/today" if user else "/signin")


@router.get("/signin")
async def signin_page(
    request: Request, user: OptionalWebLifter, next: str | None = None, signed_out: bool = False
) -> Response:
    """Show the sign-in form."""
    if user is not None:
        return redirect(request, safe_next(next))
    notice = "You are signed out." if signed_out else None
    return render(
        request,
        "pages/signin.html",
        {"next": safe_next(next), "email": "", "errors": None, "notice": notice},
    )


@router.post("/signin", dependencies=[CsrfChecked])
async def signin(
    request: Request, session: SessionDep, settings: SettingsDep, client: ClientAddress
) -> Response:
    """Check the credentials and start a browser session."""
    form = await form_fields(request, "email", "password", "next")
    next_page = safe_next(form["next"])
    context = {"next": next_page, "email": form["email"], "notice": None}
    try:
        tokens = await service.login(
            session=session,
            settings=settings,
            email=form["email"],
            password=form["password"],
            client=client,
        )
    except Unauthorized as exc:
        await undo_unless_kept(session, exc)
        errors = FormErrors(form=sentence(exc.message))
        return render(request, "pages/signin.html", {**context, "errors": errors}, status_code=401)
    except RateLimited as exc:
        await undo_unless_kept(session, exc)
        errors = FormErrors(form=retry_hint(exc))
        return render(
            request,
            "pages/signin.html",
            {**context, "errors": errors},
            status_code=429,
            headers=_rate_limited(exc),
        )
    start_session(request, tokens)
    return redirect(request, next_page)


@router.get("/signup")
async def signup_page(request: Request, user: OptionalWebLifter) -> Response:
    """Show the registration form."""
    if user is not None:
        return redirect(request, "/today")
    return render(request, "pages/signup.html", {"email": "", "display_name": "", "errors": None})


@router.post("/signup", dependencies=[CsrfChecked])
async def signup(
    request: Request, session: SessionDep, settings: SettingsDep, client: ClientAddress
) -> Response:
    """Create an account and sign it in."""
    form = await form_fields(request, "email", "password", "display_name")
    context = {"email": form["email"], "display_name": form["display_name"]}
    try:
        data = RegisterIn(
            email=form["email"],
            password=form["password"],
            display_name=form["display_name"] or None,
        )
    except ValidationError as exc:
        return render(
            request,
            "pages/signup.html",
            {**context, "errors": from_validation(exc, _EMAIL_HINT)},
            status_code=422,
        )
    try:
        _user, tokens = await service.register(
            session=session, settings=settings, data=data, client=client
        )
    except Conflict as exc:
        await undo_unless_kept(session, exc)
        errors = FormErrors(fields={"email": sentence(exc.message)})
        return render(request, "pages/signup.html", {**context, "errors": errors}, status_code=409)
    except RateLimited as exc:
        await undo_unless_kept(session, exc)
        errors = FormErrors(form=retry_hint(exc))
        return render(
            request,
            "pages/signup.html",
            {**context, "errors": errors},
            status_code=429,
            headers=_rate_limited(exc),
        )
    start_session(request, tokens)
    return redirect(request, "/today")


@router.post("/signout", dependencies=[CsrfChecked])
async def signout(request: Request, session: SessionDep, user: WebLifter) -> Response:
    """End this browser's session everywhere it could be used."""
    await service.logout(
        session=session, lifter=user, refresh_token=request.cookies.get(SESSION_COOKIE, "")
    )
    end_session(request)
    return redirect(request, "/signin?signed_out=1")
