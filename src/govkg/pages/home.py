"""What the home page says about the graph: its actors, events, instruments and commitments by kind, the entry
points (the summit series, the instruments, the companies, the states), the source documents, the figures of
the dataset and its build (data, not HTML; counted from the reconciliation index, the VoID counts and SPARQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from govkg.namespaces import GK, ISO639, rebase_iri
from govkg.pages.void import Counts
from govkg.reconcile.index import Entity, Index, pick
from govkg.reconcile.match import normalise

__all__ = ["ENTRY_POINTS", "FIGURES", "GROUPS", "Document", "Group", "Home", "Item", "documents", "home", "summary"]

Select = Callable[[str], list[list[Node | None]]]
GROUPS = ("Actor", "Event", "Instrument", "Commitment")  # the kinds counted, as type ids of the ontology
ENTRY_POINTS = ("SummitSeries", "Instrument", "Company", "State")  # the lists of entities the page links to
PARTS, ORDER = "schema:subEvent", "editionNumber"  # an entry's parts (a series' editions) and their order
PART_DEPTH = 3  # levels of parts kept under an entry (series, editions, sessions): the data may nest or loop
# Figures of the dataset: the classes whose members are counted (the rest come from the VoID counts).
COUNTED = {"claims": GK.Claim, "sentences": GK.Sentence, "disagreements": GK.Disagreement}
FIGURES = ("triples", "graphs", "claims", "sentences", "disagreements", "links")


@dataclass(frozen=True)
class Item:
    """An entity the page links to, with its labels by language and its parts (a series' editions)."""

    iri: str
    labels: dict[str, str]
    types: tuple[str, ...] = ()
    parts: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Kind:
    """A class and how many entities it has (or, for a group, has below it)."""

    id: str
    iri: str
    names: dict[str, str]
    count: int


@dataclass(frozen=True)
class Group:
    """A top kind (actors, events, …), its entities counted, and its most specific kinds."""

    kind: Kind
    kinds: tuple[Kind, ...]


@dataclass(frozen=True)
class Document:
    """A source document: its labels, language code (ISO 639-1) and date of issue, when the graph states them."""

    iri: str
    labels: dict[str, str]
    language: str | None
    issued: str | None


@dataclass(frozen=True)
class Home:
    """Everything the home page shows."""

    groups: tuple[Group, ...]
    entries: tuple[tuple[Kind, tuple[Item, ...]], ...]
    documents: tuple[Document, ...]
    figures: dict[str, int]
    built: datetime
    version: str
    type_names: dict[str, dict[str, str]] = field(default_factory=dict)


def home(index: Index, counts: Counts, docs: list[Document], built: datetime, version: str, lang: str) -> Home:
    """The home page's model; lists sorted by their labels in `lang`."""
    return Home(
        tuple(_group(index, group) for group in GROUPS if group in index.types),
        tuple(_entry(index, kind, lang) for kind in ENTRY_POINTS if kind in index.types),
        tuple(docs),
        _figures(counts, index.base),
        built,
        version,
        {tid: dict(term.names) for tid, term in index.types.items()},
    )


def _kind(index: Index, tid: str, count: int) -> Kind:
    """A type of the index as a counted kind."""
    term = index.types[tid]
    return Kind(tid, term.iri, dict(sorted(term.names.items())), count)


def _group(index: Index, group: str) -> Group:
    """The entities of a top kind, counted by their most specific types within it."""
    members = [e for e in index.entities.values() if group in e.types]
    below = Counter(t for e in members for t in e.direct if t == group or group in _ancestors(index, t))
    kinds = sorted(below.items(), key=lambda item: (-item[1], item[0]))
    return Group(_kind(index, group, len(members)), tuple(_kind(index, t, n) for t, n in kinds))


def _ancestors(index: Index, tid: str) -> set[str]:
    """Every superclass of a type (type ids)."""
    found, todo = set(), list(index.types[tid].broader) if tid in index.types else []
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(index.types[current].broader if current in index.types else ())
    return found


def _entry(index: Index, kind: str, lang: str) -> tuple[Kind, tuple[Item, ...]]:
    """An entry point: the entities of a kind (with their parts), by label."""
    members = [e for e in index.entities.values() if kind in e.types]
    items = sorted((_item(index, e, lang) for e in members), key=lambda i: _sort_key(i, lang))
    return _kind(index, kind, len(items)), tuple(items)


def _item(index: Index, entity: Entity, lang: str, above: frozenset[str] = frozenset()) -> Item:
    """An entity and its parts, ordered by their edition number, then label; a part that is the entity or one
    above it (a loop in the data) is left out, and so are parts deeper than PART_DEPTH."""
    above = above | {entity.iri}
    parts = [index.entity(str(v)) for v in entity.values.get(PARTS, ())] if len(above) <= PART_DEPTH else []
    found = [p for p in parts if p is not None and p.iri not in above]
    found.sort(key=lambda p: (_number(p.values.get(ORDER, ())), normalise(pick(p.labels, lang) or p.id)))
    return Item(
        entity.iri,
        dict(sorted(entity.labels.items())),
        entity.direct,
        tuple(_item(index, p, lang, above) for p in found),
    )


def _number(values: tuple[Node, ...]) -> int:
    """The smallest whole number among the values (a large one when there is none: unnumbered parts go last)."""
    numbers = [int(v) for v in values if isinstance(v, Literal) and str(v).isdigit()]
    return min(numbers, default=1 << 30)


def _sort_key(item: Item, lang: str) -> tuple[str, str]:
    """Items in the order of their labels in `lang`."""
    return (normalise(pick(item.labels, lang) or item.iri), item.iri)


def _figures(counts: Counts, base: str) -> dict[str, int]:
    """The dataset's figures: triples, named graphs, claims, sentences, disagreements and external links."""
    counted = {key: counts.classes.get(rebase_iri(str(iri), base), 0) for key, iri in COUNTED.items()}
    found = {"triples": counts.triples, "graphs": len(counts.graphs), **counted}
    found["links"] = sum(n for _, _, n in counts.linksets)
    return {key: found[key] for key in FIGURES}


def documents(select: Select) -> list[Document]:
    """The source documents, by IRI: labels, language and date of issue."""
    rows = select(
        "SELECT ?doc ?label ?language ?issued WHERE { ?doc a gk:SourceDocument "
        "OPTIONAL { ?doc rdfs:label ?label } OPTIONAL { ?doc dct:language ?language } "
        "OPTIONAL { ?doc dct:issued ?issued } }"
    )
    found: dict[str, dict[str, Any]] = {}
    for doc, label, language, issued in rows:
        entry = found.setdefault(str(doc), {"labels": {}, "languages": set(), "issued": set()})
        if isinstance(label, Literal):
            entry["labels"].setdefault(label.language or "", str(label))
        if isinstance(language, URIRef):
            entry["languages"].add(_language(language))
        if issued is not None:
            entry["issued"].add(str(issued))
    return [
        Document(
            iri, dict(sorted(v["labels"].items())), min(v["languages"], default=None), min(v["issued"], default=None)
        )
        for iri, v in sorted(found.items())
    ]


def _language(iri: URIRef) -> str:
    """A language code from its IRI (ISO 639-1 at the Library of Congress), else the IRI's last segment."""
    return str(iri).removeprefix(str(ISO639)).rstrip("/").rpartition("/")[2]


def summary(page: Home) -> dict[str, Any]:
    """The home page as JSON (its machine twin beside the VoID): labels in every language the data has."""
    kind = lambda k: {"id": k.id, "iri": k.iri, "names": k.names, "count": k.count}  # noqa: E731

    def item(i: Item) -> dict[str, Any]:
        return {
            "iri": i.iri,
            "labels": i.labels,
            "types": list(i.types),
            **({"parts": [item(p) for p in i.parts]} if i.parts else {}),
        }

    return {
        "version": page.version,
        "built": page.built.isoformat(timespec="seconds"),
        "figures": page.figures,
        "kinds": [{**kind(g.kind), "kinds": [kind(k) for k in g.kinds]} for g in page.groups],
        "entries": [{**kind(k), "items": [item(i) for i in items]} for k, items in page.entries],
        "documents": [vars(d) for d in page.documents],
    }
