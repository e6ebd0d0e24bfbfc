"""Structured logs for `govkg serve`: one JSON object per line on stderr, each with the request id it belongs to."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import IO, Any

__all__ = ["JsonFormatter", "configure"]

# LogRecord's own attributes: everything else on a record came from `extra=` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """A record as one JSON line: time, level, logger, message, request id, and the `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        """The JSON line (exceptions as one-line type and message: never a traceback in the log stream)."""
        from govkg.web.front import REQUEST_ID  # the web stack loads only for serve

        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD and k not in line})
        if record.exc_info and record.exc_info[1] is not None:
            line["error"] = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
            line["traceback"] = self.formatException(record.exc_info).splitlines()
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(stream: IO[str] | None = None, level: int = logging.INFO) -> None:
    """Send govkg's logs (the access log included) to `stream` as JSON lines; quiet Werkzeug's own access log."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in ("govkg", "waitress", "_granian"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level if name == "govkg" else logging.WARNING)
        logger.propagate = False
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
