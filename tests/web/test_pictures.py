"""The pictures (govkg.web.pictures) over the project's dataset: every page with its SVG, its data table and its
twins; dates, marks and roles as the graph states them; the matrix sorted and filtered by the query string; the
map matched by ISO code; labels in both languages; hostile labels as text; conditional requests."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from govkg.web import create_app

PICTURES = ("timeline", "matrix", "network", "map")
ONE = pytest.mark.parametrize("app", ["oxigraph"], indirect=True)  # what does not depend on the engine


class Page(HTMLParser):
    """The parts of a page the tests look at: ids, links, SVGs and their names, style attributes, scripts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, class)
        self.svgs: list[dict[str, str | None]] = []
        self.styled = self.scripts = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.ids.update([found["id"] or ""] if "id" in found else [])
        self.styled += "style" in found
        self.scripts += tag == "script"
        if tag == "a" and found.get("href"):
            self.links.append((found["href"] or "", found.get("class") or ""))
        if tag == "svg":
            self.svgs.append(found)


def get(client: FlaskClient, path: str, **headers: str) -> tuple[str, Page]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    text = response.get_data(as_text=True)
    return text, Page(text)


def twin(client: FlaskClient, path: str) -> dict:  # type: ignore[type-arg]
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/json", path
    found: dict = json.loads(response.data)  # type: ignore[type-arg]
    return found


def rows(app: Flask, query: str) -> list[list[str]]:
    """The rows of a query over the app's dataset, as text."""
    return [[str(t) for t in row] for row in app.extensions["govkg"].select(query)]


def test_index_lists_every_picture_with_its_twin(client: FlaskClient) -> None:
    _, page = get(client, "/pictures")
    hrefs = [h for h, _ in page.links]
    assert all(f"/pictures/{name}" in hrefs for name in PICTURES)
    assert "/pictures.json" in hrefs and page.scripts == 0
    listed = twin(client, "/pictures.json")["pictures"]
    assert [p["name"] for p in listed] == list(PICTURES)
    assert all(client.get(p["json"]).status_code == 200 for p in listed)


