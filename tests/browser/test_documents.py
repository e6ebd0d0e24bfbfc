"""Document pages in real Chromium: a quote's anchor shows its highlighted text, exactly even after an astral
character (JavaScript counts UTF-16 units, the graph code points), a highlighted passage lists every fact it
supports, the facts sit beside the text (below it on a phone), and the index leads to each document."""

from __future__ import annotations

import hashlib
import json
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from browser.kit import VIEWPORTS, blocking
from conftest import LiveServer, start_server
from govkg.namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    from playwright.sync_api import Page

DOCUMENT = "001_368847d3598048c1"  # a news article with page chrome, nested and crossing quotes
ASTRAL_TEXT = "Titre\n\n\U0001d538😀 Le sommet de Séoul s'ouvre."
ASTRAL_QUOTE = "Le sommet de Séoul"


def twin(site: LiveServer, name: str) -> dict[str, Any]:
    """A document page's JSON twin, as served."""
    with urllib.request.urlopen(f"{site.url}/documents/{name}.json", timeout=30) as response:
        found: dict[str, Any] = json.load(response)
    return found


def exact_quote(facts: list[dict[str, Any]]) -> dict[str, Any]:
    """The first long quote crossing no other (its anchor holds exactly its text), past the first screen."""
    spans = [(f["start"], f["end"]) for f in facts]
    crosses = lambda s, e: any(a < s < b < e or s < a < e < b for a, b in spans)  # noqa: E731
    return next(f for f in facts if f["start"] > 1500 and len(f["exact"]) > 20 and not crosses(f["start"], f["end"]))


def test_a_quote_anchor_shows_its_highlighted_text(page: Page, site: LiveServer) -> None:
    fact = exact_quote(twin(site, DOCUMENT)["facts"])
    page.goto(f"/source/{DOCUMENT}#{fact['id']}")
    target = page.locator(":target")
    assert target.count() == 1 and target.is_visible()
    assert target.text_content() == fact["exact"]
    box, height = target.bounding_box(), VIEWPORTS["desktop"]["height"]
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height  # scrolled into view
    style = target.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).backgroundColor]")
    plain = page.evaluate("getComputedStyle(document.querySelector('mark.q:not(:target)')).backgroundColor")
    assert style[0] != "none" and style[1] != plain  # emphasised beyond an ordinary highlight


@pytest.fixture(scope="module")
def astral(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of one document whose quote follows two astral characters (its text in its own sources folder)."""
    folder = tmp_path_factory.mktemp("astral")
    (folder / "a.txt").write_bytes(ASTRAL_TEXT.encode("utf-8"))
    start, base = ASTRAL_TEXT.index(ASTRAL_QUOTE), DEFAULT_BASE
    data = f"""<{base}source/a> a <{base}ontology#SourceDocument> ; <http://purl.org/dc/terms/identifier> "a.txt" ;
  <{base}ontology#sha256> "{hashlib.sha256(ASTRAL_TEXT.encode("utf-8")).hexdigest()}" .
<{base}claim/a-1> a <{base}ontology#Claim> ; <http://www.w3.org/ns/prov#wasDerivedFrom> <{base}source/a> ;
  <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <{base}id/x> ;
  <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <http://purl.org/dc/terms/title> ;
  <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> "{ASTRAL_QUOTE}" ;
  <http://www.w3.org/ns/oa#hasTarget> [ <http://www.w3.org/ns/oa#hasSelector> [
    <http://www.w3.org/ns/oa#start> {start} ; <http://www.w3.org/ns/oa#end> {start + len(ASTRAL_QUOTE)} ] ] .
"""
    (folder / "a.ttl").write_text(data, encoding="utf-8")
    graph = f"{base}graph/source/a={folder / 'a.ttl'}"
    server = start_server("--no-project", "--graph", graph, "--workers", "0", env={"GOVKG_SOURCES": str(folder)})
    yield server
    server.stop()


def test_a_quote_after_an_astral_character_highlights_exactly(page: Page, astral: LiveServer) -> None:
    page.goto(f"{astral.url}/source/a#q-a-1")
    assert page.locator(":target").text_content() == ASTRAL_QUOTE
    shown = page.locator("#doc-text").text_content() or ""
    assert shown == ASTRAL_TEXT and shown.index(ASTRAL_QUOTE) == ASTRAL_TEXT.index(ASTRAL_QUOTE)
    utf16 = page.evaluate("q => document.getElementById('doc-text').textContent.indexOf(q)", ASTRAL_QUOTE)
    assert utf16 == ASTRAL_TEXT.index(ASTRAL_QUOTE) + 2  # what offsets counted in the browser would have missed


def test_a_highlighted_passage_lists_every_fact_it_supports(page: Page, site: LiveServer) -> None:
    runs = [s for s in twin(site, DOCUMENT)["segments"] if s["claims"]]
    page.goto(f"/source/{DOCUMENT}")
    links = page.locator("#doc-text a.doc-seg")
    assert links.count() == len(runs)
    index = next(i for i, run in enumerate(runs) if len(run["claims"]) >= 3)
    link = links.nth(index)
    assert link.text_content() == runs[index]["text"]
    assert (link.get_attribute("title") or "").count(" · ") == len(runs[index]["claims"]) - 1  # hover lists them
    link.click()
    note = page.locator(".doc-note:target")
    assert note.is_visible() and note.locator("li").count() == len(runs[index]["claims"])
    hrefs = note.locator("li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [f"#f-{key}" for key in runs[index]["claims"]]
    note.locator("li a").first.click()
    assert page.locator(".doc-quotes li:target").is_visible()


def test_the_facts_sit_beside_the_text_and_below_it_on_a_phone(
    page: Page, axe: Callable[[Page], dict[str, list[str]]], shoot: Callable[[Page, str], list[Path]]
) -> None:
    page.goto(f"/source/{DOCUMENT}")
    assert not blocking(axe(page))
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)  # the stylesheet's media queries apply without a reload
        text, facts = (page.locator(s).bounding_box() for s in ("#doc-text", ".doc-side"))
        assert text is not None and facts is not None
        if viewport == "phone":
            assert facts["y"] >= text["y"] + text["height"]
        else:
            assert facts["x"] >= text["x"] + text["width"] and facts["y"] < text["y"] + text["height"]
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, viewport
    shoot(page, "document")


def test_the_index_leads_to_each_document_in_either_language(
    page: Page, axe: Callable[[Page], dict[str, list[str]]], shoot: Callable[[Page, str], list[Path]]
) -> None:
    page.goto("/documents?lang=fr")
    rows = page.locator("table.doc-index tbody tr")
    assert rows.count() >= 5 and not blocking(axe(page))
    shoot(page, "documents")
    rows.first.locator("a").click()
    assert page.locator("h2#doc-text-title").text_content() == "Texte"
    assert page.locator("#doc-text mark.q").count() > 10
    page.locator("a.switch").click()
    assert page.locator("h2#doc-text-title").text_content() == "Text"
