"""The lexical SERVICE / LOAD guard: every form is caught, names that merely look like it are not."""

from __future__ import annotations

import pytest

from govkg import guard

REFUSED = {
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
    "load": "LOAD <file:///etc/passwd>",
    "load silent into graph": "load silent <http://127.0.0.1/> into graph <http://x/>",
}

ALLOWED = {
    "variable named service": "SELECT ?service WHERE { ?service ?p ?o }",
    "dollar variable": "SELECT $service $load WHERE { $service ?p $load }",
    "prefixed name": "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ex:load }",
    "prefix called service": "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:x ?o }",
    "default prefix": "PREFIX : <http://example.org/> SELECT * WHERE { ?s :SERVICE :LOAD }",
    "string": "SELECT * WHERE { ?s ?p \"SERVICE <http://x/> { }\" }",
    "long string": "SELECT * WHERE { ?s ?p '''LOAD\nSERVICE''' }",
    "iri": "SELECT * WHERE { <http://example.org/SERVICE> ?p <http://example.org/load> }",
    "comment": "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> and LOAD",
    "blank node label": "SELECT * WHERE { _:service ?p _:load }",
    "language tag": "SELECT * WHERE { ?s ?p 'x'@service }",
    "word inside a name": "SELECT ?serviceLevel ?download WHERE { ?serviceLevel ?p ?download }",
    "escaped quote in string": "SELECT * WHERE { ?s ?p \"a \\\" SERVICE\" }",
}


@pytest.mark.parametrize("query", REFUSED.values(), ids=REFUSED.keys())
def test_refused(query: str) -> None:
    with pytest.raises(guard.GuardError) as caught:
        guard.check(query)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("query", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(query: str) -> None:
    guard.check(query)


@pytest.mark.parametrize(("text", "update"), [
    ("SELECT * WHERE { ?s ?p ?o }", False),
    ("PREFIX ex: <http://x/> ASK { ?s ex:p 1 }", False),
    ("CLEAR ALL", True),
    ("PREFIX dc: <http://purl.org/dc/terms/> INSERT DATA { <s> dc:title 'x' }", True),
    ("DELETE WHERE { ?s ?p ?o }", True),
    ("WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", True),
    ("# INSERT in a comment\nSELECT ?insert WHERE { ?insert ?p ?o }", False),
])
def test_is_update(text: str, update: bool) -> None:
    assert guard.is_update(text) is update


def test_keywords_skip_strings_iris_and_names() -> None:
    assert guard.keywords("SELECT ?x WHERE { <a> ex:b 'SELECT' } # WHERE") == ["SELECT", "WHERE"]


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 200 + " ?s ?p ?o " + "}" * 200,
    "ASK { FILTER(" + "(" * 200 + "1" + ")" * 200 + ") }",
    "ASK { ?s <p> " + "[ <p> " * 200 + "1" + " ]" * 200 + " }",
])
def test_too_deep_nesting_is_refused(query: str) -> None:
    with pytest.raises(guard.GuardError, match="nested deeper than 128"):
        guard.check(query)


def test_brackets_in_strings_do_not_count_and_long_queries_are_refused() -> None:
    guard.check("SELECT * WHERE { ?s ?p '" + "{" * 500 + "' }")
    with pytest.raises(guard.GuardError, match="longer than 10 characters"):
        guard.check("SELECT * WHERE { ?s ?p ?o }", max_length=10)
