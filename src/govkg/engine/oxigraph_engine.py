"""The default engine: an in-memory embedded Oxigraph store, loaded once, queried by many threads."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from govkg import guard, jsonld, serialize
from govkg.deadline import Deadline
from govkg.engine.model import Answer, EngineError, Selection, Source, one_line
from govkg.formats import Format
from govkg.namespaces import PREFIXES, graph_iri, rebase_iri

_FROM = re.compile(r"(?<![\w:])from(?![\w:])", re.IGNORECASE)  # cheap pre-check: not prov:wasDerivedFrom


@dataclass
class Handle:
    """The store, its named graphs, the inferred graph's IRI and the prefixes predeclared in queries."""

    store: ox.Store
    graphs: tuple[str, ...]
    inferred: str
    base: str
    prefixes: dict[str, str]


def open(sources: Iterable[Source], base: str) -> Handle:
    """Load the sources into a new in-memory store."""
    store = ox.Store()
    for source in sources:
        fmt = ox.RdfFormat.from_extension(source.path.suffix.lstrip("."))
        if fmt is None:
            raise EngineError(f"{source.path}: unknown RDF file suffix")
        target = ox.NamedNode(source.graph) if source.graph else None
        try:
            if fmt == ox.RdfFormat.JSON_LD:  # govkg's own context is inlined; Oxigraph fetches none either way
                store.bulk_load(jsonld.bundle(source.path.read_bytes(), base), format=fmt, to_graph=target)
            else:
                store.bulk_load(path=str(source.path), format=fmt, to_graph=target)
        except (SyntaxError, OSError, ValueError) as error:
            raise EngineError(f"{source.path}: {one_line(error)}") from None
    names = tuple(sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)))
    prefixes = {p: rebase_iri(iri, base) for p, iri in PREFIXES.items()}
    return Handle(store, names, graph_iri("inferred", base), base, prefixes)


def graphs(handle: Handle) -> tuple[str, ...]:
    """The IRIs of the stored named graphs, sorted."""
    return handle.graphs


def evaluate(handle: Handle, query: str, selection: Selection, deadline: Deadline | None = None) -> Answer:
    """Parse and start evaluating a query; SELECT and CONSTRUCT rows are produced while writing. A query
    with the SERVICE keyword is refused: Oxigraph would call its endpoint, any endpoint (govkg.federate)."""
    if _names_service(query):
        raise EngineError("SERVICE is not evaluated by the Oxigraph engine: federated queries go to rdflib's")
    try:
        result = handle.store.query(query, base_iri=handle.base, prefixes=handle.prefixes,
                                    **_dataset(handle, query, selection))
    except SyntaxError as error:
        raise EngineError("syntax error: " + one_line(error)) from None
    except (OSError, ValueError) as error:
        raise EngineError("evaluation failed: " + one_line(error)) from None
    form = {ox.QuerySolutions: "bindings", ox.QueryBoolean: "boolean"}.get(type(result), "graph")
    return Answer(form, result)


def _names_service(query: str) -> bool:
    """True if a bare word of the query holds SERVICE (Oxigraph reads `trueSERVICE` as two tokens). Callers
    route such queries away (guard.mentions_service, which errs higher): this is defence in depth."""
    lowered = query.lower()
    if "service" not in lowered and "\\u" not in lowered:
        return False  # the fast path: no word can be SERVICE
    return any("SERVICE" in word for word in guard.keywords(query))


def _dataset(handle: Handle, query: str, selection: Selection) -> dict[str, Any]:
    """Keyword arguments giving the query's RDF dataset (Protocol §2.1.4 takes precedence over FROM)."""
    if selection.default is not None or selection.named is not None:
        return {"default_graph": [ox.NamedNode(g) for g in selection.default or ()] or ox.DefaultGraph(),
                "named_graphs": [ox.NamedNode(g) for g in selection.named or ()]}
    if _FROM.search(query) and "FROM" in guard.keywords(query):
        return {}  # the query's own FROM / FROM NAMED (Query §13.2); never fetched, only stored graphs
    if not selection.infer:
        kept = [ox.NamedNode(g) for g in handle.graphs if g != handle.inferred]
        return {"default_graph": kept, "named_graphs": kept}
    return {"use_default_graph_as_union": True}


def write(answer: Answer, fmt: Format, out: IO[bytes], base: str) -> None:
    """Serialise an answer in `fmt` (natively where Oxigraph writes the format)."""
    try:
        _write(answer, fmt, out, base)
    except (OSError, ValueError) as error:
        raise EngineError("evaluation failed: " + one_line(error)) from None


def _write(answer: Answer, fmt: Format, out: IO[bytes], base: str) -> None:
    if answer.form != "graph":
        answer.result.serialize(out, format=getattr(ox.QueryResultsFormat, fmt.oxigraph))
    else:
        _write_triples(answer.result, fmt, out, base)


def _write_triples(triples: Iterable[ox.Triple], fmt: Format, out: IO[bytes], base: str) -> None:
    """Write triples in a graph format, or as the default graph of a dataset format."""
    if not fmt.oxigraph:
        out.write(serialize.graph_bytes(to_rdflib(triples), fmt.name, base))
    elif fmt.kind == "dataset":
        ox.serialize((ox.Quad(t.subject, t.predicate, t.object) for t in triples), out,
                     format=getattr(ox.RdfFormat, fmt.oxigraph), prefixes=_prefixes(base))
    else:
        ox.serialize(triples, out, format=getattr(ox.RdfFormat, fmt.oxigraph), prefixes=_prefixes(base))


def _prefixes(base: str) -> dict[str, str]:
    return {p: rebase_iri(iri, base) for p, iri in PREFIXES.items()}


def to_rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph of Oxigraph triples (through N-Triples, the lossless common ground)."""
    graph = Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")
    return graph


def term(value: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """The rdflib term for an Oxigraph term."""
    if value is None or isinstance(value, ox.NamedNode):
        return None if value is None else URIRef(value.value)
    if isinstance(value, ox.BlankNode):
        return BNode(value.value)
    datatype = value.datatype.value
    if value.language or datatype == str(XSD.string):
        return Literal(value.value, lang=value.language)
    return Literal(value.value, datatype=URIRef(datatype))


def rows(answer: Answer, limit: int) -> tuple[list[str], list[list[Node | None]]]:
    """Up to `limit` rows of an answer as rdflib terms (a boolean is one row, a graph is s/p/o rows)."""
    if answer.form == "boolean":
        return ["boolean"], [[Literal(bool(answer.result))]]
    if answer.form == "graph":
        return ["subject", "predicate", "object"], [
            [term(t.subject), term(t.predicate), term(t.object)] for t in islice(answer.result, limit)]
    names = [v.value for v in answer.result.variables]
    return names, [[term(solution[n]) for n in names] for solution in islice(answer.result, limit)]

