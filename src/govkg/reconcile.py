"""The W3C Reconciliation Service API, protocol 0.2: the manifest and reconciliation queries over an entity index.

Plain functions over `govkg.entity_index.Index` (suggest in govkg.suggest, data extension in govkg.extend); the
wire (routes, forms, status codes) is in govkg.web.reconcile. Malformed input raises `ReconcileError` (one line).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import URIRef
from rdflib.term import Node

from govkg import __version__, match
from govkg.entity_index import LANGS, Entity, Index

NAME = "govkg: knowledge graph of international AI governance"
MAX_BATCH = 100  # queries in one batch (the manifest's batchSize)
MAX_TEXT = 1000  # characters of a query string or a property value
MAX_VALUES = 1000  # property values in one batch: each is compared with every candidate's values
DEFAULT_LIMIT = 10
MATCH_SCORE, MATCH_GAP = 90.0, 10.0  # a match: at least this score, this far ahead of the next candidate
MIN_SCORE = 40.0  # weaker candidates are left out
OFF_TYPE = 0.5  # factor on the score of a candidate outside the types of a type_strict=should query
STRICTNESS = ("any", "all", "should")
QUERY_FIELDS = frozenset({"query", "type", "type_strict", "limit", "properties"})
# Property ids users bring from Wikidata (P297 = ISO 3166-1 alpha-2 code, P17 = country) and plain words.
ALIASES = {"P297": "iso3166Alpha2", "P298": "iso3166Alpha3", "P299": "iso3166Numeric", "P17": "country",
           "label": "rdfs:label", "altLabel": "skos:altLabel"}
DEFAULT_TYPES = ("State", "Company", "InternationalOrganisation", "Organisation", "Person", "Event", "Instrument",
                 "schema:Place")
SETTINGS = [
    {"name": "lang", "label": "Language of labels / langue des libellés", "type": "select", "default": LANGS[0],
     "choices": [{"value": "en", "name": "English"}, {"value": "fr", "name": "français"}]},
    {"name": "limit", "label": "Values per cell (0: all)", "type": "number", "default": 0},
]


class ReconcileError(ValueError):
    """A malformed request: the message is one line."""


@dataclass(frozen=True)
class Query:
    """One reconciliation query, checked against the index."""

    text: str
    types: tuple[str, ...]
    strict: str
    limit: int
    properties: tuple[tuple[str, tuple[Any, ...]], ...]


# --- Manifest ------------------------------------------------------------------------------------------------

def manifest(index: Index, service: str, root: str, lang: str = LANGS[0]) -> dict[str, Any]:
    """The service manifest (§3.1) for a service at `service` whose entity pages are under `root`."""
    suggest = {kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
               for kind in ("entity", "type", "property")}
    return {
        "versions": ["0.2"], "name": NAME, "identifierSpace": index.space, "schemaSpace": index.base + "ontology#",
        "documentation": root, "serviceVersion": __version__, "view": {"url": root + "id/{{id}}"},
        "defaultTypes": [type_json(index, t, lang) for t in DEFAULT_TYPES if t in index.types],
        "preview": {"url": service + "/preview?id={{id}}", "width": 400, "height": 200},
        "suggest": suggest, "batchSize": MAX_BATCH,
        "extend": {"propose_properties": {"service_url": service, "service_path": "/propose_properties"},
                   "property_settings": SETTINGS},
    }


def type_json(index: Index, type_id: str, lang: str) -> dict[str, Any]:
    """A type as the protocol writes it: id and name."""
    return {"id": type_id, "name": index.types[type_id].name(lang)}


# --- Reconciliation queries ----------------------------------------------------------------------------------

def parse_batch(batch: object, index: Index) -> dict[str, Query]:
    """A query batch (a JSON object of queries by key, §4.1), checked; ReconcileError if it is malformed."""
    if not isinstance(batch, dict) or not batch:
        raise ReconcileError("queries must be a non-empty JSON object of queries keyed by an id")
    if len(batch) > MAX_BATCH:
        raise ReconcileError(f"{len(batch)} queries in one batch: at most {MAX_BATCH}")
    queries = {key: parse_query(raw, index, key) for key, raw in batch.items()}
    if sum(len(values) for q in queries.values() for _, values in q.properties) > MAX_VALUES:
        raise ReconcileError(f"more than {MAX_VALUES} property values in one batch")
    return queries


def parse_query(raw: object, index: Index, key: str = "q0") -> Query:
    """One query, checked: its fields, query length, types, strictness, limit and properties."""
    if not isinstance(raw, dict):
        raise ReconcileError(f"query {key}: must be a JSON object")
    unknown = sorted(set(raw) - QUERY_FIELDS)
    if unknown:
        raise ReconcileError(f"query {key}: unknown field {unknown[0]!r}")
    text = _text(raw.get("query", ""), f"query {key}: query")
    properties = _query_properties(raw.get("properties", []), index, key)
    if not text.strip() and not properties:
        raise ReconcileError(f"query {key}: give a query string or properties")
    strict = raw.get("type_strict", "any")
    if strict not in STRICTNESS:
        raise ReconcileError(f"query {key}: type_strict must be one of {', '.join(STRICTNESS)}")
    return Query(text.strip(), _types(raw.get("type"), index, key), strict,
                 positive(raw.get("limit", DEFAULT_LIMIT), f"query {key}: limit"), properties)


def positive(value: object, what: str) -> int:
    """A positive integer (a JSON number with no fraction)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or value != int(value) or value < 1:
        raise ReconcileError(f"{what} must be a positive integer")
    return int(value)


