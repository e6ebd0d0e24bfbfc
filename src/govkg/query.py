"""Run SPARQL queries over a built dataset and format the answers; no I/O is ever triggered by a query."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import rdflib.plugins.sparql as rdflib_sparql
from rdflib import Dataset, Graph
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.query import Result
from rdflib.term import Node

from govkg import federate, formats, guard, serialize
from govkg.namespaces import DEFAULT_BASE, PREFIXES
from govkg.remote import RemoteError

# rdflib would fetch and parse IRIs named in FROM / FROM NAMED; govkg only selects stored graphs.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False


class QueryError(ValueError):
    """A query that cannot be run: syntax error, update, or a forbidden operation."""


def read_query(text: str) -> str:
    """The query text, or the content of a file when `text` is '@path'."""
    if not text.startswith("@"):
        return text
    path = Path(text[1:])
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"cannot read query file {path}: {error.__class__.__name__}") from None


def prepare(text: str, base: str | None = None, services: Collection[str] = ()) -> Query:
    """Parse a query (not an update); refuse more SERVICE clauses than guard.MAX_SERVICES before parsing,
    then any SERVICE to an endpoint not in `services` (normalised IRIs, govkg.federate.check), a variable
    endpoint and a SERVICE nested in another, wherever they are."""
    try:
        guard.check_services(text)
        prepared = prepareQuery(text, initNs=PREFIXES, base=base)
    except guard.GuardError as error:
        raise QueryError(str(error)) from None
    except RecursionError:
        raise QueryError("syntax error: nested too deeply for the parser") from None
    except Exception as error:  # pyparsing and rdflib raise several types
        raise QueryError("syntax error: " + " ".join(str(error).split())) from None
    try:
        federate.check(prepared.algebra, services)
    except federate.ServiceRefused as error:
        raise QueryError(str(error)) from None
    return prepared


def run(ds: Dataset, text: str, policy: federate.Policy | None = None) -> Result:
    """Evaluate a SELECT / ASK / CONSTRUCT / DESCRIBE query over the union of the dataset's graphs;
    SERVICE may call the policy's endpoints (none without a policy)."""
    try:
        federate.check_hooks()
    except federate.HookError as error:
        raise QueryError(str(error)) from None
    prepared = prepare(text, services=policy.allowlist if policy else ())
    try:
        with federate.active(policy):
            result = ds.query(prepared)
            if result.type == "SELECT":
                result.bindings = list(result.bindings)  # evaluate now, while SERVICE may call out
    except (RemoteError, federate.ServiceRefused) as error:
        raise QueryError(str(error)) from None
    except Exception as error:
        raise QueryError("evaluation failed: " + " ".join(str(error).split())) from None
    return result


def render(result: Result, fmt: str, base: str = DEFAULT_BASE) -> bytes:
    """Serialise a query result in the named format (results formats for SELECT/ASK, RDF for graphs)."""
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        graph = result.graph if result.graph is not None else Graph()
        return serialize.graph_bytes(graph, fmt if fmt != "table" else "turtle", base)
    spec = formats.get(fmt, ("results",))
    if spec.name == "table":
        return _table(result).encode("utf-8")
    if spec.name == "tsv":
        return _tsv(result).encode("utf-8")
    if spec.name == "csv" and result.type == "ASK":
        return f"_askResult\r\n{str(result.askAnswer).lower()}\r\n".encode()
    return result.serialize(format=spec.rdflib) or b""


def _cells(result: Result) -> tuple[list[str], list[list[Node | None]]]:
    """Header and rows of a SELECT result."""
    names = [str(v) for v in result.vars or []]
    return names, [[row[v] for v in names] for row in result]  # type: ignore[call-overload,index]


def _table(result: Result) -> str:
    """A plain-text table (or 'true'/'false' for ASK)."""
    if result.type == "ASK":
        return f"{str(result.askAnswer).lower()}\n"
    names, rows = _cells(result)
    text = [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in text)]) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in text]
    return "\n".join(lines) + f"\n({len(rows)} rows)\n"


def _tsv(result: Result) -> str:
    """SPARQL 1.1 Query Results TSV: header of ?vars, terms in N-Triples syntax (§3)."""
    if result.type == "ASK":
        return f"?_askResult\n{str(result.askAnswer).lower()}\n"
    names, rows = _cells(result)
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if c is None else c.n3().replace("\t", "\\t") for c in row) for row in rows]
    return "\n".join(lines) + "\n"
