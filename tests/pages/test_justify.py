"""Justifications of inferred facts (govkg.pages.justify): every triple the real OWL 2 RL closure adds, to a small
dataset using every rule and to the project's build, is justified by a step each checked here against the ontology
graph itself, down to stated facts; on both engines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from govkg import reason
from govkg.build import Build
from govkg.engine import FILE_ENGINES, Source, open_engine
from govkg.engine import select as engine_select
from govkg.namespaces import DEFAULT_BASE, GK, GKD
from govkg.pages import justify

BASE = DEFAULT_BASE
INFERRED = BASE + "graph/inferred"
Select = Callable[[str], list[list[Node | None]]]
# One axiom of every kind the justifications cover, and facts each of them applies to.
ONTOLOGY = """@prefix v: <http://example.org/v#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
v:viaChain owl:propertyChainAxiom ( v:a v:b ) .   v:inverse owl:inverseOf v:a .   v:a rdfs:subPropertyOf v:super .
v:same owl:equivalentProperty v:b .   v:near a owl:SymmetricProperty .   v:within a owl:TransitiveProperty .
v:Small rdfs:subClassOf v:Big .   v:Big owl:equivalentClass v:Large .   v:d rdfs:domain v:HasD ; rdfs:range v:IsD .
"""
FACTS = """@prefix v: <http://example.org/v#> . @prefix : <https://w3id.org/govkg/id/> .
:x v:a :y .   :y v:b :z .   :x a v:Small .   :m v:near :n .   :p v:within :q .   :q v:within :r .   :s v:d :t .
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph, Graph]:
    """A dataset of the ontology, the facts and their OWL 2 RL closure (govkg.reason, as the build makes it)."""
    ontology, facts = Graph().parse(data=ONTOLOGY), Graph().parse(data=FACTS)
    ds = Dataset()
    for name, graph in (
        ("ontology", ontology),
        ("asserted", facts),
        ("inferred", reason.closure([ontology, facts], BASE)),
    ):
        named = ds.graph(URIRef(BASE + "graph/" + name))
        for triple in graph:
            named.add(triple)
    path = tmp_path_factory.mktemp("justify") / "sample.trig"
    ds.serialize(path, format="trig")
    return path, ontology, facts


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def engine(request: pytest.FixtureRequest) -> str:
    """An engine kind."""
    return str(request.param)


def selector(engine: str, path: Path) -> Select:
    """SELECT over a dataset file with one engine, as the web app's State.select does."""
    opened = open_engine(engine, [Source(path)], BASE)
    return lambda query: engine_select(opened, query)


def inferred(select: Select) -> list[tuple[Node, Node, Node]]:
    """The triples of the closure's graph."""
    rows = select(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}")
    return [(s, p, o) for s, p, o in rows if s is not None and p is not None and o is not None]


def check(step: justify.Step, ontology: Graph, stated: Graph, holds: Graph) -> None:
    """Fail unless the step concludes its fact from its premises by its axiom as the ontology states it, and every
    premise is stated or, inferred, checked the same way."""
    assert [premise.fact for premise in step.premises] == _expected(step, ontology), step
    for premise in step.premises:
        assert premise.fact in holds
        if premise.step is None:
            assert premise.fact in stated, premise
        else:
            assert premise.step.fact == premise.fact
            check(premise.step, ontology, stated, holds)


def _expected(step: justify.Step, ontology: Graph) -> list[tuple[Node, ...]]:
    """The premises the rule and axiom of `step` need, after checking the ontology states that axiom."""
    (s, p, o), axiom, rule = step.fact, step.axiom, step.rule
    if rule == "chain":
        assert any(tuple(Collection(ontology, c)) == axiom for c in ontology.objects(p, OWL.propertyChainAxiom))
        nodes = [s, *(premise.fact[2] for premise in step.premises)]
        assert nodes[-1] == o and len(nodes) == len(axiom) + 1
        return [(nodes[i], axiom[i], nodes[i + 1]) for i in range(len(axiom))]
    a, b, x = axiom[0], axiom[-1], step.premises[0].fact  # x: the first premise, whose free node some rules take
    typed = p == RDF.type and b == o
    table: dict[str, tuple[set[tuple[Node, Node, Node]], list[tuple[Node, ...]]]] = {
        # rule: (the axiom's triples, one of which the ontology must state, when the step names the right terms;
        # the premises the rule needs)
        "inverse": ({(a, OWL.inverseOf, b), (b, OWL.inverseOf, a)} if a == p else set(), [(o, b, s)]),
        "subproperty": ({(a, RDFS.subPropertyOf, p)} if b == p else set(), [(s, a, o)]),
        "equivalent-property": (
            {(a, OWL.equivalentProperty, p), (p, OWL.equivalentProperty, a)} if b == p else set(),
            [(s, a, o)],
        ),
        "symmetric": ({(p, RDF.type, OWL.SymmetricProperty)} if a == p else set(), [(o, p, s)]),
        "transitive": ({(p, RDF.type, OWL.TransitiveProperty)} if a == p else set(), [(s, p, x[2]), (x[2], p, o)]),
        "subclass": ({(a, RDFS.subClassOf, o)} if typed else set(), [(s, RDF.type, a)]),
        "equivalent-class": (
            {(a, OWL.equivalentClass, o), (o, OWL.equivalentClass, a)} if typed else set(),
            [(s, RDF.type, a)],
        ),
        "domain": ({(a, RDFS.domain, o)} if typed else set(), [(s, a, x[2])]),
        "range": ({(a, RDFS.range, o)} if typed else set(), [(x[0], a, s)]),
    }
    axioms, premises = table[rule]
    assert any(t in ontology for t in axioms), step
    return premises


