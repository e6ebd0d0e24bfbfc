"""Find where sources disagree, so the graph can show both claims instead of silently picking one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from govkg.extract import accounts
from govkg.extract.claims import Claim, slug
from govkg.namespaces import GK, GKD, SCHEMA, bind_prefixes

__all__ = ["find", "graph", "single_valued"]

Key = tuple[Node, URIRef]
_DATE_TYPES = {XSD.date, XSD.gYearMonth, XSD.gYear}


def single_valued(ontology: Graph) -> set[URIRef]:
    """Properties the ontology marks `gk:singleValued true`."""
    return {p for p in ontology.subjects(GK.singleValued, Literal(True)) if isinstance(p, URIRef)}


def find(claims: list[Claim], properties: set[URIRef]) -> dict[Key, set[Claim]]:
    """Group the claims that conflict, by the (subject, property) they disagree on."""
    found: dict[Key, set[Claim]] = defaultdict(set)
    for key, group in _by_key(claims, properties).items():
        found[key].update(a for a in group if any(not _compatible(a.obj, b.obj) for b in group))
    for key, pair in _sessions_before_event(claims):
        found[key].update(pair)
    for key, conflicting in accounts.conflicts(claims, _compatible):
        found[key].update(conflicting)
    return dict(found)


def _by_key(claims: Iterable[Claim], properties: set[URIRef]) -> dict[Key, list[Claim]]:
    """Claims on single-valued properties, grouped by (subject, property)."""
    groups: dict[Key, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.predicate in properties:
            groups[(claim.subject, claim.predicate)].append(claim)
    return groups


def _sessions_before_event(claims: list[Claim]) -> Iterable[tuple[Key, tuple[Claim, Claim]]]:
    """A part of an event dated, by one source, before the event's start date given by another."""
    parent = {c.subject: c.obj for c in claims if c.predicate == SCHEMA.superEvent}
    starts = [c for c in claims if c.predicate == SCHEMA.startDate and _is_date(c.obj)]
    for part in starts:
        for whole in starts:
            if (
                parent.get(part.subject) == whole.subject
                and part.doc != whole.doc
                and _python(part.obj) < _python(whole.obj)
            ):
                yield (whole.subject, SCHEMA.startDate), (part, whole)


def _compatible(a: Node, b: Node) -> bool:
    """Equal values, or dates of different precision that agree ('2024-05' and '2024-05-21')."""
    if a == b:
        return True
    both_dates = all(isinstance(t, Literal) and t.datatype in _DATE_TYPES for t in (a, b))
    return both_dates and (str(a).startswith(str(b)) or str(b).startswith(str(a)))


def _python(term: Node) -> Any:
    """The Python value of a literal (a date for xsd:date)."""
    return term.toPython() if isinstance(term, Literal) else str(term)


def _is_date(term: Node) -> bool:
    """True for an xsd:date literal."""
    return isinstance(term, Literal) and term.datatype == XSD.date


def graph(found: dict[Key, set[Claim]]) -> Graph:
    """The disagreements graph: one gk:Disagreement per (subject, property)."""
    g = bind_prefixes(Graph())
    for (subject, prop), claims in sorted(found.items()):
        if not claims:
            continue
        node = GKD[f"disagreement-{slug(subject)}-{slug(prop)}"]
        g.add((node, RDF.type, GK.Disagreement))
        g.add((node, GK.aboutResource, subject))
        g.add((node, GK.aboutProperty, prop))
        g.add((node, RDFS.label, Literal(f"Les sources divergent : {_local(prop)} de {_local(subject)}", lang="fr")))
        g.add((node, RDFS.label, Literal(f"Sources disagree: {_local(prop)} of {_local(subject)}", lang="en")))
        for claim in claims:
            g.add((node, GK.conflictingClaim, claim.iri))
    return g


def _local(term: Node) -> str:
    """The local name of an IRI."""
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
