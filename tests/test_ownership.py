"""The ownership matrix: every route, called as its owner, as another lifter and anonymously.

Another lifter's object answers 404 (never 403, which would confirm it exists); a protected
route without a valid token answers 401. ``ROUTES`` must name every operation the app serves —
a new route without a row fails ``test_matrix_covers_every_route``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Lifter

Setup = Callable[[TestClient, Lifter], dict[str, Any]]


def _custom_exercise(client: TestClient, owner: Lifter) -> dict[str, Any]:
    response = client.post(
        "/api/exercises",
        json={"name": "Owned Press", "primary_muscles": ["shoulders"]},
        headers=owner.headers,
    )
    assert response.status_code == 201
    return {"exercise_id": response.json()["id"]}


def _builtin_workout(client: TestClient, owner: Lifter) -> dict[str, Any]:
    return {"workout_id": client.get("/api/workouts", headers=owner.headers).json()[0]["id"]}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    access: str  # public | authenticated | owned
    setup: Setup | None = None
    body: Callable[[Lifter], Any] | None = None
    # owned objects behind a public route are hidden (404) from strangers and anonymous callers
    anonymous_status: int = 401
    params: dict[str, Any] = field(default_factory=dict)


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
        body=lambda lifter: {"refresh_token": lifter.refresh_token},
    ),
    Route("GET", "/api/me", "authenticated"),
    Route("PATCH", "/api/me", "authenticated", body=lambda lifter: {"units": "lb"}),
    Route(
        "POST",
        "/api/exercises",
        "authenticated",
        body=lambda lifter: {"name": "Matrix Curl", "primary_muscles": ["biceps"]},
    ),
    Route(
        "GET", "/api/exercises/{exercise_id}", "owned", setup=_custom_exercise, anonymous_status=404
    ),
    Route("GET", "/api/workouts", "authenticated"),
    Route("GET", "/api/workouts/{workout_id}", "authenticated", setup=_builtin_workout),
    Route("GET", "/api/programs", "authenticated"),
]


def _ids(route: Route) -> str:
    return f"{route.method} {route.path}"


def _call(
    client: TestClient, route: Route, owner: Lifter, caller: Lifter | None, ids: dict[str, Any]
) -> int:
    headers = caller.headers if caller else {}
    body = route.body(owner) if route.body else None
    return client.request(
        route.method, route.path.format(**ids), json=body, headers=headers
    ).status_code


def test_matrix_covers_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    served = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops}
    listed = {(r.method, r.path) for r in ROUTES}
    assert served - listed == set(), "routes missing from the ownership matrix"
    assert listed - served == set(), "matrix rows for routes that do not exist"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.access != "public"], ids=_ids)
def test_protected_route_matrix(
    client: TestClient, lifter: Lifter, other_lifter: Lifter, route: Route
) -> None:
    ids = route.setup(client, lifter) if route.setup else {}
    assert _call(client, route, lifter, None, ids) == route.anonymous_status
    expired = Lifter.__new__(Lifter)
    expired.headers = {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.invalid"}
    assert _call(client, route, lifter, expired, ids) == 401
    if route.access == "owned":
        assert _call(client, route, lifter, other_lifter, ids) == 404
    status = _call(client, route, lifter, lifter, ids)
    assert 200 <= status < 300, status
