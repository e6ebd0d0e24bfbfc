"""rdflib ↔ pyoxigraph terms and quads (keeping literals' lexical forms and blank node labels), canonical quads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.term import Node

__all__ = [
    "XSD_STRING",
    "OxTerm",
    "TermCache",
    "dataset_quads",
    "graph_quads",
    "to_oxigraph",
    "to_rdflib",
    "union",
]

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal
XSD_STRING = str(XSD.string)


def to_rdflib(term: OxTerm) -> Node:
    """The rdflib term for a pyoxigraph term, with the same blank node label and literal lexical form."""
    convert = _TO_RDFLIB.get(type(term))
    if convert is None:
        raise TypeError(f"no rdflib term for {term!r}")
    return convert(term)


def _literal(term: ox.Literal) -> Literal:
    """An rdflib literal that keeps the lexical form (rdflib would normalise "05"^^xsd:integer to "5")."""
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    # RDF 1.1 §3.3: a simple literal is an xsd:string; rdflib spells it without a datatype
    return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype), normalize=False)


_TO_RDFLIB: dict[type, Callable[[Any], Node]] = {
    ox.NamedNode: lambda t: URIRef(t.value),
    ox.BlankNode: lambda t: BNode(t.value),
    ox.Literal: _literal,
}


def to_oxigraph(term: Node) -> OxTerm:
    """The pyoxigraph term for an rdflib IRI, blank node or literal."""
    if isinstance(term, Literal):
        return _ox_literal(term)
    if isinstance(term, BNode):
        return _blank(str(term))
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    raise TypeError(f"no pyoxigraph term for {term!r}")


def _ox_literal(term: Literal) -> ox.Literal:
    """A literal with its lexical form (str), language tag or datatype."""
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _blank(label: str) -> ox.BlankNode:
    """The blank node of an rdflib label; a label pyoxigraph refuses is spelled in hex (still one-to-one)."""
    try:
        return ox.BlankNode(label)
    except ValueError:
        return ox.BlankNode("x" + label.encode("utf-8").hex())


class TermCache(dict[Any, Any]):
    """Converted terms by term, converting on first use (IRIs recur a lot, and conversions are not free)."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self.convert = convert

    def __missing__(self, term: Any) -> Any:
        converted = self[term] = self.convert(term)
        return converted


def graph_quads(graph: Graph, name: ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None = None) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as quads in graph `name` (the default graph when None)."""
    cache, target = TermCache(to_oxigraph), ox.DefaultGraph() if name is None else name
    return (ox.Quad(cache[s], cache[p], cache[o], target) for s, p, o in graph)


def dataset_quads(ds: Dataset) -> Iterator[ox.Quad]:
    """The quads of an rdflib Dataset; its default graph is pyoxigraph's DefaultGraph, never `urn:x-rdflib:default`."""
    for graph in ds.graphs():
        named = graph.identifier != DATASET_DEFAULT_GRAPH_ID
        yield from graph_quads(graph, to_oxigraph(graph.identifier) if named else None)  # type: ignore[arg-type]


def union(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """The quads moved into the default graph (the union of all graphs' triples)."""
    return (ox.Quad(q.subject, q.predicate, q.object) for q in quads)
