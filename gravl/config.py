"""Settings from the environment (prefix ``GRAVL_``), with ``*_FILE`` variants for secrets."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEFAULT_SECRET_KEY = "dev-insecure-secret-key-change-me"
MIN_SECRET_LENGTH = 32
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/gravl.db"

# Settings that may be given as a path to a file holding the value (Kubernetes secrets).
_FILE_SETTINGS = ("secret_key", "previous_secret_key", "database_url")


class InsecureSettingsError(RuntimeError):
    """Raised when production settings would run with a guessable secret."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GRAVL_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = DEFAULT_SECRET_KEY
    previous_secret_key: str | None = None
    access_token_ttl_s: int = Field(default=900, ge=60)
    # A session (one sign-in) ends after this long unused (its idle timeout; each refresh token
    # lives as long) and, however busy, after its absolute lifetime (docs/security.md).
    refresh_token_ttl_s: int = Field(default=30 * 24 * 3600, ge=300)
    session_lifetime_s: int = Field(default=90 * 24 * 3600, ge=300)
    # How stale a session's "last used" may grow before a request writes it again.
    session_touch_s: int = Field(default=300, ge=0)

    host: str = "127.0.0.1"
    port: int = 8000
    # Behind a proxy that reuses connections, the proxy must be the one to close an idle one:
    # Gravl keeps it longer than ingress-nginx's upstream-keepalive-timeout (60 s), else a
    # request sent as Gravl closes it is reset (a 502). On SIGTERM, in-flight requests get this
    # long to finish, within Kubernetes' 30 s grace period (docs/operations.md).
    keep_alive_s: int = Field(default=75, ge=1)
    graceful_shutdown_s: int = Field(default=20, ge=1)
    metrics_port: int = 3001
    log_level: str = "info"
    hsts: bool = False

    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    # Each worker's quota of imports (dry runs and refused files too) per lifter and hour.
    imports_per_hour: int = Field(default=20, ge=1)
    import_bytes_per_hour: int = Field(default=100 * 1024 * 1024, ge=1)

    # Wrong passwords (or codes) for one account before it locks, and the longest lock: the
    # lock starts at a minute and doubles with each further failure (gravl.auth.lockout).
    login_max_failures: int = 5
    login_window_s: int = 900
    login_per_minute: int = 30
    register_per_hour: int = 20

    # The proxies whose X-Forwarded-For / -Proto Gravl believes (comma-separated addresses or
    # CIDR networks): behind an ingress, its pods' network; otherwise every client would share
    # the ingress's address and its rate-limit buckets.
    trusted_proxies: str = "127.0.0.1"

    db_pool_size: int = 10
    db_max_overflow: int = 10
    # The callers' one-row reads (gravl.corridor): on PostgreSQL a few connections of their own.
    db_read_pool_size: int = 4

    # Each worker's lifter caches together, in MB; unset, a quarter of each worker's share of
    # the container's memory limit, or 64 MB without one (gravl.cache, docs/operations.md).
    cache_max_mb: int | None = Field(default=None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _read_secret_files(cls, data: Any) -> Any:
        """Resolve ``GRAVL_<NAME>_FILE`` into ``<name>`` when the plain value is not given."""
        if not isinstance(data, dict):
            return data
        for name in _FILE_SETTINGS:
            path = data.pop(f"{name}_file", None) or os.environ.get(f"GRAVL_{name.upper()}_FILE")
            if path and not data.get(name):
                data[name] = Path(path).read_text(encoding="utf-8").strip()
        return data

    @model_validator(mode="after")
    def _refuse_weak_production_secrets(self) -> Settings:
        if self.env != "production":
            return self
        problem = self.signing_key_problem()
        if problem is not None:
            raise InsecureSettingsError(f"{problem} in production")
        if self.database_url == DEFAULT_DATABASE_URL:
            raise InsecureSettingsError("GRAVL_DATABASE_URL must be set in production")
        password = _url_password(self.database_url)
        if password is not None and len(password) < MIN_SECRET_LENGTH:
            raise InsecureSettingsError(
                f"the database password must be at least {MIN_SECRET_LENGTH} characters "
                "in production"
            )
        return self

    def signing_key_problem(self) -> str | None:
        """Why a server must not sign tokens with these keys (published or short), or None."""
        for name in ("secret_key", "previous_secret_key"):
            value = getattr(self, name)
            if value is None and name == "previous_secret_key":
                continue
            if value == DEFAULT_SECRET_KEY or len(value) < MIN_SECRET_LENGTH:
                return (
                    f"GRAVL_{name.upper()} must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters"
                )
        return None

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _url_password(url: str) -> str | None:
    return make_url(url).password


@lru_cache
def get_settings() -> Settings:
    return Settings()
