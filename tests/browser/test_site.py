"""Every kind of page in real Chromium, at both widths: it loads, makes no request outside 127.0.0.1, logs no
console error, does not overflow a phone screen, has no serious or critical axe-core violation, and is
screenshotted; hostile labels render as text; the skip link and the language switch work from the keyboard."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from browser.kit import HOSTILE, VIEWPORTS, Hostile, Traffic, blocking
from conftest import LiveServer
from govkg.namespaces import DEFAULT_BASE
from govkg.web import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Page

FIRST_CLAIM = "SELECT ?c WHERE { ?c a <https://w3id.org/govkg/ontology#Claim> } ORDER BY ?c LIMIT 1"
# axe's two costly rules (90% of its time on a large page) each run at the width where they can fail: contrast
# does not depend on the width (same colours, no text changes size class), targets are tightest on a phone.
AXE_OFF = {"desktop": ["target-size"], "phone": ["color-contrast"]}
HOSTILE_QUERY = "SELECT ?s ?label WHERE {{ GRAPH <{graph}> {{ ?s ?p ?label FILTER(isLiteral(?label)) }} }}"
RESULTS_QUERY = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 20"


def first_claim(site: LiveServer) -> dict[str, str]:
    """The URL values of the first claim page (by IRI), read from the graph."""
    url = f"{site.url}/sparql?{urllib.parse.urlencode({'query': FIRST_CLAIM})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        iri = json.load(response)["results"]["bindings"][0]["c"]["value"]
    assert iri.startswith(DEFAULT_BASE), iri
    return {"path": iri[len(DEFAULT_BASE) :]}


@dataclass(frozen=True)
class Target:
    """A kind of page: the endpoint serving it and its URL values (fixed, read from the graph, or the first link
    to `endpoint` on the page of `index`)."""

    name: str
    endpoint: str
    values: dict[str, str] = field(default_factory=dict)
    read: Callable[[LiveServer], dict[str, str]] | None = None
    index: str | None = None


TARGETS = (
    Target("home", "meta.home"),
    Target("search", "search.page", {"q": "seoul"}),
    Target("query", "query.editor"),
    Target("examples", "query.examples"),
    Target("entity", "resources.resource_page", {"path": "id/seoul-declaration"}),
    Target("documents", "documents.index"),
    Target("document", "resources.", index="documents.index"),  # a source's page, listed by /documents
    Target("pictures", "pictures.index"),
    Target("about", "meta.about"),
    Target("catalogue", "resources.resource_page", {"path": "id/"}),
    Target("downloads", "downloads.index"),
    Target("claim", "resources.resource_page", read=first_claim),
    Target("ontology", "resources.resource_page", {"path": "ontology"}),
    Target("void", "meta.void"),
    Target("service", "sparql.endpoint"),
    Target("results", "sparql.endpoint", {"query": RESULTS_QUERY}),
)


class Routes:
    """The site's URL map (from an app made in this process over the hostile graph alone: it registers the same
    blueprints as the served one)."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def url(self, endpoint: str, values: dict[str, str]) -> str:
        """The path of `endpoint`; fails the test, naming the endpoint, when no blueprint serves it."""
        with self.app.test_request_context():
            try:
                return self.app.url_for(endpoint, **values)
            except BuildError:
                pytest.fail(f"endpoint {endpoint} is not registered")

    def endpoint(self, url: str) -> str | None:
        """The endpoint a local URL goes to, if any."""
        adapter = self.app.url_map.bind("127.0.0.1")
        try:
            return str(adapter.match(urllib.parse.urlsplit(url).path)[0])
        except HTTPException:
            return None

    def linked(self, page: Page, prefix: str, index: str) -> list[str]:
        """The links in `index`'s main content to endpoints starting with `prefix` (other than `index`)."""
        if not any(e.startswith(prefix) and e != index for e in self.app.view_functions):
            pytest.fail(f"no endpoint {prefix}* is registered (besides {index})")
        page.goto(self.url(index, {}))
        hrefs: list[str] = page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)")
        found = [h for h in dict.fromkeys(hrefs) if (self.endpoint(h) or "").startswith(prefix)]
        return [h for h in found if self.endpoint(h) != index]

    def resolve(self, target: Target, page: Page, site: LiveServer) -> str:
        """The URL of a page of kind `target`."""
        if target.index:
            found = self.linked(page, target.endpoint, target.index)
            assert found, f"{target.index} links to no {target.endpoint}* page"
            return found[0]
        return self.url(target.endpoint, target.read(site) if target.read else target.values)


@pytest.fixture(scope="module")
def routes() -> Iterator[Routes]:
    """The URL map of the app under test."""
    app = create_app({"PROJECT": False, "GRAPHS": [f"{HOSTILE.graph}={HOSTILE.file}"], "QUERY_WORKERS": 0})
    yield Routes(app)
    app.extensions["govkg"].runner.close()


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scrolling)."""
    width: int = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    return max(width, 0)


def check(page: Page, axe: Callable[..., dict[str, list[str]]]) -> None:
    """What every page must be at both widths: no horizontal overflow, no serious or critical axe violation. The
    page is resized, not reloaded, for the phone width: the stylesheet's media queries apply all the same."""
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        assert overflow(page) == 0, f"{page.url} is {overflow(page)} px wider than {size}"
        found = blocking(axe(page, AXE_OFF[name]))
        assert not found, f"{page.url} at {size}: " + "\n".join(found)


