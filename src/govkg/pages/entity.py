"""The page model of an entity (an IRI under <base>id/): a header saying what it is (its types, its labels in both
languages, its key dates and places, its links to other sites), the facts sources state with the quotes stating
them, the facts the ontology adds with their justifications, and where the sources disagree. Data, not HTML: the
template picks the language; the RDF twin stays the description's (`govkg.pages.description.twin`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from govkg.namespaces import GK, SCHEMA, graph_iri, rebase_iri
from govkg.pages import evidence, justify
from govkg.pages.description import LABELS, Description
from govkg.pages.evidence import Disagreement, Quote
from govkg.pages.justify import Axioms, Step
from govkg.pages.model import INFERRED, LANGUAGES, RECORD_LINKS, Page
from govkg.pages.page import graph_name
from govkg.targets import target_of

__all__ = ["ENTITIES", "Badge", "Entity", "Fact", "Group", "entity", "is_entity", "why"]

Select = Callable[[str], list[list[Node | None]]]
Triple = tuple[Node, Node, Node]

ENTITIES = "id/"  # the path under the base of the entities' IRIs
DATE_TYPES = frozenset({XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth})  # a value of these is a key date
PLACES = (SCHEMA.location, SCHEMA.locationCreated, SCHEMA.containedInPlace, GK.country)  # key places, by property
ALIASES, NOTES = SKOS.altLabel, (RDFS.comment, SKOS.definition)
HEADER = frozenset({RDF.type, *LABELS, ALIASES, *NOTES})  # shown in the header rather than among the facts
# Facts naming the entity that are about records rather than about the world (claims, disagreements).
NOT_INBOUND = frozenset({*RECORD_LINKS, GK.aboutResource})
BADGES = {"wikidata": "Wikidata", "dbpedia": "DBpedia", "iso3166": "ISO 3166"}  # short site names, by link target
_PLACEHOLDER = re.compile(r"\{(\d+|chain)\}")


@dataclass(frozen=True)
class Fact:
    """A fact shown on the page: the graphs stating it, the quotes of its claims, how it was inferred."""

    triple: Triple
    graphs: tuple[str, ...]
    quotes: tuple[Quote, ...]
    step: Step | None = None


@dataclass(frozen=True)
class Group:
    """The facts of one property."""

    predicate: Node
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class Badge:
    """A link to the same thing on another site, named by the site."""

    name: str
    target: Node
    predicate: Node


@dataclass
class Entity:
    """What an entity's page shows."""

    page: Page  # the description's page model (labels, names, blank nodes)
    types: list[Node]
    aliases: dict[str, list[str]]  # language → other names
    notes: dict[str, str]  # language → a comment or definition
    dates: list[tuple[Node, list[Node], bool]]  # property, its dates, whether sources disagree on them
    places: list[tuple[Node, Node]]
    badges: list[Badge]
    asserted: list[Group]
    inbound: list[Group]  # stated facts of other resources naming this one
    inferred: list[Group]
    unjustified: int
    disagreements: list[Disagreement]
    quotes: dict[Triple, tuple[Quote, ...]]  # every shown fact's quotes, premises' included
    names: dict[Node, dict[str, str]]

    def name(self, node: Node, lang: str) -> str:
        """A node's label in `lang`, else in the other language, else in any, else its prefixed name."""
        labels = self.names.get(node, {})
        found = next((labels[k] for k in (lang, *LANGUAGES, *sorted(labels)) if labels.get(k)), None)
        return found if found is not None else self.page.name(node)

    def ordered(self, groups: list[Group], lang: str) -> list[Group]:
        """Groups in the alphabetical order of their property's label in `lang` (accents aside)."""
        return sorted(groups, key=lambda g: _plain(self.name(g.predicate, lang)))

    def words(self, text: str, terms: tuple[Node, ...]) -> list[tuple[str, Node | None]]:
        """A message cut into text and terms: `{0}`, `{1}` stand for terms, `{chain}` for all of them."""
        parts: list[tuple[str, Node | None]] = []
        for index, piece in enumerate(_PLACEHOLDER.split(text)):
            if index % 2 == 0:
                parts += [(piece, None)] if piece else []
            elif piece == "chain":
                parts += [p for i, t in enumerate(terms) for p in ([(" ∘ ", None)] if i else []) + [("", t)]]
            elif int(piece) < len(terms):
                parts.append(("", terms[int(piece)]))
        return parts


