"""`govkg push` (govkg.engine.push, govkg.engine.upload) to both real stores: a 100k-triple dataset in batches,
HTTP Digest answered before the body is sent, graphs a previous push had deleted, a wrong password in one line."""

from __future__ import annotations

import gc
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from govkg.engine import Source, open_engine
from govkg.engine.push import PushError, push
from govkg.namespaces import DEFAULT_BASE
from remote.conftest import holding
from remote.stores import Store


def sizes(path: Path) -> dict[str, int]:
    """Each named graph's size in an N-Quads file (a repeated quad once)."""
    counted: dict[str, int] = {}
    for quad in set(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)):
        counted[quad.graph_name.value] = counted.get(quad.graph_name.value, 0) + 1  # type: ignore[union-attr]
    return dict(sorted(counted.items()))


def stored_graphs(store: Store) -> set[str]:
    """Every named graph the store holds, as its own query endpoint lists them."""
    query = urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
    accept = {"Accept": "application/sparql-results+json"}
    request = urllib.request.Request(f"{store.query_url}?{query}", headers=accept)
    with urllib.request.urlopen(request, timeout=30) as answer:
        rows = ox.parse_query_results(answer.read(), format=ox.QueryResultsFormat.JSON)
    return {row["g"].value for row in rows}  # type: ignore[union-attr]


def test_a_large_dataset_is_pushed_whole(virtuoso_store: Store, generated: Path, built: Path) -> None:
    """100k triples in 130 graphs, several of them over the batch size, through Virtuoso's Graph Store (which
    reset the connection on any unauthenticated body over ~1 MB, before push answered its Digest challenge first;
    Oxigraph's bulk route takes one body of any size)."""
    store = virtuoso_store
    expected = sizes(generated)
    assert holding(store, generated) == expected and max(expected.values()) > 20_000
    engine = open_engine("remote", [Source.store(store.query_url)], DEFAULT_BASE)
    assert engine.graphs() == expected
    engine.close()
    holding(store, built)  # the generated graphs the build lacks are deleted
    assert stored_graphs(store) & set(expected) == set(sizes(built)) & set(expected)


def test_a_wrong_password_is_one_line_and_leaves_nothing_open(virtuoso_store: Store, built: Path) -> None:
    with pytest.raises(PushError, match=r"refused the login .* \(HTTP 401\)") as refused:
        push(virtuoso_store.query_url, [Source(built)], DEFAULT_BASE, virtuoso_store.graph_store_url, ("dba", "no"))
    assert "\n" not in str(refused.value)
    gc.collect()  # a socket still referenced by a 401 answer would warn here (ResourceWarning: an error)


def test_a_store_that_asks_for_no_login_is_sent_the_body_at_once(oxigraph_store: Store, built: Path) -> None:
    graph_store = oxigraph_store.graph_store_url
    pushed = push(oxigraph_store.query_url, [Source(built)], DEFAULT_BASE, graph_store, ("nobody", "nothing"))
    assert pushed == sizes(built)
