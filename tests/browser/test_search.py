"""The search box in real Chromium: suggestions as you type ("seoul" and "Séoul"), chosen with the keyboard (the
ARIA combobox pattern), in the page's language, and the plain form when no suggestion is chosen."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser.kit import blocking

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

BOX = "#q"
DECLARATION = {
    "en": "Seoul Declaration for safe, innovative and inclusive AI",
    "fr": "Déclaration de Séoul pour une IA",
}


def suggestions(page: Page, text: str) -> Locator:
    """Type `text` into the box as a person would and wait for the list of suggestions."""
    box = page.locator(BOX)
    box.fill("")
    box.press_sequentially(text, delay=30)
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    listbox.wait_for(state="visible")
    page.wait_for_function(
        "([box, text]) => document.querySelector(box).getAttribute('aria-expanded') === 'true'"
        " && document.querySelector('[role=status]').textContent !== ''",
        arg=[BOX, text],
    )
    return listbox.locator('[role="option"]')


def choose(page: Page, options: Locator, wanted: str) -> None:
    """Move down the list with the arrow key to the option starting with `wanted`, checking the ARIA state."""
    labels = [options.nth(i).locator(".label").inner_text() for i in range(options.count())]
    index = next(i for i, label in enumerate(labels) if label.startswith(wanted))
    for _ in range(index + 1):
        page.keyboard.press("ArrowDown")
    active = page.locator(BOX).get_attribute("aria-activedescendant")
    assert active == options.nth(index).get_attribute("id")
    assert options.nth(index).get_attribute("aria-selected") == "true"
    assert page.locator('[role="option"][aria-selected="true"]').count() == 1


@pytest.mark.parametrize("text", ["seoul", "Séoul"])
def test_type_choose_with_the_keyboard_and_land_on_the_page(page: Page, text: str) -> None:
    page.goto("/")
    options = suggestions(page, text)
    assert 2 <= options.count() <= 8
    assert options.first.locator(".label").inner_text() == "Seoul"  # the exact name first
    choose(page, options, DECLARATION["en"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/id/seoul-declaration$"))
    assert DECLARATION["en"] in page.locator("h1").inner_text()


def test_escape_closes_then_clears_and_enter_sends_the_form(
    page: Page, axe: Callable[[Page], dict[str, list[str]]], shoot: Callable[[Page, str], list[Path]]
) -> None:
    page.goto("/search")
    options = suggestions(page, "Séoul")
    assert options.count() >= 2
    assert not blocking(axe(page))  # the open listbox too
    shoot(page, "search-suggestions")
    box = page.locator(BOX)
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and page.locator('[role="listbox"]').is_hidden()
    assert box.input_value() == "Séoul"
    box.press("Escape")
    assert box.input_value() == ""
    suggestions(page, "etats unis")
    box.press("Enter")  # no suggestion chosen: the form goes to the search page, as without JavaScript
    page.wait_for_url(re.compile(r"/search\?q=etats\+unis$"))
    assert page.locator("ol.hits li").first.locator("a").get_attribute("href") == "/id/united-states"


@pytest.mark.parametrize("locale", ["fr-FR"])
def test_suggestions_follow_the_language_and_the_switch(page: Page, locale: str) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    options = suggestions(page, "seoul decl")
    assert options.first.locator(".label").inner_text().startswith(DECLARATION["fr"])
    page.locator("a.switch").click()
    page.wait_for_url(re.compile(r"lang=en"))
    options = suggestions(page, "seoul decl")
    choose(page, options, DECLARATION["en"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/id/seoul-declaration\?lang=en$"))
    assert page.locator("html").get_attribute("lang") == "en"
