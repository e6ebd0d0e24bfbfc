"""Dereferenceable IRIs: every IRI under the base answers as HTML and as RDF, on both engines."""

from __future__ import annotations

import html
import re
import urllib.request
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, PROV, RDF, RDFS
from werkzeug.test import TestResponse

from conftest import LiveServer
from govkg import formats, load
from govkg.build import Build
from govkg.engine import ENGINES
from govkg.namespaces import DEFAULT_BASE, GK, GKD, OA
from govkg.web import create_app

BASE = DEFAULT_BASE
RESOURCES = Path(__file__).parents[1] / "resources"
ALTERNATES = {"text/html": ".html", "text/turtle": ".ttl", "application/ld+json": ".jsonld",
              "application/n-triples": ".nt", "application/rdf+xml": ".rdf"}
SERVED_ELSEWHERE = ("graph/", "context.jsonld")  # fixed routes of other blueprints (Graph Store, JSON-LD context)


@pytest.fixture(scope="module")
def dataset_iris(built: Path) -> list[str]:
    """Every IRI under the base in the built dataset (subjects, predicates, objects, graph names), fragment
    stripped: the lead's link records and whatever else lands in the build are picked up here."""
    ds = Dataset()
    ds.parse(built, format="nquads")
    return sorted({str(t).partition("#")[0] for quad in ds.quads() for t in quad
                   if isinstance(t, URIRef) and str(t).startswith(BASE)})


def get(client: FlaskClient, path: str, accept: str) -> TestResponse:
    """GET `path` with an Accept header, following redirects."""
    return client.get(path, headers={"Accept": accept}, follow_redirects=True)


def twin(response: TestResponse) -> Graph:
    """The RDF of a response, parsed with no I/O (JSON-LD through govkg's context bundling)."""
    fmt = next(f for f in formats.FORMATS.values() if f.media_type == response.mimetype)
    return load.parse_into(Graph(), response.data, fmt)


def test_every_iri_under_the_base_resolves(client: FlaskClient, dataset_iris: list[str]) -> None:
    failures = [f"{iri}: {problem}" for iri in dataset_iris for problem in _problems(client, iri)]
    assert len(dataset_iris) > 400 and not failures, failures[:10]


def _problems(client: FlaskClient, iri: str) -> list[str]:
    """What is wrong with the HTML, Turtle and JSON-LD of one IRI: a status or type, a Turtle that does not
    mention the IRI, a JSON-LD that does not parse back (with no I/O) to a graph isomorphic to the Turtle."""
    path = "/" + iri[len(BASE):]
    answers = {accept: get(client, path, accept) for accept in ("text/html", "text/turtle", "application/ld+json")}
    if path[1:].startswith(SERVED_ELSEWHERE):  # other routes answer these, in the formats they offer
        return [f"{a}: {r.status_code}" for a, r in answers.items() if r.status_code != 200]
    wrong = [f"{a}: {r.status_code} {r.mimetype}" for a, r in answers.items()
             if (r.status_code, r.mimetype) != (200, a)]
    if wrong:
        return wrong
    turtle = Graph().parse(data=answers["text/turtle"].data, format="turtle")
    if (URIRef(iri), None, None) not in turtle and (None, None, URIRef(iri)) not in turtle:
        return ["the Turtle does not mention the IRI"]
    jsonld = answers["application/ld+json"]
    if not isinstance(jsonld.json["@context"], dict) or not _same(turtle, twin(jsonld)):
        return ["the JSON-LD is not the Turtle's graph with an embedded context"]
    return []


def _same(one: Graph, other: Graph) -> bool:
    """Graph isomorphism (equality of the triples when there are no blank nodes, much faster)."""
    blank = any(isinstance(t, BNode) for triple in one for t in triple)
    return isomorphic(one, other) if blank else set(one) == set(other)


