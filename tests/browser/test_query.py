"""The query editor and the example gallery in real Chromium: an example loads into the editor and runs, its rows
show with local links and sort; the inference switch, inline syntax errors, completion of govkg's own terms, the
permalink and the downloads; no request leaves 127.0.0.1 and nothing is logged (the `page` fixture checks)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from browser.kit import Traffic, blocking

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
QUERIES = {path.stem: path for path in sorted((ROOT / "queries").glob("*.rq"))}
EXPECTED = ROOT / "tests" / "queries" / "expected"
INSTRUMENTS = "18-instruments-by-type"  # a SELECT with IRIs and labels, several rows
ADOPTS = "02-seoul-declaration-adopters-inferred"  # answers only with the inferred graph
ROWS = ".yasr table.dataTable tbody tr"


def expected_rows(name: str) -> list[list[str]]:
    """The rows the documents say a competency question answers (tests/queries/expected)."""
    with (EXPECTED / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))[1:]


def column(page: Page, index: int) -> list[str]:
    """The texts of one column of the results table's current page (index 0 is the row number)."""
    cells: list[str] = page.eval_on_selector_all(
        ROWS, "(rows, i) => rows.map(r => r.querySelectorAll('td')[i].innerText.trim())", index
    )
    return cells


def editor_text(page: Page) -> str:
    text: str = page.evaluate("document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    return text


def run(page: Page) -> None:
    """Run the editor's query and wait for its answer."""
    with page.expect_response(lambda r: urlsplit(r.url).path == "/sparql"):
        page.click(".yasqe_queryButton")


def test_gallery_example_runs_in_the_editor_with_local_links_and_sorts(
    page: Page, shoot: Callable[[Page, str], list[Path]]
) -> None:
    from playwright.sync_api import expect

    page.goto("/examples")
    page.click(f'[id="{INSTRUMENTS}"] a.open')
    page.wait_for_selector(ROWS)
    assert page.url.startswith(page.url.split("/query")[0] + "/query?")
    assert page.locator(ROWS).count() == len(expected_rows(INSTRUMENTS))
    hrefs = page.eval_on_selector_all(".yasr tbody a.iri", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("/") for h in hrefs), hrefs  # IRIs under the base open this site's pages
    assert re.fullmatch(r"gkd?:\S+", page.locator(".yasr tbody a.iri").first.inner_text())
    header = page.locator(".tabPanel.active .yasr thead th").filter(has_text="label_en")
    index = page.eval_on_selector_all(".yasr thead th", "ths => ths.map(t => t.innerText.trim())").index("label_en")
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    ascending = column(page, index)
    assert ascending == sorted(ascending, key=str.casefold) or ascending == sorted(ascending)
    page.wait_for_timeout(800)  # two clicks in quick succession make a double click, which DataTables ignores
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert column(page, index) == ascending[::-1]
    shoot(page, "query-results")


def test_permalink_and_downloads_carry_the_query(page: Page) -> None:
    query = QUERIES[INSTRUMENTS].read_text(encoding="utf-8")
    page.goto("/query?" + urlencode({"query": query}))
    page.wait_for_selector(ROWS)
    permalink, shown = page.get_attribute("#query-permalink", "href") or "", editor_text(page)
    assert parse_qs(urlsplit(permalink).query)["query"][0] == shown
    links = dict(page.eval_on_selector_all("#query-downloads a", "as => as.map(a => [a.textContent, a.href])"))
    assert set(links) == {"CSV", "JSON", "TSV"}
    answer = page.request.get(links["CSV"])
    assert answer.ok and answer.headers["content-type"].startswith("text/csv")
    assert len(answer.text().strip().splitlines()) == len(expected_rows(INSTRUMENTS)) + 1
    page.goto("/query")
    page.locator(".tabsRow > .addTab").click()  # another tab, then the permalink: the query comes back
    page.goto(permalink)
    page.wait_for_selector(ROWS)
    assert editor_text(page) == shown


def test_inference_switch_leaves_the_inferred_graph_out(page: Page) -> None:
    page.goto("/query?" + urlencode({"query": QUERIES[ADOPTS].read_text(encoding="utf-8")}))
    page.wait_for_selector(ROWS)
    assert page.locator(ROWS).count() == len(expected_rows(ADOPTS)) > 0
    page.uncheck("#query-infer")
    with page.expect_request(lambda r: "infer=false" in r.url and urlsplit(r.url).path == "/sparql"):
        page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr .dt-empty")
    assert "infer=false" in (page.get_attribute("#query-permalink", "href") or "")


def test_syntax_error_shows_inline_and_keeps_the_query(page: Page, traffic: Traffic) -> None:
    traffic.expect(r"status of 400")  # the browser logs the endpoint's 400 answer, which the page shows
    broken = "SELECT * WHERE { ?s ?p }"
    page.goto("/query?" + urlencode({"query": broken}))
    page.wait_for_selector(".yasr .errorResult")
    assert "syntax error" in page.locator(".yasr .errorResult").inner_text()
    assert editor_text(page) == broken
    assert page.locator(".yasqe .CodeMirror-gutter-elt .parseErrorIcon, .yasqe .parseErrorIcon").count() >= 1


@pytest.mark.parametrize("locale", ["fr-FR"])
def test_completion_offers_govkg_classes(page: Page, traffic: Traffic, locale: str) -> None:
    page.goto("/query?" + urlencode({"query": "SELECT * WHERE { ?x a gk:Adopt"}))
    page.wait_for_selector(".yasr .errorResult, " + ROWS)
    traffic.expect(r"status of 400")  # the incomplete query, run on load
    page.locator(".tabPanel.active .CodeMirror").click()
    page.keyboard.press("End")
    page.keyboard.press("Control+End")
    page.keyboard.press("Control+Space")
    hints = page.locator(".CodeMirror-hints li")
    hints.first.wait_for()
    assert any(text.startswith("gk:Adoption — ") for text in hints.all_inner_texts())  # with its French label
    assert any(urlsplit(u).path == "/query/terms.json" for u in traffic.requests)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_results_page_has_no_serious_accessibility_violation(
    page: Page, axe: Callable[[Page], dict[str, list[str]]], viewport: str
) -> None:
    page.goto("/query?" + urlencode({"query": QUERIES[INSTRUMENTS].read_text(encoding="utf-8")}))
    page.wait_for_selector(ROWS)
    assert not blocking(axe(page))


def test_the_keyboard_reaches_the_editor_and_leaves_it(page: Page) -> None:
    """The editor does not take the focus on load (the skip link comes first), and Esc then Tab leaves it."""
    page.goto("/query")
    page.wait_for_selector(".tabPanel.active .CodeMirror")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')")
    page.locator(".tabPanel.active .CodeMirror").click()
    typing = "document.activeElement === document.querySelector('.tabPanel.active .CodeMirror textarea')"
    page.keyboard.press("Tab")  # indents: the focus stays in the text
    assert page.evaluate(typing)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate(typing) and page.evaluate("document.activeElement.tagName") == "BUTTON"


@pytest.mark.parametrize("locale", ["fr-FR"])
def test_the_editor_speaks_the_page_language(page: Page, locale: str) -> None:
    """In French, YASGUI's own words are French too: the line above the results, the run button, the table's
    controls (their names for screen readers included)."""
    page.goto("/query?" + urlencode({"query": QUERIES[INSTRUMENTS].read_text(encoding="utf-8")}))
    page.wait_for_selector(ROWS)
    assert re.fullmatch(r"\d+ lignes en [\d,]+ s", page.locator(".yasr_response_chip").inner_text().strip())
    names: list[str] = page.eval_on_selector_all(
        "#query-editor [title], #query-editor [aria-label]",
        "els => els.filter(e => e.checkVisibility() && !e.closest('tbody'))"
        ".map(e => [e.getAttribute('aria-label'), e.getAttribute('title')].filter(Boolean).join(' | '))",
    )
    english = re.compile(r"\b(Run|Shows?|Download|Activate|First|Previous|Next|Last|Close|pagination)\b")
    assert not [name for name in names if english.search(name)], names
    assert "Exécuter la requête (Ctrl-Entrée) | Exécuter la requête (Ctrl-Entrée)" in names
    assert page.locator(".tableSizer option[value='-1']").inner_text() == "Toutes"
