"""A strict SPARQL 1.1 Protocol client: a SELECT to a remote endpoint, its JSON results as rdflib terms.

Strict because govkg sends these queries on behalf of anyone who can reach its endpoint, so they must not
become a way into the server's own network (docs/security.md, items 2-4 and 16). Only http and https. An IP
literal host gets a connection to exactly that address; a host name is resolved once, every address it
resolves to must be public, and the connection goes to a checked address, so DNS rebinding cannot swap
in another one (HTTPS still checks the certificate against the name, with SNI). Redirects are not
followed. Connecting, then sending and reading, each have a time limit, never past the caller's deadline
(a stalled or trickling peer is cut off), and at most `max_bytes` are read. Errors are one line that never
repeats the remote's body or headers.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, quote, urlencode, urlsplit

from rdflib.term import Node

from govkg import __version__
from govkg.federation.errors import RemoteError, TooLarge
from govkg.federation.results import parse_results

__all__ = ["USER_AGENT", "Limits", "is_public", "post", "results", "select"]

# Wikimedia's User-Agent policy asks for a name, a version and a way to reach the operator.
USER_AGENT = f"govkg/{__version__} (+https://w3id.org/govkg/)"
RESULTS_JSON = "application/sparql-results+json"
JSON_TYPES = frozenset({RESULTS_JSON, "application/json"})
PORTS = {"http": 80, "https": 443}
ASCII = "".join(chr(c) for c in range(0x21, 0x7F))  # kept as they are in a request target; others %-encoded


@dataclass(frozen=True)
class Limits:
    """How long to wait for a remote endpoint (seconds) and how much of its answer to read (bytes)."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_bytes: int = 16_000_000


def select(
    endpoint: str,
    query: str,
    limits: Limits,
    *,
    deadline: float | None = None,
) -> tuple[list[str], list[dict[str, Node]]]:
    """POST a SELECT query to `endpoint` (SPARQL 1.1 Protocol §2.1.2) and return its variables and rows.

    `deadline` is a time.monotonic() value no wait may pass; RemoteError on any failure."""
    return results(endpoint, post(endpoint, query, limits, deadline=deadline))


def post(endpoint: str, query: str, limits: Limits, *, deadline: float | None = None) -> bytes:
    """The body of the endpoint's SPARQL JSON answer to a SELECT query, not yet parsed (as `select`)."""
    try:
        target = _target(endpoint)
        connected_by = time.monotonic() + _seconds(limits.connect_timeout, deadline)  # name lookup included
        sock = _connect(target, _addresses(target, connected_by), connected_by)
        return _exchange(sock, target, query, limits, _seconds(limits.read_timeout, deadline))
    except RemoteError as error:
        raise type(error)(f"SERVICE {endpoint[:200]}: {error}") from None


def results(endpoint: str, body: bytes) -> tuple[list[str], list[dict[str, Node]]]:
    """The variables and rows of an answer `post` read from `endpoint`; RemoteError naming it if malformed."""
    try:
        return parse_results(body)
    except RemoteError as error:
        raise RemoteError(f"SERVICE {endpoint[:200]}: {error}") from None


def _seconds(limit: float, deadline: float | None) -> float:
    """A wait of at most `limit` seconds that ends no later than the deadline."""
    left = limit if deadline is None else min(limit, deadline - time.monotonic())
    if left <= 0:
        raise RemoteError("no time left before the query's deadline")
    return left


def _target(endpoint: str) -> SplitResult:
    """The endpoint's parts: http or https, a host, no user name or password."""
    parts = urlsplit(endpoint)
    if parts.scheme not in PORTS or not parts.hostname or "@" in parts.netloc:
        raise RemoteError("only http and https endpoints without credentials are called")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise RemoteError("bad port") from None
    return parts


def _addresses(target: SplitResult, until: float) -> list[str]:
    """Where to connect: an IP literal as given; a name's addresses if every one of them is public."""
    host = str(target.hostname)
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    found = [str(info[4][0]) for info in _resolve(host, target.port or PORTS[target.scheme], until)]
    if not found or not all(is_public(address) for address in found):
        raise RemoteError("the host name resolves to a loopback, private or reserved address")
    return found


