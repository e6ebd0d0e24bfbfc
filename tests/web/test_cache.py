"""The response cache: a repeated GET gets the same answer without a query; errors are not kept."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from werkzeug.datastructures import Headers

from govkg.web import create_app
from govkg.web.cache import ResponseCache

QUERY = "/sparql?query=" + quote("SELECT ?s WHERE { ?s a gk:Summit } ORDER BY ?s")


def refuse(*args: object, **options: object) -> None:
    raise AssertionError("the engine was asked")


def test_repeated_get_is_served_from_the_cache(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app({"DATASET": str(built), "QUERY_WORKERS": 0})  # threads: the engine patched here answers
    cache = app.extensions["govkg.cache"]
    assert isinstance(cache, ResponseCache)
    client = app.test_client()
    first = client.get(QUERY, headers={"Accept": "text/csv"})
    assert len(cache.entries) == 1
    monkeypatch.setattr(app.extensions["govkg"].engine, "evaluate", refuse)  # only a cache hit can answer now
    again = client.get(QUERY, headers={"Accept": "text/csv"})
    assert again.status_code == 200 and again.data == first.data
    assert _without_id(again.headers) == _without_id(first.headers)
    assert again.headers["X-Request-Id"] != first.headers["X-Request-Id"]  # each request has its own id


def _without_id(headers: Headers) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.items() if k != "X-Request-Id"]


def test_a_new_generation_of_the_data_is_not_answered_from_the_cache(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = create_app({"DATASET": str(built), "QUERY_WORKERS": 0})  # threads: the engine patched here answers
    client, engine = app.test_client(), app.extensions["govkg"].engine
    client.get(QUERY, headers={"Accept": "text/csv"})
    monkeypatch.setattr(engine, "_generation", "changed")  # what a write would do to a writable engine
    monkeypatch.setattr(engine, "evaluate", refuse)
    assert client.get(QUERY, headers={"Accept": "text/csv"}).status_code == 500


def test_accept_is_part_of_the_key_and_errors_are_not_kept(built: Path) -> None:
    app = create_app({"DATASET": str(built), "QUERY_WORKERS": 0})  # threads: the engine patched here answers
    client = app.test_client()
    assert client.get(QUERY, headers={"Accept": "text/csv"}).mimetype == "text/csv"
    assert client.get(QUERY, headers={"Accept": "application/sparql-results+xml"}).mimetype.endswith("+xml")
    assert client.get("/sparql?query=ASK%20%7B").status_code == 400
    assert len(app.extensions["govkg.cache"].entries) == 2  # type: ignore[attr-defined]


def test_budget_evicts_the_least_recently_used(built: Path) -> None:
    app = create_app({"DATASET": str(built), "RESPONSE_CACHE_BYTES": 600, "QUERY_WORKERS": 0})
    client = app.test_client()
    for n in range(5):
        client.get(f"/sparql?query=SELECT%20({n}%20AS%20?x)%20%7B%7D")
    cache = app.extensions["govkg.cache"]
    assert 0 < cache.size <= 600 and len(cache.entries) < 5  # type: ignore[attr-defined]


def test_cache_can_be_turned_off(built: Path) -> None:
    assert "govkg.cache" not in create_app({"DATASET": str(built), "RESPONSE_CACHE_BYTES": 0}).extensions


def test_answers_marked_no_store_are_not_kept(built: Path) -> None:
    """A federated answer depends on another server's data: it carries no-store and the cache obeys."""
    endpoint = "http://127.0.0.1:9/sparql"  # nothing listens on the discard port: SILENT gives one empty row
    app = create_app({"DATASET": str(built), "SERVICE_ALLOWLIST": [endpoint]})
    federated = "/sparql?query=" + quote(f"SELECT * WHERE {{ SERVICE SILENT <{endpoint}> {{ ?s ?p ?o }} }}")
    response = app.test_client().get(federated)
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert len(app.extensions["govkg.cache"].entries) == 0  # type: ignore[attr-defined]
    app.test_client().get(QUERY)
    assert len(app.extensions["govkg.cache"].entries) == 1  # type: ignore[attr-defined]
