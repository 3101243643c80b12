"""The ownership matrix: every route, called as its owner, as another lifter and anonymously.

Another lifter's object answers 404 (never 403, which would confirm it exists); a protected
route without a valid token answers 401. ``ROUTES`` must name every operation the app serves —
a new route without a row fails ``test_matrix_covers_every_route``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from gravl.auth.security import create_access_token
from gravl.auth.totp import code_at
from gravl.config import Settings
from tests.conftest import Account
from tests.factories import custom_workout, enroll, exercise_id, log

Setup = Callable[[TestClient, Account], dict[str, Any]]


def _custom_exercise(client: TestClient, owner: Account) -> dict[str, Any]:
    response = client.post(
        "/api/exercises",
        json={"name": "Owned Press", "primary_muscles": ["shoulders"]},
        headers=owner.headers,
    )
    assert response.status_code == 201
    return {"exercise_id": response.json()["id"]}


def _import(client: TestClient, owner: Account) -> dict[str, Any]:
    response = client.post(
        "/api/imports",
        files={
            "file": ("f.csv", b"Date,Exercise,Weight,Weight Unit,Reps\n2025-01-06,Squat,60,kgs,5\n")
        },
        data={"format": "fitnotes"},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return {"import_id": response.json()["import_id"]}


def _imported_name(client: TestClient, owner: Account) -> dict[str, Any]:
    content = b"Date,Exercise,Weight,Weight Unit,Reps\n2025-01-06,Zz Owned Lift,60,kgs,5\n"
    response = client.post(
        "/api/imports",
        files={"file": ("f.csv", content)},
        data={"format": "fitnotes"},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    return {"name": "Zz Owned Lift", "exercise_id": _bench(client)}


def _builtin_workout(client: TestClient, owner: Account) -> dict[str, Any]:
    return {"workout_id": client.get("/api/workouts", headers=owner.headers).json()[0]["id"]}


def _program(client: TestClient, owner: Account) -> dict[str, Any]:
    return {"program_id": client.get("/api/programs", headers=owner.headers).json()[0]["id"]}


def _bench(client: TestClient) -> int:
    return exercise_id(client, "barbell-bench-press")


def _log(client: TestClient, owner: Account) -> dict[str, Any]:
    return {"log_id": log(client, owner, _bench(client))["id"]}


def _custom_workout(client: TestClient, owner: Account) -> dict[str, Any]:
    return {"workout_id": custom_workout(client, owner, [_bench(client)])["id"]}


def _scheduled_swap(client: TestClient, owner: Account) -> dict[str, Any]:
    """Enroll so a workout is scheduled on a fixed day; return it and a replacement."""
    enroll(client, owner, start_date="2026-06-01")
    today = client.get(
        "/api/schedule/today", params={"date": "2026-06-01"}, headers=owner.headers
    ).json()
    scheduled = today["workout"]["id"]
    others = client.get("/api/workouts", headers=owner.headers).json()
    replacement = next(w["id"] for w in others if w["id"] != scheduled)
    return {"workout_id": scheduled, "replacement": replacement}


def _swap(client: TestClient, owner: Account) -> dict[str, Any]:
    ids = _scheduled_swap(client, owner)
    response = client.post(
        f"/api/workouts/{ids['workout_id']}/swap",
        json={"replacement_workout_id": ids["replacement"], "date": "2026-06-01"},
        headers=owner.headers,
    )
    assert response.status_code == 201
    return {"swap_id": response.json()["id"]}


def _second_session(client: TestClient, owner: Account) -> dict[str, Any]:
    """Another sign-in of the owner's, to be revoked."""
    response = client.post(
        "/api/auth/login", json={"email": owner.email, "password": owner.password}
    )
    assert response.status_code == 200
    claims = jwt.decode(response.json()["access_token"], options={"verify_signature": False})
    return {"session_id": claims["sid"]}


def _totp_enrolment(client: TestClient, owner: Account) -> dict[str, Any]:
    response = client.post("/api/me/mfa/totp", headers=owner.headers)
    assert response.status_code == 201
    return {"secret": response.json()["secret"]}