def is_public(address: str) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged as the IPv4 inside)."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int, until: float) -> list[Any]:
    """getaddrinfo by `until` (it has no timeout of its own, so it runs on a daemon thread)."""
    found: list[Any] = []

    def lookup() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as error:
            found.append(error)

    worker = threading.Thread(target=lookup, name="govkg-resolve", daemon=True)
    worker.start()
    worker.join(max(until - time.monotonic(), 0))
    if not found:
        raise RemoteError("name resolution timed out")
    if isinstance(found[0], BaseException):
        raise RemoteError("the host name does not resolve")
    return list(found[0])


def _connect(target: SplitResult, addresses: list[str], until: float) -> socket.socket:
    """A connection to the first checked address that answers by `until`; TLS verified against the host name."""
    failure = "no address"
    for address in addresses:
        try:
            sock = socket.create_connection(
                (address, target.port or PORTS[target.scheme]), timeout=max(until - time.monotonic(), 0.001)
            )
        except OSError as error:
            failure = _reason(error)
            continue
        if target.scheme == "http":
            return sock
        try:
            return ssl.create_default_context().wrap_socket(sock, server_hostname=target.hostname)
        except (OSError, ValueError) as error:
            sock.close()
            failure = _reason(error)
    raise RemoteError(f"cannot connect: {failure}")


def _reason(error: BaseException) -> str:
    """A short, fixed description of a network failure (never its text, which may name local things)."""
    for kind, reason in FAILURES:
        if isinstance(error, kind):
            return reason
    return type(error).__name__


FAILURES: tuple[tuple[type[BaseException], str], ...] = (
    (ssl.SSLCertVerificationError, "the TLS certificate is not valid for this host"),
    (ssl.SSLError, "TLS failed"),
    (TimeoutError, "timed out"),
    (ConnectionRefusedError, "connection refused"),
    (http.client.RemoteDisconnected, "closed the connection without an answer"),
    (ConnectionResetError, "connection reset"),
    (http.client.HTTPException, "not an HTTP answer"),
    (ValueError, "the endpoint IRI cannot be sent as it is"),
    (OSError, "network error"),
)


def _exchange(sock: socket.socket, target: SplitResult, query: str, limits: Limits, seconds: float) -> bytes:
    """Send the request and read the answer within `seconds` in all, cutting off a peer that trickles."""
    cut = threading.Event()
    stop = threading.Timer(seconds, _cut, (sock, cut))
    stop.daemon = True
    sock.settimeout(seconds)
    stop.start()
    try:
        body, failure = _request(sock, target, query, limits.max_bytes), None
    except (OSError, http.client.HTTPException, RemoteError, ValueError) as error:  # ValueError: http.client's
        body, failure = b"", error
    finally:
        stop.cancel()
        sock.close()
    if cut.is_set() or isinstance(failure, TimeoutError):
        raise RemoteError(f"no complete answer within {seconds:.3g} s")
    if failure is not None:
        raise failure if isinstance(failure, RemoteError) else RemoteError(_reason(failure))
    return body


def _cut(sock: socket.socket, cut: threading.Event) -> None:
    """Shut a connection down from the timer thread, which wakes a read blocked on it."""
    cut.set()
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: an SSLSocket's would drop its state


def _request(sock: socket.socket, target: SplitResult, query: str, max_bytes: int) -> bytes:
    """One POST (form-encoded query, §2.1.2) on an open connection; the body of a 200 JSON answer."""
    connection = http.client.HTTPConnection(str(target.hostname), target.port)
    connection.sock = sock  # connected above to a checked address: http.client must not look the name up again
    path = quote((target.path or "/") + (f"?{target.query}" if target.query else ""), safe=ASCII)  # RFC 3987 §3.1
    try:
        connection.request(
            "POST",
            path,
            urlencode({"query": query}).encode("utf-8"),
            {
                "Host": target.netloc,
                "Accept": RESULTS_JSON,
                "User-Agent": USER_AGENT,
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        with contextlib.closing(connection.getresponse()) as response:
            return _body(response, max_bytes)
    finally:
        connection.close()


def _body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The body of a 200 answer in SPARQL JSON results, at most `max_bytes` long; RemoteError otherwise."""
    if response.status != 200:
        moved = " (redirects are not followed)" if 300 <= response.status < 400 else ""
        raise RemoteError(f"answered HTTP {response.status}{moved}")
    media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if media_type not in JSON_TYPES:
        raise RemoteError(f"answered {media_type[:60] or 'no media type'}, not {RESULTS_JSON}")
    body = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise TooLarge(f"the answer is larger than {max_bytes} bytes")
    return body
