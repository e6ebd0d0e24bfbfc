"""The remote engine: any SPARQL 1.1 store reachable over HTTP (the Oxigraph server, Virtuoso, Fuseki, …), read-only.

Every query is parsed here first (Oxigraph's parser, SPARQL 1.1 and nothing store-specific: Virtuoso's `DEFINE`
is a syntax error), updates are refused, SERVICE is checked against the federation allowlist, and the dataset is
always sent explicitly (SPARQL 1.1 Protocol §2.1.4: `default-graph-uri` / `named-graph-uri`, stored graphs only),
so a store's own default graph (Virtuoso's holds its system graphs) never shows and no store is ever asked to fetch
a graph a query names. Answers are read as SPARQL JSON results or N-Triples and written by the same code as the
Oxigraph engine's, so formats and bytes match the local engines' for the same data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlencode

import pyoxigraph as ox
from rdflib.plugins.sparql import prepareQuery

from govkg import federation, lexer, serialize
from govkg.engine import guard
from govkg.engine.base import SERVICE_DATASET, Answer, Selection, Source, Table
from govkg.engine.errors import EngineError, rejected
from govkg.engine.memo import Memo
from govkg.engine.oxigraph_engine import _Rows, _rows, _write
from govkg.engine.remote_answers import FAILURES, Result, checked, parsed
from govkg.engine.remote_http import Client, StoreFailed
from govkg.errors import one_line
from govkg.formats import Format
from govkg.namespaces import PREFIXES, graph_iri, rebase_iri

if TYPE_CHECKING:
    from govkg.engine.deadline import Deadline

__all__ = ["EMPTY", "FINGERPRINT", "GRAPH", "META", "RECHECK", "UNION", "RemoteEngine"]

META = "urn:govkg:push"  # the graph `govkg push` writes: the pushed dataset's fingerprint and its graphs
FINGERPRINT, GRAPH = "urn:govkg:fingerprint", "urn:govkg:graph"
# The union of the pushed graphs as one graph, which `govkg push` writes and lists in META (`<META> <UNION> <UNION>`):
# the service's default graph. Named one by one, 100 graphs make Oxigraph look up every triple pattern once per
# graph: an aggregate over 100k triples in 98 source graphs took 20x the CPU of the same query on the union.
UNION = "urn:govkg:union"
EMPTY = "urn:govkg:empty"  # a graph no store holds: the dataset when a query selects no stored graph
RECHECK = 2.0  # seconds between two reads of the store's fingerprint
KEPT_DATASETS = 64  # encoded datasets kept (the service's, with and without inference, and a few chosen ones)
ACCEPT = {"graph": "application/n-triples"}  # else SPARQL JSON results
FORMS = {"SelectQuery": "bindings", "AskQuery": "boolean"}  # rdflib's algebra names; else graph
_OXFORMS: dict[type, str] = {ox.QuerySolutions: "bindings", ox.QueryBoolean: "boolean"}
_META_QUERY = f"SELECT ?p ?o WHERE {{ GRAPH <{META}> {{ <{META}> ?p ?o }} }}"
_COUNT = "SELECT ?g (COUNT(*) AS ?n) WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"


class RemoteEngine:
    """A SPARQL 1.1 store over HTTP, opened over one `Source.store(url)`. The generation is the fingerprint
    `govkg push` wrote (the same as a local engine's over the pushed files), re-read at most every RECHECK seconds."""

    kind = "remote"

    def __init__(self, sources: Iterable[Source], base: str, policy: federation.Policy | None = None) -> None:
        found = [s.url for s in sources]
        if len(found) != 1 or found[0] is None:
            raise EngineError("the remote engine serves one store: give its query endpoint URL (--store URL)")
        self.url, self.base, self.policy = found[0], base, policy
        self.client = Client(self.url)
        self._prefixes = {p: rebase_iri(iri, base) for p, iri in PREFIXES.items()}
        self._prologue = f"BASE <{base}>\n" + "".join(f"PREFIX {p}: <{i}>\n" for p, i in self._prefixes.items())
        self._quoted, self._datasets = quote_plus(self._prologue), dict[tuple[tuple[str, ...], ...], str]()
        self._inferred, self._parser = graph_iri("inferred", base), ox.Store()
        self._lock, self._checked, self._union = threading.Lock(), 0.0, ""
        self._generation, self._listed = self._read_meta(None)
        self._sizes: Memo[str, dict[str, int]] = Memo(self, 1)

    @property
    def generation(self) -> str:
        """The pushed dataset's fingerprint, re-read at most every RECHECK seconds (the last known while the store
        is down)."""
        with self._lock:
            if time.monotonic() - self._checked >= RECHECK:
                try:
                    self._generation, self._listed = self._read_meta(None)
                except EngineError:
                    self._checked = time.monotonic()
            return self._generation

    @property
    def pushed(self) -> tuple[str, ...]:
        """The graphs the store's last `govkg push` listed (none when nothing was pushed)."""
        return self._listed

    @property
    def federates(self) -> bool:
        """Whether SERVICE may name the policy's endpoints (the store itself then calls them)."""
        return bool(self.policy and self.policy.allowlist)

    def graphs(self) -> dict[str, int]:
        """The pushed named graphs (every named graph when nothing was pushed) and their sizes, counted by one
        query per generation."""
        return dict(self._sizes.get("graphs", self._count))

    def evaluate(self, query: str, selection: Selection = SERVICE_DATASET, deadline: Deadline | None = None) -> Answer:
        """Check the query here, then send it to the store with its dataset; the answer is read while written."""
        guard.check(query)
        form = self._form(query)
        text, default, named = self._dataset(query, selection)
        encoded = f"query={self._quoted}{quote_plus(text)}&{self._encoded(default, named)}"
        return Answer(form, self._ask(form, encoded, deadline), self)  # type: ignore[arg-type]

    def write(self, answer: Answer, fmt: Format, out: IO[bytes], max_rows: int | None = None) -> None:
        """Serialise an answer as the Oxigraph engine does, counting rows on the way when `max_rows` is given."""
        counter = _Rows(max_rows)
        result = answer.result
        try:
            if max_rows is not None and answer.form != "boolean":
                answer = Answer(answer.form, counter.counted(result.items, fmt), self)
            else:
                answer = Answer(answer.form, result.items, self)
            _write(answer, fmt, out, self._prefixes, self.base)
        except FAILURES as error:
            raise result.error() or counter.error or StoreFailed("the store's answer: " + one_line(error)) from None
        finally:
            result.body.close()

    def rows(self, answer: Answer, limit: int) -> Table:
        """Up to `limit` rows of an answer as rdflib terms."""
        result = answer.result
        try:
            return _rows(Answer(answer.form, result.items, self), limit)
        except FAILURES as error:
            raise result.error() or StoreFailed("the store's answer: " + one_line(error)) from None
        finally:
            result.body.close()

    def export(self, graphs: Sequence[str] | None, fmt: Format, out: IO[bytes]) -> None:
        """The named graphs (all when None) read back from the store, written byte-stably (govkg.serialize)."""
        stored = self.graphs()
        chosen = list(stored) if graphs is None else list(graphs)
        for name in chosen:
            if name not in stored:
                raise EngineError(f"unknown graph {name}")
        query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        rows = self._select(query, [("named-graph-uri", g) for g in chosen or [EMPTY]], None)
        quads = (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
        out.write(serialize.quads_bytes(quads, fmt.name, self.base))

    def close(self) -> None:
        """Close the kept-alive connections."""
        self.client.close()

    def _form(self, query: str) -> str:
        """The query's form, parsed here; SERVICE checked against the policy (parsed by rdflib, whose algebra the
        federation check reads; Oxigraph would call the endpoint while evaluating an ASK)."""
        if guard.mentions_service(query):
            guard.check_services(query)
            algebra = self._rdflib(query).algebra
            federation.check(algebra, self.policy.allowlist if self.policy else ())
            return FORMS.get(algebra.name, "graph")
        try:
            parsed = self._parser.query(query, base_iri=self.base, prefixes=self._prefixes)
        except SyntaxError as error:
            raise rejected(query, self._prefixes, one_line(error)) from None
        except FAILURES as error:
            raise EngineError("evaluation failed: " + one_line(error)) from None
        return _OXFORMS.get(type(parsed), "graph")

    def _rdflib(self, query: str) -> Any:
        """rdflib's parse of a query (milliseconds: only for SERVICE and FROM)."""
        try:
            return prepareQuery(query, initNs=self._prefixes, base=self.base)
        except RecursionError:
            raise EngineError("syntax error: the query is nested too deeply for the parser") from None
        except Exception as error:  # pyparsing and rdflib raise several types
            raise rejected(query, self._prefixes, one_line(error)) from None

    def _dataset(self, query: str, selection: Selection) -> tuple[str, list[str], list[str]]:
        """The text to send and its dataset: the protocol's graphs, else the query's FROM / FROM NAMED (taken out of
        the text: the store never sees them), else the service's (its named graphs only for a query that says
        GRAPH: each graph named costs the store a parameter to read, and Virtuoso a header to echo); stored graphs
        only (EMPTY when none is)."""
        stored = [g for g in self.graphs()]
        if selection.default is not None or selection.named is not None:
            return query, _kept(selection.default or (), stored), _kept(selection.named or (), stored)
        words = lexer.keywords(query)
        if "FROM" in words:
            clause = self._rdflib(query).algebra.get("datasetClause") or []
            default = _kept([str(c.default) for c in clause if c.default], stored)
            return _without_from(query), default, _kept([str(c.named) for c in clause if c.named], stored)
        kept = (stored if selection.infer else [g for g in stored if g != self._inferred]) or [EMPTY]
        default = [self._union] if self._union and selection.infer else kept
        return query, default, kept if "GRAPH" in words else [EMPTY]  # no GRAPH: no named graph is read

    def _read_meta(self, deadline: Deadline | None) -> tuple[str, tuple[str, ...]]:
        """The pushed fingerprint and graphs; without them, a fingerprint of the store's graph sizes."""
        self._checked = time.monotonic()
        rows = self._select(_META_QUERY, [], deadline)
        found = [r["o"].value for r in rows if r["p"].value == FINGERPRINT]
        listed = tuple(sorted(r["o"].value for r in rows if r["p"].value == GRAPH))
        self._union = UNION if any(r["p"].value == UNION for r in rows) else ""
        if found:
            return found[0], listed
        import hashlib

        counted = self._select(_COUNT.format(values=""), [], deadline)
        return hashlib.sha256(repr(sorted((r["g"].value, r["n"].value) for r in counted)).encode()).hexdigest(), ()

    def _count(self) -> dict[str, int]:
        """The listed graphs' sizes (all named graphs when none are listed), by IRI."""
        listed = self._listed
        values = "VALUES ?g { " + " ".join(f"<{g}>" for g in listed) + " }" if listed else ""
        rows = self._select(_COUNT.format(values=values), [], None)
        sizes = {r["g"].value: int(r["n"].value) for r in rows if isinstance(r["g"], ox.NamedNode)}
        sizes.pop(META, None), sizes.pop(UNION, None)
        return dict(sorted(sizes.items()))

    def _select(self, query: str, graphs: list[tuple[str, str]], deadline: Deadline | None) -> list[Any]:
        """The rows of a SELECT of govkg's own, read whole."""
        result = self._ask("bindings", urlencode([("query", query), *graphs]), deadline)
        try:
            return list(result.items)
        except FAILURES as error:
            raise result.error() or StoreFailed("the store's answer: " + one_line(error)) from None
        finally:
            result.body.close()

    def _encoded(self, default: list[str], named: list[str]) -> str:
        """The dataset's parameters URL-encoded, kept for reuse (a few hundred graph IRIs take a millisecond)."""
        key = (tuple(default), tuple(named))
        found = self._datasets.get(key)
        if found is None:
            if len(self._datasets) >= KEPT_DATASETS:
                self._datasets.clear()
            pairs = [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]
            found = self._datasets[key] = urlencode(pairs)
        return found

    def _ask(self, form: str, encoded: str, deadline: Deadline | None) -> Result:
        """POST a query's URL-encoded form (SPARQL 1.1 Protocol §2.1.2, which every store takes at any length) with
        what is left of the deadline as `timeout` (milliseconds: Virtuoso then stops the query itself; Fuseki
        reads seconds, a looser bound; Oxigraph ignores it); the answer, checked and parsed as it streams in."""
        if deadline is not None:
            encoded += f"&timeout={max(int(deadline.remaining() * 1000), 1)}"
        accept = ACCEPT.get(form, "application/sparql-results+json")
        return parsed(form, checked(self.client.post(encoded, accept, deadline)))


def _kept(graphs: Iterable[str], stored: list[str]) -> list[str]:
    """The stored graphs among `graphs`, or EMPTY: never a graph the store would have to fetch."""
    return [g for g in graphs if g in stored] or [EMPTY]


def _without_from(query: str) -> str:
    """The query without its FROM / FROM NAMED clauses (codepoint escapes applied, as a parser would first)."""
    text, cut, skip = lexer.unescape(query), [], 0
    found = lexer.tokens(text)
    for n, (kind, start, end) in enumerate(found):
        if n < skip or kind != "word" or text[start:end].upper() != "FROM":
            continue
        last = n + 2 if n + 1 < len(found) and text[slice(*found[n + 1][1:])].upper() == "NAMED" else n + 1
        cut.append((start, found[min(last, len(found) - 1)][2]))
        skip = last + 1
    for start, end in reversed(cut):
        text = text[:start] + " " + text[end:]
    return text
