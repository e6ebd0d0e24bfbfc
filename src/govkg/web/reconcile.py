"""The W3C Reconciliation Service API (protocol 0.2) at /reconcile: manifest, queries, preview, suggest, extend.

OpenRefine 3.x adds `<server>/reconcile` as a service. Answers are JSON (CORS comes with every answer, so JSONP
is not offered: a `callback` parameter is ignored). A malformed request gets a 4xx and one line of text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import MultiDict

from govkg.engine import Deadline, DeadlineExceeded, Memo, settled
from govkg.errors import one_line
from govkg.reconcile import extend, suggest
from govkg.reconcile import query as reconcile_query
from govkg.reconcile import service as reconcile
from govkg.reconcile.index import LANGS, Index, build
from govkg.web.errors import HttpError
from govkg.web.state import current

__all__ = ["bp", "endpoint", "preview", "propose_properties", "suggestions"]

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
SUGGEST_LIMIT = 10
# The preview is shown in a client's iframe (Reconciliation API 0.2 §5): framing allowed, still no script.
PREVIEW_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors *"
)
PREVIEW_PROPERTIES = (
    "iso3166Alpha2",
    "iso3166Alpha3",
    "country",
    "schema:startDate",
    "schema:location",
    "wikidata",
    "dbpedia",
)


@bp.record_once
def _index_memo(setup: BlueprintSetupState) -> None:
    """One lazily built index per app and data generation, over the dataset the app serves."""
    state = setup.app.extensions["govkg"]
    setup.app.extensions["govkg.reconcile"] = Memo(state)


def _index() -> Index:
    """The app's entity index (built on the first request that needs it)."""
    memo: Memo[str, Index] = current_app.extensions["govkg.reconcile"]
    state = current()
    return memo.get("index", lambda: settled(build(state.select, state.base)))


def _lang() -> str:
    """The language of names in answers: the client's Accept-Language, French or English."""
    return request.accept_languages.best_match(LANGS, default=LANGS[0]) or LANGS[0]


def _json(data: Any) -> Response:
    """A JSON answer whose names follow Accept-Language."""
    response = jsonify(data)
    response.vary.add("Accept-Language")
    return response


@bp.route("", methods=["GET", "POST"])
@bp.route("/", methods=["GET", "POST"])
def endpoint() -> Response:
    """Queries (`queries=`), data extension (`extend=`) or, with neither, the service manifest (§3)."""
    params = _params()
    if "queries" in params and "extend" in params:
        raise HttpError(400, "give queries or extend, not both")
    if "queries" in params:
        return _queries(_one(params, "queries"))
    if "extend" in params:
        return _extend(_one(params, "extend"))
    service = url_for("reconcile.endpoint", _external=True).rstrip("/")
    return _json(reconcile.manifest(_index(), service, request.url_root, _lang()))


def _params() -> MultiDict[str, str]:
    """The URL's parameters, and a POST's form fields (§4.3: queries are POSTed as a form)."""
    params = MultiDict(request.args)
    if request.method == "POST" and (request.mimetype or request.content_length):
        if request.mimetype not in FORMS:
            given = request.mimetype or "a body without Content-Type"
            raise HttpError(415, f"POST a form ({FORMS[0]}) with queries= or extend=, not {given}")
        for key, value in request.form.items(multi=True):
            params.add(key, value)
    return params


