"""Dereferenceable IRIs: every IRI under the base answers with an HTML page or RDF (linked data).

The request path /x/y stands for the IRI <base>x/y. The data is never rewritten: RDF answers carry the
canonical IRIs, and only the links of HTML pages to IRIs under the base are made local, so pages browse alike on
127.0.0.1 and on the real host. Only IRIs found in the data are described: nothing is fetched and no request
is redirected to an address it names (docs/security.md, item 17).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from flask import Blueprint, Response, current_app, g, render_template, request, url_for
from rdflib import Graph, URIRef
from rdflib.namespace import OWL
from rdflib.term import Node

from govkg import formats, serialize
from govkg.engine import Memo
from govkg.namespaces import GK, rebase_iri
from govkg.pages import description, entity, justify, page
from govkg.pages.entity import Entity
from govkg.pages.iri import to_iri
from govkg.pages.model import Catalogue, Page, Written, curie
from govkg.web import conneg, documents, respond
from govkg.web.handlers import plain
from govkg.web.state import State, current

__all__ = ["Resources", "Variant", "bp", "href", "justifications", "not_found", "resource_page"]

bp = Blueprint("resources", __name__)

HTML_SUFFIX = ".html"
WHY_SUFFIX = ".why.json"  # an entity's justifications of its inferred facts (the twin of its page's "why?")
ALTERNATES = ("html", "turtle", "json-ld", "nt", "rdfxml")  # announced in Link headers and on pages
TITLES = {"html": "HTML", "turtle": "Turtle", "json-ld": "JSON-LD", "nt": "N-Triples", "rdfxml": "RDF/XML"}
# By the type of the described IRI (gk: classes rebased on the base); others get resource.html.
TEMPLATES = {OWL.Ontology: "ontology.html", GK.Claim: "document_quote.html", GK.Sentence: "document_quote.html"}
# IRIs under the base whose description another route serves: 303 See Other to it (httpRange-14 style).
REDIRECTS = {"dataset": "meta.void"}
CATALOGUE = "id/"  # the index of entities by class: a page of this server, not an IRI of the data
CACHE_SIZE = 1024  # pages kept per process and data generation
SAFE = "/#:@!$&'()*+,;=-._~%"  # characters left as they are in local links
# The request target as the client sent it, percent-encoding intact: gunicorn sets the first, Werkzeug both.
RAW_URI = ("RAW_URI", "REQUEST_URI")
_KEY = "govkg.resources"


class Resources:
    """One app's view of the IRIs under the base: their index and recent pages, kept per data generation."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.pages: Memo[str, tuple[Page | Catalogue | Entity, Graph]] = Memo(state, CACHE_SIZE)
        self.parts: Memo[str, Any] = Memo(state)  # the index, and the labels and blank nodes read so far

    def index(self) -> description.Index:
        """Every IRI under the base the dataset mentions."""
        state = self.state
        return self.parts.get("index", lambda: description.index(state.select, state.base, state.graphs))

    def get(self, iri: str) -> tuple[Page | Catalogue | Entity, Graph]:
        """The page model and the RDF twin of a known IRI (or of the catalogue)."""
        return self.pages.get(iri, lambda: self._build(iri))

    def _build(self, iri: str) -> tuple[Page | Catalogue | Entity, Graph]:
        """Query the dataset for a page model and its twin."""
        select, base = self.state.select, self.state.base
        labels, blanks = self.parts.get("labels", dict), self.parts.get("blanks", dict)
        if iri == base + CATALOGUE:
            graph = description.catalogue(select, base, labels)
            return page.catalogue(graph, base), graph
        found = description.gather(select, iri, self.index(), known=labels, blanks=blanks)
        model = page.page(found, base)
        if entity.is_entity(iri, base):
            axioms = self.parts.get("axioms", lambda: justify.axioms(select))
            return entity.entity(select, found, model, axioms, self.parts.get("facts", dict)), description.twin(found)
        return model, description.twin(found)


@dataclass(frozen=True)
class Variant:
    """A representation of a resource: its format name, media type and URL."""

    name: str
    media_type: str
    href: str

    @property
    def title(self) -> str:
        """The format's display name."""
        return TITLES.get(self.name, self.name)


