"""Liveness and readiness."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy import text

from gravl.db import Database

router = APIRouter(prefix="/api", tags=["health"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    database: Literal["ok", "unreachable"]
    migrations: Literal["current", "pending", "unknown"]


_HEALTHY = Health(status="ok").model_dump_json().encode()


@router.get("/health", response_model=Health)
async def health() -> Response:
    """Liveness: the process serves (touches no database)."""
    # The same answer every time, serialised once: probes and load balancers call this often.
    return Response(_HEALTHY, media_type="application/json")


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}})
async def ready(request: Request) -> JSONResponse:
    """Readiness: the database answers and its schema is at this release's migration head."""
    database: Database = request.app.state.database
    head: str | None = request.app.state.migration_head
    try:
        async with database.engine.connect() as connection:
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # any failure to reach or read the database means "not ready"
        body = Readiness(status="not_ready", database="unreachable", migrations="unknown")
        return JSONResponse(body.model_dump(), status_code=503)
    migrations: Literal["current", "pending"] = "current" if version == head else "pending"
    ok = migrations == "current"
    body = Readiness(status="ready" if ok else "not_ready", database="ok", migrations=migrations)
    return JSONResponse(body.model_dump(), status_code=200 if ok else 503)
