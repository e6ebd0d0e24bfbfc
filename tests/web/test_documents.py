"""Document pages (`/source/<id>`), the documents index (`/documents`) and their JSON twins: over the project's
built dataset with its sources folder, and over a small dataset with an astral character before a quote,
overlapping quotes, hostile labels, a changed text and a file name that leaves the folder."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from conftest import ROOT
from govkg.build import Build
from govkg.engine import FILE_ENGINES
from govkg.namespaces import DEFAULT_BASE, GK, OA
from govkg.web import create_app

BASE = DEFAULT_BASE
SOURCES = ROOT / "data" / "sources"
HTML = {"Accept": "text/html"}
CHROME_LABELS = ("[Page chrome, not part of the document:] ", " [End of page chrome.]")
ONE = pytest.mark.parametrize("app", ["oxigraph"], indirect=True)  # what the engine does not change


@pytest.fixture(scope="module", params=sorted(FILE_ENGINES))
def app(request: pytest.FixtureRequest, built: Path) -> Iterator[Flask]:
    """The app over the built project and its sources folder (the shared `app` serves the dataset file alone,
    which has no texts to show)."""
    config = {"DATASET": str(built), "SOURCES": str(SOURCES), "ENGINE": request.param, "QUERY_WORKERS": 0}
    made = create_app({**config, "TESTING": True})
    yield made
    made.extensions["govkg"].runner.close()


class Page(HTMLParser):
    """An HTML page's elements with an id (their text, as textContent reads it, and the links inside them) and
    the texts of elements by class."""

    VOID: ClassVar[set[str]] = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "wbr",
    }

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str | None, list[str]]] = []
        self.ids: Counter[str] = Counter()
        self.texts: dict[str, str] = {}
        self.links: dict[str, list[str]] = {}
        self.classes: dict[str, list[str]] = {}
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in self.VOID:
            return
        ident = found.get("id")
        if ident:
            self.ids[ident] += 1
            self.texts.setdefault(ident, "")
            self.links.setdefault(ident, [])
        if tag == "a" and found.get("href"):
            for _, open_id, _ in self.open:
                if open_id:
                    self.links[open_id].append(str(found["href"]))
        classes = (found.get("class") or "").split()
        for name in classes:
            self.classes.setdefault(name, []).append("")
        self.open.append((tag, ident, classes))

    def handle_endtag(self, tag: str) -> None:
        while self.open and self.open.pop()[0] != tag:
            continue

    def handle_data(self, data: str) -> None:
        for _, ident, _ in self.open:
            if ident:
                self.texts[ident] += data
        for name in {n for _, _, classes in self.open for n in classes}:
            self.classes[name][-1] += data


def get(client: FlaskClient, path: str, **headers: str) -> str:
    """The HTML of a page (200)."""
    response = client.get(path, headers={**HTML, **headers})
    assert response.status_code == 200 and response.mimetype == "text/html", path
    return response.get_data(as_text=True)


def documents_of(build: Build) -> dict[str, Graph]:
    """The named graph of each source document, by document IRI."""
    return {f"{BASE}{name}": g for name, g in build.graphs.items() if name.startswith("source/")}


def claims_of(graph: Graph) -> dict[str, tuple[int, int, str]]:
    """Each claim's key and its quote: start, end (code points) and exact text."""
    found = {}
    for claim in graph.subjects(RDF.type, GK.Claim):
        selectors = list(graph.objects(graph.value(claim, OA.hasTarget), OA.hasSelector))
        start, end = (
            next(int(v) for s in selectors if (v := graph.value(s, p)) is not None) for p in (OA.start, OA.end)
        )
        exact = next(str(v) for s in selectors if (v := graph.value(s, OA.exact)) is not None)
        found[str(claim).rsplit("/", 1)[-1]] = (start, end, exact)
    return found


def crossing(spans: dict[str, tuple[int, int, str]]) -> set[str]:
    """The claims whose quote crosses another's (overlaps it with neither holding the other)."""
    return {
        k
        for k, (s, e, _) in spans.items()
        for t, (s2, e2, _) in spans.items()
        if t != k and (s < s2 < e < e2 or s2 < s < e2 < e)
    }


