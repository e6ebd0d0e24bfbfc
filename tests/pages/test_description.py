"""Resource descriptions (govkg.pages.description, govkg.pages.page) over a small govkg-shaped dataset, on both
engines."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from govkg.engine import FILE_ENGINES, Source, open_engine
from govkg.engine import select as engine_select
from govkg.namespaces import DEFAULT_BASE, GK, GKD, OA
from govkg.pages import description as resource
from govkg.pages import model, page

SAMPLE = Path(__file__).parents[1] / "resources" / "sample.trig"
HOSTILE = Path(__file__).parents[1] / "resources" / "hostile.ttl"
BASE = DEFAULT_BASE
CLAIM = BASE + "claim/doc-summit-location-atlantis"
Select = Callable[[str], list[list[Node | None]]]


@pytest.fixture(scope="module")
def data() -> Dataset:
    """The sample, parsed independently of the engines (where the expected values come from)."""
    ds = Dataset()
    ds.parse(SAMPLE, format="trig")
    return ds


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def select(request: pytest.FixtureRequest) -> Select:
    """SELECT over the sample's union graph with one engine, as the web app's State.select does."""
    engine = open_engine(request.param, [Source(SAMPLE)], BASE)
    return lambda query: engine_select(engine, query)


def union(ds: Dataset) -> Graph:
    """All the named graphs' triples."""
    merged = Graph()
    for graph in ds.graphs():
        merged += graph
    return merged


def describe(select: Select, iri: str, limit: int = resource.INBOUND_LIMIT) -> resource.Description:
    """The description of `iri` in the sample."""
    return resource.gather(select, iri, resource.index(select, BASE), limit)


def test_index_holds_every_iri_under_the_base(select: Select, data: Dataset) -> None:
    terms = {str(t) for q in data.quads() for t in q if isinstance(t, URIRef) and str(t).startswith(BASE)}
    graphs = [str(g.identifier) for g in data.graphs() if str(g.identifier).startswith(BASE)]
    index = resource.index(select, BASE, graphs)
    assert set(index.fragments) == {t.partition("#")[0] for t in terms}
    assert set(index.fragments[CLAIM]) == {t for t in terms if t.startswith(CLAIM + "#")}
    version = union(data).value(URIRef(BASE + "ontology"), OWL.versionIRI)
    assert index.resolve(str(version)) == BASE + "ontology"
    assert index.resolve(BASE + "id/nothing") is None


@pytest.mark.parametrize("path", ["id/atlantis", "claim/doc-summit-location-atlantis", "ontology", "source/doc"])
def test_twin_is_the_description_and_nothing_else(select: Select, data: Dataset, path: str) -> None:
    iri, g = BASE + path, union(data)
    everything = {t for t in g if not any(isinstance(n, BNode) for n in t)}
    own = {t for t in everything if str(t[0]).partition("#")[0] == iri}
    inbound = {t for t in everything if t[2] == URIRef(iri) and t not in own}
    shown = {n for s, p, o in own | inbound for n in (s, p, o)}
    labels = {t for t in everything if t[1] in resource.LABELS and t[0] in shown}
    records = _record_triples(g, own | inbound)
    twin = {_plain(t) for t in resource.twin(describe(select, iri)) if not any(isinstance(n, BNode) for n in t)}
    assert {_plain(t) for t in own | inbound | labels | records} == twin
    assert records or path != "id/atlantis"


def _plain(triple: tuple) -> tuple:
    """A triple with integer literals compared by value: Oxigraph stores derived integer types as xsd:integer
    (oxigraph/oxigraph#526), as the README says."""
    s, p, o = triple
    return (s, p, Literal(int(o)) if isinstance(o, Literal) and o.datatype in INTEGERS else o)


INTEGERS = {XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger}


def _record_triples(g: Graph, facts: set) -> set:
    """The triples of the records stating `facts`, of their targets and selectors, and their documents' names."""
    records = {
        r
        for r in g.subjects(RDF.subject, None)
        if (g.value(r, RDF.subject), g.value(r, RDF.predicate), g.value(r, RDF.object)) in facts
    }
    targets = {t for r in records for t in g.objects(r, OA.hasTarget)}
    parts = records | targets | {s for t in targets for s in g.objects(t, OA.hasSelector)}
    documents = {d for r in records for d in g.objects(r, PROV.wasDerivedFrom)}
    return {t for t in g if t[0] in parts} | {t for d in documents for t in g.triples((d, DCTERMS.identifier, None))}


