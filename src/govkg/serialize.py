"""Byte-stable serialisation: the same RDF always gives the same bytes, in every format.

Every writer starts from the distinct quads with blank nodes labelled canonically over the whole dataset (W3C RDF
Dataset Canonicalization, RDFC-1.0: `_:c14n0`, `_:c14n1`, …) and writes them in a sorted order, so that neither the
parse order, rdflib's blank node ids nor PYTHONHASHSEED can change a byte. Engines call `quads_bytes` with the quads
they hold, rdflib callers `graph_bytes`, `rdf_bytes` or `dataset_bytes`: the same RDF gives the same bytes either way.
(Only a "poison" dataset, whose look-alike blank nodes RDFC-1.0 could not tell apart in reasonable time, keeps its
own blank node labels: see `govkg.canonical`.)
"""

from __future__ import annotations

import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal
from rdflib.namespace import RDF, XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from govkg import formats
from govkg.canonical import canonical_quads
from govkg.jsonld import context
from govkg.namespaces import DEFAULT_BASE, bind_prefixes
from govkg.terms import XSD_STRING, OxTerm, TermCache, dataset_quads, graph_quads, to_rdflib, union

__all__ = ["dataset_bytes", "graph_bytes", "quads_bytes", "rdf_bytes", "write", "write_json"]


