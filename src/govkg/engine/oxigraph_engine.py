"""The default engine: an in-memory embedded Oxigraph store, loaded once, queried by many threads."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Literal
from rdflib.term import Node

from govkg import jsonld, lexer, serialize
from govkg.engine import guard
from govkg.engine.base import SERVICE_DATASET, Answer, Selection, Source, Table
from govkg.engine.errors import EngineError, rejected
from govkg.engine.files import FileEngine
from govkg.engine.rdflib_engine import RdflibEngine
from govkg.errors import GovkgError, one_line
from govkg.formats import Format
from govkg.terms import to_rdflib

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline
    from govkg.federation import Policy

__all__ = ["OxigraphEngine"]

_FROM = re.compile(r"(?<![\w:])from(?![\w:])", re.IGNORECASE)  # cheap pre-check: not prov:wasDerivedFrom
_FORMS: dict[type, str] = {ox.QuerySolutions: "bindings", ox.QueryBoolean: "boolean"}


class OxigraphEngine(FileEngine):
    """Embedded pyoxigraph. A query that may use SERVICE is evaluated by an rdflib engine over the same files,
    whose SERVICE obeys the federation allowlist (govkg.federation): Oxigraph would call any endpoint, with no
    timeout and no switch. Exports read the files again: the store normalises literals on load
    (xsd:nonNegativeInteger becomes xsd:integer, oxigraph/oxigraph#526), and an export gives back what was loaded."""

    kind = "oxigraph"

    def __init__(self, sources: Iterable[Source], base: str, policy: Policy | None = None) -> None:
        super().__init__(sources, base, policy)
        self._store = _load(self.sources, base)
        self._sizes = _sizes(self._store)
        self._lock = threading.Lock()
        self._rdflib: RdflibEngine | None = None

    def evaluate(self, query: str, selection: Selection = SERVICE_DATASET, deadline: Deadline | None = None) -> Answer:
        """Parse and start evaluating a query; rows are produced while writing."""
        if guard.mentions_service(query):
            return self._federator().evaluate(query, selection, deadline)
        try:
            result = self._store.query(
                query, base_iri=self.base, prefixes=self._prefixes, **self._dataset(query, selection)
            )
        except SyntaxError as error:
            raise rejected(query, self._prefixes, one_line(error)) from None
        except (OSError, ValueError) as error:
            raise EngineError("evaluation failed: " + one_line(error)) from None
        return Answer(_FORMS.get(type(result), "graph"), result, self)  # type: ignore[arg-type]

    def write(self, answer: Answer, fmt: Format, out: IO[bytes]) -> None:
        """Serialise an answer in `fmt` (natively where Oxigraph writes the format)."""
        if answer.engine is not self:
            return answer.engine.write(answer, fmt, out)
        try:
            _write(answer, fmt, out, self._prefixes, self.base)
        except (OSError, ValueError) as error:
            raise EngineError("evaluation failed: " + one_line(error)) from None
        return None

    def rows(self, answer: Answer, limit: int) -> Table:
        """Up to `limit` rows of an answer as rdflib terms."""
        if answer.engine is not self:
            return answer.engine.rows(answer, limit)
        if answer.form == "boolean":
            return ["boolean"], [[Literal(bool(answer.result))]]
        if answer.form == "graph":
            return ["subject", "predicate", "object"], [
                [to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)]
                for t in islice(answer.result, limit)
            ]
        names = [v.value for v in answer.result.variables]
        return names, [[_term(s[n]) for n in names] for s in islice(answer.result, limit)]

    def export(self, graphs: Sequence[str] | None, fmt: Format, out: IO[bytes]) -> None:
        """The named graphs as loaded, read again from the files (see the class's note on literals)."""
        chosen = set(self._chosen(graphs))
        quads = (q for q in _quads(self.sources, self.base) if getattr(q.graph_name, "value", None) in chosen)
        out.write(serialize.quads_bytes(quads, fmt.name, self.base))

    def close(self) -> None:
        """Drop the store (and the federation engine, if one was opened)."""
        self._store = ox.Store()
        if self._rdflib is not None:
            self._rdflib.close()

    def _federator(self) -> RdflibEngine:
        """The rdflib engine SERVICE queries run on, opened over the same files on first use."""
        with self._lock:
            if self._rdflib is None:
                self._rdflib = RdflibEngine(self.sources, self.base, self.policy)
            return self._rdflib

    def _dataset(self, query: str, selection: Selection) -> dict[str, Any]:
        """Keyword arguments giving the query's RDF dataset (Protocol §2.1.4 takes precedence over FROM)."""
        if selection.default is not None or selection.named is not None:
            return {
                "default_graph": [ox.NamedNode(g) for g in selection.default or ()] or ox.DefaultGraph(),
                "named_graphs": [ox.NamedNode(g) for g in selection.named or ()],
            }
        if _FROM.search(query) and "FROM" in lexer.keywords(query):
            return {}  # the query's own FROM / FROM NAMED (Query §13.2); never fetched, only stored graphs
        if not selection.infer:
            kept = [ox.NamedNode(g) for g in self._sizes if g != self._inferred]
            return {"default_graph": kept, "named_graphs": kept}
        return {"use_default_graph_as_union": True}


