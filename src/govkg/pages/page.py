"""The page model of a resource description, computed from the same description as its RDF twin
(`govkg.pages.description`), so the HTML page and the twin say the same thing."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF
from rdflib.term import Node

from govkg.namespaces import GK, OA, rebase_iri
from govkg.pages.description import LABELS, Description, Quad, Triple
from govkg.pages.model import (
    GROUPS,
    PARTS,
    RECORD_LINKS,
    Catalogue,
    Inbound,
    Link,
    Page,
    Section,
    Source,
    Value,
    curie,
    name,
)
from govkg.targets import LINK_PREDICATES, target_of

__all__ = ["catalogue", "graph_name", "is_external", "page", "site"]


def catalogue(graph: Graph, base: str) -> Catalogue:
    """The index page model of a catalogue graph (govkg.pages.description.catalogue)."""
    names = _first_labels(graph)
    members: dict[Node, list[Node]] = {}
    for entity, cls in graph.subject_objects(RDF.type):
        members.setdefault(cls, []).append(entity)
    key = lambda node: name(names, node, base).casefold()  # noqa: E731 - the one sort order of the page
    return Catalogue([(cls, sorted(members[cls], key=key)) for cls in sorted(members, key=key)], names, base)


def page(description: Description, base: str) -> Page:
    """The page model of a description."""
    sources = _sources(description.records, Namespace(rebase_iri(str(GK), base)))
    facts = _grouped(description.facts)
    links = [
        Link(p, o, site(str(o)), graphs, sources.get((s, p, o), []))
        for (s, p, o), graphs in facts.items()
        if s == description.iri and is_external(p, o, base)
    ]
    skip: set[Triple] = {(description.iri, link.predicate, link.target) for link in links}
    sections = [_section(s, facts, sources, skip, base) for s in description.subjects]
    parts = sorted((s for s in sections[1:] if s.types or s.properties), key=_order)
    inbound = sorted(
        (
            Inbound(s, p, graphs, sources.get((s, p, o), []))
            for (s, p, o), graphs in _grouped(description.inbound).items()
        ),
        key=lambda fact: fact.predicate in RECORD_LINKS,
    )
    blanks: dict[Node, Section] = {
        s: _section(s, facts, sources, skip, base) for s in {s for s, _, _ in facts if isinstance(s, BNode)}
    }
    return Page(
        description.iri,
        _labels(description.facts, description.iri),
        [sections[0], *parts],
        links,
        inbound,
        description.inbound_count,
        _names(description),
        base,
        blanks,
    )


def graph_name(graph: str) -> str:
    """A named graph's short name ('asserted', 'source/000_x'): what follows '/graph/' in its IRI."""
    return graph.rsplit("/graph/", 1)[-1]


def is_external(predicate: Node, value: Node, base: str) -> bool:
    """A link to another site: a linking predicate whose value is an IRI outside the base."""
    return predicate in LINK_PREDICATES and isinstance(value, URIRef) and not str(value).startswith(base)


def site(iri: str) -> str:
    """The name of the graph an external IRI belongs to (its host when not a known one)."""
    known = target_of(iri)
    return known.title if known else iri.split("//", 1)[-1].split("/", 1)[0] or iri


def _grouped(quads: list[Quad]) -> dict[Triple, list[str]]:
    """Facts with the short names of the graphs stating them."""
    grouped: dict[Triple, set[str]] = {}
    for s, p, o, g in quads:
        grouped.setdefault((s, p, o), set()).add(graph_name(g))
    return {t: sorted(gs) for t, gs in grouped.items()}


