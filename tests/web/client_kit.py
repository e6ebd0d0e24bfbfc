"""Shared parts of the SPARQL client tests (test_clients*.py): the client matrix, recorded cell by cell and printed
after the run, the answers rdflib computes from the in-memory build, and skipping (or failing) for want of a client.

Test modules import its fixtures: `matrix` (autouse: registers the plugin printing the matrix) and `expected_answers`
(the fixture `expected`, so named that test arguments do not shadow an import)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF
from rdflib.query import Result

from govkg.build import Build
from govkg.namespaces import GK, graph_iri

READ_ONLY = "this endpoint is read-only"
# The matrix's clients, in the order of their lines whichever test modules ran (others follow, as recorded).
CLIENTS = ("SPARQLWrapper", "SPARQLStore", "SPARQLUpdateStore", "curl", "requests", "node fetch")


# --- The client matrix ----------------------------------------------------------------------------


@dataclass
class Cell:
    """One client request of the matrix: the HTTP statuses it got and whether its answer passed the check."""

    client: str
    kind: str
    fmt: str
    method: str
    responses: list[int] = field(default_factory=list)
    ok: bool = False

    @property
    def status(self) -> str:
        """The last HTTP status received, or "no answer"."""
        return str(self.responses[-1]) if self.responses else "no answer"


MATRIX: list[Cell] = []


@contextmanager
def cell(client: str, kind: str, fmt: str, method: str, responses: list[int] | None = None) -> Iterator[Cell]:
    """Record a matrix cell: the block notes the statuses; the cell is ok when the block ends without failing."""
    entry = Cell(client, kind, fmt, method, responses if responses is not None else [])
    MATRIX.append(entry)
    try:
        yield entry
    except pytest.skip.Exception:
        MATRIX.remove(entry)  # a client that is not installed has no cell
        raise
    entry.ok = True


def outcomes(fmt: str, cells: list[Cell]) -> str:
    """A format's entry: "json GET/POST 200 ok" when all its methods agree, else one entry per method."""
    if len({(c.status, c.ok) for c in cells}) == 1:
        return f"{fmt} {'/'.join(c.method for c in cells)} {cells[0].status} {'ok' if cells[0].ok else 'FAIL'}"
    return ", ".join(f"{fmt} {c.method} {c.status} {'ok' if c.ok else 'FAIL'}" for c in cells)


def matrix_lines() -> list[str]:
    """One line per client: "client matrix: <client>: <KIND> <format> <methods> <status> ok|FAIL, ...; ..."."""
    table: dict[str, dict[str, dict[str, list[Cell]]]] = {}
    for c in MATRIX:
        table.setdefault(c.client, {}).setdefault(c.kind, {}).setdefault(c.fmt, []).append(c)
    ranked = sorted(table.items(), key=lambda item: CLIENTS.index(item[0]) if item[0] in CLIENTS else len(CLIENTS))
    return [
        f"client matrix: {client}: "
        + "; ".join(
            f"{kind} " + ", ".join(outcomes(fmt, cells) for fmt, cells in formats.items())
            for kind, formats in kinds.items()
        )
        for client, kinds in ranked
    ]


class Matrix:
    """A plugin printing the client matrix after the run."""

    name = "govkg-client-matrix"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Print the matrix (only when client tests ran)."""
        if MATRIX:
            terminalreporter.section("SPARQL clients: format, method -> HTTP status, content check")
            for line in matrix_lines():
                terminalreporter.write_line(line)


@pytest.fixture(scope="module", autouse=True)
def matrix(pytestconfig: pytest.Config) -> None:
    """Register the Matrix plugin once."""
    if not pytestconfig.pluginmanager.has_plugin(Matrix.name):
        pytestconfig.pluginmanager.register(Matrix(), Matrix.name)


# --- Expected answers -----------------------------------------------------------------------------

Row = tuple[Any, ...]


@dataclass
class Expected:
    """The queries the clients send and the answers rdflib computes for them from the build."""

    queries: dict[str, str]
    union: Graph
    variables: list[str]
    rows: list[Row]
    ask: bool
    construct: Graph
    resource: URIRef
    own: list[tuple[str, str]]


def dataset_of(build: Build) -> Dataset:
    """The build as an rdflib Dataset: its named graphs, the default graph their union (as the endpoint serves)."""
    dataset = Dataset(default_union=True)
    for name, graph in build.graphs.items():
        named = dataset.graph(URIRef(graph_iri(name)))
        for triple in graph:
            named.add(triple)
    return dataset


def union_of(build: Build) -> Graph:
    """The union of the build's graphs."""
    union = Graph()
    for graph in build.graphs.values():
        union += graph
    return union


def queries_for(resource: URIRef) -> dict[str, str]:
    """One query of each form; DESCRIBE is about `resource`."""
    prefixes = f"PREFIX gk: <{GK}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    return {
        "SELECT": prefixes + "SELECT ?s ?label ?start WHERE { ?s a gk:Summit ; rdfs:label ?label "
        "OPTIONAL { ?s <https://schema.org/startDate> ?start } } ORDER BY ?s ?label ?start",
        "ASK": prefixes + "ASK { ?s a gk:Summit ; rdfs:label ?label }",
        "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph_iri('asserted')}> {{ ?s ?p ?o }} }}",
        "DESCRIBE": f"DESCRIBE <{resource}>",
    }


def sorted_rows(result: Result) -> list[Row]:
    """A SELECT result's rows, sorted (servers may order ties differently)."""
    return sorted((tuple(row) for row in result), key=repr)  # type: ignore[arg-type]


def own_triples(graph: Graph, resource: URIRef) -> list[tuple[str, str]]:
    """The resource's own triples as sorted (predicate, object) pairs, blank nodes anonymised."""
    pairs = ((p.n3(), "[]" if isinstance(o, BNode) else o.n3()) for _, p, o in graph.triples((resource, None, None)))
    return sorted(pairs)


@pytest.fixture(scope="module", name="expected")
def expected_answers(project_build: Build) -> Expected:
    """What the endpoint must answer, computed by rdflib from the in-memory build."""
    dataset, union = dataset_of(project_build), union_of(project_build)
    resource = min(union.subjects(RDF.type, GK.Summit))
    assert isinstance(resource, URIRef), "the build has no summit to describe"
    queries = queries_for(resource)
    select = dataset.query(queries["SELECT"])
    construct = dataset.query(queries["CONSTRUCT"]).graph
    assert select.vars and construct is not None
    expect = Expected(
        queries,
        union,
        [str(v) for v in select.vars],
        sorted_rows(select),
        bool(dataset.query(queries["ASK"]).askAnswer),
        construct,
        resource,
        own_triples(union, resource),
    )
    assert expect.rows and len(expect.construct) and expect.own, "the build gives the queries nothing to answer"
    return expect


# --- Missing clients ------------------------------------------------------------------------------


def unavailable(reason: str) -> None:
    """Skip for want of a client, or fail when GOVKG_REQUIRE_CLIENTS=1 (CI, where every client must run)."""
    if os.environ.get("GOVKG_REQUIRE_CLIENTS") == "1":
        pytest.fail(f"{reason} (GOVKG_REQUIRE_CLIENTS=1)")
    pytest.skip(reason)


def need(program: str) -> str:
    """The path of `program`; unavailable() when it is not installed."""
    path = shutil.which(program)
    if path is None:
        unavailable(f"{program} is not installed")
    assert path is not None
    return path