def is_entity(iri: str, base: str) -> bool:
    """Is `iri` an entity's (under <base>id/, not the catalogue itself)?"""
    return iri.startswith(base + ENTITIES) and iri != base + ENTITIES and "#" not in iri


def entity(select: Select, found: Description, model: Page, given: Axioms, known: dict[Node, Any]) -> Entity:
    """The page model of the entity `found` describes; `known` keeps the facts read for justifications."""
    iri, base = found.iri, model.base
    own = _grouped(q for q in found.facts if q[0] == iri)
    facts = justify.Facts(justify.fetcher(select, graph_iri(INFERRED, base)), known)
    inferred = [t for t, g in own.items() if g == (INFERRED,)]
    facts.load([iri, *(o for _, p, o in inferred if p != RDF.type)])  # in one query rather than one by one
    steps = justify.justify_all(inferred, facts, given)
    skip = {_rebase(p, base) for p in NOT_INBOUND}
    inbound = {t: g for t, g in _grouped(found.inbound).items() if t[1] not in skip and g != (INFERRED,)}
    disputes = evidence.disagreements(select, str(iri), base)
    subjects = {iri, *(t[0] for t in inbound), *(p.fact[0] for s in _all(steps) for p in s.premises)}
    quotes = _by_fact(evidence.claims(select, subjects, base).values())
    links = {(iri, link.predicate, link.target) for link in model.links}
    stated = {t: g for t, g in own.items() if g != (INFERRED,) and t not in links}
    names = {**evidence.labels(select, _named(steps, quotes, disputes, model.names)), **model.names}
    return Entity(
        model,
        sorted((o for (_, p, o) in stated if p == RDF.type), key=str),
        _texts(stated, (ALIASES,)),
        {lang: values[0] for lang, values in _texts(stated, NOTES).items()},
        _dates(stated, disputes, iri),
        [(p, o) for p in (_rebase(p, base) for p in PLACES) for (_, q, o) in _sorted(stated) if q == p],
        [Badge(_badge(str(link.target)), link.target, link.predicate) for link in model.links],
        _groups({t: g for t, g in stated.items() if t[1] not in HEADER}, quotes, {}),
        _groups(inbound, quotes, {}),
        _groups({t: g for t, g in own.items() if t in steps}, quotes, steps),
        sum(1 for s in steps.values() if s is None),
        disputes,
        quotes,
        names,
    )


def why(model: Entity) -> dict[str, Any]:
    """The justifications of the entity's inferred facts as JSON: rule, axiom, premises, down to claims."""
    facts = [f for g in model.inferred for f in g.facts]
    return {
        "iri": str(model.page.iri),
        "inferred": [{**_triple(f.triple), **_step(f.step, model.quotes)} for f in facts if f.step],
        "unjustified": [_triple(f.triple) for f in facts if f.step is None],
    }


def _step(step: Step, quotes: dict[Triple, tuple[Quote, ...]]) -> dict[str, Any]:
    """One justification step as JSON."""
    return {
        "rule": step.rule,
        "owl2rl": step.owl2rl,
        "axiom": [str(t) for t in step.axiom],
        "premises": [
            {**_triple(p.fact), **(_step(p.step, quotes) if p.step else {"claims": _claims(p.fact, quotes)})}
            for p in step.premises
        ],
    }


def _claims(fact: Triple, quotes: dict[Triple, tuple[Quote, ...]]) -> list[dict[str, Any]]:
    """The claims stating a fact, with their quotes."""
    return [
        {"claim": str(q.claim), "document": str(q.document) if q.document else None, "quote": q.exact}
        for q in quotes.get(fact, ())
    ]


def _triple(fact: Triple) -> dict[str, Any]:
    """A fact as JSON: IRIs as strings, a literal as its value with its language or datatype."""
    value: Any = str(fact[2])
    if isinstance(fact[2], Literal):
        value = {"value": str(fact[2]), **({"language": fact[2].language} if fact[2].language else {})}
        value |= {"datatype": str(fact[2].datatype)} if fact[2].datatype else {}
    return {"subject": str(fact[0]), "predicate": str(fact[1]), "object": value}


