"""The gazetteer: every name govkg knows for an entity (labels and aliases in French and English from the graph),
plus the world's states from pycountry (names in both languages, ISO codes) and demonyms, so mentions resolve to
existing entities and a new state gets a stable name."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from govkg.ingest.demonyms import DEMONYMS
from govkg.ingest.names import APOSTROPHES, fold, mint_slug, strip_article
from govkg.namespaces import GK, GKD, ORG, SCHEMA

__all__ = ["FAMILIES", "Entity", "Gazetteer", "content_words", "variants"]

# What an entity is, for the rules: the top classes of govkg's ontology (and schema:Place) a class falls under.
FAMILIES = {GK.Actor: "actor", GK.Event: "event", GK.Instrument: "instrument", SCHEMA.Place: "place"}
LANGS = ("fr", "en")


@dataclass
class Entity:
    """An entity the gazetteer knows: its slug, class, family, labels by language; `known` if in the graph."""

    slug: str
    kind: URIRef
    family: str
    labels: dict[str, str] = field(default_factory=dict)
    known: bool = True
    alpha2: str | None = None


@dataclass
class Gazetteer:
    """Names → entities, built from a graph (minus `exclude`) and pycountry."""

    entities: dict[str, Entity] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)  # folded name → slugs
    acronyms: dict[str, set[str]] = field(default_factory=dict)  # case-sensitive short forms ("UN", "OCDE")
    written: set[tuple[str, str]] = field(default_factory=set)  # (name as written, slug), for the EntityRuler
    acts: dict[str, str] = field(default_factory=dict)  # instrument slug → the act its accounts tell
    described: set[str] = field(default_factory=set)  # slugs the graph already types (memberships, roles, ...)
    adopted_at: dict[str, set[str]] = field(default_factory=dict)  # event slug → instruments adopted at it or a part
    held_in: dict[str, set[str]] = field(default_factory=dict)  # place slug → events held there
    years: dict[str, int] = field(default_factory=dict)  # event slug → the year it starts

    @classmethod
    def build(cls, graph: Graph, ontology: Graph, exclude: Iterable[str] = ()) -> Gazetteer:
        """The gazetteer of `graph`'s entities (leaving out the slugs in `exclude`) and of every ISO 3166 state."""
        gazetteer, skip = cls(), set(exclude)
        families = _families(ontology)
        for entity, names in _graph_entities(graph, families):
            if entity.slug not in skip:
                gazetteer.add(entity, names)
        for entity, names in _states(gazetteer):
            gazetteer.add(entity, names)
        _index_context(gazetteer, graph)
        return gazetteer

    def add(self, entity: Entity, names: Iterable[str]) -> None:
        """Register `entity` under each of `names` and the forms texts write them in (variants())."""
        known = self.entities.setdefault(entity.slug, entity)
        known.labels = {**entity.labels, **known.labels}
        for name in names:
            for form in variants(name):
                self._index(form, entity.slug)

    def _index(self, form: str, slug: str) -> None:
        if len(form) < 2:
            return
        if form.isupper() and len(form) <= 5:  # "UN", "UE", "OCDE": never the article "un"
            self.acronyms.setdefault(form, set()).add(slug)
        else:
            self.names.setdefault(fold(form), set()).add(slug)
            plain = form.translate(APOSTROPHES)
            typographic = plain.replace("'", "’")  # the ruler compares words as written: both apostrophes
            self.written.update({(form, slug), (fold(form), slug), (plain, slug), (typographic, slug)})

    def lookup(self, name: str) -> list[Entity]:
        """The entities a name (as written, with or without article) may refer to."""
        slugs = self.acronyms.get(name.strip(), set()) | self.names.get(fold(strip_article(name)), set())
        slugs |= self.names.get(fold(name.strip()), set())
        return [self.entities[s] for s in sorted(slugs)]

    def lookup_prefix(self, name: str, min_words: int = 4) -> list[Entity]:
        """The one entity a long name begins, or whose name it begins ("Code de conduite … d'Hiroshima" for the
        code's full title), so a title cut short still links; nothing if several fit."""
        folded = fold(strip_article(name)).strip()
        if len(folded.split()) < min_words:
            return []
        slugs = {
            slug
            for form, found in self.names.items()
            if len(form.split()) >= min_words and (form.startswith(folded) or folded.startswith(form))
            for slug in found
        }
        return [self.entities[s] for s in slugs] if len(slugs) == 1 else []

    def lookup_words(self, phrase: str, family: str) -> list[Entity]:
        """The one entity of `family` one of whose names has every content word of `phrase` ("sommet de Séoul sur
        l'IA" → the AI Seoul Summit), for descriptions that are not names; nothing if several fit."""
        words = content_words(phrase)
        if len(words) < 2:
            return []
        slugs = {e.slug for e in self.entities.values() if e.family == family and any(
            words <= content_words(form) for form, s in self.written if s == e.slug)}  # fmt: skip
        return [self.entities[s] for s in slugs] if len(slugs) == 1 else []

    def forms(self) -> Iterator[tuple[str, str, bool]]:
        """(form, slug, case_sensitive) for every indexed name, as written and folded."""
        for form, slug in sorted(self.written):
            yield form, slug, False
        for form, slugs in self.acronyms.items():
            for slug in slugs:
                yield form, slug, True

    def demonym(self, word: str) -> Entity | None:
        """The state a demonym names ("chinois", "britannique", "Danish"), if the gazetteer knows it."""
        alpha2 = DEMONYMS.get(fold(word))
        return self.state(alpha2) if alpha2 else None

    def state(self, alpha2: str) -> Entity | None:
        """The state with ISO 3166-1 code `alpha2`."""
        return next((e for e in self.entities.values() if e.alpha2 == alpha2), None)


