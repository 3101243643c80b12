"""What every request may carry: text a database can store, instants datetime can hold.

PostgreSQL's ``text`` cannot hold NUL characters; a body carrying one is refused here with a
422 naming the field, rather than failing in the database. Instants a client names are kept
within years arithmetic on them cannot overflow.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, model_validator


def nul_path(value: Any, path: str = "") -> str | None:
    """The path in decoded JSON of a string with a NUL character ("" for the top), if any."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = nul_path(key, path) or nul_path(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


class InputModel(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        where = nul_path(data, "")
        if where is not None:
            raise ValueError(f"{where or 'text'} must not contain NUL characters")
        return data


# The instants a client may name. Training history starts well after 1900, and by 2200 no
# projection matters; within these bounds no arithmetic on an instant (recovery windows of
# days, time zones of ±14 h) leaves the years 1-9999 that ``datetime`` can hold.
EARLIEST_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
LATEST_INSTANT = datetime(2200, 1, 1, tzinfo=UTC)
# Clocks drift; a phone a little ahead must still be able to log "now".
FUTURE_TOLERANCE = timedelta(minutes=5)
OUT_OF_RANGE = (
    f"must be between {EARLIEST_INSTANT.date().isoformat()} and {LATEST_INSTANT.date().isoformat()}"
)


def in_range(value: datetime) -> bool:
    """Whether an aware instant is one a client may name."""
    return EARLIEST_INSTANT <= value < LATEST_INSTANT


def _in_range(value: datetime) -> datetime:
    if not in_range(value):
        raise ValueError(OUT_OF_RANGE)
    return value


def _not_in_future(value: datetime) -> datetime:
    if value > datetime.now(UTC) + FUTURE_TOLERANCE:
        raise ValueError(
            f"must not be more than {FUTURE_TOLERANCE.seconds // 60} minutes in the future"
        )
    return value


# A calendar day a client may name (a filter's bound): the days of the instants above.
Day = Annotated[date, AfterValidator(lambda d: _in_range(datetime.combine(d, time(), UTC)).date())]

# Any instant a client may name (an ``at`` to look at, a bound to filter by).
Instant = Annotated[AwareDatetime, AfterValidator(_in_range)]
# When something was done: an instant, and not ahead of now (beyond clock drift).
PastInstant = Annotated[Instant, AfterValidator(_not_in_future)]
