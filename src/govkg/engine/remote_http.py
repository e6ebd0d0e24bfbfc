"""The remote engine's HTTP client: SPARQL 1.1 Protocol POSTs to one store over kept-alive connections, answers read
as a stream under the query's deadline (each socket wait is what is left of it), one-line errors.

The store is configured by the operator (not named by a query), so unlike govkg.federation's client it may be on
loopback or a private network; redirects are still never followed and no credentials travel in its URL.
"""

from __future__ import annotations

import http.client
import io
import socket
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from govkg import __version__
from govkg.engine.deadline import DeadlineExceeded
from govkg.engine.errors import EngineError

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline

__all__ = ["Body", "Client", "StoreDown", "StoreFailed", "StoreRefused", "store_url"]

CONNECT_TIMEOUT = 5.0  # seconds to open a connection to the store
UNBOUNDED = 300.0  # seconds a socket may wait when no deadline is given (the command line's exports)
KEPT = 16  # idle connections kept for reuse
CHUNK = 1 << 16
CLASSES = {"http": http.client.HTTPConnection, "https": http.client.HTTPSConnection}
# Virtuoso echoes each dataset graph sent as a response header (X-SPARQL-default-graph, X-SPARQL-named-graph):
# past http.client's cap of 100 headers, a dataset of ~50 graphs would make every answer unreadable.
MAX_HEADERS = 100_000
http.client._MAXHEADERS = max(http.client._MAXHEADERS, MAX_HEADERS)  # type: ignore[attr-defined]
# A kept-alive connection the store closed in the meantime fails like this on first use: retried once, fresh.
STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, http.client.CannotSendRequest)


class StoreDown(EngineError):
    """The store cannot be reached (refused, reset, timed out before the deadline): HTTP 503."""


class StoreFailed(EngineError):
    """The store answered with a server error or an answer that cannot be read: HTTP 502."""


class StoreRefused(EngineError):
    """The store refused a query govkg's own parser accepted (HTTP 4xx from the store): HTTP 400."""


def store_url(url: str) -> str:
    """The URL if it is an http(s) URL with a host and no credentials; EngineError saying why not."""
    parts = urlsplit(url)
    if parts.scheme not in CLASSES or not parts.hostname:
        raise EngineError(f"not a store URL (http or https, with a host): {url[:200]!r}")
    if "@" in parts.netloc:
        raise EngineError("a store URL must not hold credentials (give the password in GOVKG_PUSH_PASSWORD)")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise EngineError(f"bad port in the store URL {url[:200]!r}") from None
    return url


class Client:
    """POSTs to one URL, over up to KEPT idle connections kept alive between requests."""

    def __init__(self, url: str) -> None:
        self._idle: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        parts = urlsplit(store_url(url))
        self.url, self._host, self._port = url, str(parts.hostname), parts.port
        self._class = CLASSES[parts.scheme]
        self._target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    def post(self, form: list[tuple[str, str]] | str, accept: str, deadline: Deadline | None) -> Body:
        """POST a form, or its URL-encoded text (SPARQL 1.1 Protocol §2.1.2); the answer's body, to be read before
        the deadline."""
        body = (form if isinstance(form, str) else urlencode(form)).encode("utf-8")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": accept,
            "User-Agent": f"govkg/{__version__}",
        }
        for attempt in (0, 1):
            conn, reused = self._connection()
            try:
                _wait(conn, deadline)
                conn.request("POST", self._target, body, headers)
                sock = conn.sock  # getresponse() drops it from the connection when the store closes after answering
                return Body(self, conn, sock, conn.getresponse(), deadline)
            except STALE as error:
                conn.close()
                if not reused or attempt:
                    raise _failure(error, deadline) from None
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                raise _failure(error, deadline) from None
            except BaseException:
                conn.close()  # the deadline passed before sending: the connection is not left open
                raise
        raise StoreDown(f"the store at {self.url} is not answering")  # not reached: the loop returns or raises

    def close(self) -> None:
        """Close the idle connections."""
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    def __del__(self) -> None:
        self.close()  # an engine dropped without close(): its idle connections go with it

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection (reused: True) or a new one."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._class(self._host, self._port, timeout=CONNECT_TIMEOUT), False

    def _keep(self, conn: http.client.HTTPConnection) -> None:
        """Take back a connection whose answer was read whole."""
        with self._lock:
            if len(self._idle) < KEPT:
                self._idle.append(conn)
                return
        conn.close()


