"""Sign up, sign in and sign out, and what an account means: the privacy notice."""

from __future__ import annotations

from fastapi import APIRouter, Request
from limits import RateLimitItemPerMinute
from limits.strategies import MovingWindowRateLimiter
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from gravl.auth import events, passwords, ratelimit, service, sessions
from gravl.auth.dependencies import ClientAddress, ClientDep, SettingsDep
from gravl.auth.schemas import RegisterIn, known_timezone
from gravl.corridor import SessionDep, reads_only
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

# The strength meter's checks one client may ask of a worker in a minute: typing, with htmx
# waiting for a pause, asks far fewer; past this the meter stops updating until the minute ends.
STRENGTH_CHECKS = RateLimitItemPerMinute(120)
# The fields a new password is typed into: sign-up's, and the security page's.
_NEW_PASSWORD_FIELDS = ("password", "new_password")


def _rate_limited(error: RateLimited) -> dict[str, str]:
    return {"Retry-After": str(error.retry_after)}


@router.get("/")
async def home(user: OptionalWebLifter, request: Request) -> Response:
    """Send lifters to today's page, everyone else to sign in."""
    return redirect(request, "/today" if user else "/signin")


@router.get("/signin")
async def signin_page(
    request: Request,
    user: OptionalWebLifter,
    next: str | None = None,
    signed_out: bool = False,
    deleted: bool = False,
) -> Response:
    """Show the sign-in form."""
    if user is not None:
        return redirect(request, safe_next(next))
    notice = None
    if deleted:
        notice = "Your account and all of its data are deleted."
    elif signed_out:
        notice = "You are signed out."
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


@router.get("/privacy")
async def privacy_page(
    request: Request, settings: SettingsDep, user: OptionalWebLifter
) -> Response:
    """What Gravl keeps about a lifter, why, for how long, and how to take it away (ASVS 8.3.3):
    the notice the sign-up form points to. The durations are the code's own."""
    day_s = 86_400
    return render(
        request,
        "pages/privacy.html",
        {
            "idle_days": settings.refresh_token_ttl_s // day_s,
            "lifetime_days": settings.session_lifetime_s // day_s,
            "ended_days": sessions.ENDED_KEPT.days,
            "events_days": events.KEPT.days,
            "attempt_hours": int(ratelimit.RETENTION.total_seconds() // 3600),
        },
    )


@router.post("/password-strength")
@reads_only
async def password_strength(
    request: Request, user: OptionalWebLifter, address: ClientAddress
) -> Response:
    """The meter beside a new-password field (ASVS 2.1.8), for htmx: how the password typed so
    far rates, by the rule the form applies when sent, told about the account's e-mail address
    and name (the lifter's own once signed in). Nothing is stored.

    No CSRF token is asked: the check changes nothing, and another site could not read its
    answer. Asking for one raced the form it serves: a check still waiting for the typing to
    pause went out after the sign-up had begun a new session, with the old session's token."""
    limiter: MovingWindowRateLimiter = request.app.state.strength_limiter
    if not limiter.hit(STRENGTH_CHECKS, address):
        return Response(status_code=429, headers={"Retry-After": "60"})
    form = await request.form()
    typed = (form.get(name) for name in _NEW_PASSWORD_FIELDS)
    password = next((value for value in typed if isinstance(value, str) and value), "")
    if user is not None:
        email, name = user.email, user.display_name
    else:
        email, name = (str(form.get(field) or "") for field in ("email", "display_name"))
    rated = None
    if password:
        rated = await run_in_threadpool(
            passwords.strength, password, email=email or None, display_name=name or None
        )
    return render(request, "pages/password_strength.html", {"rated": rated})


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
