"""Reconciliation queries and batches (W3C Reconciliation Service API 0.2 §4.1), read and checked against the index:
malformed input raises `ReconcileError` with one line."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from govkg.errors import GovkgError
from govkg.reconcile.index import Index

__all__ = [
    "ALIASES",
    "DEFAULT_LIMIT",
    "MAX_BATCH",
    "MAX_TEXT",
    "MAX_VALUES",
    "Query",
    "ReconcileError",
    "parse_batch",
    "parse_query",
    "positive",
    "property_id",
]

MAX_BATCH = 100  # queries in one batch (the manifest's batchSize)
MAX_TEXT = 1000  # characters of a query string or a property value
MAX_VALUES = 1000  # property values in one batch: each is compared with every candidate's values
DEFAULT_LIMIT = 10
STRICTNESS = ("any", "all", "should")
QUERY_FIELDS = frozenset({"query", "type", "type_strict", "limit", "properties"})
# Property ids users bring from Wikidata (P297 = ISO 3166-1 alpha-2 code, P17 = country) and plain words.
ALIASES = {
    "P297": "iso3166Alpha2",
    "P298": "iso3166Alpha3",
    "P299": "iso3166Numeric",
    "P17": "country",
    "label": "rdfs:label",
    "altLabel": "skos:altLabel",
}


class ReconcileError(GovkgError):
    """A malformed request: the message is one line."""


@dataclass(frozen=True)
class Query:
    """One reconciliation query, checked against the index."""

    text: str
    types: tuple[str, ...]
    strict: str
    limit: int
    properties: tuple[tuple[str, tuple[Any, ...]], ...]


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
    return Query(
        text.strip(),
        _types(raw.get("type"), index, key),
        strict,
        positive(raw.get("limit", DEFAULT_LIMIT), f"query {key}: limit"),
        properties,
    )


def positive(value: object, what: str) -> int:
    """A positive integer (a JSON number with no fraction)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value != int(value)
        or value < 1
    ):
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
