"""The pure-Python engine: rdflib's SPARQL evaluator over an in-memory Dataset; the one that runs SERVICE."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox
import rdflib.plugins.sparql as rdflib_sparql
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from govkg import federation, serialize
from govkg.engine import guard
from govkg.engine.base import SERVICE_DATASET, Answer, Selection, Source, Table
from govkg.engine.deadline import DeadlineExceeded
from govkg.engine.errors import EngineError, check_rows, rejected
from govkg.engine.files import FileEngine, read_quads
from govkg.engine.memo import Memo
from govkg.errors import one_line
from govkg.formats import Format
from govkg.terms import to_rdflib

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline

__all__ = ["RdflibEngine"]
DEFAULT = ""  # the stored default graph (`--data` triples), among the graphs of a view: no IRI a client can name

# rdflib would fetch and parse IRIs named in FROM / FROM NAMED; govkg only selects stored graphs.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False
CHECK_EVERY = 256  # rows between deadline checks
VIEWS = 64  # dataset views (graph selections) kept
_FORMS = {"SELECT": "bindings", "ASK": "boolean"}


class RdflibEngine(FileEngine):
    """rdflib's evaluator. SERVICE obeys the federation policy (govkg.federation): every SERVICE is checked in the
    parsed algebra before evaluation starts, and only allowlisted endpoints are called; without a policy, none."""

    kind = "rdflib"

    def __init__(
        self,
        sources: Iterable[Source],
        base: str,
        policy: federation.Policy | None = None,
        quads: Iterable[ox.Quad] | None = None,
    ) -> None:
        """Load the sources (or `quads` already read from them: another engine's, whose terms this one then shares)."""
        federation.check_hooks()  # a foreign hook would see every query first, SERVICE included (security item 18)
        super().__init__(sources, base, policy)
        self._dataset = _load(read_quads(self.sources, base) if quads is None else quads)
        self._sizes = _sizes(self._dataset)
        self._views: Memo[tuple[tuple[str, ...], tuple[str, ...]], Dataset] = Memo(self, VIEWS)

    def evaluate(self, query: str, selection: Selection = SERVICE_DATASET, deadline: Deadline | None = None) -> Answer:
        """Parse (checking every SERVICE against the policy) and evaluate a query, checking the deadline."""
        prepared = self._prepare(query)
        dataset = self._select(prepared, selection)
        try:
            with federation.active(self.policy, deadline):
                result = dataset.query(prepared)
                if result.type == "SELECT":
                    result.bindings = _collect(result, deadline)
        except (EngineError, federation.FederationError):
            raise
        except Exception as error:  # rdflib's evaluator raises arbitrary types
            raise EngineError("evaluation failed: " + one_line(error)) from None
        return Answer(_FORMS.get(result.type, "graph"), result, self)  # type: ignore[arg-type]

    def write(self, answer: Answer, fmt: Format, out: IO[bytes], max_rows: int | None = None) -> None:
        """Serialise an answer in `fmt` (its rows are all in memory already: counted before writing)."""
        result: Result = answer.result
        if max_rows is not None and answer.form != "boolean":
            rows = (result.graph or ()) if answer.form == "graph" else (result.bindings or ())
            check_rows(len(rows), max_rows)
        try:
            if answer.form == "graph":
                data = serialize.rdf_bytes(result.graph if result.graph is not None else Graph(), fmt.name, self.base)
            else:
                data = _results(result, fmt)
        except DeadlineExceeded:
            raise
        except Exception as error:  # serialisers raise arbitrary types
            raise EngineError("evaluation failed: " + one_line(error)) from None
        out.write(data)

    def rows(self, answer: Answer, limit: int) -> Table:
        """Up to `limit` rows of an answer (a boolean is one row, a graph is s/p/o rows)."""
        result: Result = answer.result
        if answer.form == "boolean":
            return ["boolean"], [[Literal(bool(result.askAnswer))]]
        if answer.form == "graph":
            graph = result.graph if result.graph is not None else Graph()
            return ["subject", "predicate", "object"], [list(t) for t in islice(graph, limit)]
        names = [str(v) for v in result.vars or []]
        return names, [[row[v] for v in names] for row in islice(result, limit)]  # type: ignore[call-overload,index]

    def export(self, graphs: Sequence[str] | None, fmt: Format, out: IO[bytes]) -> None:
        """The named graphs (all, and the default graph's own triples, when None): quads in a dataset format, their
        union otherwise."""
        subset = Dataset()
        for name in self._chosen(graphs):
            target = subset.graph(URIRef(name))
            target += self._dataset.graph(URIRef(name))
        if graphs is None:
            subset.default_graph += self._dataset.graph(DATASET_DEFAULT_GRAPH_ID)
        out.write(
            serialize.dataset_bytes(subset, fmt.name, self.base)
            if fmt.kind == "dataset"
            else serialize.graph_bytes(_union(subset), fmt.name, self.base)
        )

    def close(self) -> None:
        """Drop the dataset."""
        self._dataset = Dataset()
        self._views.clear()

    def _prepare(self, text: str) -> Query:
        """Parse a query, refusing too many SERVICE clauses before parsing and any SERVICE the policy does not
        allow after (a variable endpoint, one not allowlisted, one nested in another), wherever it is."""
        guard.check_services(text)
        try:
            prepared = prepareQuery(text, initNs=self._prefixes, base=self.base)
        except RecursionError:
            raise EngineError("syntax error: the query is nested too deeply for the parser") from None
        except Exception as error:  # pyparsing and rdflib raise several types
            raise rejected(text, self._prefixes, one_line(error)) from None
        federation.check(prepared.algebra, self.policy.allowlist if self.policy else ())
        return prepared

    def _select(self, prepared: Query, selection: Selection) -> Dataset:
        """The Dataset a query runs over; FROM / FROM NAMED and the protocol select stored graphs only."""
        clause = prepared.algebra.get("datasetClause")
        prepared.algebra["datasetClause"] = None  # rdflib would otherwise try to load the IRIs
        if selection.default is not None or selection.named is not None:
            return self._view(tuple(selection.default or ()), tuple(selection.named or ()))
        if clause:
            default = tuple(str(c.default) for c in clause if c.default)
            return self._view(default, tuple(str(c.named) for c in clause if c.named))
        if not selection.infer and self._inferred in self._sizes:  # else the union is what infer=false asks for
            kept = tuple(g for g in self._sizes if g != self._inferred)
            return self._view((DEFAULT, *kept), kept)  # --data's triples too
        return self._dataset

    def _view(self, default: tuple[str, ...], named: tuple[str, ...]) -> Dataset:
        """A Dataset whose default graph merges `default` and whose named graphs are `named`."""
        return self._views.get((default, named), lambda: _copy(self._dataset, self._sizes, default, named))


def _load(quads: Iterable[ox.Quad]) -> Dataset:
    """A new in-memory Dataset (default graph: the union of the named graphs) holding the quads."""
    ds = Dataset(default_union=True)
    graphs: dict[str, Graph] = {}
    for quad in quads:
        triple = (_term(quad.subject), to_rdflib(quad.predicate), _term(quad.object))
        name = getattr(quad.graph_name, "value", None)
        target = ds if name is None else graphs.get(name) or graphs.setdefault(name, ds.graph(URIRef(name)))
        target.add(triple)
    return ds


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """The rdflib term; EngineError for an RDF 1.2 triple term, which rdflib cannot hold."""
    if isinstance(term, ox.Triple):
        raise EngineError("the rdflib engine cannot hold RDF 1.2 triple terms: serve this data with Oxigraph")
    return to_rdflib(term)


def _sizes(ds: Dataset) -> dict[str, int]:
    """The named graphs' triple counts, sorted by IRI (rdflib's internal default graph is not one)."""
    return {
        str(g.identifier): len(g)
        for g in sorted(ds.graphs(), key=lambda g: str(g.identifier))
        if len(g) and isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID
    }


def _union(ds: Dataset) -> Graph:
    """The union of a dataset's graphs as one graph."""
    union = Graph()
    for graph in ds.graphs():
        union += graph
    return union


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


def _copy(source: Dataset, stored: dict[str, int], default: tuple[str, ...], named: tuple[str, ...]) -> Dataset:
    """A new Dataset: the `default` graphs merged as its default graph, the `named` ones as they are. A graph that is
    not stored is empty: it is never created in the source (which would change the data, not its generation)."""
    view = Dataset()
    for name in (n for n in default if n in stored or n == DEFAULT):
        view.default_graph += source.graph(URIRef(name) if name != DEFAULT else DATASET_DEFAULT_GRAPH_ID)
    for name in named:
        target = view.graph(URIRef(name))
        if name in stored:
            target += source.graph(URIRef(name))
    return view


def _results(result: Result, fmt: Format) -> bytes:
    """A SELECT or ASK answer in a results format (SPARQL 1.1 Query Results JSON, XML, CSV and TSV)."""
    if fmt.name == "tsv":
        return _tsv(result).encode("utf-8")
    if fmt.name == "csv" and result.type == "ASK":
        return f"_askResult\r\n{str(result.askAnswer).lower()}\r\n".encode()
    return result.serialize(format=fmt.rdflib) or b""


def _tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: a header of ?vars, terms in N-Triples syntax (§3)."""
    if result.type == "ASK":
        return f"?_askResult\n{str(result.askAnswer).lower()}\n"
    names = [str(v) for v in result.vars or []]
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += [
        "\t".join(
            "" if row[v] is None else row[v].n3().replace("\t", "\\t")  # type: ignore[call-overload,index]
            for v in names
        )
        for row in result
    ]
    return "\n".join(lines) + "\n"