@ONE
def test_every_quote_has_one_anchor_holding_exactly_its_text(client: FlaskClient, project_build: Build) -> None:
    for iri, graph in documents_of(project_build).items():
        page = Page(get(client, "/" + iri[len(BASE) :]))
        spans = claims_of(graph)
        widened = crossing(spans)
        assert spans and len(widened) < len(spans) / 4, iri
        for key, (_, _, exact) in spans.items():
            assert page.ids[f"q-{key}"] == 1, key
            text = page.texts[f"q-{key}"]
            assert text == exact or (key in widened and exact in text), (key, exact, text)


@ONE
def test_the_text_is_the_file_with_its_paragraphs(client: FlaskClient, project_build: Build) -> None:
    for iri, graph in documents_of(project_build).items():
        name = str(graph.value(URIRef(iri), DCTERMS.identifier))
        page = Page(get(client, "/" + iri[len(BASE) :]))
        shown = page.texts["doc-text"]
        for label in CHROME_LABELS:
            shown = shown.replace(label, "")
        assert shown == (SOURCES / name).read_bytes().decode("utf-8") and "\n" in shown, iri


@ONE
def test_page_chrome_is_muted_and_labelled(client: FlaskClient, project_build: Build) -> None:
    iri, graph = next((i, g) for i, g in documents_of(project_build).items() if (None, GK.boilerplate, None) in g)
    page = Page(get(client, "/" + iri[len(BASE) :]))
    chrome = [str(graph.value(b, RDF.value)) for b in graph.objects(URIRef(iri), GK.boilerplate)]
    muted = [text.removeprefix(CHROME_LABELS[0]).removesuffix(CHROME_LABELS[1]) for text in page.classes["doc-chrome"]]
    assert chrome and all(text in muted for text in chrome)
    assert page.classes["doc-sr"][:2] == list(CHROME_LABELS)


def test_each_highlighted_run_leads_to_a_note_listing_all_its_facts(client: FlaskClient) -> None:
    name = "001_368847d3598048c1"
    page = Page(get(client, f"/source/{name}"))
    twin = client.get(f"/documents/{name}.json").json
    runs = [s for s in twin["segments"] if s["claims"]]
    assert any(len(s["claims"]) > 2 for s in runs)
    notes = {link.removeprefix("#") for link in page.links["doc-text"]}
    assert len(notes) == len({tuple(s["claims"]) for s in runs})
    for note in notes:
        listed = {link.removeprefix("#f-") for link in page.links[note] if link.startswith("#f-")}
        assert listed in [set(s["claims"]) for s in runs], note
        assert all(page.ids[f"f-{key}"] == 1 for key in listed)


def test_disagreements_show_on_every_document_taking_part(client: FlaskClient, project_build: Build) -> None:
    graph = project_build.graphs["disagreements"]
    where = {c: d for d, g in documents_of(project_build).items() for c in g.subjects(RDF.type, GK.Claim)}
    pages = {d: get(client, "/" + d[len(BASE) :]) for d in set(where.values())}
    checked = 0
    for disagreement in graph.subjects(RDF.type, GK.Disagreement):
        claims = list(graph.objects(disagreement, GK.conflictingClaim))
        for mine in claims:
            for other in claims:
                if where[other] != where[mine]:
                    target = f'href="/{where[other][len(BASE) :]}#q-{str(other).rsplit("/", 1)[-1]}"'
                    assert target in pages[where[mine]], (mine, other)
                    checked += 1
    assert checked >= 6


@ONE
def test_claim_and_sentence_pages_link_to_their_quote(client: FlaskClient, project_build: Build) -> None:
    iri, graph = next(iter(documents_of(project_build).items()))
    path = iri[len(BASE) :]
    claim = sorted(graph.subjects(RDF.type, GK.Claim))[0]
    key = str(claim).rsplit("/", 1)[-1]
    assert f'href="/{path}#q-{key}"' in get(client, "/claim/" + key)
    sentence = sorted(graph.subjects(RDF.type, GK.Sentence))[0]
    quoting = {t.partition("#")[0].rsplit("/", 1)[-1] for t in map(str, graph.subjects(GK.sentence, sentence))}
    page = get(client, "/" + str(sentence)[len(BASE) :])
    assert quoting and all(f'href="/{path}#q-{k}"' in page for k in quoting)