def _grouped(quads: Iterable[tuple[Node, Node, Node, str]]) -> dict[Triple, tuple[str, ...]]:
    """Facts with the short names of the graphs stating them."""
    grouped: dict[Triple, set[str]] = {}
    for s, p, o, g in quads:
        grouped.setdefault((s, p, o), set()).add(graph_name(g))
    return {t: tuple(sorted(gs)) for t, gs in grouped.items()}


def _groups(
    facts: dict[Triple, tuple[str, ...]], quotes: dict[Triple, tuple[Quote, ...]], steps: dict[Triple, Step | None]
) -> list[Group]:
    """Facts grouped by property, each with its quotes and justification."""
    by: dict[Node, list[Fact]] = {}
    for triple in _sorted(facts):
        by.setdefault(triple[1], []).append(Fact(triple, facts[triple], quotes.get(triple, ()), steps.get(triple)))
    return [Group(p, tuple(members)) for p, members in by.items()]


def _by_fact(quotes: Iterable[Quote]) -> dict[Triple, tuple[Quote, ...]]:
    """Quotes by the fact their claim states, in claim order."""
    found: dict[Triple, list[Quote]] = {}
    for quote in sorted(quotes, key=lambda q: str(q.claim)):
        found.setdefault(quote.fact, []).append(quote)
    return {fact: tuple(q) for fact, q in found.items()}


def _named(
    steps: dict[Triple, Step | None],
    quotes: dict[Triple, tuple[Quote, ...]],
    disputes: list[Disagreement],
    known: dict[Node, dict[str, str]],
) -> set[Node]:
    """The nodes the justifications, quotes and disagreements name whose labels the description did not read."""
    nodes: set[Node] = set()
    for step in _all(steps):
        nodes |= {step.fact[1], *step.axiom, *(n for p in step.premises for n in p.fact)}
    nodes |= {q.document for qs in quotes.values() for q in qs if q.document is not None}
    for d in disputes:
        nodes |= {d.resource, d.predicate, *(n for q in d.quotes for n in (q.fact[2], q.document) if n is not None)}
    return {n for n in nodes if n not in known}


def _all(steps: dict[Triple, Step | None]) -> list[Step]:
    """Every step of the justifications, nested ones included."""
    return [n for s in steps.values() if s for n in _nested(s)]


def _nested(step: Step) -> list[Step]:
    """A step and every step below it."""
    return [step, *(s for p in step.premises if p.step for s in _nested(p.step))]


def _sorted(facts: Iterable[Triple]) -> list[Triple]:
    """Facts in a stable order (nodes of different kinds do not compare)."""
    return sorted(facts, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))


def _plain(text: str) -> str:
    """`text` for sorting: case and accents aside."""
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode("ascii")


def _texts(stated: dict[Triple, tuple[str, ...]], predicates: tuple[Node, ...]) -> dict[str, list[str]]:
    """The literal values of some properties by language."""
    found: dict[str, list[str]] = {}
    for _, p, o in sorted(stated, key=lambda t: str(t[2])):
        if p in predicates and isinstance(o, Literal):
            found.setdefault(o.language or "", []).append(str(o))
    return found


def _dates(
    stated: dict[Triple, tuple[str, ...]], disputes: list[Disagreement], iri: Node
) -> list[tuple[Node, list[Node], bool]]:
    """The entity's dates by property, earliest first, each marked when sources disagree on that property of it."""
    disputed = {d.predicate for d in disputes if d.resource == iri or any(q.fact[0] == iri for q in d.quotes)}
    dates: dict[Node, list[Node]] = {}
    for _, p, o in sorted(stated, key=lambda t: (str(t[2]), str(t[1]))):
        if isinstance(o, Literal) and o.datatype in DATE_TYPES:
            dates.setdefault(p, []).append(o)
    return [(p, values, p in disputed) for p, values in dates.items()]


def _badge(iri: str) -> str:
    """The short name of the site a link goes to (its host when not a known one)."""
    known = target_of(iri)
    return BADGES.get(known.name, known.title) if known else iri.split("//", 1)[-1].split("/", 1)[0] or iri


def _rebase(term: Node, base: str) -> URIRef:
    """A govkg term under `base`."""
    return URIRef(rebase_iri(str(term), base))
