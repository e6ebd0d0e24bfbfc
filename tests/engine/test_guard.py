"""The lexical guard: LOAD is refused in every form, SERVICE is noticed in every form (so that the query
goes to rdflib, whose SERVICE obeys the allowlist), and names that merely look like them are not."""

from __future__ import annotations

import pytest

from govkg import lexer
from govkg.engine import UpdateRefused, guard

REFUSED = {
    "load": "LOAD <file:///etc/passwd>",
    "load silent into graph": "load silent <http://127.0.0.1/> into graph <http://x/>",
    "load by codepoint escape": "\\u004cOAD <http://127.0.0.1/>",
}

# Every form of SERVICE a parser may read as the keyword; Oxigraph (measured) also reads `trueSERVICE`,
# `1SERVICE` and `SERVICEsilent` as two tokens, and `?a<?b&&?c='x>'` fooled the token scan (a less-than
# taken for an IRI's bracket, then the rest of the query for a string).
MENTIONS = {
    "plain": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "lower case": "select * where { service <http://example.org/sparql> { ?s ?p ?o } }",
    "no space": "SELECT * WHERE {SERVICE<http://example.org/sparql>{?s ?p ?o}}",
    "silent": "SELECT * WHERE { SERVICE SILENT <http://127.0.0.1/> { ?s ?p ?o } }",
    "variable endpoint": "SELECT * WHERE { SERVICE ?e { ?s ?p ?o } VALUES ?e { <http://127.0.0.1/> } }",
    "in optional": "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <http://x/> { ?a ?p ?o } } }",
    "in minus": "SELECT * WHERE { ?a ?b ?c MINUS { SERVICE <http://x/> { ?a ?p ?o } } }",
    "in subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x/> { ?s ?p ?o } } } }",
    "in filter exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x/> { ?s ?p ?o } } }",
    "in filter not exists": "ASK { ?s ?p ?o FILTER NOT EXISTS { SERVICE <file:///etc/passwd> { ?s ?p ?o } } }",
    "in graph": "SELECT * WHERE { GRAPH ?g { SERVICE <http://[::1]/> { ?s ?p ?o } } }",
    "after a comment": "SELECT * WHERE { # a comment\n SERVICE <http://x/> { ?s ?p ?o } }",
    "after a string": "SELECT * WHERE { ?s ?p 'SERVICE' . SERVICE <http://x/> { ?s ?p ?o } }",
    "codepoint escape": "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
    "long codepoint escape": "SELECT * WHERE { \\U00000053ERVICE <http://x/> { ?s ?p ?o } }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "after true": "SELECT * WHERE { ?s ?p trueSERVICE <http://x/> { ?a ?b ?c } }",
    "after a number": "SELECT * WHERE { ?s ?p 1SERVICE <http://x/> { ?a ?b ?c } }",
    "after a dot": "SELECT * WHERE { ?s ?p ?o.SERVICE <http://x/> { ?a ?b ?c } }",
    "glued silent": "SELECT * WHERE { ?s ?p ?o SERVICEsilent <http://x/> { ?a ?b ?c } }",
    "less-than taken for an iri": "SELECT * WHERE { ?s ?p ?o BIND(1 AS ?a) FILTER(?a<?b&&?a='x>' || true) "
    "SERVICE <http://x/> { ?s ?p ?o } #'\n}",
    "in a string (erring on the safe side)": "SELECT * WHERE { ?s ?p 'public service' }",
    "in an iri (erring on the safe side)": "SELECT * WHERE { ?s ?p <http://example.org/service> }",
}
NOT_MENTIONS = {
    "variable named service": "SELECT ?service WHERE { ?service ?p ?o }",
    "dollar variable": "SELECT $service $load WHERE { $service ?p $load }",
    "word inside a name": "SELECT ?serviceLevel ?myService WHERE { ?serviceLevel ?p ?myService }",
    "prefixed name": "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ex:load }",
    "default prefix": "PREFIX : <http://example.org/> SELECT * WHERE { ?s :SERVICE :LOAD }",
    "service description prefix": "SELECT ?s WHERE { ?s a sd:Service }",
    "blank node label": "SELECT * WHERE { _:service ?p _:load }",
}

ALLOWED = {
    "variable named service": "SELECT ?service WHERE { ?service ?p ?o }",
    "dollar variable": "SELECT $service $load WHERE { $service ?p $load }",
    "prefixed name": "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ex:load }",
    "prefix called service": "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:x ?o }",
    "default prefix": "PREFIX : <http://example.org/> SELECT * WHERE { ?s :SERVICE :LOAD }",
    "string": 'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "long string": "SELECT * WHERE { ?s ?p '''LOAD\nSERVICE''' }",
    "iri": "SELECT * WHERE { <http://example.org/SERVICE> ?p <http://example.org/load> }",
    "comment": "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> and LOAD",
    "blank node label": "SELECT * WHERE { _:service ?p _:load }",
    "language tag": "SELECT * WHERE { ?s ?p 'x'@service }",
    "word inside a name": "SELECT ?serviceLevel ?download WHERE { ?serviceLevel ?p ?download }",
    "escaped quote in string": 'SELECT * WHERE { ?s ?p "a \\" SERVICE" }',
}


@pytest.mark.parametrize("query", REFUSED.values(), ids=REFUSED.keys())
def test_refused(query: str) -> None:
    """An update with LOAD gets the read-only refusal."""
    with pytest.raises(UpdateRefused, match=r"^this endpoint is read-only: SPARQL Update \(LOAD\) is refused$"):
        guard.check(query)


def test_load_inside_a_query_is_refused_too() -> None:
    with pytest.raises(guard.GuardError, match=r"^LOAD is not allowed"):
        guard.check("SELECT * WHERE { ?s ?p ?o } LOAD <http://127.0.0.1/>")


@pytest.mark.parametrize("query", MENTIONS.values(), ids=MENTIONS.keys())
def test_service_is_noticed_and_no_longer_refused_here(query: str) -> None:
    assert guard.mentions_service(query)
    guard.check(query)  # refused or allowed later, by the allowlist (govkg.federation)


@pytest.mark.parametrize("query", NOT_MENTIONS.values(), ids=NOT_MENTIONS.keys())
def test_names_that_contain_service_are_not_mentions(query: str) -> None:
    assert not guard.mentions_service(query)


@pytest.mark.parametrize("query", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(query: str) -> None:
    guard.check(query)


@pytest.mark.parametrize(
    ("text", "update"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", False),
        ("PREFIX ex: <http://x/> ASK { ?s ex:p 1 }", False),
        ("CLEAR ALL", True),
        ("PREFIX dc: <http://purl.org/dc/terms/> INSERT DATA { <s> dc:title 'x' }", True),
        ("DELETE WHERE { ?s ?p ?o }", True),
        ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
        ("# INSERT in a comment\nSELECT ?insert WHERE { ?insert ?p ?o }", False),
    ],
)
def test_is_update(text: str, update: bool) -> None:
    assert guard.is_update(text) is update


def test_keywords_skip_strings_iris_and_names() -> None:
    assert lexer.keywords("SELECT ?x WHERE { <a> ex:b 'SELECT' } # WHERE") == ["SELECT", "WHERE"]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 200 + " ?s ?p ?o " + "}" * 200,
        "ASK { FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }",
        "ASK { ?s <p> " + "[ <p> " * 200 + "1" + " ]" * 200 + " }",
    ],
)
def test_too_deep_nesting_is_refused(query: str) -> None:
    with pytest.raises(guard.GuardError, match="nested deeper than 128"):
        guard.check(query)


def test_nesting_is_counted_on_every_bracket_and_long_queries_are_refused() -> None:
    guard.check("SELECT * WHERE { ?s ?p '" + "{}" * 500 + "' }")  # balanced brackets in a string: depth 2
    hidden = "SELECT * WHERE { ?s ?p ?o FILTER(?a<?b&&?a='x>') " + "{" * 200 + "}" * 200 + " #' }"
    assert all(kind != "open" for kind, start, _ in lexer.tokens(hidden) if start > 60)  # a token scan is fooled
    for query in (hidden, "SELECT * WHERE { ?s ?p '" + "{" * 500 + "' }"):
        with pytest.raises(guard.GuardError, match="nested deeper than 128"):
            guard.check(query)
    with pytest.raises(guard.GuardError, match="longer than 10 characters"):
        guard.check("SELECT * WHERE { ?s ?p ?o }", max_length=10)


@pytest.mark.parametrize("query", MENTIONS.values(), ids=MENTIONS.keys())
def test_service_is_counted_wherever_it_is_noticed(query: str) -> None:
    with pytest.raises(guard.GuardError, match=r"^SERVICE may occur at most 0 times in a query"):
        guard.check_services(query, max_services=0)


@pytest.mark.parametrize("query", NOT_MENTIONS.values(), ids=NOT_MENTIONS.keys())
def test_names_that_contain_service_are_not_counted(query: str) -> None:
    guard.check_services(query, max_services=0)


def test_service_clauses_past_the_limit_are_refused() -> None:
    clause = "SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } "
    guard.check_services("SELECT * WHERE { " + clause * guard.MAX_SERVICES + "}")
    with pytest.raises(guard.GuardError, match=f"at most {guard.MAX_SERVICES} times"):
        guard.check_services("SELECT * WHERE { " + clause * guard.MAX_SERVICES + "\\u0053ERVICE <x> { } }")
