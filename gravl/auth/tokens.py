"""Verified access tokens remembered per app: a client sends the same token for many requests.

Verifying a token (two base64 decodes, JSON and an HMAC) costs about as much as the rest of a
cached recovery read. A verified token's claims cannot change, so they are kept, and only the
expiry is checked again on each use. Invalid tokens are never remembered.
"""

from __future__ import annotations

import time

from gravl.auth.security import decode_access_claims
from gravl.config import Settings


class TokenCache:
    """Bounded memo of ``decode_access_claims``; one per app, so per set of signing keys."""

    def __init__(self, settings: Settings, max_entries: int = 20_000) -> None:
        self._settings = settings
        self._max_entries = max_entries
        self._claims: dict[str, tuple[int, str, int]] = {}

    def claims(self, token: str) -> tuple[int, str] | None:
        """The user id and session id a valid, unexpired access token names, else None."""
        claims = self._claims.get(token)
        if claims is None:
            claims = decode_access_claims(self._settings, token)
            if claims is None:
                return None
            if len(self._claims) >= self._max_entries:
                del self._claims[next(iter(self._claims))]  # the oldest remembered
            self._claims[token] = claims
        user_id, session_id, expires = claims
        # jwt.decode's own rule: expired once now reaches exp.
        return (user_id, session_id) if time.time() < expires else None
