"""Cross-cutting HTTP behaviour: error envelope, headers, body limits, health, OpenAPI."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings

SECURITY_HEADERS = ("x-content-type-options", "referrer-policy", "content-security-policy")


def test_every_response_has_request_id_and_security_headers(client: TestClient) -> None:
    for response in (
        client.get("/api/health"),
        client.get("/api/does-not-exist"),
        client.post("/api/auth/login", content=b"{", headers={"Content-Type": "application/json"}),
    ):
        assert response.headers["x-request-id"]
        for header in SECURITY_HEADERS:
            assert header in response.headers, (response.url, header)
        csp = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"


def test_request_id_is_echoed_when_sane_and_replaced_when_not(client: TestClient) -> None:
    assert (
        client.get("/api/health", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    replaced = client.get("/api/health", headers={"X-Request-ID": "bad id\twith<stuff>"})
    assert replaced.headers["x-request-id"] != "bad id\twith<stuff>"
    assert len(replaced.headers["x-request-id"]) == 32


def test_hsts_only_when_configured(settings: Settings) -> None:
    with TestClient(create_app(settings)) as plain:
        assert "strict-transport-security" not in plain.get("/api/health").headers
    with TestClient(create_app(settings.model_copy(update={"hsts": True}))) as tls:
        assert "max-age=" in tls.get("/api/health").headers["strict-transport-security"]


def test_unknown_route_and_method_use_the_envelope(client: TestClient) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong_method = client.delete("/api/health")
    assert wrong_method.status_code == 405
    assert "error" in wrong_method.json()


def test_malformed_json_is_400_and_schema_violation_422(client: TestClient) -> None:
    malformed = client.post(
        "/api/auth/register", content=b'{"email": ', headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "validation_error"
    missing = client.post("/api/auth/register", json={"email": "a@example.com"})
    assert missing.status_code == 422
    error = missing.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["field"] == "password"
    assert "password" in error["message"]


def test_oversized_body_is_413_from_content_length(settings: Settings) -> None:
    small = settings.model_copy(update={"max_body_bytes": 100})
    with TestClient(create_app(small)) as client:
        response = client.post(
            "/api/auth/register",
            content=b"{" + b" " * 200 + b"}",
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "payload_too_large"
        assert response.headers["x-request-id"]


def test_oversized_streamed_body_without_length_is_413(settings: Settings) -> None:
    small = settings.model_copy(update={"max_body_bytes": 100})

    def chunks():
        for _ in range(10):
            yield b" " * 50

    with TestClient(create_app(small)) as client:
        response = client.post(
            "/api/auth/register", content=chunks(), headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 413


def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok"}
    ready = client.get("/api/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "migrations": "current"}


def test_ready_reports_pending_migrations(settings: Settings) -> None:
    app = create_app(settings)
    app.state.migration_head = "a-newer-revision"
    with TestClient(app) as client:
        response = client.get("/api/ready")
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_ready_reports_an_unreachable_database(settings: Settings) -> None:
    down = settings.model_copy(
        update={"database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    )
    with TestClient(create_app(down)) as client:
        response = client.get("/api/ready")
        assert client.get("/api/health").status_code == 200
    assert response.status_code == 503
    assert response.json() == {
        "status": "not_ready",
        "database": "unreachable",
        "migrations": "unknown",
    }


def test_database_outage_is_503_unavailable_not_500(settings: Settings) -> None:
    down = settings.model_copy(
        update={"database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    )
    with TestClient(create_app(down), raise_server_exceptions=False) as client:
        response = client.get("/api/exercises")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/refresh",
        "/api/auth/logout",
        "/api/me",
        "/api/muscle-groups",
        "/api/exercises",
        "/api/exercises/{exercise_id}",
        "/api/workouts",
        "/api/workouts/{workout_id}",
        "/api/programs",
        "/api/health",
        "/api/ready",
    ):
        assert path in paths, path
    register = paths["/api/auth/register"]["post"]
    assert "201" in register["responses"]
    assert register["requestBody"]["content"]["application/json"]["schema"]


def test_docs_are_served_from_vendored_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text  # nothing off-site
    for asset in (
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/docs-init.js",
    ):
        assert asset in page.text
        assert client.get(asset).status_code == 200


def test_internal_errors_hide_details_and_give_a_request_id(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/api/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal"
    assert "secret internals" not in response.text
    assert "req-42" in error["message"]


def test_ids_beyond_the_database_integer_are_422_not_500(client: TestClient) -> None:
    """Found by schemathesis: asyncpg refused ids over 2**31 - 1, which answered 500."""
    from tests.conftest import Account

    lifter = Account(client, "ids@example.com")
    for method, path, body in (
        ("GET", "/api/exercises/87257033701", None),
        ("GET", "/api/logs/87257033701", None),
        ("POST", "/api/programs/87257033701/enroll", {}),
        ("POST", "/api/logs", {"exercise_id": 299490035763, "sets": [{"reps": 1}]}),
        ("GET", "/api/exercises?offset=2056412604074048265957702369280", None),
    ):
        response = client.request(method, path, json=body, headers=lifter.headers)
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error"]["code"] == "validation_error"


def test_text_with_nul_characters_is_422_not_500(client: TestClient) -> None:
    """Found by schemathesis: PostgreSQL cannot store NUL in text, which answered 500."""
    from tests.conftest import Account

    lifter = Account(client, "nul@example.com")
    login = client.post("/api/auth/login", json={"email": "w\x00x@example.com", "password": "x"})
    assert login.status_code == 422
    named = client.post(
        "/api/custom-workouts",
        json={
            "name": "ti\x00",
            "exercises": [{"exercise_id": 1, "target_sets": 1, "target_reps": 1}],
        },
        headers=lifter.headers,
    )
    assert named.status_code == 422
    assert "NUL" in named.json()["error"]["message"]
    search = client.get("/api/exercises", params={"q": "be\x00nch"})
    assert search.status_code == 422
