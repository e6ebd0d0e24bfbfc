"""The W3C Reconciliation Service API, protocol 0.2: the manifest and the candidates for a query (§3, §4.2).

Plain functions over `govkg.reconcile.index.Index` (queries read in `query`, suggest in `suggest`, data extension
in `extend`); the wire (routes, forms, status codes) is in govkg.web.reconcile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from govkg import __version__
from govkg.reconcile import match
from govkg.reconcile.candidates import candidates
from govkg.reconcile.index import LANGS, Entity, Index
from govkg.reconcile.query import MAX_BATCH, Query

__all__ = [
    "MATCH_GAP",
    "MATCH_SCORE",
    "MIN_SCORE",
    "NAME",
    "OFF_TYPE",
    "Scored",
    "entity_json",
    "has_types",
    "manifest",
    "reconcile",
    "type_json",
]

NAME = "govkg: knowledge graph of international AI governance"
MATCH_SCORE, MATCH_GAP = 90.0, 10.0  # a match: at least this score, this far ahead of the next candidate
MIN_SCORE = 40.0  # weaker candidates are left out
OFF_TYPE = 0.5  # factor on the score of a candidate outside the types of a type_strict=should query
DEFAULT_TYPES = (
    "State",
    "Company",
    "InternationalOrganisation",
    "Organisation",
    "Person",
    "Event",
    "Instrument",
    "schema:Place",
)
SETTINGS = [
    {
        "name": "lang",
        "label": "Language of labels / langue des libellés",
        "type": "select",
        "default": LANGS[0],
        "choices": [{"value": "en", "name": "English"}, {"value": "fr", "name": "français"}],
    },
    {"name": "limit", "label": "Values per cell (0: all)", "type": "number", "default": 0},
]


# --- Manifest ------------------------------------------------------------------------------------------------


def manifest(index: Index, service: str, root: str, lang: str = LANGS[0]) -> dict[str, Any]:
    """The service manifest (§3.1) for a service at `service` whose entity pages are under `root`."""
    suggest = {
        kind: {"service_url": service, "service_path": f"/suggest/{kind}"} for kind in ("entity", "type", "property")
    }
    return {
        "versions": ["0.2"],
        "name": NAME,
        "identifierSpace": index.space,
        "schemaSpace": index.base + "ontology#",
        "documentation": root,
        "serviceVersion": __version__,
        "view": {"url": root + "id/{{id}}"},
        "defaultTypes": [type_json(index, t, lang) for t in DEFAULT_TYPES if t in index.types],
        "preview": {"url": service + "/preview?id={{id}}", "width": 400, "height": 200},
        "suggest": suggest,
        "batchSize": MAX_BATCH,
        "extend": {
            "propose_properties": {"service_url": service, "service_path": "/propose_properties"},
            "property_settings": SETTINGS,
        },
    }


def type_json(index: Index, type_id: str, lang: str) -> dict[str, Any]:
    """A type as the protocol writes it: id and name."""
    return {"id": type_id, "name": index.types[type_id].name(lang)}


# --- Reconciliation queries ----------------------------------------------------------------------------------


@dataclass
class Scored:
    """An entity scored against a query."""

    entity: Entity
    score: float
    typed: bool  # has the wanted types
    lang: str  # the language of its label closest to the query
    features: list[dict[str, Any]]


def reconcile(
    index: Index, query: Query, lang: str = LANGS[0], check: Callable[[], None] | None = None
) -> list[dict[str, Any]]:
    """The candidates for one query, best first; only a clear, unique best one of the wanted types is a match.
    Names are in the language of the label the query is closest to (else `lang`). `check` is called before
    each entity is scored (a deadline's check, which raises to stop)."""
    found: list[Scored] = []
    # A text alone: only the entities the label index relates to it; property values: every entity.
    scanned = candidates(index, query.text) if query.text and not query.properties else index.entities.values()
    for entity in scanned:
        if check is not None:
            check()
        if (one := _score(index, entity, query, lang)) is not None:
            found.append(one)
    scored = sorted(found, key=lambda s: (-s.score, s.entity.id))
    if not scored:
        return []
    top, runner_up = scored[0], scored[1].score if len(scored) > 1 else 0.0
    matched = top.typed and top.score >= MATCH_SCORE and top.score - runner_up >= MATCH_GAP
    return [
        {
            **entity_json(s.entity, top.lang),
            "score": s.score,
            "match": matched and s is top,
            "type": [type_json(index, t, top.lang) for t in s.entity.direct],
            "features": s.features,
        }
        for s in scored[: query.limit]
    ]


def _score(index: Index, entity: Entity, query: Query, lang: str) -> Scored | None:
    """The entity scored against `query`: the mean of its name and property similarities, lowered when it
    lacks the wanted types (type_strict=should); None if it is filtered out or too weak."""
    typed = not query.types or has_types(entity, query.types, query.strict)
    if not typed and query.strict != "should":
        return None
    parts, features, name_lang = [], [], lang
    if query.text:
        name, name_lang = _name_score(entity, query.text, lang)
        parts.append(name)
        features.append({"id": "name", "value": round(name, 3)})
    for pid, values in query.properties:
        score = _property_score(index, entity.values.get(pid, ()), values)
        if score is not None:  # a property the entity has no value for is no evidence either way
            parts.append(score)
            features.append({"id": f"property:{pid}", "value": round(score, 3)})
    score = 100 * sum(parts) / len(parts) * (1.0 if typed else OFF_TYPE) if parts else 0.0
    if score < MIN_SCORE:
        return None
    if query.types:
        features.append({"id": "type", "value": typed})
    return Scored(entity, round(score, 1), typed, name_lang, features)


def has_types(entity: Entity, types: tuple[str, ...], strict: str) -> bool:
    """Whether the entity has all (type_strict=all) or any of the types, superclasses included."""
    return all(t in entity.types for t in types) if strict == "all" else any(t in entity.types for t in types)


def _name_score(entity: Entity, text: str, lang: str) -> tuple[float, str]:
    """How well the query names the entity (1.0 for its id or IRI), and the language of the closest label."""
    if text in (entity.id, entity.iri):
        return 1.0, lang
    scores = [(match.similarity(text, label), label_lang == lang, label_lang) for label, label_lang in entity.names]
    score, _, found = max(scores)
    return score, found if found in LANGS else lang


def _property_score(index: Index, have: tuple[Node, ...], wanted: tuple[Any, ...]) -> float | None:
    """The best similarity between a wanted value and the entity's values (None if it has none)."""
    if not have or not wanted:
        return None
    return max(_value_score(index, h, w) for h in have for w in wanted)


def _value_score(index: Index, have: Node, wanted: Any) -> float:
    """One stored value against one wanted value: entities by id or labels, literals by text or number."""
    target = index.entity(str(have)) if isinstance(have, URIRef) else None
    names = {str(have), _local(have), target.id if target else ""} - {""}
    if isinstance(wanted, dict):  # an entity the client reconciled already: same id, else compare its name
        if wanted["id"] in names:
            return 1.0
        wanted = wanted["name"]
    if target is not None:
        return max(match.best(str(wanted), [label for label, _ in target.names]), float(str(wanted) in names))
    if isinstance(have, URIRef):  # an external identifier: equal or not
        return float(str(wanted) in names)
    if isinstance(wanted, bool):
        wanted = str(wanted).lower()
    elif isinstance(wanted, int | float):
        return float(_number(have) == wanted)
    return match.similarity(str(wanted), str(have))


def _local(value: Node) -> str:
    """The last segment of an IRI ("Q142" of a Wikidata item), or "" for a literal."""
    return re.split(r"[/#]", str(value))[-1] if isinstance(value, URIRef) else ""


def _number(value: Node) -> float | None:
    """A literal's numeric value, if it reads as a number."""
    try:
        return float(str(value))
    except ValueError:
        return None


def entity_json(entity: Entity, lang: str) -> dict[str, Any]:
    """An entity's id and name in `lang`, and its label in the other language as its description."""
    found = {"id": entity.id, "name": entity.name(lang)}
    other = next((entity.labels[o] for o in LANGS if o != lang and o in entity.labels), None)
    if other and other != found["name"]:
        found["description"] = other
    return found
