"""The entities a reconciliation service offers: labels, types (with superclasses) and property values.

Built from four SELECT queries through a `select(query) -> rows` callable, so it works on every engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from govkg.namespaces import PREFIXES, rebase_iri
from govkg.reconcile import labels as label_index
from govkg.reconcile.match import normalise
from govkg.targets import BY_NAME, IDENTITY_PREDICATES

__all__ = ["LANGS", "Entity", "Index", "Term", "build", "pick", "term_id"]

Select = Callable[[str], list[list[Node | None]]]
LANGS = ("en", "fr")  # the languages of the data's labels, the first is the default
NAME_PREDICATES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
# Derived properties: an entity's identity links into one external graph (Wikidata, DBpedia), by namespace.
EXTERNAL = {name: (BY_NAME[name].space, BY_NAME[name].resource) for name in ("wikidata", "dbpedia")}
# Classes of the RDF, RDFS and OWL vocabularies say nothing a reconciliation user can filter on.
GENERIC = (str(RDF), str(RDFS), str(OWL))


@dataclass(frozen=True)
class Term:
    """A type (class) or a property, under its service id."""

    id: str
    iri: str
    names: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)
    broader: tuple[str, ...] = ()  # direct superclasses (type ids)
    range: str | None = None  # a property's range (a type id)

    def name(self, lang: str) -> str:
        """The name in `lang`, else in the default language, else the id."""
        return pick(self.names, lang) or self.id

    def description(self, lang: str) -> str | None:
        """The definition in `lang` (or the default language), if any."""
        return pick(self.descriptions, lang)


@dataclass(frozen=True)
class Entity:
    """A candidate: its id (the local part after `<base>id/`), labels, types and property values."""

    id: str
    iri: str
    labels: dict[str, str]  # one preferred label per language
    names: tuple[tuple[str, str], ...]  # every (label, language), alternative labels included
    types: frozenset[str]  # type ids, superclasses included
    direct: tuple[str, ...]  # the most specific types
    values: dict[str, tuple[Node, ...]]  # property id -> values

    def name(self, lang: str) -> str:
        """The preferred label in `lang`, else in the default language, else the id."""
        return pick(self.labels, lang) or self.id


@dataclass(frozen=True)
class Index:
    """Everything the service answers from, built once per served dataset."""

    base: str
    entities: dict[str, Entity]
    types: dict[str, Term]
    properties: dict[str, Term]
    labels: label_index.Labels  # the entities' folded names, owner n being the n-th entity of `entities`
    ids: tuple[str, ...]  # the keys of `entities`, in its order: by casefolded id (id prefixes bisect it)

    @property
    def space(self) -> str:
        """The identifier space: entity ids are the local parts of IRIs under it."""
        return self.base + "id/"

    def entity(self, key: str) -> Entity | None:
        """The entity with this id or IRI."""
        return self.entities.get(key.removeprefix(self.space))

    def type_id(self, key: str) -> str | None:
        """The id of the type named by an id, a prefixed name or an IRI (None if unknown)."""
        for candidate in (key, key.removeprefix("gk:"), term_id(key, self.base)):
            if candidate in self.types:
                return candidate
        return None


def pick(texts: dict[str, str], lang: str) -> str | None:
    """The text in `lang`, else in the default language, else any."""
    return texts.get(lang) or texts.get(LANGS[0]) or next((text for _, text in sorted(texts.items())), None)


def term_id(iri: str, base: str) -> str:
    """A term's service id: the local name of a gk: term, a prefixed name for known vocabularies, else the IRI."""
    gk = base + "ontology#"
    if iri.startswith(gk) and len(iri) > len(gk):
        return iri[len(gk) :]
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        namespace = rebase_iri(namespace, base)
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local and not any(c in local for c in "/#:"):
            return f"{prefix}:{local}"
    return iri


def build(select: Select, base: str) -> Index:
    """Read the entities under `<base>id/`, the class hierarchy and the terms' labels."""
    supers = _closure(_pairs(select, "SELECT ?c ?d WHERE { ?c rdfs:subClassOf ?d FILTER(isIRI(?c) && isIRI(?d)) }"))
    texts = _texts(select)
    space = _string(base + "id/")
    rows = select(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), {space})) }}")
    by_subject: dict[str, list[tuple[str, Node]]] = defaultdict(list)
    for s, p, o in rows:
        if o is not None:
            by_subject[str(s)].append((str(p), o))
    entities = {}
    for iri, facts in by_subject.items():
        entity = _entity(iri, facts, supers, base)
        if entity.names:
            entities[entity.id] = entity
    classes = {str(o) for _, p, o in rows if p == RDF.type} | set(supers) | {c for up in supers.values() for c in up}
    types = _types(classes, supers, texts, base)
    predicates = {term_id(str(p), base): str(p) for _, p, _ in rows}
    properties = _properties(entities.values(), predicates, texts, types)
    entities = dict(sorted(entities.items(), key=lambda item: (item[0].casefold(), item[0])))
    labels = label_index.build([normalise(text) for text, _ in e.names] for e in entities.values())
    return Index(base, entities, types, properties, labels, tuple(entities))