def test_every_rule_justifies_what_the_closure_adds(sample: tuple[Path, Graph, Graph], engine: str) -> None:
    path, ontology, facts = sample
    select = selector(engine, path)
    given, found = justify.axioms(select), justify.Facts(justify.fetcher(select, INFERRED))
    closure = inferred(select)
    steps = [justify.justify(fact, found, given) for fact in closure]
    assert len(closure) >= 10 and None not in steps  # one fact or two per rule
    holds = facts + Graph()
    for triple in closure:
        holds.add(triple)
    for step in steps:
        assert step is not None
        check(step, ontology, facts, holds)
    assert {s.rule for s in steps if s} == set(justify.RULES)


def test_a_chain_through_an_inferred_premise_is_justified_down_to_stated_facts(
    sample: tuple[Path, Graph, Graph],
) -> None:
    select = selector("oxigraph", sample[0])
    given, found = justify.axioms(select), justify.Facts(justify.fetcher(select, INFERRED))
    v = "http://example.org/v#"
    fact = (GKD.z, URIRef(v + "same"), GKD.z)  # nothing states it, nor the closure: no justification
    assert justify.justify(fact, found, given) is None
    deep = (GKD.x, RDF.type, URIRef(v + "Large"))  # x a Small ⊑ Big ≡ Large
    step = justify.justify(deep, found, given)
    assert step is not None and step.rule == "equivalent-class" and step.height == 2
    assert step.premises[0].step is not None and step.premises[0].step.rule == "subclass"
    assert justify.justify(deep, found, given, depth=1) is None  # the bound on steps holds


def test_every_inferred_fact_of_the_build_is_justified(built: Path, project_build: Build) -> None:
    select = selector("oxigraph", built)
    given, found = justify.axioms(select), justify.Facts(justify.fetcher(select, INFERRED))
    closure = inferred(select)
    steps = {fact: justify.justify(fact, found, given) for fact in closure}
    graphs = project_build.graphs
    stated, ontology = Graph(), graphs["ontology"]
    for name, graph in graphs.items():
        stated += graph if name != "inferred" else Graph()
    holds = stated + graphs["inferred"]
    assert len(steps) == len(graphs["inferred"]) > 1000
    assert [f for f, s in steps.items() if s is None] == []
    for step in steps.values():
        assert step is not None
        check(step, ontology, stated, holds)
    rules = Counter(s.rule for s in steps.values() if s)
    assert {"chain", "inverse", "subproperty", "subclass"} <= set(rules)


def test_france_adopts_the_seoul_declaration_by_the_chain_from_quoted_facts(built: Path) -> None:
    select = selector("oxigraph", built)
    given, found = justify.axioms(select), justify.Facts(justify.fetcher(select, INFERRED))
    step = justify.justify((GKD.france, GK.adopts, GKD["seoul-declaration"]), found, given)
    assert step is not None and step.rule == "chain" and step.axiom == (GK.adopterIn, GK.endorsedInstrument)
    act = step.premises[0].fact[2]
    assert step.premises[0].fact == (GKD.france, GK.adopterIn, act)
    assert step.premises[1] == justify.Premise((act, GK.endorsedInstrument, GKD["seoul-declaration"]), None)
    inverse = step.premises[0].step  # France is an adopter in the act because the act has France as adopter
    assert inverse is not None and inverse.rule == "inverse"
    assert inverse.premises == (justify.Premise((act, GK.adopter, GKD.france), None),)
