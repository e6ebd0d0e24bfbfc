"""Data extension for reconciliation clients (Reconciliation API 0.2 §8): property values of reconciled entities,
e.g. the ISO 3166-1 codes or the Wikidata item of each state of a spreadsheet column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govkg.reconcile.index import LANGS, Index
from govkg.reconcile.query import ReconcileError, positive, property_id
from govkg.reconcile.service import type_json

__all__ = ["Column", "cell", "extend", "parse_extend"]

MAX_IDS, MAX_COLUMNS = 1000, 50  # entities and properties in one data extension query
# Data extension value kinds by datatype (Reconciliation API 0.2 §8.5: str, int, float, date).
INTEGERS = {
    XSD[t]
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
FLOATS = {XSD.decimal, XSD.double, XSD.float}
DATE = re.compile(r"^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
DATETIME = re.compile(
    r"^-?\d{4,}-(1[0-2]|0[1-9])-(3[01]|0[1-9]|[12]\d)T(2[0-3]|[01]\d):[0-5]\d:[0-5]\d(\.\d+)?"
    r"(Z|[+-](2[0-3]|[01]\d):[0-5]\d)?$"
)


@dataclass(frozen=True)
class Column:
    """One property of a data extension query: the id as requested, the index's id and its settings."""

    requested: str
    pid: str
    lang: str | None = None
    limit: int = 0  # values per cell, 0: all


def parse_extend(raw: object, index: Index) -> tuple[list[str], list[Column]]:
    """A data extension query (§8.4): the entity ids and the columns; ReconcileError if it is malformed."""
    if not isinstance(raw, dict) or not isinstance(raw.get("ids"), list) or not isinstance(raw.get("properties"), list):
        raise ReconcileError("extend must be a JSON object with ids and properties lists")
    ids = raw["ids"]
    if not all(isinstance(i, str) for i in ids) or len(ids) > MAX_IDS:
        raise ReconcileError(f"extend ids must be a list of at most {MAX_IDS} strings")
    if len(raw["properties"]) > MAX_COLUMNS:
        raise ReconcileError(f"at most {MAX_COLUMNS} extend properties")
    return ids, [_column(item, index) for item in raw["properties"]]


def _column(item: object, index: Index) -> Column:
    """One requested property with its settings (lang, limit)."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise ReconcileError("each extend property must be an object with a string id")
    pid = property_id(item["id"], index)
    if pid is None:
        raise ReconcileError(f"unknown property {item['id'][:100]!r}")
    settings = item.get("settings") or {}
    if not isinstance(settings, dict) or set(settings) - {"lang", "limit"}:
        raise ReconcileError("extend settings may only be lang and limit")
    lang = settings.get("lang")
    if lang is not None and lang not in LANGS:
        raise ReconcileError(f"lang must be one of {', '.join(LANGS)}")
    limit = settings.get("limit") or 0
    if isinstance(limit, str) and limit.isascii() and limit.isdigit():
        limit = int(limit)  # form-minded clients send numbers as text
    return Column(item["id"], pid, lang, 0 if limit == 0 else positive(limit, "limit"))


def extend(index: Index, ids: list[str], columns: list[Column], lang: str = LANGS[0]) -> dict[str, Any]:
    """Property values for each entity (§8.5): entities as {id, name}, literals as str, int, float or date."""
    meta: list[dict[str, Any]] = []
    for column in columns:
        term = index.properties[column.pid]
        meta.append({"id": column.requested, "name": term.name(column.lang or lang)})
        if term.range:  # entity values: their type, so a client can treat the column as reconciled
            meta[-1]["type"] = type_json(index, term.range, column.lang or lang)
    rows = {}
    for ident in ids:
        entity = index.entity(ident)
        rows[ident] = {
            c.requested: cell(index, entity.values.get(c.pid, ()) if entity else (), c.lang or lang, c.limit)
            for c in columns
        }
    return {"meta": meta, "rows": rows}


def cell(index: Index, values: tuple[Node, ...], lang: str, limit: int = 0) -> list[dict[str, Any]]:
    """One property's values, in `lang` when the values are text in several languages."""
    if any(isinstance(v, Literal) and v.language == lang for v in values):
        values = tuple(v for v in values if not (isinstance(v, Literal) and v.language and v.language != lang))
    rendered = [r for v in values if (r := _render(index, v, lang)) is not None]
    return rendered[:limit] if limit else rendered


def _render(index: Index, value: Node, lang: str) -> dict[str, Any] | None:
    """One value as the protocol writes it."""
    if isinstance(value, URIRef):
        entity = index.entity(str(value)) if str(value).startswith(index.space) else None
        return {"id": entity.id, "name": entity.name(lang)} if entity else {"str": str(value)}
    if not isinstance(value, Literal):
        return None  # a blank node has no identity to show
    text, kind = str(value), value.datatype
    try:
        if kind in INTEGERS:
            return {"int": int(text)}
        if kind in FLOATS:
            return {"float": float(text)}
    except ValueError:
        return {"str": text}
    if kind == XSD.date and (day := DATE.match(text)):
        return {"date": f"{day.group(1)}T00:00:00{day.group(2) or ''}"}
    if kind == XSD.dateTime and DATETIME.match(text):
        return {"date": text}
    return {"str": text}