@pytest.mark.parametrize("accept", list(ALTERNATES))
def test_negotiation_headers_and_suffixes(client: FlaskClient, accept: str) -> None:
    response = get(client, "/id/france", accept)
    assert response.status_code == 200 and response.mimetype == accept
    assert "Accept" in response.headers["Vary"]
    assert response.headers["Content-Location"] == "/id/france" + ALTERNATES[accept]
    links = dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', response.headers["Link"]))
    assert links == {"/id/france" + suffix: media for media, suffix in ALTERNATES.items()}
    by_suffix = client.get("/id/france" + ALTERNATES[accept])
    assert by_suffix.status_code == 200 and by_suffix.mimetype == accept and by_suffix.data == response.data
    by_parameter = client.get("/id/france", query_string={"format": accept})
    assert by_parameter.data == response.data


def test_rdf_keeps_the_canonical_iris_and_html_links_locally(client: FlaskClient) -> None:
    page = get(client, "/id/france", "text/html").get_data(as_text=True)
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert not [h for h in hrefs if h.startswith(BASE)]
    assert "/ontology#State" in hrefs and "/id/france.ttl" in hrefs
    assert '<link rel="alternate" type="text/turtle" href="/id/france.ttl"' in page
    graph = twin(get(client, "/id/france", "text/turtle"))
    assert (GKD.france, RDF.type, GK.State) in graph


def test_page_shows_labels_values_and_quotes_from_the_data(client: FlaskClient, project_build: Build) -> None:
    page = get(client, "/id/france", "text/html").get_data(as_text=True)
    entities = project_build.graphs["entities"]
    for label in entities.objects(GKD.france, RDFS.label):
        assert f'<span lang="{label.language}">{html.escape(str(label))}</span>' in page
    quotes = _quotes(project_build, GKD.france)
    assert quotes and all(html.escape(q) in page for q in quotes)


def _quotes(build: Build, iri: URIRef) -> list[str]:
    """What a page must show for each claim naming `iri`: «quote», file, characters start–end."""
    found = []
    for name, g in build.graphs.items():
        if not name.startswith("source/"):
            continue
        for claim in set(g.subjects(RDF.subject, iri)) | set(g.subjects(RDF.object, iri)):
            target = g.value(claim, OA.hasTarget)
            selectors = list(g.objects(target, OA.hasSelector))
            quote = next(g.value(s, OA.exact) for s in selectors if g.value(s, OA.exact) is not None)
            position = next(s for s in selectors if g.value(s, OA.start) is not None)
            document = build.graphs[name].value(g.value(claim, PROV.wasDerivedFrom),
                                                URIRef("http://purl.org/dc/terms/identifier"))
            found.append(f"«{quote}», {document}, characters {g.value(position, OA.start)}–{g.value(position, OA.end)}")
    return found


def test_inferred_facts_are_marked(client: FlaskClient, project_build: Build) -> None:
    page = get(client, "/id/france", "text/html").get_data(as_text=True)
    inferred = [o for p, o in project_build.graphs["inferred"].predicate_objects(GKD.france)
                if p != RDF.type and isinstance(o, URIRef) and o.startswith(BASE + "id/")]
    assert inferred
    for value in inferred:
        assert f'<li class="inferred"><a href="/{value[len(BASE):]}"' in page


def test_ontology_terms_resolve_to_their_definitions(client: FlaskClient, project_build: Build) -> None:
    ontology = project_build.graphs["ontology"]
    terms = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(str(GK))}
    page = get(client, "/ontology", "text/html").get_data(as_text=True)
    assert len(terms) > 50
    assert [t for t in terms if f'<section id="{t[len(str(GK)):]}">' not in page] == []
    for label in ontology.objects(GK.State, RDFS.label):
        assert html.escape(str(label)) in page
    version = ontology.value(URIRef(BASE + "ontology"), OWL.versionIRI)
    versioned = get(client, "/" + version[len(BASE):], "text/turtle")
    assert versioned.data == get(client, "/ontology", "text/turtle").data
    described = twin(get(client, "/ontology", "text/turtle"))
    stated = {t for t in ontology if str(t[0]).startswith(BASE + "ontology") and not isinstance(t[2], BNode)}
    assert stated <= set(described)


@pytest.mark.parametrize("path", ["/id/nothing-here", "/id/france/extra", "/nothing", "/id/nothing.ttl",
                                  "/id/france%3E", "/http:/evil.example/x", "/id/fr%20ance"])
