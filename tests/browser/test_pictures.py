"""The pictures in real Chromium: the timeline shows the drawing meant for the width (a wide and a narrow one), no
picture needs a script; the matrix is sorted and filtered by its links alone (no
script on the page); the map highlights a role; nodes and states lead to their pages; the language switch keeps
a picture's choices. (tests/browser/test_site.py checks every picture for overflow and axe-core violations at both
widths and screenshots it.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser.kit import VIEWPORTS

if TYPE_CHECKING:
    from playwright.sync_api import Page

PICTURES = ("timeline", "matrix", "network", "map")


def counts(page: Page) -> list[int]:
    """The number of instruments on each row of the matrix, in order."""
    script = "cells => cells.map(c => c.textContent)"
    cells: list[str] = page.eval_on_selector_all("table.matrix tbody tr td:last-child", script)
    return [int(c) for c in cells]


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_timeline_drawn_for_the_width(page: Page, viewport: str) -> None:
    page.goto("/pictures/timeline")
    wide, narrow = page.locator(".frame-wide svg"), page.locator(".frame-narrow svg")
    assert (wide.is_visible(), narrow.is_visible()) == ((True, False) if viewport == "desktop" else (False, True))
    shown = narrow if viewport == "phone" else wide
    box = shown.bounding_box()
    assert box is not None and box["width"] <= VIEWPORTS[viewport]["width"]
    assert shown.locator("text.tl-date", has_text="(disputed)").first.is_visible()
    assert shown.locator("rect.tl-range").count() >= 3  # dates known only to the month or year
    own = "script:not([src]), script[src*='pictures']"  # drawn by the server: no script of their own
    assert page.locator(own).count() == 0
    for name in PICTURES[1:]:
        response = page.goto(f"/pictures/{name}")
        assert response is not None and response.status == 200, name
        assert page.locator(own).count() == 0, name
        if name == "network":  # its 100-odd links are folded away until asked for
            page.locator("main summary").click()
        assert page.locator("main table").first.is_visible(), name


def test_matrix_sorted_and_filtered_by_its_links(page: Page, shoot: Callable[[Page, str], list[Path]]) -> None:
    page.goto("/pictures/matrix")
    names = page.locator("table.matrix tbody th").all_inner_texts()
    assert names == sorted(names, key=str.casefold)
    page.get_by_role("link", name="by number of instruments").click()
    page.wait_for_url(re.compile(r"sort=count"))
    assert counts(page) == sorted(counts(page), reverse=True) and max(counts(page)) > 1
    company = page.get_by_role("link", name=re.compile(r"^company \(\d+\)$"))
    expected = int(re.findall(r"\d+", company.inner_text())[0])
    company.click()
    page.wait_for_url(re.compile(r"kind=Company"))
    assert re.search(r"sort=count", page.url)  # the order chosen is kept
    assert page.locator("table.matrix tbody tr").count() == expected
    assert page.get_by_role("link", name=re.compile(r"^company")).get_attribute("aria-current") == "page"
    shoot(page, "pictures-matrix-companies")
    mark = page.locator("a.mark").first
    mark.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/id/"))
    assert page.locator("h1").inner_text()


def test_map_role_and_a_state_page(page: Page) -> None:
    page.goto("/pictures/map")
    page.locator(".choices a", has_text="committed").click()
    page.wait_for_url(re.compile(r"role=committed"))
    assert page.locator("svg.map path.role-committed").count() >= 10
    assert page.locator(".legend .role-committed").count() == 1
    page.locator('svg.map a[href="/id/france"]').focus()  # France's outline spans two continents: by keyboard
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/id/france$"))


def test_network_node_opens_its_page(page: Page) -> None:
    page.goto("/pictures/network")
    node = page.locator('svg.network a[href="/id/seoul-declaration"]')
    assert node.count() == 1
    node.click()
    page.wait_for_url(re.compile(r"/id/seoul-declaration$"))


@pytest.mark.parametrize("locale", ["fr-FR"])
def test_language_switch_keeps_the_choices(page: Page) -> None:
    page.goto("/pictures/matrix?sort=count&kind=State")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="par nombre d'instruments").get_attribute("aria-current") == "page"
    page.locator("a.switch").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert "sort=count" in page.url and "kind=State" in page.url
    assert page.get_by_role("link", name="by number of instruments").get_attribute("aria-current") == "page"
