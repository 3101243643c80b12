"""Sign up, sign in and sign out."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from gravl.auth import service
from gravl.auth.dependencies import ClientDep, SettingsDep
from gravl.auth.schemas import RegisterIn, known_timezone
from gravl.corridor import SessionDep
from gravl.errors import Conflict, MfaRequired, RateLimited, Unauthorized, ValidationFailed
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
    CsrfChecked,
    OptionalWebLifter,
    WebLifter,
    device_token,
    end_session,
    start_session,
)

# Where a new account goes first: a few questions, once (gravl.web.pages.welcome).
WELCOME = "/welcome"
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
    request: Request, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> Response:
    """Check the credentials and start a browser session (or ask for the two-factor code)."""
    form = await form_fields(request, "email", "password", "next")
    next_page = safe_next(form["next"])
    context = {"next": next_page, "email": form["email"], "notice": None}
    try:
        sign_in = await service.login(
            session=session,
            settings=settings,
            email=form["email"],
            password=form["password"],
            client=client,
            kind="web",
            device_token=device_token(request, settings),
        )
    except MfaRequired as exc:
        mfa_token = (exc.extra or {})["mfa_token"]
        return _code_page(request, next_page, mfa_token, None)
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
    start_session(request, sign_in)
    return redirect(request, next_page)


def _code_page(
    request: Request,
    next_page: str,
    mfa_token: str,
    errors: FormErrors | None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "pages/signin_code.html",
        {"next": next_page, "mfa_token": mfa_token, "errors": errors},
        status_code=status_code,
        headers=headers,
    )


@router.post("/signin/code", dependencies=[CsrfChecked])
async def signin_code(
    request: Request, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> Response:
    """The second step of a two-factor sign-in: a code from the app, or a recovery code."""
    form = await form_fields(request, "mfa_token", "code", "next")
    next_page = safe_next(form["next"])
    try:
        sign_in = await service.complete_mfa(
            session=session,
            settings=settings,
            mfa_token=form["mfa_token"],
            code=form["code"][:32],
            client=client,
            device_token=device_token(request, settings),
        )
    except Unauthorized as exc:
        await undo_unless_kept(session, exc)
        if not exc.commit:  # the password step has expired: start over
            return render(
                request,
                "pages/signin.html",
                {
                    "next": next_page,
                    "email": "",
                    "notice": None,
                    "errors": FormErrors(form=sentence(exc.message)),
                },
                status_code=401,
            )
        errors = FormErrors(fields={"code": sentence(exc.message)})
        return _code_page(request, next_page, form["mfa_token"], errors, status_code=401)
    except RateLimited as exc:
        await undo_unless_kept(session, exc)
        errors = FormErrors(form=retry_hint(exc))
        return _code_page(
            request,
            next_page,
            form["mfa_token"],
            errors,
            status_code=429,
            headers=_rate_limited(exc),
        )
    start_session(request, sign_in)
    return redirect(request, next_page)


@router.get("/signup")
async def signup_page(request: Request, user: OptionalWebLifter) -> Response:
    """Show the registration form."""
    if user is not None:
        return redirect(request, "/today")
    return render(
        request,
        "pages/signup.html",
        {"email": "", "display_name": "", "timezone": "", "units": "", "errors": None},
    )


@router.post("/signup", dependencies=[CsrfChecked])
async def signup(
    request: Request, session: SessionDep, settings: SettingsDep, client: ClientDep
) -> Response:
    """Create an account and sign it in."""
    form = await form_fields(request, "email", "password", "display_name", "timezone", "units")
    where = _device_settings(form["timezone"], form["units"])
    context = {
        "email": form["email"],
        "display_name": form["display_name"],
        "timezone": where.get("timezone", ""),
        "units": where.get("units", ""),
    }
    try:
        data = RegisterIn(
            email=form["email"],
            password=form["password"],
            display_name=form["display_name"] or None,
            **where,
        )
    except ValidationError as exc:
        return render(
            request,
            "pages/signup.html",
            {**context, "errors": from_validation(exc, _EMAIL_HINT)},
            status_code=422,
        )
    try:
        _user, sign_in = await service.register(
            session=session, settings=settings, data=data, client=client, kind="web"
        )
    except ValidationFailed as exc:
        await undo_unless_kept(session, exc)
        field_errors = {str(d["field"]): sentence(str(d["message"])) for d in exc.details or []}
        errors = FormErrors(fields=field_errors or {"password": sentence(exc.message)})
        return render(request, "pages/signup.html", {**context, "errors": errors}, status_code=422)
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
    start_session(request, sign_in)
    return redirect(request, WELCOME)


def _device_settings(timezone: str, units: str) -> dict[str, str]:
    """The browser's timezone and unit (gravl/web/static/js/onboarding.js) when they name one;
    what the device says is a guess the welcome page asks the lifter to confirm, so a value
    that names nothing is dropped, not an error."""
    where = {}
    if units in ("kg", "lb"):
        where["units"] = units
    try:
        if timezone and known_timezone(timezone):
            where["timezone"] = timezone
    except ValueError:
        pass
    return where


@router.post("/signout", dependencies=[CsrfChecked])
async def signout(
    request: Request, session: SessionDep, user: WebLifter, client: ClientDep
) -> Response:
    """End this browser's session (the device cookie stays: gravl.auth.lockout)."""
    await service.logout(session=session, lifter=user, client=client)
    end_session(request)
    response = redirect(request, "/signin?signed_out=1")
    # Anything of the lifter's a browser kept goes too (ASVS 8.2.3); cookies are not named:
    # the device cookie must outlive the sign-out (gravl.auth.lockout).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
