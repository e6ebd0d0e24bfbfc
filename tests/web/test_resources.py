"""Dereferenceable IRIs: every IRI under the base answers as HTML and as RDF, on both engines."""

from __future__ import annotations

import html
import re
import urllib.request
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import OWL, PROV, RDF, RDFS
from rdflib.term import Node
from werkzeug.test import TestResponse

from conftest import LiveServer, start_server
from govkg import formats, load
from govkg.build import Build
from govkg.engine import FILE_ENGINES
from govkg.namespaces import DEFAULT_BASE, GK, GKD, OA
from govkg.pages import description as resource
from govkg.pages import model as page_model
from govkg.web import DEFAULTS, ConfigError, create_app
from govkg.web import resources as resources_blueprint

BASE = DEFAULT_BASE
RESOURCES = Path(__file__).parents[1] / "resources"
ALTERNATES = {
    "text/html": ".html",
    "text/turtle": ".ttl",
    "application/ld+json": ".jsonld",
    "application/n-triples": ".nt",
    "application/rdf+xml": ".rdf",
}
SERVED_ELSEWHERE = ("graph/", "context.jsonld")  # fixed routes of other blueprints (Graph Store, JSON-LD context)


@pytest.fixture(scope="module")
def built_dataset(built: Path) -> Dataset:
    """The built dataset, parsed independently of the engines."""
    ds = Dataset()
    ds.parse(built, format="nquads")
    return ds


@pytest.fixture(scope="module")
def dataset_iris(built_dataset: Dataset) -> list[str]:
    """Every IRI under the base in the built dataset (subjects, predicates, objects, graph names), fragment
    stripped: the lead's link records and whatever else lands in the build are picked up here."""
    return sorted(
        {
            str(t).partition("#")[0]
            for quad in built_dataset.quads()
            for t in quad
            if isinstance(t, URIRef) and str(t).startswith(BASE)
        }
    )


