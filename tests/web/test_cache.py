"""The response cache: a repeated GET gets the same answer without a query; errors are not kept."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from govkg.web import create_app
from govkg.web.cache import ResponseCache

QUERY = "/sparql?query=" + quote("SELECT ?s WHERE { ?s a gk:Summit } ORDER BY ?s")


def test_repeated_get_is_served_from_the_cache(built: Path) -> None:
    app = create_app({"DATASET": str(built)})
    cache = app.wsgi_app
    assert isinstance(cache, ResponseCache)
    client = app.test_client()
    first = client.get(QUERY, headers={"Accept": "text/csv"})
    assert len(cache.entries) == 1
    app.extensions["govkg"].engine = None  # a miss would now fail: only a cache hit can answer
    again = client.get(QUERY, headers={"Accept": "text/csv"})
    assert again.status_code == 200 and again.data == first.data and again.headers == first.headers


def test_accept_is_part_of_the_key_and_errors_are_not_kept(built: Path) -> None:
    app = create_app({"DATASET": str(built)})
    client = app.test_client()
    assert client.get(QUERY, headers={"Accept": "text/csv"}).mimetype == "text/csv"
    assert client.get(QUERY, headers={"Accept": "application/sparql-results+xml"}).mimetype.endswith("+xml")
    assert client.get("/sparql?query=ASK%20%7B").status_code == 400
    assert len(app.wsgi_app.entries) == 2  # type: ignore[attr-defined]


def test_budget_evicts_the_least_recently_used(built: Path) -> None:
    app = create_app({"DATASET": str(built), "RESPONSE_CACHE_BYTES": 600})
    client = app.test_client()
    for n in range(5):
        client.get(f"/sparql?query=SELECT%20({n}%20AS%20?x)%20%7B%7D")
    cache = app.wsgi_app
    assert 0 < cache.size <= 600 and len(cache.entries) < 5  # type: ignore[attr-defined]


def test_cache_can_be_turned_off(built: Path) -> None:
    assert not isinstance(create_app({"DATASET": str(built), "RESPONSE_CACHE_BYTES": 0}).wsgi_app, ResponseCache)
