"""The Content Security Policy of every kind of HTML page, and markup that keeps to it: pages are found by crawling
the site's own links from the home page (one page per endpoint and first path segment), so a new kind of page is
checked as soon as something links to it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from govkg.engine import DEFAULT
from govkg.web import i18n

# Markup does not depend on the engine: crawl the default one only (the rdflib engine takes 4 times as long).
one_engine = pytest.mark.parametrize("app", [DEFAULT], indirect=True)

SEEDS = ("/", "/sparql", "/id/", "/ontology", "/download/", "/.well-known/void", "/id/no-such-thing")
MAX_PAGES = 40
# Source expressions that name no origin: keywords, and data: images (the pictures may inline small ones).
LOCAL_SOURCES = {"'self'", "'none'"}
ALLOWED = {"img-src": {"data:"}, "style-src": {"'unsafe-inline'"}}  # the second only where a page needs it


def directives(policy: str) -> dict[str, list[str]]:
    """A CSP header's directives (CSP 3 §2.2): name → source expressions."""
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        found.setdefault(name.lower(), values)
    return found


def policy_problems(policy: str) -> list[str]:
    """What is wrong with a page's policy: an external origin, any eval, script-src other than 'self'."""
    parsed = directives(policy)
    problems = [
        f"{name} allows {value}"
        for name, values in parsed.items()
        for value in values
        if value not in LOCAL_SOURCES | ALLOWED.get(name, set())
        and not (name == "style-src" and value.startswith("'sha256-"))  # a hash names one fixed style, no origin
    ]
    if parsed.get("script-src") != ["'self'"]:
        problems.append(f"script-src is {parsed.get('script-src')}, not 'self'")
    if parsed.get("default-src") != ["'none'"]:
        problems.append(f"default-src is {parsed.get('default-src')}, not 'none'")
    return problems


@dataclass
class Markup(HTMLParser):
    """What an HTML page holds that a policy cares about: script tags, inline styles, links."""

    scripts: list[str | None] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    in_script: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.in_script = tag == "script"
        if tag == "script":
            self.scripts.append(values.get("src"))
        if tag == "style" or "style" in values:
            self.styles.append(f"<{tag} style={values.get('style')!r}>" if "style" in values else "<style>")
        self.inline += [f"<{tag} {name}=…>" for name in values if name.startswith("on")]
        href = values.get("href") or ""
        if href.strip().lower().startswith("javascript:"):
            self.inline.append(f"<{tag} href={href!r}>")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script and data.strip():
            self.inline.append(f"inline script {data.strip()[:40]!r}")


def kind(app: Flask, path: str) -> tuple[str, str, bool] | None:
    """(endpoint, first path segment, whether more follows) of a local page a person reads; None for machine
    endpoints and unknown paths."""
    try:
        endpoint = str(app.url_map.bind("localhost").match(path)[0])
    except HTTPException:
        return None
    machine = endpoint in i18n.MACHINE_ENDPOINTS or endpoint.startswith("reconcile.")
    first, _, rest = path.strip("/").partition("/")
    return None if machine else (endpoint, first, bool(rest))


def crawl(app: Flask, client: FlaskClient) -> dict[str, tuple[str, Markup]]:
    """URL → (CSP, markup) of one HTML page of each kind, reached from SEEDS by following links."""
    pages: dict[str, tuple[str, Markup]] = {}
    kinds: set[tuple[str, str, bool]] = set()
    queue, visited = deque(SEEDS), set(SEEDS)
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        found = kind(app, urlsplit(url).path)
        if found is None or (found in kinds and url not in SEEDS):
            continue
        kinds.add(found)
        response = client.get(url, headers={"Accept": "text/html"})
        if response.mimetype != "text/html":
            continue
        markup = Markup()
        markup.feed(response.get_data(as_text=True))
        pages[url] = (response.headers.get("Content-Security-Policy", ""), markup)
        for href in markup.links:
            absolute = urljoin(f"http://localhost{url}", href)
            local = absolute.removeprefix("http://localhost")
            if urlsplit(absolute).netloc == "localhost" and local not in visited:
                visited.add(local)
                queue.append(local)
    return pages


_crawled: dict[str, dict[str, tuple[str, Markup]]] = {}


@pytest.fixture
def pages(app: Flask, client: FlaskClient) -> dict[str, tuple[str, Markup]]:
    """One HTML page of each kind the site links to (crawled once per engine)."""
    engine = str(app.config["ENGINE"])
    if engine not in _crawled:
        _crawled[engine] = crawl(app, client)
    return _crawled[engine]


@one_engine
def test_the_crawl_reaches_every_seed_and_beyond(pages: dict[str, tuple[str, Markup]]) -> None:
    assert set(SEEDS) - {"/id/no-such-thing"} <= set(pages)
    assert len(pages) > len(SEEDS)
    assert any(markup.scripts for _, markup in pages.values())  # so the script check below checks something


@one_engine
def test_every_policy_names_no_origin_and_no_eval(pages: dict[str, tuple[str, Markup]]) -> None:
    problems = [f"{url}: {problem}" for url, (policy, _) in pages.items() for problem in policy_problems(policy)]
    assert not problems, "\n".join(problems)


@one_engine
def test_every_script_is_a_same_origin_file(pages: dict[str, tuple[str, Markup]]) -> None:
    problems = []
    for url, (_, markup) in pages.items():
        problems += [f"{url}: {item}" for item in markup.inline]
        for src in markup.scripts:
            parts = urlsplit(urljoin(f"http://localhost{url}", src or ""))
            if not src or parts.netloc != "localhost" or parts.scheme != "http":
                problems.append(f"{url}: <script src={src!r}>")
    assert not problems, "\n".join(problems)


@one_engine
def test_no_inline_style_where_the_policy_forbids_it(pages: dict[str, tuple[str, Markup]]) -> None:
    problems = [
        f"{url}: {style}"
        for url, (policy, markup) in pages.items()
        if "'unsafe-inline'" not in directives(policy).get("style-src", [])
        for style in markup.styles
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("policy", "problem"),
    [
        ("default-src 'none'; script-src 'self' https://cdn.example", "script-src allows https://cdn.example"),
        ("default-src 'none'; script-src 'self' 'unsafe-eval'", "script-src allows 'unsafe-eval'"),
        ("default-src 'none'; script-src 'self'; img-src *", "img-src allows *"),
        ("default-src 'none'; script-src 'self'; style-src 'self' https:", "style-src allows https:"),
        ("default-src 'none'; script-src 'self' 'unsafe-inline'", "script-src allows 'unsafe-inline'"),
        ("default-src 'self'", "script-src is None, not 'self'"),
    ],
)
def test_the_policy_check_catches(policy: str, problem: str) -> None:
    assert problem in policy_problems(policy)


def test_the_markup_check_catches_inline_script_and_style() -> None:
    markup = Markup()
    markup.feed('<script>x()</script><p style="color:red" onclick="x()"><a href=" JavaScript:x()">a</a></p>')
    assert markup.scripts == [None]
    assert len(markup.inline) == 3 and markup.styles == ["<p style='color:red'>"]
