"""Document pages: the full text of a source with every quoted span highlighted and the facts beside it (the HTML
of `/source/<id>`, which the linked-data route hands over here: its RDF twins stay there), the documents index
`/documents`, and their JSON twins `/documents.json` and `/documents/<id>.json`.

Texts are read from the sources folder (`SOURCES`, by default the project's `data/sources`) once per data
generation, and only shown when their SHA-256 is the one the graph records (`pages.documents.read_text`)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NamedTuple

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from rdflib import Literal, URIRef
from rdflib.term import Node

from govkg.engine import Memo
from govkg.namespaces import GK, rebase_iri
from govkg.pages import document_twin, documents
from govkg.pages.description import is_iriref
from govkg.pages.documents import Summary, Text, View
from govkg.pages.model import Page, curie
from govkg.web import respond
from govkg.web.i18n import LANGUAGES, label
from govkg.web.state import State, current

__all__ = ["Documents", "bp", "folder", "html", "index", "index_json", "is_document", "segments"]

bp = Blueprint("documents", __name__)

SOURCE = "source/"  # where document IRIs live under the base
JSON = "application/json"
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")  # a document's name in /documents/<name>.json
CACHE_SIZE = 256  # document views and texts kept per process and data generation
DIGITS = {"en": ",", "fr": "\u202f"}  # the thousands separator of each interface language
# Facts a highlighted run lists at most, in its tooltip and in its note (the rest: "…"): a run under many claims
# would otherwise repeat them all for each of its pieces (the data may nest quotes by the hundred).
LISTED = {"title": 8, "note": 24}
_KEY = "govkg.documents"


class Twin(NamedTuple):
    """A machine twin of a page, as base.html lists it."""

    name: str
    media_type: str
    href: str
    title: str


class Documents:
    """One app's documents: their summaries, texts and page views, kept per data generation."""

    def __init__(self, state: State, sources: Path | None) -> None:
        self.state, self.sources = state, sources
        self.memo: Memo[tuple[str, str], Any] = Memo(state, CACHE_SIZE)

    def summaries(self) -> list[Summary]:
        """Every source document of the graph."""
        state = self.state
        found: list[Summary] = self.memo.get(("index", ""), lambda: documents.summaries(state.select, state.base))
        return found

    def summary(self, iri: str) -> Summary | None:
        """The document at `iri`, if the graph has one there."""
        return next((s for s in self.summaries() if s.iri == iri), None)

    def text(self, summary: Summary) -> Text:
        """The document's text as checked against the graph, read once per generation."""
        read = lambda: documents.read_text(self.sources, summary.identifier, summary.sha256)  # noqa: E731
        found: Text = self.memo.get(("text", summary.iri), read)
        return found

    def view(self, summary: Summary) -> View:
        """The page model of a document."""
        make = lambda: documents.view(self.state.select, self.state.base, summary, self.text(summary))  # noqa: E731
        found: View = self.memo.get(("view", summary.iri), make)
        return found


def folder(config: Mapping[str, Any]) -> Path | None:
    """The folder of source texts: SOURCES, else the project's data/sources; none for a dataset file served
    without its project folder (ROOT) or with no project at all."""
    if config.get("SOURCES"):
        return Path(config["SOURCES"])
    if not config["PROJECT"] or (config["DATASET"] and not config["ROOT"]):
        return None
    return Path(config["ROOT"] or ".") / "data" / "sources"


@bp.record_once
def _setup(setup: BlueprintSetupState) -> None:
    """One Documents per app."""
    app = setup.app
    app.extensions[_KEY] = Documents(app.extensions["govkg"], folder(app.config))


def _documents() -> Documents:
    """This app's Documents."""
    found: Documents = current_app.extensions[_KEY]
    return found


def is_document(page: Page) -> bool:
    """Does `page` describe a source document?"""
    kind = rebase_iri(str(GK.SourceDocument), page.base)
    return any(str(t.node) == kind for t in page.main.types)


def html(page: Page, variants: Sequence[Any]) -> str | None:
    """The HTML page of a source document (its RDF twins are `variants`; the JSON of its segments is added),
    or None when `page` describes something else."""
    found = _documents().summary(str(page.iri)) if is_document(page) else None
    if found is None:
        return None
    view, url = _documents().view(found), _twin(found, page.base)
    twins = [*variants, *([Twin("json", JSON, url, "JSON")] if url else [])]
    return render_template("document.html", view=view, alternates=twins, **_helpers(view.names, page.base))


