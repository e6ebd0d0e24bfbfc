"""The edge of the app, as WSGI middleware around everything else (the response cache included): a request id on
every response and log line, the request-target length limit, the trusted Host names or the public base URL,
draining on shutdown, and the access log and request metrics."""

from __future__ import annotations

import contextvars
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from govkg.web.metrics import Metrics

__all__ = ["REQUEST_ID", "Front", "host_trusted", "public_url"]

access = logging.getLogger("govkg.access")
REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("govkg_request_id", default="-")
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")  # a client's own X-Request-Id is kept only if it is this tame
# RFC 9110 §7.2 / RFC 3986 §3.2.2: a reg-name or IPv4 address, or an IPv6 literal in brackets; an optional port.
_HOST = re.compile(r"([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]{1,5}))?")
KEEP_HOSTS = 512  # Host values whose verdict is kept (a client sending endless names only empties the table)
StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def host_trusted(host: str, trusted: Iterable[str]) -> bool:
    """Whether a `Host` value (name or IP literal, port ignored, case-insensitive) is one of `trusted`: names,
    `.suffix` for a domain and its subdomains, IPv6 addresses bracketed or bare. (Werkzeug's own check never
    matches an IPv6 literal: it cuts each trusted name at its first colon.)"""
    found = _HOST.fullmatch(host.lower())
    if found is None or (found[2] is not None and not 0 < int(found[2]) < 65536):
        return False
    name = found[1]
    for entry in (_bare(e) for e in trusted):
        if name == entry or (entry.startswith(".") and (name.endswith(entry) or name == entry[1:])):
            return True
    return False


def _bare(entry: str) -> str:
    """A trusted entry as a Host's name reads: lower case, no port, an IPv6 address in brackets."""
    entry = entry.strip().lower()
    if entry.count(":") > 1 and not entry.startswith("["):
        return f"[{entry}]"  # a bare IPv6 address (it has no port: "::1:80" would be an address too)
    if entry.startswith("["):
        return entry[: entry.index("]") + 1] if "]" in entry else entry
    return entry.partition(":")[0]


def public_url(value: str) -> tuple[str, str, str]:
    """(scheme, host[:port], path prefix) of a configured public base URL; ValueError if it is not one."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) base URL: {value!r}")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


class Front:
    """See the module. `public` replaces what the request says of its scheme, host and path prefix, so no
    absolute URL is ever made from an unchecked Host header (docs/security.md, item 19)."""

    def __init__(
        self,
        app: WSGIApp,
        metrics: Metrics,
        max_uri: int,
        public: str | None = None,
        trusted: Iterable[str] | None = None,
    ) -> None:
        self.app, self.metrics, self.max_uri = app, metrics, max_uri
        self.public = public_url(public) if public else None
        self.trusted = None if self.public or trusted is None else tuple(trusted)  # PUBLIC_URL replaces the Host
        self._hosts: dict[str, bool] = {}
        self.inflight = 0
        self.draining = False
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Answer one request through the app, or refuse it here (too long a target, or shutting down)."""
        given = environ.get("HTTP_X_REQUEST_ID", "")
        rid = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        token, started, seen = REQUEST_ID.set(rid), time.perf_counter(), {"status": "500"}

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen["status"] = status.split(" ", 1)[0]
            return start_response(status, [*headers, ("X-Request-Id", rid)], exc_info)

        with self._lock:
            self.inflight += 1
        try:
            answer = self._answer(environ, start)
            try:
                return list(answer)  # our answers are bytes in memory: joined here, so the time is the whole answer's
            finally:
                getattr(answer, "close", lambda: None)()  # PEP 3333: the server must call close()
        finally:
            with self._lock:
                self.inflight -= 1
            self._record(environ, seen["status"], time.perf_counter() - started, rid)
            REQUEST_ID.reset(token)

    def _answer(self, environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        target = environ.get("RAW_URI") or environ.get("REQUEST_URI")  # granian gives neither: the parts' length
        target = target or environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
        if len(target) > self.max_uri:
            reason = f"the request target is longer than {self.max_uri:,} bytes (MAX_URI_LENGTH); POST long queries"
            return _plain(start, 414, reason, environ)
        if self.draining:
            return _plain(start, 503, "the server is shutting down; retry in a moment", environ)
        if self.trusted is not None and not self._trusts(host := _host(environ)):
            reason = f"the Host {host[:200]!r} is not trusted (TRUSTED_HOSTS, or set PUBLIC_URL)"
            return _plain(start, 400, reason, environ)
        if self.public:
            _rebase(environ, *self.public)
        return self.app(environ, start)

    def _trusts(self, host: str) -> bool:
        """`host_trusted` against TRUSTED_HOSTS, its verdict kept."""
        found = self._hosts.get(host)
        if found is None:
            found = host_trusted(host, self.trusted or ())
            if len(self._hosts) >= KEEP_HOSTS:
                self._hosts.clear()
            self._hosts[host] = found
        return found

    def _record(self, environ: dict[str, Any], status: str, seconds: float, rid: str) -> None:
        route = environ.get("govkg.route", "other")
        self.metrics.request(route, environ.get("REQUEST_METHOD", "GET"), status, seconds)
        access.info(
            "request",
            extra={
                "request_id": rid,
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "route": route,
                "status": int(status) if status.isdigit() else status,
                "ms": round(seconds * 1000, 2),
                "client": environ.get("REMOTE_ADDR"),
            },
        )

    def drain(self, timeout: float) -> bool:
        """Refuse new requests from now on and wait up to `timeout` s for those in flight; True if none is left."""
        self.draining = True
        end = time.monotonic() + timeout
        while self.inflight and time.monotonic() < end:
            time.sleep(0.05)
        return not self.inflight


def _host(environ: dict[str, Any]) -> str:
    """The request's Host header, else the server's name and port (HTTP/1.0 may send no Host: PEP 3333)."""
    if "HTTP_HOST" in environ:
        return str(environ["HTTP_HOST"])
    name = str(environ.get("SERVER_NAME", ""))
    return f"[{name}]:{environ.get('SERVER_PORT', '')}" if ":" in name else f"{name}:{environ.get('SERVER_PORT', '')}"


def _rebase(environ: dict[str, Any], scheme: str, host: str, prefix: str) -> None:
    """Make the request say the public scheme, host and path prefix (like Werkzeug's ProxyFix, but configured)."""
    environ["wsgi.url_scheme"], environ["HTTP_HOST"] = scheme, host
    environ["SERVER_NAME"], _, port = host.partition(":")
    environ["SERVER_PORT"] = port or ("443" if scheme == "https" else "80")
    if prefix:
        environ["SCRIPT_NAME"] = prefix
        path = environ.get("PATH_INFO", "")
        if path.startswith(prefix + "/") or path == prefix:
            environ["PATH_INFO"] = path[len(prefix) :] or "/"


def _plain(start: StartResponse, status: int, reason: str, environ: dict[str, Any]) -> Iterable[bytes]:
    """A one-line text/plain refusal made before the app runs (the app's own errors look the same)."""
    from werkzeug.http import HTTP_STATUS_CODES

    environ["govkg.route"] = "refused"
    phrase = HTTP_STATUS_CODES.get(status, "Error")
    body = f"{status} {phrase}: {reason}\n".encode()
    headers = [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if status == 503:
        headers += [("Retry-After", "1"), ("Connection", "close")]
    start(f"{status} {phrase}", headers)
    return [body]
