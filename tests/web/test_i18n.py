"""The interface language (govkg.web.i18n): how it is chosen, messages and labels falling back to the other
language, links keeping an explicit choice, Vary: Accept-Language, and machine URLs that never carry it."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from govkg.web.i18n import LANGUAGES, choose, keep, label, load, text, with_lang

HTML = {"Accept": "text/html"}
ONE = pytest.mark.parametrize("app", ["oxigraph"], indirect=True)  # the language does not depend on the engine


def accept(header: str) -> LanguageAccept:
    """An Accept-Language header as Werkzeug parses it."""
    return parse_accept_header(header, LanguageAccept)


@pytest.mark.parametrize(
    ("given", "header", "expected"),
    [
        ("fr", "en", ("fr", True)),  # the parameter beats the header
        ("en", "fr", ("en", True)),
        ("de", "fr-FR,fr;q=0.9", ("fr", False)),  # an unknown parameter is ignored
        ("FR", "", ("en", False)),  # parameter values are exact
        (None, "fr-CA", ("fr", False)),  # a regional variant matches its language
        (None, "de, fr;q=0.5, en;q=0.4", ("fr", False)),  # the best of those offered
        (None, "en;q=0.2, fr;q=0.8", ("fr", False)),
        (None, "de, ja", ("en", False)),  # nothing offered: the default
        (None, "", ("en", False)),
        (None, "fr;q=0", ("en", False)),  # refused
    ],
)
def test_choose(given: str | None, header: str, expected: tuple[str, bool]) -> None:
    assert choose(given, accept(header)) == expected


def test_messages_fall_back_to_the_other_language_then_the_key() -> None:
    messages = {"both": {"en": "Hello {name}", "fr": "Bonjour {name}"}, "english": {"en": "Only"}, "empty": {"fr": ""}}
    assert text(messages, "both", "fr", name="<b>") == "Bonjour <b>"  # escaped by the template, not here
    assert text(messages, "english", "fr") == "Only"
    assert text(messages, "empty", "fr") == "empty" and text(messages, "missing", "en") == "missing"


def test_labels_fall_back_to_the_other_language_then_any_then_the_fallback() -> None:
    assert label({"en": "Seoul", "fr": "Séoul"}, "fr") == "Séoul"
    assert label({"en": "Seoul"}, "fr") == "Seoul"
    assert label({"ko": "서울", "de": "Seoul (de)"}, "fr") == "Seoul (de)"  # any language, in a stable order
    assert label({"": "untagged"}, "en") == "untagged"
    assert label({}, "fr", "gkd:x") == "gkd:x" and label({"fr": ""}, "fr", "x") == "x"


def test_every_message_is_in_both_languages_and_defined_once() -> None:
    """Each table of messages/*.json gives every key in French and English; `load` merges them, refusing a key
    defined twice (so the merged table holds every key of every file)."""
    folder = resources.files("govkg.web") / "messages"
    tables = {e.name: json.loads(e.read_text("utf-8")) for e in folder.iterdir() if e.name.endswith(".json")}
    assert {"base.json", "home.json", "search.json"} <= set(tables)
    for name, table in tables.items():
        for key, forms in table.items():
            assert set(forms) == set(LANGUAGES) and all(forms.values()), f"{name}: {key}"
    assert len(load()) == sum(len(table) for table in tables.values())


def test_with_lang_replaces_and_keeps_the_rest() -> None:
    assert with_lang("/search?q=a&lang=en", "fr") == "/search?q=a&lang=fr"
    assert with_lang("/id/x#part", "fr") == "/id/x?lang=fr#part"


@ONE
def test_keep_only_when_chosen_explicitly(app: Flask) -> None:
    for query, kept in (("?lang=fr", "/id/france?lang=fr"), ("", "/id/france")):
        with app.test_request_context("/" + query, headers={"Accept-Language": "fr"}):
            app.preprocess_request()
            assert keep("/id/france") == kept
            assert keep("https://example.org/x") == "https://example.org/x"  # only local links


@ONE
@pytest.mark.parametrize("path", ["/", "/search?q=seoul", "/about", "/id/seoul-declaration", "/download/"])
def test_every_page_switches_and_keeps_the_language(client: FlaskClient, path: str) -> None:
    join = "&" if "?" in path else "?"
    french = client.get(path + join + "lang=fr", headers=HTML).get_data(as_text=True)
    assert '<html lang="fr">' in french
    switch = re.search(r'<a class="switch" href="([^"]+)" hreflang="en"', french)
    assert switch and "lang=en" in switch.group(1) and switch.group(1).startswith(path.partition("?")[0])
    nav = re.findall(r'<li><a href="([^"]+)">', french[french.index("<nav") : french.index("</nav>")])
    assert nav and all("lang=fr" in href for href in nav)
    by_header = client.get(path, headers={**HTML, "Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    assert '<html lang="fr">' in by_header.get_data(as_text=True)
    assert "Accept-Language" in by_header.headers["Vary"]
    assert "Accept-Language" not in client.get(path + join + "lang=fr", headers=HTML).headers.get("Vary", "")


@ONE
def test_labels_fall_back_on_pages(client: FlaskClient) -> None:
    """A label missing in French shows in English: a French page never shows a bare identifier instead."""
    found = client.get("/search.json?q=seoul+ai+business+pledge&lang=fr").json["results"][0]
    assert found["label"] == "Seoul AI Business Pledge"  # the data has no French label for it
    page = client.get("/?lang=fr", headers=HTML).get_data(as_text=True)
    assert ">Seoul AI Business Pledge</a>" in page


@ONE
@pytest.mark.parametrize("path", ["/.well-known/void", "/sparql", "/"])
def test_machine_urls_never_carry_the_language(client: FlaskClient, path: str) -> None:
    for query in ("?lang=fr&format=turtle", "?format=turtle"):
        body = client.get(path + query, headers={"Accept-Language": "fr"}).get_data(as_text=True)
        assert "lang=" not in body and "http://localhost/sparql" in body
    page = client.get("/?lang=fr", headers=HTML).get_data(as_text=True)
    assert 'href="/sparql"' in page and 'href="/reconcile/"' in page and "/static/govkg.css" in page
    about = client.get("/about?lang=fr", headers=HTML).get_data(as_text=True)
    assert 'href="http://localhost/download/govkg.nq"' in about and "download/govkg.nq?lang" not in about


@ONE
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/\\evil.example/x", "/%5Cevil.example/x?lang=fr"),  # a browser reads "/\host" as "//host"
        ("//evil.example/x", "/evil.example/x?lang=fr"),
        ("/search?q=%3Cb%3E%22&lang=en", "/search?q=%3Cb%3E%22&amp;lang=fr"),
        ("/id/c%C3%B4te%20d'ivoire", "/id/c%C3%B4te%20d&#39;ivoire?lang=fr"),
    ],
)
def test_the_switch_stays_on_this_site(client: FlaskClient, path: str, expected: str) -> None:
    """The switch is this page's path written again from one slash: nothing in a request target links off-site."""
    sent = {"environ_overrides": {"PATH_INFO": path}} if path.startswith("//") else {}  # not a URL's host here
    page = client.get("/" if sent else path, headers=HTML, **sent)
    switch = re.search(r'<a class="switch" href="([^"]+)" hreflang="fr"', page.get_data(as_text=True))
    assert switch and switch.group(1) == expected
