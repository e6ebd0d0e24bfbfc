"""The default engine: embedded Oxigraph, queried by many threads: an in-memory store loaded from the files, or the
on-disk store made from them once (`engine.disk`), opened read-only by every process."""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Literal
from rdflib.term import Node

from govkg import lexer, serialize
from govkg.engine import disk, guard
from govkg.engine.base import SERVICE_DATASET, Answer, Selection, Source, Table
from govkg.engine.errors import AnswerTooLarge, EngineError, Unrepresentable, check_rows, rejected
from govkg.engine.files import FileEngine, read_quads
from govkg.engine.rdflib_engine import RdflibEngine
from govkg.errors import one_line
from govkg.formats import Format
from govkg.terms import to_rdflib

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline
    from govkg.federation import Policy

__all__ = ["OxigraphEngine"]

_FROM = re.compile(r"(?<![\w:])from(?![\w:])", re.IGNORECASE)  # cheap pre-check: not prov:wasDerivedFrom
_FORMS: dict[type, str] = {ox.QuerySolutions: "bindings", ox.QueryBoolean: "boolean"}
# What pyoxigraph raises while evaluating or writing (RuntimeError: a function it does not know, for one).
FAILURES = (OSError, ValueError, RuntimeError)
# The fewest bytes one solution takes in each results format: `{}` and a comma (JSON), `<result></result>` (XML), an
# empty line (CSV: CRLF; TSV: LF). A shorter answer cannot hold more rows than its length divided by this.
ROW_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}
CHUNK = 100_000  # quads per bulk load into an in-memory store


