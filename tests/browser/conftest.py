"""Browser fixtures: a live govkg server with hostile labels (`site`), Debian's Chromium driven by Playwright once per
session (`browser`), a fresh context and page per test that refuses every request leaving 127.0.0.1 and fails the
test on external requests, console errors or warnings, uncaught exceptions, failed requests and dialogs (`page`,
its record `traffic`), screenshots at both widths (`shoot`) and axe-core checks (`axe`).

A test chooses the width with `@pytest.mark.parametrize("viewport", ["desktop", "phone"])` and the browser's
language with `@pytest.mark.parametrize("locale", ["fr-FR"])`; `page.goto("/path")` is relative to the site.
Without /usr/bin/chromium or Playwright these tests skip, unless GOVKG_REQUIRE_BROWSER=1 (CI): then they fail.
Plain helpers and constants are in `browser.kit`. Besides the project's data the site serves hostile.ttl: a
declaration adopted at the AI Seoul Summit and a company endorsing the Seoul Declaration, whose labels are script
injections; they show on those pages, the catalogue, search results and pictures, always as text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from browser.kit import AXE, CHROMIUM, HOSTILE, LOCAL_HOST, VIEWPORTS, Hostile, Traffic, axe, shoot
from conftest import ROOT, LiveServer, start_server
from govkg.build import is_stale

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

TIMEOUT_MS = 10_000  # per action and navigation: a broken page fails in seconds, not Playwright's 30


def unavailable(reason: str) -> None:
    """Skip with `reason`, or fail when GOVKG_REQUIRE_BROWSER=1 (CI installs Chromium and Playwright)."""
    if os.environ.get("GOVKG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GOVKG_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, launched once per session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -c constraints.txt -e '.[test]')")
    if not CHROMIUM.is_file():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        # Host names resolve nowhere: even a request the page routing never sees cannot leave the machine.
        args = [f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}"]
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
        yield launched
        launched.close()


def dataset(request: pytest.FixtureRequest) -> Path:
    """The project's build/govkg.nq when it is up to date, else the session's own build (`built`)."""
    if not is_stale(ROOT, ROOT / "build"):
        return ROOT / "build" / "govkg.nq"
    built: Path = request.getfixturevalue("built")
    return built


@pytest.fixture(scope="session")
def site(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """A live `govkg serve` on 127.0.0.1: the built project dataset plus the named graph of hostile labels."""
    graph = f"{HOSTILE.graph}={HOSTILE.file}"
    server = start_server("--dataset", str(dataset(request)), "--graph", graph, "--workers", "2")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def hostile() -> Hostile:
    """What the hostile graph holds and where its labels show."""
    return HOSTILE


@pytest.fixture
def viewport() -> str:
    """The page's viewport, a key of VIEWPORTS (parametrize `viewport` to change it)."""
    return "desktop"


@pytest.fixture
def locale() -> str:
    """The browser's language, sent as Accept-Language (parametrize `locale` to change it)."""
    return "en-US"


@pytest.fixture
def traffic() -> Traffic:
    """The record of the test page's requests and messages; `traffic.expect(regex)` allows a console message."""
    return Traffic()


@pytest.fixture
def page(browser: Browser, site: LiveServer, traffic: Traffic, viewport: str, locale: str) -> Iterator[Page]:
    """A new context and page on the site; at teardown, asserts it made no external request and logged nothing
    wrong."""
    context = browser.new_context(
        base_url=site.url, viewport=VIEWPORTS[viewport], locale=locale, service_workers="block"
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.route("**/*", traffic.route)
    context.on("request", traffic.on_request)
    context.on("page", traffic.watch)
    opened = context.new_page()
    yield opened
    context.close()
    problems = traffic.problems()
    assert not problems, "\n".join(problems)


@pytest.fixture(name="shoot", scope="session")
def shoot_fixture() -> Callable[[Page, str], list[Path]]:
    """`shoot(page, name)`: full-page screenshots in build/screenshots/<name>-desktop.png and -phone.png."""
    return shoot


@pytest.fixture(name="axe")
def axe_fixture() -> Callable[..., dict[str, list[str]]]:
    """`axe(page, off=())`: axe-core's WCAG 2 A/AA violations by impact (skips, or fails in CI, when not vendored)."""
    if not AXE.is_file():
        unavailable(f"{AXE.relative_to(ROOT)} is missing (vendor axe-core first)")
    return axe
