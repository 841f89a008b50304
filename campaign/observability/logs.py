"""Structured logs: one JSON object per line on stderr, each carrying the request id.

The id comes from the caller's ``X-Request-ID`` when it looks like an id (so a proxy's id
follows the request through), or is made here, and is sent back in the same header. The access
line logs the path without its query string: tokens and links ride in query strings.
"""

from __future__ import annotations

import logging
import logging.config
import re
import uuid
from typing import Any

from flask import g, has_request_context
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

access = logging.getLogger("campaign.access")


def request_id_from(header: str | None) -> str:
    """The caller's request id when it is a plausible one, else a new random one."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Puts ``request_id`` on every record ("-" outside a request), whoever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def json_formatter() -> logging.Formatter:
    """One JSON object a line: time, level, logger, message, request_id and any ``extra``."""
    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


def logging_config(log_format: str = "json", level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` mapping; gunicorn.conf.py hands it to gunicorn too."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {
            "json": {"()": json_formatter},
            "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "filters": ["request_id"],
                "formatter": "json" if log_format == "json" else "text",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # Our access line (with the request id) replaces gunicorn's.
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
        },
    }


def configure(log_format: str, level: str) -> None:
    logging.config.dictConfig(logging_config(log_format, level))


def access_log(method: str, path: str, status: int, seconds: float, endpoint: str) -> None:
    access.info(
        "%s %s %s %.1fms",
        method,
        path,
        status,
        seconds * 1000,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(seconds * 1000, 1),
            "endpoint": endpoint,
        },
    )
