"""The home page (what the graph holds, entry points, sources, figures, a search box), its JSON summary, and the
"about the data" page reading out the VoID: every figure checked against the build, in both languages."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from govkg import __version__
from govkg.build import Build
from govkg.namespaces import GK, GKD, SCHEMA
from govkg.pages.home import PART_DEPTH
from govkg.web import create_app

HTML = {"Accept": "text/html"}
ONE = pytest.mark.parametrize("app", ["oxigraph"], indirect=True)  # the engines agree on counts (conformance suite)
NAMES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


@pytest.fixture(scope="module")
def union(project_build: Build) -> Graph:
    """Every named graph's triples, read from the build (not through the app)."""
    merged = Graph()
    for graph in project_build.graphs.values():
        merged += graph
    return merged


def members(union: Graph, cls: URIRef) -> set[URIRef]:
    """The named entities (under id/) of a class, as the build states them (inferred types included)."""
    return {
        s
        for s in union.subjects(RDF.type, cls)
        if isinstance(s, URIRef) and s.startswith(str(GKD)) and any(union.objects(s, p) for p in NAMES)
    }


def label(union: Graph, node: URIRef, lang: str) -> str:
    """The node's rdfs:label in `lang`."""
    return next(str(o) for o in union.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == lang)


def page(client: FlaskClient, path: str, **headers: str) -> str:
    """An HTML page's main content, checked to be a 200 HTML answer."""
    response = client.get(path, headers={**HTML, **headers})
    assert response.status_code == 200 and response.mimetype == "text/html", path
    text = response.get_data(as_text=True)
    return text[text.index("<main") : text.index("</main>")]


@ONE
def test_summary_counts_come_from_the_graph(client: FlaskClient, project_build: Build, union: Graph) -> None:
    summary = client.get("/summary.json").json
    distinct = set().union(*(set(g) for g in project_build.graphs.values()))
    assert summary["figures"]["triples"] == len(distinct)
    assert summary["figures"]["graphs"] == len(project_build.graphs)
    for key, cls in (("claims", GK.Claim), ("sentences", GK.Sentence), ("disagreements", GK.Disagreement)):
        assert summary["figures"][key] == len(set(union.subjects(RDF.type, cls))), key
    kinds = {k["id"]: k for k in summary["kinds"]}
    assert [*kinds] == ["Actor", "Event", "Instrument", "Commitment"]
    for kind in kinds:
        assert kinds[kind]["count"] == len(members(union, GK[kind])), kind
    actors = {k["id"]: k["count"] for k in kinds["Actor"]["kinds"]}
    assert actors["State"] == len(members(union, GK.State)) and actors["Company"] == len(members(union, GK.Company))
    assert sum(actors.values()) >= kinds["Actor"]["count"]  # every actor under at least one kind
    entries = {e["id"]: {i["iri"] for i in e["items"]} for e in summary["entries"]}
    assert entries["State"] == {str(s) for s in members(union, GK.State)}
    assert entries["Instrument"] == {str(s) for s in members(union, GK.Instrument)}
    assert summary["version"] == __version__ and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", summary["built"]
    )
    docs = {d["iri"]: d for d in summary["documents"]}
    assert set(docs) == {str(s) for s in union.subjects(RDF.type, GK.SourceDocument)}
    for iri, doc in docs.items():
        assert doc["issued"] == (str(union.value(URIRef(iri), DCTERMS.issued) or "") or None)
        assert str(union.value(URIRef(iri), DCTERMS.language)).endswith("/" + doc["language"])


@ONE
def test_home_page_has_the_search_box_kinds_entries_and_sources(client: FlaskClient, union: Graph) -> None:
    main = page(client, "/")
    assert re.search(r'<form class="search" role="search" method="get" action="/search"', main)
    assert 'name="q"' in main and 'role="combobox"' in main
    for state in members(union, GK.State):
        assert f'<a href="/id/{state.removeprefix(str(GKD))}">{html.escape(label(union, state, "en"))}</a>' in main
    for doc in union.subjects(RDF.type, GK.SourceDocument):
        assert f'href="{doc.removeprefix("https://w3id.org/govkg")}"' in main
    assert "French" in main and __version__ in main and 'href="/sparql"' in main and 'href="/about"' in main
    assert f'<h3><span class="count">{len(members(union, GK.Actor))}</span> Actors</h3>' in main
    assert f'href="/id/#gk:State">sovereign state</a> <span class="count">{len(members(union, GK.State))}<' in main
    full = client.get("/", headers=HTML).get_data(as_text=True)
    for twin in ('href="/?format=turtle"', 'href="/summary.json"'):
        assert twin in full  # the machine twins, in the footer and as <link rel="alternate">


@ONE
def test_the_series_lists_its_editions_in_order(client: FlaskClient, union: Graph) -> None:
    (series,) = members(union, GK.SummitSeries)
    editions = sorted(union.objects(series, SCHEMA.subEvent), key=lambda e: int(union.value(e, GK.editionNumber)))
    main = page(client, "/")
    where = [main.index(f'href="/id/{e.removeprefix(str(GKD))}"') for e in editions]
    assert len(where) >= 2 and where == sorted(where) and main.index(str(series.removeprefix(str(GKD)))) < where[0]


