"""Real clients against a live `govkg serve` on 127.0.0.1, each with its default settings: SPARQLWrapper here,
rdflib's SPARQLStore and SPARQLUpdateStore in test_clients_rdflib.py, curl, Python requests and Node's fetch in
test_clients_http.py. Every answer is parsed and compared with what rdflib computes from the in-memory build; the
client/format -> status matrix is printed after the run (client_kit.py)."""

from __future__ import annotations

import json
import warnings
from urllib.error import HTTPError
from xml.dom.minidom import Document

import pytest
from client_checks import ANSWERS, GRAPH_KINDS, MEDIA, RESULT_KINDS, check_graph, check_results, media, parse_graph
from client_kit import READ_ONLY, Cell, Expected, cell
from client_kit import expected_answers as expected_answers  # the fixture `expected`
from client_kit import matrix as matrix  # autouse fixture: the matrix is printed
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
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
from govkg.namespaces import GK

pytestmark = pytest.mark.xdist_group("clients")  # one worker fills the client matrix (tests/parallel.py)

SUMMITS = "PREFIX gk: <https://w3id.org/govkg/ontology#> SELECT ?s WHERE { ?s a gk:Summit } ORDER BY ?s"


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
