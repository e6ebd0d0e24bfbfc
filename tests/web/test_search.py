"""The search page, its JSON twin and the suggestions, over the project's dataset (and a graph of hostile labels)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from govkg.pages.search import MAX_QUERY
from govkg.web import create_app

HTML = {"Accept": "text/html"}
ONE = pytest.mark.parametrize("app", ["oxigraph"], indirect=True)  # what the engine does not change
HOSTILE = """
@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/govkg/id/evil> a gk:Company ;
    rdfs:label "<script>alert(1)</script> Evilcorp"@en ;
    skos:altLabel "Evil \\"><img src=x onerror=alert(2)>"@en .
<https://w3id.org/govkg/id/anglo> a gk:Company ; rdfs:label "Anglophone Ltd"@en .
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """An app over a small graph of hostile and English-only labels alone (no project dataset)."""
    path = tmp_path_factory.mktemp("search") / "hostile.ttl"
    path.write_text(HOSTILE, encoding="utf-8")
    graph = f"https://w3id.org/govkg/graph/hostile={path}"
    return create_app({"PROJECT": False, "GRAPHS": [graph], "QUERY_WORKERS": 0, "TESTING": True})


def results(client: FlaskClient, text: str, lang: str = "en", path: str = "/search.json") -> dict:
    """The JSON answer of a search."""
    response = client.get(path, query_string={"q": text, "lang": lang})
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.json


@pytest.mark.parametrize("text", ["seoul", "Séoul"])
def test_seoul_finds_the_declaration_and_the_summit(client: FlaskClient, text: str) -> None:
    found = results(client, text)
    ids = [hit["id"] for hit in found["results"]]
    assert {"seoul-declaration", "ai-seoul-summit-2024"} <= set(ids[:6])
    assert ids.index("seoul") == 0  # the city's name is the whole text: exact beats prefix
    kinds = [hit["match"]["kind"] for hit in found["results"]]
    assert kinds == sorted(kinds, key=["exact", "prefix", "word", "substring", "words"].index)
    declaration = next(hit for hit in found["results"] if hit["id"] == "seoul-declaration")
    assert declaration["url"] == "/id/seoul-declaration?lang=en"
    assert declaration["types"] == [{"id": "Declaration", "label": "declaration"}]
    assert declaration["match"] == {"text": "Seoul Declaration", "lang": "en", "kind": "prefix"}


@ONE
def test_etats_unis_finds_the_united_states_in_french(client: FlaskClient) -> None:
    hit = results(client, "etats unis", "fr")["results"][0]
    assert (hit["id"], hit["label"]) == ("united-states", "États-Unis d'Amérique")
    assert hit["match"] == {"text": "États-Unis", "lang": "fr", "kind": "exact"}
    assert hit["types"][0]["label"] == "État souverain"


@ONE
def test_the_page_lists_the_hits_with_type_and_matched_alias(client: FlaskClient) -> None:
    page = client.get("/search?q=seoul", headers=HTML).get_data(as_text=True)
    assert '<a href="/id/seoul-declaration">Seoul Declaration for safe, innovative and inclusive AI</a>' in page
    assert 'matched <q lang="en">Seoul Declaration</q>' in page
    assert page.index("/id/seoul") < page.index("/id/seoul-declaration") < page.index("/id/ai-seoul-summit-2024")
    assert '<form class="search" role="search" method="get" action="/search"' in page
    assert 'value="seoul"' in page and 'role="combobox"' in page and "search.js" in page
    assert '<a href="/search.json?q=seoul" type="application/json">JSON</a>' in page  # the twin


@ONE
def test_twin_by_suffix_parameter_or_accept(client: FlaskClient) -> None:
    by_suffix = client.get("/search.json?q=summit").json
    assert by_suffix == client.get("/search?q=summit&format=json").json
    assert by_suffix == client.get("/search?q=summit", headers={"Accept": "application/json"}).json
    assert by_suffix["total"] == len(by_suffix["results"]) > 3 and by_suffix["query"] == "summit"
    assert by_suffix["more"] is False  # every entity counted (counting stops at pages.search.MAX_TOTAL)
    for accept in ("application/json", "text/html"):  # one URL, two answers: a cache must key them by Accept
        assert "Accept" in client.get("/search?q=summit", headers={"Accept": accept}).headers["Vary"]