_QUALIFIER = re.compile(r"\s*\([^()]*\)$")  # "Sommet de Séoul sur l'IA (2024)": the edition, not the name
_TOPIC = re.compile(r"\s+(?:sur l'(?:IA|intelligence artificielle)|on AI|on artificial intelligence)$", re.IGNORECASE)
_SWAPS = [("l'intelligence artificielle", "l'IA"), ("l'IA", "l'intelligence artificielle"),
          ("artificial intelligence", "AI"), ("AI ", "artificial intelligence ")]  # fmt: skip


_STOP = {
    "le",
    "la",
    "les",
    "l",
    "de",
    "du",
    "des",
    "d",
    "sur",
    "pour",
    "en",
    "et",
    "a",
    "au",
    "aux",
    "the",
    "of",
    "on",
    "for",
    "and",
    "in",
    "to",
    "un",
    "une",
    "ia",
    "ai",
}  # fmt: skip (IA/AI: in every name on the subject)


def content_words(text: str) -> frozenset[str]:
    """The words of a name that carry meaning, folded."""
    return frozenset(w for w in re.split(r"[^a-z0-9]+", fold(text)) if w and w not in _STOP and not w.isdigit())


def variants(name: str) -> set[str]:
    """A name as texts write it: without article, edition qualifier or "on AI", with IA/AI spelled out or not."""
    base = {name.strip().translate(APOSTROPHES)}
    base |= {_QUALIFIER.sub("", n) for n in base}
    base |= {_TOPIC.sub("", n) for n in base if len(strip_article(_TOPIC.sub("", n)).split()) > 1}
    base |= {n.replace(a, b) for n in base for a, b in _SWAPS if a in n}
    return {f for n in base for f in (n, strip_article(n)) if f} | {name.strip()}


def _index_context(gazetteer: Gazetteer, graph: Graph) -> None:
    """What the graph says around the names: typed slugs, acts of instruments, events' instruments, places, years."""
    gazetteer.described = {str(s)[len(GKD) :] for s in graph.subjects(RDF.type) if str(s).startswith(str(GKD))}
    adopted = set(graph.subject_objects(GK.adoptedAt))
    for account in graph.subjects(GK.accountOf):  # an adoption account: its instrument, at its event
        if (account, RDF.type, GK.Adoption) in graph:
            adopted |= {
                (i, e)
                for i in graph.objects(account, GK.endorsedInstrument)
                for e in graph.objects(account, GK.atEvent)
            }
    for instrument, event in adopted:
        for whole in [event, *graph.transitive_objects(event, SCHEMA.superEvent)]:
            gazetteer.adopted_at.setdefault(str(whole)[len(GKD) :], set()).add(str(instrument)[len(GKD) :])
    for event, begins in graph.subject_objects(SCHEMA.startDate):
        gazetteer.years.setdefault(str(event)[len(GKD) :], int(str(begins)[:4]))
    for event, place in graph.subject_objects(SCHEMA.location):
        gazetteer.held_in.setdefault(str(place)[len(GKD) :], set()).add(str(event)[len(GKD) :])
    for account, act in graph.subject_objects(GK.accountOf):
        told = graph.value(account, GK.endorsedInstrument)
        if told is not None and str(act).startswith(str(GKD)):
            gazetteer.acts.setdefault(str(told)[len(GKD) :], str(act)[len(GKD) :])


