"""Checks of the answers SPARQL clients get (test_clients*.py), against those rdflib computes, and the grid of requests
the HTTP clients send: every answer kind in each of its formats, asked for by Accept or format=, with GET or POST
(for Node's fetch, as cases fetch.mjs reads, sent from a web page's origin)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest
from client_kit import Expected, own_triples, sorted_rows
from rdflib import Graph
from rdflib.compare import isomorphic
from rdflib.query import Result

# --- Checking answers -----------------------------------------------------------------------------

RESULT_KINDS, GRAPH_KINDS = ("SELECT", "ASK"), ("CONSTRUCT", "DESCRIBE")
RESULT_FORMATS, GRAPH_FORMATS = ("json", "xml", "csv", "tsv"), ("json-ld", "rdf+xml", "turtle", "n-triples", "n3")
# The media type a client puts in Accept for each format, and the short name it sends as format=.
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json-ld": "application/ld+json",
    "rdf+xml": "application/rdf+xml",
    "turtle": "text/turtle",
    "n-triples": "application/n-triples",
    "n3": "text/n3",
}
SHORT = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "json-ld": "jsonld",
    "rdf+xml": "rdfxml",
    "turtle": "ttl",
    "n-triples": "nt",
    "n3": "n3",
}
# The media types an answer asked for in each format may come in (N3 is answered in Turtle or N-Triples).
ANSWERS = {name: (media_type,) for name, media_type in MEDIA.items()}
ANSWERS["n3"] = ("text/turtle", "application/n-triples", "text/n3")
RESULT_PARSERS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_PARSERS = {
    "text/turtle": "turtle",
    "text/n3": "n3",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/json": "json-ld",
    "application/xml": "xml",
}


def formats_of(kind: str) -> tuple[str, ...]:
    """The formats an answer of this kind is asked for in."""
    return RESULT_FORMATS if kind in RESULT_KINDS else GRAPH_FORMATS


def media(content_type: str | None) -> str:
    """The media type of a Content-Type value, without parameters."""
    return (content_type or "").split(";")[0].strip().lower()


def csv_table(body: bytes) -> list[list[str]]:
    """A CSV results document as its header and sorted rows of strings."""
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    return [header, *sorted(rows)]


def boolean(body: bytes, parser: str) -> bool:
    """An ASK answer: a results document (JSON, XML), or the word true or false (CSV, TSV)."""
    if parser in ("csv", "tsv"):
        word = body.decode("utf-8").strip().splitlines()[-1].strip()
        assert word in ("true", "false"), f"not a boolean answer: {body[:200]!r}"
        return word == "true"
    return bool(Result.parse(io.BytesIO(body), format=parser).askAnswer)


def check_results(expected: Expected, kind: str, body: bytes, media_type: str) -> None:
    """The SELECT or ASK answer in `body` is rdflib's."""
    parser = RESULT_PARSERS[media_type]
    if kind == "ASK":
        assert boolean(body, parser) is expected.ask
    elif parser == "csv":
        strings = [["" if term is None else str(term) for term in row] for row in expected.rows]
        assert csv_table(body) == [expected.variables, *sorted(strings)]
    else:
        result = Result.parse(io.BytesIO(body), format=parser)
        assert [str(v) for v in result.vars or ()] == expected.variables
        assert sorted_rows(result) == expected.rows


def check_graph(expected: Expected, kind: str, graph: Graph) -> None:
    """A CONSTRUCT answer is isomorphic to rdflib's; a DESCRIBE answer holds the resource's own triples, no others."""
    if kind == "CONSTRUCT":
        assert isomorphic(graph, expected.construct), f"{len(graph)} triples, expected {len(expected.construct)}"
    else:
        assert own_triples(graph, expected.resource) == expected.own


def parse_graph(body: bytes, media_type: str) -> Graph:
    """An RDF document parsed by rdflib."""
    return Graph().parse(data=body, format=RDF_PARSERS[media_type])


def check_body(expected: Expected, kind: str, media_type: str, body: bytes) -> None:
    """The answer to the `kind` query, sent as `media_type`, is the expected one."""
    if kind in RESULT_KINDS:
        check_results(expected, kind, body, media_type)
    else:
        check_graph(expected, kind, parse_graph(body, media_type))