class Body(io.RawIOBase):
    """A store's answer: its status and media type, and a body read in chunks, each socket wait bounded by what is
    left of the deadline; the connection goes back to the client once the body has been read to its end."""

    def __init__(
        self,
        client: Client,
        conn: http.client.HTTPConnection,
        sock: socket.socket,
        response: http.client.HTTPResponse,
        deadline: Deadline | None,
    ) -> None:
        self.client, self.conn, self.sock, self.response, self.deadline = client, conn, sock, response, deadline
        self.status, self.media_type = response.status, (response.getheader("Content-Type") or "").split(";")[0]
        self.done = False
        self.error: EngineError | None = None  # why reading stopped (a parser reading this sees an I/O error)

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes (all that is left when negative); DeadlineExceeded once the deadline has passed."""
        if self.done:
            return b""
        try:
            if self.deadline is not None:
                self.deadline.check()
                self.sock.settimeout(max(self.deadline.remaining(), 0.001))
            data = self.response.read(size if size >= 0 else None) if size else b""
        except (OSError, http.client.HTTPException, EngineError) as error:
            self.close()
            self.error = error if isinstance(error, EngineError) else _failure(error, self.deadline)
            raise self.error from None
        if self.response.isclosed():
            self._finish()
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        """Read into a buffer (what parsers reading a file call)."""
        data = self.read(min(len(buffer), CHUNK))
        buffer[: len(data)] = data
        return len(data)

    def readable(self) -> bool:
        """A readable stream."""
        return True

    def text(self, limit: int = 300) -> str:
        """The start of the body as one line of text (for an error message), then the connection closed."""
        try:
            data = self.response.read(limit)
        except (OSError, http.client.HTTPException):
            data = b""
        self.close()
        return " ".join(data.decode("utf-8", "replace").split())[:limit]

    def close(self) -> None:
        """Stop reading: the connection is closed (an answer read part way cannot be reused)."""
        if not self.done:
            self.done = True
            self.conn.close()
            self.sock.close()
        super().close()

    def _finish(self) -> None:
        if not self.done:
            self.done = True
            self.client._keep(self.conn)

    def __enter__(self) -> Body:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _wait(conn: http.client.HTTPConnection, deadline: Deadline | None) -> None:
    """Connect if needed (within CONNECT_TIMEOUT), then bound the connection's next socket waits by what is left of
    the deadline; DeadlineExceeded if nothing is."""
    if deadline is not None:
        deadline.check()
    seconds = UNBOUNDED if deadline is None else max(deadline.remaining(), 0.001)
    if conn.sock is None:
        conn.timeout = min(seconds, CONNECT_TIMEOUT)
        conn.connect()
    conn.sock.settimeout(seconds)


def _failure(error: BaseException, deadline: Deadline | None) -> EngineError:
    """The error to raise for a network failure: the deadline's when it has passed, else the store is down."""
    if deadline is not None and (deadline.cancelled or deadline.remaining() <= 0):
        return DeadlineExceeded(f"query exceeded the {deadline.stated or deadline.seconds:g} s deadline")
    reason = REASONS.get(type(error)) or ("timed out" if isinstance(error, socket.timeout) else "network error")
    return StoreDown(f"the store is unavailable ({reason}); try again later")


REASONS: dict[type[BaseException], str] = {
    ConnectionRefusedError: "connection refused",
    ConnectionResetError: "connection reset",
    http.client.RemoteDisconnected: "it closed the connection without an answer",
    TimeoutError: "timed out",
    socket.gaierror: "its host name does not resolve",
}
