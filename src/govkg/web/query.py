"""The query editor (`/query`, YASGUI against this server's /sparql), its completion lists (`/query/terms.json`),
and the example gallery (`/examples`: HTML, or its SHACL executables as RDF; `/examples.json`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request, url_for
from rdflib import Graph, URIRef

from govkg import serialize
from govkg.namespaces import PREFIXES, rebase_iri
from govkg.pages import completions, examples
from govkg.pages.model import curie
from govkg.web import conneg, respond
from govkg.web.resources import href
from govkg.web.state import current

__all__ = ["bp", "describe_examples", "editor", "examples_data", "examples_page", "terms"]

bp = Blueprint("query", __name__)

# The editor page keeps the site's policy (no eval: the bundle's only `eval` is JSON2's fallback for browsers without
# JSON.parse) but for two fixed <style> elements the bundle's column resizer adds to <head>: their hashes let exactly
# those through, not 'unsafe-inline' (tests/web/test_query.py recomputes them from the vendored bundle).
RESIZER_STYLES = (
    "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='",
    "'sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg='",
)
RDF_TWINS = (("turtle", "Turtle"), ("json-ld", "JSON-LD"))
DEFAULT_QUERY = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?class ?label (COUNT(?s) AS ?n)
WHERE {{
  ?s a ?class .
  OPTIONAL {{ ?class rdfs:label ?label FILTER(LANG(?label) = "{lang}") }}
}}
GROUP BY ?class ?label
ORDER BY DESC(?n)
LIMIT 20
"""


class Twin(NamedTuple):
    """A machine twin of a page, as base.html lists it."""

    name: str
    media_type: str
    href: str
    title: str


def _examples() -> list[examples.Example]:
    """The competency questions of the project's `queries/` folder, read now (they are small)."""
    folder = Path(current_app.config["ROOT"] or ".") / "queries"
    return examples.read(folder, current().base)


def _themes(found: list[examples.Example]) -> list[examples.Theme]:
    """The gallery: the examples grouped by theme, the themes' names read from the graph once per generation."""
    state = current()
    iris = tuple(sorted({e.theme for e in found}))
    texts = state.memo.get(("query.themes", *iris), lambda: examples.theme_texts(state.select, iris))
    return examples.gallery(found, texts)


def _page_iri() -> str:
    """The gallery's URL without a language choice: the examples' identifiers are `<this>#<file stem>`."""
    return url_for("query.examples", _external=True, lang=None)


def describe_examples(graph: Graph) -> None:
    """Add the gallery's SHACL executables to a service description of this server's /sparql."""
    endpoint = url_for("sparql.endpoint", _external=True)
    graph += examples.executables(_examples(), endpoint, _page_iri(), current().base)


@bp.route("/query")
def editor() -> Response:
    """The SPARQL editor; its twins are the completion lists and the service description."""
    twins = [
        Twin("json", "application/json", url_for("query.terms"), "JSON"),
        Twin("turtle", "text/turtle", url_for("sparql.endpoint", format="turtle"), "Turtle"),
    ]
    state = current()
    settings = {
        "endpoint": url_for("sparql.endpoint"),
        "terms": url_for("query.terms"),
        "base": state.base,
        "root": request.script_root,
        "storage": f"govkg {state.base} {url_for('query.editor', lang=None)}",
        "prefixes": {prefix: rebase_iri(ns, state.base) for prefix, ns in PREFIXES.items()},
        "query": DEFAULT_QUERY.format(lang=g.lang),
        "lang": g.lang if getattr(g, "lang_explicit", False) else "",
    }
    body = render_template("query.html", settings=settings, alternates=twins)
    response = respond.data(body.encode("utf-8"), conneg.HTML)
    response.headers["Content-Security-Policy"] = _policy()
    return response


def _policy() -> str:
    """The site's Content-Security-Policy, with the column resizer's two styles allowed by their hashes."""
    from govkg.web import CSP  # the package imports this module before it defines CSP

    return CSP.replace("style-src 'self'", "style-src 'self' " + " ".join(RESIZER_STYLES), 1)


@bp.route("/query/terms.json")
def terms() -> Response:
    """The editor's completion lists: prefixes, classes and properties (ontology and VoID), with labels."""
    state = current()
    counts = state.counts()
    used = {"classes": counts.classes.keys(), "properties": counts.properties.keys()}
    body = state.memo.get(("query.terms",), lambda: completions.completions(state.select, used, state.base))
    return jsonify(body)


@bp.route("/examples", endpoint="examples")
def examples_page() -> Response:
    """The gallery as a page, or as SHACL executables in an RDF format (format= or Accept)."""
    media_type, name = respond.choose("graph")
    if name != "html":
        graph = examples.executables(
            _examples(), url_for("sparql.endpoint", _external=True), _page_iri(), current().base
        )
        return respond.data(serialize.rdf_bytes(graph, name, current().base), media_type)
    twins = [Twin("json", "application/json", url_for("query.examples_data"), "JSON")]
    twins += [Twin(n, conneg_type(n), url_for("query.examples", format=n), title) for n, title in RDF_TWINS]
    base = current().base
    body = render_template(
        "examples.html",
        themes=_themes(_examples()),
        alternates=twins,
        local=lambda iri: href(URIRef(iri), base),
        curie=lambda iri: curie(iri, base),
    )
    return respond.data(body.encode("utf-8"), conneg.HTML)


@bp.route("/examples.json")
def examples_data() -> Response:
    """The gallery as JSON (the page's twin): themes with their names, and each example's questions and links."""
    themes = [_theme_json(theme) for theme in _themes(_examples())]
    return jsonify({"endpoint": url_for("sparql.endpoint", _external=True), "themes": themes})


def _theme_json(theme: examples.Theme) -> dict[str, Any]:
    """One theme of the JSON twin."""
    return {
        "iri": theme.iri,
        "label": theme.label,
        "comment": theme.comment,
        "examples": [
            {
                "id": f"{_page_iri()}#{e.name}",
                "name": e.name,
                "question": e.question,
                "form": e.form.lower(),
                "inference": e.inference,
                "query": e.query,
                "editor": url_for("query.editor", query=e.query, tabTitle=e.name, _external=True),
                "run": url_for("sparql.endpoint", query=e.query, format="html", _external=True),
            }
            for e in theme.examples
        ],
    }


def conneg_type(name: str) -> str:
    """The media type a graph format name is sent as."""
    return next(media_type for media_type, n in conneg.OFFERS["graph"] if n == name)