def _term(value: Any) -> Node | None:
    """The rdflib term of a solution's value (None when the variable is unbound)."""
    return None if value is None else to_rdflib(value)


def _load(sources: Sequence[Source], base: str) -> ox.Store:
    """A new in-memory store holding the sources."""
    store = ox.Store()
    for source in sources:
        fmt = _format(source)
        target = ox.NamedNode(source.graph) if source.graph else None
        try:
            if fmt == ox.RdfFormat.JSON_LD:  # govkg's own context is inlined; Oxigraph fetches none either way
                store.bulk_load(jsonld.bundle(source.path.read_bytes(), base), format=fmt, to_graph=target)
            else:
                store.bulk_load(path=str(source.path), format=fmt, to_graph=target)
        except (SyntaxError, OSError, ValueError, GovkgError) as error:  # GovkgError: a refused JSON-LD context
            raise EngineError(f"{source.path}: {one_line(error)}") from None
    return store


def _format(source: Source) -> ox.RdfFormat:
    """The RDF format of a source file, from its suffix."""
    fmt = ox.RdfFormat.from_extension(source.path.suffix.lstrip("."))
    if fmt is None:
        raise EngineError(f"{source.path}: unknown RDF file suffix")
    return fmt


def _sizes(store: ox.Store) -> dict[str, int]:
    """The named graphs' triple counts, by IRI."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(rows, ox.QuerySolutions)
    sizes = {s["g"].value: int(s["n"].value) for s in rows if isinstance(s["g"], ox.NamedNode)}
    return dict(sorted(sizes.items()))


def _quads(sources: Sequence[Source], base: str) -> Iterator[ox.Quad]:
    """The quads of the source files exactly as written (the parser, unlike the store, keeps literals as they are)."""
    for source in sources:
        fmt, path = _format(source), source.path
        data = {"input": jsonld.bundle(path.read_bytes(), base)} if fmt == ox.RdfFormat.JSON_LD else {"path": str(path)}
        graph = ox.NamedNode(source.graph) if source.graph else None
        for quad in ox.parse(format=fmt, **data):
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph) if graph else quad


def _write(answer: Answer, fmt: Format, out: IO[bytes], prefixes: dict[str, str], base: str) -> None:
    """Results natively; triples natively in graph formats, as the default graph of a dataset format, else (JSON-LD)
    through govkg.serialize."""
    if answer.form != "graph":
        answer.result.serialize(out, format=getattr(ox.QueryResultsFormat, fmt.oxigraph))
    elif not fmt.oxigraph:
        out.write(
            serialize.quads_bytes((ox.Quad(t.subject, t.predicate, t.object) for t in answer.result), fmt.name, base)
        )
    elif fmt.kind == "dataset":
        ox.serialize(
            (ox.Quad(t.subject, t.predicate, t.object) for t in answer.result),
            out,
            format=getattr(ox.RdfFormat, fmt.oxigraph),
            prefixes=prefixes,
        )
    else:
        ox.serialize(answer.result, out, format=getattr(ox.RdfFormat, fmt.oxigraph), prefixes=prefixes)
