"""What the browser fixtures are made of, importable by tests (`from browser.kit import VIEWPORTS, shoot`): the
viewports, the record of a page's traffic, screenshots at both widths and axe-core checks."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Dialog, Page, Request, Route

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; Playwright never downloads a browser of its own here
AXE = HERE / "vendor" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
# A full-page screenshot stops this far down: a 30,000 px page (the service description) takes 10 s to shoot and
# nobody reads its bottom in a picture.
SHOT_HEIGHT = 4000
VIEWPORTS: dict[str, dict[str, int]] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}
LOCAL_HOST = "127.0.0.1"
# axe-core is served to the page from its own origin at this path (by the context's route, never by the app), so
# the site's CSP (script-src 'self') stays in force while axe runs.
AXE_PATH = "/__browser-tests__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = ("serious", "critical")  # axe impacts a page may not have


@dataclass(frozen=True)
class Hostile:
    """The extra named graph of hostile labels the site serves, and where they show."""

    graph: str = "https://w3id.org/govkg/graph/hostile"
    file: Path = HERE / "hostile.ttl"
    script_label: str = "<script>window.__pwned=1</script>"
    pages: tuple[str, ...] = ("/id/hostile-script", "/id/hostile-company")
    # Real pages that show a hostile label: the summit the declaration was adopted at, the declaration endorsed.
    neighbours: tuple[str, ...] = ("/id/ai-seoul-summit-2024", "/id/seoul-declaration")


HOSTILE = Hostile()


@dataclass
class Traffic:
    """What the pages of one browser context did: every request, those refused for leaving 127.0.0.1, console
    errors and warnings, uncaught exceptions, failed requests and dialogs; `problems()` lists what a test may not
    have (minus the console messages it declared with `expect`)."""

    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    expected: list[re.Pattern[str]] = field(default_factory=list)

    def expect(self, pattern: str) -> None:
        """Declare console messages or failed requests matching the regular expression `pattern` as expected."""
        self.expected.append(re.compile(pattern))

    def problems(self) -> list[str]:
        """Everything that went wrong, one line each: external requests, console errors, failures, dialogs."""
        found = [f"external request: {url}" for url in self.external]
        found += [f"page error: {text}" for text in self.errors]
        found += [f"dialog: {text}" for text in self.dialogs]
        found += [line for line in (*self.console, *self.failed) if not any(p.search(line) for p in self.expected)]
        return found

    def route(self, route: Route) -> None:
        """Let a request to 127.0.0.1 through (serving axe-core at AXE_PATH); abort and record any other."""
        url = route.request.url
        parts = urlsplit(url)
        if parts.hostname != LOCAL_HOST:
            self.external.append(url)
            route.abort("blockedbyclient")
        elif parts.path == AXE_PATH:
            route.fulfill(path=AXE, content_type="text/javascript; charset=utf-8")
        else:
            route.continue_()

    def on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            where = message.location.get("url", "")
            self.console.append(f"console {message.type}: {message.text} ({where})")

    def on_page_error(self, error: Any) -> None:
        self.errors.append(str(error))

    def on_failed(self, request: Request) -> None:
        reason = request.failure or ""
        # A request cancelled by the page itself (an AbortController, a navigation away) is not a failure; one to
        # another host is already recorded as external.
        if reason != "net::ERR_ABORTED" and urlsplit(request.url).hostname == LOCAL_HOST:
            self.failed.append(f"request failed: {request.method} {request.url}: {reason}")

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def watch(self, page: Page) -> None:
        """Record what `page` logs, throws, fails to load and opens as a dialog."""
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)
        page.on("requestfailed", self.on_failed)
        page.on("dialog", self.on_dialog)


def shoot(page: Page, name: str) -> list[Path]:
    """Full-page screenshots (the top SHOT_HEIGHT px) of `page` at both widths: build/screenshots/<name>-desktop.png
    and -phone.png; the viewport is restored after."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        raise ValueError(f"screenshot name {name!r}: lower-case letters, digits, '.', '_' and '-' only")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before, paths = page.viewport_size, []
    for kind, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        paths.append(SCREENSHOTS / f"{name}-{kind}.png")
        height = min(page.evaluate("document.documentElement.scrollHeight"), SHOT_HEIGHT)
        clip = {"x": 0, "y": 0, "width": size["width"], "height": height}
        page.screenshot(path=paths[-1], full_page=True, clip=clip, animations="disabled")
    if before:
        page.set_viewport_size(before)
    return paths


def axe(page: Page, off: Sequence[str] = ()) -> dict[str, list[str]]:
    """Run axe-core (WCAG 2.x A and AA rules, but those named in `off`) on `page`; its violations by impact, one
    line per rule."""
    if not AXE.is_file():
        raise FileNotFoundError(f"{AXE} is missing: vendor axe-core first")
    if page.evaluate("typeof window.axe === 'undefined'"):
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        page.add_script_tag(url=origin + AXE_PATH)
    options = {
        "runOnly": {"type": "tag", "values": AXE_TAGS},
        "rules": {rule: {"enabled": False} for rule in off},
        "resultTypes": ["violations"],
    }
    result = page.evaluate("options => axe.run(document, options)", options)
    found: dict[str, list[str]] = {}
    for rule in result["violations"]:
        targets = ", ".join(str(node["target"]) for node in rule["nodes"][:5])
        line = f"{rule['id']}: {rule['help']} ({len(rule['nodes'])} nodes: {targets})"
        found.setdefault(rule["impact"] or "unknown", []).append(line)
    return found


def blocking(found: dict[str, list[str]]) -> list[str]:
    """The serious and critical violations of an `axe` result."""
    return [line for impact in BLOCKING for line in found.get(impact, [])]
