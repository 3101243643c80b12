"""Static files and pages over a slow gym connection: fingerprints, cache lifetimes, gzip; the
web app manifest and its icons; the theme the server paints first."""

from __future__ import annotations

import gzip
import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.routing import Mount

from gravl.web.assets import (
    ALWAYS_REVALIDATE,
    ASSETS,
    IMMUTABLE,
    SHORT_LIVED,
    STATIC_DIR,
    GravlStaticFiles,
    StaticAssets,
    split_fingerprint,
)
from tests.conftest import Account
from tests.web.helpers import sign_up

_STATIC_REF = re.compile(r'(?:href|src)="(/static/[^"]+)"')
_FINGERPRINTED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.[a-z]+$")


def _raw(client: TestClient, url: str, **headers: str):
    """The response as sent: httpx decodes gzip, so read the undecoded bytes."""
    with client.stream("GET", url, headers=headers) as response:
        response.raw_body = b"".join(response.iter_raw())  # type: ignore[attr-defined]
    return response


def _static_refs(html: str) -> list[str]:
    return _STATIC_REF.findall(html)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture
def web(client: TestClient) -> TestClient:
    sign_up(client, "static@example.com")
    return client


def test_pages_link_every_static_file_by_a_fingerprint_cached_for_a_year(web: TestClient) -> None:
    refs = _static_refs(web.get("/today").text)
    assert {split_fingerprint(ref.removeprefix("/static/"))[0] for ref in refs} >= {
        "css/gravl.css",
        "vendor/htmx/htmx.min.js",
        "js/gravl.js",
        "js/theme.js",
        "favicon.svg",
        "manifest.webmanifest",
    }
    for ref in refs:
        assert _FINGERPRINTED.match(ref), ref
        response = web.get(ref)
        assert response.status_code == 200, ref
        assert response.headers["cache-control"] == IMMUTABLE
        name, digest = split_fingerprint(ref.removeprefix("/static/"))
        assert response.content == (STATIC_DIR / name).read_bytes()
        assert digest == ASSETS.version(name).digest


