"""Real clients against a live `govkg serve` on 127.0.0.1, each with its default settings: SPARQLWrapper, rdflib's
SPARQLStore and SPARQLUpdateStore, curl, Python requests and Node's fetch. Every answer is parsed and compared with
what rdflib computes from the in-memory build; the client/format -> status matrix is printed after the run."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen
from xml.dom.minidom import Document

import pytest
import requests
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from rdflib.plugins.stores import sparqlconnector
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POSTDIRECTLY, RDFXML, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper
from SPARQLWrapper import RDF as RDF_ANY
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)
from SPARQLWrapper.Wrapper import QueryResult

from conftest import LiveServer
from govkg.build import Build
from govkg.namespaces import GK, graph_iri

SUMMITS = "PREFIX gk: <https://w3id.org/govkg/ontology#> SELECT ?s WHERE { ?s a gk:Summit } ORDER BY ?s"
FETCH = Path(__file__).with_name("clients") / "fetch.mjs"
READ_ONLY = "this endpoint is read-only"


def summits(build: Build) -> list[str]:
    """The summits of the build, sorted (what the endpoint must answer)."""
    graph = Graph()
    for g in build.graphs.values():
        graph += g
    return sorted(str(s) for s in graph.subjects(RDF.type, GK.Summit))


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(live: LiveServer, project_build: Build, method: str) -> None:
    client = SPARQLWrapper(live.url + "/sparql")
    client.setMethod(method)
    client.setQuery(SUMMITS)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index,call-overload]
    assert [r["s"]["value"] for r in rows] == summits(project_build)


def test_sparqlwrapper_select_xml_and_csv(live: LiveServer, project_build: Build) -> None:
    client = SPARQLWrapper(live.url + "/sparql")
    client.setQuery(SUMMITS)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == summits(project_build)
    client.setReturnFormat(CSV)
    lines = client.queryAndConvert().decode().split()  # type: ignore[union-attr]
    assert lines == ["s", *summits(project_build)]


def test_sparqlwrapper_ask_and_construct(live: LiveServer, project_build: Build) -> None:
    client = SPARQLWrapper(live.url + "/sparql")
    client.setQuery("ASK { ?s a <https://w3id.org/govkg/ontology#Summit> }")
    client.setReturnFormat(JSON)
    assert client.queryAndConvert()["boolean"] is True  # type: ignore[index,call-overload]
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://w3id.org/govkg/graph/asserted> { ?s ?p ?o } }")
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.queryAndConvert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) == len(project_build.graphs["asserted"])


def test_sparqlwrapper_sees_a_refused_update(live: LiveServer) -> None:
    client = SPARQLWrapper(live.url + "/sparql")
    client.setMethod("POST")
    client.setQuery("CLEAR ALL")
    with pytest.raises((SPARQLWrapperException, OSError)):
        client.query()


def test_rdflib_sparqlstore(live: LiveServer, project_build: Build) -> None:
    store = SPARQLStore(live.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    found = sorted(str(s) for s in graph.subjects(RDF.type, GK.Summit))
    assert found == summits(project_build)
    rows = list(graph.query(SUMMITS))
    assert [str(r[0]) for r in rows] == summits(project_build)  # type: ignore[index]
    assert (URIRef(summits(project_build)[0]), RDF.type, GK.Summit) in graph
    store.close()


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
    return [
        f"client matrix: {client}: "
        + "; ".join(
            f"{kind} " + ", ".join(outcomes(fmt, cells) for fmt, cells in formats.items())
            for kind, formats in kinds.items()
        )
        for client, kinds in table.items()
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


@pytest.fixture(scope="module")
def expected(project_build: Build) -> Expected:
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


# --- Checking answers -----------------------------------------------------------------------------

RESULT_KINDS, GRAPH_KINDS = ("SELECT", "ASK"), ("CONSTRUCT", "DESCRIBE")
RESULT_FORMATS, GRAPH_FORMATS = ("json", "xml", "csv", "tsv"), ("json-ld", "rdf+xml", "turtle", "n-triples", "n3")
# The media type a client puts in Accept for each format, and the short name it sends as format=.
MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json-ld": "application/ld+json",
    "rdf+xml": "application/rdf+xml",
    "turtle": "text/turtle",
    "n-triples": "application/n-triples",
    "n3": "text/n3",
}
SHORT = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "json-ld": "jsonld",
    "rdf+xml": "rdfxml",
    "turtle": "ttl",
    "n-triples": "nt",
    "n3": "n3",
}
# The media types an answer asked for in each format may come in (N3 is answered in Turtle or N-Triples).
ANSWERS = {name: (media_type,) for name, media_type in MEDIA.items()}
ANSWERS["n3"] = ("text/turtle", "application/n-triples", "text/n3")
RESULT_PARSERS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_PARSERS = {
    "text/turtle": "turtle",
    "text/n3": "n3",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/json": "json-ld",
    "application/xml": "xml",
}


def formats_of(kind: str) -> tuple[str, ...]:
    """The formats an answer of this kind is asked for in."""
    return RESULT_FORMATS if kind in RESULT_KINDS else GRAPH_FORMATS


def media(content_type: str | None) -> str:
    """The media type of a Content-Type value, without parameters."""
    return (content_type or "").split(";")[0].strip().lower()


def csv_table(body: bytes) -> list[list[str]]:
    """A CSV results document as its header and sorted rows of strings."""
    header, *rows = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    return [header, *sorted(rows)]


def boolean(body: bytes, parser: str) -> bool:
    """An ASK answer: a results document (JSON, XML), or the word true or false (CSV, TSV)."""
    if parser in ("csv", "tsv"):
        word = body.decode("utf-8").strip().splitlines()[-1].strip()
        assert word in ("true", "false"), f"not a boolean answer: {body[:200]!r}"
        return word == "true"
    return bool(Result.parse(io.BytesIO(body), format=parser).askAnswer)


def check_results(expected: Expected, kind: str, body: bytes, media_type: str) -> None:
    """The SELECT or ASK answer in `body` is rdflib's."""
    parser = RESULT_PARSERS[media_type]
    if kind == "ASK":
        assert boolean(body, parser) is expected.ask
    elif parser == "csv":
        strings = [["" if term is None else str(term) for term in row] for row in expected.rows]
        assert csv_table(body) == [expected.variables, *sorted(strings)]
    else:
        result = Result.parse(io.BytesIO(body), format=parser)
        assert [str(v) for v in result.vars or ()] == expected.variables
        assert sorted_rows(result) == expected.rows