def _families(ontology: Graph) -> dict[URIRef, str]:
    """Every class → its family, through rdfs:subClassOf*."""
    out: dict[URIRef, str] = {}
    for top, family in FAMILIES.items():
        for cls in ontology.transitive_subjects(RDFS.subClassOf, top):
            if isinstance(cls, URIRef):
                out.setdefault(cls, family)
    out.setdefault(SCHEMA.City, "place")
    out.setdefault(SCHEMA.Country, "place")
    out.setdefault(ORG.Role, "role")
    return out


def _graph_entities(graph: Graph, families: dict[URIRef, str]) -> Iterator[tuple[Entity, list[str]]]:
    """The graph's typed entities in a known family, with their labels and aliases."""
    for subject, kind in sorted(graph.subject_objects(RDF.type)):
        family = families.get(kind) if isinstance(kind, URIRef) else None
        if family is None or not isinstance(kind, URIRef) or not str(subject).startswith(str(GKD)):
            continue
        labels = {
            lit.language: str(lit)
            for lit in graph.objects(subject, RDFS.label)
            if isinstance(lit, Literal) and lit.language
        }
        names = [str(n) for p in (RDFS.label, SKOS.altLabel) for n in graph.objects(subject, p)]
        alpha2 = graph.value(subject, GK.iso3166Alpha2)
        yield Entity(str(subject)[len(GKD) :], kind, family, labels, True, str(alpha2) if alpha2 else None), names


def _states(gazetteer: Gazetteer) -> Iterator[tuple[Entity, list[str]]]:
    """Every ISO 3166-1 state: an existing entity when the graph has its code, else a new one named in English."""
    french = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
    shared = _shared_heads(french)
    for country in pycountry.countries:
        english = [getattr(country, a, None) for a in ("common_name", "name", "official_name")]
        french_names = [french.gettext(n) for n in english if n]
        names = [n for n in english if n] + [_inverted(n) for n in french_names]
        heads = [_head(n) for n in [*english, *french_names] if n]  # "Russie, Fédération de" → "Russie"
        names += [h for h in heads if h not in shared]  # "Korea" is two states: neither
        existing = gazetteer.state(country.alpha_2)
        label = str(english[0] or english[1])
        entity = existing or Entity(
            mint_slug(label), GK.State, "actor", {"en": label, "fr": _inverted(french.gettext(country.name))},
            known=False, alpha2=country.alpha_2,
        )  # fmt: skip
        yield entity, [n for n in names if n]


def _shared_heads(french: gettext.NullTranslations) -> set[str]:
    """Short names ISO's sorted forms give to more than one state ("Korea, Republic of", "Korea, Democratic …")."""
    seen: dict[str, int] = {}
    for country in pycountry.countries:
        for name in {country.name, french.gettext(country.name)}:
            if head := _head(name):
                seen[head] = seen.get(head, 0) + 1
    return {head for head, count in seen.items() if count > 1}


def _inverted(name: str) -> str:
    """ISO's sorted form "Corée, République de" as written in text: "République de Corée"."""
    if ", " not in name:
        return name
    head, tail = name.split(", ", 1)
    return f"{tail}{'' if tail.endswith(chr(39)) else ' '}{head}"


def _head(name: str) -> str:
    """The short name inside ISO's sorted form ("Russie, Fédération de" → "Russie")."""
    return name.split(", ", 1)[0] if ", " in name else ""