def _totp_on(client: TestClient, owner: Account) -> dict[str, Any]:
    """Two-factor on; a recovery code to turn it off with (no TOTP step is spent twice)."""
    secret = _totp_enrolment(client, owner)["secret"]
    response = client.post(
        "/api/me/mfa/totp/confirm",
        json={"code": code_at(secret, datetime.now(UTC))},
        headers=owner.headers,
    )
    assert response.status_code == 200
    return {"recovery_code": response.json()["recovery_codes"][0]}


def _training_session(client: TestClient, owner: Account) -> dict[str, Any]:
    """A session of Full Body A started today, and an alternative to its first exercise."""
    workouts = client.get("/api/workouts", headers=owner.headers).json()
    workout = next(w for w in workouts if w["name"] == "Full Body A")
    response = client.post(
        "/api/sessions", json={"workout_id": workout["id"]}, headers=owner.headers
    )
    assert response.status_code == 201, response.text
    body = response.json()
    first = body["exercises"][0]["exercise"]["id"]
    alternatives = client.get(f"/api/exercises/{first}/alternatives", headers=owner.headers)
    return {
        "session_id": body["id"],
        "index": 0,
        "alternative": alternatives.json()[0]["exercise"]["id"],
    }


def _custom_body(client: TestClient) -> dict[str, Any]:
    return {
        "name": "Matrix",
        "exercises": [{"exercise_id": _bench(client), "target_sets": 3, "target_reps": 5}],
    }


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    access: str  # public | authenticated | owned
    setup: Setup | None = None
    body: Callable[[TestClient, Account, dict[str, Any]], Any] | None = None
    # owned objects behind a public route are hidden (404) from strangers and anonymous callers
    anonymous_status: int = 401
    params: dict[str, Any] = field(default_factory=dict)
    # (files, form fields) for a multipart upload instead of a JSON body
    multipart: tuple[dict[str, Any], dict[str, Any]] | None = None