class OxigraphEngine(FileEngine):
    """Embedded pyoxigraph. A query that may use SERVICE is evaluated by an rdflib engine over the same quads,
    whose SERVICE obeys the federation allowlist (govkg.federation): Oxigraph would call any endpoint, with no
    timeout and no switch. Exports read the files again: the store normalises literals on load
    (xsd:nonNegativeInteger becomes xsd:integer, oxigraph/oxigraph#526), and an export gives back what was loaded;
    over an on-disk store made by `engine.disk.stored`, the files it was made from."""

    kind = "oxigraph"

    def __init__(self, sources: Iterable[Source], base: str, policy: Policy | None = None) -> None:
        super().__init__(sources, base, policy)
        made = disk.made_from(self.sources)
        self._files = made.sources if made else self.sources  # what exports read
        self._store = ox.Store.read_only(str(made.folder)) if made else _load(self.sources, base)
        self._sizes = made.sizes if made else disk.graph_sizes(self._store)
        self._lock = threading.Lock()
        self._rdflib: RdflibEngine | None = None

    def evaluate(self, query: str, selection: Selection = SERVICE_DATASET, deadline: Deadline | None = None) -> Answer:
        """Parse and start evaluating a query; rows are produced while writing."""
        if guard.mentions_service(query):
            return self._federator().evaluate(query, selection, deadline)
        dataset = self._dataset(query, selection)

        def evaluated() -> Any:
            return self._store.query(query, base_iri=self.base, prefixes=self._prefixes, **dataset)

        try:
            result = evaluated()
        except SyntaxError as error:
            raise rejected(query, self._prefixes, one_line(error)) from None
        except FAILURES as error:
            raise EngineError("evaluation failed: " + one_line(error)) from None
        return Answer(_FORMS.get(type(result), "graph"), result, self, evaluated)  # type: ignore[arg-type]

    def write(self, answer: Answer, fmt: Format, out: IO[bytes], max_rows: int | None = None) -> None:
        """Serialise an answer in `fmt` (natively where Oxigraph writes the format), counting its rows on the way
        when `max_rows` is given."""
        if answer.engine is not self:
            return answer.engine.write(answer, fmt, out, max_rows)
        tried = max_rows is not None and answer.form == "bindings" and answer.again is not None and out.seekable()
        if tried and self._uncounted(answer, fmt, out, max_rows or 0):
            return None
        counter, failure = _Rows(max_rows), None
        try:
            if max_rows is not None and answer.form != "boolean":
                result = answer.again() if tried and answer.again else answer.result  # past the cap: again, counted
                answer = Answer(answer.form, counter.counted(result, fmt), self)
            _write(answer, fmt, out, self._prefixes, self.base)
        except FAILURES as error:
            failure = counter.error or EngineError("evaluation failed: " + one_line(error))
        if failure is not None:  # raised here, not in the handler: no cycle keeps the result alive (see _uncounted)
            raise failure
        return None

    def _uncounted(self, answer: Answer, fmt: Format, out: IO[bytes], max_rows: int) -> bool:
        """Write solutions natively without counting them, as long as the bytes written prove that there are no more
        than `max_rows` (every row takes at least ROW_BYTES of its format); False, with `out` as it was, when the
        answer grows past that (counting it means writing it twice: TSV, then the format asked for)."""
        start, capped, failure = out.tell(), _Capped(out, max_rows * ROW_BYTES.get(fmt.name, 1)), None
        try:
            _write(answer, fmt, capped, self._prefixes, self.base)  # type: ignore[arg-type]
        except FAILURES as error:
            failure = (
                None
                if capped.over
                else getattr(out, "error", None) or EngineError(f"evaluation failed: {one_line(error)}")
            )
        # Raised outside the handler: a traceback held by the error would keep this frame and its pyoxigraph result
        # alive in a cycle, which the collector may then free on another thread (pyoxigraph refuses, and leaks it).
        if failure is not None:
            raise failure
        if capped.over:
            out.seek(start)
            out.truncate()
            return False
        return True

    def rows(self, answer: Answer, limit: int) -> Table:
        """Up to `limit` rows of an answer as rdflib terms."""
        if answer.engine is not self:
            return answer.engine.rows(answer, limit)
        try:
            return _rows(answer, limit)
        except FAILURES as error:
            raise EngineError("evaluation failed: " + one_line(error)) from None

    def export(self, graphs: Sequence[str] | None, fmt: Format, out: IO[bytes]) -> None:
        """The graphs as loaded, read again from the files (see the class's note on literals); all of them, the
        default graph's own triples included, when `graphs` is None."""
        self._reread(self._files, graphs, fmt, out)

    def close(self) -> None:
        """Drop the store (and the federation engine, if one was opened)."""
        self._store = ox.Store()
        if self._rdflib is not None:
            self._rdflib.close()

    def _federator(self) -> RdflibEngine:
        """The rdflib engine SERVICE queries run on, made on first use from this store's own quads: the same blank
        nodes and literals, so its answers and this engine's agree term for term."""
        with self._lock:
            if self._rdflib is None:
                self._rdflib = RdflibEngine(self.sources, self.base, self.policy, quads=iter(self._store))
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
        if not selection.infer and self._inferred in self._sizes:  # else the union is what infer=false asks for
            kept = [ox.NamedNode(g) for g in self._sizes if g != self._inferred]
            return {"default_graph": [ox.DefaultGraph(), *kept], "named_graphs": kept}  # --data's triples too
        return {"use_default_graph_as_union": True}


