"""The VoID description of a served dataset (VoID §4-§5), from counts taken once per data generation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD
from rdflib.term import Node

from govkg.namespaces import bind_prefixes
from govkg.targets import LINK_PREDICATES, site_of

__all__ = ["FORMAT_IRIS", "Counts", "Links", "count", "dump_names", "void"]

FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
# W3C's IRIs for the formats govkg writes (https://www.w3.org/ns/formats/).
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "json-ld": "JSON-LD",
    "nt": "N-Triples",
    "rdfxml": "RDF_XML",
    "trig": "TriG",
    "nquads": "N-Quads",
}

Select = Callable[[str], list[list[Node | None]]]


@dataclass
class Counts:
    """What the descriptions report, counted once over the served dataset."""

    graphs: dict[str, int]
    triples: int
    entities: int
    subjects: int
    objects: int
    classes: dict[str, int]
    properties: dict[str, int]
    linksets: list[tuple[str, str, int]] = field(default_factory=list)  # (predicate, target, triples)


def count(select: Select, base: str) -> Counts:
    """Count triples (each once, whichever graphs state it), entities, classes, properties and outgoing links with
    SPARQL over the default graph (the union of the graphs, a served file's own default graph included)."""
    one = lambda q: _int(select(q)[0][0])  # noqa: E731 - a local shorthand
    pairs = lambda q: {str(r[0]): _int(r[1]) for r in select(q)}  # noqa: E731
    return Counts(
        graphs=pairs("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"),
        triples=one("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"),
        entities=one(
            f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{base}")) }}'
        ),
        subjects=one("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        objects=one("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        classes=pairs("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"),
        properties=pairs(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } } GROUP BY ?p"
        ),
        linksets=_linksets(select, base),
    )


def _int(term: Node | None) -> int:
    """A count from a SELECT cell (0 when unbound)."""
    return int(str(term)) if term is not None else 0


def _linksets(select: Select, base: str) -> list[tuple[str, str, int]]:
    """Links from the dataset's own resources to another site, grouped by predicate and target site."""
    values = " ".join(f"<{p}>" for p in LINK_PREDICATES)
    rows = select(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o "
        f'FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{base}id/") && !STRSTARTS(STR(?o), "{base}")) }}'
    )
    groups: dict[tuple[str, str], int] = {}
    for _, predicate, target in rows:  # each link triple once, however many graphs state it
        site = "{0.scheme}://{0.netloc}/".format(urlsplit(str(target)))
        groups[(str(predicate), site)] = groups.get((str(predicate), site), 0) + 1
    return [(p, site, n) for (p, site), n in sorted(groups.items())]


@dataclass
class Links:
    """Where the dataset is served: its SPARQL endpoint and its dumps (format name → URL)."""

    endpoint: str
    dumps: dict[str, str]
    graph_dumps: dict[str, str]  # named graph IRI → URL of its Turtle dump


def void(counts: Counts, dataset: str, base: str, links: Links, title: str = "govkg") -> Graph:
    """A VoID description of the dataset (VoID §4): statistics, partitions, subsets, linksets, dumps."""
    g = bind_prefixes(Graph(), base)
    g.bind("void", VOID)
    node = URIRef(dataset)
    for p, o in [
        (RDF.type, VOID.Dataset),
        (DCTERMS.title, Literal(title)),
        (DCTERMS.license, LICENSE),
        (
            DCTERMS.description,
            Literal(
                "An open knowledge graph of international AI governance, "
                "every fact traced to the sentence that states it.",
                lang="en",
            ),
        ),
        (VOID.sparqlEndpoint, URIRef(links.endpoint)),
        (VOID.uriSpace, Literal(base)),
        (VOID.triples, Literal(counts.triples)),
        (VOID.entities, Literal(counts.entities)),
        (VOID.classes, Literal(len(counts.classes))),
        (VOID.properties, Literal(len(counts.properties))),
        (VOID.distinctSubjects, Literal(counts.subjects)),
        (VOID.distinctObjects, Literal(counts.objects)),
        (VOID.feature, FORMATS_NS.Turtle),
    ]:
        g.add((node, p, o))
    for url in links.dumps.values():
        g.add((node, VOID.dataDump, URIRef(url)))
    _partitions(g, node, counts)
    _subsets(g, node, counts, links)
    _linkset_nodes(g, node, counts)
    return g


def _partitions(g: Graph, node: URIRef, counts: Counts) -> None:
    """void:classPartition and void:propertyPartition with their sizes (VoID §4.5)."""
    for n, (cls, entities) in enumerate(sorted(counts.classes.items())):
        part = BNode(f"class{n}")
        g.add((node, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(entities)))
    for n, (prop, triples) in enumerate(sorted(counts.properties.items())):
        part = BNode(f"property{n}")
        g.add((node, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(triples)))
        namespace = _namespace(prop)
        if namespace:
            g.add((node, VOID.vocabulary, URIRef(namespace)))


def _namespace(iri: str) -> str:
    """The namespace of a term IRI (up to its last '#' or '/')."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut > 0 else ""


def _subsets(g: Graph, node: URIRef, counts: Counts, links: Links) -> None:
    """Each named graph as a void:subset with its size and dump."""
    for name, triples in sorted(counts.graphs.items()):
        subset = URIRef(name)
        g.add((node, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, VOID.triples, Literal(triples)))
        if name in links.graph_dumps:
            g.add((subset, VOID.dataDump, URIRef(links.graph_dumps[name])))


def _linkset_nodes(g: Graph, node: URIRef, counts: Counts) -> None:
    """One void:Linkset per (link predicate, target site) (VoID §5), and the target datasets it points into."""
    for n, (predicate, site, triples) in enumerate(counts.linksets):
        linkset = BNode(f"linkset{n}")
        g.add((node, VOID.subset, linkset))
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        g.add((linkset, VOID.subjectsTarget, node))
        g.add((linkset, VOID.objectsTarget, URIRef(site)))
        g.add((linkset, VOID.triples, Literal(triples, datatype=XSD.integer)))
        known = site_of(site)
        title = known.title if known else site
        g.add(
            (
                linkset,
                DCTERMS.title,
                Literal(f"{g.namespace_manager.normalizeUri(predicate)} links to {title}", lang="en"),
            )
        )
        _target(g, site)


def _target(g: Graph, site: str) -> None:
    """A target dataset of the linksets: a void:Dataset with its title, URI space and endpoint when known."""
    target = URIRef(site)
    g.add((target, RDF.type, VOID.Dataset))
    known = site_of(site)
    if known is None:
        return
    g.add((target, DCTERMS.title, Literal(known.title)))
    g.add((target, VOID.uriSpace, Literal(known.space)))
    if known.endpoint:
        g.add((target, VOID.sparqlEndpoint, URIRef(known.endpoint)))


def dump_names(graphs: Iterable[str], base: str) -> dict[str, str]:
    """Short names for the stored graphs in download URLs ('asserted', 'source/000_x'), IRI → name."""
    prefix = base + "graph/"
    return {g: g[len(prefix) :] for g in graphs if g.startswith(prefix) and g[len(prefix) :]}
