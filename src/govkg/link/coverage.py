"""How much of the graph is linked: coverage per class, links per target graph, and why the rest is not."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from govkg.link.reference import Mapping, ReferenceRow
from govkg.namespaces import GK, GKD, SCHEMA, bind_prefixes
from govkg.targets import TARGETS

__all__ = ["ClassCoverage", "Coverage", "Unlinked", "coverage", "linkable_classes", "text"]

# The kinds of entity that can have an item in another graph (issue: states, international organisations,
# companies, people, places, events, instruments); roles, memberships, acts and commitments cannot.
LINKABLE = (GK.Actor, GK.Event, GK.SummitSeries, GK.Instrument, SCHEMA.Place)
TARGET_SPACES = {t.name: t.space for t in TARGETS}


@dataclass
class ClassCoverage:
    """One class: its (linkable) entities, those the reference gives a checked QID for, and the linked ones."""

    cls: str
    linkable: int = 0
    checked: int = 0
    linked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TARGET_SPACES, 0))


@dataclass
class Unlinked:
    """An entity with no Wikidata link, and why."""

    entity: str
    cls: str
    reason: str


@dataclass
class Coverage:
    """Coverage by class, link triples by (target graph, predicate), and the unlinked entities."""

    classes: list[ClassCoverage]
    links: dict[str, dict[str, int]]
    unlinked: list[Unlinked]

    @property
    def total(self) -> ClassCoverage:
        """The sum over every class."""
        total = ClassCoverage("total")
        for row in self.classes:
            total.linkable += row.linkable
            total.checked += row.checked
            for name, n in row.linked.items():
                total.linked[name] += n
        return total


def coverage(
    entities: Graph, links: Graph, ontology: Graph, reference: dict[str, ReferenceRow], mappings: list[Mapping]
) -> Coverage:
    """Measure link coverage of the linkable entities (classes from `entities`, hierarchy from `ontology`)."""
    names = bind_prefixes(Graph())
    linkable = linkable_classes(ontology)
    rows: dict[str, ClassCoverage] = {}
    unlinked = []
    by_entity = {m.entity: reference[m.reference] for m in mappings}
    for entity, cls in sorted(_typed(entities, linkable)):
        label = names.namespace_manager.normalizeUri(cls)
        row = rows.setdefault(label, ClassCoverage(label))
        slug = str(entity).removeprefix(str(GKD))
        row.linkable += 1
        row.checked += _checked(by_entity.get(slug))
        targets = _targets_of(links, entity)
        for name in targets:
            row.linked[name] += 1
        if "wikidata" not in targets:
            unlinked.append(Unlinked(slug, label, _reason(by_entity.get(slug))))
    return Coverage(sorted(rows.values(), key=lambda r: r.cls), _link_counts(links, names), unlinked)


def linkable_classes(ontology: Graph) -> set[Node]:
    """Every class that is (a subclass of) one of LINKABLE."""
    found: set[Node] = set(LINKABLE)
    for root in LINKABLE:
        found |= {c for c in ontology.transitive_subjects(RDFS.subClassOf, root) if c is not None}
    return found


def _typed(entities: Graph, classes: set[Node]) -> set[tuple[URIRef, URIRef]]:
    """(entity, its asserted class; the first in IRI order when it has several) for entities of `classes`."""
    typed: dict[URIRef, URIRef] = {}
    for entity, cls in entities.subject_objects(RDF.type):
        if cls in classes and isinstance(entity, URIRef) and isinstance(cls, URIRef):
            typed[entity] = min(typed.get(entity, cls), cls)
    return set(typed.items())


def _targets_of(links: Graph, entity: URIRef) -> set[str]:
    """The target graphs `entity` has a link into."""
    return {
        name for o in links.objects(entity, None) for name, space in TARGET_SPACES.items() if str(o).startswith(space)
    }


def _checked(row: ReferenceRow | None) -> bool:
    """Does the reference give a checked (verified) QID for the entity?"""
    return row is not None and row.confidence == "verified" and bool(row.ids["wikidata"])


def _reason(row: ReferenceRow | None) -> str:
    """Why an entity has no Wikidata link, from its reference row."""
    if row is None:
        return "no row in the reference table"
    if row.confidence == "likely":
        return f"reference: likely {row.ids['wikidata'] or '(no QID)'}, a candidate to confirm"
    if row.confidence == "unknown":
        return "reference: unknown (no QID confirmed)"
    return "reference: verified but gives no QID"


def _link_counts(links: Graph, names: Graph) -> dict[str, dict[str, int]]:
    """Link triples from entities, by target graph and predicate."""
    counts: dict[str, Counter[str]] = {name: Counter() for name in TARGET_SPACES}
    for s, p, o in links:
        if isinstance(o, URIRef) and str(s).startswith(str(GKD)):
            for name, space in TARGET_SPACES.items():
                if str(o).startswith(space):
                    counts[name][names.namespace_manager.normalizeUri(str(p))] += 1
    return {name: dict(sorted(c.items())) for name, c in counts.items()}


def text(report: Coverage) -> str:
    """The report as aligned plain text."""
    width = max(len(r.cls) for r in [*report.classes, report.total])
    head = f"{'class':<{width}}  linkable   checked  " + "  ".join(f"{n:>8}" for n in TARGET_SPACES)
    lines = [
        "Link coverage by class: linkable entities; checked (the reference table confirms a QID); linked to each graph",
        head,
    ]
    for row in [*report.classes, report.total]:
        lines.append(
            f"{row.cls:<{width}}  {row.linkable:>8}  {row.checked:>8}  "
            + "  ".join(f"{row.linked[n]:>8}" for n in TARGET_SPACES)
        )
    lines.append("")
    lines.append(
        "Links by target graph: "
        + "; ".join(
            f"{name} {sum(c.values())} ({', '.join(f'{p} {n}' for p, n in c.items()) or 'none'})"
            for name, c in report.links.items()
        )
    )
    lines.append("")
    lines.append(f"Entities with no Wikidata link ({len(report.unlinked)}):")
    lines += [f"  {u.entity}  ({u.cls})  {u.reason}" for u in report.unlinked]
    return "\n".join(lines) + "\n"
