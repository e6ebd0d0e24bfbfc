"""Linked-data descriptions of the IRIs under the base, from a few SPARQL queries: the RDF twin and its page.

A description covers the IRI and its fragments (`IRI#...`): that is how a claim includes its target and
selectors and how the ontology includes every `gk:` term. Only IRIs found in the data are described, and every
IRI put into query text is checked against the IRIREF production first (SPARQL 1.1 Query §19.8). The page
model (`govkg.pages.page`) is computed from the description, so the HTML and the twin state the same facts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS
from rdflib.term import Node

from govkg.lexer import IRIREF
from govkg.namespaces import PREFIXES

__all__ = [
    "INBOUND_LIMIT",
    "LABELS",
    "MAX_BLANK_DEPTH",
    "Blanks",
    "Description",
    "Index",
    "catalogue",
    "gather",
    "index",
    "iri_ref",
    "is_iriref",
    "twin",
]

Select = Callable[[str], list[list[Node | None]]]
Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, str]  # a fact and the IRI of the named graph stating it
Blanks = dict[str, dict[Node, list[tuple[Node, Node]]]]  # graph IRI → blank node → its (predicate, object)s

INBOUND_LIMIT = 500  # inbound facts shown (and put in the twin); the page gives the full count
LABELS = (RDFS.label, SKOS.prefLabel)

_TERMS = "SELECT DISTINCT ?t WHERE { { ?t ?p ?o } UNION { ?s ?t ?o } UNION { ?s ?p ?t } }"
_VERSIONS = "SELECT ?v ?o WHERE { ?o <http://www.w3.org/2002/07/owl#versionIRI> ?v }"
_OUTBOUND = "SELECT ?s ?p ?o ?g WHERE {{ VALUES ?s {{ {subjects} }} GRAPH ?g {{ ?s ?p ?o }} }}"
# The triples whose subject is a blank node, in the named graphs where a description meets blank nodes (they are
# local to a graph). The closure is walked here rather than by a chain of patterns, whose rows grow with the paths
# (2^n through n shared nodes in a row) and which a cycle never ends; each graph is read once (the `blanks` cache).
_BLANK_TRIPLES = "SELECT ?s ?p ?o ?g WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o FILTER(isBlank(?s)) }} }}"
MAX_BLANK_DEPTH = 32  # blank nodes followed one inside another (the cells of an RDF list count as one)
_INBOUND = "SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {iri} }} }} ORDER BY ?p ?s ?g LIMIT {limit}"
_INBOUND_COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {iri} }} }}"
# One pattern per label property rather than a FILTER: rdflib's evaluator then looks each node up by index.
_LABELS = "SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {nodes} }} {patterns} }}"
_PREFIXES = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rdf", "oa", "prov", "dct"))
# The records (gk:Claim, gk:Link) stating a fact with the IRI as subject or object. They are among the subjects
# of the inbound facts, so this query is only needed when those were cut at the limit.
_RECORD_IDS = _PREFIXES + "SELECT DISTINCT ?r WHERE {{ {{ ?r rdf:subject {iri} }} UNION {{ ?r rdf:object {iri} }} }}"
# The records with their targets, their targets' selectors and the file name of the document each comes from.
_RECORDS = (
    _PREFIXES
    + """SELECT ?s ?p ?o WHERE {{ VALUES ?r {{ {records} }}
  {{ ?r ?p ?o BIND(?r AS ?s) }} UNION {{ ?r oa:hasTarget ?s . ?s ?p ?o }}
  UNION {{ ?r oa:hasTarget/oa:hasSelector ?s . ?s ?p ?o }}
  UNION {{ ?r prov:wasDerivedFrom ?s . ?s dct:identifier ?o BIND(dct:identifier AS ?p) }} }}"""
)


# The entities under a prefix with the classes the data states for them (the OWL 2 RL closure adds every
# superclass, which would list each entity many times over).
_CATALOGUE = (
    "SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s a ?o }} FILTER(?g != {inferred} && isIRI(?s) && "
    'STRSTARTS(STR(?s), "{prefix}")) }}'
)  # the prefix is a checked IRIREF: no quote or backslash


def is_iriref(iri: str) -> bool:
    """Is `iri` a valid SPARQL IRIREF (SPARQL 1.1 Query §19.8: no space, control character, <>"{}|^` or \\)?"""
    return bool(iri) and IRIREF.fullmatch(iri) is not None


def iri_ref(iri: str) -> str:
    """`<iri>` for query text; ValueError if it is not a valid SPARQL IRIREF (so it cannot break out)."""
    if not is_iriref(iri):
        raise ValueError(f"not an IRI usable in a query: {iri!r}")
    return f"<{iri}>"


@dataclass(frozen=True)
class Index:
    """The IRIs under the base that occur in the dataset (fragment stripped), with their fragment IRIs."""

    fragments: dict[str, tuple[str, ...]]
    aliases: dict[str, str] = field(default_factory=dict)  # version IRI → the ontology it is a version of

    def resolve(self, iri: str) -> str | None:
        """The IRI to describe for `iri` (itself, or the ontology of a version IRI); None if unknown."""
        target = self.aliases.get(iri, iri)
        return target if target in self.fragments else None


def index(select: Select, base: str, graphs: Iterable[str] = ()) -> Index:
    """Every IRI under `base` that occurs as subject, predicate, object or graph name, grouped by document."""
    terms = {str(t) for (t,) in _rows(select, _TERMS) if isinstance(t, URIRef)} | set(graphs)
    fragments: dict[str, list[str]] = {}
    for term in sorted(t for t in terms if t.startswith(base)):
        document, hash_, _ = term.partition("#")
        fragments.setdefault(document, [])
        if hash_:
            fragments[document].append(term)
    aliases = {str(v): str(o) for v, o in _rows(select, _VERSIONS) if str(v).startswith(base) and v != o}
    return Index({d: tuple(f) for d, f in fragments.items()}, aliases)


@dataclass
class Description:
    """What the dataset says about one IRI: the facts about it and its fragments, the facts pointing at it,
    the labels of every neighbour, and the records (claims, links) stating those facts."""

    iri: URIRef
    subjects: tuple[URIRef, ...]  # the IRI and its fragments
    facts: list[Quad]
    inbound: list[Quad]
    inbound_count: int  # all inbound facts (subject, predicate), shown or not
    labels: Graph
    records: Graph


def gather(
    select: Select,
    iri: str,
    idx: Index,
    limit: int = INBOUND_LIMIT,
    known: dict[Node, list[Triple]] | None = None,
    blanks: Blanks | None = None,
) -> Description:
    """Query the dataset for the description of `iri`, a document IRI of `idx`. `known` keeps labels already
    read and `blanks` the blank nodes of the graphs read so far (the data does not change while it is served)."""
    subjects = tuple(URIRef(s) for s in (iri, *idx.fragments.get(iri, ())))
    facts = [(s, p, o, str(g)) for s, p, o, g in _rows(select, _OUTBOUND.format(subjects=_values(subjects)))]
    facts += _blanks(select, facts, {} if blanks is None else blanks)
    inbound, count = _inbound(select, URIRef(iri), subjects, limit)
    shown = {(s, p, o) for s, p, o, _ in facts + inbound}
    complete = count == len({(s, p) for s, p, _, _ in inbound})
    records = _records(select, iri, inbound if complete else None, shown)
    labels = _labels(select, _neighbours(facts, inbound, subjects), {} if known is None else known)
    return Description(URIRef(iri), subjects, facts, inbound, count, labels, records)


def twin(description: Description) -> Graph:
    """The RDF twin of a page: its facts, the inbound facts it shows, neighbours' labels and the records."""
    graph = Graph()
    for s, p, o, _ in description.facts + description.inbound:
        graph.add((s, p, o))
    graph += description.labels
    graph += description.records
    return graph


def catalogue(select: Select, base: str, known: dict[Node, list[Triple]] | None = None) -> Graph:
    """The entities under <base>id/ with their stated classes, and the labels of both: the index of entities."""
    query = _CATALOGUE.format(inferred=iri_ref(base + "graph/inferred"), prefix=iri_ref(base + "id/")[1:-1])
    graph = _graph((s, RDF.type, o) for s, o in _rows(select, query))
    nodes = sorted({n for s, _, o in graph for n in (s, o) if isinstance(n, URIRef)})
    graph += _labels(select, nodes, {} if known is None else known)
    return graph


def _rows(select: Select, query: str) -> list[tuple[Node, ...]]:
    """The rows of a SELECT whose variables are all bound."""
    return [tuple(t for t in row if t is not None) for row in select(query) if None not in row]


def _values(nodes: Iterable[Node]) -> str:
    """A VALUES block body of the IRIs among `nodes` that are safe in query text."""
    refs = []
    for node in nodes:
        try:
            refs.append(iri_ref(str(node)))
        except ValueError:
            continue  # an IRI the store accepted but SPARQL cannot spell: it simply gets no label
    return " ".join(refs)


def _graph(rows: Iterable[tuple[Node, ...]]) -> Graph:
    """A graph of (s, p, o) rows."""
    graph = Graph()
    for s, p, o in rows:
        graph.add((s, p, o))
    return graph


def _blanks(select: Select, facts: list[Quad], cache: Blanks) -> list[Quad]:
    """The triples of the blank nodes the facts lead to through blank nodes of the same graph (the blank-node
    closure of a Concise Bounded Description; OWL property chains are RDF lists), MAX_BLANK_DEPTH deep."""
    level: list[tuple[Node, str]] = [(o, g) for _, _, o, g in facts if isinstance(o, BNode)]
    triples = _blank_triples(select, sorted({g for _, g in level}), cache)
    found: dict[Quad, None] = {}
    seen = set(level)
    for _ in range(MAX_BLANK_DEPTH):
        deeper: list[tuple[Node, str]] = []
        while level:
            node, graph = level.pop()
            for p, o in triples[graph].get(node, ()):
                found[(node, p, o, graph)] = None
                if isinstance(o, BNode) and (o, graph) not in seen:
                    seen.add((o, graph))
                    (level if p == RDF.rest else deeper).append((o, graph))  # a list's cells: one level
        level = deeper
    return list(found)


def _blank_triples(select: Select, graphs: list[str], cache: Blanks) -> Blanks:
    """The triples of every blank node of `graphs` by graph and subject, read from the dataset unless cached."""
    missing = [g for g in graphs if g not in cache]
    if missing:
        read: Blanks = {g: {} for g in missing}
        for s, p, o, g in _rows(select, _BLANK_TRIPLES.format(graphs=_values(URIRef(g) for g in missing))):
            read[str(g)].setdefault(s, []).append((p, o))
        cache.update(read)
    return {g: cache.get(g, {}) for g in graphs}


def _inbound(select: Select, iri: URIRef, subjects: tuple[URIRef, ...], limit: int) -> tuple[list[Quad], int]:
    """Up to `limit` facts pointing at `iri` from elsewhere, and how many (subject, predicate) there are."""
    rows = _rows(select, _INBOUND.format(iri=iri_ref(iri), limit=limit + 1))
    quads: list[Quad] = [(s, p, iri, str(g)) for s, p, g in rows if s not in subjects]
    if len(rows) <= limit:
        return quads, len({(s, p) for s, p, _, _ in quads})
    count = int(str(_rows(select, _INBOUND_COUNT.format(iri=iri_ref(iri)))[0][0]))
    return quads[:limit], count


def _records(select: Select, iri: str, inbound: list[Quad] | None, shown: set[Triple]) -> Graph:
    """The records stating shown facts about `iri`, found among the inbound facts when all were read."""
    if inbound is None:
        found = {r for (r,) in _rows(select, _RECORD_IDS.format(iri=iri_ref(iri)))}
    else:
        found = {s for s, p, _, _ in inbound if p in (RDF.subject, RDF.object)}
    values = _values(sorted(found, key=str))
    return _reachable(_graph(_rows(select, _RECORDS.format(records=values))), shown) if values else Graph()


def _reachable(found: Graph, shown: set[Triple]) -> Graph:
    """The records stating a shown fact, with everything reachable from them in `found` (target, selectors,
    document identifier); records of facts the page does not show are left out, so page and twin agree."""
    todo = [r for r in set(found.subjects(RDF.subject, None)) if _fact(found, r) in shown]
    out, seen = Graph(), set(todo)
    while todo:
        for triple in found.triples((todo.pop(), None, None)):
            out.add(triple)
            if (triple[2], None, None) in found and triple[2] not in seen:
                seen.add(triple[2])
                todo.append(triple[2])
    return out


def _fact(records: Graph, record: Node) -> tuple[Node | None, ...]:
    """The (subject, predicate, object) a record states."""
    return tuple(records.value(record, p) for p in (RDF.subject, RDF.predicate, RDF.object))


def _neighbours(facts: list[Quad], inbound: list[Quad], subjects: tuple[URIRef, ...]) -> list[URIRef]:
    """The IRIs a page shows besides its own: predicates, values, types, inbound subjects."""
    nodes = {n for _, p, o, _ in facts for n in (p, o)} | {n for s, p, _, _ in inbound for n in (s, p)}
    return sorted(n for n in nodes if isinstance(n, URIRef) and n not in subjects)


def _labels(select: Select, nodes: list[URIRef], known: dict[Node, list[Triple]]) -> Graph:
    """The labels of `nodes` (rdfs:label, skos:prefLabel), read from the dataset unless already `known`."""
    missing = [n for n in nodes if n not in known]
    values = _values(missing)
    if values:
        patterns = " UNION ".join(f"{{ ?s <{p}> ?o BIND(<{p}> AS ?p) }}" for p in LABELS)
        found: dict[Node, list[Triple]] = {n: [] for n in missing}
        for s, p, o in _rows(select, _LABELS.format(nodes=values, patterns=patterns)):
            found[s].append((s, p, o))
        known.update(found)
    graph = Graph()
    for node in nodes:
        for triple in known.get(node, ()):
            graph.add(triple)
    return graph
