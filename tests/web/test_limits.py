"""Limits: each breach is its own 4xx (or 503) with a one-line reason, never a 500, a hang or a crash; absolute
URLs never come from an unchecked Host header; every term kind renders in every format or gets a 406."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_errors import one_line

from conftest import LiveServer, start_server
from govkg.cli.serve import SERVERS
from govkg.web import create_app
from govkg.web.conneg import OFFERS

SELECT_11 = "SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 6 7 8 9 10 11 } }"
CONSTRUCT_11 = "CONSTRUCT { <urn:x:s> <urn:x:p> ?n } WHERE { VALUES ?n { 1 2 3 4 5 6 7 8 9 10 11 } }"
TRIPLE_TERM = "<<( <urn:x:s> <urn:x:p> <urn:x:o> )>>"
_apps: dict[tuple[Any, ...], Flask] = {}


def app_with(built: Path, engine: str, **config: Any) -> Flask:
    """An app over the built dataset with extra settings (made once per settings)."""
    key = (engine, *sorted(config.items()))
    if key not in _apps:
        _apps[key] = create_app({"DATASET": str(built), "ENGINE": engine, "TESTING": True, **config})
    return _apps[key]


@pytest.fixture(params=["oxigraph", "rdflib"])
def capped(request: pytest.FixtureRequest, built: Path) -> FlaskClient:
    """A client of an app that gives at most 10 rows and 4,000 bytes per answer."""
    return app_with(built, request.param, MAX_RESULT_ROWS=10, MAX_RESULT_BYTES=4000).test_client()


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_more_rows_than_the_limit_is_a_422_in_every_results_format(capped: FlaskClient, fmt: str) -> None:
    response = capped.get("/sparql", query_string={"query": SELECT_11, "format": fmt})
    assert "more than this endpoint's limit of 10 rows" in one_line(response, 422)
    under = capped.get("/sparql", query_string={"query": SELECT_11.replace(" 11 }", " }"), "format": fmt})
    assert under.status_code == 200


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld", "rdfxml", "trig"])
def test_more_triples_than_the_limit_is_a_422_in_every_rdf_format(capped: FlaskClient, fmt: str) -> None:
    response = capped.get("/sparql", query_string={"query": CONSTRUCT_11, "format": fmt})
    assert "limit of 10 rows" in one_line(response, 422)
    assert (
        capped.get("/sparql", query_string={"query": CONSTRUCT_11.replace(" 11 }", " }"), "format": fmt}).status_code
        == 200
    )


def test_more_bytes_than_the_limit_is_a_422(capped: FlaskClient) -> None:
    query = 'SELECT ?x WHERE { BIND("' + "x" * 5000 + '" AS ?x) }'
    response = capped.get("/sparql", query_string={"query": query, "format": "json"})
    assert "larger than this endpoint's limit of 4,000 bytes" in one_line(response, 422)


def test_the_limits_are_stated_in_the_service_description(capped: FlaskClient) -> None:
    text = capped.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "gk:maxResultRows 10" in text and "gk:maxResultBytes 4000" in text
    assert "gk:queryTimeout 30.0" in text and "gk:maxRequestBytes 1000000" in text


@pytest.mark.parametrize("kind", ["results", "graph"])
def test_a_triple_term_renders_in_every_format_or_is_refused_with_406(client: FlaskClient, kind: str) -> None:
    query = (
        f"SELECT ?t WHERE {{ BIND({TRIPLE_TERM} AS ?t) }}"
        if kind == "results"
        else f"CONSTRUCT {{ <urn:x:a> <urn:x:says> {TRIPLE_TERM} }} WHERE {{}}"
    )
    for _, name in OFFERS[kind]:
        response = client.get("/sparql", query_string={"query": query, "format": name})
        if response.status_code == 200:
            assert "urn:x:o" in response.get_data(as_text=True), name
        else:  # rdflib's parser has no triple terms (400); JSON-LD 1.1 cannot express one (406)
            assert response.status_code in (400, 406), (name, response.get_data(as_text=True))
            one_line(response, response.status_code)


def test_an_untrusted_host_is_refused(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Host": "evil.example"})
    assert "not trusted" in one_line(response, 400)


def test_a_public_url_replaces_the_host_in_every_absolute_link(built: Path) -> None:
    app = app_with(built, "oxigraph", PUBLIC_URL="https://kg.example.org/govkg/")
    client = app.test_client()
    pages = ["/sparql", "/.well-known/void", "/reconcile", "/sparql?format=ttl"]
    for page in pages:
        text = client.get(page, headers={"Host": "evil.example", "Accept": "text/turtle"}).get_data(as_text=True)
        assert "evil.example" not in text, page
        assert "https://kg.example.org/govkg/" in text, page


MODES = {"development": [], "production": ["--production"], "granian": ["--production", "--server", "granian"]}


@pytest.fixture(scope="module", params=sorted(MODES))
def live(request: pytest.FixtureRequest, built: Path) -> Iterator[LiveServer]:
    """A live server of each kind, at most two queries per client at once."""
    mode = MODES[request.param]
    server = start_server("--dataset", str(built), *mode, env={"GOVKG_MAX_CLIENT_QUERIES": "2"})
    yield server
    server.stop()


def raw(server: LiveServer, data: bytes, timeout: float = 30) -> bytes:
    """Send bytes on a fresh connection; everything the server answers until it closes. The sending side is
    closed after the request, except to granian, which takes that for a client gone (docs/reliability.md)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(data)
        with contextlib.suppress(OSError):  # the server may have closed already (it answers before reading all)
            if not granian(server):
                sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def granian(server: LiveServer) -> bool:
    """Whether the server is granian."""
    return "granian" in server.process.args  # type: ignore[operator]