@ONE
@pytest.mark.parametrize(("path", "headers"), [("/?lang=fr", {}), ("/", {"Accept-Language": "fr-FR,fr;q=0.9"})])
def test_home_in_french(client: FlaskClient, union: Graph, path: str, headers: dict[str, str]) -> None:
    main = page(client, path, **headers)
    assert "Ce que contient le graphe" in main and "Acteurs" in main and "français" in main
    france = GKD["france"]
    link = "/id/france?lang=fr" if "lang=fr" in path else "/id/france"
    assert f'<a href="{link}">{html.escape(label(union, france, "fr"))}</a>' in main
    assert 'href="/sparql"' in main  # a machine URL never carries the language


@ONE
def test_about_reads_the_void_out(client: FlaskClient, project_build: Build, union: Graph) -> None:
    main = page(client, "/about")
    assert "^^" not in main and "_:" not in main and "XMLSchema" not in main
    distinct = set().union(*(set(g) for g in project_build.graphs.values()))
    assert f"<dd>{len(distinct)}</dd>" in main
    claims = len(set(union.subjects(RDF.type, GK.Claim)))
    assert f'<code>gk:Claim</code></a></td><td>sourced claim</td><td class="n">{claims}</td>' in main
    labels = sum(len(list(g.triples((None, RDFS.label, None)))) for g in project_build.graphs.values())  # per graph
    assert f'<code>rdfs:label</code></a></td><td></td><td class="n">{labels}</td>' in main
    for name, graph in project_build.graphs.items():
        row = f'<code>gkg:{name}</code></a></td><td class="n">{len(graph)}</td>'
        assert row in main and f"/download/{name}.ttl" in main, name
    assert "wikidata" in main.lower() and "http://localhost/download/govkg.nq" in main
    assert main.index("<code>oa:TextPositionSelector</code>") < main.index("<code>gk:Claim</code>")  # by count


@ONE
def test_about_twins_and_the_well_known_void(client: FlaskClient) -> None:
    about = client.get("/about", headers=HTML).get_data(as_text=True)
    assert '<link rel="alternate" type="text/turtle" href="/about?format=turtle"' in about
    assert client.get("/.well-known/void", headers=HTML).get_data(as_text=True).count("<table") == 4
    void = client.get("/about?format=turtle")
    assert void.mimetype == "text/turtle" and b"void:Dataset" in void.data
    french = page(client, "/about?lang=fr")
    assert "Graphes nommés" in french and "<td>assertion sourcée</td>" in french


def test_parts_that_loop_or_nest_deeply_end_the_list(tmp_path: Path) -> None:
    """A series whose editions loop back (a is part of b, b of a) or nest without end still gets a home page."""
    chain = " ".join(
        f"gkd:deep-{i} a gk:Summit ; rdfs:label 'deep {i}'@en ; schema:subEvent gkd:deep-{i + 1} ." for i in range(60)
    )
    (tmp_path / "loop.ttl").write_text(
        f"@prefix gk: <{GK}> . @prefix gkd: <{GKD}> . @prefix schema: <{SCHEMA}> . @prefix rdfs: <{RDFS}> .\n"
        "gkd:loop-a a gk:SummitSeries ; rdfs:label 'loop A'@en ; schema:subEvent gkd:loop-b .\n"
        "gkd:loop-b a gk:SummitSeries ; rdfs:label 'loop B'@en ; schema:subEvent gkd:loop-a .\n"
        f"gkd:deep-s a gk:SummitSeries ; rdfs:label 'deep'@en ; schema:subEvent gkd:deep-0 . {chain}\n",
        encoding="utf-8",
    )
    served = create_app({"PROJECT": False, "GRAPHS": [f"{GKD}loops={tmp_path / 'loop.ttl'}"], "QUERY_WORKERS": 0})
    try:
        client = served.test_client()
        page = client.get("/", headers=HTML)
        assert page.status_code == 200 and "loop A" in page.text and "deep 0" in page.text
        series = {i["iri"]: i for e in client.get("/summary.json").json["entries"] for i in e["items"]}
        assert [p["iri"] for p in series[f"{GKD}loop-a"]["parts"]] == [f"{GKD}loop-b"]
        assert "parts" not in series[f"{GKD}loop-a"]["parts"][0]  # loop-b's part is loop-a, already above it
        depth, item = 0, series[f"{GKD}deep-s"]
        while item.get("parts"):
            depth, item = depth + 1, item["parts"][0]
        assert depth == PART_DEPTH
    finally:
        served.extensions["govkg"].runner.close()


def test_a_link_to_a_site_that_is_not_http_is_not_linked_from_about(tmp_path: Path) -> None:
    """A linkset's target site comes from the data's links: `javascript://…` is named, never linked (security.md,
    item 15; browsers percent-decode the script of a javascript: URL, so %0A and %3C!-- would make this one run)."""
    (tmp_path / "links.ttl").write_text(
        f"<{GKD}linky> <{RDFS.label}> 'linky'@en ; <http://www.w3.org/2002/07/owl#sameAs> "
        "<javascript://x%0Awindow.__pwned=1%3C!-->, <https://www.wikidata.org/entity/Q142> .\n",
        encoding="utf-8",
    )
    served = create_app({"PROJECT": False, "GRAPHS": [f"{GKD}links={tmp_path / 'links.ttl'}"], "QUERY_WORKERS": 0})
    try:
        page = served.test_client().get("/about", headers=HTML).get_data(as_text=True)
        assert "javascript://x%0Awindow.__pwned=1%3C!--/" in page and 'href="javascript' not in page
        assert 'href="https://www.wikidata.org/"' in page
    finally:
        served.extensions["govkg"].runner.close()
