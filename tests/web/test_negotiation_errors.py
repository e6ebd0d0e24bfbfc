"""Bad or unexpected format requests get a 4xx with a one-line reason (406 naming what is offered) or a twin the
page has, never a 500; and /favicon.ico, which browsers ask for on pages that name no icon."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from govkg import formats
from govkg.web import conneg

ONE = pytest.mark.parametrize("app", ["oxigraph"], indirect=True)  # negotiation does not depend on the engine
# Every page a person reads (a source document's is added from /documents.json).
PAGES = [
    "/",
    "/about",
    "/.well-known/void",
    "/sparql",
    "/sparql?query=ASK%7B%7D",
    "/query",
    "/examples",
    "/documents",
    "/pictures",
    "/pictures/timeline",
    "/pictures/matrix",
    "/pictures/network",
    "/pictures/map",
    "/search",
    "/search?q=seoul",
    "/download/",
    "/id/",
    "/ontology",
    "/id/seoul-declaration",
    "/graph/asserted",
    "/rdf-graph-store?default",
]
REQUESTS = [
    ("format=json", {}),
    ("format=turtle", {}),
    ("format=bogus", {}),
    ("", {"Accept": "application/json"}),
    ("", {"Accept": "image/png"}),
]


def values(kind: str) -> list[str]:
    """Every format value a client might send for an answer of any kind: short names, media types, nonsense."""
    short = {name for table in formats.SHORT_NAMES.values() for name in table}
    offered = {item for offers in conneg.OFFERS.values() for offer in offers for item in offer}
    return sorted(short | offered | {"bogus", "", "*/*", "text/*", "application/json;q=0", "json, text/html"})


@pytest.mark.parametrize("kind", sorted(conneg.OFFERS))
def test_choose_offers_something_or_refuses_with_406(kind: str) -> None:
    """The 500 of /download/?format=json: the index's only JSON is application/json, which short names skipped."""
    names = {name for _, name in conneg.OFFERS[kind]}
    for value in values(kind):
        for accept in (None, "image/png", "application/json", "text/html"):
            try:
                media_type, name = conneg.choose([value], accept, kind)
            except conneg.NotAcceptable as error:
                assert error.status == 406 and "\n" not in str(error)
            else:
                assert name in names and media_type, (value, accept)


@ONE
def test_download_index_json_by_format(client: FlaskClient) -> None:
    by_format = client.get("/download/?format=json")
    assert by_format.status_code == 200 and by_format.mimetype == "application/json"
    assert by_format.json == client.get("/download/", headers={"Accept": "application/json"}).json
    refused = client.get("/download/?format=turtle")
    assert refused.status_code == 406 and "json, html" in refused.get_data(as_text=True)


def document(client: FlaskClient) -> str:
    """The local path of the first source document."""
    listing = client.get("/documents.json").get_json()
    page: str = listing["documents"][0]["page"]
    return page


@ONE
@pytest.mark.parametrize(("query", "headers"), REQUESTS, ids=["json", "turtle", "bogus", "accept-json", "accept-png"])
def test_pages_never_fail_on_formats(client: FlaskClient, query: str, headers: dict[str, str]) -> None:
    for path in [*PAGES, document(client)]:
        url = path + ("&" if "?" in path else "?") + query if query else path
        response = client.get(url, headers=headers)
        assert response.status_code in (200, 406), (url, response.status_code, response.data[:300])
        if response.status_code == 406:
            body = response.get_data(as_text=True)
            assert response.mimetype == "text/plain" and body.count("\n") == 1, url
            assert "choose from" in body or "available as" in body, url  # what is on offer


@ONE
def test_favicon_redirects_to_the_svg_icon(client: FlaskClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.headers["Location"] == "/static/favicon.svg"
    icon = client.get(response.headers["Location"])
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    icon.close()
