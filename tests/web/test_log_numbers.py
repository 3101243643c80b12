"""Numbers typed into the logging form: anything unparseable or unbounded is a field error."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error

_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')
NOT_NUMBERS = ["inf", "-inf", "nan", "-nan", "Infinity", "1e400", "9" * 400, "9" * 5000, "1e20"]
# The input each kind of exercise asks for: (exercise, field, the other inputs of a valid set).
INPUTS = {
    "weight": ("Barbell Bench Press", {"reps": "5"}),
    "reps": ("Barbell Bench Press", {"weight": "60"}),
    "seconds": ("Plank", {}),
    "distance": ("Outdoor Run", {"minutes": "25"}),
    "minutes": ("Outdoor Run", {"distance": "5"}),
}


def _exercise(client: TestClient, name: str) -> int:
    items = client.get("/api/exercises", params={"q": name}).json()["items"]
    return int(next(i for i in items if i["name"] == name)["id"])


def _form(client: TestClient, exercise: int) -> dict[str, str]:
    html = client.get(f"/log?exercise_id={exercise}").text
    return {"csrf_token": csrf_from(html), **dict(_HIDDEN.findall(html))}


# Every non-number in the weight and reps; a few in the time and distance, parsed alike.
CASES = [(f, v) for f in ("weight", "reps") for v in NOT_NUMBERS] + [
    (f, v) for f in ("seconds", "distance", "minutes") for v in ("inf", "nan", "1e400", "9" * 400)
]


@pytest.mark.parametrize(("field", "value"), CASES)
def test_unbounded_numbers_are_field_errors(
    web: TestClient, lifter: Account, field: str, value: str
) -> None:
    name, others = INPUTS[field]
    typed = {f"{k}-1": v for k, v in (others | {field: value}).items()}
    data = {**_form(web, _exercise(web, name)), **typed, "done": "1"}
    response = web.post("/log", data=data, follow_redirects=False)
    assert response.status_code == 422, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert field_error(response.text, f"set-1-{field}")
    assert web.get("/api/logs", headers=lifter.headers).json()["items"] == []


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_unbounded_numbers_in_an_edit_are_field_errors(
    web: TestClient, lifter: Account, value: str
) -> None:
    bench = _exercise(web, "Barbell Bench Press")
    web.post("/log", data={**_form(web, bench), "weight-1": "100", "reps-1": "5", "done": "1"})
    (entry,) = web.get("/api/logs", headers=lifter.headers).json()["items"]
    page = web.get(f"/history/{entry['id']}/edit").text
    row = {"set_type": "normal", "weight": "100", "reps": "5", "rpe": "", "minutes": value}
    data = {"csrf_token": csrf_from(page), **row}
    response = web.post(f"/history/{entry['id']}/edit", data=data, follow_redirects=False)
    assert response.status_code == 422, response.text[:500]
    assert field_error(response.text, "set-1-minutes")
    (kept,) = web.get("/api/logs", headers=lifter.headers).json()["items"]
    assert kept["sets"] == entry["sets"]


@pytest.mark.parametrize("value", ["1:2:3:4", "1:xx", "-5", "1:-5"])
def test_a_time_that_is_no_time_is_a_field_error(web: TestClient, value: str) -> None:
    data = {**_form(web, _exercise(web, "Plank")), "seconds-1": value, "done": "1"}
    response = web.post("/log", data=data, follow_redirects=False)
    assert response.status_code == 422, response.text[:500]
    assert field_error(response.text, "set-1-seconds")


def test_an_rpe_outside_the_choices_is_ignored_not_a_500(web: TestClient, lifter: Account) -> None:
    bench = _exercise(web, "Barbell Bench Press")
    data = {**_form(web, bench), "weight-1": "60", "reps-1": "5", "rpe-1": "nan", "done": "1"}
    response = web.post("/log", data=data, follow_redirects=False)
    assert response.status_code == 303
    (entry,) = web.get("/api/logs", headers=lifter.headers).json()["items"]
    assert entry["sets"][0]["rpe"] is None


@pytest.mark.parametrize("row", ["0", "-1", "x", "9" * 30, "101"])
def test_a_tick_on_a_row_that_is_not_there_stores_nothing(
    web: TestClient, lifter: Account, row: str
) -> None:
    bench = _exercise(web, "Barbell Bench Press")
    data = {**_form(web, bench), "weight-1": "60", "reps-1": "5", "done": row}
    response = web.post("/log", data=data, follow_redirects=False)
    assert response.status_code == 200, response.text[:500]
    assert web.get("/api/logs", headers=lifter.headers).json()["items"] == []


@pytest.mark.parametrize("position", ["3", "0", "-1"])
def test_a_position_beyond_the_sets_done_is_refused(
    web: TestClient, lifter: Account, position: str
) -> None:
    bench = _exercise(web, "Barbell Bench Press")
    data = {**_form(web, bench), "weight-1": "60", "reps-1": "5", "done": "1"}
    response = web.post("/log", data=data | {"position": position}, follow_redirects=False)
    if position == "3":
        assert response.status_code == 422
        assert "cannot be written" in response.text
        assert web.get("/api/logs", headers=lifter.headers).json()["items"] == []
    else:  # no position: the row's own
        assert response.status_code == 303
