"""What govkg asks an external graph when it reconciles an entity: the graph's shape (a profile of Wikidata or
DBpedia) and the SELECT that finds the items named like the entity."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef

from govkg.namespaces import DBO, GK, SCHEMA, WD
from govkg.reconcile import match
from govkg.targets import BY_NAME

__all__ = ["DBPEDIA", "PROFILES", "WIKIDATA", "Entity", "Profile", "query", "variants"]


@dataclass(frozen=True)
class Profile:
    """How an external graph is shaped: where items live, which properties give labels, types and countries."""

    name: str
    endpoint: str
    item_space: str
    label_paths: tuple[str, ...]
    class_path: str  # to an item's direct classes
    type_path: str  # to every class it is an instance of (with superclasses)
    country_path: str
    classes: dict[URIRef, tuple[str, ...]]  # govkg class -> compatible external classes
    languages: tuple[str, ...] = ("en", "fr")


def _wd(*qids: str) -> tuple[str, ...]:
    return tuple(f"<{WD}{q}>" for q in qids)


# Wikidata classes (P31/P279*): country Q6256, sovereign state Q3624078, business Q4830453, company Q783794,
# enterprise Q6881511, public company Q891723, international organization Q484652, supranational union Q1335818,
# organization Q43229, human Q5, city Q515 (as used beside their labels in public Wikidata query code).
_ORGANISATION = _wd("Q43229")
WIKIDATA = Profile(
    "wikidata",
    str(BY_NAME["wikidata"].endpoint),
    BY_NAME["wikidata"].space,
    ("<http://www.w3.org/2000/01/rdf-schema#label>", "<http://www.w3.org/2004/02/skos/core#altLabel>"),
    "<http://www.wikidata.org/prop/direct/P31>",
    "<http://www.wikidata.org/prop/direct/P31>/<http://www.wikidata.org/prop/direct/P279>*",
    "<http://www.wikidata.org/prop/direct/P17>",
    {
        GK.State: _wd("Q6256", "Q3624078"),
        GK.Company: _wd("Q4830453", "Q783794", "Q6881511", "Q891723"),
        GK.InternationalOrganisation: _wd("Q484652", "Q43229"),
        GK.SupranationalUnion: _wd("Q1335818", "Q43229"),
        GK.Organisation: _ORGANISATION,
        GK.Person: _wd("Q5"),
        SCHEMA.City: _wd("Q515"),
    },
    ("en", "fr", "mul"),
)
DBPEDIA = Profile(
    "dbpedia",
    str(BY_NAME["dbpedia"].endpoint),
    BY_NAME["dbpedia"].space,
    ("<http://www.w3.org/2000/01/rdf-schema#label>",),
    "a",
    "a",
    f"<{DBO}country>",
    {
        GK.State: (f"<{DBO}Country>",),
        GK.Company: (f"<{DBO}Company>",),
        GK.Organisation: (f"<{DBO}Organisation>",),
        GK.Person: (f"<{DBO}Person>",),
        SCHEMA.City: (f"<{DBO}City>",),
        SCHEMA.Place: (f"<{DBO}Place>",),
        GK.Event: (f"<{DBO}Event>",),
    },
)
PROFILES = {p.name: p for p in (WIKIDATA, DBPEDIA)}


@dataclass(frozen=True)
class Entity:
    """A govkg entity to reconcile: its labels, its class, the external items of its country."""

    iri: URIRef
    labels: tuple[str, ...]
    cls: URIRef
    types: tuple[str, ...]
    countries: frozenset[str]


def query(entity: Entity, profile: Profile) -> str:
    """The SELECT finding items named like `entity`, with their labels, type match and countries."""
    names = " ".join(Literal(v, lang=lang).n3() for v in variants(entity.labels) for lang in profile.languages)
    labels = " | ".join(profile.label_paths)
    typed = (
        f"OPTIONAL {{ VALUES ?wanted {{ {' '.join(entity.types)} }} ?item {profile.type_path} ?wanted }}"
        if entity.types
        else ""
    )
    return (
        f"SELECT ?item (SAMPLE(?wanted) AS ?typeMatch) (COUNT(DISTINCT ?class) AS ?classes) "
        f'(GROUP_CONCAT(DISTINCT STR(?country); separator=" ") AS ?countries) '
        f'(GROUP_CONCAT(DISTINCT STR(?label); separator="\\u001F") AS ?labels) '
        f'(GROUP_CONCAT(DISTINCT STR(?name); separator="\\u001F") AS ?names) WHERE {{ '
        f"VALUES ?name {{ {names} }} ?item {labels} ?name . "
        f"OPTIONAL {{ ?item {profile.label_paths[0]} ?label . FILTER(LANG(?label) IN "
        f"({', '.join(Literal(lang).n3() for lang in profile.languages)})) }} {typed} "
        f"OPTIONAL {{ ?item {profile.class_path} ?class }} "
        f"OPTIONAL {{ ?item {profile.country_path} ?country }} "
        f"FILTER(isIRI(?item) && STRSTARTS(STR(?item), {Literal(profile.item_space).n3()})) }} "
        f"GROUP BY ?item LIMIT 50"
    )


def variants(labels: Iterable[str]) -> list[str]:
    """The forms a label may take as an external label, which is matched exactly: as written, without a leading
    article ("la France" -> "France", "l'OCDE" -> "OCDE"), then each also capitalised and without accents."""
    bare: dict[str, None] = {}
    for label in labels:
        bare[label] = None
        head, _, rest = label.partition(" ")
        if rest and match.normalise(head) in match.ARTICLES:
            bare[rest] = None
        if label[:2].lower() in ("l'", "l’") and len(label) > 2:
            bare[label[2:]] = None
    out = dict(bare)
    for form in bare:
        for variant in (form[:1].upper() + form[1:], _unaccented(form)):
            out.setdefault(variant, None)
    return list(out)


def _unaccented(text: str) -> str:
    """The text without combining marks ("Côte d'Ivoire" -> "Cote d'Ivoire")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
