"""The one error envelope: ``{"error": {"code", "message", "details"?}}`` for every failure."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException


class ErrorInfo(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None
    # Only with code "mfa_required": the token to redeem at POST /api/auth/mfa.
    mfa_token: str | None = None


class ErrorEnvelope(BaseModel):
    """The body of every error response."""

    error: ErrorInfo


_DESCRIPTIONS = {
    400: "Malformed request body",
    401: "Missing, invalid or expired access token",
    404: "Not found (or not yours)",
    409: "Conflicts with the current state",
    413: "Request body too large",
    422: "Invalid input; `details` name the fields",
    429: "Too many attempts; see Retry-After",
    503: "Database unavailable; retry shortly",
}
# Documented on every API route: any of them can answer so (auth, validation, limits, outages).
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": text} for status, text in _DESCRIPTIONS.items()
}


class GravlError(Exception):
    """A failure a client can act on; services raise these, never HTTP exceptions."""

    status = 400
    code = "bad_request"
    retry_after: int | None = None  # seconds, sent as Retry-After when set
    extra: dict[str, Any] | None = None  # more fields of the error object

    def __init__(
        self, message: str, *, details: list[dict[str, Any]] | None = None, commit: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        # Keep the request's writes despite the error (e.g. the record of a failed login).
        self.commit = commit


class ValidationFailed(GravlError):
    status = 422
    code = "validation_error"


class Unauthorized(GravlError):
    status = 401
    code = "unauthorized"


class MfaRequired(Unauthorized):
    """The password was right and the account asks for a second factor: the client redeems
    ``mfa_token`` with a code at ``POST /api/auth/mfa``."""

    code = "mfa_required"

    def __init__(self, mfa_token: str, *, commit: bool = False) -> None:
        super().__init__("enter the code from your authenticator app", commit=commit)
        self.extra = {"mfa_token": mfa_token}


class NotFound(GravlError):
    status = 404
    code = "not_found"


class Conflict(GravlError):
    status = 409
    code = "conflict"


class PayloadTooLarge(GravlError):
    status = 413
    code = "payload_too_large"


class RateLimited(GravlError):
    status = 429
    code = "rate_limited"

    retry_after: int

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class Unavailable(GravlError):
    status = 503
    code = "unavailable"
    retry_after = 5


_STATUS_CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "unavailable",
}


def _envelope(
    code: str,
    message: str,
    details: list[dict[str, Any]] | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    if extra:
        error.update(extra)
    return {"error": error}


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> bytes:
    return json.dumps(_envelope(code, message, details), separators=(",", ":")).encode()


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    return JSONResponse(
        _envelope(code, message, details, extra), status_code=status, headers=headers
    )


def _field_path(loc: tuple[int | str, ...]) -> str:
    """``("body", "sets", 0, "reps")`` → ``sets[0].reps``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or str(loc[0] if loc else "request")


def validation_details(errors: Any) -> list[dict[str, Any]]:
    details = []
    for err in errors:
        msg = str(err.get("msg", "is invalid"))
        msg = msg.removeprefix("Value error, ")
        details.append({"field": _field_path(tuple(err.get("loc", ()))), "message": msg})
    return details


async def _gravl_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GravlError)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
    return error_response(exc.status, exc.code, exc.message, exc.details, headers, exc.extra)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return error_response(400, "validation_error", "request body is not valid JSON")
    details = validation_details(errors)
    first = details[0] if details else {"field": "request", "message": "is invalid"}
    message = f"{first['field']}: {first['message']}"
    return error_response(422, "validation_error", message, details)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    headers = dict(exc.headers) if exc.headers else None
    return error_response(exc.status_code, code, message, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(GravlError, _gravl_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