@pytest.mark.parametrize("name", PICTURES)
def test_each_picture_has_a_named_drawing_a_table_and_twins(client: FlaskClient, name: str) -> None:
    response = client.get(f"/pictures/{name}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Content-Security-Policy" in response.headers
    assert f'</pictures/{name}.json>; rel="alternate"; type="application/json"' in response.headers["Link"]
    text = response.get_data(as_text=True)
    page = Page(text)
    drawings = [s for s in page.svgs if s.get("role") == "group"]  # HTMLParser lower-cases attribute names
    assert all(s.get("aria-labelledby") in page.ids and s.get("viewbox") for s in drawings)
    assert drawings or (name == "matrix" and '<caption id="matrix-caption">' in text)  # the matrix is a table
    assert "<table" in text and page.styled == 0 and page.scripts == 0
    assert f'href="/pictures/{name}.json"' in text
    assert twin(client, f"/pictures/{name}.json")


def test_timeline_dates_as_the_graph_states_them(app: Flask, client: FlaskClient) -> None:
    months = rows(
        app,
        "SELECT ?e ?d WHERE { ?e <https://schema.org/startDate> ?d "
        "FILTER(datatype(?d) = <http://www.w3.org/2001/XMLSchema#gYearMonth>) }",
    )
    assert months
    text, _ = get(client, "/pictures/timeline")
    english = {"2023-11": "November 2023", "2024-09": "September 2024", "2024-05": "May 2024"}
    assert all(english[d] in text for _, d in months)
    assert 'fill="url(#hatch-wide)"' in text and 'fill="url(#hatch-narrow)"' in text  # ranges, not days
    data = twin(client, "/pictures/timeline.json")
    summit = next(i for i in data["items"] if i["iri"].endswith("/ai-seoul-summit-2024") and i["lane"] == "event")
    assert {v["when"]["value"] for v in summit["start"]} == {"2024-05", "2024-05-21", "2024-05-22"}
    assert summit["disagreement"].endswith("disagreement-ai-seoul-summit-2024-startdate")
    assert "21 May 2024 / 22 May 2024 – 22 May 2024 (disputed)" in text
    assert "tl-day disputed" in text and "tl-link" in text
    french, _ = get(client, "/pictures/timeline?lang=fr")
    assert "21 mai 2024 / 22 mai 2024 – 22 mai 2024 (contesté)" in french and "novembre 2023" in french


def order(text: str) -> list[str]:
    """The actors of the matrix's rows, in order."""
    return re.findall(r'<tr><th scope="row"><a href="/(id/[^"?]+)', text.split("matrix-quotes")[0])


def test_matrix_sorts_and_filters_by_query_string(app: Flask, client: FlaskClient) -> None:
    data = twin(client, "/pictures/matrix.json")
    counts: dict[str, set[str]] = {}
    for cell in data["cells"]:
        counts.setdefault(cell["actor"], set()).add(cell["column"])
    text, page = get(client, "/pictures/matrix")
    assert len(order(text)) == len(counts)
    by_count, _ = get(client, "/pictures/matrix?sort=count")
    sizes = [len(counts[app.config["BASE_IRI"] + a]) for a in order(by_count)]
    assert sizes == sorted(sizes, reverse=True) and order(by_count) != order(text)
    companies = {
        r[0] for r in rows(app, "SELECT ?c WHERE { GRAPH ?g { ?c a <https://w3id.org/govkg/ontology#Company> } }")
    }
    only, _ = get(client, "/pictures/matrix?kind=Company&sort=count")
    assert order(only) and {app.config["BASE_IRI"] + a for a in order(only)} <= companies
    assert 'aria-current="page">company' in only or "company (" in only
    unknown, _ = get(client, "/pictures/matrix?kind=Nonsense&sort=sideways")
    assert order(unknown) == order(text)
    marks = [h for h, cls in page.links if "mark" in cls]
    assert len(marks) == len(data["cells"]) and all(m.startswith(("/id/", "/claim/")) for m in marks)


def test_matrix_csv_twin(client: FlaskClient) -> None:
    response = client.get("/pictures/matrix.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0][:4] == ["actor", "actor_en", "actor_fr", "relation"]
    assert len(table) - 1 == len(twin(client, "/pictures/matrix.json")["cells"])
    assert {r[3] for r in table[1:]} >= {"adopted", "signed", "committed"}


def test_network_nodes_link_to_their_pages(client: FlaskClient) -> None:
    data = twin(client, "/pictures/network.json")
    _, page = get(client, "/pictures/network")
    nodes = {n["iri"] for n in data["nodes"]}
    assert len(nodes) > 30 and len(data["links"]) > len(nodes)
    local = [h for h, _ in page.links if h.startswith("/id/")]
    assert len(set(local)) >= len(nodes)
    assert all(0 <= n["x"] <= 1100 and 0 <= n["y"] <= 760 for n in data["nodes"])


def test_map_states_by_iso_code_and_role(app: Flask, client: FlaskClient) -> None:
    states = rows(app, "SELECT ?s ?n WHERE { ?s <https://w3id.org/govkg/ontology#iso3166Numeric> ?n }")
    data = twin(client, "/pictures/map.json")
    assert {(s["iri"], s["numeric"]) for s in data["states"]} == {(s, n) for s, n in states}
    text, page = get(client, "/pictures/map")
    drawn = {h for h, _ in page.links if h.startswith("/id/")}
    assert len(drawn) >= len(states) - 1  # Singapore is too small for the 1:110m outlines
    assert "Too small to be drawn at this scale" in text and ">Singapore</a>" in text
    assert "European Union" in text.split('id="others-title"')[1]  # not a state: listed beside the map
    committed = [s for s in data["states"] if "committed" in s["roles"]]
    chosen, _ = get(client, "/pictures/map?role=committed")
    assert chosen.count('class="role-committed"') == len([s for s in committed if s["numeric"] != "702"])
    assert chosen.count('class="role-other"') == len([s for s in data["states"] if s not in committed])


@ONE
def test_marks_nodes_and_states_lead_to_their_pages(client: FlaskClient) -> None:
    _, matrix = get(client, "/pictures/matrix")
    act = next(h for h, cls in matrix.links if "mark" in cls and "adoption" in h)
    text, _ = get(client, act)  # the act's page lists the sourced claims quoting it
    assert "/claim/" in text
    for name in ("network", "map"):
        _, page = get(client, f"/pictures/{name}")
        assert client.get(next(h for h, _ in page.links if h.startswith("/id/"))).status_code == 200


@ONE
def test_labels_in_the_chosen_language(client: FlaskClient) -> None:
    text, _ = get(client, "/pictures/map", **{"Accept-Language": "fr"})
    assert 'lang="fr"' in text and "Carte des États" in text and ">Royaume-Uni</a>" in text
    assert 'href="/id/united-kingdom"' in text  # chosen by the header: links carry no parameter
    chosen, _ = get(client, "/pictures/matrix?lang=fr")
    assert 'href="/id/france?lang=fr"' in chosen and "par nombre d&#39;instruments" in chosen


@ONE
def test_conditional_requests(client: FlaskClient) -> None:
    first = client.get("/pictures/network")
    again = client.get("/pictures/network", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    french = client.get("/pictures/network?lang=fr")
    assert french.headers["ETag"] != first.headers["ETag"]


HOSTILE = """@prefix gk: <https://w3id.org/govkg/ontology#> .
@prefix gkd: <https://w3id.org/govkg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
gkd:evil-pact a gk:Instrument ; rdfs:label "<script>alert(1)</script>"@en ;
    gk:adoptedAt gkd:ai-seoul-summit-2024 .
gkd:evil-act gk:accountOf gkd:evil-act ; gk:endorsedInstrument gkd:evil-pact ;
    gk:adopter gkd:evil-state .
gkd:evil-state a gk:State , gk:Actor ; rdfs:label "\\"><img src=x onerror=alert(2)>"@en ;
    skos:altLabel "<b>x</b>"@en ; gk:iso3166Alpha2 "FR" .
"""


@pytest.fixture(scope="module")
def hostile(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """A client of an app serving the project's dataset and a graph of hostile labels."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    path.write_text(HOSTILE, "utf-8")
    graph = f"https://w3id.org/govkg/graph/hostile-pictures={path}"
    app = create_app({"DATASET": str(built), "GRAPHS": [graph], "QUERY_WORKERS": 0, "TESTING": True})
    yield app.test_client()
    app.extensions["govkg"].runner.close()


@pytest.mark.parametrize("name", PICTURES)
def test_hostile_labels_are_text(hostile: FlaskClient, name: str) -> None:
    text, page = get(hostile, f"/pictures/{name}")
    assert "<script>alert" not in text and "<img src=x" not in text and "<b>x</b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or "&#34;&gt;&lt;img src=x" in text
    assert page.scripts == 0 and page.styled == 0