def status_and_body(answer: bytes) -> tuple[int, str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")


def test_a_chunked_body_over_the_limit_is_a_413(live: LiveServer) -> None:
    body = b"query=" + b"x" * 1_500_000
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(body[i : i + 65536]), body[i : i + 65536]) for i in range(0, len(body), 65536)
    )
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks + b"0\r\n\r\n"
    )
    status, text = status_and_body(raw(live, request))
    assert status == 413 and text.count("\n") == 1 and "MAX_CONTENT_LENGTH" in text, text


@pytest.mark.parametrize("size", [40_000, 70_000, 300_000])
def test_a_long_request_target_is_a_one_line_414(live: LiveServer, size: int) -> None:
    """Past MAX_URI_LENGTH (32,768) the app answers; past 65,536 bytes of request line the development server's
    own refusal is one line too. The production server reads heads up to 1 MB, so the app answers there; the
    development server stops reading at 65,536 bytes and closes, so a client still sending may see a reset.
    granian's hyper refuses a target over 65,534 bytes itself, with its status line only."""
    request = b"GET /sparql?query=" + b"A" * size + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    try:
        status, text = status_and_body(raw(live, request))
    except OSError:  # reset, or not connected any more when the client stops sending
        assert size > 65_536 and "--production" not in live.process.args  # type: ignore[operator]
        return
    if size > 65_534 and granian(live):
        assert (status, text) == (414, "")
        return
    assert status == 414 and text.count("\n") == 1 and "<" not in text and "POST" in text, text


def test_too_many_queries_from_one_client_is_a_429(live: LiveServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a ?f }"
    request = (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\nAccept: text/csv\r\n"
        b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(slow), slow.encode())
    )
    with ThreadPoolExecutor(4) as pool:
        answers = [status_and_body(a) for a in pool.map(lambda _: raw(live, request), range(4))]
    statuses = sorted(status for status, _ in answers)
    assert statuses.count(200) >= 2 and 429 in statuses and set(statuses) <= {200, 429}, answers
    refused = [text for status, text in answers if status == 429]
    assert all("MAX_CLIENT_QUERIES" in text and text.count("\n") == 1 for text in refused)


@pytest.mark.alone
@pytest.mark.parametrize("kind", SERVERS)
def test_half_open_connections_hold_no_thread(built: Path, kind: str) -> None:
    """Slowloris: 40 connections that send half a request head (and trickle more) while the production server has
    4 request threads; a real request is still answered at once."""
    server = start_server("--dataset", str(built), "--production", "--server", kind, "--threads", "4")
    sockets = []
    try:
        for _ in range(40):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            sockets.append(sock)
        for sock in sockets:
            sock.sendall(b"a")
        started = time.monotonic()
        request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        status, _ = status_and_body(raw(server, request, timeout=10))
        assert status == 200 and time.monotonic() - started < 1
    finally:
        for sock in sockets:
            sock.close()
        server.stop()


STALLS = "granian hands a request to a thread before its body has come and never times a body out (docs/reliability.md)"


@pytest.mark.alone
@pytest.mark.parametrize(
    "kind", ["waitress", pytest.param("granian", marks=pytest.mark.xfail(strict=True, reason=STALLS))]
)
def test_stalled_bodies_hold_no_thread(built: Path, kind: str) -> None:
    """Six requests whose bodies never come while the production server has 4 request threads: a real request is
    still answered at once."""
    server = start_server("--dataset", str(built), "--production", "--server", kind, "--threads", "4")
    head = b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
    head += b"Content-Length: 99\r\n\r\n"
    sockets = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(6)]
    try:
        for sock in sockets:
            sock.sendall(head + b"ASK")
        time.sleep(0.5)
        started = time.monotonic()
        request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        status, _ = status_and_body(raw(server, request, timeout=3))
        assert status == 200 and time.monotonic() - started < 1
    finally:
        for sock in sockets:
            sock.close()
        server.stop()
