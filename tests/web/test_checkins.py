"""Soreness check-ins from the web UI: the report, what the model predicted, and where it moved."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import ago, exercise_id, hard_sets, log
from tests.web.helpers import csrf_from, field_error


def _post(web: TestClient, **data: str):
    token = csrf_from(web.get("/check-in").text)
    return web.post("/check-in", data={"csrf_token": token, **data}, follow_redirects=False)


def test_a_check_in_moves_the_model_and_says_by_how_much(web: TestClient, lifter: Account) -> None:
    log(
        web,
        lifter,
        exercise_id(web, "barbell-back-squat"),
        sets=hard_sets(6),
        performed_at=ago(hours=20),
    )
    before = web.get("/api/recovery/muscle-groups", headers=lifter.headers).json()
    quads = next(m for m in before["muscle_groups"] if m["muscle_group"] == "quadriceps")
    page = web.get("/check-in", params={"muscle": "quadriceps"}).text
    assert '<option value="quadriceps" selected>' in page
    response = _post(web, muscle_group="quadriceps", soreness="8")
    assert response.status_code == 303
    assert response.headers["location"] == "/check-in?saved=quadriceps"
    after = web.get("/api/recovery/muscle-groups", headers=lifter.headers).json()
    moved = next(m for m in after["muscle_groups"] if m["muscle_group"] == "quadriceps")
    assert moved["recovery_score"] < quads["recovery_score"]  # sorer than predicted
    shown = unescape(web.get(response.headers["location"]).text)
    notice = re.search(r'role="status">([^<]+)</p>', shown)
    assert notice, shown
    text = " ".join(notice.group(1).split())
    assert text.startswith("Quadriceps: you said 8 out of 10, where Gravl predicted ")
    assert f"It now reads {moved['recovery_score']}%" in text
    assert "<td>Quadriceps</td><td>8/10</td>" in shown


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"muscle_group": "", "soreness": "4"}, "muscle_group", "Choose a muscle group."),
        ({"muscle_group": "wings", "soreness": "4"}, "muscle_group", "Choose a muscle group."),
        (
            {"muscle_group": "chest", "soreness": ""},
            "soreness",
            "Choose how sore it is, from 0 to 10.",
        ),
        (
            {"muscle_group": "chest", "soreness": "11"},
            "soreness",
            "Choose how sore it is, from 0 to 10.",
        ),
    ],
)
def test_a_wrong_check_in_says_why_and_stores_nothing(
    web: TestClient, lifter: Account, data: dict[str, str], field: str, message: str
) -> None:
    response = _post(web, **data)
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert "Your last check-ins" not in response.text