@bp.route("/<path:path>")
def resource_page(path: str) -> Response:
    """The IRI <base>PATH as HTML or RDF: by suffix (.ttl .jsonld .nt .rdf .html), `format=` or Accept. PATH
    is read as sent (`path`, decoded by Werkzeug, cannot tell an IRI's %2F from / or its %20 from a space)."""
    sent = _sent_path()
    stem, fixed = _split(sent)
    if stem in REDIRECTS:
        target = url_for(REDIRECTS[stem]) + (f"?format={fixed}" if fixed else "")
        return Response(status=303, headers={"Location": target, "Vary": "Accept"})
    resources = _resources()
    found = _find(resources, sent)
    if found is None:
        return not_found(resources.state.base + sent)
    iri, stem, fixed = found
    media_type, name = conneg.choose([fixed], None, "graph") if fixed else respond.choose("graph")
    return _answer(resources, iri, stem, media_type, name)


def _sent_path() -> str:
    """The request path after the script root with its percent-encoding as sent. Without a raw URI from the
    server, or with one PATH_INFO does not come from (a proxy rewrote it), the decoded path is quoted again:
    then %2F reads as /, the one thing lost."""
    root, path = request.script_root, request.path
    raw = next((request.environ[key] for key in RAW_URI if key in request.environ), "")
    try:
        sent = raw.encode("latin-1").decode("utf-8")  # a WSGI string holds the bytes as latin-1 (PEP 3333)
    except UnicodeError:
        sent = ""
    if not sent.startswith("/"):
        sent = urlsplit(sent).path  # absolute-form request target (RFC 9112 §3.2.2)
    sent = sent.partition("?")[0]
    if sent.startswith(root + "/") and unquote(sent) == root + path:
        return sent[len(root) + 1 :]
    return quote(path[1:], safe=SAFE.replace("%", ""))  # a % in the decoded path was sent as %25


def _find(resources: Resources, sent: str) -> tuple[str, str, str | None] | None:
    """The IRI to describe, the path of its document and the format a suffix fixes. The path names an IRI in
    its IRI form (RFC 3987 §3.2: `c%C3%B4te` is <…côte>) or, failing that, as sent; a path that is not a valid
    IRI names nothing. An IRI that itself ends like a suffix is served as it is; otherwise a suffix names a
    format of the IRI without it."""
    base = resources.state.base
    for candidate, fmt in _candidates(sent):
        if not description.is_iriref(base + candidate):
            continue
        iri = base + candidate if candidate == CATALOGUE else resources.index().resolve(base + candidate)
        if iri is not None:
            return iri, candidate, fmt
    return None


def _candidates(sent: str) -> list[tuple[str, str | None]]:
    """(path, fixed format) in the order they are tried: the IRI form first, each whole and then without a suffix."""
    found: list[tuple[str, str | None]] = []
    for path in dict.fromkeys((to_iri(sent), sent)):
        stem, fixed = _split(path)
        found += [(path, None), *([(stem, fixed)] if fixed else [])]
    return found


@bp.route("/<path:path>" + WHY_SUFFIX)
def justifications(path: str) -> Response:
    """The justifications of an entity's inferred facts as JSON: the machine twin of its page's "why?"."""
    resources = _resources()
    found = _find(resources, _sent_path()[: -len(WHY_SUFFIX)])
    model = resources.get(found[0])[0] if found and not found[2] else None
    if not isinstance(model, Entity):
        return not_found(resources.state.base + _sent_path())
    response = respond.data(json.dumps(entity.why(model), ensure_ascii=False).encode("utf-8"), "application/json")
    response.set_etag(f"{resources.state.generation[:20]}-why", weak=True)
    response.make_conditional(request)
    return response


def _split(path: str) -> tuple[str, str | None]:
    """The path without a format suffix, and the suffix's format name (None when there is none)."""
    stem, dot, suffix = path.rpartition(".")
    if not dot or "/" in suffix:
        return path, None
    if "." + suffix == HTML_SUFFIX:
        return stem, "html"
    try:
        return stem, formats.by_suffix("." + suffix).name
    except formats.FormatError:
        return path, None


