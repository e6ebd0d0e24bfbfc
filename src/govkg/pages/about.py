"""What the "about the data" page says: the VoID description (`pages/void.py`) read back as plain figures and
tables, with prefixed names and the labels of the classes and properties (data, not HTML)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID
from rdflib.term import Node

from govkg.pages.description import iri_ref, is_iriref
from govkg.pages.model import curie

__all__ = ["STATISTICS", "About", "Count", "Linkset", "Subset", "about", "labels"]

Select = Callable[[str], list[list[Node | None]]]
# The dataset's statistics in the order the page lists them: (VoID property, message key suffix).
STATISTICS = (
    (VOID.triples, "triples"),
    (VOID.entities, "entities"),
    (VOID.classes, "classes"),
    (VOID.properties, "properties"),
    (VOID.distinctSubjects, "subjects"),
    (VOID.distinctObjects, "objects"),
)


@dataclass(frozen=True)
class Count:
    """A class or property of the dataset: its IRI, prefixed name, labels by language and count."""

    iri: str
    curie: str
    labels: dict[str, str]
    count: int


@dataclass(frozen=True)
class Subset:
    """A named graph: IRI, prefixed name, size and the URL of its dump."""

    iri: str
    curie: str
    triples: int
    dump: str | None


@dataclass(frozen=True)
class Linkset:
    """Links from the dataset into another one: the link predicate (prefixed), the target, its title, the size."""

    predicate: str
    target: str
    title: str
    triples: int


@dataclass(frozen=True)
class About:
    """The VoID description as the page shows it."""

    dataset: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    licence: str | None
    endpoint: str | None
    uri_space: str | None
    statistics: tuple[tuple[str, int], ...]
    dumps: tuple[str, ...]
    classes: tuple[Count, ...]
    properties: tuple[Count, ...]
    graphs: tuple[Subset, ...]
    linksets: tuple[Linkset, ...]
    vocabularies: tuple[str, ...]


def about(void: Graph, dataset: str, base: str, names: dict[str, dict[str, str]]) -> About:
    """Read the VoID graph of `dataset`; `names` gives the labels of classes and properties (IRI → language →
    label). Counts are plain numbers; classes and properties are listed by count, the largest first."""
    node = URIRef(dataset)
    one = lambda s, p: void.value(s, p)  # noqa: E731 - a local shorthand
    return About(
        dataset,
        _texts(void.objects(node, DCTERMS.title)),
        _texts(void.objects(node, DCTERMS.description)),
        _str(one(node, DCTERMS.license)),
        _str(one(node, VOID.sparqlEndpoint)),
        _str(one(node, VOID.uriSpace)),
        tuple((key, _int(one(node, p))) for p, key in STATISTICS if one(node, p) is not None),
        tuple(sorted(str(o) for o in void.objects(node, VOID.dataDump))),
        _partitions(void, node, VOID.classPartition, VOID["class"], VOID.entities, base, names),
        _partitions(void, node, VOID.propertyPartition, VOID.property, VOID.triples, base, names),
        _subsets(void, node, base),
        _linksets(void, base),
        tuple(sorted(str(o) for o in void.objects(node, VOID.vocabulary))),
    )


def _texts(literals: Iterable[Node]) -> dict[str, str]:
    """Literals by language ('' for none)."""
    return {(t.language or ""): str(t) for t in literals if isinstance(t, Literal)}


def _str(node: Node | None) -> str | None:
    """A node's text, None when absent."""
    return None if node is None else str(node)


def _int(node: Node | None) -> int:
    """A count from a literal (0 when absent or not a number)."""
    text = str(node) if node is not None else ""
    return int(text) if text.isdigit() else 0


def _partitions(
    void: Graph, node: URIRef, link: URIRef, key: URIRef, size: URIRef, base: str, names: dict[str, dict[str, str]]
) -> tuple[Count, ...]:
    """The class or property partitions of the dataset (VoID §4.5), the largest first."""
    found = []
    for part in void.objects(node, link):
        iri = _str(void.value(part, key))
        if iri is not None:
            found.append(Count(iri, curie(iri, base), dict(names.get(iri, {})), _int(void.value(part, size))))
    return tuple(sorted(found, key=lambda c: (-c.count, c.curie)))


def _subsets(void: Graph, node: URIRef, base: str) -> tuple[Subset, ...]:
    """The named graphs (subsets that are datasets, not linksets), by IRI."""
    found = [
        Subset(str(s), curie(str(s), base), _int(void.value(s, VOID.triples)), _str(void.value(s, VOID.dataDump)))
        for s in void.objects(node, VOID.subset)
        if (s, RDF.type, VOID.Linkset) not in void
    ]
    return tuple(sorted(found, key=lambda s: s.iri))


def _linksets(void: Graph, base: str) -> tuple[Linkset, ...]:
    """The linksets: predicate, target dataset and its title, size."""
    found = []
    for linkset in void.subjects(RDF.type, VOID.Linkset):
        target = str(void.value(linkset, VOID.objectsTarget))
        title = void.value(URIRef(target), DCTERMS.title)
        predicate = curie(str(void.value(linkset, VOID.linkPredicate)), base)
        found.append(Linkset(predicate, target, str(title or target), _int(void.value(linkset, VOID.triples))))
    return tuple(sorted(found, key=lambda ls: (ls.target, ls.predicate)))


def labels(select: Select, iris: Iterable[str]) -> dict[str, dict[str, str]]:
    """rdfs:label of each IRI by language (the first label read in each language)."""
    values = " ".join(iri_ref(iri) for iri in sorted(set(iris)) if is_iriref(iri))
    if not values:
        return {}
    found: dict[str, dict[str, str]] = {}
    for term, label in select(f"SELECT ?t ?l WHERE {{ VALUES ?t {{ {values} }} ?t rdfs:label ?l }} ORDER BY ?t ?l"):
        if isinstance(label, Literal):
            found.setdefault(str(term), {}).setdefault(label.language or "", str(label))
    return found