@ONE
def test_suggestions_are_few_and_follow_the_language(client: FlaskClient) -> None:
    found = results(client, "a", "fr", "/search/suggest")
    assert len(found["results"]) == 8 < found["total"]
    french = results(client, "seoul declaration", "fr", "/search/suggest")["results"][0]
    assert french["label"] == "Déclaration de Séoul pour une IA sûre, novatrice et inclusive"
    assert french["url"] == "/id/seoul-declaration?lang=fr"
    by_header = client.get("/search/suggest?q=seoul+declaration", headers={"Accept-Language": "fr"})
    assert by_header.json["results"][0]["label"] == french["label"]
    assert "Accept-Language" in by_header.headers["Vary"]
    assert "lang=" not in by_header.json["results"][0]["url"]  # the language was not chosen explicitly


@ONE
@pytest.mark.parametrize("path", ["/search.json", "/search/suggest", "/search"])
def test_empty_text_is_an_empty_answer(client: FlaskClient, path: str) -> None:
    response = client.get(path + "?q=%20", headers=HTML if path == "/search" else {})
    assert response.status_code == 200
    if path == "/search":
        assert "Type a name or part of one" in response.get_data(as_text=True)
    else:
        assert response.json["results"] == [] and response.json["total"] == 0


@ONE
def test_too_long_a_text_is_refused_in_one_line(client: FlaskClient) -> None:
    text = "x" * (MAX_QUERY + 1)
    for path in ("/search.json", "/search/suggest"):
        response = client.get(path, query_string={"q": text})
        assert response.status_code == 400 and response.mimetype == "text/plain"
        assert f"longer than {MAX_QUERY} characters" in response.get_data(as_text=True)
    page = client.get("/search", query_string={"q": text, "lang": "fr"}, headers=HTML)
    assert page.status_code == 400 and page.mimetype == "text/html"
    assert f"dépasse {MAX_QUERY} caractères" in page.get_data(as_text=True)
    assert client.get("/search.json", query_string={"q": "x" * MAX_QUERY}).status_code == 200


@ONE
def test_odd_text_never_fails(client: FlaskClient) -> None:
    for text in ["%", "\\", "'\"", "{0}", "{q}", "\u0000", "🤖", "( ) [ ]", "é" * MAX_QUERY]:
        assert client.get("/search.json", query_string={"q": text}).status_code == 200, text
        assert client.get("/search", query_string={"q": text}, headers=HTML).status_code == 200, text


def test_labels_are_escaped_and_fall_back_to_english(small: Flask) -> None:
    client = small.test_client()
    page = client.get("/search?q=evil&lang=fr", headers=HTML).get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; Evilcorp" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page
    assert re.search(
        r'<a href="/id/anglo\?lang=fr">Anglophone Ltd</a>',
        client.get("/search?q=anglo&lang=fr", headers=HTML).get_data(as_text=True),
    )  # no French label: the English one
    assert client.get("/search.json?q=evil").json["results"][0]["label"] == "<script>alert(1)</script> Evilcorp"


def test_the_index_follows_the_data(small: Flask, tmp_path: Path) -> None:
    """A second app over other data finds its own entities: nothing is kept across datasets."""
    other = tmp_path / "other.ttl"
    other.write_text(HOSTILE.replace("Anglophone", "Francophone"), encoding="utf-8")
    app = create_app({"PROJECT": False, "GRAPHS": [f"https://w3id.org/govkg/graph/x={other}"], "QUERY_WORKERS": 0})
    assert app.test_client().get("/search.json?q=francophone").json["total"] == 1
    assert small.test_client().get("/search.json?q=francophone").json["total"] == 0


@ONE
def test_a_typo_still_finds_the_company(client: FlaskClient) -> None:
    hit = results(client, "Anthorpic")["results"][0]
    assert (hit["id"], hit["match"]["kind"]) == ("anthropic", "fuzzy")
    assert results(client, "Seul declaration")["results"][0]["id"] == "seoul-declaration"
