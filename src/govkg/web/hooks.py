"""The app's request hooks: the route's name for logs and metrics, a chunked body read whole, and the security
and CORS headers on every response."""

from __future__ import annotations

import io

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from govkg.web import CORS_HEADERS, PREFLIGHT_HEADERS, SECURITY_HEADERS

__all__ = ["register"]


def register(app: Flask) -> None:
    """Install the hooks."""
    app.before_request(_route)
    app.before_request(_whole_body)
    app.after_request(_headers)


def _whole_body() -> None:
    """Read a body sent without Content-Length (chunked) whole, up to MAX_CONTENT_LENGTH + 1 bytes, so one
    byte too many is a 413 rather than a body silently cut at the limit (Werkzeug's bounded stream stops
    there without a word), and every reader after this sees an ordinary body with its length."""
    environ = request.environ
    if environ.get("CONTENT_LENGTH") or "wsgi.input_terminated" not in environ:
        return
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    data = environ["wsgi.input"].read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(data), str(len(data))
    del environ["wsgi.input_terminated"]
    request.__dict__.pop("stream", None)  # Werkzeug caches the stream it made before this ran


def _route() -> None:
    """Name the matched route for the access log and the metrics (a bounded set of labels)."""
    request.environ["govkg.route"] = request.url_rule.rule if request.url_rule else "unmatched"


def _headers(response: Response) -> Response:
    """Security and CORS headers on every response (a page that set its own CSP, such as the reconciliation
    preview shown in a client's iframe, keeps it); the preflight answer on OPTIONS."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.update(CORS_HEADERS)
    if request.method == "OPTIONS":
        response.headers.update(PREFLIGHT_HEADERS)
    return response
