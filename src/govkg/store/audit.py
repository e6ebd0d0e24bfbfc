"""The audit record of each accepted change, kept in its own named graph (`<base>graph/audit`) and committed in the
same transaction as the change: who, when, what (the update's text and counts), and digests of the data before
and after (PROV-O terms)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pyoxigraph as ox

from govkg.namespaces import graph_iri

if TYPE_CHECKING:
    from govkg.store.durable import Delta

__all__ = ["graph", "last", "record"]

PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"


def graph(base: str) -> str:
    """The audit graph's IRI."""
    return graph_iri("audit", base)


def _gk(base: str, name: str) -> ox.NamedNode:
    return ox.NamedNode(f"{base}ontology#{name}")


def record(
    base: str, number: int, editor: str, update: str, delta: Delta, generation: str, before: str, after: str
) -> set[ox.Quad]:
    """The quads of change `number`'s audit record."""
    node, g = ox.NamedNode(f"{base}audit/{number}"), ox.NamedNode(graph(base))
    when = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    values: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (RDF_TYPE, ox.NamedNode(PROV + "Activity")),
        (ox.NamedNode(PROV + "wasAssociatedWith"), ox.NamedNode(f"{base}editor/{editor}")),
        (ox.NamedNode(PROV + "endedAtTime"), ox.Literal(when, datatype=ox.NamedNode(XSD + "dateTime"))),
        (_gk(base, "changeNumber"), ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))),
        (_gk(base, "update"), ox.Literal(update)),
        (_gk(base, "triplesAdded"), ox.Literal(str(len(delta.added)), datatype=ox.NamedNode(XSD + "integer"))),
        (_gk(base, "triplesRemoved"), ox.Literal(str(len(delta.removed)), datatype=ox.NamedNode(XSD + "integer"))),
        (_gk(base, "digestBefore"), ox.Literal(before)),
        (_gk(base, "digestAfter"), ox.Literal(after)),
        (_gk(base, "generation"), ox.Literal(generation)),
    ]
    quads = {ox.Quad(node, p, o, g) for p, o in values}
    quads.add(ox.Quad(ox.NamedNode(f"{base}editor/{editor}"), RDF_TYPE, _gk(base, "Editor"), g))
    return quads


def last(store: ox.Store, base: str) -> tuple[int, str] | None:
    """(number, generation) of the latest accepted change, or None before the first."""
    rows = store.query(
        f"SELECT ?n ?g WHERE {{ GRAPH <{graph(base)}> {{ ?c <{base}ontology#changeNumber> ?n ; "
        f"<{base}ontology#generation> ?g }} }} ORDER BY DESC(?n) LIMIT 1"
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        return int(row["n"].value), str(row["g"].value)
    return None
