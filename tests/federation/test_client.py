"""The remote SPARQL client against real loopback peers: results, redirects, stalls, size, names, TLS, errors."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from govkg.federation import Limits, RemoteError
from govkg.federation import client as remote

QUERY = "SELECT * WHERE { ?s ?p ?o }"
SECRET = "SECRET-7f3a"  # planted in bodies and headers: no error line may repeat it

Behaviour = Callable[[socket.socket, bytes], None]


class Peer(socketserver.ThreadingTCPServer):
    """An HTTP peer on 127.0.0.1 that counts connections, keeps requests and answers with `behaviour`."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, behaviour: Behaviour, context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.behaviour, self.context = behaviour, context
        self.connections, self.requests = 0, list[bytes]()
        threading.Thread(target=self.serve_forever, args=(0.02,), daemon=True).start()

    def url(self, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.server_address[1]}/query"


class Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        peer: Peer = self.server  # type: ignore[assignment]
        peer.connections += 1
        with contextlib.suppress(OSError):  # the client went away (or refused our certificate): tests want that
            sock = peer.context.wrap_socket(self.request, server_side=True) if peer.context else self.request
            with sock:
                request = read_request(sock)
                peer.requests.append(request)
                peer.behaviour(sock, request)


def read_request(sock: socket.socket) -> bytes:
    """One HTTP request: head, then Content-Length bytes of body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    sizes = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    length = sizes[0] if sizes else 0
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def answer(status: str, body: bytes, media_type: str = remote.RESULTS_JSON, extra: str = "") -> Behaviour:
    def send(sock: socket.socket, _: bytes) -> None:
        sock.sendall(
            f"HTTP/1.1 {status}\r\nContent-Type: {media_type}\r\nContent-Length: {len(body)}\r\n{extra}"
            f"Connection: close\r\n\r\n".encode()
            + body
        )

    return send


@pytest.fixture
def peers() -> Iterator[Callable[..., Peer]]:
    """A factory of loopback peers, all stopped after the test."""
    started: list[Peer] = []

    def start(behaviour: Behaviour, context: ssl.SSLContext | None = None) -> Peer:
        started.append(Peer(behaviour, context))
        return started[-1]

    yield start
    for peer in started:
        peer.shutdown()
        peer.server_close()


def results(rows: list[dict]) -> bytes:
    return json.dumps({"head": {"vars": ["s", "o"]}, "results": {"bindings": rows}}).encode()


def test_select_sends_the_protocol_request_and_reads_terms(peers) -> None:
    rows = [
        {
            "s": {"type": "uri", "value": "http://www.wikidata.org/entity/Q142"},
            "o": {"type": "literal", "value": "France", "xml:lang": "fr"},
        },
        {"s": {"type": "bnode", "value": "b0"}, "o": {"type": "literal", "value": "68", "datatype": str(XSD.integer)}},
        {
            "s": {"type": "bnode", "value": "b0"},
            "o": {"type": "typed-literal", "value": "x", "datatype": str(XSD.string)},
        },
        {"s": {"type": "uri", "value": "http://example.org/a"}},
    ]
    peer = peers(answer("200 OK", results(rows), "application/sparql-results+json; charset=utf-8"))
    names, got = remote.select(peer.url(), QUERY, Limits())
    assert names == ["s", "o"]
    assert got[0] == {"s": URIRef("http://www.wikidata.org/entity/Q142"), "o": Literal("France", lang="fr")}
    assert got[1]["o"] == Literal("68", datatype=XSD.integer) and got[2]["o"] == Literal("x", datatype=XSD.string)
    assert (
        isinstance(got[1]["s"], BNode)
        and got[1]["s"] == got[2]["s"]
        and got[3] == {"s": URIRef("http://example.org/a")}
    )
    head, _, body = peer.requests[0].partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /query HTTP/1.1"
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert headers["accept"] == "application/sparql-results+json"
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["user-agent"].startswith("govkg/") and "(+https://w3id.org/govkg/)" in headers["user-agent"]
    assert headers["host"] == f"127.0.0.1:{peer.server_address[1]}"
    assert parse_qs(body.decode()) == {"query": [QUERY]}


def test_blank_nodes_are_fresh_in_every_answer(peers) -> None:
    peer = peers(answer("200 OK", results([{"s": {"type": "bnode", "value": "b0"}}])))
    first = remote.select(peer.url(), QUERY, Limits())[1][0]["s"]
    second = remote.select(peer.url(), QUERY, Limits())[1][0]["s"]
    assert first != second and first != BNode("b0")


def test_a_redirect_is_an_error_and_its_target_is_never_contacted(peers) -> None:
    target = peers(answer("200 OK", results([])))
    moved = peers(answer("302 Found", b"", "text/plain", f"Location: {target.url()}\r\n"))
    with pytest.raises(RemoteError, match="answered HTTP 302 \\(redirects are not followed\\)"):
        remote.select(moved.url(), QUERY, Limits())
    assert moved.connections == 1 and target.connections == 0


def stall(sock: socket.socket, _: bytes) -> None:
    """Answer nothing; return once the client hangs up."""
    sock.recv(1)


@pytest.mark.alone
def test_a_peer_that_never_answers_is_an_error_within_the_read_timeout(peers) -> None:
    peer = peers(stall)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="no complete answer within 1 s"):
        remote.select(peer.url(), QUERY, Limits(read_timeout=1))
    assert 0.9 <= time.monotonic() - started < 3


@pytest.mark.alone
def test_a_trickling_peer_is_cut_off_at_the_read_timeout(peers) -> None:
    def trickle(sock: socket.socket, _: bytes) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 1000:
            sock.sendall(bytes([byte]))
            time.sleep(0.05)

    peer = peers(trickle)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="no complete answer within 1 s"):
        remote.select(peer.url(), QUERY, Limits(read_timeout=1))
    assert time.monotonic() - started < 3


@pytest.mark.alone
def test_the_deadline_bounds_every_wait(peers) -> None:
    peer = peers(stall)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="no complete answer"):
        remote.select(peer.url(), QUERY, Limits(read_timeout=20), deadline=time.monotonic() + 0.5)
    assert time.monotonic() - started < 2
    before = peer.connections
    with pytest.raises(RemoteError, match="no time left before the query's deadline"):
        remote.select(peer.url(), QUERY, Limits(), deadline=time.monotonic() - 1)
    assert peer.connections == before


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "until-close"])
def test_an_answer_larger_than_max_bytes_is_an_error(peers, length: bool) -> None:
    body = results([{"s": {"type": "literal", "value": "x" * 5000}}])

    def send(sock: socket.socket, _: bytes) -> None:
        size = f"Content-Length: {len(body)}\r\n" if length else ""
        sock.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: {remote.RESULTS_JSON}\r\n{size}Connection: close\r\n\r\n".encode() + body
        )

    peer = peers(send)
    with pytest.raises(RemoteError, match="larger than 1000 bytes"):
        remote.select(peer.url(), QUERY, Limits(max_bytes=1000))
    assert len(remote.select(peer.url(), QUERY, Limits(max_bytes=len(body)))[1]) == 1


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (
            answer("500 Internal Server Error", SECRET.encode(), "text/plain", f"X-Debug: {SECRET}\r\n"),
            "answered HTTP 500",
        ),
        (answer("200 OK", f"<html>{SECRET}</html>".encode(), "text/html"), "answered text/html"),
        (answer("200 OK", f'{{"head": "{SECRET}"}}'.encode()), "not SPARQL 1.1 JSON results"),
        (answer("200 OK", results([{"s": {"type": "uri", "value": f"http://x/{SECRET} >"}}])), "not SPARQL 1.1 JSON"),
        (answer("200 OK", results([{"s": {"type": "triple", "value": SECRET}}])), "not SPARQL 1.1 JSON results"),
        (
            answer("200 OK", results([{"s": {"type": "literal", "value": "x", "xml:lang": f"{SECRET} x"}}])),
            "not SPARQL",
        ),
        (answer("200 OK", b"[" * 100_000), "not SPARQL 1.1 JSON results"),
        (lambda sock, _: sock.sendall(f"{SECRET}\r\n\r\n".encode()), "not an HTTP answer"),
        (lambda sock, _: None, "closed the connection without an answer"),
    ],
)
def test_errors_are_one_line_and_never_echo_the_remote(peers, behaviour: Behaviour, message: str) -> None:
    peer = peers(behaviour)
    with pytest.raises(RemoteError) as caught:
        remote.select(peer.url(), QUERY, Limits())
    text = str(caught.value)
    assert message in text and SECRET not in text and "\n" not in text
    assert text.startswith(f"SERVICE {peer.url()}: ")


@pytest.mark.parametrize("host", ["localhost", "localhost.", "2130706433", "0x7f000001", "127.1"])
def test_a_name_for_loopback_is_refused_before_connecting(peers, host: str) -> None:
    peer = peers(answer("200 OK", results([])))
    with pytest.raises(RemoteError, match=r"resolves to a loopback|does not resolve"):
        remote.select(peer.url(host), QUERY, Limits())
    assert peer.connections == 0


@pytest.mark.parametrize(
    "endpoint",
    [
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
        "gopher://127.0.0.1:70/",
        "jar:http://127.0.0.1/x!/",
        "http://user:pw@127.0.0.1:{port}/query",
        "http://127.0.0.1:99999/",
    ],
)
def test_only_http_and_https_without_credentials(peers, endpoint: str) -> None:
    peer = peers(answer("200 OK", results([])))
    with pytest.raises(RemoteError):
        remote.select(endpoint.format(port=peer.server_address[1]), QUERY, Limits())
    assert peer.connections == 0


def test_a_closed_port_is_an_error(peers) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RemoteError, match="cannot connect: connection refused"):
        remote.select(f"http://127.0.0.1:{port}/query", QUERY, Limits())


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1%1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert remote.is_public(address) is public


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with the openssl command)."""
    if not shutil.which("openssl"):
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_https_checks_the_certificate_against_the_host(peers, certificate, monkeypatch: pytest.MonkeyPatch) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    peer = peers(answer("200 OK", results([{"s": {"type": "uri", "value": "http://x/"}}])), context)
    with pytest.raises(RemoteError, match="TLS certificate is not valid"):
        remote.select(peer.url(scheme="https"), QUERY, Limits())
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # now trusted: the same request succeeds
    assert remote.select(peer.url(scheme="https"), QUERY, Limits())[1] == [{"s": URIRef("http://x/")}]
