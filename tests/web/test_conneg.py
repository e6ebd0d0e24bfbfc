"""Accept matching (RFC 9110 §12.5.1): q-values, wildcards, specificity, server order for ties, 406."""

from __future__ import annotations

import pytest

from govkg.web import conneg

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "kind", "expected"),
    [
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
    ],
)
def test_negotiate(accept: str | None, kind: str, expected: str) -> None:
    assert conneg.negotiate(accept, kind)[0] == expected


@pytest.mark.parametrize(
    ("accept", "kind"),
    [
        ("image/png", "results"),
        ("text/turtle", "results"),
        ("application/sparql-results+json", "graph"),
        ("*/*;q=0", "graph"),
        ("text/turtle;q=bad", "graph"),
    ],
)
def test_nothing_acceptable(accept: str, kind: str) -> None:
    with pytest.raises(conneg.NotAcceptable, match="available as"):
        conneg.negotiate(accept, kind)


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        ("json", "results", ("application/sparql-results+json", "json")),
        ("tsv", "results", ("text/tab-separated-values", "tsv")),
        ("ttl", "graph", ("text/turtle", "turtle")),
        ("json-ld", "graph", ("application/ld+json", "json-ld")),
        ("application/n-triples", "graph", ("application/n-triples", "nt")),
        ("html", "results", ("text/html", "html")),
    ],
)
def test_format_parameter(value: str, kind: str, expected: tuple[str, str]) -> None:
    assert conneg.choose([value], None, kind) == expected


def test_format_parameter_that_does_not_suit() -> None:
    with pytest.raises(conneg.NotAcceptable, match="does not suit"):
        conneg.choose(["turtle"], None, "results")


# What SPARQLWrapper 2 sends by default (format, output and results, and a media type beside three short names).
@pytest.mark.parametrize(
    ("values", "accept", "kind", "expected"),
    [
        (["xml", "xml", "xml"], "application/sparql-results+xml", "results", ("application/sparql-results+xml", "xml")),
        (["xml", "xml", "xml"], "application/rdf+xml", "graph", ("application/rdf+xml", "rdfxml")),
        (["json-ld", "application/ld+json"] * 3, None, "graph", ("application/ld+json", "json-ld")),
        (["rdf+xml", "application/rdf+xml"], None, "graph", ("application/rdf+xml", "rdfxml")),
        (["json-ld", "application/ld+json,application/x-json+ld"], None, "graph", ("application/ld+json", "json-ld")),
        (["tsv", "text/tab-separated-values"], None, "results", ("text/tab-separated-values", "tsv")),
        (
            ["n3"] * 3,
            "application/turtle,text/turtle,text/rdf+n3,application/n-triples",
            "graph",
            ("text/turtle", "turtle"),
        ),
        (["n3"], "application/n-triples", "graph", ("application/n-triples", "nt")),
        (["json"], "*/*", "graph", ("application/ld+json", "json-ld")),
        (["rdf"], "*/*", "graph", ("application/rdf+xml", "rdfxml")),
        (["application/json"], None, "results", ("application/json", "json")),
        (["csv"], "text/tab-separated-values", "results", ("text/csv", "csv")),  # a format parameter outranks Accept
    ],
)
def test_format_values_clients_send(
    values: list[str], accept: str | None, kind: str, expected: tuple[str, str]
) -> None:
    assert conneg.choose(values, accept, kind) == expected


def test_format_values_that_disagree_are_406() -> None:
    with pytest.raises(conneg.NotAcceptable, match="do not agree"):
        conneg.choose(["json", "csv"], None, "results")


def test_content_type_has_a_charset() -> None:
    assert conneg.content_type("text/turtle") == "text/turtle; charset=utf-8"