def test_the_index_lists_every_document_in_the_chosen_language(client: FlaskClient, project_build: Build) -> None:
    labels = project_build.graphs["entities"]
    found = client.get("/documents.json").json["documents"]
    assert [d["iri"] for d in found] == sorted(documents_of(project_build))
    for lang in ("en", "fr"):
        page = get(client, "/documents", **{"Accept-Language": lang})
        for iri in documents_of(project_build):
            label = next(str(o) for o in labels.objects(URIRef(iri), RDFS.label) if o.language == lang)
            assert f'<a href="/{iri[len(BASE) :]}?lang={lang}">' not in page  # the choice was not explicit
            assert f">{escape(label)}</a>" in page, (lang, label)
        assert ("Documents sources" in page) == (lang == "fr")
    for row in found:
        graph = documents_of(project_build)[row["iri"]]
        assert row["facts"] == len(set(graph.subjects(RDF.type, GK.Claim))) > 0
        assert row["characters"] == int(graph.value(URIRef(row["iri"]), GK.characterCount))
        assert client.get(row["twin"]).json["document"] == row["iri"]


@ONE
def test_an_explicit_language_stays_on_links(client: FlaskClient) -> None:
    page = get(client, "/documents?lang=fr")
    assert 'href="/source/000_dd5d7c617b960d8b?lang=fr"' in page and "Caractères" in page
    document = get(client, "/source/001_368847d3598048c1?lang=fr")
    assert "Faits que ce passage étaye" in document and 'href="/id/ai-seoul-summit-2024?lang=fr"' in document