def check_answer(expected: Expected, kind: str, fmt: str, status: int, content_type: str | None, body: bytes) -> None:
    """A 200 answer in one of the media types `fmt` allows, holding the expected answer."""
    assert status == 200, f"HTTP {status}: {body[:300]!r}"
    assert media(content_type) in ANSWERS[fmt], f"asked for {fmt}, got {content_type}"
    check_body(expected, kind, media(content_type), body)


def one_line_error(status: int, content_type: str | None, body: bytes, expected_status: int) -> str:
    """The text of a govkg error answer, checked: the status, text/plain, one line starting with the status."""
    text = body.decode("utf-8")
    assert status == expected_status, f"HTTP {status}, expected {expected_status}: {text[:300]}"
    assert media(content_type) == "text/plain" and text.startswith(str(expected_status)), text[:300]
    assert "\n" not in text.strip(), f"not one line: {text[:300]}"
    return text


# --- Requests, as each client sends them ----------------------------------------------------------

# How a request carries the query and names the format.
WAYS = ("GET+Accept", "GET+format", "POST form", "POST query")


@dataclass(frozen=True)
class Call:
    """One HTTP request to /sparql: URL parameters, a form or raw body, headers."""

    method: str
    params: tuple[tuple[str, str], ...] = ()
    form: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


def call(way: str, query: str, fmt: str) -> Call:
    """The request sending `query` and asking for `fmt` in one of the WAYS."""
    if way == "GET+Accept":
        return Call("GET", params=(("query", query),), headers=(("Accept", MEDIA[fmt]),))
    if way == "GET+format":
        return Call("GET", params=(("query", query), ("format", SHORT[fmt])))
    if way == "POST form":
        return Call("POST", form=(("query", query), ("format", SHORT[fmt])))
    return Call("POST", body=query, headers=(("Content-Type", "application/sparql-query"), ("Accept", MEDIA[fmt])))


def grid() -> list[Any]:
    """pytest parameters (kind, format, way): every answer kind in each of its formats, sent each way."""
    return [
        pytest.param(kind, fmt, way, id=f"{kind}-{fmt}-{way.replace(' ', '_')}")
        for kind in (*RESULT_KINDS, *GRAPH_KINDS)
        for fmt in formats_of(kind)
        for way in WAYS
    ]


# The requests Node's fetch sends (fetch.mjs): the grid, an error, a CORS preflight, all from a page of this origin.
ORIGIN = "https://example.org"


@dataclass(frozen=True)
class FetchCase:
    """A request for Node's fetch, with the status it must get."""

    kind: str
    fmt: str
    way: str
    request: Call
    status: int = 200

    def as_json(self) -> dict[str, Any]:
        """The case as fetch.mjs reads it (every request from the page's origin, as a browser sends it)."""
        headers = {"Origin": ORIGIN, **dict(self.request.headers)}
        case: dict[str, Any] = {"method": self.request.method, "headers": headers}
        if self.request.params:
            case["params"] = [list(p) for p in self.request.params]
        if self.request.form:
            case["form"] = [list(p) for p in self.request.form]
        if self.request.body is not None:
            case["body"] = self.request.body
        return case


def fetch_cases(queries: dict[str, str]) -> list[FetchCase]:
    """Every answer kind in each format, each way; an error; a CORS preflight."""
    cases = [
        FetchCase(kind, fmt, way, call(way, queries[kind], fmt))
        for kind in (*RESULT_KINDS, *GRAPH_KINDS)
        for fmt in formats_of(kind)
        for way in WAYS
    ]
    cases.append(FetchCase("errors", "syntax error", "GET", Call("GET", params=(("query", "SELECT"),)), 400))
    cases.append(
        FetchCase(
            "errors",
            "format=csv on CONSTRUCT",
            "GET",
            Call("GET", params=(("query", queries["CONSTRUCT"]), ("format", "csv"))),
            406,
        )
    )
    preflight = (("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type"))
    cases.append(FetchCase("CORS", "preflight", "OPTIONS", Call("OPTIONS", headers=preflight)))
    return cases
