"""Turn validation and service errors into messages shown next to the form field they concern."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from gravl.errors import GravlError, NotFound, RateLimited
from gravl.ids import MAX_ID

# Pydantic's wording is for developers; these read better to a lifter.
_FRIENDLY = {
    "string_too_short": "Use at least {min_length} characters.",
    "string_too_long": "Use at most {max_length} characters.",
    "literal_error": "Choose one of the options.",
    "missing": "This field is required.",
}


@dataclass
class FormErrors:
    """Messages by field name; ``form`` holds the ones about the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    form: str | None = None

    def __bool__(self) -> bool:
        return bool(self.fields) or self.form is not None


def from_validation(error: ValidationError, messages: dict[str, str] | None = None) -> FormErrors:
    """One message per field; ``messages`` replaces the wording for the fields it names."""
    errors = FormErrors()
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "form"
        template = _FRIENDLY.get(item["type"])
        if messages and name in messages:
            message = messages[name]
        elif template is not None:
            message = template.format(**item.get("ctx", {}))
        else:
            message = str(item["msg"]).removeprefix("Value error, ")
            message = message[:1].upper() + message[1:]
            message = message if message.endswith(".") else message + "."
        errors.fields.setdefault(name, message)
    return errors


def sentence(message: str) -> str:
    """A service message (``"an account with this email already exists"``) as a sentence."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def retry_hint(error: RateLimited) -> str:
    minutes = -(-error.retry_after // 60)
    wait = f"{error.retry_after} seconds" if error.retry_after < 60 else f"{minutes} minutes"
    return f"{sentence(error.message)} Try again in {wait}."


async def undo_unless_kept(session: AsyncSession, error: GravlError, *reload: object) -> None:
    """Roll back a failed service call as the API would, keeping writes it asked to keep.

    A rollback expires every loaded row; ``reload`` names the ones the page still shows.
    """
    if not error.commit:
        await session.rollback()
        for row in reload:
            await session.refresh(row)


async def form_fields(request: Request, *names: str) -> dict[str, str]:
    """The named text fields of a posted form ("" when absent), so no field error is ever JSON."""
    form = await request.form()
    values: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) and name != "password" else ""
        if name == "password" and isinstance(value, str):
            values[name] = value
    return values


def optional_id(value: object) -> int | None:
    """A row id from a form or query string; anything else is no id."""
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 1 <= number <= MAX_ID else None


def id_or_404(value: object, what: str) -> int:
    """A row id from a URL; a malformed one names nothing, so it is a 404 page, not JSON."""
    number = optional_id(value)
    if number is None:
        raise NotFound(f"{what} not found")
    return number