def _one(params: MultiDict[str, str], name: str) -> Any:
    """The single parameter `name`, parsed as JSON."""
    values = params.getlist(name)
    if len(values) != 1:
        raise HttpError(400, f"give exactly one {name} parameter")
    try:
        return json.loads(values[0], parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise HttpError(400, f"{name} is not valid JSON: {one_line(error, 200)}") from None


def _no_constant(name: str) -> None:
    """JSON has no NaN or Infinity."""
    raise ValueError(f"{name} is not JSON")


def _queries(batch: Any) -> Response:
    """A reconciliation result batch (§4.2): candidates for each query, keyed as the queries were; computed on
    the query pool under the query deadline, like a SPARQL query."""
    index, lang, state = _index(), _lang(), current()
    queries = reconcile_query.parse_batch(batch, index)

    def job(deadline: Deadline) -> dict[str, Any]:
        return {
            key: {"result": reconcile.reconcile(index, query, lang, deadline.check)} for key, query in queries.items()
        }

    try:
        return _json(state.pool.run(job, state.timeout))
    except DeadlineExceeded as error:
        raise HttpError(503, f"{error}; send smaller batches", {"Retry-After": "1"}) from None


def _extend(raw: Any) -> Response:
    """A data extension response (§8.5)."""
    index = _index()
    ids, columns = extend.parse_extend(raw, index)
    return _json(extend.extend(index, ids, columns, _lang()))


@bp.route("/propose_properties")
def propose_properties() -> Response:
    """Properties worth fetching for entities of a type (§8.3), the most widely held first."""
    index, lang = _index(), _lang()
    types = _type_param(index)
    limit = _count("limit")
    answer: dict[str, Any] = {"properties": suggest.propose_properties(index, types, limit, lang)}
    if types:
        answer["type"] = request.args["type"]
    if limit is not None:
        answer["limit"] = limit
    return _json(answer)


def _suggest_entities(index: Index, prefix: str, lang: str, page: slice) -> list[dict[str, Any]]:
    """Entities, of the `type` parameter if given (only the page's are written out: there may be thousands)."""
    return suggest.suggest_entities(index, prefix, _type_param(index), lang, page)


def _suggest_types(index: Index, prefix: str, lang: str, page: slice) -> list[dict[str, Any]]:
    """Types."""
    return suggest.suggest_types(index, prefix, lang)[page]


def _suggest_properties(index: Index, prefix: str, lang: str, page: slice) -> list[dict[str, Any]]:
    """Properties, of entities of the `type` parameter if given."""
    return suggest.suggest_properties(index, prefix, _type_param(index), lang)[page]


SUGGEST: dict[str, Callable[[Index, str, str, slice], list[dict[str, Any]]]] = {
    "entity": _suggest_entities,
    "type": _suggest_types,
    "property": _suggest_properties,
}


@bp.route("/suggest/<kind>")
def suggestions(kind: str) -> Response:
    """Auto-completion of entities, types or properties by `prefix` (§6), `cursor` suggestions skipped."""
    if kind not in SUGGEST:
        raise HttpError(404, f"no suggest service for {kind[:50]!r}: entity, type or property")
    prefix = request.args.get("prefix", "")
    if len(prefix) > reconcile_query.MAX_TEXT:
        raise HttpError(400, f"prefix is longer than {reconcile_query.MAX_TEXT} characters")
    start = (_count("cursor", 0) or 0) + (_count("offset", 0) or 0)  # cursor: 0.2 §6.2; offset: 1.0-draft
    limit = _count("limit") or SUGGEST_LIMIT
    return _json({"result": SUGGEST[kind](_index(), prefix, _lang(), slice(start, start + limit))})


def _type_param(index: Index) -> tuple[str, ...]:
    """The `type` parameter as a known type id (none when absent or empty)."""
    given = request.args.get("type", "")
    if not given:
        return ()
    type_id = index.type_id(given)
    if type_id is None:
        raise HttpError(400, f"unknown type {given[:100]!r}")
    return (type_id,)


def _count(name: str, minimum: int = 1) -> int | None:
    """An integer parameter of at least `minimum` (None when absent)."""
    given = request.args.get(name, "")
    if not given:
        return None
    if not (given.isascii() and given.isdigit()) or len(given) > 9 or int(given) < minimum:
        raise HttpError(400, f"{name} must be an integer from {minimum} to 999999999")
    return int(given)


@bp.route("/preview")
def preview() -> Response:
    """An HTML summary of one entity for a client's iframe (§5): labels, types and a few key facts."""
    index, lang = _index(), _lang()
    ident = request.args.get("id", "")
    if not ident:
        raise HttpError(400, "give the id of an entity")
    entity = index.entity(ident)
    if entity is None:
        raise HttpError(404, f"no entity {ident[:100]!r}")
    facts = [
        (index.properties[p].name(lang), extend.cell(index, entity.values[p], lang))
        for p in PREVIEW_PROPERTIES
        if p in entity.values
    ]
    page = render_template(
        "reconcile_preview.html",
        entity=entity,
        lang=lang,
        facts=facts,
        card=reconcile.entity_json(entity, lang),
        root=request.url_root,
        types=[index.types[t].name(lang) for t in entity.direct],
        aliases=[label for label, _ in entity.names if label not in entity.labels.values()],
    )
    response = Response(page, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.vary.add("Accept-Language")
    return response
