"""The lean route: a query sent to /sparql (GET, or POST of a form or a query body) answered as plain WSGI, without
Flask's request machinery (request context, URL map, before/after hooks, Response objects), which cost most of the
server's time on a small query (bench/hotpath.py). Everything else goes on to the Flask app: the service
description, HTML answers, HEAD and OPTIONS, chunked or oversized bodies, a writable server. (The front has
refused an untrusted Host before.)

The answers are the endpoint's to the byte: the same reading of the operation (`sparql.read`), guard, per-client
gate, runner, headers, one-line errors and metrics (`errors.outcome`); the front (request id, access log, timing)
and the response cache stay around it.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.datastructures import MultiDict
from werkzeug.http import HTTP_STATUS_CODES, parse_options_header

from govkg.errors import GovkgError
from govkg.web import conneg, errors, sparql
from govkg.web.state import State

__all__ = ["Lean"]

log = logging.getLogger("govkg")
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
KINDS = ("results", "graph")
NEGOTIATIONS = 512  # (format values, Accept) pairs whose "could this be HTML?" answer is kept


class Lean:
    """WSGI middleware answering queries to /sparql itself, passing every other request to `app`. `headers` are
    the ones the app adds to every response (security and CORS)."""

    def __init__(self, app: WSGIApp, state: State, metrics: Any, headers: dict[str, str], max_body: int) -> None:
        self.app, self.state, self.metrics, self.max_body = app, state, metrics, max_body
        self.headers = list(headers.items())
        self._html: dict[tuple[tuple[str, ...], str | None], bool] = {}

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer a query to /sparql here when it takes nothing but the query path; else ask the app."""
        try:
            operation = self._operation(environ) if self._takes(environ) else None
            if operation is not None:
                environ["govkg.route"] = "/sparql"
                if isinstance(operation, GovkgError):
                    return self._refuse(operation, start_response)
                reply = sparql.run(self.state, operation, environ.get("HTTP_ACCEPT"), environ.get("REMOTE_ADDR") or "")
        except GovkgError as error:
            return self._refuse(error, start_response)
        except Exception as error:  # the app's last-resort handler does the same (a body that cannot be read, say)
            log.exception("unexpected error", exc_info=error)
            environ["govkg.route"] = "/sparql"
            return self._send(
                start_response, 500, errors.line(500, "the server failed to answer; the failure is logged")
            )
        if operation is None:
            return self.app(environ, start_response)
        assert reply.table is None, "an HTML answer on the lean route"  # _may_be_html sent those to the app
        extra = [("Cache-Control", "no-store")] if sparql.guard.mentions_service(operation.query or "") else []
        media_type = conneg.content_type(reply.media_type)
        return _send(start_response, "200 OK", [], media_type, reply.body, [("Vary", "Accept"), *extra, *self.headers])

    def _takes(self, environ: dict[str, Any]) -> bool:
        """A request this route may answer: a query to /sparql, on a read-only server."""
        if environ.get("PATH_INFO") != "/sparql" or self.state.writer is not None:
            return False
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            return "query=" in environ.get("QUERY_STRING", "")
        length = environ.get("CONTENT_LENGTH") or ""  # ASCII digits only: "²".isdigit() is true
        return method == "POST" and length.isascii() and length.isdigit() and int(length) <= self.max_body

    def _operation(self, environ: dict[str, Any]) -> sparql.Operation | GovkgError | None:
        """The operation, a refusal, or None when the app must answer (HTML, the service description)."""
        params = _params(environ.get("QUERY_STRING", ""))
        if params is None:
            return None
        media_type, options = parse_options_header(environ.get("CONTENT_TYPE"))
        body = _body(environ) if environ["REQUEST_METHOD"] == "POST" else b""
        if body is None:
            return None
        try:
            operation = sparql.read(
                environ["REQUEST_METHOD"], media_type.lower(), options.get("charset", "utf-8"), params, lambda: body
            )
        except GovkgError as error:
            return error
        if operation.query is None or self._may_be_html(operation, environ.get("HTTP_ACCEPT")):
            return None
        return operation

    def _may_be_html(self, operation: sparql.Operation, accept: str | None) -> bool:
        """Whether negotiation could choose an HTML page for some form of answer (remembered per values and Accept)."""
        values = tuple(v for name in conneg.FORMAT_PARAMETERS for v in operation.params.getlist(name))
        key = (values, accept)
        found = self._html.get(key)
        if found is None:
            found = any(_html(values, accept, kind) for kind in KINDS)
            if len(self._html) >= NEGOTIATIONS:
                self._html.clear()
            self._html[key] = found
        return found

    def _refuse(self, error: GovkgError, start_response: StartResponse) -> Iterable[bytes]:
        status, reason, headers = errors.outcome(error, self.metrics)
        return self._send(start_response, status, errors.line(status, reason), list(headers.items()))

    def _send(
        self, start_response: StartResponse, status: int, text: str, headers: list[tuple[str, str]] | None = None
    ) -> Iterable[bytes]:
        """A one-line text/plain answer, its headers in the order the app's error handler gives them."""
        head = f"{status} {HTTP_STATUS_CODES.get(status, 'Error').upper()}"
        return _send(start_response, head, headers or [], "text/plain; charset=utf-8", text.encode(), self.headers)


def _send(
    start_response: StartResponse,
    status: str,
    before: list[tuple[str, str]],
    content_type: str,
    body: bytes,
    after: list[tuple[str, str]],
) -> Iterable[bytes]:
    start_response(status, [*before, ("Content-Type", content_type), ("Content-Length", str(len(body))), *after])
    return [body]


def _body(environ: dict[str, Any]) -> bytes | None:
    """The body (its length was checked), put back for the app should it answer instead; None when it is shorter
    than its Content-Length (the client went away: the app answers that, as Werkzeug reads it, with a 400)."""
    length = int(environ["CONTENT_LENGTH"])
    data = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(data)
    return bytes(data) if len(data) == length else None


def _params(text: str) -> MultiDict[str, str] | None:
    """The URL's parameters as Werkzeug reads them (`request.args`), or None for a query string it must read
    (non-ASCII, a malformed escape, bytes that are not UTF-8)."""
    if not text.isascii():
        return None
    try:
        return MultiDict([(_unquote(n), _unquote(v)) for n, _, v in (p.partition("=") for p in text.split("&") if p)])
    except UnicodeDecodeError:
        return None


def _unquote(text: str) -> str:
    """Percent-decoding by a C codec: urllib's loop over the escapes cost more than the rest of a small query's
    path (an encoded query is mostly escapes)."""
    plain = text.replace("+", " ")
    if "%" not in plain:
        return plain
    escaped = plain.replace("\\", "\\\\").replace("%", "\\x").encode("ascii")
    return escaped.decode("unicode_escape").encode("latin-1").decode("utf-8")


def _html(values: tuple[str, ...], accept: str | None, kind: str) -> bool:
    """Whether negotiation picks HTML for an answer of `kind` (a refusal is the worker's to give)."""
    try:
        return conneg.choose(values, accept, kind)[1] == "html"
    except GovkgError:
        return False