def shot_name(url: str) -> str:
    """A screenshot name for a local URL: its path as lower-case words."""
    return re.sub(r"[^a-z0-9]+", "-", urllib.parse.urlsplit(url).path.lower()).strip("-")


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_page(
    target: Target,
    page: Page,
    site: LiveServer,
    routes: Routes,
    axe: Callable[..., dict[str, list[str]]],
    shoot: Callable[[Page, str], list[Path]],
) -> None:
    response = page.goto(routes.resolve(target, page, site))
    assert response is not None and response.status == 200, f"{page.url}: {response and response.status}"
    check(page, axe)
    assert all(path.stat().st_size > 0 for path in shoot(page, f"site-{target.name}"))


def test_each_picture(
    page: Page,
    routes: Routes,
    axe: Callable[..., dict[str, list[str]]],
    shoot: Callable[[Page, str], list[Path]],
) -> None:
    pictures = routes.linked(page, "pictures.", "pictures.index")
    assert pictures, "the pictures page links to no picture"
    for url in pictures:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        check(page, axe)
        shoot(page, "site-picture-" + shot_name(url))


def hostile_pages(routes: Routes, hostile: Hostile) -> list[str]:
    """The pages that show hostile labels as text: their own, their real neighbours', the catalogue, a search."""
    pages = [*hostile.pages, *hostile.neighbours, routes.url("resources.resource_page", {"path": "id/"})]
    if "search.page" in routes.app.view_functions:
        pages.append(routes.url("search.page", {"q": "hostile"}))
    return pages


def assert_inert(page: Page, url: str) -> None:
    """`url` loads, and nothing of the hostile labels runs or becomes markup."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert_no_markup(page, url)


def assert_no_markup(page: Page, url: str) -> None:
    """Nothing of the hostile labels ran or became markup on the page as it is now."""
    assert page.evaluate("typeof window.__pwned") == "undefined", url
    assert page.locator("script:not([src])").count() == 0, url
    assert page.locator('[href^="javascript:" i], [src^="javascript:" i]').count() == 0, url
    assert page.locator("img[onerror], svg[onload], [onclick]").count() == 0, url


def test_hostile_labels_are_text(page: Page, routes: Routes, hostile: Hostile) -> None:
    for url in hostile_pages(routes, hostile):
        assert_inert(page, url)
        assert "window.__pwned" in page.locator("main").inner_text(), f"{url} shows no hostile label"
    page.goto(hostile.pages[0])
    assert hostile.script_label in page.locator("main").inner_text()


def test_hostile_labels_in_query_results_are_text(page: Page, routes: Routes, hostile: Hostile) -> None:
    """The results table the editor draws in the browser (not the server) shows labels as text too."""
    url = routes.url("query.editor", {"query": HOSTILE_QUERY.format(graph=hostile.graph)})
    assert_inert(page, url)
    page.wait_for_selector(".yasr table tbody tr")
    assert_no_markup(page, url)
    assert hostile.script_label in page.locator(".yasr table").inner_text()


def test_hostile_labels_in_pictures_are_text(page: Page, routes: Routes) -> None:
    for url in routes.linked(page, "pictures.", "pictures.index"):
        assert_inert(page, url)


def test_harness_refuses_external_requests(page: Page, site: LiveServer, traffic: Traffic) -> None:
    """The harness itself: a request to another host is aborted and recorded, a console error is recorded."""
    from playwright.sync_api import Error

    page.goto("/")
    page.evaluate("() => console.error('expected by the harness test')")
    with pytest.raises(Error, match="ERR_BLOCKED_BY_CLIENT"):
        page.goto("https://example.org/")
    assert traffic.external == ["https://example.org/"]
    assert any("expected by the harness test" in line for line in traffic.console)
    assert f"{site.url}/" in traffic.requests
    traffic.external.clear()  # what this test provoked on purpose
    traffic.expect("expected by the harness test")


def test_skip_link_first_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')")
    assert page.locator("a.skip").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement === document.querySelector('main')")


def nav_text(page: Page) -> str:
    return page.locator("header nav").inner_text()


@pytest.mark.parametrize(("locale", "start", "other"), [("en-US", "en", "fr"), ("fr-FR", "fr", "en")])
def test_language_switch(page: Page, locale: str, start: str, other: str) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == start
    before = nav_text(page)
    page.locator("a.switch").click()
    page.wait_for_url(re.compile(rf"lang={other}"))
    assert page.locator("html").get_attribute("lang") == other
    assert nav_text(page) != before
    # Links keep the chosen language: the first navigation entry stays in it.
    page.locator("header nav a").first.click()
    assert page.locator("html").get_attribute("lang") == other