def _helpers(names: dict[str, dict[str, str]], base: str) -> dict[str, Any]:
    """What document templates use to name and link the nodes they show, in the chosen language."""
    lang = getattr(g, "lang", LANGUAGES[0])
    name = lambda node: _name_of(names, node, base, lang)  # noqa: E731
    return {
        "name": name,
        "link": lambda node: _link(str(node), base),
        "words": lambda fact: " – ".join(name(n) for n in (fact.subject, fact.predicate, fact.value)),
        "figure": lambda n: f"{n:,}".replace(",", DIGITS.get(lang, ",")),
        "code": lambda iri: iri.rstrip("/").rsplit("/", 1)[-1] if iri else "",
        "listed": lambda keys, where: keys[: LISTED[where]],
    }


def _name_of(names: dict[str, dict[str, str]], node: Node | str, base: str, lang: str) -> str:
    """A node's label in `lang` (falling back), a literal's text, else its prefixed name."""
    if isinstance(node, Literal):
        return str(node)
    return label(names.get(str(node), {}), lang, curie(str(node), base))


def _link(iri: str, base: str) -> str | None:
    """The local page of an IRI under the base (its fragment kept); None for any other."""
    if not iri.startswith(base) or not is_iriref(iri):
        return None
    path, hash_, fragment = iri[len(base) :].partition("#")
    return url_for("resources.resource_page", path=path) + (f"#{fragment}" if hash_ else "") if path else None


@bp.route("/documents")
def index() -> Response:
    """Every source document: label, type, language, date, size and number of facts."""
    found, base = _documents().summaries(), current().base
    twin = Twin("json", JSON, url_for("documents.index_json"), "JSON")
    names = {s.iri: s.labels for s in found}
    page = render_template("documents.html", documents=found, alternates=[twin], **_helpers(names, base))
    return _cached(respond.data(page.encode("utf-8"), "text/html"), g.lang)


@bp.route("/documents.json")
def index_json() -> Response:
    """The documents index as JSON (the machine twin of /documents)."""
    found, base = _documents().summaries(), current().base
    rows = [{**asdict(s), "page": _link(s.iri, base), "twin": _twin(s, base)} for s in found]
    return _json({"documents": rows})


def _twin(summary: Summary, base: str) -> str | None:
    """The URL of a document's JSON twin (documents are under <base>source/; one elsewhere has none)."""
    name = summary.iri[len(base + SOURCE) :]
    return (
        url_for("documents.segments", name=name)
        if summary.iri == base + SOURCE + name and NAME.fullmatch(name)
        else None
    )


@bp.route("/documents/<name>.json")
def segments(name: str) -> Response:
    """A document page as JSON: the text's segments (code-point offsets) with their claims, and the facts."""
    state = current()
    found = _documents().summary(state.base + SOURCE + name)
    if found is None:
        abort(404)
    return _json(document_twin.to_json(_documents().view(found)))


def _json(body: dict[str, Any]) -> Response:
    """A JSON answer, cached like the pages of the same generation."""
    return _cached(respond.data(json.dumps(body, ensure_ascii=False).encode("utf-8"), JSON), "json")


def _cached(response: Response, variant: str) -> Response:
    """A weak ETag of the data generation and the variant (an HTML page's language), and a conditional answer."""
    response.set_etag(f"{current().generation[:20]}-documents-{variant}", weak=True)
    response.make_conditional(request)
    return response


@bp.app_context_processor
def _quote_links() -> dict[str, Any]:
    """`quoted(page)` for claim and sentence pages: (URL, document name) of each of their quotes in its document."""

    def quoted(page: Page) -> list[tuple[str, str]]:
        lang, found = getattr(g, "lang", LANGUAGES[0]), []
        for document, claim in documents.quoted(page):
            url = _link(document, page.base)
            if url:
                found.append((f"{url}#q-{claim}", label(page.names.get(URIRef(document), {}), lang, document)))
        return found

    return {"quoted": quoted}