@pytest.fixture(scope="module")
def one_of_each_kind(built_dataset: Dataset, dataset_iris: list[str]) -> list[str]:
    """One IRI of every kind (the middle one of each in IRI order): a kind is the first path segment, the number
    of segments, whether the IRI has fragments and its smallest stated class. Entities of every class, claims,
    documents, sentences, page chrome, link records, the reference table, the ontology and its version, graphs."""
    inferred = URIRef(BASE + "graph/inferred")
    stated: dict[str, set[str]] = {}
    for s, _, o, g in built_dataset.quads((None, RDF.type, None, None)):
        if g != inferred:
            stated.setdefault(str(s), set()).add(str(o))
    owners = {
        str(t).partition("#")[0] for quad in built_dataset.quads() for t in quad if isinstance(t, URIRef) and "#" in t
    }
    kinds: dict[tuple[str, int, bool, str], list[str]] = {}
    for iri in dataset_iris:
        segments = iri[len(BASE) :].split("/")
        kinds.setdefault((segments[0], len(segments), iri in owners, min(stated.get(iri, {""}))), []).append(iri)
    return [members[len(members) // 2] for _, members in sorted(kinds.items())]


def get(client: FlaskClient, path: str, accept: str) -> TestResponse:
    """GET `path` with an Accept header, following redirects."""
    return client.get(path, headers={"Accept": accept}, follow_redirects=True)


def twin(response: TestResponse) -> Graph:
    """The RDF of a response, parsed with no I/O (JSON-LD through govkg's context bundling)."""
    fmt = next(f for f in formats.FORMATS.values() if f.media_type == response.mimetype)
    return load.parse_into(Graph(), response.data, fmt)


def test_every_iri_under_the_base_resolves(app: Flask, dataset_iris: list[str], one_of_each_kind: list[str]) -> None:
    # Every IRI on the default engine; one of each kind on the other, where only the queries differ (the whole
    # sweep costs some 20 s there, most of it serialising and parsing back, the same on both).
    iris = dataset_iris if app.config["ENGINE"] == DEFAULTS["ENGINE"] else one_of_each_kind
    failures = [f"{iri}: {problem}" for iri in iris for problem in _problems(app.test_client(), iri)]
    assert len(dataset_iris) > 400 and len(one_of_each_kind) > 40 and not failures, failures[:10]
    assert {iri[len(BASE) :].split("/")[0] for iri in one_of_each_kind} == {
        iri[len(BASE) :].split("/")[0] for iri in dataset_iris
    }


def _problems(client: FlaskClient, iri: str) -> list[str]:
    """What is wrong with the HTML, Turtle and JSON-LD of one IRI: a status or type, a Turtle that does not
    mention the IRI, a JSON-LD that does not parse back (with no I/O) to a graph isomorphic to the Turtle."""
    path = "/" + iri[len(BASE) :]
    answers = {accept: get(client, path, accept) for accept in ("text/html", "text/turtle", "application/ld+json")}
    if path[1:].startswith(SERVED_ELSEWHERE):  # other routes answer these, in the formats they offer
        return [f"{a}: {r.status_code}" for a, r in answers.items() if r.status_code != 200]
    wrong = [
        f"{a}: {r.status_code} {r.mimetype}" for a, r in answers.items() if (r.status_code, r.mimetype) != (200, a)
    ]
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
    assert by_suffix.status_code == 200 and by_suffix.mimetype == accept
    assert _unswitched(by_suffix.data) == _unswitched(response.data)
    by_parameter = client.get("/id/france", query_string={"format": accept})
    assert _unswitched(by_parameter.data) == _unswitched(response.data)


def _unswitched(page: bytes) -> bytes:
    """A page without its language switch (a link to the very URL it was asked by, which differs here)."""
    return re.sub(rb'<a class="switch" href="[^"]*"', b"", page)


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
    title = next(str(label) for label in entities.objects(GKD.france, RDFS.label) if label.language == "en")
    assert f"<h1>{html.escape(title)}</h1>" in page  # the label in the page's language; others beside it if different
    for label in entities.objects(GKD.france, RDFS.label):
        assert str(label) == title or f'<span lang="{label.language}">{html.escape(str(label))}</span>' in page
    quotes = _quotes(project_build, GKD.france)
    assert quotes and [q for q in quotes if q not in page] == []


def _quotes(build: Build, iri: URIRef) -> list[str]:
    """What a page must show for each claim naming `iri`: the quote marked, its characters start–end and the name
    of its document."""
    found = []
    for name, g in build.graphs.items():
        if not name.startswith("source/"):
            continue
        for claim in set(g.subjects(RDF.subject, iri)) | set(g.subjects(RDF.object, iri)):
            target = g.value(claim, OA.hasTarget)
            selectors = list(g.objects(target, OA.hasSelector))
            quote = next(g.value(s, OA.exact) for s in selectors if g.value(s, OA.exact) is not None)
            position = next(s for s in selectors if g.value(s, OA.start) is not None)
            labels = build.graphs["entities"].objects(g.value(claim, PROV.wasDerivedFrom), RDFS.label)
            document = next(label for label in labels if isinstance(label, Literal) and label.language == "en")
            found.append(f"<mark>{escape(quote)}</mark>")
            found.append(f"characters {g.value(position, OA.start)}–{g.value(position, OA.end)}")
            found.append(f">{escape(document)}</a>")
    return found


def test_inferred_facts_are_marked(client: FlaskClient, project_build: Build) -> None:
    page = get(client, "/id/france", "text/html").get_data(as_text=True)
    inferred = [
        o
        for p, o in project_build.graphs["inferred"].predicate_objects(GKD.france)
        if p != RDF.type and isinstance(o, URIRef) and o.startswith(BASE + "id/")
    ]
    assert inferred
    for value in inferred:
        assert f'<li class="inferred"><a href="/{value[len(BASE) :]}"' in page


def test_ontology_terms_resolve_to_their_definitions(client: FlaskClient, project_build: Build) -> None:
    ontology = project_build.graphs["ontology"]
    terms = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(str(GK))}
    page = get(client, "/ontology", "text/html").get_data(as_text=True)
    assert len(terms) > 50
    assert [t for t in terms if f'<section id="{t[len(str(GK)) :]}">' not in page] == []
    for label in ontology.objects(GK.State, RDFS.label):
        assert html.escape(str(label)) in page
    version = ontology.value(URIRef(BASE + "ontology"), OWL.versionIRI)
    versioned = get(client, "/" + version[len(BASE) :], "text/turtle")
    assert versioned.data == get(client, "/ontology", "text/turtle").data
    described = twin(get(client, "/ontology", "text/turtle"))
    stated = {t for t in ontology if str(t[0]).startswith(BASE + "ontology") and not isinstance(t[2], BNode)}
    assert stated <= set(described)


@pytest.mark.parametrize(
    "path",
    [
        "/id/nothing-here",
        "/id/france/extra",
        "/nothing",
        "/id/nothing.ttl",
        "/id/france%3E",
        "/http:/evil.example/x",
        "/id/fr%20ance",
    ],
)
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


@pytest.mark.parametrize("app", [DEFAULTS["ENGINE"]], indirect=True)  # the language does not depend on the engine
def test_a_page_in_one_language_does_not_validate_the_other(client: FlaskClient) -> None:
    """A cache holding the English page must not be told that it is also the French one (a 304 would serve it)."""
    for path in ("/id/france", "/source/000_dd5d7c617b960d8b"):
        english = client.get(path, headers={"Accept": "text/html", "Accept-Language": "en"})
        french = client.get(path, headers={"Accept": "text/html", "Accept-Language": "fr"})
        assert english.headers["ETag"] != french.headers["ETag"]
        asked = {"Accept": "text/html", "Accept-Language": "fr", "If-None-Match": english.headers["ETag"]}
        assert client.get(path, headers=asked).status_code == 200
        asked["If-None-Match"] = french.headers["ETag"]
        assert client.get(path, headers=asked).status_code == 304


def test_dataset_iri_sees_the_void_description(client: FlaskClient) -> None:
    response = client.get("/dataset")
    assert response.status_code == 303 and response.headers["Location"].endswith("/.well-known/void")
    void = get(client, "/dataset", "text/turtle")
    assert (URIRef(BASE + "dataset"), RDF.type, URIRef("http://rdfs.org/ns/void#Dataset")) in twin(void)


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
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


def _closure(graph: Graph, subject: Node) -> Graph:
    """The triples of `subject` and of every blank node reached from it through blank nodes (a Concise Bounded
    Description without reification), computed from the data file rather than by govkg.pages.description."""
    closure, todo, seen = Graph(), [subject], {subject}
    while todo:
        for s, p, o in graph.triples((todo.pop(), None, None)):
            closure.add((s, p, o))
            if isinstance(o, BNode) and o not in seen:
                seen.add(o)
                todo.append(o)
    return closure


def test_blank_nodes_are_written_once_whatever_their_shape(hostile: Flask) -> None:
    data = Graph().parse(RESOURCES / "hostile.ttl")
    tangle = _closure(data, GKD.tangle)
    page = get(hostile.test_client(), "/id/tangle", "text/html").get_data(as_text=True)
    anchors = re.findall(r'id="(_:b\d+)"', page)
    written = {s for s in tangle.subjects() if isinstance(s, BNode) and (None, RDF.rest, s) not in tangle}
    mentions = [o for _, p, o in tangle if isinstance(o, BNode) and p != RDF.rest]  # a list is written whole
    assert len(anchors) == len(set(anchors)) == len(written)  # each blank node once, lists as one
    back = re.findall(r'href="#(_:b\d+)"', page)
    assert len(back) == len(mentions) - len(written) > 0 and set(back) <= set(anchors)  # the others link back
    assert page.count(">rdfs:seeAlso</a>") == len(set(tangle.subjects(RDFS.seeAlso)))  # no fact twice
    items = Collection(data, data.value(GKD.tangle, RDF.value))
    assert re.findall(r'<span class="literal">(\d+)</span>', page) == [str(i) for i in items if isinstance(i, Literal)]


def test_the_rdf_of_blank_nodes_is_their_closure(hostile: Flask) -> None:
    expected = _closure(Graph().parse(RESOURCES / "hostile.ttl"), GKD.tangle)
    for accept in ("text/turtle", "application/ld+json", "application/n-triples"):
        assert isomorphic(twin(get(hostile.test_client(), "/id/tangle", accept)), expected), accept


def test_blank_nodes_nested_too_deeply_are_cut(hostile: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    chain = {s for s in _closure(Graph().parse(RESOURCES / "hostile.ttl"), GKD.deep).subjects() if isinstance(s, BNode)}
    client = hostile.test_client()
    described = {s for s in twin(get(client, "/id/deep", "text/turtle")).subjects() if isinstance(s, BNode)}
    assert len(chain) > len(described) == resource.MAX_BLANK_DEPTH
    page = get(client, "/id/deep", "text/html").get_data(as_text=True)
    assert len(re.findall(r'id="_:b\d+"', page)) == len(described) and "[ … ]" in page
    monkeypatch.setattr(resources_blueprint, "Written", partial(page_model.Written, depth=3))  # the page's own bound
    page = get(client, "/id/deep", "text/html").get_data(as_text=True)
    assert len(re.findall(r'id="_:b\d+"', page)) == 3 and "[ … ]" in page


def test_iris_follow_the_configured_base(tmp_path: Path) -> None:
    base = "http://example.org/kg/"
    data = tmp_path / "thing.ttl"
    data.write_text(
        f'<{base}id/thing> <{RDFS.label}> "thing"@en ; <{RDFS.seeAlso}> <{base}id/other> .\n'
        f'<{base}id/other> <{RDFS.label}> "other"@en .\n'
    )
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
    assert [e for e in entities if f'href="/{e[len(BASE) :]}"' not in page] == []
    turtle = get(client, "/id/", "text/turtle")
    assert turtle.headers["Content-Location"] == "/id/?format=turtle"
    assert entities <= set(twin(turtle).subjects(RDF.type, None))
    home = get(client, "/", "text/html").get_data(as_text=True)
    assert 'href="/id/"' in home and 'href="/ontology"' in home


PERCENT = RESOURCES / "percent.ttl"


def _percent_iris() -> list[str]:
    """The IRIs of the percent-encoding data file."""
    return sorted(str(s) for s in set(Graph().parse(PERCENT).subjects()))


def _sent(iri: str) -> str:
    """The path a browser sends for an IRI under the base: its characters beyond ASCII percent-encoded as UTF-8
    (RFC 3987 §3.1), everything else, `%` included, as written."""
    return "/" + quote(iri[len(BASE) :], safe="/%")


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def percent(request: pytest.FixtureRequest) -> Flask:
    """An app serving the IRIs of percent.ttl, once per engine."""
    return create_app(
        {"PROJECT": False, "GRAPHS": [f"{BASE}graph/percent={PERCENT}"], "ENGINE": request.param, "TESTING": True}
    )


def test_iris_holding_percent_encoding_resolve(percent: Flask) -> None:
    client = percent.test_client()
    for iri in _percent_iris():
        for path in dict.fromkeys((_sent(iri), "/" + iri[len(BASE) :])):  # as a browser sends it; as written
            response = get(client, path, "text/turtle")
            assert response.status_code == 200, path
            assert response.headers["Content-Location"] == _sent(iri) + ".ttl"
            assert (URIRef(iri), RDFS.label, None) in twin(response)
    page = get(client, _sent(BASE + "id/a%20b"), "text/html").get_data(as_text=True)
    assert {f'href="{_sent(iri)}"' for iri in _percent_iris() if not iri.endswith("a%20b")} <= set(
        re.findall(r'href="[^"]*"', page)
    )


@pytest.mark.parametrize("path", ["/id/a b", "/id/a/b", "/id/a%2fb", "/id/100%", "/id/%C3%A9t%C3%A9%20"])
def test_paths_that_decode_to_an_iri_do_not_name_it(percent: Flask, path: str) -> None:
    assert percent.test_client().get(path).status_code == 404


@pytest.mark.parametrize("engine", sorted(FILE_ENGINES))
def test_what_is_not_an_iri_is_never_served(tmp_path: Path, engine: str) -> None:
    """Both engines read files with Oxigraph's parser, which refuses `<…a b>`: such data is never loaded, so no page
    (and no `<…a%20b>` page) can stand for it; the server does not start, with one line naming the file."""
    data = tmp_path / "space.ttl"
    data.write_text(f'<{BASE}id/x> <{RDFS.seeAlso}> <{BASE}id/a b> .\n<{BASE}id/a b> <{RDFS.label}> "a b"@en .\n')
    with pytest.raises(ConfigError, match=r"space\.ttl: .*IRI") as caught:
        create_app({"PROJECT": False, "GRAPHS": [f"{BASE}graph/space={data}"], "ENGINE": engine, "TESTING": True})
    assert "\n" not in str(caught.value)


@pytest.fixture(scope="module", params=["werkzeug", "gunicorn", "granian"])
def percent_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """`govkg serve` over percent.ttl alone, under each WSGI server (they keep the raw path in different keys;
    granian keeps none: the decoded path is quoted again)."""
    production = [] if request.param == "werkzeug" else ["--production", "--workers", "1", "--threads", "2"]
    production += ["--server", "granian"] if request.param == "granian" else []
    server = start_server("--no-project", "--graph", f"{BASE}graph/percent={PERCENT}", *production)
    yield server
    server.stop()


def test_a_live_server_reads_the_path_as_sent(percent_server: LiveServer) -> None:
    for iri in _percent_iris():
        request = urllib.request.Request(percent_server.url + _sent(iri), headers={"Accept": "text/turtle"})
        if "%2F" in iri and "granian" in percent_server.process.args:  # type: ignore[operator]
            with pytest.raises(urllib.error.HTTPError, match="404"):  # no raw path from granian: %2F reads as /
                urllib.request.urlopen(request, timeout=10)
            continue
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Location"] == _sent(iri) + ".ttl"
            assert (URIRef(iri), RDFS.label, None) in Graph().parse(data=response.read(), format="turtle")


QUADS = [
    ("/id/france.nq", "*/*", "/id/france.ttl"),
    ("/id/france", "application/n-quads", "/id/france.ttl"),
    ("/id/?format=nquads", "*/*", "/id/?format=turtle"),
    ("/id/france.trig", "*/*", "/id/france.ttl"),
    ("/id/france", "application/trig", "/id/france.ttl"),
    ("/ontology?format=trig", "*/*", "/ontology.ttl"),
]


@pytest.mark.parametrize(("path", "accept", "turtle"), QUADS)
def test_quad_formats_hold_the_description_as_the_default_graph(
    client: FlaskClient, path: str, accept: str, turtle: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200 and b"urn:x-rdflib" not in response.data
    ds = Dataset()
    ds.parse(
        data=response.data, format=next(f.rdflib for f in formats.FORMATS.values() if f.media_type == response.mimetype)
    )
    assert [g.identifier for g in ds.graphs() if len(g) and g.identifier != DATASET_DEFAULT_GRAPH_ID] == []
    assert _same(twin(client.get(turtle)), ds.default_graph)


def test_without_the_raw_path_the_decoded_one_is_quoted_again(percent: Flask) -> None:
    client = percent.test_client()
    for raw in ("", "/a/path/a/proxy/rewrote"):  # a WSGI server that keeps no raw target; one PATH_INFO disowns
        overrides = {"RAW_URI": raw, "REQUEST_URI": raw}
        for iri in _percent_iris():
            response = client.get(_sent(iri), headers={"Accept": "text/turtle"}, environ_overrides=overrides)
            assert response.status_code == (404 if "%2F" in iri else 200), iri  # %2F reads as /: the one loss


def test_an_iri_whose_local_part_starts_with_a_slash_is_not_made_a_link_to_another_site(app: Flask) -> None:
    """<base>/host/x would be "//host/x" locally, a link to another site: it links as the IRI it is."""
    with app.test_request_context("/"):
        for odd in (BASE + "/evil.example/x", BASE + "//evil.example/x"):
            assert resources_blueprint.href(URIRef(odd), BASE) == odd
        assert resources_blueprint.href(URIRef(BASE + "id/france"), BASE) == "/id/france"
        assert resources_blueprint.href(URIRef(BASE + "id/\\evil.example"), BASE) is None  # not an IRI: no page
