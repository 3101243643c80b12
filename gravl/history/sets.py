"""The kinds of set a log records (FORMATS.md); pure, so the models of recovery and e1RM can
name it without the ORM."""

from __future__ import annotations

from typing import Literal

SetType = Literal["normal", "warmup", "failure", "drop"]
