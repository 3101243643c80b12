"""Import every ORM module so the metadata is complete (Alembic, seeding, tests)."""

from __future__ import annotations


def import_all_models() -> None:
    import gravl.auth.models
    import gravl.catalog.models
    import gravl.history.models
    import gravl.recovery.models
    import gravl.training.models
    import gravl.transfer.models  # noqa: F401
