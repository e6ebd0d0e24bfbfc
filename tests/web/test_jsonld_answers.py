"""Every JSON-LD answer is compacted with the published context and parses back to its Turtle twin."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from govkg import jsonld
from govkg.formats import get
from govkg.load import parse_into

CONSTRUCT = quote("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH gkg:links { ?s ?p ?o } }")
PATHS = [
    "/sparql",
    "/.well-known/void",
    "/",
    f"/sparql?query={CONSTRUCT}",
    f"/sparql?query={quote('DESCRIBE gkd:france')}",
    "/download/links.jsonld",
    "/download/entities.jsonld",
    "/graph/asserted",
    "/rdf-graph-store?graph=" + quote("https://w3id.org/govkg/graph/links"),
]


def get_as(client: FlaskClient, path: str, media_type: str) -> bytes:
    """GET `path` (a dump path is mapped to the matching suffix instead of negotiated)."""
    if path.startswith("/download/"):
        suffix = get("turtle" if media_type == "text/turtle" else "json-ld").suffix
        path = path.rsplit(".", 1)[0] + suffix
    response = client.get(path, headers={"Accept": media_type})
    assert response.status_code == 200, (path, response.data[:200])
    assert response.mimetype == media_type
    return response.data


def test_the_context_is_published(client: FlaskClient) -> None:
    body = client.get("/context.jsonld").json
    assert body == {"@context": jsonld.context()}
    assert body["@context"]["gkd"] == "https://w3id.org/govkg/id/" and body["@context"]["wd"]


@pytest.mark.parametrize("path", PATHS)
def test_json_ld_uses_the_published_context_and_matches_turtle(client: FlaskClient, path: str) -> None:
    published = client.get("/context.jsonld").json["@context"]
    data = get_as(client, path, "application/ld+json")
    assert json.loads(data)["@context"] == published
    as_jsonld = parse_into(Graph(), data, get("json-ld"))
    as_turtle = Graph().parse(data=get_as(client, path, "text/turtle"), format="turtle")
    assert len(as_jsonld) > 0 and isomorphic(as_jsonld, as_turtle)


def test_the_whole_dataset_dump_round_trips(client: FlaskClient) -> None:
    union = parse_into(Graph(), client.get("/download/govkg.jsonld").data, get("json-ld"))
    quads = Dataset()
    quads.parse(data=client.get("/download/govkg.nq").data, format="nquads")
    expected = Graph()
    for graph in quads.graphs():
        expected += graph
    assert len(union) > 1000 and isomorphic(union, expected)