def test_blank_nodes_are_followed(select: Select, data: Dataset) -> None:
    twin = resource.twin(describe(select, BASE + "ontology"))
    expected = union(data).value(GK.adopts, OWL.propertyChainAxiom)
    chain = twin.value(GK.adopts, OWL.propertyChainAxiom)
    assert list(Collection(twin, chain)) == list(Collection(union(data), expected))
    model = page.page(describe(select, BASE + "ontology"), BASE)
    assert model.items(chain) == list(Collection(union(data), expected))


@pytest.mark.parametrize("engine", sorted(FILE_ENGINES))
def test_blank_nodes_are_read_once_a_graph_and_followed_to_a_depth(engine: str) -> None:
    opened = open_engine(engine, [Source(HOSTILE, BASE + "graph/hostile")], BASE)
    queries: list[str] = []

    def select(query: str) -> list[list[Node | None]]:
        queries.append(query)
        return engine_select(opened, query)

    idx, cache = resource.index(select, BASE), {}
    tangle = resource.gather(select, BASE + "id/tangle", idx, blanks=cache)
    read = len(queries)
    deep = resource.gather(select, BASE + "id/deep", idx, blanks=cache)
    assert not [q for q in queries[read:] if "isBlank" in q]  # the graph's blank nodes were read for the tangle
    data = Graph().parse(HOSTILE)
    chain = [data.value(GKD.deep, RDFS.seeAlso)]
    while isinstance(data.value(chain[-1], RDFS.seeAlso), BNode):
        chain.append(data.value(chain[-1], RDFS.seeAlso))
    described = {s for s, _, _, _ in deep.facts if isinstance(s, BNode)}
    assert len(chain) > len(described) == resource.MAX_BLANK_DEPTH
    items = list(Collection(data, data.value(GKD.tangle, RDF.value)))
    [head] = [o for s, p, o, _ in tangle.facts if s == GKD.tangle and p == RDF.value]
    members = list(Collection(resource.twin(tangle), head))  # a list counts as one level, however long
    assert len(members) == len(items) > resource.MAX_BLANK_DEPTH
    assert [str(m) for m in members if isinstance(m, Literal)] == [str(i) for i in items if isinstance(i, Literal)]


def test_page_of_an_entity(select: Select, data: Dataset) -> None:
    g, atlantis = union(data), GKD.atlantis
    model = page.page(describe(select, str(atlantis)), BASE)
    assert model.labels == {lit.language: [str(lit)] for lit in g.objects(atlantis, RDFS.label)}
    assert model.title() == next(str(o) for o in g.objects(atlantis, RDFS.label) if o.language == "en")
    types = {v.node: v.inferred for v in model.main.types}
    assert types == {
        o: (atlantis, RDF.type, o) not in data.graph(URIRef(BASE + "graph/entities"))
        for o in g.objects(atlantis, RDF.type)
    }
    [link] = model.links
    assert (link.site, link.target, link.graphs) == ("Wikidata", g.value(atlantis, OWL.sameAs), ["links"])
    record = URIRef(BASE + "link/atlantis/wikidata")
    assert [(s.confidence, s.evidence) for s in link.sources] == [
        (str(g.value(record, GK.confidence)), str(g.value(record, GK.evidence)))
    ]
    assert OWL.sameAs not in dict(model.main.properties)  # the link has its own section


