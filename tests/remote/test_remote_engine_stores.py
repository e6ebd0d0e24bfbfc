"""The remote engine over both real stores (the Oxigraph server and Virtuoso): `govkg push` of the built dataset
(Virtuoso: Graph Store Protocol with HTTP Digest as dba), a handful of conformance cases, and the site's pages."""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask

from govkg import formats
from govkg.engine import Engine, Source, open_engine
from govkg.engine.base import fingerprint
from govkg.namespaces import DEFAULT_BASE
from govkg.web import create_app
from remote.conftest import holding
from remote.stores import Store

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/about", "/sparql", "/.well-known/void", "/download/", "/graph/asserted", "/reconcile"]


@pytest.fixture
def engine(store: Store, built: Path) -> Engine:
    holding(store, built)
    return open_engine("remote", [Source.store(store.query_url)], DEFAULT_BASE)


def test_the_store_holds_every_graph_with_its_size(engine: Engine, store: Store, built: Path) -> None:
    local = open_engine("oxigraph", [Source(built)], DEFAULT_BASE)
    assert engine.graphs() == local.graphs() == holding(store, built)
    assert engine.generation == fingerprint([Source(built)])


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a gk:Summit }",
        "SELECT ?s ?label WHERE { ?s a gk:State ; rdfs:label ?label FILTER(lang(?label) = 'fr') } ORDER BY ?s ?label",
        "ASK { ?s a gk:Summit }",
    ],
)
def test_answers_match_the_local_engine(engine: Engine, built: Path, query: str) -> None:
    local = open_engine("oxigraph", [Source(built)], DEFAULT_BASE)
    assert engine.rows(engine.evaluate(query), 10_000) == local.rows(local.evaluate(query), 10_000)


def test_json_results_are_the_local_engines_bytes(engine: Engine, built: Path) -> None:
    query = "SELECT ?s ?label WHERE { ?s a gk:State ; rdfs:label ?label FILTER(lang(?label) = 'fr') } ORDER BY ?s"
    local = open_engine("oxigraph", [Source(built)], DEFAULT_BASE)
    mine, theirs = io.BytesIO(), io.BytesIO()
    engine.write(engine.evaluate(query), formats.get("json"), mine)
    local.write(local.evaluate(query), formats.get("json"), theirs)
    assert mine.getvalue() == theirs.getvalue()


def test_the_site_answers_over_the_store(store: Store, built: Path) -> None:
    holding(store, built)
    app: Flask = create_app({"STORE_URL": store.query_url, "ROOT": str(ROOT), "TESTING": True})
    client = app.test_client()
    for path in PAGES:
        assert client.get(path).status_code in (200, 303), path
    answer = client.get("/sparql", query_string={"query": "ASK { ?s a gk:State }"}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200 and b"true" in answer.data


def test_the_dump_is_read_back_from_the_store(store: Store, built: Path) -> None:
    """Virtuoso's blank nodes (`nodeID://b10000` in its JSON results) read back as blank nodes."""
    holding(store, built)
    app: Flask = create_app({"STORE_URL": store.query_url, "ROOT": str(ROOT), "TESTING": True})
    answer = app.test_client().get("/download/govkg.nq")
    assert answer.status_code == 200
    dumped = list(ox.parse(answer.data, format=ox.RdfFormat.N_QUADS))
    assert len(dumped) == sum(holding(store, built).values())
    assert any(isinstance(q.object, ox.BlankNode) for q in dumped)
