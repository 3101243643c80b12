"""The base of every request body: text a database can store.

PostgreSQL's ``text`` cannot hold NUL characters; a body carrying one is refused here with a
422 naming the field, rather than failing in the database.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator


def _find_nul(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_nul(key, path) or _find_nul(item, f"{path}.{key}" if path else str(key))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_nul(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


class InputModel(BaseModel):
    @model_validator(mode="before")
    @classmethod
    def _no_nul_characters(cls, data: Any) -> Any:
        where = _find_nul(data, "")
        if where is not None:
            raise ValueError(f"{where or 'text'} must not contain NUL characters")
        return data