def test_inbound_facts_carry_their_quotes(select: Select, data: Dataset) -> None:
    g = union(data)
    model = page.page(describe(select, str(GKD.atlantis)), BASE)
    fact = next(f for f in model.inbound if f.subject == GKD.summit)
    [source] = fact.sources
    target = g.value(URIRef(CLAIM), OA.hasTarget)
    selectors = list(g.objects(target, OA.hasSelector))
    quote = next(g.value(s, OA.exact) for s in selectors if g.value(s, OA.exact))
    position = next(s for s in selectors if g.value(s, OA.start) is not None)
    document = g.value(URIRef(CLAIM), PROV.wasDerivedFrom)
    assert (source.quote, source.file) == (str(quote), str(g.value(document, DCTERMS.identifier)))
    assert (source.start, source.end) == (int(g.value(position, OA.start)), int(g.value(position, OA.end)))
    assert source.sentence == g.value(target, GK.sentence) and fact.graphs == ["asserted"]


def test_inbound_facts_past_the_limit_are_counted(select: Select, data: Dataset) -> None:
    g = union(data)
    pairs = {(s, p) for s, p, _ in g.triples((None, None, GKD.atlantis))}
    description = describe(select, str(GKD.atlantis), limit=1)
    assert len(description.inbound) == 1 and description.inbound_count == len(pairs) > 1
    model = page.page(description, BASE)
    assert model.links[0].sources  # records are still found when the inbound facts were cut


def test_ontology_parts_are_grouped_by_kind(select: Select, data: Dataset) -> None:
    g = union(data)
    model = page.page(describe(select, BASE + "ontology"), BASE)
    groups = {name: {s.anchor for s in sections} for name, sections in model.parts()}
    assert groups["Classes"] == {str(c).partition("#")[2] for c in g.subjects(RDF.type, OWL.Class)}
    assert groups["Object properties"] == {str(c).partition("#")[2] for c in g.subjects(RDF.type, OWL.ObjectProperty)}
    assert [name for name, _ in model.parts()][:2] == ["Classes", "Object properties"]


def test_labels_of_neighbours(select: Select, data: Dataset) -> None:
    g = union(data)
    model = page.page(describe(select, str(GKD.summit)), BASE)
    english = {s: str(o) for s, o in g.subject_objects(SKOS.prefLabel) if o.language == "en"}
    english.update({s: str(o) for s, o in g.subject_objects(RDFS.label) if o.language == "en"})
    assert model.name(GKD.theme) == english[GKD.theme]
    assert model.name(URIRef("https://schema.org/location")) == english[URIRef("https://schema.org/location")]
    assert model.name(URIRef(BASE + "id/unknown")) == "gkd:unknown"


@pytest.mark.parametrize(
    "iri", ["http://x/a> } ; DROP ALL", "http://x/a b", 'http://x/"', "http://x/{", "", "http://x/\n"]
)
def test_iri_ref_refuses_what_could_break_out_of_the_query(iri: str) -> None:
    with pytest.raises(ValueError):
        resource.iri_ref(iri)


def test_iri_ref_keeps_a_normal_iri() -> None:
    assert resource.iri_ref(BASE + "id/côte-d'ivoire") == f"<{BASE}id/côte-d'ivoire>"


def test_names_and_sites() -> None:
    assert model.curie(str(GK.State), BASE) == "gk:State"
    assert model.curie("http://example.org/x", BASE) == "http://example.org/x"
    assert page.site("http://www.wikidata.org/entity/Q142") == "Wikidata"
    assert page.site("https://example.org/a/b") == "example.org"
    assert page.is_external(OWL.sameAs, URIRef("http://dbpedia.org/resource/France"), BASE)
    assert not page.is_external(OWL.sameAs, GKD.france, BASE)
    assert not page.is_external(OWL.sameAs, Literal("http://dbpedia.org/resource/France"), BASE)


def test_catalogue_lists_entities_by_stated_class(select: Select, data: Dataset) -> None:
    graph = resource.catalogue(select, BASE)
    stated = {
        (s, o)
        for g in data.graphs()
        if not str(g.identifier).endswith("/inferred")
        for s, o in g.subject_objects(RDF.type)
        if str(s).startswith(BASE + "id/")
    }
    assert set(graph.subject_objects(RDF.type)) == stated
    model = page.catalogue(graph, BASE)
    assert {(e, cls) for cls, members in model.classes for e in members} == stated
    assert model.name(GKD.atlantis) == next(
        str(o) for o in union(data).objects(GKD.atlantis, RDFS.label) if o.language == "en"
    )
