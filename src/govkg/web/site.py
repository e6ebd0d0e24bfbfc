"""The site's chrome shared by every page: the navigation, in order (endpoints not registered are left out)."""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from rdflib.term import Node
from werkzeug.routing import BuildError

from govkg.pages.model import curie
from govkg.web.i18n import keep
from govkg.web.resources import href
from govkg.web.state import current

__all__ = ["NAV", "register"]

# (endpoint, its URL values, message key): the main navigation of every page.
NAV: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("meta.home", {}, "nav.home"),
    ("search.page", {}, "nav.search"),
    ("query.editor", {}, "nav.query"),
    ("query.examples", {}, "nav.examples"),
    ("pictures.index", {}, "nav.explore"),
    ("documents.index", {}, "nav.documents"),
    ("resources.resource_page", {"path": "id/"}, "nav.entities"),
    ("downloads.index", {}, "nav.downloads"),
    ("meta.about", {}, "nav.about"),
)


def _nav() -> list[tuple[str, str]]:
    """(URL, message key) of each navigation entry this app serves."""
    found = []
    for endpoint, values, key in NAV:
        try:
            found.append((url_for(endpoint, **values), key))
        except BuildError:
            continue
    return found


def node_link(node: Node) -> str | None:
    """Where a page links a node to: this site's page for IRIs under the base (in the chosen language)."""
    found = href(node, current().base)
    return keep(found) if found else None


def node_name(node: Node) -> str:
    """A node's prefixed name when one of govkg's namespaces holds it, else the IRI."""
    return curie(str(node), current().base)


def register(app: Flask) -> None:
    """Give every template the navigation and the links and short names of nodes."""

    @app.context_processor
    def _site() -> dict[str, Any]:
        return {"site_nav": _nav(), "node_link": node_link, "node_name": node_name}
