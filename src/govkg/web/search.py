"""Search: `/search?q=` (a page, or JSON with `format=json` or Accept), its JSON twin `/search.json`, and the
suggestions `static/search.js` asks for as a person types (`/search/suggest?q=`)."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from rdflib import URIRef

from govkg.engine import Memo, settled
from govkg.pages import search
from govkg.reconcile.index import Index, build
from govkg.web import conneg, respond
from govkg.web.errors import HttpError
from govkg.web.i18n import keep, label
from govkg.web.resources import href
from govkg.web.state import current

__all__ = ["Twin", "bp", "data", "entities", "page", "suggest"]

bp = Blueprint("search", __name__)

PAGE_LIMIT = 100  # hits a page or the JSON twin lists (the total is given)
SUGGEST_LIMIT = 8  # suggestions under the box
_KEY = "govkg.search"


class Twin(NamedTuple):
    """A machine twin of a page, as base.html lists it."""

    name: str
    media_type: str
    href: str
    title: str


@bp.record_once
def _memo(setup: BlueprintSetupState) -> None:
    """One search catalogue per app and data generation."""
    setup.app.extensions[_KEY] = Memo(setup.app.extensions["govkg"])


def entities() -> Index:
    """The reconciliation index of the served data (shared with /reconcile when it serves: one build per
    generation)."""
    state, extensions = current(), current_app.extensions
    memo: Memo[str, Any] = extensions["govkg.reconcile" if "govkg.reconcile" in extensions else _KEY]
    found: Index = memo.get("index", lambda: settled(build(state.select, state.base)))
    return found


def _catalog() -> search.Catalog:
    """The search catalogue (built on the first search of a generation)."""
    memo: Memo[str, search.Catalog] = current_app.extensions[_KEY]
    return memo.get("catalog", lambda: settled(search.build(entities())))


def _text() -> str:
    """The `q` parameter, stripped; 400 when it is too long."""
    text = request.args.get("q", "").strip()
    if len(text) > search.MAX_QUERY:
        raise HttpError(400, f"q is longer than {search.MAX_QUERY} characters: search for a name or a part of one")
    return text


def _hit(hit: search.Hit, catalog: search.Catalog, lang: str) -> dict[str, Any]:
    """A hit as JSON: the entity, its page, its label and types in `lang`, and the name that matched."""
    entry = hit.entry
    return {
        "id": entry.id,
        "iri": entry.iri,
        "url": keep(href(URIRef(entry.iri), current().base) or entry.iri),
        "label": label(entry.labels, lang, entry.id),
        "types": [{"id": t, "label": label(catalog.type_names.get(t, {}), lang, t)} for t in entry.types],
        "match": {"text": hit.name, "lang": hit.lang, "kind": hit.kind},
    }


def _results(text: str, limit: int) -> dict[str, Any]:
    """The search's answer as JSON: the query, the number of hits (`more`: at least that many, counting stopped)
    and the first `limit` of them (none for an empty query)."""
    catalog, lang = _catalog(), g.lang
    found = search.top(catalog, text, lang, limit)
    results = [_hit(h, catalog, lang) for h in found.hits]
    return {"query": text, "lang": lang, "total": found.total, "more": found.more, "results": results}


def _json(body: dict[str, Any]) -> Response:
    """A JSON answer; its labels follow the language, so it varies by Accept-Language too, and by Accept (the search
    page's URL answers JSON or HTML by it)."""
    response = jsonify(body)
    response.vary.update(("Accept", "Accept-Language"))
    return response


@bp.route("/search")
def page() -> Response:
    """The search page: a box, and the hits for `q` ranked; JSON with `format=json` or Accept: application/json."""
    if _wants_json():
        return data()
    text = request.args.get("q", "").strip()
    too_long = len(text) > search.MAX_QUERY  # told on the page, with the box to try again
    text = text[: search.MAX_QUERY]
    found = None if too_long or not text else _results(text, PAGE_LIMIT)
    twins = [Twin("json", "application/json", url_for("search.data", q=text), "JSON")]
    body = render_template(
        "search.html", q=text, found=found, too_long=too_long, most=search.MAX_QUERY, alternates=twins
    )
    return respond.data(body.encode("utf-8"), conneg.HTML, 400 if too_long else 200)


def _wants_json() -> bool:
    """JSON by `format=json`, else by Accept (HTML for browsers)."""
    given = request.args.get("format")
    if given:
        return given == "json"
    return conneg.negotiate(request.headers.get("Accept"), "index")[1] == "json"


@bp.route("/search.json")
def data() -> Response:
    """The search as JSON (the page's machine twin): `{query, lang, total, results: [...]}`."""
    return _json(_results(_text(), PAGE_LIMIT))


@bp.route("/search/suggest")
def suggest() -> Response:
    """Suggestions for a box as a person types: the first hits for `q` (none for an empty `q`)."""
    return _json(_results(_text(), SUGGEST_LIMIT))