class _Rows(io.BytesIO):
    """Counts an answer's rows while it is produced: triples one by one; solutions as the lines of their TSV
    form, parsed back (natively) for the format asked for. Oxigraph writes solutions from its own iterator, and a
    TSV line is exactly one solution (SPARQL 1.1 TSV §3: newlines in values are escaped)."""

    def __init__(self, limit: int | None) -> None:
        super().__init__()
        self.limit, self.lines = limit or 0, 0
        self.error: AnswerTooLarge | None = None

    def counted(self, result: Any, fmt: Format) -> Any:
        """The result again, counted: a generator of triples, or solutions read back from TSV."""
        if not isinstance(result, ox.QuerySolutions):
            return self._triples(result)
        result.serialize(self, format=ox.QueryResultsFormat.TSV)
        self.seek(0)
        return ox.parse_query_results(self, format=ox.QueryResultsFormat.TSV)

    def _triples(self, triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
        for n, triple in enumerate(triples, 1):
            self._check(n)
            yield triple

    def write(self, data: Any) -> int:
        """Count the lines (the first is the header)."""
        self.lines += bytes(data).count(b"\n")
        self._check(self.lines - 1)
        return super().write(data)

    def _check(self, rows: int) -> None:
        try:
            check_rows(rows, self.limit)
        except AnswerTooLarge as error:
            self.error = error
            raise


class _Capped:
    """A writer passing bytes on to `out` until `cap` bytes have gone through; then an OSError, and `over` is set."""

    def __init__(self, out: IO[bytes], cap: int) -> None:
        self.out, self.left, self.over = out, cap, False

    def write(self, data: Any) -> int:
        """Pass the bytes on, or refuse them past the cap."""
        self.left -= len(data)
        if self.left < 0:
            self.over = True
            raise OSError("past the cap")
        return self.out.write(data)

    def flush(self) -> None:
        """Nothing kept here."""


def _rows(answer: Answer, limit: int) -> Table:
    """Up to `limit` rows of an answer (evaluated as they are read)."""
    if answer.form == "boolean":
        return ["boolean"], [[Literal(bool(answer.result))]]
    if answer.form == "graph":
        names = ["subject", "predicate", "object"]
        return names, [[_term(t.subject), _term(t.predicate), _term(t.object)] for t in islice(answer.result, limit)]
    names = [v.value for v in answer.result.variables]
    return names, [[_term(s[n]) for n in names] for s in islice(answer.result, limit)]


def _term(value: Any) -> Node | None:
    """The rdflib term of a value (None when unbound); an RDF 1.2 triple term, which rdflib cannot hold, as its
    N-Triples text."""
    if isinstance(value, ox.Triple):
        return Literal(f"<< {value} >>")
    return None if value is None else to_rdflib(value)


def _flat(triple: ox.Triple, fmt: Format) -> ox.Quad:
    """A triple for a format written by govkg.serialize, which has no way to write an RDF 1.2 triple term."""
    if isinstance(triple.subject, ox.Triple) or isinstance(triple.object, ox.Triple):
        raise Unrepresentable(f"the answer holds RDF 1.2 triple terms, which {fmt.name} cannot express; ask for Turtle")
    return ox.Quad(triple.subject, triple.predicate, triple.object)


def _load(sources: Sequence[Source], base: str) -> ox.Store:
    """A new in-memory store holding the sources, loaded in chunks (one bulk load of 1M quads peaks at 1.6 times
    the memory the store then holds, and takes longer)."""
    store = ox.Store()
    quads = read_quads(sources, base)
    while chunk := list(islice(quads, CHUNK)):
        store.bulk_extend(chunk)
    return store


def _write(answer: Answer, fmt: Format, out: IO[bytes], prefixes: dict[str, str], base: str) -> None:
    """Results natively; triples natively in graph formats, as the default graph of a dataset format, else (JSON-LD)
    through govkg.serialize."""
    if answer.form != "graph":
        answer.result.serialize(out, format=getattr(ox.QueryResultsFormat, fmt.oxigraph))
    elif not fmt.oxigraph:
        out.write(serialize.quads_bytes((_flat(t, fmt) for t in answer.result), fmt.name, base))
    elif fmt.kind == "dataset":
        ox.serialize(
            (ox.Quad(t.subject, t.predicate, t.object) for t in answer.result),
            out,
            format=getattr(ox.RdfFormat, fmt.oxigraph),
            prefixes=prefixes,
        )
    else:
        ox.serialize(answer.result, out, format=getattr(ox.RdfFormat, fmt.oxigraph), prefixes=prefixes)
