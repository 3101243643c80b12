"""Row ids as the API accepts them: positive and within PostgreSQL's ``integer``.

A larger number can name no row, and asyncpg refuses to send it; bounding it in the schema
turns that into a clear 422 instead of a database error.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field

MAX_ID = 2_147_483_647

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
