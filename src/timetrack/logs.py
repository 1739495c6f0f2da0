"""Log lines that name their request, and the logging set-up of ``timetrack serve``.

The outermost middleware (``app.ResponseHeaders``) puts each request's id into
:data:`REQUEST_ID` for the duration of the request; :class:`RequestIdFilter` copies it onto
every log record that passes a handler, so a line written anywhere while a request is being
served (uvicorn's access line included) can be traced back to the response that carried the
same ``X-Request-ID``.

What is never logged: request or response bodies, and request headers (the API secret travels in
one, passwords in bodies). uvicorn's ``trace`` level would log headers, which is why
``TIMETRACK_LOG_LEVEL`` does not offer it.
"""

from __future__ import annotations

import copy
import logging
from contextvars import ContextVar
from typing import Any

REQUEST_ID: ContextVar[str | None] = ContextVar("timetrack_request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (``-`` outside a request) and ``request_tag`` (`` request_id=...``,
    empty outside a request) to every record; lets every record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = REQUEST_ID.get()
        record.request_id = request_id or "-"
        record.request_tag = f" request_id={request_id}" if request_id else ""
        return True


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """uvicorn's own logging configuration, with the request id on each line and the
    ``timetrack`` logger writing through the same handler."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"request_id": {"()": "timetrack.logs.RequestIdFilter"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["request_id"]
    config["formatters"]["default"]["fmt"] += "%(request_tag)s"
    config["formatters"]["access"]["fmt"] += "%(request_tag)s"
    config["loggers"]["timetrack"] = {
        "handlers": ["default"],
        "level": level.upper(),
        "propagate": False,
    }
    return config
