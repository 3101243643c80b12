"""`gravl import`, `gravl export` and `gravl catalog import`, run as real processes."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from tests.test_cli import gravl
from tests.transfer.generators import strong_export
from tests.transfer.test_catalog_import import FREE_EXERCISE_DB


def test_import_export_and_catalog_commands(tmp_path: Path) -> None:
    env = {"GRAVL_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/gravl.db"}
    for args in (("db", "upgrade"), ("seed",)):
        assert gravl(*args, env=env).returncode == 0
    created = gravl(
        "user", "create", "lift@example.com", env={**env, "GRAVL_NEW_PASSWORD": "long enough pw"}
    )
    assert created.returncode == 0, created.stderr
    export = strong_export(random.Random(5), "ios", sessions=4, unit="lb")
    source = tmp_path / "strong.csv"
    source.write_bytes(export.content)
    sets = len(export.expected)

    dry = gravl("import", "strong", str(source), "--user", "lift@example.com", "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert "Dry run" in dry.stderr
    assert re.search(rf"sets in the file\s+│\s+{sets}\s", dry.stderr)
    first = gravl(
        "import", "strong", str(source), "--user", "lift@example.com", "--unit", "lb", env=env
    )
    assert first.returncode == 0, first.stderr
    assert "Imported strong.csv" in first.stderr
    again = gravl(
        "import", "strong", str(source), "--user", "LIFT@example.com", "--unit", "lb", env=env
    )
    assert re.search(rf"sets already present\s+│\s+{sets}\s", again.stderr)

    out = tmp_path / "history.json"
    exported = gravl(
        "export", "--user", "lift@example.com", "--format", "json", "-o", str(out), env=env
    )
    assert exported.returncode == 0, exported.stderr
    document = json.loads(out.read_text())
    assert sum(len(log["sets"]) for log in document["logs"]) == sets
    table = tmp_path / "history.csv"
    gravl("export", "--user", "lift@example.com", "--format", "csv", "-o", str(table), env=env)
    assert len(table.read_text().splitlines()) > sets

    bad = tmp_path / "bad.csv"
    bad.write_text("just,some,columns\n1,2,3\n")
    rejected = gravl("import", "hevy", str(bad), "--user", "lift@example.com", env=env)
    assert rejected.returncode == 1 and "line 1" in rejected.stderr
    nobody = gravl("import", "strong", str(source), "--user", "nobody@example.com", env=env)
    assert nobody.returncode == 1 and "no user" in nobody.stderr

    merged = gravl("catalog", "import", str(FREE_EXERCISE_DB), env=env)
    assert merged.returncode == 0, merged.stderr
    assert "added as new exercises" in merged.stderr
    idle = gravl("catalog", "import", str(FREE_EXERCISE_DB), env=env)
    assert "up to date (873 entries known)" in idle.stderr
