"""The Flask app's error handlers: every error a one-line `text/plain` answer (govkg.web.errors says which)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask, Response, current_app
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from govkg.errors import GovkgError
from govkg.web.errors import line, outcome

__all__ = ["plain", "register"]

log = logging.getLogger("govkg")


def plain(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """A one-line text/plain answer: `<status> <reason phrase>: <message>`."""
    return Response(
        line(status, message),
        status=status,
        content_type="text/plain; charset=utf-8",
        headers=dict(headers or {}),
    )


def _govkg(error: GovkgError) -> Response:
    """Any govkg error: its status, its one line, its headers."""
    return plain(*outcome(error, current_app.extensions.get("govkg.metrics")))


def _http(error: HTTPException) -> Response:
    """Werkzeug's HTTP errors (404, 405, 413, ...) as one line, keeping their headers (e.g. Allow)."""
    _count(f"http_{error.code}")
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    return plain(error.code or 500, _REASONS.get(type(error), error.description or ""), headers)


def _too_large(error: RequestEntityTooLarge) -> Response:
    """413 naming the limit (MAX_CONTENT_LENGTH)."""
    _count("http_413")
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return plain(413, f"the request body is larger than {limit:,} bytes (MAX_CONTENT_LENGTH); send a shorter query")


_REASONS: dict[type[HTTPException], str] = {NotFound: "no such resource", MethodNotAllowed: "method not allowed here"}


def _count(reason: str) -> None:
    """Count a refusal in the app's metrics (/metrics)."""
    metrics = current_app.extensions.get("govkg.metrics")
    if metrics is not None:
        metrics.refused(reason)


def _unexpected(error: Exception) -> Response:
    """An unexpected failure: logged with its traceback here, one line for the client."""
    if isinstance(error, HTTPException):
        return _http(error)
    log.exception("unexpected error", exc_info=error)
    return plain(500, "the server failed to answer; the failure is logged")


def register(app: Flask) -> None:
    """Install the handlers: govkg's errors, Werkzeug's HTTP errors, anything else."""
    app.register_error_handler(GovkgError, _govkg)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(Exception, _unexpected)
