"""The query page (YASGUI configured for this server only, its CSP), its completion lists, the example gallery and
its twins, and the examples in the service description."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from govkg.namespaces import GK, PREFIXES, SCHEMA, SH
from govkg.web import CSP, create_app
from govkg.web.query import RESIZER_STYLES

ROOT = Path(__file__).resolve().parents[2]
QUERIES = sorted((ROOT / "queries").glob("*.rq"))
BUNDLE = ROOT / "src" / "govkg" / "web" / "static" / "vendor" / "yasgui" / "yasgui.min.js"
HTML = {"Accept": "text/html"}


def settings(page: str) -> dict:
    """The server values the query page hands its script (data-settings)."""
    found = re.search(r"data-settings='([^']*)'", page)
    assert found, "no data-settings on the page"
    return json.loads(unescape(found[1]))


def test_query_page_configures_the_editor_for_this_server(client: FlaskClient) -> None:
    response = client.get("/query", headers=HTML)
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    values = settings(page)
    assert values["endpoint"] == "/sparql" and values["terms"] == "/query/terms.json"
    assert values["prefixes"] == PREFIXES and values["base"] == "https://w3id.org/govkg/"
    assert "https://w3id.org/govkg/" in values["storage"]  # tabs kept per deployment
    sources = re.findall(r'<script[^>]*src="([^"]+)"', page)
    assert sources == ["/static/vendor/yasgui/yasgui.min.js", "/static/query.js"]
    assert "<script>" not in page and " style=" not in page
    assert 'href="/examples"' in page and 'href="/query/terms.json"' in page  # gallery and machine twin


def test_query_page_policy_allows_only_the_resizer_styles(client: FlaskClient) -> None:
    policy = client.get("/query", headers=HTML).headers["Content-Security-Policy"]
    assert "unsafe" not in policy and "http" not in policy
    assert policy == CSP.replace("style-src 'self'", "style-src 'self' " + " ".join(RESIZER_STYLES))
    assert client.get("/examples", headers=HTML).headers["Content-Security-Policy"] == CSP


def test_resizer_hashes_match_the_vendored_bundle() -> None:
    bundle = BUNDLE.read_text(encoding="utf-8")
    fixed = re.findall(r"createStyle\(a,`([^`]*)`\)", bundle)
    drag = re.search(r"dragCursor:`([^`]*)`", bundle)
    assert len(fixed) == 1 and drag and "createStyle(document.querySelector(`head`),`*{cursor:`" in bundle
    texts = [fixed[0], "*{cursor:" + drag[1] + "!important}"]
    digests = tuple(f"'sha256-{base64.b64encode(hashlib.sha256(t.encode()).digest()).decode()}'" for t in texts)
    assert digests == RESIZER_STYLES


def test_bundle_evaluates_no_code_but_json2_fallback() -> None:
    """The finding behind the policy without 'unsafe-eval': one `eval`, in JSON2's parse for browsers without
    JSON.parse, and `Function(...)` only as lodash's global fallback after `self`."""
    bundle = BUNDLE.read_text(encoding="utf-8")
    assert "new Function" not in bundle
    evals = [m.start() for m in re.finditer(r"\beval\(", bundle)]
    assert len(evals) == 1 and "JSON.parse" in bundle[evals[0] : evals[0] + 400]
    assert re.findall(r"\bFunction\(`", bundle) == ["Function(`"]
    assert "freeSelf||Function(`return this`)()" in bundle


def test_terms_list_the_ontology_and_void_terms(client: FlaskClient) -> None:
    body = client.get("/query/terms.json").get_json()
    classes = {t["iri"]: t["label"] for t in body["classes"]}
    properties = {t["iri"] for t in body["properties"]}
    assert classes[str(GK.Adoption)]["fr"] and classes[str(GK.Adoption)]["en"]
    assert str(OWL.Class) in classes  # a class the data uses (VoID), though no ontology of govkg declares it
    assert {str(GK.adopter), str(RDFS.label)} <= properties
    assert body["prefixes"] == PREFIXES