def check_graph(expected: Expected, kind: str, graph: Graph) -> None:
    """A CONSTRUCT answer is isomorphic to rdflib's; a DESCRIBE answer holds the resource's own triples, no others."""
    if kind == "CONSTRUCT":
        assert isomorphic(graph, expected.construct), f"{len(graph)} triples, expected {len(expected.construct)}"
    else:
        assert own_triples(graph, expected.resource) == expected.own


def parse_graph(body: bytes, media_type: str) -> Graph:
    """An RDF document parsed by rdflib."""
    return Graph().parse(data=body, format=RDF_PARSERS[media_type])


def check_body(expected: Expected, kind: str, media_type: str, body: bytes) -> None:
    """The answer to the `kind` query, sent as `media_type`, is the expected one."""
    if kind in RESULT_KINDS:
        check_results(expected, kind, body, media_type)
    else:
        check_graph(expected, kind, parse_graph(body, media_type))


def check_answer(expected: Expected, kind: str, fmt: str, status: int, content_type: str | None, body: bytes) -> None:
    """A 200 answer in one of the media types `fmt` allows, holding the expected answer."""
    assert status == 200, f"HTTP {status}: {body[:300]!r}"
    assert media(content_type) in ANSWERS[fmt], f"asked for {fmt}, got {content_type}"
    check_body(expected, kind, media(content_type), body)


def one_line_error(status: int, content_type: str | None, body: bytes, expected_status: int) -> str:
    """The text of a govkg error answer, checked: the status, text/plain, one line starting with the status."""
    text = body.decode("utf-8")
    assert status == expected_status, f"HTTP {status}, expected {expected_status}: {text[:300]}"
    assert media(content_type) == "text/plain" and text.startswith(str(expected_status)), text[:300]
    assert "\n" not in text.strip(), f"not one line: {text[:300]}"
    return text