def test_unfingerprinted_and_outdated_urls_get_the_file_for_a_short_time(
    client: TestClient,
) -> None:
    current = (STATIC_DIR / "css" / "gravl.css").read_bytes()
    for url in ("/static/css/gravl.css", "/static/css/gravl.000000000000.css"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.content == current
        assert response.headers["cache-control"] == SHORT_LIVED
    assert client.get("/static/css/nothing.0123456789ab.css").status_code == 404
    assert client.get("/static/css/../../app.py").status_code == 404


def test_text_files_are_sent_gzipped_and_compressed_only_once(client: TestClient) -> None:
    url = ASSETS.url("vendor/htmx/htmx.min.js")
    first = _raw(client, url, **{"accept-encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["vary"] == "Accept-Encoding"
    assert first.headers["cache-control"] == IMMUTABLE
    assert first.headers["content-type"].startswith("text/javascript")
    original = (STATIC_DIR / "vendor" / "htmx" / "htmx.min.js").read_bytes()
    assert gzip.decompress(first.raw_body) == original  # type: ignore[attr-defined]
    assert int(first.headers["content-length"]) < len(original) / 2
    name = "vendor/htmx/htmx.min.js"
    kept = ASSETS.kept_gzip(name, ASSETS.version(name).digest)
    assert kept is not None
    second = _raw(client, url, **{"accept-encoding": "gzip, br"})
    assert second.raw_body == kept  # type: ignore[attr-defined]
    assert ASSETS.kept_gzip(name, ASSETS.version(name).digest) is kept  # not compressed again
    plain = _raw(client, url, **{"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.raw_body == original  # type: ignore[attr-defined]
    refused = _raw(client, url, **{"accept-encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_images_are_not_recompressed(client: TestClient) -> None:
    response = _raw(client, "/static/icons/icon-192.png", **{"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers
    assert response.headers["content-type"] == "image/png"


def test_a_browser_revalidates_with_its_etag(client: TestClient) -> None:
    url = ASSETS.url("css/gravl.css")
    for encoding in ("gzip", "identity"):
        first = client.get(url, headers={"accept-encoding": encoding})
        again = client.get(
            url, headers={"accept-encoding": encoding, "if-none-match": first.headers["etag"]}
        )
        assert again.status_code == 304, encoding
        assert again.content == b""


def test_a_fingerprint_changes_with_the_content(tmp_path: Path) -> None:
    (tmp_path / "app.css").write_text("body { color: black; }")
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    assets = StaticAssets(tmp_path)
    before = assets.url("app.css")
    client = TestClient(Starlette(routes=[Mount("/static", GravlStaticFiles(assets))]))
    assert client.get(before).headers["cache-control"] == IMMUTABLE

    (tmp_path / "app.css").write_text("body { color: white; }")
    after = assets.url("app.css")
    assert after != before
    fresh = client.get(after)
    assert fresh.headers["cache-control"] == IMMUTABLE
    assert fresh.text == "body { color: white; }"
    # A page cached before the change still gets the file, only not for long.
    stale = client.get(before)
    assert stale.text == "body { color: white; }"
    assert stale.headers["cache-control"] == SHORT_LIVED
    # The service worker keeps its URL, and the browser always checks it for a new version.
    assert assets.url("sw.js") == "/static/sw.js"
    assert client.get("/static/sw.js").headers["cache-control"] == ALWAYS_REVALIDATE


def test_pages_are_gzipped_and_the_api_is_left_alone(web: TestClient, lifter: Account) -> None:
    page = _raw(web, "/today", **{"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"] == "no-store"
    assert "Accept-Encoding" in page.headers["vary"]
    html = zlib.decompress(page.raw_body, 16 + zlib.MAX_WBITS).decode()  # type: ignore[attr-defined]
    assert "<h1" in html
    api = _raw(web, "/api/exercises?limit=50", **{"accept-encoding": "gzip", **lifter.headers})
    assert api.status_code == 200
    assert len(api.raw_body) > 2_000  # type: ignore[attr-defined]  # would have been compressed
    assert "content-encoding" not in api.headers


def test_the_manifest_makes_gravl_installable(client: TestClient) -> None:
    html = client.get("/signin").text
    href = re.search(r'<link rel="manifest" href="([^"]+)">', html)
    assert href is not None
    response = client.get(href.group(1))
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = json.loads(response.text)
    assert manifest["start_url"] == "/today"
    assert manifest["display"] == "standalone"
    assert manifest["short_name"] == "Gravl"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {}
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            width, height = _png_size(served.content)
            assert icon["sizes"] == f"{width}x{height}"
            sizes.setdefault(icon["purpose"], set()).add(width)
    assert sizes["any"] >= {192, 512}
    assert sizes["maskable"] >= {512}
    touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html)
    assert touch is not None and _png_size(client.get(touch.group(1)).content) == (180, 180)


@pytest.mark.parametrize(
    ("cookie", "painted"), [("dark", "dark"), ("light", "light"), ("purple", None), (None, None)]
)
def test_the_first_paint_has_the_lifters_theme(
    client: TestClient, cookie: str | None, painted: str | None
) -> None:
    if cookie is not None:
        client.cookies.set("gravl_theme", cookie)
    html = client.get("/signin").text
    root = re.search(r"<html[^>]*>", html)
    assert root is not None
    if painted:
        assert root.group(0) == f'<html lang="en" data-theme="{painted}">'
        assert f'<meta name="color-scheme" content="{painted}">' in html
        assert html.count('name="theme-color"') == 1
        assert re.search(rf'value="{painted}" checked', html)
    else:
        assert root.group(0) == '<html lang="en">'
        assert '<meta name="color-scheme" content="light dark">' in html
        assert 'media="(prefers-color-scheme: dark)"' in html
        assert re.search(r'value="system" checked', html)