def _string(text: str) -> str:
    """A SPARQL string literal (the base comes from configuration; quote it anyway)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _pairs(select: Select, query: str) -> list[tuple[str, str]]:
    """Rows of two IRIs."""
    return [(str(a), str(b)) for a, b in select(query) if a is not None and b is not None]


def _closure(edges: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """For each class, all its superclasses (transitively, itself excluded)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for child, parent in edges:
        if child != parent:
            parents[child].add(parent)
    closed = {}
    for start in list(parents):
        seen, todo = set(), list(parents[start])
        while todo:
            node = todo.pop()
            if node not in seen and node != start:
                seen.add(node)
                todo.extend(parents.get(node, ()))
        closed[start] = frozenset(seen)
    return closed


def _texts(select: Select) -> dict[str, dict[str, dict[str, str]]]:
    """Labels, definitions and ranges of the vocabulary's terms: iri -> kind -> language -> text."""
    rows = select(
        "SELECT ?t ?p ?o WHERE { ?t ?p ?o VALUES ?p { rdfs:label skos:definition rdfs:range } "
        "FILTER EXISTS { ?t a ?k VALUES ?k { owl:Class rdfs:Class owl:ObjectProperty "
        "owl:DatatypeProperty owl:AnnotationProperty rdf:Property } } }"
    )
    texts: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for term, predicate, value in rows:
        lang = value.language if isinstance(value, Literal) and value.language else ""
        texts[str(term)][str(predicate)].setdefault(lang, str(value))
    return texts


def _entity(iri: str, facts: list[tuple[str, Node]], supers: dict[str, frozenset[str]], base: str) -> Entity:
    """One entity from its outbound facts."""
    labels: dict[str, str] = {}
    names, classes, values = [], set(), defaultdict(set)
    # Sorted, so rdfs:label comes before skos:prefLabel as the preferred label, and the order never varies.
    for predicate, value in sorted(facts, key=lambda f: (f[0], str(f[1]))):
        if predicate == str(RDF.type):
            classes.add(str(value))
            continue
        values[term_id(predicate, base)].add(value)
        if URIRef(predicate) in NAME_PREDICATES and isinstance(value, Literal):
            names.append((str(value), value.language or ""))
            if predicate != str(SKOS.altLabel):
                labels.setdefault(value.language or "", str(value))
        if URIRef(predicate) in IDENTITY_PREDICATES:
            for pid, (namespace, _) in EXTERNAL.items():
                if str(value).startswith(namespace):
                    values[pid].add(value)
    closed = {c for c in classes if not c.startswith(GENERIC)}
    closed |= {s for c in classes for s in supers.get(c, ()) if not s.startswith(GENERIC)}
    direct = _most_specific(closed, supers)
    return Entity(
        iri.removeprefix(base + "id/"),
        iri,
        labels,
        tuple(dict.fromkeys(names)),
        frozenset(term_id(c, base) for c in closed),
        tuple(term_id(c, base) for c in direct),
        {pid: tuple(sorted(v, key=str)) for pid, v in values.items()},
    )


def _most_specific(classes: set[str], supers: dict[str, frozenset[str]]) -> list[str]:
    """The classes no other class of the set is a subclass of (equivalent classes both stay), sorted."""
    return sorted(
        c for c in classes if not any(c in supers.get(o, ()) and o not in supers.get(c, ()) for o in classes if o != c)
    )


def _types(classes: set[str], supers: dict[str, frozenset[str]], texts: dict, base: str) -> dict[str, Term]:
    """Every class the entities have or the ontology declares, with its direct superclasses."""
    types = {}
    for iri in sorted(c for c in classes if not c.startswith(GENERIC)):
        direct = _most_specific({s for s in supers.get(iri, ()) if not s.startswith(GENERIC)}, supers)
        term = texts.get(iri, {})
        types[term_id(iri, base)] = Term(
            term_id(iri, base),
            iri,
            dict(term.get(str(RDFS.label), {})),
            dict(term.get(str(SKOS.definition), {})),
            tuple(sorted(term_id(s, base) for s in direct)),
        )
    return types


def _properties(
    entities: Iterable[Entity], predicates: dict[str, str], texts: dict, types: dict[str, Term]
) -> dict[str, Term]:
    """Every property an entity has a value for, with its labels, definition and range (when it is a type)."""
    found, by_iri = {}, {t.iri: t.id for t in types.values()}
    for pid in sorted({pid for entity in entities for pid in entity.values}):
        iri = predicates.get(pid) or EXTERNAL[pid][0]
        term = texts.get(iri, {})
        names = dict(term.get(str(RDFS.label), {})) or dict(EXTERNAL.get(pid, ("", {}))[1])
        ranges = [by_iri[r] for r in term.get(str(RDFS.range), {}).values() if r in by_iri]
        found[pid] = Term(pid, iri, names, dict(term.get(str(SKOS.definition), {})), range=next(iter(ranges), None))
    return found