def _text(value: object, what: str) -> str:
    """A string of at most MAX_TEXT characters."""
    if not isinstance(value, str):
        raise ReconcileError(f"{what} must be a string")
    if len(value) > MAX_TEXT:
        raise ReconcileError(f"{what} is longer than {MAX_TEXT} characters")
    return value


def _types(value: object, index: Index, key: str) -> tuple[str, ...]:
    """The query's types, each known to the index (subclasses are matched by the index's closure)."""
    given = [] if value is None else [value] if isinstance(value, str) else value
    if not isinstance(given, list) or not all(isinstance(t, str) for t in given):
        raise ReconcileError(f"query {key}: type must be a type id or a list of type ids")
    given = [t for t in given if t]  # an empty type is no type
    found = tuple(index.type_id(t) for t in given)
    for name, type_id in zip(given, found, strict=True):
        if type_id is None:
            raise ReconcileError(f"query {key}: unknown type {name[:100]!r}")
    return tuple(t for t in found if t)


def property_id(pid: str, index: Index) -> str | None:
    """The index's id of a property named by its id, an alias or its IRI (None if unknown)."""
    for candidate in (pid, ALIASES.get(pid, ""), pid.removeprefix("gk:")):
        if candidate in index.properties:
            return candidate
    return next((p.id for p in index.properties.values() if p.iri == pid), None)


def _query_properties(value: object, index: Index, key: str) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """The query's property constraints: (property id, values)."""
    if not isinstance(value, list):
        raise ReconcileError(f"query {key}: properties must be a list of {{pid, v}} objects")
    found = []
    for item in value:
        if not isinstance(item, dict) or set(item) != {"pid", "v"} or not isinstance(item["pid"], str):
            raise ReconcileError(f"query {key}: each property must be an object with pid and v")
        pid = property_id(item["pid"], index)
        if pid is None:
            raise ReconcileError(f"query {key}: unknown property {item['pid'][:100]!r}")
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        found.append((pid, tuple(_property_value(v, key) for v in values)))
    return tuple(found)


def _property_value(value: object, key: str) -> Any:
    """A property value: a string, number, boolean or an entity {id, name}."""
    if isinstance(value, dict):
        if not isinstance(value.get("id"), str) or not isinstance(value.get("name", ""), str):
            raise ReconcileError(f"query {key}: an entity value needs a string id")
        return {"id": _text(value["id"], f"query {key}: id"), "name": _text(value.get("name", ""), "name")}
    if isinstance(value, str):
        return _text(value, f"query {key}: property value")
    if isinstance(value, bool | int | float):
        return value
    raise ReconcileError(f"query {key}: a property value must be a string, number, boolean or {{id, name}}")


@dataclass
class Scored:
    """An entity scored against a query."""

    entity: Entity
    score: float
    typed: bool  # has the wanted types
    lang: str  # the language of its label closest to the query
    features: list[dict[str, Any]]


def reconcile(index: Index, query: Query, lang: str = LANGS[0],
              check: Callable[[], None] | None = None) -> list[dict[str, Any]]:
    """The candidates for one query, best first; only a clear, unique best one of the wanted types is a match.
    Names are in the language of the label the query is closest to (else `lang`). `check` is called before
    each entity is scored (a deadline's check, which raises to stop)."""
    found: list[Scored] = []
    for entity in index.entities.values():
        if check is not None:
            check()
        if (one := _score(index, entity, query, lang)) is not None:
            found.append(one)
    scored = sorted(found, key=lambda s: (-s.score, s.entity.id))
    if not scored:
        return []
    top, runner_up = scored[0], scored[1].score if len(scored) > 1 else 0.0
    matched = top.typed and top.score >= MATCH_SCORE and top.score - runner_up >= MATCH_GAP
    return [{**entity_json(s.entity, top.lang), "score": s.score, "match": matched and s is top,
             "type": [type_json(index, t, top.lang) for t in s.entity.direct], "features": s.features}
            for s in scored[:query.limit]]


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