ROUTES: list[Route] = [
    Route("GET", "/api/health", "public"),
    Route("GET", "/api/ready", "public"),
    Route("POST", "/api/auth/register", "public"),
    Route("POST", "/api/auth/login", "public"),
    Route("POST", "/api/auth/refresh", "public"),
    Route("GET", "/api/muscle-groups", "public"),
    Route("GET", "/api/exercises", "public"),
    Route(
        "POST",
        "/api/auth/logout",
        "authenticated",
        body=lambda c, lifter, ids: {"refresh_token": lifter.refresh_token},
    ),
    Route("GET", "/api/me", "authenticated"),
    Route("POST", "/api/auth/mfa", "public"),
    Route("GET", "/api/me/sessions", "authenticated"),
    Route("DELETE", "/api/me/sessions", "authenticated"),
    Route("DELETE", "/api/me/sessions/{session_id}", "owned", setup=_second_session),
    Route(
        "POST",
        "/api/me/password",
        "authenticated",
        body=lambda c, lifter, ids: {
            "current_password": lifter.password,
            "new_password": lifter.password,
        },
    ),
    Route("POST", "/api/me/mfa/totp", "authenticated"),
    Route(
        "POST",
        "/api/me/mfa/totp/confirm",
        "authenticated",
        setup=_totp_enrolment,
        body=lambda c, lifter, ids: {"code": code_at(ids["secret"], datetime.now(UTC))},
    ),
    Route(
        "DELETE",
        "/api/me/mfa/totp",
        "authenticated",
        setup=_totp_on,
        body=lambda c, lifter, ids: {"password": lifter.password, "code": ids["recovery_code"]},
    ),
    Route("GET", "/api/me/security-events", "authenticated"),
    Route("PATCH", "/api/me", "authenticated", body=lambda c, lifter, ids: {"units": "lb"}),
    Route(
        "DELETE",
        "/api/me",
        "authenticated",
        body=lambda c, lifter, ids: {"password": lifter.password},
    ),
    Route(
        "POST",
        "/api/exercises",
        "authenticated",
        body=lambda c, lifter, ids: {"name": "Matrix Curl", "primary_muscles": ["biceps"]},
    ),
    Route(
        "GET", "/api/exercises/{exercise_id}", "owned", setup=_custom_exercise, anonymous_status=404
    ),
    Route(
        "GET",
        "/api/exercises/{exercise_id}/alternatives",
        "owned",
        setup=_custom_exercise,
        anonymous_status=404,
    ),
    Route("GET", "/api/workouts", "authenticated"),
    Route("GET", "/api/workouts/{workout_id}", "authenticated", setup=_builtin_workout),
    Route("GET", "/api/workouts/available", "authenticated"),
    Route("GET", "/api/workouts/swaps", "authenticated"),
    # A built-in workout is no one's; another lifter's schedule simply does not hold it (409).
    Route(
        "POST",
        "/api/workouts/{workout_id}/swap",
        "authenticated",
        setup=_scheduled_swap,
        body=lambda c, lifter, ids: {
            "replacement_workout_id": ids["replacement"],
            "date": "2026-06-01",
        },
    ),
    Route("POST", "/api/workouts/swaps/{swap_id}/revert", "owned", setup=_swap),
    Route("GET", "/api/programs", "authenticated"),
    Route("GET", "/api/programs/current", "owned", setup=lambda c, o: (enroll(c, o), {})[1]),
    Route(
        "POST",
        "/api/programs/{program_id}/enroll",
        "authenticated",
        setup=_program,
        body=lambda c, lifter, ids: {},
    ),
    Route("GET", "/api/schedule/today", "authenticated"),
    Route("GET", "/api/custom-workouts", "authenticated"),
    Route(
        "POST", "/api/custom-workouts", "authenticated", body=lambda c, lifter, ids: _custom_body(c)
    ),
    Route("GET", "/api/custom-workouts/{workout_id}", "owned", setup=_custom_workout),
    Route(
        "PUT",
        "/api/custom-workouts/{workout_id}",
        "owned",
        setup=_custom_workout,
        body=lambda c, lifter, ids: _custom_body(c),
    ),
    Route("DELETE", "/api/custom-workouts/{workout_id}", "owned", setup=_custom_workout),
    Route(
        "POST",
        "/api/logs",
        "authenticated",
        body=lambda c, lifter, ids: {"exercise_id": _bench(c), "sets": [{"reps": 5}]},
    ),
    Route("GET", "/api/logs", "authenticated"),
    Route("GET", "/api/logs/{log_id}", "owned", setup=_log),
    Route(
        "PATCH",
        "/api/logs/{log_id}",
        "owned",
        setup=_log,
        body=lambda c, lifter, ids: {"notes": "edited"},
    ),
    Route("DELETE", "/api/logs/{log_id}", "owned", setup=_log),
    Route("GET", "/api/sessions/today", "authenticated"),
    Route("GET", "/api/sessions", "authenticated"),
    Route("POST", "/api/sessions", "authenticated", body=lambda c, lifter, ids: {}),
    Route("GET", "/api/sessions/{session_id}", "owned", setup=_training_session),
    Route(
        "PATCH",
        "/api/sessions/{session_id}",
        "owned",
        setup=_training_session,
        body=lambda c, lifter, ids: {"notes": "felt strong", "finished": True},
    ),
    Route("DELETE", "/api/sessions/{session_id}", "owned", setup=_training_session),
    Route(
        "POST",
        "/api/sessions/{session_id}/exercises/{index}/replace",
        "owned",
        setup=_training_session,
        body=lambda c, lifter, ids: {"exercise_id": ids["alternative"]},
    ),
    Route(
        "PUT",
        "/api/sessions/{session_id}/exercises/{index}/sets/{position}",
        "owned",
        setup=lambda c, o: _training_session(c, o) | {"position": 1},
        body=lambda c, lifter, ids: {"reps": 5, "weight_kg": 20, "rpe": 7},
    ),
    Route("GET", "/api/recovery/muscle-groups", "authenticated"),
    Route("GET", "/api/recovery/most-recovered", "authenticated"),
    Route(
        "POST",
        "/api/recovery/check-ins",
        "authenticated",
        body=lambda c, lifter, ids: {"muscle_group": "chest", "soreness": 2},
    ),
    Route("GET", "/api/recommendations/smart-workout", "authenticated"),
    Route("GET", "/api/stats/prs", "authenticated"),
    Route("GET", "/api/stats/volume", "authenticated"),
    Route(
        "GET",
        "/api/stats/exercises/{exercise_id}/history",
        "owned",
        setup=_custom_exercise,
    ),
    Route(
        "POST",
        "/api/imports",
        "authenticated",
        multipart=(
            {
                "file": (
                    "s.csv",
                    b"Date,Exercise,Weight,Weight Unit,Reps\n2025-01-06,Plank,0,kgs,1\n",
                )
            },
            {"format": "fitnotes"},
        ),
    ),
    Route("GET", "/api/imports", "authenticated"),
    Route("GET", "/api/imports/{import_id}", "owned", setup=_import),
    Route("DELETE", "/api/imports/{import_id}", "owned", setup=_import),
    Route("GET", "/api/imported-names", "authenticated"),
    Route(
        "POST",
        "/api/imported-names/remap",
        "owned",  # a stranger has no logs under the owner's imported name: 404
        setup=_imported_name,
        body=lambda c, lifter, ids: {"name": ids["name"], "exercise_id": ids["exercise_id"]},
    ),
    Route(
        "PUT",
        "/api/exercises/{exercise_id}/muscles",
        "owned",
        setup=_custom_exercise,
        body=lambda c, lifter, ids: {"primary_muscles": ["chest"]},
    ),
    Route("GET", "/api/export", "authenticated"),
]


