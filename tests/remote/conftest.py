"""The remote tests' helpers: every test that uses a real store (remote.fixtures) in the `stores` xdist group, so
the whole suite starts each store once; a store made to hold a file; the generated 100k-triple dataset."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from govkg.engine import Source
from govkg.engine.push import push
from govkg.namespaces import DEFAULT_BASE
from remote.stores import Store

FIXTURES = {"oxigraph_store", "virtuoso_store", "store"}
GENERATOR = Path(__file__).parents[2] / "bench" / "generate.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use a store run on one xdist worker (the group tests/parallel.py reads), which starts it once."""
    for item in items:
        if FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.xdist_group("stores"))


_held: dict[str, tuple[Path, dict[str, int]]] = {}


def holding(store: Store, path: Path) -> dict[str, int]:
    """The store made to hold the file (`govkg push`: Oxigraph's bulk route, else the Graph Store as the store's
    user), pushed again only when another file was pushed since; the pushed graphs' sizes."""
    if store.query_url not in _held or _held[store.query_url][0] != path:
        bulk = store.user is None
        credentials = None if bulk else (str(store.user), str(store.password))
        graph_store = None if bulk else store.graph_store_url
        _held[store.query_url] = path, push(store.query_url, [Source(path)], DEFAULT_BASE, graph_store, credentials)
    return _held[store.query_url][1]


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bench/generate.py's synthetic graph at 100k triples (N-Quads), written once per session."""
    out = tmp_path_factory.mktemp("generated") / "100k.nq"
    command = [sys.executable, str(GENERATOR), "--triples", "100000", "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return out
