"""Dumps and the Graph Store Protocol read side: every format parses back; caching headers from the build."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from govkg import formats
from govkg.build import Build
from govkg.namespaces import graph_iri

RDF_FORMATS = ["turtle", "json-ld", "nt", "rdfxml", "trig", "nquads"]


def parse(data: bytes, name: str) -> Graph:
    """The union of the triples in a dump."""
    fmt = formats.get(name)
    if fmt.kind == "dataset":
        ds = Dataset()
        ds.parse(data=data, format=fmt.rdflib)
        union = Graph()
        for graph in ds.graphs():
            union += graph
        return union
    return Graph().parse(data=data, format=fmt.rdflib)


def union(build: Build) -> Graph:
    """All the build's named graphs merged."""
    merged = Graph()
    for graph in build.graphs.values():
        merged += graph
    return merged


@pytest.mark.parametrize("name", RDF_FORMATS)
def test_each_graph_dump_round_trips(client: FlaskClient, project_build: Build, name: str) -> None:
    for graph in ("asserted", "entities", "source/001_news_pledge"):
        if graph not in project_build.graphs:
            graph = next(n for n in project_build.graphs if n.startswith("source/"))
        response = client.get(f"/download/{graph}{formats.get(name).suffix}")
        assert response.status_code == 200, response.data
        assert response.headers["Content-Type"] == f"{formats.get(name).media_type}; charset=utf-8"
        assert isomorphic(parse(response.data, name), project_build.graphs[graph])


@pytest.mark.parametrize("name", ["turtle", "nquads", "trig"])
def test_whole_dataset_dump_round_trips(client: FlaskClient, project_build: Build, name: str) -> None:
    response = client.get(f"/download/govkg{formats.get(name).suffix}")
    assert isomorphic(parse(response.data, name), union(project_build))


def test_quad_dump_keeps_the_named_graphs(client: FlaskClient, project_build: Build) -> None:
    ds = Dataset()
    ds.parse(data=client.get("/download/govkg.nq").data, format="nquads")
    received = {str(g.identifier): len(g) for g in ds.graphs() if len(g)}
    assert received == {graph_iri(n): len(g) for n, g in project_build.graphs.items()}


def test_caching_headers_and_conditional_requests(client: FlaskClient) -> None:
    first = client.get("/download/asserted.ttl")
    assert int(first.headers["Content-Length"]) == len(first.data)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('W/"') and modified
    assert client.get("/download/asserted.ttl").headers["ETag"] == etag
    assert client.get("/download/asserted.nt").headers["ETag"] != etag
    assert client.get("/download/asserted.ttl", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/download/asserted.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    head = client.head("/download/asserted.ttl")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == etag


@pytest.mark.parametrize(
    "path", ["/download/nothing.ttl", "/download/asserted.exe", "/download/asserted", "/download/../etc/passwd"]
)
def test_unknown_dump_is_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "text/plain"


def test_download_index_has_html_and_json_twins(client: FlaskClient, project_build: Build) -> None:
    listing = client.get("/download/", headers={"Accept": "application/json"}).json
    assert {row["name"] for row in listing} == {"govkg", *project_build.graphs}
    page = client.get("/download/", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "/download/asserted.ttl" in page.get_data(as_text=True)


@pytest.mark.parametrize("accept", ["text/turtle", "application/n-triples", "application/ld+json"])
def test_graph_store_get(client: FlaskClient, project_build: Build, accept: str) -> None:
    response = client.get("/rdf-graph-store", query_string={"graph": graph_iri("asserted")}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    fmt = {"text/turtle": "turtle", "application/n-triples": "nt", "application/ld+json": "json-ld"}[accept]
    assert isomorphic(parse(response.data, fmt), project_build.graphs["asserted"])


def test_graph_store_default_graph_is_the_union(client: FlaskClient, project_build: Build) -> None:
    response = client.get("/rdf-graph-store?default", headers={"Accept": "application/n-triples"})
    assert isomorphic(parse(response.data, "nt"), union(project_build))


def test_graph_store_direct_identification(client: FlaskClient, project_build: Build) -> None:
    response = client.get("/graph/entities", headers={"Accept": "text/turtle"})
    assert isomorphic(parse(response.data, "turtle"), project_build.graphs["entities"])
    assert client.head("/graph/person/4.ttl").status_code == 404


@pytest.mark.parametrize(
    ("query", "status"), [("", 400), ("?default&graph=x", 400), ("?graph=http%3A%2F%2Fexample.org%2Fnone", 404)]
)
def test_graph_store_bad_requests(client: FlaskClient, query: str, status: int) -> None:
    response = client.get("/rdf-graph-store" + query)
    assert response.status_code == status and response.get_data(as_text=True).startswith(str(status))


@pytest.mark.parametrize("method", ["put", "post", "delete", "patch"])
@pytest.mark.parametrize("path", ["/rdf-graph-store?default", "/graph/asserted"])
def test_graph_store_writes_are_refused(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path, data="<a:b> <a:c> <a:d> .", content_type="application/n-triples")
    assert response.status_code == 403 and "read-only" in response.get_data(as_text=True)


def test_graph_page_for_browsers(client: FlaskClient) -> None:
    response = client.get("/graph/asserted", headers={"Accept": "text/html"})
    assert response.mimetype == "text/html" and "ai-seoul-summit-2024" in response.get_data(as_text=True)
