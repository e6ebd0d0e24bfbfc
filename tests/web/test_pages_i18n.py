"""The remaining pages in French and English (entities, ontology, downloads, the SPARQL service page, a graph,
SPARQL results, not found): interface text from the message tables, labels in the chosen language, and links
that keep an explicit choice."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from govkg.build import Build
from govkg.namespaces import DEFAULT_BASE, GK
from govkg.pages.model import GROUPS, PARTS
from govkg.web.i18n import load, text

HTML = {"Accept": "text/html"}
ONE = pytest.mark.parametrize("app", ["oxigraph"], indirect=True)  # the language does not depend on the engine
SELECT = quote("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3")
# Each page, its status, and message keys whose text it must show.
PAGES = {
    "/id/": (200, ["pages.catalogue.title", "pages.catalogue.intro", "pages.catalogue.ontology", "pages.also"]),
    "/ontology": (200, ["pages.ontology.title", "pages.ontology.lead", "pages.group.Object properties"]),
    "/download/": (200, ["pages.downloads.title", "pages.downloads.intro", "pages.downloads.all"]),
    "/sparql": (200, ["pages.service.title", "pages.service.infer", "pages.run", "pages.service.description"]),
    "/graph/asserted": (200, ["pages.subject", "pages.predicate", "pages.object", "pages.graph.caption"]),
    "/rdf-graph-store?default": (200, ["pages.graph.default"]),
    f"/sparql?query={SELECT}": (200, ["pages.results.title", "pages.query.label", "pages.results.caption"]),
    "/sparql?query=ASK%7B%7D": (200, ["pages.results.answer"]),
    "/id/no-such-thing": (404, ["pages.not_found.title", "pages.not_found.lead", "pages.not_found.start"]),
}
MESSAGES = load()


def get(client: FlaskClient, path: str, lang: str | None = None, **headers: str) -> str:
    """A page's HTML (`lang=` added when given), checked to have the page's status."""
    url = path if lang is None else path + ("&" if "?" in path else "?") + f"lang={lang}"
    response = client.get(url, headers={**HTML, **headers})
    assert response.status_code == PAGES.get(path, (200,))[0] and response.mimetype == "text/html", url
    return response.get_data(as_text=True)


def shown(key: str, lang: str) -> str:
    """A message as it appears in a page (escaped)."""
    return str(escape(text(MESSAGES, key, lang)))


class Links(HTMLParser):
    """The local links of a page to other pages (not the language switch, nor twins, which have a type) and its
    forms' hidden language fields."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.hidden: list[str] = []
        self.forms = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        href = found.get("href") or ""
        if tag == "a" and href.startswith("/") and not {"hreflang", "type"} & set(found):  # not switch or twin
            self.hrefs.append(href)
        self.forms += tag == "form"
        if tag == "input" and found.get("name") == "lang":
            self.hidden.append(found.get("value") or "")


@ONE
@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_speaks_french_and_english(client: FlaskClient, path: str) -> None:
    keys = PAGES[path][1]
    french, english = get(client, path, "fr"), get(client, path)
    assert '<html lang="fr">' in french and '<html lang="en">' in english
    for key in keys:
        assert shown(key, "fr") in french, key
        assert shown(key, "en") in english, key
        if len(text(MESSAGES, key, "en").split()) > 2:  # a sentence (a word such as "Ontology" is also data)
            assert shown(key, "en") not in french, key
    by_header = get(client, path, **{"Accept-Language": "fr-CA,fr;q=0.9"})
    assert all(shown(key, "fr") in by_header for key in keys)


@ONE
@pytest.mark.parametrize("path", list(PAGES))
def test_links_keep_the_language(client: FlaskClient, path: str) -> None:
    """Every local link of a French page keeps `lang=fr`, but twins and static files (machine URLs); a form
    sends it along."""
    links = Links()
    links.feed(get(client, path, "fr"))
    pages = [h for h in links.hrefs if not h.startswith("/static/") and "format" not in parse_qs(urlsplit(h).query)]
    assert len(pages) > 5
    for href in pages:
        assert parse_qs(urlsplit(href).query).get("lang") == ["fr"], href
    assert links.hidden == ["fr"] * links.forms
    chosen_by_header = Links()
    chosen_by_header.feed(get(client, path, **{"Accept-Language": "fr"}))
    assert not chosen_by_header.hidden and all("lang=" not in h for h in chosen_by_header.hrefs)


def labelled(graph: Graph, node: URIRef) -> dict[str, str]:
    """A node's rdfs:label by language in a page's RDF twin, when it has one in French and one in English that
    differ (else nothing)."""
    labels = [o for o in graph.objects(node, RDFS.label) if isinstance(o, Literal)]
    found = {o.language or "": str(o) for o in labels}
    return found if len(labels) == 2 and set(found) == {"en", "fr"} and found["en"] != found["fr"] else {}


