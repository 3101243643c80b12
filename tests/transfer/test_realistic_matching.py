"""Realistic exports of every app and layout: nine sets in ten land on catalog exercises, and
no two names of one workout are merged into one exercise.

The generator's files are drawn here from the apps' stock names, each as often as lifters log
it (test_stock_names.SET_WEIGHTS), plus one name nothing matches (a French one, typed by hand).
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.transfer import generators
from tests.transfer.generators import (
    GeneratedExport,
    fitbod_export,
    fitnotes_export,
    hevy_export,
    strong_export,
)
from tests.transfer.stock_names import HEVY_NAMES, STRONG_NAMES
from tests.transfer.test_stock_names import weight

CARDIO = {"Running", "Treadmill", "Cycling", "Rowing Machine", "Running (Treadmill)", "Walking"}
TIMED = {"Plank"}
BODYWEIGHT = {"Pull Up", "Chin Up", "Push Up", "Triceps Dip", "Hanging Leg Raise", "Crunch"}
HANDWRITTEN = ("Développé Couché, Incliné", "weighted")


def _kind(name: str) -> str:
    if name in CARDIO:
        return "cardio"
    if name in TIMED:
        return "timed"
    return "bodyweight" if name in BODYWEIGHT else "weighted"


def _vocabulary(names: dict[str, str | None]) -> list[tuple[str, str]]:
    """Each stock name repeated as often as it is logged; the generator samples from it."""
    pool = [(name, _kind(name)) for name in names for _ in range(weight(name))]
    return [*pool, HANDWRITTEN]


Build = Callable[[random.Random], GeneratedExport]
EXPORTS: dict[str, tuple[str, Build, dict[str, str | None]]] = {
    "strong-ios": ("strong", lambda r: strong_export(r, "ios", sessions=30), STRONG_NAMES),
    "strong-android": ("strong", lambda r: strong_export(r, "android", sessions=30), STRONG_NAMES),
    "strong-legacy": ("strong", lambda r: strong_export(r, "legacy", sessions=30), STRONG_NAMES),
    "hevy": ("hevy", lambda r: hevy_export(r, sessions=30), HEVY_NAMES),
    "fitnotes": ("fitnotes", lambda r: fitnotes_export(r, days=30), STRONG_NAMES),
    "fitbod": ("fitbod", lambda r: fitbod_export(r, days=30), HEVY_NAMES),
}


@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_nine_sets_in_ten_land_on_the_catalog_and_no_two_names_merge(
    client: TestClient, lifter: Account, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    format, build, names = EXPORTS[case]
    monkeypatch.setattr(generators, "EXERCISES", _vocabulary(names))
    export = build(random.Random(case))
    response = client.post(
        "/api/imports",
        files={"file": ("export.csv", export.content, "text/csv")},
        data={"format": format, "unit": "kg"},
        headers=lifter.headers,
    )
    assert response.status_code == 201, response.text
    report = response.json()
    unknown = set(report["unknown_exercises"])
    matched = sum(1 for s in export.expected if s.exercise_name not in unknown)
    assert matched / len(export.expected) >= 0.9, (case, sorted(unknown))
    # One log per workout and source name: two names of one workout never share a log, which
    # they would if they had been matched to one exercise.
    pairs = {(s.session_key, s.exercise_name) for s in export.expected}
    assert report["logs"] == len(pairs), case