@ONE
def test_twins_are_linked_and_the_rdf_twin_stays(client: FlaskClient) -> None:
    page = get(client, "/source/000_dd5d7c617b960d8b")
    for twin in ("/documents/000_dd5d7c617b960d8b.json", "/source/000_dd5d7c617b960d8b.ttl"):
        assert f'href="{twin}"' in page
    turtle = client.get("/source/000_dd5d7c617b960d8b", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and b"sha256" in turtle.data
    assert 'href="/documents.json"' in get(client, "/documents")
    assert client.get("/documents/nothing_here.json").status_code == 404
    etag = client.get("/documents").headers["ETag"]
    assert client.get("/documents", headers={"If-None-Match": etag}).status_code == 304


def test_without_its_sources_folder_a_page_lists_the_facts_and_their_quotes(built: Path, project_build: Build) -> None:
    served = create_app({"DATASET": str(built), "QUERY_WORKERS": 0, "TESTING": True})
    try:
        page = get(served.test_client(), "/source/004_26a6073fffaaa267")
    finally:
        served.extensions["govkg"].runner.close()
    assert "is not served with this dataset" in page and 'id="doc-text"' not in page
    quotes = {exact for _, _, exact in claims_of(project_build.graphs["source/004_26a6073fffaaa267"]).values()}
    assert all(f"«{escape(q)}»" in page for q in quotes)


# A small dataset: an astral character before a quote, quotes sharing, nesting and crossing spans, a hostile
# label, a document whose text changed and one whose file name leaves the folder.

TEXT = "Titre\n\n\U0001d538😀 Le sommet de Séoul s'ouvre le 21 mai.\n\nMenu · Contact"
QUOTES = {  # claim key → (quote, subject)
    "s-astral": ("Le sommet de Séoul", "gkd:summit"),
    "s-same": ("Le sommet de Séoul", "gkd:evil"),
    "s-nested": ("Séoul", "gkd:summit"),
    "s-crossing": ("Séoul s'ouvre", "gkd:summit"),
    "s-date": ("le 21 mai", "gkd:summit"),
}
PREFIXES = f"""@prefix gk: <{BASE}ontology#> . @prefix gks: <{BASE}source/> . @prefix gkc: <{BASE}claim/> .
@prefix gkd: <{BASE}id/> . @prefix dct: <http://purl.org/dc/terms/> . @prefix oa: <http://www.w3.org/ns/oa#> .
@prefix prov: <http://www.w3.org/ns/prov#> . @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix schema: <https://schema.org/> .
"""


def claim(key: str, document: str, subject: str, quote: str, start: int) -> str:
    """A claim of `document` quoting `quote` at `start` (code points), in TriG."""
    return f"""gkc:{key} a gk:Claim ; prov:wasDerivedFrom gks:{document} ; rdf:subject {subject} ;
  rdf:predicate schema:location ; rdf:object gkd:seoul ; oa:hasTarget <{BASE}claim/{key}#t> .
<{BASE}claim/{key}#t> oa:hasSelector <{BASE}claim/{key}#p>, <{BASE}claim/{key}#q> .
<{BASE}claim/{key}#p> oa:start {start} ; oa:end {start + len(quote)} .
<{BASE}claim/{key}#q> oa:exact {json.dumps(quote, ensure_ascii=False)} .
"""


def sample_graph(sha: str, other_sha: str) -> str:
    """The small dataset in TriG."""
    claims = "".join(claim(k, "s1", s, q, TEXT.index(q)) for k, (q, s) in QUOTES.items())
    return f"""{PREFIXES}
<{BASE}graph/source/s1> {{
gks:s1 a gk:SourceDocument ; dct:identifier "s1.txt" ; gk:sha256 "{sha}" ; gk:characterCount {len(TEXT)} ;
  rdfs:label "Sample <script>alert(1)</script>"@en, "Échantillon"@fr ; gk:boilerplate gks:s1-chrome .
gks:s1-chrome oa:start {TEXT.index("Menu")} ; oa:end {len(TEXT)} .
{claims}}}
<{BASE}graph/source/s2> {{
gks:s2 a gk:SourceDocument ; dct:identifier "s2.txt" ; gk:sha256 "{other_sha}" ; rdfs:label "Other"@en .
{claim("s2-date", "s2", "gkd:summit", "s'ouvre", 0)}}}
<{BASE}graph/source/s3> {{ gks:s3 a gk:SourceDocument ; dct:identifier "../secret.txt" ; gk:sha256 "{other_sha}" . }}
<{BASE}graph/entities> {{
gkd:summit rdfs:label "Seoul summit"@en, "Sommet de Séoul"@fr . gkd:seoul rdfs:label "Seoul"@en, "Séoul"@fr .
gkd:evil rdfs:label "<script>alert(2)</script>"@en .
gkd:d a gk:Disagreement ; rdfs:label "Sources disagree"@en ; gk:conflictingClaim gkc:s-date, gkc:s2-date .
}}
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FlaskClient, Path]]:
    """A client of an app over the small dataset alone, and its sources folder."""
    folder = tmp_path_factory.mktemp("sample")
    sources = folder / "sources"
    sources.mkdir()
    (sources / "s1.txt").write_bytes(TEXT.encode("utf-8"))
    (sources / "s2.txt").write_bytes(b"s'ouvre, since edited")
    (folder / "secret.txt").write_bytes(b"secret")
    sha = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()
    (folder / "sample.trig").write_text(sample_graph(sha, hashlib.sha256(b"secret").hexdigest()), encoding="utf-8")
    graphs = [f"{BASE}graph/sample={folder / 'sample.trig'}"]
    made = create_app({"PROJECT": False, "GRAPHS": graphs, "SOURCES": str(sources), "QUERY_WORKERS": 0})
    yield made.test_client(), sources
    made.extensions["govkg"].runner.close()


def test_a_quote_after_astral_characters_is_highlighted_exactly(sample: tuple[FlaskClient, Path]) -> None:
    client, _ = sample
    page = Page(get(client, "/source/s1"))
    assert page.texts["q-s-astral"] == page.texts["q-s-same"] == "Le sommet de Séoul"
    assert page.texts["q-s-nested"] == "Séoul" and page.texts["q-s-date"] == "le 21 mai"
    assert "Séoul s'ouvre" in page.texts["q-s-crossing"]  # widened: it crosses the quotes ending at Séoul
    twin = client.get("/documents/s1.json").json
    assert twin["offsets"] == "Unicode code points"
    for fact in twin["facts"]:
        assert TEXT[fact["start"] : fact["end"]] == fact["exact"]
    assert "".join(s["text"] for s in twin["segments"]) == TEXT


def test_labels_are_escaped(sample: tuple[FlaskClient, Path]) -> None:
    client, _ = sample
    for path in ("/source/s1", "/documents", "/source/s2"):
        page = get(client, path)
        assert "<script>" not in page.replace('<script src="', ""), path
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in get(client, "/source/s1")


def test_a_changed_text_or_a_name_leaving_the_folder_is_not_shown(sample: tuple[FlaskClient, Path]) -> None:
    client, _ = sample
    changed = get(client, "/source/s2")
    assert "the SHA-256 does not match" in changed and "since edited" not in changed
    assert 'href="/source/s1#q-s-date"' in changed and "«s&#39;ouvre»" in changed  # the facts and the other side
    unnamed = get(client, "/source/s3")
    assert "names no usable file" in unnamed and "secret" not in unnamed.replace("../secret.txt", "")


def test_a_text_is_read_once_per_data_generation(sample: tuple[FlaskClient, Path]) -> None:
    client, sources = sample
    assert "Menu · Contact" in get(client, "/source/s1")
    (sources / "s1.txt").write_bytes(b"replaced")
    try:
        assert "Menu · Contact" in get(client, "/source/s1?lang=fr")  # the text checked on first use is kept
    finally:
        (sources / "s1.txt").write_bytes(TEXT.encode("utf-8"))


def test_the_page_reads_in_french(sample: tuple[FlaskClient, Path]) -> None:
    client, _ = sample
    page = get(client, "/source/s1", **{"Accept-Language": "fr"})
    assert "<h1>Échantillon</h1>" in page and "Sommet de Séoul" in page and "Habillage de la page" in page
    assert 'lang="fr"' in page


def test_quotes_nested_or_sharing_a_span_by_the_hundred_render_in_linear_size(tmp_path: Path) -> None:
    """Hundreds of claims on one span or nested in each other: one anchor each, and the runs' tooltips and notes
    list a few facts each rather than all of them for every piece (the page stays linear in the claims)."""
    text = "The summit " * 100
    same = "".join(claim(f"same-{i:03}", "deep", "gkd:summit", text[4:10], 4) for i in range(500))
    nested = "".join(claim(f"nest-{i:03}", "deep", "gkd:summit", text[20 + i : 1000 - i], 20 + i) for i in range(300))
    (tmp_path / "deep.txt").write_text(text, encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (tmp_path / "deep.trig").write_text(
        f'{PREFIXES}\n<{BASE}graph/source/deep> {{\ngks:deep a gk:SourceDocument ; dct:identifier "deep.txt" ; '
        f'gk:sha256 "{sha}" .\n{same}{nested}}}\n',
        encoding="utf-8",
    )
    graphs = [f"{BASE}graph/deep={tmp_path / 'deep.trig'}"]
    made = create_app({"PROJECT": False, "GRAPHS": graphs, "SOURCES": str(tmp_path), "QUERY_WORKERS": 0})
    try:
        response = made.test_client().get("/source/deep", headers=HTML)
        assert response.status_code == 200
        page = response.text
        assert all(
            page.count(f'id="q-{kind}-{i:03}"') == 1 for kind, n in (("same", 500), ("nest", 300)) for i in range(n)
        )
        titles = re.findall(r'class="doc-seg" href="#n-\d+" title="([^"]*)"', page)
        assert titles and max(t.count(" · ") for t in titles) == 8 and titles[0].endswith(" · …")
        assert len(page) < 1_500_000
    finally:
        made.extensions["govkg"].runner.close()
