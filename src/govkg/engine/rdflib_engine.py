"""The pure-Python alternative engine: rdflib's SPARQL evaluator over an in-memory Dataset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import IO

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from govkg import federate, formats, load, query, serialize
from govkg.deadline import Deadline
from govkg.engine.model import Answer, EngineError, Selection, Source, one_line
from govkg.formats import Format
from govkg.namespaces import graph_iri
from govkg.remote import RemoteError

CHECK_EVERY = 256  # rows between deadline checks


@dataclass(eq=False)
class Handle:
    """The dataset (default graph = union of the named graphs), its base IRI and the federation policy
    (None: every SERVICE is refused)."""

    dataset: Dataset
    graphs: tuple[str, ...]
    inferred: str
    base: str
    views: dict[tuple[tuple[str, ...], tuple[str, ...]], Dataset] = field(default_factory=dict)
    federation: federate.Policy | None = None


def open(sources: Iterable[Source], base: str) -> Handle:
    """Parse the sources into a new in-memory Dataset."""
    ds = Dataset(default_union=True)
    for source in sources:
        try:
            target = ds.graph(URIRef(source.graph)) if source.graph else ds
            load.parse_into(target, source.path.read_bytes(), formats.by_suffix(source.path.suffix), base)
        except Exception as error:  # rdflib raises many unrelated types for bad syntax
            raise EngineError(f"{source.path}: {one_line(error)}") from None
    names = tuple(sorted(str(g.identifier) for g in ds.graphs() if len(g) and isinstance(g.identifier, URIRef)
                         and g.identifier != DATASET_DEFAULT_GRAPH_ID))
    return Handle(ds, names, graph_iri("inferred", base), base)


def graphs(handle: Handle) -> tuple[str, ...]:
    """The IRIs of the stored named graphs, sorted."""
    return handle.graphs


def evaluate(handle: Handle, text: str, selection: Selection, deadline: Deadline | None = None) -> Answer:
    """Parse (refusing any SERVICE the handle's federation policy does not allow, wherever it is) and
    evaluate a query, checking the deadline; a remote endpoint's failure raises RemoteError."""
    policy = handle.federation
    try:
        prepared = query.prepare(text, base=handle.base, services=policy.allowlist if policy else ())
    except query.QueryError as error:
        raise EngineError(str(error)) from None
    ds = _dataset(handle, prepared, selection)
    try:
        with federate.active(policy, deadline):
            result = ds.query(prepared)
            if result.type == "SELECT":
                result.bindings = _collect(result, deadline)
    except (EngineError, RemoteError):
        raise
    except federate.ServiceRefused as error:  # a budget of the federation policy ran out while evaluating
        raise EngineError(str(error)) from None
    except Exception as error:  # rdflib's evaluator raises arbitrary types
        if type(error).__name__ == "DeadlineExceeded":
            raise
        raise EngineError("evaluation failed: " + one_line(error)) from None
    return Answer({"SELECT": "bindings", "ASK": "boolean"}.get(result.type, "graph"), result)


def _collect(result: Result, deadline: Deadline | None) -> list:
    """Evaluate a SELECT's rows, checking the deadline every CHECK_EVERY rows."""
    pending = result._genbindings  # rdflib's lazy row generator: the only place to interleave checks
    if pending is None or deadline is None:
        return list(result.bindings)
    rows = []
    for n, row in enumerate(pending):
        if n % CHECK_EVERY == 0:
            deadline.check()
        rows.append(row)
    result._genbindings = None
    return rows


def _dataset(handle: Handle, prepared: Query, selection: Selection) -> Dataset:
    """The Dataset a query runs over; FROM / FROM NAMED and the protocol select stored graphs only."""
    clause = prepared.algebra.get("datasetClause")
    prepared.algebra["datasetClause"] = None  # rdflib would otherwise try to load the IRIs
    if selection.default is not None or selection.named is not None:
        return _view(handle, tuple(selection.default or ()), tuple(selection.named or ()))
    if clause:
        default = tuple(str(c.default) for c in clause if c.default)
        return _view(handle, default, tuple(str(c.named) for c in clause if c.named))
    if not selection.infer:
        kept = tuple(g for g in handle.graphs if g != handle.inferred)
        return _view(handle, kept, kept)
    return handle.dataset


def _view(handle: Handle, default: tuple[str, ...], named: tuple[str, ...]) -> Dataset:
    """A Dataset whose default graph merges `default` and whose named graphs are `named` (cached)."""
    key = (default, named)
    if key not in handle.views:
        if len(handle.views) > 64:
            handle.views.clear()
        handle.views[key] = _copy(handle.dataset, default, named)
    return handle.views[key]


def _copy(source: Dataset, default: tuple[str, ...], named: tuple[str, ...]) -> Dataset:
    view = Dataset()
    for name in default:
        view.default_graph += source.graph(URIRef(name))
    for name in named:
        target = view.graph(URIRef(name))
        target += source.graph(URIRef(name))
    return view


def write(answer: Answer, fmt: Format, out: IO[bytes], base: str) -> None:
    """Serialise an answer in `fmt`."""
    result: Result = answer.result
    try:
        if answer.form == "graph":
            graph = result.graph if result.graph is not None else Graph()
            data = serialize.rdf_bytes(graph, fmt.name, base)
        else:
            data = query.render(result, fmt.name, base)
    except Exception as error:  # serialisers raise arbitrary types
        raise EngineError("evaluation failed: " + one_line(error)) from None
    out.write(data)


def rows(answer: Answer, limit: int) -> tuple[list[str], list[list[Node | None]]]:
    """Up to `limit` rows of an answer (a boolean is one row, a graph is s/p/o rows)."""
    result: Result = answer.result
    if answer.form == "boolean":
        return ["boolean"], [[Literal(bool(result.askAnswer))]]
    if answer.form == "graph":
        graph = result.graph if result.graph is not None else Graph()
        return ["subject", "predicate", "object"], [list(t) for t in islice(graph, limit)]
    names = [str(v) for v in result.vars or []]
    return names, [[row[v] for v in names] for row in islice(result, limit)]  # type: ignore[call-overload,index]


def export(handle: Handle, names: Iterable[str] | None, fmt: Format) -> bytes:
    """The given named graphs (all when None) in `fmt`: quads for dataset formats, their union otherwise."""
    chosen = list(names) if names is not None else list(handle.graphs)
    if fmt.kind == "dataset":
        subset = Dataset()
        for name in chosen:
            target = subset.graph(URIRef(name))
            target += handle.dataset.graph(URIRef(name))
        return serialize.dataset_bytes(subset, fmt.name, handle.base)
    union = Graph()
    for name in chosen:
        union += handle.dataset.graph(URIRef(name))
    return serialize.graph_bytes(union, fmt.name, handle.base)