def example_items(page: str) -> dict[str, str]:
    """Each example on the gallery page: its id and the text of its item."""
    return dict(re.findall(r'<li id="([^"]+)" class="example">(.*?)</li>', page, re.S))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_gallery_shows_every_query_file_with_its_question(client: FlaskClient, lang: str) -> None:
    page = client.get(f"/examples?lang={lang}", headers=HTML).get_data(as_text=True)
    items = example_items(page)
    assert sorted(items) == [p.stem for p in QUERIES]  # in theme order
    for path in QUERIES:
        question = re.search(rf"^# {lang}: (.*)$", path.read_text(encoding="utf-8"), re.M)
        assert question and question[1].replace("'", "&#39;") in items[path.stem], path.name
    assert page.count('<section id="theme-') >= 5


def test_gallery_links_open_the_editor_and_run_the_query(client: FlaskClient) -> None:
    page = client.get("/examples", headers=HTML).get_data(as_text=True)
    item = example_items(page)[QUERIES[0].stem]
    open_url, run_url = (unescape(u) for u in re.findall(r'<a class="(?:open|run)" href="([^"]+)"', item))
    query = parse_qs(urlsplit(open_url).query)["query"][0]
    assert urlsplit(open_url).path == "/query" and query in QUERIES[0].read_text(encoding="utf-8")
    assert client.get(open_url, headers=HTML).status_code == 200
    answer = client.get(run_url)
    assert answer.status_code == 200 and answer.mimetype == "text/html" and "<table>" in answer.get_data(as_text=True)


def test_gallery_twins_hold_the_same_list(client: FlaskClient) -> None:
    data = client.get("/examples.json").get_json()
    listed = [e for theme in data["themes"] for e in theme["examples"]]
    assert sorted(e["name"] for e in listed) == [p.stem for p in QUERIES]
    assert all(theme["label"].get("fr") and theme["label"].get("en") for theme in data["themes"])
    assert all(e["question"]["fr"] and e["question"]["en"] and e["run"] and e["editor"] for e in listed)
    graph = Graph().parse(data=client.get("/examples?format=turtle").data, format="turtle")
    assert len(set(graph.subjects(RDF.type, SH.SPARQLExecutable))) == len(QUERIES)


def test_service_description_publishes_every_example_once(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    sd = Graph().parse(data=response.data, format="turtle")
    executables = set(sd.subjects(RDF.type, SH.SPARQLExecutable))
    assert {str(node).rpartition("#")[2] for node in executables} == {p.stem for p in QUERIES}
    assert len(executables) == len(QUERIES)
    for node in executables:
        comments = {c.language for c in sd.objects(node, RDFS.comment) if isinstance(c, Literal)}
        assert comments == {"fr", "en"}, node
        texts = [sd.value(node, p) for p in (SH.select, SH.ask, SH.construct) if sd.value(node, p)]
        assert len(texts) == 1, node
        assert sd.value(node, SCHEMA.target) == URIRef("http://localhost/sparql")


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory, built: Path) -> Flask:
    """An app whose query folder holds one example with a question that is markup."""
    root = tmp_path_factory.mktemp("project")
    (root / "queries").mkdir()
    (root / "queries" / "01-hostile.rq").write_text(
        "# fr: <script>window.__pwned=1</script> ?\n# en: <img src=x onerror=alert(1)> ?\n# theme: gk:Event\n"
        "SELECT ?s WHERE { ?s a <https://w3id.org/govkg/ontology#Summit> } ORDER BY ?s\n",
        encoding="utf-8",
    )
    config = {"DATASET": str(built), "ROOT": str(root), "QUERY_WORKERS": 0, "TESTING": True}
    return create_app(config)


def test_a_question_made_of_markup_shows_as_text(hostile_app: Flask) -> None:
    client = hostile_app.test_client()
    for lang in ("fr", "en"):
        page = client.get(f"/examples?lang={lang}", headers=HTML).get_data(as_text=True)
        assert "<script>window" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page or "&lt;img src=x" in page
    assert client.get("/examples.json").get_json()["themes"][0]["examples"][0]["question"]["fr"].startswith("<script>")
