"""curl, Python requests and Node's fetch against a live `govkg serve` on 127.0.0.1: every answer kind in each
format, asked for each way, plus agreeing and refused format= values, errors, updates and CORS; each request is a
cell of the client matrix (client_kit.py)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from client_checks import (
    GRAPH_KINDS,
    ORIGIN,
    RESULT_KINDS,
    Call,
    call,
    check_answer,
    check_body,
    fetch_cases,
    grid,
    media,
    one_line_error,
)
from client_kit import READ_ONLY, Expected, cell, need, queries_for, unavailable
from client_kit import expected_answers as expected_answers  # the fixture `expected`
from client_kit import matrix as matrix  # autouse fixture: the matrix is printed
from rdflib import URIRef

from conftest import LiveServer

pytestmark = pytest.mark.xdist_group("clients")  # one worker fills the client matrix (tests/parallel.py)

FETCH = Path(__file__).with_name("clients") / "fetch.mjs"

# --- curl -----------------------------------------------------------------------------------------


def curl_command(live: LiveServer, request: Call, out: Path) -> tuple[list[str], str | None]:
    """The curl command line sending `request` (the body on standard input), and that input."""
    command = [
        need("curl"),
        "--silent",
        "--show-error",
        "--noproxy",
        "*",
        "--output",
        str(out),
        "--write-out",
        "%{http_code}\n%{content_type}",
    ]
    for name, value in request.headers:
        command += ["--header", f"{name}: {value}"]
    pairs = request.params or request.form
    if request.method == "GET":
        command.append("--get")
    for name, value in pairs:
        command += ["--data-urlencode", f"{name}={value}"]
    if request.body is not None:
        command += ["--data-binary", "@-"]
    return [*command, live.url + "/sparql"], request.body


def curl(live: LiveServer, request: Call, out: Path) -> tuple[int, str, bytes]:
    """Send `request` with curl: (status, Content-Type, body)."""
    command, stdin = curl_command(live, request, out)
    done = subprocess.run(command, input=(stdin or "").encode("utf-8"), capture_output=True, timeout=30, check=True)
    status, _, content_type = done.stdout.decode().partition("\n")
    return int(status), content_type, out.read_bytes()


@pytest.mark.parametrize(("kind", "fmt", "way"), grid())
def test_curl(live: LiveServer, expected: Expected, tmp_path: Path, kind: str, fmt: str, way: str) -> None:
    """curl gets every answer kind in each format, by Accept or format=, with GET or either POST."""
    with cell("curl", kind, fmt, way) as entry:
        status, content_type, body = curl(live, call(way, expected.queries[kind], fmt), tmp_path / "answer")
        entry.responses.append(status)
        check_answer(expected, kind, fmt, status, content_type, body)


# --- Python requests ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    """A requests session that ignores proxy settings (everything here is on 127.0.0.1)."""
    with requests.Session() as s:
        s.trust_env = False
        yield s


def send(session: requests.Session, live: LiveServer, request: Call) -> requests.Response:
    """Send `request` with requests."""
    data = request.form or (request.body.encode("utf-8") if request.body is not None else None)
    return session.request(
        request.method,
        live.url + "/sparql",
        params=list(request.params),
        data=data,
        headers=dict(request.headers),
        timeout=30,
    )


@pytest.mark.parametrize(("kind", "fmt", "way"), grid())
def test_requests(
    live: LiveServer, expected: Expected, session: requests.Session, kind: str, fmt: str, way: str
) -> None:
    """requests gets every answer kind in each format, by Accept or format=, with GET or either POST."""
    with cell("requests", kind, fmt, way) as entry:
        response = send(session, live, call(way, expected.queries[kind], fmt))
        entry.responses.append(response.status_code)
        check_answer(expected, kind, fmt, response.status_code, response.headers.get("Content-Type"), response.content)


# Several format= values that agree (as SPARQLWrapper and others send them), with the media type they must give.
AGREEING = [
    ("SELECT", (("format", "tsv"), ("format", "text/tab-separated-values")), None, "text/tab-separated-values"),
    ("SELECT", (("format", "json"), ("output", "json"), ("results", "json")), None, "application/sparql-results+json"),
    ("SELECT", (("format", "application/json"),), None, "application/json"),
    ("SELECT", (("format", "json"),), "text/csv", "application/sparql-results+json"),
    ("ASK", (("output", "xml"), ("results", "application/sparql-results+xml")), None, "application/sparql-results+xml"),
    (
        "CONSTRUCT",
        (("format", "json-ld"), ("output", "application/ld+json"), ("results", "jsonld")),
        None,
        "application/ld+json",
    ),
    ("CONSTRUCT", (("format", "rdf+xml"), ("format", "application/rdf+xml")), None, "application/rdf+xml"),
    ("CONSTRUCT", (("format", "n3"), ("output", "nt")), None, "application/n-triples"),
    ("CONSTRUCT", (("format", "n3"),), "application/n-triples", "application/n-triples"),
    ("DESCRIBE", (("format", "xml"), ("output", "rdf")), None, "application/rdf+xml"),
    # SPARQLWrapper's JSON-LD request: its whole Accept header as the second value.
    (
        "DESCRIBE",
        (("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")),
        None,
        "application/ld+json",
    ),
]


@pytest.mark.parametrize(
    ("kind", "values", "accept", "media_type"),
    AGREEING,
    ids=[f"{k}-{'&'.join(f'{n}={v}' for n, v in vs)}" for k, vs, _, _ in AGREEING],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_requests_agreeing_format_values(
    live: LiveServer,
    expected: Expected,
    session: requests.Session,
    method: str,
    kind: str,
    values: tuple[tuple[str, str], ...],
    accept: str | None,
    media_type: str,
) -> None:
    """Several format= values that agree are answered in the format they name (Accept choosing among them; a media
    type sent as a value is answered as such), from the URL of a GET or the form of a POST."""
    pairs = (("query", expected.queries[kind]), *values)
    headers = (("Accept", accept),) if accept else ()
    request = (
        Call(method, params=pairs, headers=headers) if method == "GET" else Call(method, form=pairs, headers=headers)
    )
    label = "&".join(f"{name}={value}" for name, value in values) + (f" Accept:{accept}" if accept else "")
    with cell("requests", f"{kind} agreeing", label, method) as entry:
        response = send(session, live, request)
        entry.responses.append(response.status_code)
        assert response.status_code == 200, response.text[:300]
        assert media(response.headers["Content-Type"]) == media_type
        check_body(expected, kind, media_type, response.content)


def test_requests_format_in_the_url_of_a_post(live: LiveServer, expected: Expected, session: requests.Session) -> None:
    """A POSTed form query with its format= in the URL gets that format."""
    with cell("requests", "SELECT", "csv (format= in URL)", "POST form") as entry:
        response = session.post(
            live.url + "/sparql", params={"format": "csv"}, data={"query": expected.queries["SELECT"]}, timeout=30
        )
        entry.responses.append(response.status_code)
        check_answer(
            expected, "SELECT", "csv", response.status_code, response.headers["Content-Type"], response.content
        )


REFUSED = [
    ("CONSTRUCT", (("format", "csv"),), None, "does not suit"),
    ("SELECT", (("format", "turtle"),), None, "does not suit"),
    ("ASK", (("output", "application/ld+json"),), None, "does not suit"),
    ("SELECT", (), "text/turtle", "no acceptable representation"),
    ("SELECT", (("format", "json"), ("format", "xml")), None, "do not agree"),
    ("CONSTRUCT", (("format", "turtle"), ("output", "json-ld")), None, "do not agree"),
    ("DESCRIBE", (("format", "nt"), ("results", "application/rdf+xml")), None, "do not agree"),
]


@pytest.mark.parametrize(
    ("kind", "values", "accept", "reason"),
    REFUSED,
    ids=[f"{k}-{'&'.join(f'{n}={v}' for n, v in vs) or a}" for k, vs, a, _ in REFUSED],
)
def test_requests_406(
    live: LiveServer,
    expected: Expected,
    session: requests.Session,
    kind: str,
    values: tuple[tuple[str, str], ...],
    accept: str | None,
    reason: str,
) -> None:
    """A format that does not suit the answer, values that disagree, or an Accept nothing meets: a one-line 406."""
    label = "&".join(f"{name}={value}" for name, value in values) or f"Accept:{accept}"
    with cell("requests", f"{kind} refused", label, "GET") as entry:
        response = session.get(
            live.url + "/sparql",
            params=[("query", expected.queries[kind]), *values],
            headers={"Accept": accept} if accept else {},
            timeout=30,
        )
        entry.responses.append(response.status_code)
        text = one_line_error(response.status_code, response.headers.get("Content-Type"), response.content, 406)
        assert reason in text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_requests_400_is_one_line(live: LiveServer, session: requests.Session, method: str) -> None:
    """A query that does not parse gets a 400 whose text is one line."""
    with cell("requests", "errors", "syntax error", method) as entry:
        query = {"query": "SELECT"}
        response = session.request(
            method,
            live.url + "/sparql",
            params=query if method == "GET" else None,
            data=query if method == "POST" else None,
            timeout=30,
        )
        entry.responses.append(response.status_code)
        assert "syntax error" in one_line_error(
            response.status_code, response.headers.get("Content-Type"), response.content, 400
        )


@pytest.mark.parametrize(
    ("label", "data", "content_type"),
    [
        (
            "update= form",
            b"update=INSERT+DATA+%7B%3Curn%3Ax%3As%3E+%3Curn%3Ax%3Ap%3E+%3Curn%3Ax%3Ao%3E%7D",
            "application/x-www-form-urlencoded",
        ),
        ("sparql-update body", b"INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }", "application/sparql-update"),
    ],
)
def test_requests_update_is_refused(
    live: LiveServer, session: requests.Session, label: str, data: bytes, content_type: str
) -> None:
    """An update, as a form or as a body, gets the one-line 403 refusal."""
    with cell("requests", "UPDATE", label, "POST") as entry:
        response = session.post(live.url + "/sparql", data=data, headers={"Content-Type": content_type}, timeout=30)
        entry.responses.append(response.status_code)
        assert READ_ONLY in one_line_error(
            response.status_code, response.headers.get("Content-Type"), response.content, 403
        )


# --- Node.js fetch --------------------------------------------------------------------------------

CASE_IDS = [f"{c.kind}-{c.fmt}-{c.way}".replace(" ", "_") for c in fetch_cases(queries_for(URIRef("urn:x")))]


@pytest.fixture(scope="module")
def fetched(live: LiveServer, expected: Expected) -> list[dict[str, Any]]:
    """Every fetch case sent by one Node process: its answers, in order."""
    node = need("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    if int(version.strip().lstrip("v").split(".")[0]) < 18:
        unavailable(f"node {version.strip()} has no global fetch (it needs Node 18 or later)")
    cases = [c.as_json() for c in fetch_cases(expected.queries)]
    done = subprocess.run(
        [node, str(FETCH), live.url + "/sparql"], input=json.dumps(cases), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    assert len(answers) == len(cases)
    return answers


def check_cors(headers: dict[str, str], preflight: bool) -> None:
    """The CORS headers a browser needs to hand the answer to the page (for a preflight: to send the POST)."""
    assert headers.get("access-control-allow-origin") in ("*", ORIGIN), headers
    if preflight:
        assert "POST" in headers.get("access-control-allow-methods", ""), headers
        assert "content-type" in headers.get("access-control-allow-headers", "").lower(), headers


@pytest.mark.parametrize("index", range(len(CASE_IDS)), ids=CASE_IDS)
def test_node_fetch(expected: Expected, fetched: list[dict[str, Any]], index: int) -> None:
    """Node's fetch (a JavaScript client) gets each answer, with the CORS headers a browser page needs."""
    case, answer = fetch_cases(expected.queries)[index], fetched[index]
    with cell("node fetch", case.kind, case.fmt, case.way) as entry:
        assert "error" not in answer, answer.get("error")
        entry.responses.append(answer["status"])
        body = answer["body"].encode("utf-8")
        if case.kind in (*RESULT_KINDS, *GRAPH_KINDS):
            check_answer(expected, case.kind, case.fmt, answer["status"], answer["contentType"], body)
        elif case.status != 200:
            one_line_error(answer["status"], answer["contentType"], body, case.status)
        else:
            assert answer["status"] in (200, 204), answer
        check_cors(answer["headers"], case.way == "OPTIONS")
