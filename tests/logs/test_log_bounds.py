"""Client-supplied instants of logs: out of range is a 422 naming the field, never a 500."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import ago, hard_sets, log


def _field(response: Any) -> str:
    assert response.status_code == 422, response.text
    body = response.json()["error"]
    assert body["code"] == "validation_error"
    return str(body["details"][0]["field"])


@pytest.mark.parametrize(
    "performed_at",
    [
        "0001-01-01T00:00:00+14:00",
        "0001-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
        "9999-12-31T23:59:59-14:00",
    ],
)
def test_performed_at_out_of_range_is_422_on_a_first_log(
    client: TestClient, lifter: Account, bench: int, performed_at: str
) -> None:
    response = client.post(
        "/api/logs",
        json={"exercise_id": bench, "sets": hard_sets(1), "performed_at": performed_at},
        headers=lifter.headers,
    )
    assert _field(response) == "performed_at"
    assert client.get("/api/logs", headers=lifter.headers).json()["items"] == []


def test_performed_at_from_1900_on_is_accepted(
    client: TestClient, lifter: Account, bench: int
) -> None:
    body = log(client, lifter, bench, performed_at="1900-01-01T00:00:00Z")
    assert body["performed_at"].startswith("1900-01-01")


@pytest.mark.parametrize("performed_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z"])
def test_editing_performed_at_out_of_range_is_422(
    client: TestClient, lifter: Account, bench: int, performed_at: str
) -> None:
    entry = log(client, lifter, bench, performed_at=ago(hours=2))
    response = client.patch(
        f"/api/logs/{entry['id']}", json={"performed_at": performed_at}, headers=lifter.headers
    )
    assert _field(response) == "performed_at"
    kept = client.get(f"/api/logs/{entry['id']}", headers=lifter.headers).json()
    assert kept["performed_at"] == entry["performed_at"]


def test_editing_performed_at_into_the_future_is_422(
    client: TestClient, lifter: Account, bench: int
) -> None:
    entry = log(client, lifter, bench, performed_at=ago(hours=2))
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    response = client.patch(
        f"/api/logs/{entry['id']}", json={"performed_at": future}, headers=lifter.headers
    )
    assert _field(response) == "performed_at"


def _set_timezone(client: TestClient, lifter: Account, timezone: str) -> None:
    response = client.patch("/api/me", json={"timezone": timezone}, headers=lifter.headers)
    assert response.status_code == 200, response.text


AUCKLAND = ZoneInfo("Pacific/Auckland")


def _local_day() -> date:
    """A day ten days ago in Auckland (UTC+12 or +13, so its days straddle two UTC dates)."""
    return (datetime.now(AUCKLAND) - timedelta(days=10)).date()


def _at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), AUCKLAND).astimezone(UTC)


def test_list_filters_take_a_date_as_the_lifters_whole_day(
    client: TestClient, lifter: Account, bench: int
) -> None:
    _set_timezone(client, lifter, "Pacific/Auckland")
    day = _local_day()
    second = timedelta(seconds=1)
    start, end = _at(day, 0), _at(day + timedelta(days=1), 0)
    before = log(client, lifter, bench, performed_at=(start - second).isoformat())
    first = log(client, lifter, bench, performed_at=start.isoformat())
    last = log(client, lifter, bench, performed_at=(end - second).isoformat())
    after = log(client, lifter, bench, performed_at=end.isoformat())
    response = client.get(
        "/api/logs",
        params={"from": day.isoformat(), "to": day.isoformat()},
        headers=lifter.headers,
    )
    assert response.status_code == 200, response.text
    ids = [i["id"] for i in response.json()["items"]]
    assert ids == [last["id"], first["id"]]
    assert before["id"] not in ids and after["id"] not in ids


def test_list_filters_read_a_naive_datetime_in_the_lifters_timezone(
    client: TestClient, lifter: Account, bench: int
) -> None:
    _set_timezone(client, lifter, "Pacific/Auckland")
    day = _local_day()
    early = log(client, lifter, bench, performed_at=_at(day, 8).isoformat())
    late = log(client, lifter, bench, performed_at=_at(day, 12).isoformat())
    response = client.get(
        "/api/logs",
        params={"from": f"{day.isoformat()}T10:00:00", "to": f"{day.isoformat()}T13:00"},
        headers=lifter.headers,
    )
    assert response.status_code == 200, response.text
    assert [i["id"] for i in response.json()["items"]] == [late["id"]]
    assert early["id"] != late["id"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("from", "0001-01-01"),
        ("from", "0001-01-01T00:00:00"),
        ("from", "0001-01-01T00:00:00+14:00"),
        ("to", "9999-12-31"),
        ("to", "9999-12-31T23:59:59-14:00"),
        ("from", "not a date"),
    ],
)
def test_list_filters_out_of_range_are_422(
    client: TestClient, lifter: Account, bench: int, param: str, value: str
) -> None:
    log(client, lifter, bench)
    response = client.get("/api/logs", params={param: value}, headers=lifter.headers)
    assert _field(response) == param


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01T00:00:00+14:00|5",
        "0001-01-01T00:00:00|5",  # naive
        "9999-12-31T23:59:59-14:00|5",
        "2026-11-20T10:00:00+00:00|0",
        "2026-11-20T10:00:00+00:00|99999999999999999999999",
        "2026-11-20|5",
        "no separator",
    ],
)
def test_crafted_cursors_are_422(client: TestClient, lifter: Account, bench: int, raw: str) -> None:
    log(client, lifter, bench)
    response = client.get("/api/logs", params={"cursor": _cursor(raw)}, headers=lifter.headers)
    assert _field(response) == "cursor"


def test_a_cursor_the_server_made_still_works(
    client: TestClient, lifter: Account, bench: int
) -> None:
    for hours in (1, 2, 3):
        log(client, lifter, bench, performed_at=ago(hours=hours))
    first = client.get("/api/logs", params={"limit": 2}, headers=lifter.headers).json()
    rest = client.get("/api/logs", params={"cursor": first["next_cursor"]}, headers=lifter.headers)
    assert rest.status_code == 200
    assert len(rest.json()["items"]) == 1
