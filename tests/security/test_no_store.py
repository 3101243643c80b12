"""Responses that carry tokens or personal data forbid caching (issue 15, finding 10)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import Account


def _no_store(response: object) -> bool:
    headers = response.headers  # type: ignore[attr-defined]
    return "no-store" in headers.get("Cache-Control", "")


def test_auth_and_profile_responses_are_not_stored(client: TestClient) -> None:
    registered = client.post(
        "/api/auth/register", json={"email": "ada@example.com", "password": "correct horse 1"}
    )
    assert registered.status_code == 201 and _no_store(registered)
    tokens = registered.json()
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    responses = {
        "register 409": client.post(
            "/api/auth/register", json={"email": "ada@example.com", "password": "correct horse 1"}
        ),
        "register 422": client.post("/api/auth/register", json={"email": "x", "password": "y"}),
        "login 200": client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": "correct horse 1"}
        ),
        "login 401": client.post(
            "/api/auth/login", json={"email": "ada@example.com", "password": "wrong"}
        ),
        "me 200": client.get("/api/me", headers=headers),
        "me 401": client.get("/api/me"),
        "patch me 200": client.patch("/api/me", json={"display_name": "Ada"}, headers=headers),
        "patch me 422": client.patch("/api/me", json={"units": "stone"}, headers=headers),
        "delete me 401": client.request(
            "DELETE", "/api/me", json={"password": "wrong"}, headers=headers
        ),
        "refresh 401": client.post("/api/auth/refresh", json={"refresh_token": "nope"}),
    }
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    responses["refresh 200"] = refreshed
    responses["logout 204"] = client.post(
        "/api/auth/logout",
        json={"refresh_token": refreshed.json()["refresh_token"]},
        headers=headers,
    )
    for name, response in responses.items():
        assert str(response.status_code) == name.rsplit(" ", 1)[1], (name, response.text)
        assert _no_store(response), name


def test_account_deletion_is_not_stored(client: TestClient, lifter: Account) -> None:
    gone = client.request(
        "DELETE", "/api/me", json={"password": lifter.password}, headers=lifter.headers
    )
    assert gone.status_code == 204 and _no_store(gone)


def test_exports_are_not_stored(client: TestClient, lifter: Account) -> None:
    for fmt in ("json", "csv"):
        response = client.get(f"/api/export?format={fmt}", headers=lifter.headers)
        assert response.status_code == 200 and _no_store(response), fmt


def test_pages_are_not_kept_in_the_browsers_storage(client: TestClient) -> None:
    """htmx would copy each page it swaps into sessionStorage for its history (ASVS 8.2.2)."""
    import json
    import re

    from tests.web.helpers import sign_up

    sign_up(client, "storage@example.com")
    for path in ("/today", "/history", "/settings", "/signin"):
        page = client.get(path)
        found = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page.text)
        assert found is not None, path
        assert json.loads(found.group(1))["historyCacheSize"] == 0, path
        assert _no_store(page), path


def test_signing_out_clears_what_the_browser_kept(client: TestClient) -> None:
    from tests.web.helpers import csrf_from, sign_up

    sign_up(client, "leaving@example.com")
    token = csrf_from(client.get("/settings").text)
    response = client.post("/signout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/today", follow_redirects=False).status_code == 303  # signed out