def _ids(route: Route) -> str:
    return f"{route.method} {route.path}"


def _call(
    client: TestClient, route: Route, owner: Account, caller: Account | None, ids: dict[str, Any]
) -> int:
    headers = caller.headers if caller else {}
    body = route.body(client, owner, ids) if route.body else None
    if route.multipart:
        files, form = route.multipart
        path = route.path.format(**ids)
        return client.post(path, files=files, data=form, headers=headers).status_code
    return client.request(
        route.method, route.path.format(**ids), json=body, headers=headers
    ).status_code


def test_matrix_covers_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    served = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    listed = {(r.method, r.path) for r in ROUTES}
    assert served - listed == set(), "routes missing from the ownership matrix"
    assert listed - served == set(), "matrix rows for routes that do not exist"


@pytest.fixture
def stale_callers(client: TestClient, settings: Settings) -> dict[str, Account]:
    """A token that expired and a token whose account was deleted (both validly signed)."""
    expired = Account(client, "expired@example.com")
    # Signed for a real session of the account, an hour ago: only the expiry is wrong.
    session_id = expired.session_id
    token = create_access_token(
        settings, expired.id, session_id, now=datetime.now(UTC) - timedelta(hours=1)
    )
    expired.headers = {"Authorization": f"Bearer {token}"}
    deleted = Account(client, "deleted@example.com")
    response = client.request(
        "DELETE", "/api/me", json={"password": deleted.password}, headers=deleted.headers
    )
    assert response.status_code == 204
    return {"expired": expired, "deleted": deleted}


@pytest.mark.parametrize("route", [r for r in ROUTES if r.access != "public"], ids=_ids)
def test_protected_route_matrix(
    client: TestClient,
    lifter: Account,
    other_lifter: Account,
    stale_callers: dict[str, Account],
    route: Route,
) -> None:
    ids = route.setup(client, lifter) if route.setup else {}
    assert _call(client, route, lifter, None, ids) == route.anonymous_status
    garbage = Account.__new__(Account)
    garbage.headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.invalid"}
    assert _call(client, route, lifter, garbage, ids) == 401
    for kind, caller in stale_callers.items():
        assert _call(client, route, lifter, caller, ids) == 401, kind
    if route.access == "owned":
        assert _call(client, route, lifter, other_lifter, ids) == 404
    status = _call(client, route, lifter, lifter, ids)
    assert 200 <= status < 300, status