# --- Requests, as each client sends them ----------------------------------------------------------

# How a request carries the query and names the format.
WAYS = ("GET+Accept", "GET+format", "POST form", "POST query")


@dataclass(frozen=True)
class Call:
    """One HTTP request to /sparql: URL parameters, a form or raw body, headers."""

    method: str
    params: tuple[tuple[str, str], ...] = ()
    form: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


def call(way: str, query: str, fmt: str) -> Call:
    """The request sending `query` and asking for `fmt` in one of the WAYS."""
    if way == "GET+Accept":
        return Call("GET", params=(("query", query),), headers=(("Accept", MEDIA[fmt]),))
    if way == "GET+format":
        return Call("GET", params=(("query", query), ("format", SHORT[fmt])))
    if way == "POST form":
        return Call("POST", form=(("query", query), ("format", SHORT[fmt])))
    return Call("POST", body=query, headers=(("Content-Type", "application/sparql-query"), ("Accept", MEDIA[fmt])))


def grid() -> list[Any]:
    """pytest parameters (kind, format, way): every answer kind in each of its formats, sent each way."""
    return [
        pytest.param(kind, fmt, way, id=f"{kind}-{fmt}-{way.replace(' ', '_')}")
        for kind in (*RESULT_KINDS, *GRAPH_KINDS)
        for fmt in formats_of(kind)
        for way in WAYS
    ]


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


# --- SPARQLWrapper --------------------------------------------------------------------------------

# SPARQLWrapper's own format names: what it is told (return format, Accept header it cannot send by itself) and the
# media types the answer may come in. XML and RDF mean RDF/XML for a graph; it has no N-Triples, so N3 with Accept.
SW_GRAPHS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "json-ld": (JSONLD, None, ("application/ld+json",)),
    "xml": (XML, None, ("application/rdf+xml",)),
    "rdf+xml": (RDFXML, None, ("application/rdf+xml",)),
    "rdf": (RDF_ANY, None, ("application/rdf+xml",)),
    "turtle": (TURTLE, None, ("text/turtle",)),
    "n3": (N3, None, ANSWERS["n3"]),
    "n-triples": (N3, "application/n-triples", ("application/n-triples",)),
}
SW_ERRORS: dict[type[Exception], int] = {
    QueryBadFormed: 400,
    Unauthorized: 401,
    EndPointNotFound: 404,
    URITooLong: 414,
    EndPointInternalError: 500,
}


def wrapper(live: LiveServer, query: str, fmt: str, method: str, accept: str | None = None) -> SPARQLWrapper:
    """A SPARQLWrapper with its default settings but for the method, the return format and (optionally) Accept."""
    client = SPARQLWrapper(live.url + "/sparql")
    client.setMethod(method)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if accept:
        client.addCustomHttpHeader("Accept", accept)
    return client


def sw_query(client: SPARQLWrapper, entry: Cell) -> QueryResult:
    """Send the client's query, noting the HTTP status; an error answer fails the test with its text."""
    try:
        result = client.query()
        entry.responses.append(result.response.status)
        return result
    except HTTPError as error:
        status, text = error.code, error.read()[:300].decode("utf-8", "replace")
    except SPARQLWrapperException as error:
        status, text = SW_ERRORS.get(type(error), 0), f"{type(error).__name__}: {error}"
    entry.responses.append(status)
    pytest.fail(f"HTTP {status}: {text}")


def sw_results(result: QueryResult) -> bytes:
    """SPARQLWrapper's converted SELECT/ASK answer written back as a document (JSON: a dict, XML: a DOM)."""
    answer = result.convert()
    if isinstance(answer, dict):
        return json.dumps(answer).encode("utf-8")
    if isinstance(answer, Document):
        return answer.toxml("utf-8")
    assert isinstance(answer, bytes), type(answer)
    return answer


