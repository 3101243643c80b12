"""One JSON object per line on stdout (Loki/Promtail read stdout), secrets redacted.

structlog renders Gravl's own events; the stdlib root logger (uvicorn, SQLAlchemy, asyncio,
warnings) goes through the same processors, so nothing on stdout or stderr is plain text.
"""

from __future__ import annotations

import logging
import logging.config
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED = "[redacted]"

# A key containing any of these names a secret or personal data, whatever its value looks like.
_SECRET_KEY_PARTS = (
    "password",
    "passwd",
    "token",
    "authorization",
    "secret",
    "email",
    "cookie",
    "api_key",
    "credential",
)
# \w is Unicode-aware: internationalised addresses (ñandú@ejemplo.es, 用户@例子.广告) too.
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")
# Every JWT starts with base64url('{"'), i.e. "eyJ", then has three dot-separated segments.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# The PHC string of a password hash: $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>.
_ARGON2 = re.compile(r"\$argon2[a-z]*\$[A-Za-z0-9=,$+/]*")
# gravl.auth.security.new_refresh_token: its prefix, then 32 random bytes in base64url (spelt
# here again because plumbing does not import auth; tests/observability/test_redaction.py
# redacts a token that function made).
REFRESH_TOKEN_PREFIX = "grt_"
_REFRESH_TOKEN = re.compile(REFRESH_TOKEN_PREFIX + r"[A-Za-z0-9_-]+")


def redact_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Replace secret-named fields, e-mail addresses, JWTs, password hashes and refresh tokens
    anywhere in the event."""
    _redact_mapping(event_dict)
    return event_dict


def _redact_mapping(mapping: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in mapping.items():
        if any(part in key.lower() for part in _SECRET_KEY_PARTS):
            if value is not None:
                mapping[key] = REDACTED
        else:
            mapping[key] = _redact_value(value)
    return mapping


def redact_text(text: str) -> str:
    """``text`` with e-mail addresses, JWTs, password hashes and refresh tokens replaced."""
    return str(_redact_value(text))


def _redact_value(value: Any) -> Any:
    if isinstance(value, str):
        # The substring tests keep the common case (none of the markers) free of regex work.
        if "@" in value:
            value = _EMAIL.sub(REDACTED, value)
        if "eyJ" in value:
            value = _JWT.sub(REDACTED, value)
        if "$argon2" in value:
            value = _ARGON2.sub(REDACTED, value)
        if REFRESH_TOKEN_PREFIX in value:
            value = _REFRESH_TOKEN.sub(REDACTED, value)
        return value
    if isinstance(value, dict):
        return _redact_mapping(dict(value))
    if isinstance(value, list | tuple):
        return [_redact_value(item) for item in value]
    return value


def _level(level: str) -> int:
    numeric = logging.getLevelName(level.upper())
    return numeric if isinstance(numeric, int) else logging.INFO


# Shared by structlog events and stdlib records; the stdlib ones first gain ts and level.
_FOREIGN_PRE_CHAIN: list[Processor] = [
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
]
_RENDER: list[Processor] = [
    structlog.processors.format_exc_info,
    structlog.processors.EventRenamer("msg"),
    # After format_exc_info: tracebacks quote values (an IntegrityError shows the e-mail).
    redact_secrets,
    structlog.processors.JSONRenderer(),
]


def json_formatter() -> logging.Formatter:
    """The stdlib formatter for the root handler (referenced by ``logging_config``)."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_FOREIGN_PRE_CHAIN,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_RENDER],
    )


def logging_config(level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` that sends every stdlib record to stdout as JSON.

    Given to uvicorn as ``log_config`` so each worker process applies it before logging.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.json_formatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        # Libraries' info lines (alembic announcing its plugins...) are not operational news.
        "root": {
            "handlers": ["stdout"],
            "level": logging.getLevelName(max(_level(level), logging.WARNING)),
        },
        # uvicorn's own handlers would print plain text; its records go to the root instead.
        # uvicorn.error carries the server's lifecycle (workers started, died, shutting down),
        # which is operational news at info; its access log stays off (gravl.access has one).
        "loggers": {
            **{
                name: {"handlers": [], "propagate": True}
                for name in ("uvicorn", "uvicorn.access", "uvicorn.asgi")
            },
            "uvicorn.error": {
                "handlers": [],
                "propagate": True,
                "level": logging.getLevelName(max(_level(level), logging.INFO)),
            },
        },
    }


def configure_logging(level: str = "info") -> None:
    logging.config.dictConfig(logging_config(level))
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
            *_RENDER,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(_level(level)),
        # One write() per line, so lines from structlog and the stdlib handler never interleave.
        logger_factory=structlog.WriteLoggerFactory(file=sys.stdout),
        cache_logger_on_first_use=True,
    )