def graph_bytes(graph: Graph, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Serialise a graph in a triple format."""
    return quads_bytes(graph_quads(graph), formats.get(fmt, ("graph",)).name, base)


def rdf_bytes(graph: Graph, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Serialise a graph in any RDF format; a quad format holds it as the default graph."""
    return quads_bytes(graph_quads(graph), fmt, base)


def dataset_bytes(ds: Dataset, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Serialise a dataset: its quads in a quad format, the union of its graphs in a triple format."""
    return quads_bytes(dataset_quads(ds), fmt, base)


def quads_bytes(quads: Iterable[ox.Quad], fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Serialise pyoxigraph quads canonically: a quad format keeps graph names (DefaultGraph is the default
    graph), a triple format writes the union of all graphs' triples."""
    spec = formats.get(fmt, ("graph", "dataset"))
    if spec.kind == "graph":
        quads = union(quads)
    return _WRITERS[spec.name](canonical_quads(quads), base)


def _ordered(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads in N-Quads order, the order rdflib's writers are fed in."""
    return sorted(quads, key=str)


def _sorted_lines(data: bytes) -> bytes:
    """The lines of a line-based serialisation in (UTF-8, so code point) order."""
    return b"".join(line + b"\n" for line in sorted(data.splitlines()))


def _nquads(quads: list[ox.Quad], base: str) -> bytes:
    return _sorted_lines(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")


def _ntriples(quads: list[ox.Quad], base: str) -> bytes:
    return _sorted_lines(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES) or b"")


# --- rdflib's writers, fed an insertion-ordered graph -------------------------------------------------------------


def _graph(quads: list[ox.Quad], base: str, predicates: Sequence[ox.NamedNode] = ()) -> Graph:
    """An rdflib graph of the quads' triples in their order, govkg's prefixes and `predicates`' prefixes bound."""
    # rdflib's default Memory store iterates a set (PYTHONHASHSEED order); SimpleMemory keeps insertion order
    graph = bind_prefixes(Graph(store="SimpleMemory"), base)
    cache = TermCache(to_rdflib)
    for q in quads:
        graph.add((cache[q.subject], cache[q.predicate], cache[q.object]))
    _bind_generated(graph, predicates or sorted({q.predicate for q in quads}, key=str))
    return graph


def _bind_generated(graph: Graph, predicates: Iterable[ox.NamedNode]) -> None:
    """Let rdflib name the namespaces govkg has no prefix for (ns1, ns2, …) in IRI order, not in set order."""
    manager = graph.namespace_manager
    for predicate in predicates:
        with suppress(ValueError):
            manager.compute_qname(predicate.value)
        with suppress(ValueError):
            manager.compute_qname_strict(predicate.value)  # RDF/XML's own split


# Turtle §2.5.2 number and boolean tokens whose lexical form readers keep (rdflib reads 007 as "7", .5 as "0.5");
# any other lexical form is written quoted, with its datatype, so that it survives.
_BARE = {
    XSD.integer: re.compile(r"0|-?[1-9][0-9]*"),
    XSD.decimal: re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+"),
    XSD.double: re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
}


class _Turtle(TurtleSerializer):
    """rdflib's Turtle writer, with exact lexical forms and some blank nodes always labelled, never nested."""

    def __init__(self, graph: Graph, labelled: set[BNode]) -> None:
        super().__init__(graph)
        self.labelled = labelled

    def preprocess(self) -> None:
        super().preprocess()
        for node in self.labelled:  # more than one reference: written `_:c14nN`, not `[ … ]`, `( … )` or `[]`
            self._references[node] += 2

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype in _BARE:
            if _BARE[node.datatype].fullmatch(node):
                return str(node)  # rdflib would rewrite "1.5E0"^^xsd:double as 1.5e+00, "1"^^xsd:decimal as 1.0
            return node._literal_n3(qname_callback=lambda dt: self.get_pname(dt, False))
        return super().label(node, position)


def _turtle_text(graph: Graph, labelled: set[BNode]) -> str:
    stream = io.BytesIO()
    _Turtle(graph, labelled).serialize(stream)
    return stream.getvalue().decode("utf-8")


def _turtle(quads: list[ox.Quad], base: str) -> bytes:
    return _turtle_text(_graph(_ordered(quads), base), set()).encode("utf-8")


def _rdfxml(quads: list[ox.Quad], base: str) -> bytes:
    return _graph(_ordered(quads), base).serialize(format="xml", encoding="utf-8")


def _trig(quads: list[ox.Quad], base: str) -> bytes:
    """TriG: the default graph first, then named graphs in name order, each written by the Turtle writer."""
    groups = _by_graph(_ordered(quads))
    labelled, predicates = _shared_blank_nodes(groups), sorted({q.predicate for q in quads}, key=str)
    header: dict[str, str] = {}
    blocks = [_trig_block(name, _graph(group, base, predicates), labelled, header) for name, group in groups.items()]
    return ("".join(line + "\n" for _, line in sorted(header.items())) + "\n" + "\n".join(blocks)).encode("utf-8")


def _trig_block(name: OxTerm | ox.DefaultGraph, graph: Graph, labelled: set[BNode], header: dict[str, str]) -> str:
    """One graph as a TriG block; its prefixes go to the shared `header`."""
    lines = _turtle_text(graph, labelled).splitlines()
    for line in lines:
        if line.startswith("@prefix") and header.setdefault(line.split()[1], line) != line:
            raise ValueError(f"prefix {line.split()[1]} bound to two namespaces")
    # no indentation: a line may continue a multi-line string literal, whose content must not change
    body = "\n".join(ln for ln in lines if not ln.startswith("@prefix")).strip("\n")
    label = "" if isinstance(name, ox.DefaultGraph) else to_rdflib(name).n3() + " "  # TriG §2.2: default unnamed
    return f"{label}{{\n{body}\n}}\n"


def _by_graph(quads: list[ox.Quad]) -> dict[Any, list[ox.Quad]]:
    """The quads grouped by graph name: the default graph first, then named graphs in name order."""
    groups: dict[Any, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        groups[q.graph_name].append(q)
    return dict(sorted(groups.items(), key=lambda item: (not isinstance(item[0], ox.DefaultGraph), str(item[0]))))


def _shared_blank_nodes(groups: dict[Any, list[ox.Quad]]) -> set[BNode]:
    """Blank nodes in more than one graph (or naming a graph): TriG must label them to keep them one node."""
    places: dict[ox.BlankNode, set[Any]] = defaultdict(set)
    for name, group in groups.items():
        if isinstance(name, ox.BlankNode):
            places[name].add(None)
        for q in group:
            for term in (q.subject, q.object):
                if isinstance(term, ox.BlankNode):
                    places[term].add(name)
    return {BNode(node.value) for node, where in places.items() if len(where) > 1}


# --- JSON-LD --------------------------------------------------------------------------------------------------------
# Written here, not by rdflib, whose writer drops blank-node cycles and turns numbers' lexical forms into JSON numbers.

_FIRST, _REST, _NIL, _TYPE = (ox.NamedNode(str(t)) for t in (RDF.first, RDF.rest, RDF.nil, RDF.type))


@dataclass(frozen=True)
class _Compactor:
    """Turns terms into compacted JSON-LD: compact IRIs with govkg's prefixes, well-formed lists as @list."""

    prefixes: list[tuple[str, str]]  # (namespace, prefix), longest namespace first
    lists: dict[Any, list[tuple[Any, Any]]]  # list head → its (cell, item) chain

    def entry(self, q: ox.Quad) -> tuple[str, Any]:
        """The key and value a triple adds to its subject's node object."""
        if q.predicate == _TYPE and isinstance(q.object, ox.NamedNode):
            return "@type", self.iri(q.object.value)
        return self.iri(q.predicate.value), self.value(q.object)

    def value(self, term: Any) -> Any:
        """A node reference, the @list of a well-formed list, or a value object keeping the lexical form."""
        if term in self.lists:
            return {"@list": [self.value(item) for _, item in self.lists[term]]}
        if not isinstance(term, ox.Literal):
            return {"@id": self.node_id(term)}
        if term.language:
            return {"@language": term.language, "@value": term.value}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@type": self.iri(term.datatype.value), "@value": term.value}

    def node_id(self, term: Any) -> str:
        return "_:" + term.value if isinstance(term, ox.BlankNode) else self.iri(term.value)

    def iri(self, iri: str) -> str:
        """`prefix:local` with the longest matching namespace; a local part starting with `//` would read back as
        an absolute IRI (JSON-LD 1.1 §4.1.5), so that IRI stays whole."""
        for namespace, prefix in self.prefixes:
            local = iri[len(namespace) :]
            if iri.startswith(namespace) and local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri


def _jsonld(quads: list[ox.Quad], base: str) -> bytes:
    """JSON-LD compacted with govkg's context: every node object at top level, sorted by @id, with sorted arrays."""
    ctx = context(base)
    compactor = _Compactor(sorted(((iri, p) for p, iri in ctx.items()), key=lambda x: -len(x[0])), _lists(quads))
    cells = {cell for chain in compactor.lists.values() for cell, _ in chain}
    nodes: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for q in quads:
        if q.subject not in cells:
            key, value = compactor.entry(q)
            nodes[q.subject][key].append(value)
    graph = [{"@id": compactor.node_id(s), **{k: _values(v) for k, v in node.items()}} for s, node in nodes.items()]
    document = {"@context": ctx, "@graph": sorted(graph, key=lambda node: node["@id"])}
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def _values(values: list[Any]) -> Any:
    """One value alone, several as an array in a stable order (an unordered set of values; @list keeps its own)."""
    if len(values) == 1:
        return values[0]
    return sorted(values, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))


def _lists(quads: list[ox.Quad]) -> dict[Any, list[tuple[Any, Any]]]:
    """Well-formed RDF lists by head: blank node cells with just rdf:first and rdf:rest, each used once, ending in
    rdf:nil; the head used once, not as a list item or rest (lists of lists stay node references)."""
    props: dict[Any, list[ox.Quad]] = defaultdict(list)
    uses: dict[Any, list[ox.NamedNode]] = defaultdict(list)
    for q in quads:
        props[q.subject].append(q)
        uses[q.object].append(q.predicate)
    heads = [node for node, used in uses.items() if len(used) == 1 and used[0] not in (_FIRST, _REST)]
    chains = {head: _chain(head, props, uses) for head in heads if isinstance(head, ox.BlankNode)}
    return {head: chain for head, chain in chains.items() if chain is not None}


def _chain(node: Any, props: dict[Any, list[ox.Quad]], uses: dict[Any, list[ox.NamedNode]]) -> Any:
    """The (cell, item) pairs of the list starting at `node`, or None when it is not well formed."""
    chain: dict[Any, Any] = {}
    while node != _NIL:
        values = {q.predicate: q.object for q in props.get(node, [])}
        cell = isinstance(node, ox.BlankNode) and len(props[node]) == 2 and set(values) == {_FIRST, _REST}
        if not cell or len(uses.get(node, ())) != 1 or node in chain:
            return None
        chain[node] = values[_FIRST]
        node = values[_REST]
    return list(chain.items())


_WRITERS: dict[str, Callable[[list[ox.Quad], str], bytes]] = {
    "nquads": _nquads,
    "nt": _ntriples,
    "turtle": _turtle,
    "trig": _trig,
    "rdfxml": _rdfxml,
    "json-ld": _jsonld,
}


def write(path: Path, data: bytes) -> None:
    """Write bytes to `path`, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_json(path: Path, value: object) -> None:
    """Write JSON with sorted keys (stable bytes)."""
    write(path, (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