def test_unknown_iris_are_404(client: FlaskClient, path: str) -> None:
    text = client.get(path)
    assert text.status_code == 404 and text.mimetype == "text/plain"
    assert text.get_data(as_text=True).count("\n") == 1 and "Location" not in text.headers
    page = client.get(path, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.mimetype == "text/html" and "<h1>" in page.get_data(as_text=True)


def test_no_open_redirect(client: FlaskClient) -> None:
    response = client.get("/id/france?iri=https://evil.example/")
    assert response.status_code == 200 and "Location" not in response.headers
    assert "evil.example" not in response.get_data(as_text=True)


def test_head_not_acceptable_and_conditional(client: FlaskClient) -> None:
    head = client.head("/id/france", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.data == b"" and head.headers["Content-Location"] == "/id/france.ttl"
    assert client.get("/id/france", headers={"Accept": "image/png"}).status_code == 406
    etag = head.headers["ETag"]
    again = client.get("/id/france", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304


def test_dataset_iri_sees_the_void_description(client: FlaskClient) -> None:
    response = client.get("/dataset")
    assert response.status_code == 303 and response.headers["Location"].endswith("/.well-known/void")
    void = get(client, "/dataset", "text/turtle")
    assert (URIRef(BASE + "dataset"), RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in twin(void)


@pytest.fixture(scope="module", params=sorted(ENGINES))
def hostile(request: pytest.FixtureRequest) -> Flask:
    """An app serving only a graph of hostile data, once per engine."""
    graph = f"{BASE}graph/hostile={RESOURCES / 'hostile.ttl'}"
    return create_app({"PROJECT": False, "GRAPHS": [graph], "ENGINE": request.param, "TESTING": True})


def test_hostile_data_is_escaped_and_never_linked(hostile: Flask) -> None:
    page = get(hostile.test_client(), "/id/evil", "text/html").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page
    assert not re.search(r'href="\s*(javascript|file):', page)
    assert "Wikidata" in page  # the external links section is there


def test_iris_follow_the_configured_base(tmp_path: Path) -> None:
    base = "http://example.org/kg/"
    data = tmp_path / "thing.ttl"
    data.write_text(f'<{base}id/thing> <{RDFS.label}> "thing"@en ; <{RDFS.seeAlso}> <{base}id/other> .\n'
                    f'<{base}id/other> <{RDFS.label}> "other"@en .\n')
    client = create_app({"PROJECT": False, "GRAPHS": [f"{base}graph/test={data}"], "BASE_IRI": base}).test_client()
    page = get(client, "/id/thing", "text/html").get_data(as_text=True)
    assert 'href="/id/other"' in page and "/id/thing.ttl" in page
    assert (URIRef(base + "id/thing"), RDFS.label, None) in twin(get(client, "/id/thing", "text/turtle"))
    assert client.get("/id/france").status_code == 404


def test_a_live_server_serves_the_iris_locally(live: LiveServer) -> None:
    url = live.url
    request = urllib.request.Request(url + "/id/france", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        page = response.read().decode("utf-8")
    target = re.search(r'href="(/id/(?!france)[^".#]+)"', page)  # a neighbour, not a variant of this page
    assert target is not None
    request = urllib.request.Request(url + target.group(1), headers={"Accept": "text/turtle"})
    with urllib.request.urlopen(request, timeout=10) as response:
        graph = Graph().parse(data=response.read(), format="turtle")
        assert response.headers["Content-Location"] == target.group(1) + ".ttl"
    assert (URIRef(BASE + target.group(1)[1:]), None, None) in graph


def test_catalogue_of_entities(client: FlaskClient, project_build: Build) -> None:
    entities = {s for s in project_build.graphs["entities"].subjects(RDF.type, None) if s.startswith(BASE + "id/")}
    page = get(client, "/id/", "text/html").get_data(as_text=True)
    assert [e for e in entities if f'href="/{e[len(BASE):]}"' not in page] == []
    turtle = get(client, "/id/", "text/turtle")
    assert turtle.headers["Content-Location"] == "/id/?format=turtle"
    assert entities <= set(twin(turtle).subjects(RDF.type, None))
    home = get(client, "/", "text/html").get_data(as_text=True)
    assert 'href="/id/"' in home and 'href="/ontology"' in home