def sw_graph(result: QueryResult) -> Graph:
    """SPARQLWrapper's converted graph answer as an rdflib Graph: it parses RDF/XML and JSON-LD into a (deprecated)
    ConjunctiveGraph itself, and hands Turtle and N-Triples back as bytes."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        answer = result.convert()
        if isinstance(answer, bytes):
            return parse_graph(answer, media(result.info()["content-type"]))
        graph = Graph()
        for triple in answer.triples((None, None, None)):  # type: ignore[union-attr]
            graph.add(triple)
    return graph


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
@pytest.mark.parametrize("kind", RESULT_KINDS)
def test_sparqlwrapper_results(live: LiveServer, expected: Expected, kind: str, fmt: str, method: str) -> None:
    """SPARQLWrapper's defaults (format=, output=, results= and Accept) get SELECT and ASK in each results format."""
    with cell("SPARQLWrapper", kind, fmt, method) as entry:
        result = sw_query(wrapper(live, expected.queries[kind], fmt, method), entry)
        media_type = media(result.info()["content-type"])
        assert media_type == MEDIA[fmt]
        check_results(expected, kind, sw_results(result), media_type)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("fmt", list(SW_GRAPHS))
@pytest.mark.parametrize("kind", GRAPH_KINDS)
def test_sparqlwrapper_graphs(live: LiveServer, expected: Expected, kind: str, fmt: str, method: str) -> None:
    """SPARQLWrapper's defaults get CONSTRUCT and DESCRIBE in JSON-LD, RDF/XML, Turtle, N3 and N-Triples."""
    name, accept, media_types = SW_GRAPHS[fmt]
    with cell("SPARQLWrapper", kind, fmt, method) as entry:
        client = wrapper(live, expected.queries[kind], name, method, accept)
        if name == RDF_ANY:  # SPARQLWrapper knows no Accept for "rdf" and says so
            with pytest.warns(RuntimeWarning, match=r"Sending Accept header '\*/\*'"):
                result = sw_query(client, entry)
        else:
            result = sw_query(client, entry)
        assert media(result.info()["content-type"]) in media_types
        check_graph(expected, kind, sw_graph(result))