@ONE
def test_catalogue_names_classes_and_entities_in_the_chosen_language(client: FlaskClient) -> None:
    twin = Graph().parse(data=client.get("/id/?format=turtle").data, format="turtle")
    entities = [s for s in set(twin.subjects(RDF.type)) if isinstance(s, URIRef) and labelled(twin, s)]
    assert entities
    french, english = get(client, "/id/", "fr"), get(client, "/id/", "en")
    for entity in entities:
        names = labelled(twin, entity)
        assert f">{escape(names['fr'])}</a>" in french and f">{escape(names['en'])}</a>" in english


@ONE
def test_ontology_names_terms_in_the_chosen_language(client: FlaskClient) -> None:
    twin = Graph().parse(data=client.get("/ontology.ttl").data, format="turtle")
    classes = [c for c in twin.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and labelled(twin, c)]
    assert classes
    pages = {lang: get(client, "/ontology", lang) for lang in ("fr", "en")}
    for cls in classes:
        for lang, page in pages.items():
            assert f">{escape(labelled(twin, cls)[lang])}</a> <code>gk:" in page, (cls, lang)


def test_every_group_of_the_ontology_page_has_a_message() -> None:
    for group in (*(name for _, name in GROUPS), PARTS):
        assert f"pages.group.{group}" in MESSAGES


@ONE
def test_results_by_accept_language_are_not_served_from_another_languages_cache(client: FlaskClient) -> None:
    """The response cache keys /sparql answers by path, query and Accept: a page in the language Accept-Language
    chose (Vary: Accept-Language) must not be kept for readers of the other language."""
    path = "/sparql?query=ASK%7B%7D%23cache"
    for lang in ("en", "fr", "en", "fr"):
        page = get(client, path, **{"Accept-Language": lang})
        assert f'<html lang="{lang}">' in page and shown("pages.results.answer", lang) in page
    answer = client.get(path, headers={"Accept": "application/sparql-results+json"}).get_json()
    assert answer["boolean"] is True


# The generic resource pages (resource.html): a claim, a sentence and another described IRI (a reference table), each
# the first of its class in the data, with the message keys its page must show besides those of every such page.
RESOURCE_KEYS = ["resource.also", "resource.types", "resource.property", "resource.values"]
RESOURCES = {
    "claim": (GK.Claim, ["resource.group.Parts"]),
    "sentence": (GK.Sentence, ["resource.group.Parts", "resource.inbound.title"]),
    "reference": (GK.ReferenceFile, ["resource.inbound.title", "resource.subject", "resource.sources"]),
}


def described(build: Build, cls: URIRef) -> tuple[URIRef, str]:
    """The first IRI of class `cls` in the data and its local path."""
    iri = min(s for g in build.graphs.values() for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))
    return iri, "/" + iri[len(DEFAULT_BASE) :]


def as_text(message: str, page: str) -> bool:
    """Whether a page shows `message` as the text of an element (so a word of the data does not count)."""
    return re.search(f">{re.escape(str(escape(message)))}[ <]", page) is not None


@ONE
@pytest.mark.parametrize("kind", list(RESOURCES))
def test_resource_pages_speak_french(client: FlaskClient, project_build: Build, kind: str) -> None:
    """Interface text from resource.json, none of its English on the French page, links that keep lang=fr."""
    cls, keys = RESOURCES[kind]
    _, path = described(project_build, cls)
    french, english = get(client, path, "fr"), get(client, path, "en")
    assert '<html lang="fr">' in french
    for key in [*RESOURCE_KEYS, *keys]:
        assert as_text(text(MESSAGES, key, "fr"), french) and as_text(text(MESSAGES, key, "en"), english), key
    for key, forms in MESSAGES.items():
        if key.startswith("resource.") and forms["en"] != forms["fr"] and "{" not in forms["en"]:
            assert not as_text(forms["en"], french), key
    links = Links()
    links.feed(french)
    pages = [h for h in links.hrefs if not h.startswith("/static/")]
    assert len(pages) > 3 and all(parse_qs(urlsplit(h).query).get("lang") == ["fr"] for h in pages), pages
    by_header = get(client, path, **{"Accept-Language": "fr"})
    assert as_text(text(MESSAGES, "resource.also", "fr"), by_header) and "lang=fr" not in by_header


@ONE
@pytest.mark.parametrize("kind", list(RESOURCES))
def test_resource_pages_name_nodes_in_the_chosen_language(client: FlaskClient, project_build: Build, kind: str) -> None:
    """Every node the page's RDF twin labels in French and in English is named in the page's language, the page's
    own IRI in its title."""
    iri, path = described(project_build, RESOURCES[kind][0])
    twin = Graph().parse(data=client.get(path + ".ttl").data, format="turtle")
    named = {s: labelled(twin, s) for s in set(twin.subjects(RDFS.label)) if isinstance(s, URIRef)}
    named = {s: labels for s, labels in named.items() if labels}
    assert len(named) > 1
    pages = {lang: get(client, path, lang) for lang in ("fr", "en")}
    for node, labels in named.items():
        for lang, page in pages.items():
            shown_as = f"<h1>{escape(labels[lang])}</h1>" if node == iri else f">{escape(labels[lang])}</a>"
            assert shown_as in page, (node, lang)


def test_every_group_of_a_resource_page_has_a_message() -> None:
    for group in (*(name for _, name in GROUPS), PARTS):
        assert f"resource.group.{group}" in MESSAGES
