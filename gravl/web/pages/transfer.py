"""Import another app's history (preview first, then confirm) and export your own."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.responses import JSONResponse, Response, StreamingResponse

from gravl.auth.dependencies import SettingsDep
from gravl.auth.lifter import Lifter
from gravl.catalog.models import Exercise
from gravl.catalog.service import visible_exercises
from gravl.corridor import SessionDep
from gravl.db import Database
from gravl.errors import Conflict, NotFound, PayloadTooLarge, RateLimited, ValidationFailed
from gravl.ids import MAX_ID, IdPath
from gravl.transfer import export, imports, names, restore, service
from gravl.transfer.quota import ImportQuota
from gravl.transfer.schemas import ImportOut, ImportReportOut, MusclesIn, RemapIn
from gravl.vocabulary import MUSCLE_GROUPS, MUSCLE_NAMES
from gravl.web.forms import FormErrors, retry_hint, sentence, undo_unless_kept
from gravl.web.routing import WebRoute, render
from gravl.web.session import CsrfChecked, WebLifter, WritingWebLifter

router = APIRouter(route_class=WebRoute, include_in_schema=False)

FORMAT_CHOICES = (
    ("strong", "Strong (CSV)"),
    ("hevy", "Hevy (CSV)"),
    ("fitnotes", "FitNotes (CSV)"),
    ("fitbod", "Fitbod (CSV)"),
    ("gravl", "Gravl (JSON export)"),
)
UNIT_CHOICES = (("kg", "Kilograms (kg)"), ("lb", "Pounds (lb)"))
UNIT_SOURCES = {"file": "as the file says", "request": "as you chose", "profile": "your units"}
# An invalid file's report names at most this many of its problems.
PROBLEMS_SHOWN = 5


def _page(
    request: Request,
    user: Lifter,
    values: dict[str, str],
    *,
    past: list[ImportOut],
    report: ImportReportOut | None = None,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    context: dict[str, Any] = {
        "user": user,
        "active": "/import",
        "title": "Import and export",
        "values": values,
        "report": report,
        "errors": errors,
        "notice": notice,
        "past": past,
        "format_choices": FORMAT_CHOICES,
        "format_names": dict(FORMAT_CHOICES),
        "unit_choices": (("", f"Your units ({user.units})"), *UNIT_CHOICES),
        "unit_sources": UNIT_SOURCES,
        "span": _span(report, user.timezone) if report is not None else None,
    }
    # htmx swaps just the result, so the chosen file stays chosen for "Import".
    partial = (
        request.headers.get("hx-request") and request.headers.get("hx-target") == "import-result"
    )
    template = "pages/import_result.html" if partial else "pages/import.html"
    return render(request, template, context, status_code=status_code, headers=headers)


def _span(report: ImportReportOut, timezone: str) -> str | None:
    """The days the file covers, in the lifter's timezone: "3 Mar 2019 to 28 Nov 2026"."""
    if report.first_at is None or report.last_at is None:
        return None
    zone = ZoneInfo(timezone)
    first, last = (moment.astimezone(zone).date() for moment in (report.first_at, report.last_at))
    return f"{first.day} {first:%b %Y}" + ("" if first == last else f" to {last.day} {last:%b %Y}")


@router.get("/import")
async def import_page(request: Request, session: SessionDep, user: WebLifter) -> Response:
    """The upload form, the imports made so far (each can be undone) and the export links."""
    past = await imports.list_imports(session=session, user=user)
    return _page(request, user, {"format": "strong", "unit": ""}, past=past)


@router.post("/imports/{import_id}/undo", dependencies=[CsrfChecked])
async def undo_import(
    request: Request, session: SessionDep, user: WritingWebLifter, import_id: IdPath
) -> Response:
    """Undo one of the lifter's imports: what it added leaves the history."""
    undone = await imports.undo(session=session, user=user, import_id=import_id)
    past = await imports.list_imports(session=session, user=user)
    name = undone.import_.filename or f"import {import_id}"
    notice = (
        f"Undid {name}: {undone.removed_logs} exercise log"
        f"{'' if undone.removed_logs == 1 else 's'} ({undone.removed_sets} sets) removed."
    )
    return _page(request, user, {"format": "strong", "unit": ""}, past=past, notice=notice)


def _problems(exc: ValidationFailed) -> str:
    message = sentence(exc.message)
    lines = [
        f"line {d['line']}: {d.get('message', '')}" if "line" in d else str(d.get("message", ""))
        for d in (exc.details or [])[:PROBLEMS_SHOWN]
    ]
    return message + (" " + "; ".join(line for line in lines if line) + "." if lines else "")


