"""A new account's first minute: the device's timezone and unit at sign-up, then experience,
goal, units and timezone asked once on the welcome page (issue 20, "Onboarding")."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import PASSWORD, csrf_from, field_error, post_form


def _sign_up(client: TestClient, email: str, **device: str):
    response = post_form(
        client, "/signup", "/signup", {"email": email, "password": PASSWORD, **device}
    )
    assert response.status_code == 303, response.text
    return response


def _me(client: TestClient) -> dict[str, object]:
    """The profile as the API reads it, through a token of the same account."""
    html = client.get("/welcome").text
    units = re.search(r'name="units" id="units-(\w+)" value="\w+" checked', html)
    zone = re.search(r'id="timezone" name="timezone" type="text" value="([^"]*)"', html)
    experience = re.search(r'name="experience" id="experience-(\w+)"[^>]* checked', html)
    goal = re.search(r'name="goal" id="goal-(\w+)"[^>]* checked', html)
    assert units and zone and experience and goal, html
    return {
        "units": units.group(1),
        "timezone": zone.group(1),
        "experience": experience.group(1),
        "goal": goal.group(1),
    }


def test_sign_up_takes_the_devices_timezone_and_unit_then_welcomes(client: TestClient) -> None:
    response = _sign_up(client, "ada@example.com", timezone="America/Chicago", units="lb")
    assert response.headers["location"] == "/welcome"
    assert _me(client) == {
        "units": "lb",
        "timezone": "America/Chicago",
        "experience": "intermediate",
        "goal": "general",
    }


@pytest.mark.parametrize(
    ("timezone", "units"), [("Mars/Olympus_Mons", "stone"), ("", ""), ("x" * 300, "kg ")]
)
def test_a_device_that_says_nothing_useful_gets_the_defaults(
    client: TestClient, timezone: str, units: str
) -> None:
    """What the browser guessed is not the lifter's input: a guess naming nothing is dropped."""
    _sign_up(client, "bob@example.com", timezone=timezone, units=units)
    me = _me(client)
    assert (me["units"], me["timezone"]) == ("kg", "UTC")


def test_the_welcome_answers_are_saved_once_and_lead_to_today(client: TestClient) -> None:
    _sign_up(client, "cy@example.com", timezone="Europe/London", units="kg")
    page = client.get("/welcome")
    assert page.status_code == 200
    assert '<datalist id="timezone-choices">' in page.text
    assert '<option value="America/New_York" label="America/New York">' in page.text
    response = client.post(
        "/welcome",
        data={
            "csrf_token": csrf_from(page.text),
            "units": "lb",
            "timezone": "america/new york",  # typed into the search, not picked
            "experience": "beginner",
            "goal": "strength",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/today"
    assert _me(client) == {
        "units": "lb",
        "timezone": "America/New_York",
        "experience": "beginner",
        "goal": "strength",
    }
    # The goal is the training preference the recommendations read.
    training = client.get("/settings/training").text
    assert re.search(r'id="goal-strength" value="strength" checked', training)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "timezone",
            "Atlantis",
            "Pick a timezone from the list, such as Europe/London or America/New_York.",
        ),
        ("units", "stone", "Choose kilograms or pounds."),
        ("experience", "", "Choose how long you have been training."),
        ("goal", "bulk", "Choose what you train for."),
    ],
)
def test_a_wrong_answer_is_said_next_to_it_and_nothing_is_saved(
    client: TestClient, field: str, value: str, message: str
) -> None:
    _sign_up(client, "di@example.com", timezone="Europe/Paris", units="kg")
    page = client.get("/welcome")
    data = {"units": "lb", "timezone": "Asia/Tokyo", "experience": "advanced", "goal": "strength"}
    response = client.post(
        "/welcome", data={"csrf_token": csrf_from(page.text), **data, field: value}
    )
    assert response.status_code == 422
    assert field_error(response.text, field) == message
    assert f'value="{value}"' in response.text or field != "timezone"  # what was typed stays
    assert _me(client)["timezone"] == "Europe/Paris"
    assert _me(client)["units"] == "kg"


def test_the_api_registers_with_a_timezone_and_units(client: TestClient) -> None:
    body = {"email": "eve@example.com", "password": PASSWORD}
    response = client.post(
        "/api/auth/register", json={**body, "timezone": "Asia/Kolkata", "units": "lb"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["user"]["timezone"] == "Asia/Kolkata"
    assert response.json()["user"]["units"] == "lb"
    refused = client.post(
        "/api/auth/register", json={**body, "email": "f@example.com", "timezone": "Nowhere"}
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "validation_error"


def test_settings_searches_timezones_by_what_is_typed(client: TestClient) -> None:
    _sign_up(client, "gus@example.com")
    page = client.get("/settings")
    assert 'list="timezone-choices"' in page.text and '<select id="timezone"' not in page.text
    response = post_form(
        client,
        "/settings",
        "/settings",
        {"units": "kg", "timezone": "  asia/tokyo ", "experience": "advanced", "display_name": ""},
    )
    assert response.status_code == 303
    assert _me(client)["timezone"] == "Asia/Tokyo"