def _resources() -> Resources:
    """This app's Resources (created on first use)."""
    extensions = current_app.extensions
    if _KEY not in extensions:
        extensions.setdefault(_KEY, Resources(current()))
    found: Resources = extensions[_KEY]
    return found


def _answer(resources: Resources, iri: str, stem: str, media_type: str, name: str) -> Response:
    """The chosen representation, with its Content-Location, the alternates and a weak ETag of the build."""
    model, twin = resources.get(iri)
    state = resources.state
    variants = [
        Variant(n, conneg.HTML if n == "html" else formats.get(n).media_type, _local(stem, n)) for n in ALTERNATES
    ]
    if name == "html":
        response = respond.data(_html(model, variants, state.base).encode("utf-8"), media_type)
    else:
        response = respond.data(serialize.rdf_bytes(twin, name, state.base), media_type)
    response.headers["Content-Location"] = _local(stem, name)
    response.headers["Link"] = ", ".join(f'<{v.href}>; rel="alternate"; type="{v.media_type}"' for v in variants)
    # An HTML page is in the request's language: the same URL in the other language is another representation.
    language = f"-{g.lang}" if name == "html" else ""
    response.set_etag(f"{state.generation[:20]}-{name}{language}", weak=True)
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.make_conditional(request)
    return response


def _html(model: Page | Catalogue | Entity, variants: list[Variant], base: str) -> str:
    """The HTML page of a description (the template chosen by the resource's type) or of the catalogue."""
    shown = model.page if isinstance(model, Entity) else model
    if isinstance(model, Page) and (own := documents.html(model, variants)) is not None:
        return own  # a source document: its text with the quotes highlighted
    if isinstance(model, Catalogue):
        template, title = "catalogue.html", ""  # the template titles itself in the chosen language
    elif isinstance(model, Entity):
        template, title = "entity.html", model.page.title()
    else:
        types = {value.node for value in model.main.types}
        chosen = (t for cls, t in TEMPLATES.items() if URIRef(rebase_iri(cls, base)) in types)
        template, title = next(chosen, "resource.html"), model.title()
    return render_template(
        template,
        title=title,
        page=shown,
        entity=model,
        alternates=variants,
        written=Written(),
        href=lambda node: href(node, base),
        curie=lambda node: curie(str(node), base),
    )


def _local(stem: str, name: str) -> str:
    """The local URL of one variant of the document at `stem`."""
    local = f"{request.script_root}/{quote(stem, safe=SAFE)}"
    if stem.endswith("/"):  # a folder-like page (the catalogue): its variants by parameter, not by suffix
        return f"{local}?format={name}"
    return local + (HTML_SUFFIX if name == "html" else formats.get(name).suffix)


def href(node: Node, base: str) -> str | None:
    """Where a page links a node to: IRIs under the base locally, other http(s) IRIs as they are, else nowhere
    (no `javascript:` or `file:` links, docs/security.md, item 15)."""
    iri = str(node)
    if not isinstance(node, URIRef):
        return None
    # Under the base but for a local part starting with "/", which would make a link "//host…" to another site (that
    # IRI links as it is); one the store kept though it is no IRI (`<…a b>`) has no page to link to.
    if iri.startswith(base) and not iri[len(base) :].startswith("/"):
        return f"{request.script_root}/{quote(iri[len(base) :], safe=SAFE)}" if description.is_iriref(iri) else None
    return iri if urlsplit(iri).scheme in ("http", "https") else None


def not_found(iri: str) -> Response:
    """404: an HTML page for browsers (Accept prefers text/html), one line of text otherwise."""
    ranges = conneg.parse_accept(request.headers.get("Accept"))
    if conneg.quality(conneg.HTML, ranges) > conneg.quality("text/plain", ranges):
        body = render_template("not_found.html", title="Not found", iri=iri)
        return respond.data(body.encode("utf-8"), conneg.HTML, 404)
    response = plain(404, f"{iri} is not an IRI of this dataset")
    response.vary.add("Accept")
    return response
