"""Accept matching (RFC 9110 §12.5.1): q-values, wildcards, specificity, server order for ties, 406."""

from __future__ import annotations

import pytest

from govkg.web import conneg

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(("accept", "kind", "expected"), [
    (None, "results", "application/sparql-results+json"),
    ("*/*", "graph", "text/turtle"),
    ("", "graph", "text/turtle"),
    (BROWSER, "results", "text/html"),
    (BROWSER, "graph", "text/html"),
    ("application/sparql-results+xml", "results", "application/sparql-results+xml"),
    ("text/csv;q=0.5, text/tab-separated-values", "results", "text/tab-separated-values"),
    ("text/*;q=0.9, text/csv;q=0.1", "results", "text/tab-separated-values"),
    ("application/ld+json;q=0.9, text/turtle;q=0.8", "graph", "application/ld+json"),
    ("application/n-triples", "graph", "application/n-triples"),
    ("application/rdf+xml, */*;q=0.1", "graph", "application/rdf+xml"),
    ("application/trig", "graph", "application/trig"),
    ("application/n-quads", "graph", "application/n-quads"),
    ("text/turtle; charset=utf-8", "graph", "text/turtle"),
    ("application/json", "results", "application/json"),
    ("application/json", "graph", "application/json"),
    ("TEXT/TURTLE", "graph", "text/turtle"),
    ("text/turtle;q=0, */*", "graph", "application/ld+json"),
])
def test_negotiate(accept: str | None, kind: str, expected: str) -> None:
    assert conneg.negotiate(accept, kind)[0] == expected


@pytest.mark.parametrize(("accept", "kind"), [
    ("image/png", "results"),
    ("text/turtle", "results"),
    ("application/sparql-results+json", "graph"),
    ("*/*;q=0", "graph"),
    ("text/turtle;q=bad", "graph"),
])
def test_nothing_acceptable(accept: str, kind: str) -> None:
    with pytest.raises(conneg.NotAcceptable, match="available as"):
        conneg.negotiate(accept, kind)


@pytest.mark.parametrize(("value", "kind", "expected"), [
    ("json", "results", ("application/sparql-results+json", "json")),
    ("tsv", "results", ("text/tab-separated-values", "tsv")),
    ("ttl", "graph", ("text/turtle", "turtle")),
    ("json-ld", "graph", ("application/ld+json", "json-ld")),
    ("application/n-triples", "graph", ("application/n-triples", "nt")),
    ("html", "results", ("text/html", "html")),
])
def test_format_parameter(value: str, kind: str, expected: tuple[str, str]) -> None:
    assert conneg.by_name(value, kind) == expected


def test_format_parameter_that_does_not_suit() -> None:
    with pytest.raises(conneg.NotAcceptable, match="does not suit"):
        conneg.by_name("turtle", "results")


def test_content_type_has_a_charset() -> None:
    assert conneg.content_type("text/turtle") == "text/turtle; charset=utf-8"
