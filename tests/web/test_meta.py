"""Service description, VoID, home page, health: truthful figures, every page with a machine twin."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, VOID

from govkg.build import Build
from govkg.namespaces import graph_iri
from govkg.pages.service import ENT, SD
from govkg.web import create_app


def turtle(client: FlaskClient, path: str) -> Graph:
    """GET `path` as Turtle and parse it."""
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    return Graph().parse(data=response.data, format="turtle")


def test_service_description_is_truthful(client: FlaskClient, project_build: Build) -> None:
    sd = turtle(client, "/sparql")
    service = next(sd.subjects(RDF.type, SD.Service))
    assert sd.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    assert set(sd.objects(service, SD.supportedLanguage)) == {SD.SPARQL10Query, SD.SPARQL11Query}
    assert set(sd.objects(service, SD.feature)) == {SD.UnionDefaultGraph, SD.BasicFederatedQuery}  # SERVICE allowlist
    assert not set(sd.objects(service, SD.inputFormat))  # nothing is ever loaded through the protocol
    assert len(set(sd.objects(service, SD.resultFormat))) == 10
    named = {
        str(sd.value(node, SD.name)): int(sd.value(sd.value(node, SD.graph), VOID.triples))
        for node in sd.subjects(RDF.type, SD.NamedGraph)
    }
    assert named == {graph_iri(n): len(g) for n, g in project_build.graphs.items()}
    regimes = {
        str(sd.value(node, SD.name)): sd.value(node, SD.entailmentRegime)
        for node in sd.subjects(RDF.type, SD.NamedGraph)
    }
    assert regimes.pop(graph_iri("inferred")) == ENT["OWL-RDF-Based"]
    assert set(regimes.values()) == {ENT.Simple}
    default = next(sd.objects(None, SD.defaultGraph))
    distinct = set().union(*(set(g) for g in project_build.graphs.values()))
    assert int(sd.value(default, VOID.triples)) == len(distinct)


def test_service_description_for_browsers_has_a_query_form(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "<form" in page
    # Terms show as prefixed names, each linked to (and titled with) its full IRI.
    assert '<a href="http://www.w3.org/ns/sparql-service-description#endpoint"' in page and ">sd:endpoint</a>" in page


@pytest.mark.parametrize("fmt", ["json-ld", "nt", "rdfxml", "trig", "nquads"])
def test_service_description_in_every_rdf_format(client: FlaskClient, fmt: str) -> None:
    response = client.get(f"/sparql?format={fmt}")
    assert response.status_code == 200
    assert "Accept" in response.headers["Vary"]


def test_void_counts_match_the_build(client: FlaskClient, project_build: Build) -> None:
    void = turtle(client, "/.well-known/void")
    dataset = URIRef("https://w3id.org/govkg/dataset")
    distinct = set().union(*(set(g) for g in project_build.graphs.values()))
    assert int(void.value(dataset, VOID.triples)) == len(distinct)
    assert int(void.value(dataset, VOID.properties)) == len({p for _, p, _ in distinct})
    assert int(void.value(dataset, VOID.classes)) == len({o for _, p, o in distinct if p == RDF.type})
    entities = {s for s, _, _ in distinct if isinstance(s, URIRef) and s.startswith("https://w3id.org/govkg/")}
    assert int(void.value(dataset, VOID.entities)) == len(entities)
    assert void.value(dataset, VOID.sparqlEndpoint) == URIRef("http://localhost/sparql")
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/license"))
    dumps = {str(o) for o in void.objects(dataset, VOID.dataDump)}
    assert "http://localhost/download/govkg.nq" in dumps and len(dumps) == 6
    subsets = {
        str(s): int(void.value(s, VOID.triples))
        for s in void.objects(dataset, VOID.subset)
        if (s, RDF.type, VOID.Dataset) in void
    }
    assert subsets == {graph_iri(n): len(g) for n, g in project_build.graphs.items()}


def test_void_describes_the_linksets_of_the_link_graph(client: FlaskClient, project_build: Build) -> None:
    links = project_build.graphs["links"]
    expected: dict[tuple[URIRef, URIRef], int] = {}
    for s, p, o in links:
        if str(s).startswith("https://w3id.org/govkg/id/") and isinstance(o, URIRef) and "w3id.org/govkg" not in o:
            site = URIRef("{0.scheme}://{0.netloc}/".format(urlsplit(str(o))))
            expected[(p, site)] = expected.get((p, site), 0) + 1
    void = turtle(client, "/.well-known/void")
    found = {
        (void.value(ls, VOID.linkPredicate), void.value(ls, VOID.objectsTarget)): void.value(
            ls, VOID.triples
        ).toPython()
        for ls in void.subjects(RDF.type, VOID.Linkset)
    }
    assert found == expected
    assert {site for _, site in expected} == {
        URIRef("http://www.wikidata.org/"),
        URIRef("http://dbpedia.org/"),
        URIRef("https://www.iso.org/"),
    }
    wikidata = URIRef("http://www.wikidata.org/")
    assert void.value(wikidata, VOID.sparqlEndpoint) == URIRef("https://query.wikidata.org/sparql")
    assert str(void.value(wikidata, VOID.uriSpace)) == "http://www.wikidata.org/entity/"


def test_home_page_and_its_twin(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "/sparql" in page.get_data(as_text=True)
    twin = turtle(client, "/")
    assert (URIRef("https://w3id.org/govkg/dataset"), RDF.type, VOID.Dataset) in twin


def test_health(client: FlaskClient, project_build: Build) -> None:
    body = client.get("/health").json
    assert body["status"] == "ok" and body["graphs"] == len(project_build.graphs)
    assert body["engine"] in ("oxigraph", "rdflib")


def test_unknown_path_is_a_one_line_404(client: FlaskClient) -> None:
    response = client.get("/nothing/here")
    assert response.status_code == 404 and response.get_data(as_text=True).count("\n") == 1


def test_literal_of_a_known_graph_count(client: FlaskClient, project_build: Build) -> None:
    sd = turtle(client, "/sparql")
    assert (None, VOID.triples, Literal(len(project_build.graphs["asserted"]))) in sd


def test_linkset_counts_are_distinct_triples(built: Path, tmp_path: Path, project_build: Build) -> None:
    extra = tmp_path / "extra.nt"
    same_as, q17 = "<http://www.w3.org/2002/07/owl#sameAs>", "<http://www.wikidata.org/entity/Q17>"
    extra.write_text(
        f"<https://w3id.org/govkg/id/japan> {same_as} {q17} .\n"  # also in the links graph: once
        f"<https://w3id.org/govkg/id/nippon> {same_as} {q17} .\n"
    )  # another subject, same item
    app = create_app({"DATASET": str(built), "GRAPHS": [f"https://w3id.org/govkg/graph/extra={extra}"]})
    void = turtle(app.test_client(), "/.well-known/void")
    wikidata = URIRef("http://www.wikidata.org/")
    count = next(
        void.value(ls, VOID.triples).toPython()
        for ls in void.subjects(RDF.type, VOID.Linkset)
        if void.value(ls, VOID.linkPredicate) == OWL.sameAs and void.value(ls, VOID.objectsTarget) == wikidata
    )
    stated = {(s, o) for s, o in project_build.graphs["links"].subject_objects(OWL.sameAs) if o.startswith(wikidata)}
    assert count == len(stated) + 1
