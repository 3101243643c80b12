"""Uploads whose text a database cannot hold, or whose instants are out of range: a 422."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Account
from tests.factories import custom_workout, exercise_id, log
from tests.transfer.generators import strong_export
from tests.transfer.test_import_api import all_logs, upload


def _document(client: TestClient, lifter: Account) -> dict[str, Any]:
    """An export with a custom exercise, a custom workout and a log with notes."""
    custom = client.post(
        "/api/exercises",
        json={"name": "Landmine Press", "primary_muscles": ["shoulders"]},
        headers=lifter.headers,
    )
    assert custom.status_code == 201, custom.text
    custom_workout(client, lifter, [custom.json()["id"]], name="Press Day")
    log(client, lifter, exercise_id(client, "barbell-bench-press"), notes="felt strong")
    response = client.get("/api/export", params={"format": "json"}, headers=lifter.headers)
    assert response.status_code == 200
    return dict(response.json())


def _with(document: dict[str, Any], key: str, field: str, value: Any) -> dict[str, Any]:
    first = dict(document[key][0], **{field: value})
    return dict(document, **{key: [first, *document[key][1:]]})


@pytest.mark.parametrize(
    ("key", "field", "value", "column"),
    [
        ("custom_exercises", "name", "Landmine\u0000Press", "custom_exercises[0].name"),
        ("custom_workouts", "name", "Press\u0000Day", "custom_workouts[0].name"),
        ("logs", "notes", "felt\u0000strong", "logs[0].notes"),
        ("logs", "performed_at", "0001-01-01T00:00:00+14:00", "logs[0].performed_at"),
        ("logs", "performed_at", "9999-12-31T23:59:59-14:00", "logs[0].performed_at"),
    ],
)
def test_a_restore_that_cannot_be_stored_is_422_naming_the_field(
    client: TestClient,
    lifter: Account,
    other_lifter: Account,
    key: str,
    field: str,
    value: str,
    column: str,
) -> None:
    document = _with(_document(client, lifter), key, field, value)
    response = upload(client, other_lifter, json.dumps(document).encode(), "gravl")
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["column"] == column
    assert all_logs(client, other_lifter) == []


def _multipart(disposition: bytes, content: bytes, format: str) -> tuple[bytes, str]:
    """A body as a client other than httpx may send it (httpx escapes a NUL as %00)."""
    boundary = b"gravl-boundary"
    body = b"".join(
        [
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="file"; ' + disposition + b"\r\n",
            b"Content-Type: text/csv\r\n\r\n" + content + b"\r\n",
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="format"\r\n\r\n' + format.encode(),
            b"\r\n--" + boundary + b"--\r\n",
        ]
    )
    return body, f"multipart/form-data; boundary={boundary.decode()}"


@pytest.mark.parametrize("format", ["strong", "gravl"])
def test_a_filename_with_a_nul_is_422(client: TestClient, lifter: Account, format: str) -> None:
    content = (
        strong_export(random.Random(3), "ios", sessions=1).content
        if format == "strong"
        else json.dumps(_document(client, lifter)).encode()
    )
    body, content_type = _multipart(b'filename="a\x00b.csv"', content, format)
    response = client.post(
        "/api/imports",
        content=body,
        headers={**lifter.headers, "Content-Type": content_type},
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["field"] == "file"


STRONG_HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds"


@pytest.mark.parametrize(
    ("date", "timezone"),
    [
        ("0001-01-01 00:00:00", "Pacific/Kiritimati"),  # UTC+14: before year 1 in UTC
        ("0001-01-01 00:00:00", "UTC"),
        ("1899-12-31 23:00:00", "UTC"),
        ("9999-12-31 23:00:00", "Pacific/Pago_Pago"),  # UTC-11: after year 9999 in UTC
        ("9999-12-31 23:00:00", "UTC"),
    ],
)
def test_a_csv_date_out_of_range_is_422(
    client: TestClient, lifter: Account, date: str, timezone: str
) -> None:
    row = f"{date},Push,55m,Bench Press (Barbell),1,60,8,0,0"
    content = f"{STRONG_HEADER}\n{row}\n".encode()
    response = upload(client, lifter, content, "strong", timezone=timezone)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["column"] == "Date"
    assert all_logs(client, lifter) == []


@pytest.mark.parametrize(
    ("format", "content", "column"),
    [
        (
            "hevy",
            "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
            "set_index,set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"
            "Push,0001-01-01T00:00:00+14:00,,,Bench Press (Barbell),,,0,normal,60,8,,,\n",
            "start_time",
        ),
        (
            "fitnotes",
            "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
            "0001-01-01,Flat Barbell Bench Press,Chest,60,kgs,8,,,,\n",
            "Date",
        ),
    ],
)
def test_other_apps_dates_out_of_range_are_422(
    client: TestClient, lifter: Account, format: str, content: str, column: str
) -> None:
    response = upload(client, lifter, content.encode(), format, timezone="Pacific/Kiritimati")
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["column"] == column
    assert all_logs(client, lifter) == []
