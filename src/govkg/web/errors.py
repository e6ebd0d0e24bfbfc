"""Every error is a short plain-text answer with the right status: never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

log = logging.getLogger("govkg")


def plain(status: int, reason: str, headers: dict[str, str] | None = None) -> Response:
    """A one-line text/plain error answer."""
    response = Response(reason.strip().splitlines()[0][:1000] + "\n", status=status,
                        content_type="text/plain; charset=utf-8", headers=headers)
    return response


def _http(error: HTTPException) -> Response:
    """Werkzeug's HTTP errors (404, 405, 413, ...) as one line, keeping their headers (e.g. Allow)."""
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    reason = error.description if error.code not in (404, 405) else _reasons.get(error.code or 500, "")
    return plain(error.code or 500, f"{error.code} {error.name}: {' '.join(str(reason).split())}", headers)


_reasons = {404: "no such resource", 405: "method not allowed here"}


def _unexpected(error: Exception) -> Response:
    """An unexpected failure: logged with its traceback here, one line for the client."""
    if isinstance(error, HTTPException):
        return _http(error)
    log.exception("unexpected error", exc_info=error)
    return plain(500, "500 Internal Server Error: the server failed to answer; the failure is logged")


def register(app: Flask) -> None:
    """Install the handlers."""
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
