"""A response cache in front of the Flask app for GET /sparql: for one generation of the data, an identical
request (path, query string, Accept) always gets the identical answer; the generation is part of the key.

It sits at the WSGI layer so a hit costs no routing, no request parsing and no query: on the lookup
benchmark it doubles throughput (bench/README.md). Only complete 200 answers up to ENTRY_LIMIT bytes are
kept, least recently used first out, within a byte budget.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["ResponseCache"]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# data generation, scheme and host (answers such as the service description name the server), path, query, Accept
Key = tuple[str, str, str, str, str]
ENTRY_LIMIT = 256 * 1024
CACHED_PATHS = frozenset({"/sparql"})


class ResponseCache:
    """WSGI middleware keeping whole answers to repeated GET requests."""

    def __init__(self, app: WSGIApp, budget: int, generation: Callable[[], str]) -> None:
        self.app, self.budget, self.size, self.generation = app, budget, 0, generation
        self.entries: OrderedDict[Key, tuple[str, list[tuple[str, str]], bytes]] = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or environ.get("PATH_INFO") not in CACHED_PATHS
            or not environ.get("QUERY_STRING")
        ):
            return self.app(environ, start_response)
        key = (
            self.generation(),
            _origin(environ),
            environ["PATH_INFO"],
            environ["QUERY_STRING"],
            environ.get("HTTP_ACCEPT", ""),
        )
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
        if hit is not None:
            environ["govkg.route"] = environ["PATH_INFO"]  # for the access log and metrics (one of CACHED_PATHS)
            start_response(hit[0], hit[1])
            return [hit[2]]
        return self._fill(key, environ, start_response)

    def _fill(self, key: Key, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """Call the app, keep a copy of a complete 200 answer."""
        seen: dict[str, Any] = {}

        def remember(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.update(status=status, headers=headers)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self.app(environ, remember)
        body = b"".join(chunks)
        close = getattr(chunks, "close", None)
        if close:
            close()
        if seen.get("status", "").startswith("200 ") and len(body) <= ENTRY_LIMIT and _keepable(seen["headers"]):
            self._store(key, (seen["status"], list(seen["headers"]), body))
        return [body]

    def _store(self, key: Key, entry: tuple[str, list[tuple[str, str]], bytes]) -> None:
        with self.lock:
            if key in self.entries:
                return
            self.entries[key] = entry
            self.size += len(entry[2])
            while self.size > self.budget and self.entries:
                self.size -= len(self.entries.popitem(last=False)[1][2])


def _origin(environ: dict[str, Any]) -> str:
    """The scheme and host a request was sent to."""
    return f"{environ.get('wsgi.url_scheme', '')}://{environ.get('HTTP_HOST') or environ.get('SERVER_NAME', '')}"


def _keepable(headers: list[tuple[str, str]]) -> bool:
    """Whether an answer may be kept: not one marked no-store (RFC 9111 §5.2.2.5), such as a federated one
    (remote data may change), nor one varying by a header the key leaves out (an HTML page in the language
    Accept-Language chose)."""
    return not any(
        (name == "cache-control" and "no-store" in value) or (name == "vary" and "accept-language" in value)
        for name, value in ((k.lower(), v.lower()) for k, v in headers)
    )
