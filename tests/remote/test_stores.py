"""The store launchers (remote.stores): each store starts on 127.0.0.1, answers a query, takes an authenticated
Graph Store write of a small named graph and gives it back; Virtuoso refuses anonymous and wrong-password writes."""

from __future__ import annotations

import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from remote import stores
from remote.stores import Store, StoreFailed, virtuoso_ini

GRAPH = "https://example.org/graph/launchers"
TRIPLES = (
    '<https://example.org/a> <https://example.org/label> "déclaration"@fr .\n'
    "<https://example.org/a> <https://example.org/next> <https://example.org/b> .\n"
)


def ask(store: Store, query: str) -> bool:
    """The boolean a SPARQL ASK query answers on the store's anonymous query endpoint."""
    url = store.query_url + "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+xml"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return bool(ox.parse_query_results(response.read(), format=ox.QueryResultsFormat.XML))


def put_graph(store: Store, opener: urllib.request.OpenerDirector, graph: str) -> int:
    """PUT TRIPLES as GRAPH through the store's Graph Store endpoint; the HTTP status (errors' too)."""
    request = urllib.request.Request(
        store.graph_store_url + "?" + urllib.parse.urlencode({"graph": graph}),
        data=TRIPLES.encode(),
        headers={"Content-Type": "application/n-triples"},
        method="PUT",
    )
    try:
        with opener.open(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_a_store_answers_on_loopback(store: Store) -> None:
    host = urllib.parse.urlsplit(store.query_url).hostname
    assert host == "127.0.0.1"
    assert ask(store, "ASK {}")
    assert store.started_in > 0


def test_an_authenticated_graph_store_write_is_read_back(store: Store) -> None:
    assert put_graph(store, store.opener(), GRAPH) in (200, 201, 204)
    request = urllib.request.Request(
        store.graph_store_url + "?" + urllib.parse.urlencode({"graph": GRAPH}),
        headers={"Accept": "application/n-triples"},
    )
    with store.opener().open(request, timeout=10) as response:
        got = set(ox.parse(response.read(), format=ox.RdfFormat.N_TRIPLES))
    assert got == set(ox.parse(TRIPLES.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert ask(store, f'ASK {{ GRAPH <{GRAPH}> {{ ?a <https://example.org/label> "déclaration"@fr }} }}')


@pytest.mark.parametrize("password", [None, "dba", "wrong"])
def test_virtuoso_refuses_a_write_without_its_password(virtuoso_store: Store, password: str | None) -> None:
    opener = urllib.request.build_opener()
    if password is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, virtuoso_store.graph_store_url, "dba", password)
        opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    assert put_graph(virtuoso_store, opener, GRAPH + "/refused") == 401
    assert not ask(virtuoso_store, f"ASK {{ GRAPH <{GRAPH}/refused> {{ ?s ?p ?o }} }}")


def test_virtuoso_refuses_an_anonymous_update(virtuoso_store: Store) -> None:
    update = f'INSERT DATA {{ GRAPH <{GRAPH}/anonymous> {{ <https://example.org/a> <https://example.org/p> "x" }} }}'
    request = urllib.request.Request(
        virtuoso_store.query_url, data=urllib.parse.urlencode({"update": update}).encode(), method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    with refused.value as answer:
        assert "SECURITY" in answer.read().decode()  # Virtuoso answers 500, not 403
    assert not ask(virtuoso_store, f"ASK {{ GRAPH <{GRAPH}/anonymous> {{ ?s ?p ?o }} }}")


def test_the_virtuoso_ini_keeps_everything_in_its_folder(tmp_path: Path) -> None:
    ini = virtuoso_ini(tmp_path, 8890, 1111)
    files = (".db", ".log", ".trx", ".lck", ".pxa")
    paths = [line.split(" = ", 1)[1] for line in ini.splitlines() if line.endswith(files)]
    assert len(paths) == 7
    assert all(path.startswith(str(tmp_path)) for path in paths)
    assert "ServerPort = 127.0.0.1:8890" in ini
    assert "ServerPort = 127.0.0.1:1111" in ini


def test_a_store_that_exits_at_start_says_why(tmp_path: Path) -> None:
    log = tmp_path / "said.log"
    command = [sys.executable, "-c", "import sys; sys.exit('no store here')"]
    store = Store("none", "http://127.0.0.1:9/query", "", "", None, None, log, 0.0)
    with pytest.raises(StoreFailed, match="exited with 1: no store here"):
        stores._launch(command, tmp_path, log, log, store)
