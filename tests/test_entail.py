"""The semi-naive reasoner: owlrl's entailments and contradictions, and owlrl still used beyond its rules."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from conftest import ROOT
from govkg import entail, load, reason
from govkg.build import REASONING_INPUTS
from govkg.namespaces import DEFAULT_BASE, GK, GKD

EX = DEFAULT_BASE + "id/"
KEPT = reason._keep


def _kept(triples: set[entail.Triple], stated: set[entail.Triple]) -> set[entail.Triple]:
    return {t for t in triples if t not in stated and KEPT(t, DEFAULT_BASE)}


def test_corpus_entailments_are_owlrl_s() -> None:
    graphs = load.project_graphs(ROOT, DEFAULT_BASE)
    stated = {t for name in REASONING_INPUTS for t in graphs[name]}
    assert entail.supports(stated, DEFAULT_BASE)
    fast, errors = entail.closure(stated)
    slow, slow_errors = reason.owl_rl(stated)
    assert (_kept(fast, stated), errors) == (_kept(slow, stated), slow_errors)
    assert (GKD.france, GK.adopts, GKD["seoul-declaration"]) in fast


ONT = DEFAULT_BASE + "ontology#"


def _small(*extra: entail.Triple) -> set[entail.Triple]:
    """Individuals a, b, c; a sub-property with an inverse, a domain, a range, a sub-class; an integer."""
    a, b, c = (URIRef(EX + n) for n in "abc")
    p, up, q, r, cls, sup = (URIRef(ONT + n) for n in ("p", "up", "q", "r", "C", "D"))
    return {
        (p, RDFS.subPropertyOf, up), (up, OWL.inverseOf, q), (up, RDFS.domain, cls), (cls, RDFS.subClassOf, sup),
        (up, RDFS.range, XSD.string), (a, p, b), (b, q, c), (c, r, Literal("1", datatype=XSD.integer)), *extra,
    }  # fmt: skip


@pytest.mark.parametrize(
    "extra",
    [
        (),
        ((URIRef(EX + "b"), URIRef(ONT + "up"), Literal("x", datatype=XSD.integer)),),
        (
            (URIRef(EX + "b"), URIRef(ONT + "up"), Literal("5", datatype=XSD.integer)),
            (URIRef(EX + "c"), URIRef(ONT + "r"), Literal("s", datatype=XSD.string)),
        ),
    ],
    ids=["plain", "ill-typed literal", "datatypes disjoint"],
)
def test_small_graphs_match_owlrl(extra: tuple) -> None:
    stated = _small(*extra)
    assert entail.supports(stated, DEFAULT_BASE)
    fast, errors = entail.closure(stated)
    slow, slow_errors = reason.owl_rl(stated)
    assert (_kept(fast, stated), errors) == (_kept(slow, stated), slow_errors)


def test_contradiction_is_raised_with_owlrl_s_message() -> None:
    graph = Graph()
    for t in _small((URIRef(EX + "b"), URIRef(ONT + "up"), Literal("x", datatype=XSD.integer))):
        graph.add(t)
    with pytest.raises(reason.InconsistencyError, match="Lexical value of the literal 'x' does not match"):
        reason.closure([graph], DEFAULT_BASE)


@pytest.mark.parametrize(
    "extra",
    [
        (URIRef(ONT + "up"), RDF.type, OWL.TransitiveProperty),
        (URIRef(EX + "a"), OWL.sameAs, URIRef(EX + "c")),
        (URIRef(EX + "klass"), RDFS.subClassOf, URIRef(ONT + "C")),
    ],
    ids=["transitive property", "sameAs", "schema about a kept resource"],
)
def test_beyond_its_rules_owlrl_answers(extra: tuple) -> None:
    stated = _small(extra)
    assert not entail.supports(stated, DEFAULT_BASE)
    graph = Graph()
    for t in stated:
        graph.add(t)
    slow, _ = reason.owl_rl(stated)
    assert set(reason.closure([graph], DEFAULT_BASE)) == _kept(slow, stated)


# --- Regressions: inputs `supports` accepted on which closure and owlrl disagreed ---------------------------------

A, B, C = (URIRef(EX + n) for n in "abc")
P, Q, S, K = (URIRef(ONT + n) for n in ("p", "q", "s", "K"))


def _collection(name: str, members: list) -> tuple[Node, set[entail.Triple]]:
    """An RDF collection of `members` (blank node cells named after `name`): its head and its triples."""
    cells = [BNode(f"{name}{i}") for i in range(len(members))]
    nexts: list[Node] = [*cells[1:], RDF.nil]
    triples: set[entail.Triple] = set()
    for cell, member, nxt in zip(cells, members, nexts):  # noqa: B905 (no members: no cells, one next)
        triples |= {(cell, RDF.first, member), (cell, RDF.rest, nxt)}
    return (cells[0] if cells else RDF.nil), triples


def _chain(prop: URIRef, *members: Node) -> set[entail.Triple]:
    """prop owl:propertyChainAxiom (members)."""
    head, triples = _collection("chain", list(members))
    return {(prop, OWL.propertyChainAxiom, head), *triples}


@pytest.mark.parametrize(
    "stated",
    [
        {(A, P, B), (BNode("inverse"), OWL.inverseOf, P)},
        {(A, P, B), (P, RDFS.subPropertyOf, BNode("super"))},
        {(A, P, B), (P, RDFS.subPropertyOf, Literal("super"))},
        {(A, RDF.type, RDF.Property)},
        {(A, RDF.type, K), (K, RDF.type, OWL.Class), *_chain(S, RDF.type)},
        {(A, Q, K), (K, RDF.type, OWL.Class), *_chain(S, Q, RDFS.subClassOf)},
        {(Literal("1", datatype=XSD.integer), RDF.type, XSD.string), (A, P, Literal("1", datatype=XSD.integer))},
        {(A, P, B), (B, Q, C), (C, P, A), *_chain(S, P, Q, P)},
    ],
    ids=[
        "inverse is a blank node",
        "super-property is a blank node",
        "super-property is a literal",
        "rdf:Property on a kept resource",
        "chain through rdf:type",
        "chain through rdfs:subClassOf",
        "literal subject typed with a datatype",
        "chain of three",
    ],
)
def test_edge_cases_match_owlrl_or_fall_back(stated: set[entail.Triple]) -> None:
    slow, slow_errors = reason.owl_rl(stated)
    if entail.supports(stated, DEFAULT_BASE):
        fast, errors = entail.closure(stated)
        assert (_kept(fast, stated), errors) == (_kept(slow, stated), slow_errors)


def test_a_cyclic_list_neither_hangs_nor_is_read_as_a_chain() -> None:
    loop, other = BNode("loop"), BNode("other")
    cyclic = {(loop, RDF.first, P), (loop, RDF.rest, other), (other, RDF.first, Q), (other, RDF.rest, loop)}
    assert entail.supports({(A, P, B), (A, Q, loop), *cyclic}, DEFAULT_BASE)
    assert not entail.supports({(A, P, B), (S, OWL.propertyChainAxiom, loop), *cyclic}, DEFAULT_BASE)
    fast, _ = entail.closure({(A, P, B), (S, OWL.propertyChainAxiom, loop), *cyclic})
    assert (A, P, B) in fast


# --- Differential: random small ontologies and data, closure against owlrl -----------------------------------------

INDIVIDUALS = [A, B, C, BNode("n"), URIRef("http://example.org/e")]
LITERALS = [
    Literal("x"), Literal("x", lang="en"), Literal("x", datatype=XSD.string), Literal("1", datatype=XSD.integer),
    Literal("01", datatype=XSD.integer), Literal("abc", datatype=XSD.integer), Literal("1.5", datatype=XSD.decimal),
    Literal("true", datatype=XSD.boolean), Literal("20x", datatype=XSD.gYear),
]  # fmt: skip
PROPERTIES = [URIRef(ONT + f"p{i}") for i in range(4)] + [BNode("bp")]
CLASSES = [URIRef(ONT + f"C{i}") for i in range(4)] + [XSD.integer, XSD.string, XSD.decimal]
OWL_TYPES = [
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
    OWL.ObjectProperty, OWL.Class, RDF.Property, OWL.Thing, OWL.Nothing, OWL.NamedIndividual,
]  # fmt: skip
OWL_LINKS = [OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs, OWL.disjointWith, OWL.propertyDisjointWith]
RESTRICTIONS = [OWL.hasValue, OWL.someValuesFrom, OWL.allValuesFrom]
VOCABULARY = [RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, RDFS.label, OWL.sameAs, RDF.first, RDF.nil]

ind, lit, prop, cls = (st.sampled_from(x) for x in (INDIVIDUALS, LITERALS, PROPERTIES, CLASSES))
FACTS = st.one_of(
    st.tuples(ind, st.sampled_from(PROPERTIES[:4]), st.one_of(ind, lit)),
    st.tuples(st.one_of(ind, lit), st.just(RDF.type), cls),
)
AXIOMS = st.one_of(
    st.tuples(prop, st.sampled_from([RDFS.subPropertyOf, OWL.inverseOf]), prop),
    st.tuples(prop, st.sampled_from([RDFS.domain, RDFS.range]), cls),
    st.tuples(cls, st.just(RDFS.subClassOf), cls),
    st.tuples(prop, st.just(OWL.propertyChainAxiom), st.lists(prop, min_size=1, max_size=3)),
)
DECLARED = st.one_of(  # within the rules as far as the predicates go: `supports` must look closer
    st.tuples(cls, st.just(RDF.type), st.just(OWL.Class)),
    st.tuples(prop, st.just(RDF.type), st.sampled_from([OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property])),
    st.tuples(ind, st.just(RDF.type), st.sampled_from([RDF.Property, OWL.NamedIndividual])),
    st.tuples(
        prop, st.just(OWL.propertyChainAxiom), st.lists(st.one_of(prop, st.sampled_from(VOCABULARY)), max_size=3)
    ),
)
BEYOND = st.one_of(
    st.tuples(st.one_of(ind, prop, cls), st.just(RDF.type), st.sampled_from(OWL_TYPES)),
    st.tuples(st.one_of(ind, prop, cls), st.sampled_from(OWL_LINKS), st.one_of(ind, prop, cls)),
    st.tuples(st.just(BNode("r")), st.just(OWL.onProperty), prop),
    st.tuples(st.just(BNode("r")), st.sampled_from(RESTRICTIONS), st.one_of(ind, cls)),
    st.tuples(cls, st.sampled_from([OWL.intersectionOf, OWL.unionOf]), st.lists(cls, min_size=1, max_size=3)),
)
DIFFERENTIAL = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _graph(rows: list[tuple]) -> set[entail.Triple]:
    """The rows as triples, a list object written as an RDF collection."""
    out: set[entail.Triple] = set()
    for n, (s, p, o) in enumerate(rows):
        if isinstance(o, list):
            o, cells = _collection(f"list{n}.", o)
            out |= cells
        out.add((s, p, o))
    return out


def _same_as_owlrl(stated: set[entail.Triple]) -> None:
    fast, errors = entail.closure(stated)
    slow, slow_errors = reason.owl_rl(stated)
    assert (_kept(fast, stated), errors) == (_kept(slow, stated), slow_errors)


@seed(20261214)
@DIFFERENTIAL
@given(st.lists(FACTS, max_size=8), st.lists(AXIOMS, max_size=6))
def test_random_ontologies_within_its_rules_match_owlrl(facts: list[tuple], axioms: list[tuple]) -> None:
    stated = _graph(facts + axioms)
    assert entail.supports(stated, DEFAULT_BASE)
    _same_as_owlrl(stated)


@seed(20261215)
@DIFFERENTIAL
@given(
    st.lists(FACTS, max_size=6),
    st.lists(AXIOMS, max_size=4),
    st.lists(st.one_of(DECLARED, DECLARED, BEYOND), min_size=1, max_size=3),
)
def test_random_ontologies_beyond_its_rules_fall_back_or_match(facts: list, axioms: list, beyond: list) -> None:
    stated = _graph(facts + axioms + beyond)
    # As govkg.reason.closure chooses: entail where it supports the ontology, else owlrl itself.
    (chosen, errors) = entail.closure(stated) if entail.supports(stated, DEFAULT_BASE) else reason.owl_rl(stated)
    slow, slow_errors = reason.owl_rl(stated)
    assert (_kept(chosen, stated), errors) == (_kept(slow, stated), slow_errors)
