"""Every error is a one-line `text/plain` answer with the right status: never a stack trace.

One handler (govkg.web.handlers) answers every `GovkgError`, whatever layer raised it: the status comes from the
error (`HttpError`) or from the STATUSES table, looked up along the error's class hierarchy. This module imports
no Flask: a query worker raises these errors too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from werkzeug.http import HTTP_STATUS_CODES

from govkg.engine import AnswerTooLarge, DeadlineExceeded, EngineError, UpdateRefused
from govkg.engine.errors import Unrepresentable
from govkg.engine.remote_http import StoreDown, StoreFailed
from govkg.engine.runner import MemoryLimitExceeded, WorkerLost
from govkg.errors import GovkgError, one_line
from govkg.federation import FederationError, RemoteError
from govkg.reconcile import ReconcileError
from govkg.store import ChangeRefused

__all__ = ["STATUSES", "ConfigError", "HttpError", "WebError", "line", "outcome", "reason"]

log = logging.getLogger("govkg")
READ_ONLY = "this endpoint is read-only: SPARQL Update and Graph Store writes are refused"


class WebError(GovkgError):
    """The web layer's error type."""


class ConfigError(WebError):
    """A configuration value that cannot be used (the app does not start); the message is one line."""


class HttpError(WebError):
    """A request the server refuses: an HTTP status, a one-line reason and extra headers."""

    def __init__(self, status: int, reason: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(reason)
        self.status, self.headers = status, dict(headers or {})

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled whole, subclasses too: a query worker raises it (a 406 from negotiation) for the server."""
        return _rebuild, (type(self), self.status, str(self), self.headers)


def _rebuild(cls: type[HttpError], status: int, reason: str, headers: dict[str, str]) -> HttpError:
    """An HttpError (or subclass) from its pickled parts, whatever its constructor's arguments."""
    error = cls.__new__(cls)
    HttpError.__init__(error, status, reason, headers)
    return error


# The status of each kind of error (the most specific class listed wins), and what a person can do about it.
STATUSES: dict[type[BaseException], int] = {
    UpdateRefused: 403,
    AnswerTooLarge: 422,
    Unrepresentable: 406,
    DeadlineExceeded: 503,
    MemoryLimitExceeded: 503,
    WorkerLost: 503,
    RemoteError: 502,  # SPARQL 1.1 Federated Query: a remote failed
    StoreDown: 503,  # the remote store (`--store URL`) cannot be reached
    StoreFailed: 502,  # the remote store answered with an error
    EngineError: 400,
    FederationError: 400,
    ReconcileError: 400,
    GovkgError: 500,
}
HINTS: dict[type[BaseException], str] = {
    DeadlineExceeded: "; narrow the query or add a LIMIT",
    MemoryLimitExceeded: "; narrow the query or add a LIMIT",
}
HEADERS: dict[type[BaseException], dict[str, str]] = {
    DeadlineExceeded: {"Retry-After": "1"},
    MemoryLimitExceeded: {"Retry-After": "1"},
    WorkerLost: {"Retry-After": "1"},
    StoreDown: {"Retry-After": "5"},
}


def reason(error: BaseException) -> str:
    """The one-line message of an error, with its hint."""
    return str(error) + str(_lookup(HINTS, error, ""))


def _lookup(table: Mapping[type[BaseException], object], error: BaseException, default: object) -> object:
    """The entry for the most specific class of `error` in `table`."""
    return next((table[cls] for cls in type(error).__mro__ if cls in table), default)


def outcome(error: GovkgError, metrics: Any) -> tuple[int, str, dict[str, str]]:
    """The status, one-line reason and headers of the answer to a govkg error, counted in `metrics` (the app's
    `Metrics`, or None); shared by the Flask handler and the lean /sparql route (govkg.web.lean)."""
    if metrics is not None:
        named = isinstance(error, HttpError | ChangeRefused)
        metrics.refused(f"http_{error.status}" if named else type(error).__name__)  # type: ignore[attr-defined]
        if isinstance(error, ChangeRefused):
            metrics.writes.labels("rejected").inc()
        if isinstance(error, DeadlineExceeded):
            metrics.timeouts.inc()
    if isinstance(error, HttpError | ChangeRefused):
        return error.status, str(error), dict(getattr(error, "headers", {}))
    status = int(_lookup(STATUSES, error, 500))  # type: ignore[call-overload]
    if status >= 500 and not isinstance(error, DeadlineExceeded | RemoteError | MemoryLimitExceeded):
        log.error("%s: %s", type(error).__name__, error)
    return status, reason(error), dict(_lookup(HEADERS, error, {}))  # type: ignore[call-overload]


def line(status: int, message: str) -> str:
    """The body of a one-line answer: `<status> <reason phrase>: <message>` and a newline."""
    return f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}: {one_line(message, 1000)}\n"
