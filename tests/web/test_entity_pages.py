"""Entity pages (/id/...): the header, "why?" on each quoted fact linking to the quote in its document, inferred
facts with their justifications, disagreements, both languages, the JSON twin of the justifications, escaping;
other resources keep their page and every page its RDF twin. On both engines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS
from rdflib.term import Node

from govkg.build import Build
from govkg.engine import FILE_ENGINES
from govkg.namespaces import DEFAULT_BASE, GK, GKD, OA
from govkg.web import DEFAULTS, create_app

BASE = DEFAULT_BASE
DECLARATION = "/id/seoul-declaration"
HOSTILE = Path(__file__).parents[1] / "resources" / "hostile.ttl"
# The pages' layout on the default engine only; what the engines answer (quotes, justifications, escaping) on both.
DEFAULT_ENGINE = pytest.mark.parametrize("app", [DEFAULTS["ENGINE"]], indirect=True)


def html(client: FlaskClient, path: str, lang: str = "en") -> str:
    """The HTML page at `path` in the language Accept-Language asks for."""
    response = client.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
    assert response.status_code == 200 and response.mimetype == "text/html"
    return response.get_data(as_text=True)


def label(build: Build, node: URIRef, lang: str) -> str:
    """The label of `node` in `lang`, as the data states it."""
    graphs = (build.graphs["entities"], build.graphs["ontology"])
    return next(
        str(o) for g in graphs for o in g.objects(node, RDFS.label) if isinstance(o, Literal) and o.language == lang
    )


def claims_about(build: Build, node: URIRef) -> list[tuple[Node, Node | None, str]]:
    """(claim, document, quote) of every claim whose subject is `node`."""
    found = []
    for name, g in build.graphs.items():
        for claim in g.subjects(RDF.subject, node) if name.startswith("source/") else ():
            quotes = [g.value(s, OA.exact) for s in g.objects(g.value(claim, OA.hasTarget), OA.hasSelector)]
            found.append((claim, g.value(claim, PROV.wasDerivedFrom), next(str(q) for q in quotes if q is not None)))
    return found


@pytest.mark.parametrize("lang", ["en", "fr"])
@DEFAULT_ENGINE
def test_the_header_says_what_the_entity_is_in_the_chosen_language(
    client: FlaskClient, project_build: Build, lang: str
) -> None:
    page = html(client, DECLARATION, lang)
    node, other = GKD["seoul-declaration"], {"en": "fr", "fr": "en"}[lang]
    assert f"<h1>{escape(label(project_build, node, lang))}</h1>" in page and f'<html lang="{lang}">' in page
    assert f'<span lang="{other}">{escape(label(project_build, node, other))}</span>' in page
    assert f'title="gk:Declaration">{escape(label(project_build, GK.Declaration, lang))}</a>' in page
    for alias in project_build.graphs["entities"].objects(node, URIRef("http://www.w3.org/2004/02/skos/core#altLabel")):
        assert f">{escape(alias)}</span>" in page
    assert page.index('id="stated"') < page.index('id="inferred"')  # stated facts first


def test_every_quoted_fact_has_a_why_with_its_sentence_and_a_link_to_the_quote(
    client: FlaskClient, project_build: Build
) -> None:
    page = html(client, DECLARATION)
    claims = claims_about(project_build, GKD["seoul-declaration"])
    assert len(claims) > 30
    for claim, document, exact in claims:
        anchor = f"/{str(document)[len(BASE) :]}#q-{str(claim).rsplit('/', 1)[-1]}"
        assert f'<a class="to-quote" href="{anchor}">' in page, claim
        assert f"<mark>{escape(exact)}</mark>" in page
    assert page.count('<details class="why"><summary>why?</summary>') >= len({c for c, _, _ in claims})


def test_inferred_facts_show_the_rule_and_the_premises_down_to_quotes(client: FlaskClient) -> None:
    page = html(client, "/id/france")
    inferred = page[page.index('<section id="inferred">') :]
    adopts = inferred[inferred.index('title="gk:adopts"') :]
    assert 'href="/id/seoul-declaration">' in adopts[:300]
    chain = re.search(r"by the property chain (.*?)</span>\.", adopts, re.S)
    assert chain and 'href="/ontology#adopterIn"' in chain.group(1) and " ∘ " in chain.group(1)
    assert '<span title="OWL 2 RL prp-spo2">by the property chain' in adopts  # the rule's OWL 2 RL name
    assert 'href="/ontology#endorsedInstrument"' in chain.group(1)
    assert 'because <a class="term" href="/ontology#adopterIn"' in adopts  # the premise's own inverse step
    assert (
        '<a class="to-quote" href="/source/000_dd5d7c617b960d8b#q-000-adoption-seoul-declaration-000-adopter-france"'
        in adopts
    )
    french = html(client, "/id/france", "fr")
    assert "par la chaîne de propriétés" in french and "pourquoi ?" in french


@DEFAULT_ENGINE
def test_links_to_other_sites_are_named_badges(client: FlaskClient, project_build: Build) -> None:
    page = html(client, "/id/france")
    targets = [o for s, p, o in project_build.graphs["links"] if s == GKD.france and isinstance(o, URIRef)]
    names = re.findall(r'<a class="badge" href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert sorted(href for href, _ in names) == sorted(str(t) for t in targets) and len(targets) == 3
    assert {name for _, name in names} == {"Wikidata", "DBpedia", "ISO 3166"}


@DEFAULT_ENGINE
def test_dates_places_and_disagreements_of_an_event(client: FlaskClient) -> None:
    page = html(client, "/id/ai-seoul-summit-2024")
    key = page[page.index('<dl class="key">') : page.index("</dl>")]
    assert '<time datetime="2024-05-21">' in key and 'href="#disagreements"' in key and 'href="/id/seoul"' in key
    section = page[page.index('<section id="disagreements">') : page.index('<section id="inferred">')]
    assert section.count("<mark>") == 3 and section.count('class="to-quote"') == 3


@DEFAULT_ENGINE
def test_an_explicit_language_stays_in_the_links(client: FlaskClient) -> None:
    page = html(client, "/id/france?lang=fr")
    assert "<h1>France</h1>" in page and 'href="/id/seoul-declaration?lang=fr"' in page
    assert re.search(r'class="to-quote" href="/source/[^"#?]+\?lang=fr#q-', page)


@DEFAULT_ENGINE
def test_the_justifications_have_a_json_twin(client: FlaskClient, project_build: Build) -> None:
    page = html(client, DECLARATION)
    assert '<link rel="alternate" type="application/json" href="/id/seoul-declaration.why.json"' in page
    response = client.get(DECLARATION + ".why.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    twin = response.get_json()
    closure = {
        (str(p), str(o)) for p, o in project_build.graphs["inferred"].predicate_objects(GKD["seoul-declaration"])
    }
    assert {(f["predicate"], f["object"]) for f in twin["inferred"]} == closure and twin["unjustified"] == []
    again = client.get(DECLARATION + ".why.json", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/ontology.why.json").status_code == 404
    assert client.get("/id/nothing-here.why.json").status_code == 404


@DEFAULT_ENGINE
def test_other_resources_keep_their_pages_and_every_page_its_rdf(client: FlaskClient, project_build: Build) -> None:
    claim = next(iter(claims_about(project_build, GKD["seoul-declaration"])))[0]
    assert 'id="inferred"' not in html(client, "/" + str(claim)[len(BASE) :])
    link = next(iter(project_build.graphs["links"].subjects(RDF.subject, GKD.france)))
    page = html(client, "/" + str(link)[len(BASE) :])
    assert '<table class="facts">' in page and 'id="inferred"' not in page
    assert '<section id="Declaration">' in html(client, "/ontology")
    turtle = client.get(DECLARATION, headers={"Accept": "text/turtle"})
    twin = Graph().parse(data=turtle.data, format="turtle")
    inferred = set(project_build.graphs["inferred"].triples((GKD["seoul-declaration"], None, None)))
    assert inferred <= set(twin) and (claim, RDF.subject, GKD["seoul-declaration"]) in twin


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def hostile(request: pytest.FixtureRequest) -> Flask:
    """An app serving only a graph of hostile data, once per engine."""
    graph = f"{BASE}graph/hostile={HOSTILE}"
    return create_app({"PROJECT": False, "GRAPHS": [graph], "ENGINE": request.param, "TESTING": True})


def test_hostile_labels_and_links_stay_text(hostile: Flask) -> None:
    page = html(hostile.test_client(), "/id/evil")
    assert "<script>alert" not in page and "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>" in page
    assert "<img" not in page and not re.search(r'href="\s*(javascript|file):', page)
    assert '<a class="badge" href="http://www.wikidata.org/entity/Q4115189"' in page
    assert '<span class="badge" title="javascript:alert(1)">' in page