@router.post("/import", dependencies=[CsrfChecked])
async def import_file(
    request: Request, session: SessionDep, settings: SettingsDep, user: WritingWebLifter
) -> Response:
    """Preview (a dry run) or import the uploaded file; all of it or nothing."""
    form = await request.form()
    values = {
        "format": str(form.get("format") or ""),
        "unit": str(form.get("unit") or ""),
        "replace": "on" if form.get("replace") else "",
    }
    confirm = form.get("action") == "confirm"
    upload = form.get("file")
    errors = FormErrors()
    if values["format"] not in dict(FORMAT_CHOICES):
        errors.fields["format"] = "Choose the app the file comes from."
    if values["unit"] not in dict(UNIT_CHOICES):
        values["unit"] = ""  # the profile's units
    past = await imports.list_imports(session=session, user=user)
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.fields["file"] = (
            "Choose the file again to import it." if confirm else "Choose a file to import."
        )
    if errors:
        return _page(request, user, values, past=past, errors=errors, status_code=422)
    assert isinstance(upload, UploadFile)
    quota: ImportQuota = request.app.state.import_quota
    try:
        quota.take(user.id, upload.size or 0)
    except RateLimited as exc:
        errors.fields["file"] = retry_hint(exc)
        return _page(
            request,
            user,
            values,
            past=past,
            errors=errors,
            status_code=429,
            headers={"Retry-After": str(exc.retry_after)},
        )
    try:
        if values["format"] == "gravl":
            report = await restore.restore(
                session=session,
                user=user,
                stream=upload.file,
                dry_run=not confirm,
                filename=upload.filename,
                max_bytes=settings.max_upload_bytes,
            )
        else:
            report = await service.import_history(
                session=session,
                user=user,
                stream=upload.file,
                format=values["format"],  # type: ignore[arg-type]  # checked against the choices
                unit=values["unit"] or None,  # type: ignore[arg-type]
                dry_run=not confirm,
                replace=bool(values["replace"]),
                filename=upload.filename,
                max_bytes=settings.max_upload_bytes,
            )
    except (ValidationFailed, PayloadTooLarge) as exc:
        await undo_unless_kept(session, exc)
        message = _problems(exc) if isinstance(exc, ValidationFailed) else sentence(exc.message)
        errors.fields["file"] = message
        return _page(request, user, values, past=past, errors=errors, status_code=exc.status)
    if confirm:
        past = await imports.list_imports(session=session, user=user)
    return _page(request, user, values, past=past, report=report)


async def _names_page(
    request: Request,
    session: AsyncSession,
    user: Lifter,
    import_id: int | None,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    found = await names.imported_names(session=session, user=user, import_id=import_id)
    visible = await session.scalars(
        visible_exercises(user).with_only_columns(Exercise.name).order_by(Exercise.name)
    )
    context = {
        "user": user,
        "active": "/import",
        "title": "Imported exercise names",
        "names": found,
        "import_id": import_id,
        "exercise_names": list(visible),
        "muscle_choices": [(m.slug, m.name) for m in MUSCLE_GROUPS],
        "muscle_names": MUSCLE_NAMES,
        "notice": notice,
        "error": error,
    }
    return render(request, "pages/import_names.html", context, status_code=status_code)


@router.get("/imports/names")
async def imported_names_page(
    request: Request,
    session: SessionDep,
    user: WebLifter,
    import_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Every name an import gave an exercise, with where it landed: map it elsewhere, or give
    your own exercise its muscles."""
    return await _names_page(request, session, user, import_id)


def _import_id(form: Any) -> int | None:
    text = str(form.get("import_id") or "")
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else None


@router.post("/imports/names/remap", dependencies=[CsrfChecked])
async def remap_name(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Move a name's logs to the exercise typed (its exact name, as the list suggests)."""
    form = await request.form()
    name, wanted = str(form.get("name") or ""), " ".join(str(form.get("exercise") or "").split())
    import_id = _import_id(form)
    target = await session.scalar(
        visible_exercises(user).where(func.lower(Exercise.name) == wanted.lower())
    )
    if target is None or not name:
        error = f"No exercise is called “{wanted}”: pick one of the suggested names."
        return await _names_page(request, session, user, import_id, error=error, status_code=422)
    try:
        done = await names.remap(
            session=session, user=user, data=RemapIn(name=name[:120], exercise_id=target.id)
        )
    except NotFound as exc:
        return await _names_page(
            request, session, user, import_id, error=sentence(exc.message), status_code=404
        )
    notice = f"“{done.name}” now logs as {done.exercise_name}: {done.moved_logs} log(s) moved."
    return await _names_page(request, session, user, import_id, notice=notice)


@router.post("/imports/names/muscles", dependencies=[CsrfChecked])
async def set_muscles(request: Request, session: SessionDep, user: WritingWebLifter) -> Response:
    """Give one of your own exercises its muscles."""
    form = await request.form()
    import_id = _import_id(form)
    text = str(form.get("exercise_id") or "")
    primary = [str(m) for m in form.getlist("primary") if m]
    secondary = [str(m) for m in form.getlist("secondary") if m and m not in primary]
    try:
        data = MusclesIn(primary_muscles=primary, secondary_muscles=secondary)
    except PydanticValidationError:
        error = "Choose at least one main muscle."
        return await _names_page(request, session, user, import_id, error=error, status_code=422)
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise NotFound("exercise not found")
    try:
        exercise = await names.set_muscles(
            session=session, user=user, exercise_id=int(text), data=data
        )
    except Conflict as exc:  # a built-in exercise: its muscles are the catalog's
        return await _names_page(
            request, session, user, import_id, error=sentence(exc.message), status_code=409
        )
    notice = f"{exercise.name} now counts for {', '.join(MUSCLE_NAMES[m] for m in primary)}."
    return await _names_page(request, session, user, import_id, notice=notice)


def _download_name(extension: str) -> dict[str, str]:
    name = f"gravl-export-{date.today().isoformat()}.{extension}"
    # A whole history of personal data: no cache along the way may keep it.
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@router.get("/export.json")
async def export_json(session: SessionDep, user: WebLifter) -> Response:
    """Everything, as a Gravl JSON document that restores into any account."""
    document = await export.export_document(session=session, user=user)
    return JSONResponse(document.model_dump(mode="json"), headers=_download_name("json"))


@router.get("/export.csv")
async def export_csv(request: Request, user: WebLifter) -> Response:
    """Every set as a CSV row, for spreadsheets."""
    database: Database = request.app.state.database
    rows = export.export_csv(database=database, user_id=user.id)
    return StreamingResponse(
        rows, media_type="text/csv; charset=utf-8", headers=_download_name("csv")
    )