def _section(
    subject: Node, facts: dict[Triple, list[str]], sources: dict[Triple, list[Source]], skip: set[Triple], base: str
) -> Section:
    """The facts of one subject, types apart (external links go to their own section)."""
    properties: dict[Node, list[Value]] = {}
    types: list[Value] = []
    for (s, p, o), graphs in facts.items():
        if s == subject and (s, p, o) not in skip:
            value = Value(o, graphs, sources.get((s, p, o), []))
            (types if p == RDF.type else properties.setdefault(p, [])).append(value)
    order = sorted(properties, key=lambda p: curie(str(p), base))
    return Section(
        subject,
        str(subject).partition("#")[2],
        _group(types),
        sorted(types, key=_value_key),
        [(p, sorted(properties[p], key=_value_key)) for p in order],
    )


def _value_key(value: Value) -> tuple[bool, str]:
    """Stated values before inferred ones, then by value."""
    return (value.inferred, str(value.node))


def _group(types: list[Value]) -> str:
    """The page group of a fragment, from its types."""
    stated = {t.node for t in types}
    return next((name for cls, name in GROUPS if cls in stated), PARTS)


def _order(section: Section) -> tuple[int, str]:
    """Parts in group order, then by fragment."""
    groups = [name for _, name in GROUPS]
    return (groups.index(section.group) if section.group in groups else len(groups), section.anchor.lower())


def _labels(quads: list[Quad], iri: URIRef) -> dict[str, list[str]]:
    """The IRI's own labels by language."""
    labels: dict[str, set[str]] = {}
    for s, p, o, _ in quads:
        if s == iri and p in LABELS and isinstance(o, Literal):
            labels.setdefault(o.language or "", set()).add(str(o))
    return {lang: sorted(values) for lang, values in sorted(labels.items())}


def _names(description: Description) -> dict[Node, dict[str, str]]:
    """The first label by language of every IRI the page shows, its parts included."""
    graph = Graph()
    for s, p, o, _ in description.facts:
        graph.add((s, p, o))
    return _first_labels(graph + description.labels)


def _first_labels(graph: Graph) -> dict[Node, dict[str, str]]:
    """The first label (in IRI, then text order) of each node in `graph`, by language."""
    names: dict[Node, dict[str, str]] = {}
    for s, p, o in sorted(graph, key=lambda t: (str(t[0]), str(t[2]))):
        if p in LABELS and isinstance(o, Literal):
            names.setdefault(s, {}).setdefault(o.language or "", str(o))
    return names


def _sources(records: Graph, gk: Namespace) -> dict[Triple, list[Source]]:
    """The sources of each fact, from the records stating it."""
    found: dict[Triple, list[Source]] = {}
    for record in sorted(set(records.subjects(RDF.subject, None)), key=str):
        fact = tuple(records.value(record, p) for p in (RDF.subject, RDF.predicate, RDF.object))
        found.setdefault(fact, []).append(_source(records, record, gk))  # type: ignore[arg-type]
    return found


def _source(records: Graph, record: Node, gk: Namespace) -> Source:
    """A claim's quote, offsets, file and sentence, or a link record's confidence and evidence."""
    target = records.value(record, OA.hasTarget)
    selectors = list(records.objects(target, OA.hasSelector)) if target is not None else []
    quote = next((records.value(s, OA.exact) for s in selectors if (s, OA.exact, None) in records), None)
    position = next((s for s in selectors if (s, OA.start, None) in records), None)
    origin = records.value(record, PROV.wasDerivedFrom)
    return Source(
        record,
        _text(quote),
        _text(records.value(origin, DCTERMS.identifier) if origin else None),
        _int(records, position, OA.start),
        _int(records, position, OA.end),
        records.value(target, gk.sentence) if target is not None else None,
        _text(records.value(record, gk.confidence)),
        _text(records.value(record, gk.evidence)),
        origin,
    )


def _text(node: Node | None) -> str | None:
    """A literal's text (None stays None)."""
    return None if node is None else str(node)


def _int(records: Graph, node: Node | None, predicate: URIRef) -> int | None:
    """An integer value of `node` (a code-point offset), if any."""
    value = records.value(node, predicate) if node is not None else None
    return int(str(value)) if value is not None else None
