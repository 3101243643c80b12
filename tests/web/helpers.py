"""Drive the web UI through the test client the way a browser does: fetch a form, post it."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = "correct horse 1"


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


def post_form(client: TestClient, page: str, action: str, data: dict[str, str]):
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False)


def sign_up(client: TestClient, email: str, password: str = PASSWORD):
    response = post_form(client, "/signup", "/signup", {"email": email, "password": password})
    assert response.status_code == 303, response.text
    return response


def field_error(html: str, field: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return unescape(match.group(1)) if match else None
