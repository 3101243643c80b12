"""Session cookies use the ``__Host-`` prefix over HTTPS (issue 15): a browser then accepts them
only from this host, with ``Secure``, ``Path=/`` and no ``Domain`` — a sibling subdomain or a
plain-HTTP page cannot plant a session or CSRF cookie."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gravl.app import create_app
from gravl.config import Settings
from tests.web.helpers import sign_up


def _set_cookies(response: object) -> dict[str, str]:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return {h.split("=", 1)[0]: h for h in headers}


def test_cookies_use_the_host_prefix_over_https(settings: Settings) -> None:
    with TestClient(create_app(settings), base_url="https://gravl.example") as client:
        response = sign_up(client, "host@example.com")
        cookies = _set_cookies(response)
        assert set(cookies) >= {"__Host-gravl_session", "__Host-gravl_device"}
        jar = set(client.cookies.keys())  # the CSRF cookie came with the sign-up page
        assert jar == {"__Host-gravl_session", "__Host-gravl_csrf", "__Host-gravl_device"}
        for header in cookies.values():
            assert "Secure" in header and "Path=/" in header and "Domain" not in header
        assert client.get("/today").status_code == 200  # the prefixed cookie is the one read
        # A plain-named cookie (as a sibling subdomain could set) is not a session here.
        planted = client.cookies["__Host-gravl_session"]
        client.cookies.clear()
        client.cookies.set("gravl_session", planted)
        assert client.get("/today", follow_redirects=False).status_code == 303


def test_plain_http_keeps_plain_names(client: TestClient) -> None:
    response = sign_up(client, "plain@example.com")
    cookies = _set_cookies(response)
    assert {"gravl_session", "gravl_device"} <= set(cookies)
    assert set(client.cookies.keys()) == {"gravl_session", "gravl_csrf", "gravl_device"}
    assert all("Secure" not in header for header in cookies.values())
