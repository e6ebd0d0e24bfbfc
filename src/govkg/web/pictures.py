"""The pictures of the graph: a timeline, a signatory matrix, a network and a map, drawn as SVG by the server (no
script), each with its data as a table on the page and a machine twin (JSON; the matrix also as CSV)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, g, json, render_template, request, url_for
from rdflib import URIRef

from govkg.pages.pictures import gantt, geo, matrix, network, timeline, worldmap
from govkg.pages.pictures.names import Named, Select
from govkg.web import i18n
from govkg.web.resources import href
from govkg.web.state import current

__all__ = ["ATLAS", "PICTURES", "bp"]

bp = Blueprint("pictures", __name__)
ATLAS = Path(__file__).parent / "static" / "vendor" / "world-atlas" / "countries-110m.json"
PICTURES = ("timeline", "matrix", "network", "map")  # in the order of the index
BUILDERS: dict[str, Callable[[Select, str], Any]] = {
    "timeline": timeline.timeline,
    "matrix": matrix.matrix,
    "network": lambda select, base: network.network(select, base, _model("matrix")),
    "map": worldmap.world,
}
MEDIA_TYPES = {"json": "application/json", "csv": "text/csv"}


@dataclass(frozen=True)
class Twin:
    """A machine twin of a page, announced in its footer and Link header."""

    name: str
    href: str

    @property
    def media_type(self) -> str:
        """Its media type."""
        return MEDIA_TYPES[self.name]

    @property
    def title(self) -> str:
        """Its format's name."""
        return self.name.upper()


@bp.route("/pictures")
def index() -> Response:
    """What each picture shows, with a thumbnail and a few figures."""
    models = {name: _model(name) for name in PICTURES}
    return _page("pictures.html", [Twin("json", url_for(".index_json"))], models=models)


@bp.route("/pictures.json")
def index_json() -> Response:
    """The pictures, their pages and twins."""
    found = [{"name": n, "page": url_for(f".{n}"), "json": url_for(f".{n}_json")} for n in PICTURES]
    return _json({"pictures": found})


@bp.route("/pictures/timeline", endpoint="timeline")
def timeline_page() -> Response:
    """Summits, sessions, acts and launches on a time axis; uncertain and disputed dates drawn as such."""
    model = _model("timeline")
    charts = [gantt.chart(model.dated, frame) for frame in gantt.FRAMES]
    return _page("pictures_timeline.html", _twins("timeline"), model=model, charts=charts, **_names(model.names))


@bp.route("/pictures/matrix", endpoint="matrix")
def matrix_page() -> Response:
    """Actors by instruments, filtered by `kind` and sorted by `sort` (name, count) through the query string."""
    model = _model("matrix")
    names = _names(model.names)
    view = matrix.arrange(model, request.args.get("kind"), request.args.get("sort", "name"), names["name"])
    twins = [*_twins("matrix"), Twin("csv", url_for(".matrix_csv"))]
    context = {"model": model, "view": view, "kinds": model.kinds(), "token": matrix.token, **names}
    return _page("pictures_matrix.html", twins, **context)


@bp.route("/pictures/network", endpoint="network")
def network_page() -> Response:
    """Actors, events and instruments linked by what the sources state."""
    model = _model("network")
    return _page("pictures_network.html", _twins("network"), model=model, size=network.SIZE, **_names(model.names))


@bp.route("/pictures/map", endpoint="map")
def map_page() -> Response:
    """The states of the graph by role, on world-atlas's outlines; `role` highlights one role."""
    model = _model("map")
    role = request.args.get("role")
    role = role if role in worldmap.ROLES else None
    atlas = geo.atlas(ATLAS)
    drawn = {o.id for o in atlas.outlines}
    undrawn = [s for s in model.states if s.numeric not in drawn]
    context = {"model": model, "atlas": atlas, "role": role, "undrawn": undrawn, **_names(model.names)}
    return _page("pictures_map.html", _twins("map"), **context)


@bp.route("/pictures/timeline.json")
def timeline_json() -> Response:
    """The timeline's data."""
    return _json(_model("timeline"))


@bp.route("/pictures/matrix.json")
def matrix_json() -> Response:
    """The matrix's cells, names and quotes."""
    return _json(_model("matrix"))


@bp.route("/pictures/matrix.csv")
def matrix_csv() -> Response:
    """The matrix's cells, a row each."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(matrix.table(_model("matrix")))
    return _cached(Response(out.getvalue(), content_type="text/csv; charset=utf-8"))


@bp.route("/pictures/network.json")
def network_json() -> Response:
    """The network's nodes (with their places) and links."""
    return _json(_model("network"))


@bp.route("/pictures/map.json")
def map_json() -> Response:
    """The states with their codes and roles, and the other actors' roles."""
    return _json(_model("map"))


def _model(name: str) -> Any:
    """A picture's data, computed once per data generation."""
    state = current()
    return state.memo.get(("pictures", name), lambda: BUILDERS[name](state.select, state.base))


def _twins(name: str) -> list[Twin]:
    """The JSON twin of a picture's page."""
    return [Twin("json", url_for(f".{name}_json"))]


def _names(names: dict[str, Named]) -> dict[str, Any]:
    """Template helpers: `name(iri)` and `short(iri)` in the chosen language, `page_of(iri)` its local page."""
    lang, base = g.lang, current().base

    def label(iri: str, short: bool = False) -> str:
        found = names.get(iri)
        return i18n.label((found.short if short else found.labels) if found else {}, lang, iri.rsplit("/", 1)[-1])

    def page_of(iri: str | None) -> str | None:
        local = href(URIRef(iri), base) if iri else None
        return i18n.keep(local) if local else None

    return {"name": label, "short": lambda iri: label(iri, True), "page_of": page_of}


def _page(template: str, twins: list[Twin], **context: Any) -> Response:
    """An HTML page with its twins."""
    body = render_template(template, alternates=twins, **context)
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Link"] = ", ".join(f'<{t.href}>; rel="alternate"; type="{t.media_type}"' for t in twins)
    return _cached(response)


def _json(model: Any) -> Response:
    """A picture's data as JSON (dates in ISO 8601)."""
    body = json.dumps(_plain(asdict(model) if not isinstance(model, dict) else model), ensure_ascii=False)
    return _cached(Response(body, content_type="application/json"))


def _plain(value: Any) -> Any:
    """Dates as ISO 8601 text, tuples as lists, all the way down."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _cached(response: Response) -> Response:
    """A weak ETag from the data generation, the language and the request; cacheable for five minutes."""
    key = f"{current().generation}\n{g.lang}\n{request.full_path}"
    response.set_etag(hashlib.sha256(key.encode("utf-8")).hexdigest()[:32], weak=True)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.make_conditional(request)
    return response
