"""Import and export endpoints."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse, StreamingResponse

from gravl.auth.dependencies import SettingsDep
from gravl.auth.lifter import CurrentLifter, WritingLifter
from gravl.catalog.schemas import ExerciseOut
from gravl.corridor import CorridorRoute, SessionDep
from gravl.db import Database
from gravl.errors import GravlError, PayloadTooLarge, ValidationFailed
from gravl.ids import MAX_ID, IdPath
from gravl.observability.metrics import IMPORTS
from gravl.transfer import export, imports, names, restore, service
from gravl.transfer.parsing import WeightUnit
from gravl.transfer.quota import ImportQuota
from gravl.transfer.schemas import (
    ExportFormat,
    ImportedNameOut,
    ImportFormat,
    ImportOut,
    ImportReportOut,
    MusclesIn,
    RemapIn,
    RemapOut,
    UndoneOut,
)

router = APIRouter(prefix="/api", tags=["import and export"], route_class=CorridorRoute)


@router.post(
    "/imports",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportReportOut,
    responses={200: {"model": ImportReportOut, "description": "A dry run: nothing was written"}},
)
async def import_history(
    request: Request,
    session: SessionDep,
    user: WritingLifter,
    settings: SettingsDep,
    response: Response,
    file: Annotated[UploadFile, File(description="The export file (CSV, or Gravl JSON)")],
    format: Annotated[ImportFormat, Form()],
    unit: Annotated[
        WeightUnit | None,
        Form(description="Weight unit of files that name none; default: your profile's units"),
    ] = None,
    dry_run: Annotated[bool, Form(description="Report what would change; write nothing")] = False,
    timezone: Annotated[
        str | None, Form(max_length=64, description="IANA zone of the file's times")
    ] = None,
    replace: Annotated[
        bool, Form(description="Undo your earlier imports of this format first")
    ] = False,
) -> ImportReportOut:
    """Import a Strong, Hevy, FitNotes or Gravl export; all of it or, on any error, nothing.

    201 with the report; 200 for a dry run, or when every set was already there (nothing is
    written or recorded then: ``nothing_new``).
    """
    if file.size is not None and file.size > settings.max_upload_bytes:
        raise PayloadTooLarge(f"the file is larger than {settings.max_upload_bytes} bytes")
    if file.filename and "\x00" in file.filename:
        # The name is stored with the import's record and PostgreSQL text cannot hold NUL;
        # refused rather than silently renamed.
        raise ValidationFailed(
            "file: the file name must not contain NUL characters",
            details=[{"field": "file", "message": "the file name must not contain NUL characters"}],
        )
    quota: ImportQuota = request.app.state.import_quota
    quota.take(user.id, file.size or 0)
    try:
        if format == "gravl":
            report = await restore.restore(
                session=session,
                user=user,
                stream=file.file,
                dry_run=dry_run,
                filename=file.filename,
                max_bytes=settings.max_upload_bytes,
            )
        else:
            report = await service.import_history(
                session=session,
                user=user,
                stream=file.file,
                format=format,
                unit=unit,
                timezone=timezone,
                dry_run=dry_run,
                replace=replace,
                filename=file.filename,
                max_bytes=settings.max_upload_bytes,
            )
    except GravlError:
        IMPORTS.labels(format, "rejected").inc()
        raise
    IMPORTS.labels(format, "dry_run" if dry_run else "imported").inc()
    if dry_run or report.nothing_new:
        response.status_code = status.HTTP_200_OK
    return report


@router.get("/imports", response_model=list[ImportOut])
async def list_imports(session: SessionDep, user: CurrentLifter) -> list[ImportOut]:
    """Your imports, newest first, undone ones included (marked by ``undone_at``)."""
    return await imports.list_imports(session=session, user=user)


@router.get("/imported-names", response_model=list[ImportedNameOut])
async def imported_names(
    session: SessionDep,
    user: CurrentLifter,
    import_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[ImportedNameOut]:
    """The names your imports gave exercises, each with the exercise it landed on (your own
    exercises without muscles first): the review step. ``import_id``: one import's names."""
    return await names.imported_names(session=session, user=user, import_id=import_id)


@router.post("/imported-names/remap", response_model=RemapOut)
async def remap_name(data: RemapIn, session: SessionDep, user: WritingLifter) -> RemapOut:
    """Move every imported log of a name to another exercise; later imports follow."""
    return await names.remap(session=session, user=user, data=data)


@router.put("/exercises/{exercise_id}/muscles", response_model=ExerciseOut)
async def set_muscles(
    exercise_id: IdPath, data: MusclesIn, session: SessionDep, user: WritingLifter
) -> ExerciseOut:
    """Set the muscles of one of your own exercises; its history counts for them from now on
    (recovery is recomputed). Built-in exercises: 409."""
    exercise = await names.set_muscles(
        session=session, user=user, exercise_id=exercise_id, data=data
    )
    return ExerciseOut.model_validate(exercise)


@router.get("/imports/{import_id}", response_model=ImportOut)
async def get_import(session: SessionDep, user: CurrentLifter, import_id: IdPath) -> ImportOut:
    """One of your imports."""
    return await imports.get_import(session=session, user=user, import_id=import_id)


@router.delete("/imports/{import_id}", response_model=UndoneOut)
async def undo_import(session: SessionDep, user: WritingLifter, import_id: IdPath) -> UndoneOut:
    """Undo an import: remove its logs and the custom exercises only it used; recovery is
    recomputed. The record stays, marked undone; undoing again removes nothing more."""
    return await imports.undo(session=session, user=user, import_id=import_id)


@router.get(
    "/export",
    response_model=None,
    responses={
        200: {
            "description": "The Gravl JSON document, or CSV with one row per set",
            "content": {"application/json": {}, "text/csv": {}},
        }
    },
)
async def export_history(
    request: Request,
    session: SessionDep,
    user: CurrentLifter,
    format: Annotated[ExportFormat, Query()] = "json",
) -> Response:
    """Download your whole history: JSON restores into any account, CSV opens anywhere."""
    name = f"gravl-export-{date.today().isoformat()}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        database: Database = request.app.state.database
        # The request's unit of work ends before a streamed body is sent, so the rows are read
        # through a unit of work of the generator's own.
        rows = export.export_csv(database=database, user_id=user.id)
        return StreamingResponse(rows, media_type="text/csv; charset=utf-8", headers=headers)
    document = await export.export_document(session=session, user=user)
    return JSONResponse(document.model_dump(mode="json"), headers=headers)
