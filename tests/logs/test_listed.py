"""The log list's plain records carry exactly the schema's fields: the list is serialised from
them without validation (gravl.logs.service.list_logs), so a field added to ``LogOut`` or
``SetOut`` and forgotten here would silently be missing from every page."""

from __future__ import annotations

from dataclasses import fields

from gravl.logs.schemas import LogOut, SetOut
from gravl.logs.service import ListedLog, ListedSet


def test_a_listed_log_has_the_fields_of_log_out() -> None:
    assert [f.name for f in fields(ListedLog)] == list(LogOut.model_fields)


def test_a_listed_set_has_the_fields_of_set_out() -> None:
    assert [f.name for f in fields(ListedSet)] == list(SetOut.model_fields)
