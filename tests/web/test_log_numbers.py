"""Numbers typed into the logging form: anything unparseable or unbounded is a field error."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.web.helpers import csrf_from, field_error

_HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
NOT_NUMBERS = ["inf", "-inf", "nan", "-nan", "Infinity", "1e400", "9" * 400, "9" * 5000, "1e20"]


def _form(client: TestClient) -> dict[str, str]:
    found = client.get("/api/exercises", params={"q": "barbell bench press"}).json()["items"]
    html = client.get(f"/log?exercise_id={found[0]['id']}").text
    return {"csrf_token": csrf_from(html), **dict(_HIDDEN.findall(html))}


def _row(**typed: str) -> dict[str, str]:
    return {"set_type": "normal", "weight": "", "reps": "", "rpe": "", "minutes": ""} | typed


@pytest.mark.parametrize("field", ["weight", "reps", "minutes"])
@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_unbounded_numbers_are_field_errors(
    web: TestClient, lifter: Account, field: str, value: str
) -> None:
    typed = {"reps": "5", field: value}
    response = web.post("/log", data={**_form(web), **_row(**typed)}, follow_redirects=False)
    assert response.status_code == 422, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    assert field_error(response.text, f"set-1-{field}")
    assert web.get("/api/logs", headers=lifter.headers).json()["items"] == []


@pytest.mark.parametrize("value", NOT_NUMBERS)
def test_unbounded_numbers_in_an_edit_are_field_errors(
    web: TestClient, lifter: Account, value: str
) -> None:
    web.post("/log", data={**_form(web), **_row(weight="100", reps="5")})
    (entry,) = web.get("/api/logs", headers=lifter.headers).json()["items"]
    page = web.get(f"/history/{entry['id']}/edit").text
    data = {"csrf_token": csrf_from(page), **_row(weight="100", reps="5", minutes=value)}
    response = web.post(f"/history/{entry['id']}/edit", data=data, follow_redirects=False)
    assert response.status_code == 422, response.text[:500]
    assert field_error(response.text, "set-1-minutes")
    (kept,) = web.get("/api/logs", headers=lifter.headers).json()["items"]
    assert kept["sets"] == entry["sets"]


def test_an_rpe_outside_the_choices_is_ignored_not_a_500(web: TestClient, lifter: Account) -> None:
    response = web.post(
        "/log", data={**_form(web), **_row(reps="5", rpe="nan")}, follow_redirects=False
    )
    assert response.status_code == 303
    (entry,) = web.get("/api/logs", headers=lifter.headers).json()["items"]
    assert entry["sets"][0]["rpe"] is None
