"""Validation's SPARQL targets answered by Oxigraph give the focus nodes rdflib gives, literals included."""

from __future__ import annotations

import pytest
from rdflib import Graph

from govkg.validate import validate

DATA = """@prefix ex: <http://example.org/> .
ex:a ex:code "1" ; ex:name "x" .
ex:b ex:code "2" .
_:c ex:code "3" .
"""
SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:Named a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this <http://example.org/code> ?c }" ] ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ] .
ex:Short a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?s <http://example.org/code> ?this }" ] ;
    sh:maxLength 0 .
"""


def test_sparql_targets_select_nodes_and_literals() -> None:
    data = Graph().parse(data=DATA, format="turtle")
    report = validate(data, Graph().parse(data=SHAPES, format="turtle"))
    blank = next(str(s) for s in data.subjects() if not str(s).startswith("http"))
    assert sorted(v.focus for v in report.violations if v.path == "ex:name") == ["http://example.org/b", blank]
    assert sorted(v.focus for v in report.violations if v.constraint == "sh:MaxLengthConstraintComponent") == [
        "1",
        "2",
        "3",
    ]


TYPED = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:plain ex:p "a" . ex:string ex:p "a"^^xsd:string . ex:one ex:n "1"^^xsd:integer . ex:zero-one ex:n "01"^^xsd:integer .
ex:decimal ex:n "1.50"^^xsd:decimal . ex:upper ex:l "x"@EN . ex:other ex:p "a" .
"""
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def _targets(select: str, more: str = "") -> Graph:
    """A shape whose focus nodes are the answers to `select`: each fails (a property it never has)."""
    shapes = f"""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select \"\"\"{select}\"\"\" ] ;
    sh:property [ sh:path ex:never ; sh:minCount 1 ] . {more}"""
    return Graph().parse(data=shapes, format="turtle")


P, N, L = "<http://example.org/p>", "<http://example.org/n>", "<http://example.org/l>"


@pytest.mark.parametrize(
    "select",
    [
        f'SELECT ?this {{ ?this {P} "a"^^<{XSD_NS}string> }}',
        f'SELECT ?this {{ ?this {N} "01"^^<{XSD_NS}integer> }}',
        f'SELECT ?this {{ ?this {N} ?v FILTER(STR(?v) = "1.50") }}',
        f'SELECT ?this {{ ?this {L} ?v FILTER(LANG(?v) = "EN") }}',
        f"SELECT ?this {{ ?this {P} ?v . ?x {P} ?v FILTER(!sameTerm(?this, ?x)) }}",
        f"SELECT ?this {{ ?this {P} ?v FILTER(<http://example.org/f>(?v)) }}",
        "SELECT ?this { ?s ?p ?this FILTER(isLiteral(?this)) }",
        "SELECT DISTINCT ?this { { ?this ?p ?o } UNION { ?s ?p ?this } "
        "FILTER(isIRI(?this) && STRSTARTS(STR(?this), STR(<http://example.org/z>))) }",
    ],
    ids=["xsd:string", "canonical integer", "decimal text", "language tag case", "join on literals",
         "unknown function", "literals", "govkg's own target"],
)  # fmt: skip
def test_sparql_targets_are_rdflib_s(select: str) -> None:
    data = Graph().parse(data=TYPED, format="turtle")
    report = validate(data, _targets(select))
    assert sorted(v.focus for v in report.violations) == sorted(str(t) for t in {r[0] for r in data.query(select)})


def test_sparql_targets_see_what_rules_add() -> None:
    rule = """ex:R a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this { ?this ex:p ?v }" ] ;
        sh:prefixes ex: ; sh:rule [ a sh:TripleRule ; sh:subject sh:this ; sh:predicate ex:q ; sh:object ex:o ] .
    ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] ."""
    data = Graph().parse(data=TYPED, format="turtle")
    report = validate(data, _targets("SELECT ?this { ?this <http://example.org/q> <http://example.org/o> }", rule))
    want = ["http://example.org/other", "http://example.org/plain", "http://example.org/string"]
    assert sorted(v.focus for v in report.violations) == want