@pytest.mark.parametrize("encoding", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_update_gets_403(live: LiveServer, encoding: str) -> None:
    """An update sent by SPARQLWrapper (as a form or as a body) gets 403 and the read-only message."""
    with cell("SPARQLWrapper", "UPDATE", "INSERT DATA", encoding) as entry:
        client = wrapper(live, "INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }", XML, "POST")
        client.setRequestMethod(encoding)
        with pytest.raises(HTTPError) as caught:
            client.query()
        entry.responses.append(caught.value.code)
        assert caught.value.code == 403
        assert READ_ONLY in caught.value.read().decode("utf-8")


# --- rdflib SPARQLStore and SPARQLUpdateStore -----------------------------------------------------


@dataclass
class Watch:
    """The statuses rdflib's SPARQL connector receives, noted in the list of the current matrix cell."""

    seen: list[int] = field(default_factory=list)

    def fresh(self) -> list[int]:
        """A new list for the next cell."""
        self.seen = []
        return self.seen


@pytest.fixture
def watch(monkeypatch: pytest.MonkeyPatch) -> Watch:
    """Watch the HTTP statuses rdflib's SPARQL connector receives during the test (its urlopen, wrapped)."""
    notes = Watch()

    def watched(request: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            response = urlopen(request, *args, **kwargs)
        except HTTPError as error:
            notes.seen.append(error.code)
            raise
        notes.seen.append(response.status)
        return response

    monkeypatch.setattr(sparqlconnector, "urlopen", watched)
    return notes


def store_operations(expected: Expected) -> dict[str, Callable[[Graph], None]]:
    """What is checked through a store: SPARQL queries and the graph API (triples, __contains__)."""
    absent = (expected.resource, RDF.type, URIRef(str(GK) + "NoSuchClass"))

    def select(graph: Graph) -> None:
        result = graph.query(expected.queries["SELECT"])
        assert [str(v) for v in result.vars or ()] == expected.variables and sorted_rows(result) == expected.rows

    def ask(graph: Graph) -> None:
        assert graph.query(expected.queries["ASK"]).askAnswer is expected.ask

    def construct(graph: Graph) -> None:
        answer = graph.query(expected.queries["CONSTRUCT"]).graph
        assert answer is not None and isomorphic(answer, expected.construct)

    def triples(graph: Graph) -> None:
        answer = Graph()
        for triple in graph.triples((expected.resource, None, None)):
            answer.add(triple)
        assert own_triples(answer, expected.resource) == expected.own

    def contains(graph: Graph) -> None:
        present = next(iter(expected.union.triples((expected.resource, None, None))))
        assert (present in graph) is True and (absent in graph) is (absent in expected.union)

    return {"SELECT": select, "ASK": ask, "CONSTRUCT": construct, "triples": triples, "__contains__": contains}


STORE_CASES = [
    pytest.param(op, fmt, method, id=f"{op}-{fmt}-{method}")
    for op in ("SELECT", "ASK", "CONSTRUCT", "triples", "__contains__")
    for fmt in ("xml", "json")
    for method in ("GET", "POST", "POST_FORM")
    if not (op == "CONSTRUCT" and fmt == "json")
]


@pytest.mark.parametrize(("op", "fmt", "method"), STORE_CASES)
def test_sparqlstore(live: LiveServer, expected: Expected, watch: Watch, op: str, fmt: str, method: str) -> None:
    """rdflib's SPARQLStore answers queries and its graph API over the endpoint (returnFormat xml, its default, or
    json; a json store asks for SPARQL results only, so it cannot take a CONSTRUCT)."""
    store = SPARQLStore(live.url + "/sparql", returnFormat=fmt, method=method)  # type: ignore[arg-type]
    try:
        with cell("SPARQLStore", op, fmt, method, watch.fresh()):
            store_operations(expected)[op](Graph(store=store))
    finally:
        store.close()


def test_sparqlupdatestore_reads_and_is_refused_updates(live: LiveServer, expected: Expected, watch: Watch) -> None:
    """SPARQLUpdateStore reads like SPARQLStore; its writes (update, graph.add) get 403 and the read-only message."""
    url = live.url + "/sparql"
    store = SPARQLUpdateStore(url, url)
    try:
        graph = Graph(store=store)
        for op in ("SELECT", "__contains__"):
            with cell("SPARQLUpdateStore", op, "xml", "GET", watch.fresh()):
                store_operations(expected)[op](graph)
        triple = (URIRef("urn:x:s"), URIRef("urn:x:p"), URIRef("urn:x:o"))
        writes: dict[str, Callable[[], object]] = {
            "INSERT DATA": lambda: store.update("INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }"),
            "graph.add": lambda: Graph(store=store, identifier=URIRef("urn:x:g")).add(triple),
        }
        for label, write in writes.items():
            with cell("SPARQLUpdateStore", "UPDATE", label, "POST", watch.fresh()) as entry:
                with pytest.raises(HTTPError) as caught:
                    write()
                assert caught.value.code == 403 and entry.responses == [403]
                assert READ_ONLY in caught.value.read().decode("utf-8")
    finally:
        store.close()


# --- curl -----------------------------------------------------------------------------------------


def curl_command(live: LiveServer, request: Call, out: Path) -> tuple[list[str], str | None]:
    """The curl command line sending `request` (the body on standard input), and that input."""
    command = [
        need("curl"),
        "--silent",
        "--show-error",
        "--noproxy",
        "*",
        "--output",
        str(out),
        "--write-out",
        "%{http_code}\n%{content_type}",
    ]
    for name, value in request.headers:
        command += ["--header", f"{name}: {value}"]
    pairs = request.params or request.form
    if request.method == "GET":
        command.append("--get")
    for name, value in pairs:
        command += ["--data-urlencode", f"{name}={value}"]
    if request.body is not None:
        command += ["--data-binary", "@-"]
    return [*command, live.url + "/sparql"], request.body


def curl(live: LiveServer, request: Call, out: Path) -> tuple[int, str, bytes]:
    """Send `request` with curl: (status, Content-Type, body)."""
    command, stdin = curl_command(live, request, out)
    done = subprocess.run(command, input=(stdin or "").encode("utf-8"), capture_output=True, timeout=30, check=True)
    status, _, content_type = done.stdout.decode().partition("\n")
    return int(status), content_type, out.read_bytes()


@pytest.mark.parametrize(("kind", "fmt", "way"), grid())
def test_curl(live: LiveServer, expected: Expected, tmp_path: Path, kind: str, fmt: str, way: str) -> None:
    """curl gets every answer kind in each format, by Accept or format=, with GET or either POST."""
    with cell("curl", kind, fmt, way) as entry:
        status, content_type, body = curl(live, call(way, expected.queries[kind], fmt), tmp_path / "answer")
        entry.responses.append(status)
        check_answer(expected, kind, fmt, status, content_type, body)


# --- Python requests ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    """A requests session that ignores proxy settings (everything here is on 127.0.0.1)."""
    with requests.Session() as s:
        s.trust_env = False
        yield s


def send(session: requests.Session, live: LiveServer, request: Call) -> requests.Response:
    """Send `request` with requests."""
    data = request.form or (request.body.encode("utf-8") if request.body is not None else None)
    return session.request(
        request.method,
        live.url + "/sparql",
        params=list(request.params),
        data=data,
        headers=dict(request.headers),
        timeout=30,
    )


@pytest.mark.parametrize(("kind", "fmt", "way"), grid())
def test_requests(
    live: LiveServer, expected: Expected, session: requests.Session, kind: str, fmt: str, way: str
) -> None:
    """requests gets every answer kind in each format, by Accept or format=, with GET or either POST."""
    with cell("requests", kind, fmt, way) as entry:
        response = send(session, live, call(way, expected.queries[kind], fmt))
        entry.responses.append(response.status_code)
        check_answer(expected, kind, fmt, response.status_code, response.headers.get("Content-Type"), response.content)


# Several format= values that agree (as SPARQLWrapper and others send them), with the media type they must give.
AGREEING = [
    ("SELECT", (("format", "tsv"), ("format", "text/tab-separated-values")), None, "text/tab-separated-values"),
    ("SELECT", (("format", "json"), ("output", "json"), ("results", "json")), None, "application/sparql-results+json"),
    ("SELECT", (("format", "application/json"),), None, "application/json"),
    ("SELECT", (("format", "json"),), "text/csv", "application/sparql-results+json"),
    ("ASK", (("output", "xml"), ("results", "application/sparql-results+xml")), None, "application/sparql-results+xml"),
    (
        "CONSTRUCT",
        (("format", "json-ld"), ("output", "application/ld+json"), ("results", "jsonld")),
        None,
        "application/ld+json",
    ),
    ("CONSTRUCT", (("format", "rdf+xml"), ("format", "application/rdf+xml")), None, "application/rdf+xml"),
    ("CONSTRUCT", (("format", "n3"), ("output", "nt")), None, "application/n-triples"),
    ("CONSTRUCT", (("format", "n3"),), "application/n-triples", "application/n-triples"),
    ("DESCRIBE", (("format", "xml"), ("output", "rdf")), None, "application/rdf+xml"),
    # SPARQLWrapper's JSON-LD request: its whole Accept header as the second value.
    (
        "DESCRIBE",
        (("format", "json-ld"), ("format", "application/ld+json,application/x-json+ld")),
        None,
        "application/ld+json",
    ),
]


@pytest.mark.parametrize(
    ("kind", "values", "accept", "media_type"),
    AGREEING,
    ids=[f"{k}-{'&'.join(f'{n}={v}' for n, v in vs)}" for k, vs, _, _ in AGREEING],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_requests_agreeing_format_values(
    live: LiveServer,
    expected: Expected,
    session: requests.Session,
    method: str,
    kind: str,
    values: tuple[tuple[str, str], ...],
    accept: str | None,
    media_type: str,
) -> None:
    """Several format= values that agree are answered in the format they name (Accept choosing among them; a media
    type sent as a value is answered as such), from the URL of a GET or the form of a POST."""
    pairs = (("query", expected.queries[kind]), *values)
    headers = (("Accept", accept),) if accept else ()
    request = (
        Call(method, params=pairs, headers=headers) if method == "GET" else Call(method, form=pairs, headers=headers)
    )
    label = "&".join(f"{name}={value}" for name, value in values) + (f" Accept:{accept}" if accept else "")
    with cell("requests", f"{kind} agreeing", label, method) as entry:
        response = send(session, live, request)
        entry.responses.append(response.status_code)
        assert response.status_code == 200, response.text[:300]
        assert media(response.headers["Content-Type"]) == media_type
        check_body(expected, kind, media_type, response.content)


def test_requests_format_in_the_url_of_a_post(live: LiveServer, expected: Expected, session: requests.Session) -> None:
    """A POSTed form query with its format= in the URL gets that format."""
    with cell("requests", "SELECT", "csv (format= in URL)", "POST form") as entry:
        response = session.post(
            live.url + "/sparql", params={"format": "csv"}, data={"query": expected.queries["SELECT"]}, timeout=30
        )
        entry.responses.append(response.status_code)
        check_answer(
            expected, "SELECT", "csv", response.status_code, response.headers["Content-Type"], response.content
        )


REFUSED = [
    ("CONSTRUCT", (("format", "csv"),), None, "does not suit"),
    ("SELECT", (("format", "turtle"),), None, "does not suit"),
    ("ASK", (("output", "application/ld+json"),), None, "does not suit"),
    ("SELECT", (), "text/turtle", "no acceptable representation"),
    ("SELECT", (("format", "json"), ("format", "xml")), None, "do not agree"),
    ("CONSTRUCT", (("format", "turtle"), ("output", "json-ld")), None, "do not agree"),
    ("DESCRIBE", (("format", "nt"), ("results", "application/rdf+xml")), None, "do not agree"),
]


@pytest.mark.parametrize(
    ("kind", "values", "accept", "reason"),
    REFUSED,
    ids=[f"{k}-{'&'.join(f'{n}={v}' for n, v in vs) or a}" for k, vs, a, _ in REFUSED],
)
def test_requests_406(
    live: LiveServer,
    expected: Expected,
    session: requests.Session,
    kind: str,
    values: tuple[tuple[str, str], ...],
    accept: str | None,
    reason: str,
) -> None:
    """A format that does not suit the answer, values that disagree, or an Accept nothing meets: a one-line 406."""
    label = "&".join(f"{name}={value}" for name, value in values) or f"Accept:{accept}"
    with cell("requests", f"{kind} refused", label, "GET") as entry:
        response = session.get(
            live.url + "/sparql",
            params=[("query", expected.queries[kind]), *values],
            headers={"Accept": accept} if accept else {},
            timeout=30,
        )
        entry.responses.append(response.status_code)
        text = one_line_error(response.status_code, response.headers.get("Content-Type"), response.content, 406)
        assert reason in text


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_requests_400_is_one_line(live: LiveServer, session: requests.Session, method: str) -> None:
    """A query that does not parse gets a 400 whose text is one line."""
    with cell("requests", "errors", "syntax error", method) as entry:
        query = {"query": "SELECT"}
        response = session.request(
            method,
            live.url + "/sparql",
            params=query if method == "GET" else None,
            data=query if method == "POST" else None,
            timeout=30,
        )
        entry.responses.append(response.status_code)
        assert "syntax error" in one_line_error(
            response.status_code, response.headers.get("Content-Type"), response.content, 400
        )


@pytest.mark.parametrize(
    ("label", "data", "content_type"),
    [
        (
            "update= form",
            b"update=INSERT+DATA+%7B%3Curn%3Ax%3As%3E+%3Curn%3Ax%3Ap%3E+%3Curn%3Ax%3Ao%3E%7D",
            "application/x-www-form-urlencoded",
        ),
        ("sparql-update body", b"INSERT DATA { <urn:x:s> <urn:x:p> <urn:x:o> }", "application/sparql-update"),
    ],
)
def test_requests_update_is_refused(
    live: LiveServer, session: requests.Session, label: str, data: bytes, content_type: str
) -> None:
    """An update, as a form or as a body, gets the one-line 403 refusal."""
    with cell("requests", "UPDATE", label, "POST") as entry:
        response = session.post(live.url + "/sparql", data=data, headers={"Content-Type": content_type}, timeout=30)
        entry.responses.append(response.status_code)
        assert READ_ONLY in one_line_error(
            response.status_code, response.headers.get("Content-Type"), response.content, 403
        )


# --- Node.js fetch --------------------------------------------------------------------------------

ORIGIN = "https://example.org"


@dataclass(frozen=True)
class FetchCase:
    """A request for Node's fetch, with the status it must get."""

    kind: str
    fmt: str
    way: str
    request: Call
    status: int = 200

    def as_json(self) -> dict[str, Any]:
        """The case as fetch.mjs reads it (every request from the page's origin, as a browser sends it)."""
        headers = {"Origin": ORIGIN, **dict(self.request.headers)}
        case: dict[str, Any] = {"method": self.request.method, "headers": headers}
        if self.request.params:
            case["params"] = [list(p) for p in self.request.params]
        if self.request.form:
            case["form"] = [list(p) for p in self.request.form]
        if self.request.body is not None:
            case["body"] = self.request.body
        return case


def fetch_cases(queries: dict[str, str]) -> list[FetchCase]:
    """Every answer kind in each format, each way; an error; a CORS preflight."""
    cases = [
        FetchCase(kind, fmt, way, call(way, queries[kind], fmt))
        for kind in (*RESULT_KINDS, *GRAPH_KINDS)
        for fmt in formats_of(kind)
        for way in WAYS
    ]
    cases.append(FetchCase("errors", "syntax error", "GET", Call("GET", params=(("query", "SELECT"),)), 400))
    cases.append(
        FetchCase(
            "errors",
            "format=csv on CONSTRUCT",
            "GET",
            Call("GET", params=(("query", queries["CONSTRUCT"]), ("format", "csv"))),
            406,
        )
    )
    preflight = (("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type"))
    cases.append(FetchCase("CORS", "preflight", "OPTIONS", Call("OPTIONS", headers=preflight)))
    return cases


CASE_IDS = [f"{c.kind}-{c.fmt}-{c.way}".replace(" ", "_") for c in fetch_cases(queries_for(URIRef("urn:x")))]


@pytest.fixture(scope="module")
def fetched(live: LiveServer, expected: Expected) -> list[dict[str, Any]]:
    """Every fetch case sent by one Node process: its answers, in order."""
    node = need("node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout
    if int(version.strip().lstrip("v").split(".")[0]) < 18:
        unavailable(f"node {version.strip()} has no global fetch (it needs Node 18 or later)")
    cases = [c.as_json() for c in fetch_cases(expected.queries)]
    done = subprocess.run(
        [node, str(FETCH), live.url + "/sparql"], input=json.dumps(cases), capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    assert len(answers) == len(cases)
    return answers


def check_cors(headers: dict[str, str], preflight: bool) -> None:
    """The CORS headers a browser needs to hand the answer to the page (for a preflight: to send the POST)."""
    assert headers.get("access-control-allow-origin") in ("*", ORIGIN), headers
    if preflight:
        assert "POST" in headers.get("access-control-allow-methods", ""), headers
        assert "content-type" in headers.get("access-control-allow-headers", "").lower(), headers


@pytest.mark.parametrize("index", range(len(CASE_IDS)), ids=CASE_IDS)
def test_node_fetch(expected: Expected, fetched: list[dict[str, Any]], index: int) -> None:
    """Node's fetch (a JavaScript client) gets each answer, with the CORS headers a browser page needs."""
    case, answer = fetch_cases(expected.queries)[index], fetched[index]
    with cell("node fetch", case.kind, case.fmt, case.way) as entry:
        assert "error" not in answer, answer.get("error")
        entry.responses.append(answer["status"])
        body = answer["body"].encode("utf-8")
        if case.kind in (*RESULT_KINDS, *GRAPH_KINDS):
            check_answer(expected, case.kind, case.fmt, answer["status"], answer["contentType"], body)
        elif case.status != 200:
            one_line_error(answer["status"], answer["contentType"], body, case.status)
        else:
            assert answer["status"] in (200, 204), answer
        check_cors(answer["headers"], case.way == "OPTIONS")
