"""Real clients against a live `govkg serve` on 127.0.0.1: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

from conftest import LiveServer
from govkg.build import Build
from govkg.namespaces import GK

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
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

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
