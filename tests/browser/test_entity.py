"""Entity pages in real Chromium: open the Seoul Declaration, open a "why?" from the keyboard, follow it to the
document page where the highlighted quote is the target; follow an inferred fact (France adopts the declaration)
to its justification, its inferred premise's own, and the quotes they end in (axe-core finds nothing serious in
them). Screenshots: build/screenshots/entity-why-*.png, entity-justification-*.png."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser.kit import blocking

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


def open_why(details: Locator) -> None:
    """Open a `<details>` from the keyboard: focus its summary, press Enter."""
    details.locator(":scope > summary").focus()
    details.page.keyboard.press("Enter")
    assert details.get_attribute("open") is not None


def test_why_shows_the_sentence_and_leads_to_the_quote_in_its_document(
    page: Page, shoot: Callable[[Page, str], list[Path]]
) -> None:
    page.goto("/id/seoul-declaration")
    why = page.locator("#stated details.why").first
    assert not why.locator("figure.quote").first.is_visible()  # closed until asked
    open_why(why)
    quote = why.locator("figure.quote").first
    mark = quote.locator("mark")
    assert quote.is_visible() and mark.is_visible()
    sentence, exact = quote.locator("blockquote").inner_text(), mark.inner_text()
    assert exact and len(sentence) > len(exact) and exact in sentence
    shoot(page, "entity-why")
    link = quote.locator("a.to-quote")
    href = link.get_attribute("href") or ""
    assert href.startswith("/source/") and "#q-" in href
    link.click()
    page.wait_for_url("**" + href)
    target = page.locator(":target")
    assert target.count() == 1 and target.is_visible() and target.inner_text() == exact


@pytest.mark.parametrize("locale", ["fr-FR"])
def test_an_inferred_fact_leads_to_its_justification_and_its_quotes(
    page: Page, shoot: Callable[[Page, str], list[Path]], axe: Callable[[Page], dict[str, list[str]]]
) -> None:
    page.goto("/id/france")
    assert page.locator("h1").inner_text() == "France" and page.locator("html").get_attribute("lang") == "fr"
    group = page.locator("#inferred section.group", has=page.locator('h3 a[title="gk:adopts"]'))
    fact = group.locator("ul.facts > li").first
    assert fact.locator(":scope > a").inner_text().startswith("Déclaration de Séoul")
    why = fact.locator(":scope > details.why")
    assert why.locator(":scope > summary").inner_text() == "pourquoi ?"
    open_why(why)
    rule = why.locator(":scope > .step > p.rule")
    assert "par la chaîne de propriétés" in rule.inner_text()
    assert (
        rule.locator('a[title="gk:adopterIn"]').is_visible()
        and rule.locator('a[title="gk:endorsedInstrument"]').is_visible()
    )
    premises = why.locator(":scope > .step > ul.premises > li")
    assert premises.count() == 2
    inferred = premises.nth(0).locator(":scope > details.why")  # France is an adopter in the act: itself inferred
    open_why(inferred)
    assert "l'inverse de" in inferred.locator(":scope > .step > p.rule").inner_text()
    stated = inferred.locator(":scope > .step > ul.premises > li > details.why").first
    open_why(stated)
    assert stated.locator("mark").first.inner_text() == "la France"
    quoted = premises.nth(1).locator(":scope > details.why")  # the act's instrument: stated, quoted
    open_why(quoted)
    assert quoted.locator("mark").first.is_visible()
    shoot(page, "entity-justification")
    assert blocking(axe(page)) == []  # the open justifications and quotes too
    link = stated.locator("a.to-quote").first
    href = link.get_attribute("href") or ""
    link.click()
    page.wait_for_url("**" + href.partition("#")[0] + "*")
    assert page.locator(":target").inner_text() == "la France"
