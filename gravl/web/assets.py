"""Static files for a phone on gym Wi-Fi: fingerprinted URLs, long-lived caching, gzip once.

Templates link every file through ``static_url("css/gravl.css")``, which names it with a hash of
its content (``/static/css/gravl.3f9a0c1d2e4b.css``). Such a URL never changes meaning, so it is
cached for a year (``immutable``); a new build has new hashes. A URL without the hash (links
from outside the templates, the manifest's icons) gets a short lifetime, and the service
worker's script none, so a new version of it is always found.

Text files are gzipped once, on their first request, and kept in memory: serving one costs a
dictionary lookup, not a compression. The files are the package's own, a few hundred KiB.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path, PurePosixPath

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/static/"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_LIVED = "public, max-age=600"
ALWAYS_REVALIDATE = "no-cache"
# Service worker scripts: the browser must see a new version at once, and their URL must stay
# put (a registration is tied to it), so they are never fingerprinted.
UNFINGERPRINTED = frozenset({"sw.js"})
COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".json", ".webmanifest", ".map", ".txt", ".html"})
HASH_LENGTH = 12
_FINGERPRINTED = re.compile(
    rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[^./]+)$"
)

mimetypes.add_type("application/manifest+json", ".webmanifest")


@dataclass(frozen=True)
class _Version:
    """One file as it is on disk now (its size and modification time say which version)."""

    stamp: tuple[int, int]
    digest: str


class StaticAssets:
    """Fingerprints and gzipped copies of the files under one directory, made once each."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._versions: dict[str, _Version] = {}
        self._gzipped: dict[tuple[str, str], bytes] = {}

    def version(self, name: str) -> _Version:
        """The file's current content hash; recomputed only when the file changed."""
        path = self.directory / name
        status = path.stat()
        stamp = (status.st_mtime_ns, status.st_size)
        known = self._versions.get(name)
        if known is not None and known.stamp == stamp:
            return known
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        version = _Version(stamp, digest)
        self._versions[name] = version
        return version

    def url(self, name: str) -> str:
        """The URL of ``name`` (relative to the static directory) with its content hash."""
        suffix = PurePosixPath(name).suffix
        if name in UNFINGERPRINTED or not suffix:
            return STATIC_PREFIX + name
        digest = self.version(name).digest
        return f"{STATIC_PREFIX}{name.removesuffix(suffix)}.{digest}{suffix}"

    def kept_gzip(self, name: str, digest: str) -> bytes | None:
        return self._gzipped.get((name, digest))

    def gzipped(self, name: str, digest: str) -> bytes:
        """The file compressed (deterministically: no timestamp), made once per version."""
        key = (name, digest)
        body = self._gzipped.get(key)
        if body is None:
            body = gzip.compress((self.directory / name).read_bytes(), compresslevel=9, mtime=0)
            self._gzipped = {k: v for k, v in self._gzipped.items() if k[0] != name}
            self._gzipped[key] = body
        return body


def split_fingerprint(path: str) -> tuple[str, str | None]:
    """``css/gravl.3f9a0c1d2e4b.css`` → (``css/gravl.css``, ``3f9a0c1d2e4b``); else (path, None)."""
    match = _FINGERPRINTED.match(path)
    if match is None:
        return path, None
    return match["stem"] + match["suffix"], match["digest"]


def _accepts_gzip(headers: Headers) -> bool:
    for coding in headers.get("accept-encoding", "").split(","):
        name, _, params = coding.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


class GravlStaticFiles(StaticFiles):
    """Starlette's static files, plus fingerprints, cache lifetimes and kept gzip copies."""

    def __init__(self, assets: StaticAssets) -> None:
        super().__init__(directory=assets.directory)
        self.assets = assets

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        full_path, status = super().lookup_path(path)
        if status is not None:
            return full_path, status
        # A fingerprinted name: the file without the hash (any hash: an old page still gets
        # the current file, only not cached for long, see file_response).
        plain, digest = split_fingerprint(path)
        if digest is None:
            return full_path, status
        return super().lookup_path(plain)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        path = self.get_path(scope)
        name = os.path.relpath(full_path, self.directory)
        version = self.assets.version(name)
        _, digest = split_fingerprint(path)
        if name in UNFINGERPRINTED:
            cache_control = ALWAYS_REVALIDATE
        elif digest is not None and digest == version.digest and path != name:
            cache_control = IMMUTABLE
        else:
            cache_control = SHORT_LIVED
        request_headers = Headers(scope=scope)
        suffix = Path(name).suffix
        if (
            suffix in COMPRESSIBLE
            and "range" not in request_headers
            and _accepts_gzip(request_headers)
        ):
            return self._gzipped_response(
                name, version, cache_control, stat_result, request_headers
            )
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = cache_control
        if suffix in COMPRESSIBLE:
            response.headers["Vary"] = "Accept-Encoding"
        return response

    def _gzipped_response(
        self,
        name: str,
        version: _Version,
        cache_control: str,
        stat_result: os.stat_result,
        request_headers: Headers,
    ) -> Response:
        etag = f'"{version.digest}-gzip"'
        headers = {
            "Cache-Control": cache_control,
            "ETag": etag,
            "Vary": "Accept-Encoding",
            "Last-Modified": formatdate(stat_result.st_mtime, usegmt=True),
        }
        if etag in _tags(request_headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return _GzippedFile(self.assets, name, version.digest, headers, media_type)


def _tags(if_none_match: str) -> list[str]:
    return [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]


class _GzippedFile(Response):
    """The kept gzip copy of a file; the first request for a version compresses it in a
    worker thread, so the event loop never waits on a large file."""

    def __init__(
        self,
        assets: StaticAssets,
        name: str,
        digest: str,
        headers: dict[str, str],
        media_type: str,
    ) -> None:
        super().__init__(media_type=media_type, headers={**headers, "Content-Encoding": "gzip"})
        self._assets = assets
        self._name = name
        self._digest = digest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = self._assets.kept_gzip(self._name, self._digest)
        if body is None:
            body = await anyio.to_thread.run_sync(self._assets.gzipped, self._name, self._digest)
        self.body = body
        self.headers["Content-Length"] = str(len(body))
        await super().__call__(scope, receive, send)


ASSETS = StaticAssets(STATIC_DIR)
